//! The public catalogue of failure categories and their numbered causes.
//!
//! The numbers are part of mailfix's interface (`check --json` reports
//! `category` + `cause`), so they never change meaning. The wording is ours.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Connect,
    Login,
    Broken,
    Relay,
    Store,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Connect,
        Category::Login,
        Category::Broken,
        Category::Relay,
        Category::Store,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Connect => "connect",
            Category::Login => "login",
            Category::Broken => "broken",
            Category::Relay => "relay",
            Category::Store => "store",
        }
    }

    /// The symptom as a person would put it.
    pub fn title(self) -> &'static str {
        match self {
            Category::Connect => "Could not connect",
            Category::Login => "Login failed",
            Category::Broken => "Connection broken",
            Category::Relay => "Server won't relay",
            Category::Store => "Could not store the message",
        }
    }

    /// Short label for headings: "Connect · cause 5".
    pub fn label(self) -> &'static str {
        match self {
            Category::Connect => "Connect",
            Category::Login => "Login",
            Category::Broken => "Broken",
            Category::Relay => "Relay",
            Category::Store => "Store",
        }
    }

    /// The causes of this category, in catalogue order.
    pub fn causes(self) -> impl Iterator<Item = &'static Cause> {
        CAUSES.iter().filter(move |c| c.id.category == self)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A numbered cause: `connect` 5 is "wrong port number".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CauseId {
    pub category: Category,
    pub number: u8,
}

impl CauseId {
    pub const fn new(category: Category, number: u8) -> Self {
        CauseId { category, number }
    }

    /// The catalogue entry; every `CauseId` built from the constants below has one.
    pub fn cause(self) -> &'static Cause {
        CAUSES
            .iter()
            .find(|c| c.id == self)
            .unwrap_or(&UNKNOWN_CAUSE)
    }

    pub fn title(self) -> &'static str {
        self.cause().title
    }
}

impl fmt::Display for CauseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} · cause {}", self.category.label(), self.number)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Cause {
    pub id: CauseId,
    /// A few words, for lists.
    pub title: &'static str,
    /// One sentence: what is going on when this cause applies.
    pub meaning: &'static str,
}

pub mod ids {
    use super::{Category::*, CauseId};

    pub const NO_NETWORK: CauseId = CauseId::new(Connect, 1);
    pub const WRONG_ADDRESS: CauseId = CauseId::new(Connect, 2);
    pub const FIREWALL: CauseId = CauseId::new(Connect, 3);
    pub const WRONG_PROTOCOL: CauseId = CauseId::new(Connect, 4);
    pub const WRONG_PORT: CauseId = CauseId::new(Connect, 5);
    pub const TLS_MISMATCH: CauseId = CauseId::new(Connect, 6);
    pub const OUTSIDE_BLOCKED: CauseId = CauseId::new(Connect, 7);

    pub const BAD_CREDENTIALS: CauseId = CauseId::new(Login, 1);
    pub const MECH_NOT_OFFERED: CauseId = CauseId::new(Login, 2);
    pub const MAILBOX_LOCKED: CauseId = CauseId::new(Login, 3);
    pub const WRONG_SERVER: CauseId = CauseId::new(Login, 4);
    pub const SECURITY_ALARM: CauseId = CauseId::new(Login, 5);

    pub const LINK_DOWN: CauseId = CauseId::new(Broken, 1);
    pub const POOR_LINE: CauseId = CauseId::new(Broken, 2);
    pub const SERVER_DROPPED: CauseId = CauseId::new(Broken, 3);

    pub const AUTH_REQUIRED: CauseId = CauseId::new(Relay, 1);
    pub const SENDER_NOT_ALLOWED: CauseId = CauseId::new(Relay, 2);

    pub const DISK_FULL: CauseId = CauseId::new(Store, 1);
    pub const FOLDER_DAMAGED: CauseId = CauseId::new(Store, 2);
}

static UNKNOWN_CAUSE: Cause = Cause {
    id: CauseId::new(Category::Connect, 0),
    title: "Unknown cause",
    meaning: "No catalogued cause matches what was observed.",
};

pub static CAUSES: &[Cause] = &[
    Cause {
        id: ids::NO_NETWORK,
        title: "No network at all",
        meaning: "This computer has no working link to any network, so no server can be reached; the account itself may be fine.",
    },
    Cause {
        id: ids::WRONG_ADDRESS,
        title: "Wrong server address",
        meaning: "The server name does not exist, or points at a machine that runs no mail service.",
    },
    Cause {
        id: ids::FIREWALL,
        title: "Firewall or proxy in the way",
        meaning: "Something between this computer and the server swallows or intercepts the connection.",
    },
    Cause {
        id: ids::WRONG_PROTOCOL,
        title: "Wrong protocol on that port",
        meaning: "The server on that port speaks a different mail protocol than the one configured.",
    },
    Cause {
        id: ids::WRONG_PORT,
        title: "Wrong port number",
        meaning: "Nothing serves the configured protocol on that port, but a standard port of the same server does.",
    },
    Cause {
        id: ids::TLS_MISMATCH,
        title: "TLS mismatch or TLS required",
        meaning: "The two sides disagree on encryption: one expects TLS from the first byte, the other plain text, or the server insists on encryption before login.",
    },
    Cause {
        id: ids::OUTSIDE_BLOCKED,
        title: "Provider blocks outside mail servers",
        meaning: "The network you are on stops connections to mail ports of other providers, typically port 25.",
    },
    Cause {
        id: ids::BAD_CREDENTIALS,
        title: "Wrong user name or password",
        meaning: "The server understood the login attempt and said no to these credentials.",
    },
    Cause {
        id: ids::MECH_NOT_OFFERED,
        title: "Login method not offered",
        meaning: "The way of logging in that is configured is not one this server accepts.",
    },
    Cause {
        id: ids::MAILBOX_LOCKED,
        title: "Mailbox locked by another session",
        meaning: "Another program is connected to the same mailbox, or checks come too often.",
    },
    Cause {
        id: ids::WRONG_SERVER,
        title: "Wrong server for this address",
        meaning: "The credentials were sent to a server that is not the one your address's domain names.",
    },
    Cause {
        id: ids::SECURITY_ALARM,
        title: "Security alarm: server identity in doubt",
        meaning: "The server could not prove it is the one configured, so no password was sent to it.",
    },
    Cause {
        id: ids::LINK_DOWN,
        title: "Local network link down",
        meaning: "This computer's own network link dropped while the session ran.",
    },
    Cause {
        id: ids::POOR_LINE,
        title: "Poor line",
        meaning: "Some connections to the server get through and others are lost or reset.",
    },
    Cause {
        id: ids::SERVER_DROPPED,
        title: "Server dropped the session",
        meaning: "The server ended the conversation in the middle.",
    },
    Cause {
        id: ids::AUTH_REQUIRED,
        title: "Authentication required to send",
        meaning: "The outgoing server relays mail to other domains only for logged-in users.",
    },
    Cause {
        id: ids::SENDER_NOT_ALLOWED,
        title: "Sender address not allowed here",
        meaning: "This outgoing server will not send mail from your address.",
    },
    Cause {
        id: ids::DISK_FULL,
        title: "Disk full",
        meaning: "There is no room left where the mail is stored.",
    },
    Cause {
        id: ids::FOLDER_DAMAGED,
        title: "Mail folder damaged",
        meaning: "The local mail folder is not in a shape the mail program can write to.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_dense_from_one() {
        for category in Category::ALL {
            let numbers: Vec<u8> = category.causes().map(|c| c.id.number).collect();
            let expected: Vec<u8> = (1..=numbers.len() as u8).collect();
            assert_eq!(numbers, expected, "{category}");
        }
        let counts: Vec<usize> = Category::ALL.iter().map(|c| c.causes().count()).collect();
        assert_eq!(counts, [7, 5, 3, 2, 2]);
    }

    #[test]
    fn every_id_has_an_entry() {
        assert_eq!(ids::WRONG_PORT.title(), "Wrong port number");
        assert_eq!(ids::WRONG_PORT.to_string(), "Connect · cause 5");
    }
}
