//! A fresh config text for a list of accounts (`mailfix import`, the
//! wizard's first save). It loads back into the same accounts; defaults
//! (standard port, user name = e-mail, `auth = "auto"`) are left out.

use std::fmt::Write as _;

use crate::account::{Account, AuthMech, PasswordSource, Protocol, ServerSettings, Service};

#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Write literal passwords into the text. Off by default: a literal
    /// password is replaced by a comment that says how to supply it.
    pub include_passwords: bool,
    /// Comment lines for the top of the file (without `#`).
    pub header: Vec<String>,
}

/// The config text for `accounts`.
pub fn render(accounts: &[Account], options: &RenderOptions) -> String {
    let mut out = String::new();
    comments(&mut out, &options.header);
    for account in accounts {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&render_account(account, &[], options));
    }
    out
}

/// One `[[accounts]]` block with its tables, after `comments` (lines
/// without `#`, e.g. where an imported account came from).
pub fn render_account(account: &Account, notes: &[String], options: &RenderOptions) -> String {
    let mut out = String::new();
    comments(&mut out, notes);
    out.push_str("[[accounts]]\n");
    kv(&mut out, "name", &account.name);
    kv(&mut out, "email", &account.email);
    for service in [Service::Incoming, Service::Outgoing] {
        if let Some(server) = account.server(service) {
            let _ = write!(out, "\n[accounts.{service}]\n");
            server_lines(&mut out, service, server, &account.email, options);
        }
    }
    if let Some(store) = &account.store {
        out.push_str("\n[accounts.store]\n");
        kv(&mut out, "path", &store.path.to_string_lossy());
        kv(&mut out, "format", store.format.as_str());
    }
    out
}

/// `text` with `account` added at the end as a new `[[accounts]]` block.
pub fn append_account(text: &str, account: &Account, options: &RenderOptions) -> String {
    let mut out = text.to_string();
    if !out.is_empty() {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(&render_account(account, &[], options));
    out
}

fn comments(out: &mut String, lines: &[String]) {
    for line in lines {
        for part in line.lines() {
            let part: String = part
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let _ = writeln!(out, "# {part}");
        }
    }
}

fn server_lines(
    out: &mut String,
    service: Service,
    server: &ServerSettings,
    email: &str,
    options: &RenderOptions,
) {
    if service == Service::Incoming || server.protocol != Protocol::Smtp {
        kv(out, "protocol", server.protocol.as_str());
    }
    kv(out, "host", &server.host);
    if server.port_explicit {
        let _ = writeln!(out, "port = {}", server.port);
    }
    kv(out, "security", server.security.as_str());
    if server.auth != AuthMech::Auto {
        kv(out, "auth", server.auth.as_str());
    }
    if server.username != email {
        kv(out, "username", &server.username);
    }
    match &server.password {
        PasswordSource::Unset => {}
        PasswordSource::Literal(secret) if options.include_passwords => {
            kv(out, "password", secret.expose());
        }
        PasswordSource::Literal(_) => out.push_str(
            "# A password was found but is not written here. Set one of:\n\
             # password_command = \"pass show mail\"   (or your password manager)\n\
             # password_env = \"MAILFIX_PASSWORD\"\n",
        ),
        PasswordSource::Command(command) => kv(out, "password_command", command),
        PasswordSource::Env(name) => kv(out, "password_env", name),
    }
    if let Some(path) = &server.ca_file {
        kv(out, "ca_file", &path.to_string_lossy());
    }
    if server.allow_plaintext_auth {
        out.push_str("allow_plaintext_auth = true\n");
    }
    if let Some(rcpt) = &server.relay_probe_rcpt
        && service == Service::Outgoing
    {
        kv(out, "relay_probe_rcpt", rcpt);
    }
}

/// `key = "value"` with the value quoted and escaped as TOML wants.
fn kv(out: &mut String, key: &str, value: &str) {
    let quoted = toml_edit::Value::from(value).to_string();
    let _ = writeln!(out, "{key} = {}", quoted.trim());
}
