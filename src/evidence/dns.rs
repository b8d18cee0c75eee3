//! What DNS answered.

use std::fmt;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    A,
    Aaaa,
    Mx,
    Srv,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::A => "A",
            RecordKind::Aaaa => "AAAA",
            RecordKind::Mx => "MX",
            RecordKind::Srv => "SRV",
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsAnswer {
    Addr(IpAddr),
    Mx {
        preference: u16,
        exchange: String,
    },
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsOutcome {
    Found(Vec<DnsAnswer>),
    /// The name does not exist at all (NXDOMAIN).
    NxDomain,
    /// The name exists but has no record of this type (NOERROR, empty).
    NoRecords,
    /// The server did not answer in time.
    TimedOut,
    /// No name server could be reached at all (with the OS's reason, e.g.
    /// "network unreachable").
    Unreachable(String),
    /// The server answered with an error (SERVFAIL, REFUSED).
    ServerError(String),
    Failed(String),
}

impl DnsOutcome {
    pub fn addrs(&self) -> Vec<IpAddr> {
        match self {
            DnsOutcome::Found(answers) => answers
                .iter()
                .filter_map(|a| match a {
                    DnsAnswer::Addr(ip) => Some(*ip),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// One DNS question and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct DnsLookup {
    /// The name asked, lowercased, without the trailing dot.
    pub name: String,
    pub kind: RecordKind,
    pub outcome: DnsOutcome,
    pub ms: f64,
}
