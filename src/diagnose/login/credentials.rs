//! Login causes 1 and 4: the credentials were refused, here or on the
//! wrong server.

use super::super::alt::{move_to, serves_line};
use super::super::facts::Facts;
use super::super::wording::quote;
use super::super::{Build, Out, finding};
use crate::account::{AuthMech, PasswordSource};
use crate::catalogue::ids;
use crate::evidence::{EndpointProbe, Session};
use crate::finding::{Confidence, Finding};
use crate::peer::{Peer, in_domain};

use super::mechanism::mech_name;

pub(super) fn bad_credentials(
    f: &Facts,
    s: &Session,
    mech: AuthMech,
    answered: String,
    explicit: bool,
    out: &mut Out,
) {
    let svc = f.service;
    let mut c1 = if explicit {
        Confidence::Certain
    } else {
        Confidence::Likely
    };
    if f.publishes_configured_host().is_none() {
        let srv = best_published(f, true);
        let mx = best_published(f, false);
        if let Some(alt) = srv {
            wrong_server(f, alt, Confidence::Likely, &answered, out);
            c1 = Confidence::Possible;
        } else if let Some(peer) = copied_from(f) {
            peer_server(f, peer, &answered, out);
            c1 = Confidence::Possible;
        } else if let Some(alt) = mx {
            wrong_server(f, alt, Confidence::Possible, &answered, out);
            c1 = c1.max(Confidence::Likely);
        } else if let Some(name) = foreign_name(f, s) {
            out.add(
                finding(svc, ids::WRONG_SERVER, Confidence::Possible, format!("{} may not be the server for your address", f.want.host))
                    .ev(format!("the server calls itself {name}, which is neither {} nor a name in your address's domain", f.want.host))
                    .ev(answered.clone())
                    .fix("Check the server name against your provider's instructions."),
            );
            c1 = c1.max(Confidence::Likely);
        }
    }
    let mut fnd = finding(svc, ids::BAD_CREDENTIALS, c1, "The server refused the user name or password")
        .ev(answered)
        .ev(format!("mailfix logged in as {}", quote(&f.server.username)))
        .fix("Type the user name and password again; capital letters matter, so make sure Caps Lock is off.");
    fnd = hints(f, fnd);
    out.add(fnd.fix(
        "If you changed the password on the provider's website recently, use the new one here too.",
    ));
    if s.effective_capabilities()
        .is_some_and(|c| mech.sasl_name().is_none_or(|m| c.offers_mech(m)))
    {
        out.rule_out(
            svc,
            ids::MECH_NOT_OFFERED,
            format!(
                "the server offers {} and used it to check the password",
                mech_name(mech)
            ),
        );
    }
}

pub(super) fn hints(f: &Facts, mut fnd: Finding) -> Finding {
    let user = &f.server.username;
    if user.trim() != user {
        fnd = fnd.fix("The user name has a space at its start or end; remove it.");
    }
    if !user.contains('@') && f.report.account.email.contains('@') {
        fnd = fnd.fix(format!(
            "Many providers want the whole address as the user name: try {}.",
            f.report.account.email
        ));
    }
    match &f.server.password {
        PasswordSource::Command(cmd) => fnd.fix(format!(
            "The password comes from the command {}: check that its first line is the current password.",
            quote(cmd)
        )),
        PasswordSource::Env(var) => fnd.fix(format!(
            "The password comes from the environment variable {var}: check that it holds the current password."
        )),
        PasswordSource::Literal(_) | PasswordSource::Unset => fnd,
    }
}

/// The best published host (SRV when `srv`, else MX) other than the
/// configured one that serves the protocol.
fn best_published<'a>(f: &Facts<'a>, srv: bool) -> Option<&'a EndpointProbe> {
    f.published
        .iter()
        .copied()
        .filter(|p| {
            p.endpoint.host != f.want.host
                && p.serves_expected_protocol()
                && f.srv_publishes(p) == srv
        })
        .min_by_key(|p| !super::super::facts::works(p))
}

pub(super) fn wrong_server(
    f: &Facts,
    alt: &EndpointProbe,
    confidence: Confidence,
    answered: &str,
    out: &mut Out,
) {
    let record = f.published_by(&alt.endpoint.host);
    let (line, patch) = move_to(f, alt);
    out.add(
        finding(
            f.service,
            ids::WRONG_SERVER,
            confidence,
            format!("{} may not be the server for your address", f.want.host),
        )
        .ev(format!(
            "{record} names {}, not {}",
            alt.endpoint.host, f.want.host
        ))
        .ev(serves_line(alt))
        .ev(format!(
            "{answered}; mailfix did not try your password on {}",
            alt.endpoint.host
        ))
        .fix(line)
        .patch(Some(patch)),
    );
}

/// Another account of the same config whose own server this is: the host
/// is named in that account's mail domain and that account uses it, while
/// this account's address is in another domain. The sign of settings
/// copied from one account into the next.
fn copied_from<'a>(f: &Facts<'a>) -> Option<&'a Peer> {
    let mine = f.domain.as_deref()?;
    if in_domain(&f.want.host, mine) {
        return None;
    }
    f.report
        .peers
        .iter()
        .find(|p| p.domain().is_some_and(|d| d != mine) && p.owns_host(&f.want.host))
}

fn peer_server(f: &Facts, peer: &Peer, answered: &str, out: &mut Out) {
    let domain = f.domain.as_deref().unwrap_or_default();
    out.add(
        finding(
            f.service,
            ids::WRONG_SERVER,
            Confidence::Likely,
            format!("{} is the server of your account {}", f.want.host, quote(&peer.name)),
        )
        .ev(format!(
            "your account {} ({}) uses {} too, a server named in its own domain",
            quote(&peer.name),
            peer.email,
            f.want.host
        ))
        .ev(format!(
            "this account's address is at {domain}, and nothing published for {domain} names {}",
            f.want.host
        ))
        .ev(answered.to_owned())
        .fix(format!(
            "If these settings were copied from {}, set the server your provider gives for {domain} instead.",
            quote(&peer.name)
        ))
        .fix("If both addresses really live on this server, the user name or password is what the server refused: check them."),
    );
}

/// A host name in the greeting from a domain that is neither the
/// configured host's nor the address's.
/// Only a configured host *name* can be compared; names of machines on a
/// private network (`.local`, `.internal`, …) say nothing about domains.
fn foreign_name(f: &Facts, s: &Session) -> Option<String> {
    if crate::plan::is_ip_literal(&f.want.host) {
        return None;
    }
    let line = &s.greeting.as_ref()?.line;
    let mine = [base(&f.want.host), base(f.domain.as_deref().unwrap_or(""))];
    line.split_whitespace()
        .skip(1)
        .map(|t| {
            t.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-')
                .trim_end_matches('.')
        })
        .filter(|t| {
            t.contains('.')
                && t.split('.').count() >= 2
                && t.split('.').all(|l| {
                    !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
                && t.chars().any(|c| c.is_ascii_alphabetic())
        })
        .filter(|t| !private_name(t))
        .find(|t| !mine.contains(&base(t)))
        .map(str::to_owned)
}

const PRIVATE_SUFFIXES: &[&str] = &[
    ".local",
    ".localdomain",
    ".internal",
    ".lan",
    ".home",
    ".home.arpa",
    ".intranet",
    ".corp",
    ".test",
    ".invalid",
];

fn private_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("localhost") || PRIVATE_SUFFIXES.iter().any(|s| n.ends_with(s))
}

/// The last two labels of a name, lowercased: a rough "same domain" test.
pub(super) fn base(name: &str) -> String {
    let labels: Vec<&str> = name.trim_end_matches('.').split('.').collect();
    labels[labels.len().saturating_sub(2)..]
        .join(".")
        .to_ascii_lowercase()
}
