//! Login cause 2: the login method is not one the server takes.

use super::super::alt::move_to_log_in;
use super::super::facts::Facts;
use super::super::replies::{self, AuthVerdict};
use super::super::wording::list;
use super::super::{Build, Out, finding};
use crate::account::{AuthMech, Protocol};
use crate::catalogue::ids;
use crate::evidence::{LoginSkip, Reply, Session};
use crate::finding::{Confidence, Finding, SettingsPatch};

/// "PLAIN", "CRAM-MD5", or "auto" for a mechanism.
pub(super) fn mech_name(mech: AuthMech) -> &'static str {
    mech.sasl_name().unwrap_or(mech.as_str())
}

pub(super) fn oauth_only(offered: &[String]) -> bool {
    !offered.is_empty()
        && offered
            .iter()
            .all(|m| m.eq_ignore_ascii_case("XOAUTH2") || m.eq_ignore_ascii_case("OAUTHBEARER"))
}

/// A mechanism mailfix speaks among `offered`, other than `not`.
pub(super) fn spoken(offered: &[String], not: Option<AuthMech>) -> Option<AuthMech> {
    [AuthMech::CramMd5, AuthMech::Plain, AuthMech::Login]
        .into_iter()
        .filter(|m| Some(*m) != not)
        .find(|m| offered.iter().any(|o| Some(o.as_str()) == m.sasl_name()))
}

/// Fix and patch for a mechanism problem, given what the server offers.
fn mech_fix(f: &Facts, mut fnd: Finding, offered: &[String], used: Option<AuthMech>) -> Finding {
    if oauth_only(offered) {
        let patch = offered
            .iter()
            .any(|m| m.eq_ignore_ascii_case("XOAUTH2"))
            .then(|| SettingsPatch {
                auth: Some(AuthMech::Xoauth2),
                ..SettingsPatch::default()
            });
        let line = if patch.is_some() {
            "Log in with OAuth2: set auth = xoauth2 and let password_command print a current access token."
        } else {
            "The server takes only OAUTHBEARER sign-in, which mailfix does not speak; use a mail program that supports it."
        };
        return fnd.fix(line).patch(patch);
    }
    if let Some(m) = spoken(offered, used) {
        let auth = if f.server.auth == AuthMech::Auto {
            m
        } else {
            AuthMech::Auto
        };
        let patch = SettingsPatch {
            auth: Some(auth),
            ..SettingsPatch::default()
        };
        fnd = fnd
            .fix(format!(
                "Use a method the server offers ({}).",
                patch.describe()
            ))
            .patch(Some(patch));
    } else {
        fnd = fnd.fix("Ask the provider which login method to use, or use a mail program that supports one the server offers.");
    }
    fnd
}

fn offered_line(offered: &[String], encrypted: bool) -> String {
    let when = if encrypted { " (after encryption)" } else { "" };
    if offered.is_empty() {
        format!("the server offers no login method at all{when}")
    } else {
        format!("the server offers {}{when}", list(offered))
    }
}

pub(super) fn mech_rejected(
    f: &Facts,
    s: &Session,
    mech: AuthMech,
    answered: String,
    reply: &Reply,
    out: &mut Out,
) {
    let confidence = if replies::auth(reply) == AuthVerdict::Mechanism {
        Confidence::Certain
    } else {
        Confidence::Likely
    };
    let offered = s
        .effective_capabilities()
        .map(|c| c.auth.clone())
        .unwrap_or_default();
    let fnd = finding(
        f.service,
        ids::MECH_NOT_OFFERED,
        confidence,
        format!(
            "The server does not take the {} login method",
            mech.as_str()
        ),
    )
    .ev(answered)
    .ev(offered_line(&offered, s.is_encrypted()));
    out.add(mech_fix(f, fnd, &offered, Some(mech)));
}

pub(super) fn skipped(f: &Facts, s: &Session, skip: &LoginSkip, out: &mut Out) {
    let svc = f.service;
    let encrypted = s.is_encrypted();
    match skip {
        LoginSkip::MechanismNotOffered { wanted, offered } => {
            if offered.is_empty()
                && !encrypted
                && s.effective_capabilities().is_some_and(|c| c.starttls)
            {
                return; // no AUTH before STARTTLS: connect cause 6
            }
            let fnd = finding(
                svc,
                ids::MECH_NOT_OFFERED,
                Confidence::Certain,
                format!(
                    "The server does not offer the {} login method",
                    wanted.as_str()
                ),
            )
            .ev(format!(
                "the account sets auth = {}, but {}",
                wanted.as_str(),
                offered_line(offered, encrypted)
            ));
            out.add(mech_fix(f, fnd, offered, None));
        }
        LoginSkip::NoCommonMechanism { offered } => {
            let fnd = finding(
                svc,
                ids::MECH_NOT_OFFERED,
                Confidence::Certain,
                "The server offers no login method mailfix speaks",
            )
            .ev(offered_line(offered, encrypted));
            out.add(mech_fix(f, fnd, offered, None));
        }
        LoginSkip::ServerDisallows if encrypted => {
            let mut fnd = finding(
                svc,
                ids::MECH_NOT_OFFERED,
                Confidence::Likely,
                format!("The server offers no way to log in on port {}", f.want.port),
            )
            .ev(format!("{}: {}", f.want.target(), offered_line(&[], true)));
            match f.alternative(|p| {
                p.session
                    .as_ref()
                    .and_then(Session::effective_capabilities)
                    .is_some_and(|c| !c.auth.is_empty())
            }) {
                Some(alt) => {
                    let (line, patch) = move_to_log_in(f, alt);
                    fnd = fnd
                        .ev(format!("{} offers login", alt.endpoint.target()))
                        .fix(line)
                        .patch(Some(patch));
                }
                None if f.want.protocol == Protocol::Smtp => {
                    fnd = fnd.fix("Port 25 is for servers handing mail to each other; mail programs log in on 587 or 465. Ask your provider for the sending port.");
                }
                None => {
                    fnd = fnd.fix("Ask your provider how to log in to this server.");
                }
            }
            out.add(fnd);
        }
        _ => {}
    }
}
