//! Helpers shared by the `import_*` tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use mailfix::account::{AuthMech, PasswordSource, Protocol, Security, ServerSettings};
use mailfix::import::{self, Ctx, ImportError, Imported, ImportedAccount, Kind};
use mailfix::secret::Secret;

pub const HOME: &str = "/home/alice";

pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/import")
        .join(rel)
}

pub fn read(rel: &str) -> String {
    std::fs::read_to_string(data(rel)).expect("sample file")
}

/// Parse a sample file with `HOME` as the home directory.
pub fn parse_sample(kind: Kind, rel: &str) -> Imported {
    let path = data(rel);
    let text = read(rel);
    let ctx = Ctx {
        file: &path,
        home: Some(Path::new(HOME)),
    };
    import::parse(kind, &text, &ctx).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Parse literal text as if it were `test.conf`.
pub fn parse_text(kind: Kind, text: &str) -> Result<Imported, ImportError> {
    let ctx = Ctx {
        file: Path::new("test.conf"),
        home: Some(Path::new(HOME)),
    };
    import::parse(kind, text, &ctx)
}

/// The 1-based line of the first line of `text` containing `needle`.
pub fn line_with(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line holds {needle:?}"))
        + 1
}

pub fn account<'a>(imported: &'a Imported, name: &str) -> &'a ImportedAccount {
    imported
        .accounts
        .iter()
        .find(|a| a.account.name == name)
        .unwrap_or_else(|| panic!("no account {name}; have {:?}", names(imported)))
}

/// The incoming server of account `name`.
pub fn incoming<'a>(imported: &'a Imported, name: &str) -> &'a ServerSettings {
    let item = account(imported, name);
    item.account.incoming.as_ref().expect("an incoming server")
}

/// The outgoing server of account `name`.
pub fn outgoing<'a>(imported: &'a Imported, name: &str) -> &'a ServerSettings {
    let item = account(imported, name);
    item.account.outgoing.as_ref().expect("an outgoing server")
}

pub fn names(imported: &Imported) -> Vec<&str> {
    imported
        .accounts
        .iter()
        .map(|a| a.account.name.as_str())
        .collect()
}

pub fn cmd(c: &str) -> PasswordSource {
    PasswordSource::Command(c.to_owned())
}

pub fn lit(p: &str) -> PasswordSource {
    PasswordSource::Literal(Secret::new(p))
}

/// Expected server settings; the port counts as written when it is not
/// the standard one.
pub fn server(
    protocol: Protocol,
    host: &str,
    port: u16,
    security: Security,
    auth: AuthMech,
    username: &str,
    password: PasswordSource,
) -> ServerSettings {
    ServerSettings {
        protocol,
        host: host.to_owned(),
        port,
        port_explicit: port != protocol.default_port(security),
        security,
        auth,
        username: username.to_owned(),
        password,
        ca_file: None,
        allow_plaintext_auth: false,
        relay_probe_rcpt: None,
    }
}

pub fn with_ca(mut s: ServerSettings, ca: &str) -> ServerSettings {
    s.ca_file = Some(PathBuf::from(ca));
    s
}

/// The warning of `item` mentioning `needle`, with its line.
pub fn warning_line(item: &ImportedAccount, needle: &str) -> Option<usize> {
    item.warnings
        .iter()
        .find(|w| w.message.contains(needle))
        .map(|w| w.line.unwrap_or(0))
}

pub fn file_warning_line(imported: &Imported, needle: &str) -> Option<usize> {
    imported
        .warnings
        .iter()
        .find(|w| w.message.contains(needle))
        .map(|w| w.line.unwrap_or(0))
}

/// `text` read as `kind` is a syntax error at `line` whose message holds
/// `fragment`.
pub fn assert_syntax_error(kind: Kind, text: &str, line: usize, fragment: &str) {
    let (got_line, message) = syntax_error(parse_text(kind, text));
    assert_eq!(got_line, line, "{message}");
    assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
}

/// The line and message of a syntax error.
pub fn syntax_error(result: Result<Imported, ImportError>) -> (usize, String) {
    match result {
        Err(ImportError::Syntax { line, message, .. }) => (line, message),
        Err(other) => panic!("expected a syntax error, got {other}"),
        Ok(imported) => panic!("expected a syntax error, got {:?}", names(&imported)),
    }
}
