//! The account's settings as a table, with where the password comes from
//! but never the password (nor the password command, which may hold one).

use std::fmt::Write as _;

use crate::account::{Account, PasswordSource, Protocol, ServerSettings, Service};

use super::escape::{code, row, text};
use super::session::capitalised;

/// A row of the settings table: its label and how to show a server's value.
type Line = (&'static str, fn(&ServerSettings) -> String);

pub fn settings(out: &mut String, account: &Account, resolver: &str) {
    out.push_str("\n### Settings\n\n");
    let servers: Vec<(Service, &ServerSettings)> = [Service::Incoming, Service::Outgoing]
        .into_iter()
        .filter_map(|s| account.server(s).map(|server| (s, server)))
        .collect();
    let _ = writeln!(out, "- E-mail address: {}", code(&account.email));
    if let Some(store) = &account.store {
        let _ = writeln!(
            out,
            "- Mail store: {} at {}",
            store.format.as_str(),
            code(&store.path.to_string_lossy())
        );
    }
    let _ = writeln!(out, "- DNS: {}", text(resolver));
    if servers.is_empty() {
        out.push_str("- No incoming or outgoing server is configured.\n");
        return;
    }
    out.push('\n');
    let mut header = vec![String::new()];
    header.extend(servers.iter().map(|(s, _)| capitalised(s.as_str())));
    out.push_str(&row(&header));
    out.push_str(&row(&vec!["---".to_string(); header.len()]));
    let lines: [Line; 10] = [
        ("Protocol", |s| s.protocol.label().into()),
        ("Server", |s| text(&s.host)),
        ("Port", |s| {
            if s.port_explicit {
                s.port.to_string()
            } else {
                format!("{} (standard)", s.port)
            }
        }),
        ("Security", |s| s.security.label().into()),
        ("Login method", |s| s.auth.as_str().into()),
        ("User name", |s| text(&s.username)),
        ("Password", |s| password(&s.password)),
        ("Extra CA file", |s| match &s.ca_file {
            Some(path) => text(&path.to_string_lossy()),
            None => "none".into(),
        }),
        ("Plaintext login allowed", |s| {
            if s.allow_plaintext_auth { "yes" } else { "no" }.into()
        }),
        ("Relay test recipient", |s| match &s.relay_probe_rcpt {
            _ if s.protocol != Protocol::Smtp => "n/a".into(),
            Some(rcpt) => text(rcpt),
            None => "default".into(),
        }),
    ];
    for (label, value) in lines {
        let mut cells = vec![label.to_string()];
        cells.extend(servers.iter().map(|(_, s)| value(s)));
        out.push_str(&row(&cells));
    }
}

/// Where the password comes from, in words; never the password.
fn password(source: &PasswordSource) -> String {
    match source {
        PasswordSource::Unset => "none set".into(),
        PasswordSource::Literal(_) => "given (not shown)".into(),
        PasswordSource::Command(_) => "from a command (not shown)".into(),
        PasswordSource::Env(name) => format!("from the environment variable {}", text(name)),
    }
}
