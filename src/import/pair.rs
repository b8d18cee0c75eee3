//! mbsync knows only how mail comes in, msmtp only how it goes out. People
//! who use both have one account in each file for the same address; this
//! joins them into one mailfix account.

use super::detect::{self, Env, ReadFs};
use super::{Ctx, Imported, ImportedAccount, Kind, parse_raw};

/// After reading `kind`, read its partner at the standard path and join
/// the accounts with the same address. A missing partner changes nothing;
/// a broken one becomes a warning.
pub(crate) fn with_partner(kind: Kind, imported: Imported, env: &Env, fs: &dyn ReadFs) -> Imported {
    let partner = match kind {
        Kind::Msmtp => Kind::Mbsync,
        Kind::Mbsync => Kind::Msmtp,
        Kind::Aerc | Kind::Himalaya => return imported,
    };
    let mut imported = imported;
    let found = match detect::find(partner, env, fs) {
        Ok(Some(found)) => found,
        Ok(None) => return imported,
        Err(e) => {
            let file = imported
                .sources
                .first()
                .map(|s| s.file.clone())
                .unwrap_or_default();
            imported.warn(
                &file,
                None,
                format!("could not read {partner}'s settings to pair with: {e}"),
            );
            return imported;
        }
    };
    let (path, text) = found;
    if imported.sources.iter().any(|s| s.file == path) {
        return imported;
    }
    let ctx = Ctx {
        file: &path,
        home: env.home.as_deref(),
    };
    match parse_raw(partner, &text, &ctx) {
        Ok(other) => join(imported, other, false),
        Err(e) => {
            imported.warn(&path, None, format!("not paired with {partner}: {e}"));
            imported
        }
    }
}

/// Join each account of `primary` with the first unused account of
/// `partner` that has the same address (or, when one side has no address,
/// the same user name). The primary's name wins; the partner's becomes an
/// alias. Unmatched partner accounts are kept only if `keep_unmatched`.
pub(crate) fn join(primary: Imported, partner: Imported, keep_unmatched: bool) -> Imported {
    let mut partner_accounts: Vec<Option<ImportedAccount>> =
        partner.accounts.into_iter().map(Some).collect();
    let mut out = Imported {
        sources: primary.sources,
        accounts: Vec::new(),
        warnings: primary.warnings,
    };
    out.sources.extend(partner.sources);
    out.warnings.extend(partner.warnings);

    for mut account in primary.accounts {
        let slot = partner_accounts.iter_mut().find(|slot| {
            slot.as_ref()
                .is_some_and(|other| same_person(&account, other))
        });
        if let Some(other) = slot.and_then(Option::take) {
            merge(&mut account, other);
        }
        out.accounts.push(account);
    }
    if keep_unmatched {
        out.accounts.extend(partner_accounts.into_iter().flatten());
    }
    out
}

/// Same address; or, when one side has none, the same login name that is
/// itself an address, or the same login name on servers of the same domain.
fn same_person(a: &ImportedAccount, b: &ImportedAccount) -> bool {
    let (ea, eb) = (&a.account.email, &b.account.email);
    if !ea.is_empty() && !eb.is_empty() {
        return ea.eq_ignore_ascii_case(eb);
    }
    let logins = |x: &ImportedAccount| -> Vec<(String, String)> {
        [&x.account.incoming, &x.account.outgoing]
            .into_iter()
            .flatten()
            .filter(|s| !s.username.is_empty())
            .map(|s| (s.username.to_ascii_lowercase(), parent_domain(&s.host)))
            .collect()
    };
    let lb = logins(b);
    logins(a).iter().any(|(user, domain)| {
        lb.iter()
            .any(|(u, d)| u == user && (user.contains('@') || (!d.is_empty() && d == domain)))
    })
}

/// `imap.mail.example.org` → `example.org`; empty for an IP address.
fn parent_domain(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || !host.contains('.') {
        return String::new();
    }
    let labels: Vec<&str> = host.rsplit('.').take(2).collect();
    format!("{}.{}", labels[1], labels[0])
}

fn merge(into: &mut ImportedAccount, other: ImportedAccount) {
    let acc = &mut into.account;
    if acc.email.is_empty() {
        acc.email = other.account.email;
    }
    acc.incoming = acc.incoming.take().or(other.account.incoming);
    acc.outgoing = acc.outgoing.take().or(other.account.outgoing);
    acc.store = acc.store.take().or(other.account.store);
    if other.account.name != acc.name && !into.aliases.contains(&other.account.name) {
        into.aliases.push(other.account.name);
    }
    for alias in other.aliases {
        if alias != acc.name && !into.aliases.contains(&alias) {
            into.aliases.push(alias);
        }
    }
    into.is_default |= other.is_default;
    into.origins.extend(other.origins);
    into.warnings.extend(other.warnings);
}

#[cfg(test)]
mod tests {
    use super::parent_domain;

    #[test]
    fn domains() {
        assert_eq!(parent_domain("imap.mail.Example.org."), "example.org");
        assert_eq!(parent_domain("example.org"), "example.org");
        assert_eq!(parent_domain("localhost"), "");
        assert_eq!(parent_domain("192.0.2.1"), "");
        assert_eq!(parent_domain("::1"), "");
    }
}
