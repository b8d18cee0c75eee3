//! Test accounts, written as mailfix config files (design.md, "Config file").

use std::path::PathBuf;

use super::world::World;
use super::{ALICE, MAIL_HOST, OUTSIDE_RCPT, PASSWORD};

/// One `[accounts.incoming]` or `[accounts.outgoing]` table.
#[derive(Debug, Clone)]
pub struct Server {
    pub protocol: &'static str,
    pub host: String,
    pub port: Option<u16>,
    pub security: &'static str,
    pub auth: &'static str,
    pub username: Option<String>,
    pub password: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub allow_plaintext_auth: bool,
    pub relay_probe_rcpt: Option<String>,
}

impl Server {
    fn new(world: &World, protocol: &'static str, port: u16, security: &'static str) -> Self {
        Server {
            protocol,
            host: MAIL_HOST.to_string(),
            port: Some(port),
            security,
            auth: "plain",
            username: Some(ALICE.to_string()),
            password: Some(PASSWORD.to_string()),
            ca_file: Some(world.ca_file.clone()),
            allow_plaintext_auth: false,
            relay_probe_rcpt: None,
        }
    }

    pub fn host(mut self, host: &str) -> Self {
        self.host = host.to_string();
        self
    }

    pub fn auth(mut self, auth: &'static str) -> Self {
        self.auth = auth;
        if auth == "none" {
            self.username = None;
            self.password = None;
        }
        self
    }

    pub fn user(mut self, user: &str) -> Self {
        self.username = Some(user.to_string());
        self
    }

    pub fn password(mut self, password: &str) -> Self {
        self.password = Some(password.to_string());
        self
    }

    pub fn allow_plaintext_auth(mut self) -> Self {
        self.allow_plaintext_auth = true;
        self
    }

    fn write(&self, table: &str, out: &mut String) {
        out.push_str(&format!("\n[accounts.{table}]\n"));
        kv(out, "protocol", self.protocol);
        kv(out, "host", &self.host);
        if let Some(port) = self.port {
            out.push_str(&format!("port = {port}\n"));
        }
        kv(out, "security", self.security);
        kv(out, "auth", self.auth);
        if let Some(user) = &self.username {
            kv(out, "username", user);
        }
        if let Some(password) = &self.password {
            kv(out, "password", password);
        }
        if let Some(ca) = &self.ca_file {
            kv(out, "ca_file", &ca.display().to_string());
        }
        if self.allow_plaintext_auth {
            out.push_str("allow_plaintext_auth = true\n");
        }
        if let Some(rcpt) = &self.relay_probe_rcpt {
            kv(out, "relay_probe_rcpt", rcpt);
        }
    }
}

impl World {
    /// IMAP on mail.mailfix.test as alice, trusting the test CA.
    pub fn imap(&self, port: u16, security: &'static str) -> Server {
        Server::new(self, "imap", port, security)
    }

    pub fn pop3(&self, port: u16, security: &'static str) -> Server {
        Server::new(self, "pop3", port, security)
    }

    /// SMTP on mail.mailfix.test as alice; the relay probe writes to an
    /// outside address.
    pub fn smtp(&self, port: u16, security: &'static str) -> Server {
        let mut server = Server::new(self, "smtp", port, security);
        server.relay_probe_rcpt = Some(OUTSIDE_RCPT.to_string());
        server
    }
}

/// One `[[accounts]]` entry.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub email: String,
    pub incoming: Option<Server>,
    pub outgoing: Option<Server>,
    /// `(path, format)` of `[accounts.store]`.
    pub store: Option<(PathBuf, &'static str)>,
}

impl Account {
    /// An account for alice@mailfix.test named after the test.
    pub fn new(name: &str) -> Self {
        Account {
            name: name.to_string(),
            email: ALICE.to_string(),
            incoming: None,
            outgoing: None,
            store: None,
        }
    }

    pub fn email(mut self, email: &str) -> Self {
        self.email = email.to_string();
        self
    }

    pub fn incoming(mut self, server: Server) -> Self {
        self.incoming = Some(server);
        self
    }

    pub fn outgoing(mut self, server: Server) -> Self {
        self.outgoing = Some(server);
        self
    }

    pub fn store(mut self, path: PathBuf, format: &'static str) -> Self {
        self.store = Some((path, format));
        self
    }

    pub fn to_toml(&self) -> String {
        let mut out = String::from("[[accounts]]\n");
        kv(&mut out, "name", &self.name);
        kv(&mut out, "email", &self.email);
        if let Some(server) = &self.incoming {
            server.write("incoming", &mut out);
        }
        if let Some(server) = &self.outgoing {
            server.write("outgoing", &mut out);
        }
        if let Some((path, format)) = &self.store {
            out.push_str("\n[accounts.store]\n");
            kv(&mut out, "path", &path.display().to_string());
            kv(&mut out, "format", format);
        }
        out
    }
}

fn kv(out: &mut String, key: &str, value: &str) {
    out.push_str(&format!(
        "{key} = {}\n",
        toml::Value::String(value.to_string())
    ));
}
