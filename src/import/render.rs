//! Imported accounts as a mailfix config file (the format in design.md),
//! with what could not be carried over as comments.
//!
//! Until the config module has its own writer, this is what `mailfix
//! import` prints. A password written literally in the source file is not
//! copied unless asked for: the output often ends up in a terminal, a
//! pastebin or a dotfiles repository.

use std::fmt::Write as _;

use crate::account::{AuthMech, PasswordSource, ServerSettings};

use super::{Imported, ImportedAccount};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Copy passwords written literally in the source into `password = …`.
    pub include_literal_passwords: bool,
}

/// The whole config file.
pub fn render(imported: &Imported, options: RenderOptions) -> String {
    let mut out = String::new();
    out.push_str("# mailfix settings made by `mailfix import` from:\n");
    for source in &imported.sources {
        let _ = write!(out, "#   {} {}", source.kind, source.file.display());
        if let Some(variant) = &source.variant {
            let _ = write!(out, " (schema {variant})");
        }
        out.push('\n');
    }
    out.push_str("# Lines starting with `# !` name what could not be carried over.\n");
    for warning in &imported.warnings {
        let _ = writeln!(out, "# ! {}", one_line(&warning.to_string()));
    }
    for item in &imported.accounts {
        out.push('\n');
        render_account(&mut out, item, options);
    }
    out
}

fn render_account(out: &mut String, item: &ImportedAccount, options: RenderOptions) {
    let account = &item.account;
    let _ = writeln!(out, "# from {}", item.origin_summary());
    for warning in &item.warnings {
        let _ = writeln!(out, "# ! {}", one_line(&warning.to_string()));
    }
    out.push_str("[[accounts]]\n");
    let _ = writeln!(out, "name = {}", quote(&account.name));
    if account.email.is_empty() {
        out.push_str("# email = \"you@example.org\"   # not found in the source: fill it in\n");
    } else {
        let _ = writeln!(out, "email = {}", quote(&account.email));
    }
    for (table, server) in [
        ("incoming", &account.incoming),
        ("outgoing", &account.outgoing),
    ] {
        if let Some(server) = server {
            out.push('\n');
            let _ = writeln!(out, "[accounts.{table}]");
            render_server(out, server, &account.email, item, options);
        }
    }
    if let Some(store) = &account.store {
        out.push_str("\n[accounts.store]\n");
        let _ = writeln!(out, "path = {}", quote(&store.path.to_string_lossy()));
        let _ = writeln!(out, "format = {}", quote(store.format.as_str()));
    }
}

fn render_server(
    out: &mut String,
    server: &ServerSettings,
    email: &str,
    item: &ImportedAccount,
    options: RenderOptions,
) {
    let _ = writeln!(out, "protocol = {}", quote(server.protocol.as_str()));
    let _ = writeln!(out, "host = {}", quote(&server.host));
    if server.port_explicit {
        let _ = writeln!(out, "port = {}", server.port);
    }
    let _ = writeln!(out, "security = {}", quote(server.security.as_str()));
    let _ = writeln!(out, "auth = {}", quote(server.auth.as_str()));
    if !server.username.is_empty() && server.username != email {
        let _ = writeln!(out, "username = {}", quote(&server.username));
    }
    if server.auth != AuthMech::None {
        match &server.password {
            PasswordSource::Command(cmd) => {
                let _ = writeln!(out, "password_command = {}", quote(cmd));
            }
            PasswordSource::Env(var) => {
                let _ = writeln!(out, "password_env = {}", quote(var));
            }
            PasswordSource::Literal(secret) if options.include_literal_passwords => {
                let _ = writeln!(out, "password = {}", quote(secret.expose()));
            }
            PasswordSource::Literal(_) => {
                let _ = writeln!(
                    out,
                    "# password: written in {} and not copied here; set password_command \
                     or password_env (`mailfix check --from {}` reads it from there)",
                    item.origins
                        .first()
                        .map_or_else(String::new, |o| o.file.display().to_string()),
                    item.origins.first().map_or("…", |o| o.kind.as_str()),
                );
            }
            PasswordSource::Unset => {
                out.push_str("# password_command = \"…\"   # none found in the source\n");
            }
        }
    }
    if let Some(ca) = &server.ca_file {
        let _ = writeln!(out, "ca_file = {}", quote(&ca.to_string_lossy()));
    }
    if server.allow_plaintext_auth {
        out.push_str("allow_plaintext_auth = true\n");
    }
    if let Some(rcpt) = &server.relay_probe_rcpt {
        let _ = writeln!(out, "relay_probe_rcpt = {}", quote(rcpt));
    }
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Comments must stay on one line whatever a file name holds.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_valid_toml() {
        for s in [
            "plain",
            "with \"quotes\"",
            "back\\slash",
            "tab\tnew\nline",
            "nul\0x",
            "ünï",
        ] {
            let doc = format!("v = {}", quote(s));
            let table: toml::Table = toml::from_str(&doc).unwrap();
            assert_eq!(table["v"].as_str(), Some(s));
        }
    }
}
