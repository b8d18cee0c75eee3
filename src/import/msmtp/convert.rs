//! From msmtp's resolved accounts to mailfix accounts (outgoing only).

use crate::account::{Account, AuthMech, PasswordSource, Protocol, Security};
use crate::secret::Secret;

use super::super::draft::ServerDraft;
use super::super::text::{address_in, expand_tilde, parse_port};
use super::super::{Ctx, Imported, ImportedAccount, Kind, Warning};
use super::RawAccount;

/// Convert every account; `account X : Y` with nothing of its own becomes
/// another name of Y (`account default : work` marks `work` as default).
pub(super) fn accounts(raw: &[RawAccount], ctx: &Ctx<'_>, imported: &mut Imported) {
    let mut alias_of: Vec<Option<usize>> = Vec::with_capacity(raw.len());
    for account in raw {
        let alias = match account.parents.as_slice() {
            [parent] if account.own == 0 => raw
                .iter()
                .position(|a| &a.name == parent)
                .map(|i| alias_of.get(i).copied().flatten().unwrap_or(i)),
            _ => None,
        };
        alias_of.push(alias);
    }

    let mut converted: Vec<Option<usize>> = vec![None; raw.len()];
    for (i, account) in raw.iter().enumerate() {
        if alias_of[i].is_some() {
            continue;
        }
        match convert(account, ctx) {
            Ok(mut item) => {
                item.is_default = account.name == "default";
                converted[i] = Some(imported.accounts.len());
                imported.accounts.push(item);
            }
            Err(reason) => imported.warnings.push(Warning::about(
                ctx.file,
                account.line,
                &account.name,
                format!("skipped: {reason}"),
            )),
        }
    }

    for (i, account) in raw.iter().enumerate() {
        let Some(root) = alias_of[i] else { continue };
        let Some(index) = converted[root] else {
            continue;
        };
        let item = &mut imported.accounts[index];
        item.aliases.push(account.name.clone());
        if account.name == "default" {
            item.is_default = true;
        }
    }
}

fn convert(a: &RawAccount, ctx: &Ctx<'_>) -> Result<ImportedAccount, String> {
    let mut notes: Vec<(Option<usize>, String)> = Vec::new();
    let value = |key: &str| a.get(key).map(|e| e.value.as_str());
    let line = |key: &str| a.get(key).map(|e| e.line);
    let is_on = |key: &str, default: bool| value(key).map_or(default, |v| v == "on");

    let host = value("host").ok_or("it has no `host`")?;
    if value("protocol") == Some("lmtp") {
        return Err("it delivers by LMTP, which mailfix does not check".into());
    }

    let security = match (is_on("tls", false), is_on("tls_starttls", true)) {
        (false, _) => Security::None,
        (true, true) => Security::Starttls,
        (true, false) => Security::Tls,
    };
    let mut server = ServerDraft::new(Protocol::Smtp, security);
    server.host = Some(host.to_owned());
    // Without `port`, msmtp uses 465 for TLS from the first byte and 25
    // otherwise (not the submission port 587 mailfix would assume).
    server.port = match value("port").and_then(parse_port) {
        Some(port) => Some(port),
        None if security == Security::Tls => None,
        None => Some(25),
    };
    server.username = value("user").filter(|u| !u.is_empty()).map(str::to_owned);

    let has_credentials = ["user", "password", "passwordeval"]
        .iter()
        .any(|k| value(k).is_some_and(|v| !v.is_empty()));
    server.auth = match value("auth") {
        None | Some("off") => {
            if value("auth").is_none() && has_credentials {
                notes.push((
                    line("user").or(line("password")).or(line("passwordeval")),
                    "`auth` is not set, so msmtp does not log in even though credentials \
                     are given; imported as auth = none"
                        .into(),
                ));
            }
            AuthMech::None
        }
        Some("on") => AuthMech::Auto,
        Some("plain") => AuthMech::Plain,
        Some("login") => AuthMech::Login,
        Some("cram-md5") => AuthMech::CramMd5,
        Some("xoauth2") => AuthMech::Xoauth2,
        Some("oauthbearer") => {
            notes.push((
                line("auth"),
                "mailfix speaks XOAUTH2, not OAUTHBEARER; it will log in with XOAUTH2 \
                 and the same token"
                    .into(),
            ));
            AuthMech::Xoauth2
        }
        Some(other) => {
            notes.push((
                line("auth"),
                format!(
                    "mailfix does not speak `{other}`; it will use the best mechanism \
                     the server offers"
                ),
            ));
            AuthMech::Auto
        }
    };

    let password = value("password").filter(|p| !p.is_empty());
    let eval = value("passwordeval").filter(|p| !p.is_empty());
    server.password = match (eval, password) {
        (Some(cmd), Some(_)) => {
            notes.push((
                line("password"),
                "both `password` and `passwordeval` are set; using passwordeval".into(),
            ));
            PasswordSource::Command(cmd.to_owned())
        }
        (Some(cmd), None) => PasswordSource::Command(cmd.to_owned()),
        (None, Some(pw)) => PasswordSource::Literal(Secret::new(pw)),
        (None, None) => {
            if server.auth != AuthMech::None {
                notes.push((
                    Some(a.line),
                    "no password in the file: msmtp would look in ~/.netrc or the system \
                     keyring, which mailfix does not read"
                        .into(),
                ));
            }
            PasswordSource::Unset
        }
    };

    server.ca_file = match value("tls_trust_file") {
        None | Some("") | Some("system") => None,
        Some(path) => Some(expand_tilde(path, ctx.home)),
    };
    not_carried(a, &mut notes);

    let email = match value("from") {
        Some(from) => address_in(from).or_else(|| {
            notes.push((
                line("from"),
                format!("`from {from}` is a pattern, not one address"),
            ));
            None
        }),
        None => None,
    }
    .or_else(|| value("user").and_then(address_in))
    .unwrap_or_default();

    let account = Account {
        name: a.name.clone(),
        email,
        incoming: None,
        outgoing: server.build(),
        store: None,
    };
    Ok(ImportedAccount::read(
        Kind::Msmtp,
        ctx.file,
        a.line,
        account,
        notes,
    ))
}

/// Settings that change how msmtp connects but have no mailfix equivalent
/// (an empty argument switches them off).
const NOT_CARRIED: &[(&str, &str)] = &[
    (
        "tls_fingerprint",
        "msmtp trusts this server by certificate fingerprint; mailfix checks \
         the certificate against trusted CAs instead",
    ),
    (
        "tls_cert_file",
        "client certificates are not supported by mailfix",
    ),
    (
        "tls_host_override",
        "msmtp verifies the certificate against another name; mailfix uses the host name",
    ),
    (
        "proxy_host",
        "msmtp connects through a SOCKS proxy; mailfix connects directly",
    ),
    (
        "socket",
        "msmtp connects to a local socket; mailfix connects to the host",
    ),
    (
        "source_ip",
        "msmtp binds to a source address; mailfix lets the system choose",
    ),
];

fn not_carried(a: &RawAccount, notes: &mut Vec<(Option<usize>, String)>) {
    if let Some(entry) = a.get("tls_certcheck")
        && entry.value == "off"
    {
        notes.push((
            Some(entry.line),
            "msmtp skips certificate verification here; mailfix always verifies, \
             so a certificate problem will show up as a finding"
                .into(),
        ));
    }
    for (key, message) in NOT_CARRIED {
        if let Some(entry) = a.get(key)
            && !entry.value.is_empty()
        {
            notes.push((Some(entry.line), (*message).to_owned()));
        }
    }
}
