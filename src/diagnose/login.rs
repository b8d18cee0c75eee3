//! Login causes 1–4 from the login attempt of the configured session:
//! wrong credentials (and provider hints), mechanism not offered, mailbox
//! locked, wrong server. Cause 5 lives in `security`.

use super::alt::{move_to, serves_line};
use super::facts::{Facts, publisher_phrase};
use super::replies::{self, AuthVerdict};
use super::wording::{self, list, quote};
use super::{Build, Out, finding};
use crate::account::{AuthMech, PasswordSource, Protocol};
use crate::catalogue::ids;
use crate::evidence::{
    EndpointProbe, LoginOutcome, LoginSkip, MailboxOutcome, Publisher, Reply, Role, Session,
};
use crate::finding::{Confidence, Finding, SettingsPatch};

pub(super) fn check(f: &Facts, out: &mut Out) {
    let Some(s) = f.session() else {
        return;
    };
    match &s.login {
        Some(LoginOutcome::Accepted { mechanism }) => accepted(f, s, *mechanism, out),
        Some(LoginOutcome::Rejected { mechanism, reply }) => rejected(f, s, *mechanism, reply, out),
        Some(LoginOutcome::Skipped(skip)) => skipped(f, s, skip, out),
        None => {}
    }
    if matches!(
        s.login,
        Some(LoginOutcome::Accepted { .. } | LoginOutcome::Rejected { .. })
    ) && let Some(p) = f.publishes_configured_host()
    {
        out.rule_out(
            f.service,
            ids::WRONG_SERVER,
            format!(
                "{} names {} for your domain",
                publisher_phrase(p),
                f.want.host
            ),
        );
    }
}

fn accepted(f: &Facts, s: &Session, mech: AuthMech, out: &mut Out) {
    let svc = f.service;
    let name = mech_name(mech);
    out.rule_out(
        svc,
        ids::BAD_CREDENTIALS,
        format!("the server accepted the password ({name})"),
    );
    out.rule_out(
        svc,
        ids::MECH_NOT_OFFERED,
        format!("logging in with {name} worked"),
    );
    out.rule_out(svc, ids::WRONG_SERVER, "the server accepted the login");
    match &s.mailbox {
        Some(MailboxOutcome::Opened { messages }) => {
            let n = messages
                .map(|n| format!(" ({n} messages)"))
                .unwrap_or_default();
            out.rule_out(
                svc,
                ids::MAILBOX_LOCKED,
                format!("logged in and opened the mailbox{n}"),
            );
        }
        Some(MailboxOutcome::Refused(reply)) => mailbox_refused(f, reply, out),
        None if f.want.protocol == Protocol::Smtp => {
            out.rule_out(
                svc,
                ids::MAILBOX_LOCKED,
                "logged in without hitting a lock or a connection limit",
            );
        }
        None => {}
    }
}

fn mailbox_refused(f: &Facts, reply: &Reply, out: &mut Out) {
    let line = format!(
        "after a good login the server answered {} when mailfix opened the mailbox",
        wording::reply(reply)
    );
    match replies::lock(reply) {
        Some(AuthVerdict::Locked { explicit, delay }) => locked(f, line, explicit, delay, out),
        _ => out.note(
            Some(f.service),
            "Login worked, but the server would not open the mailbox. No known cause fits; the server's words may say why.",
            vec![line],
            true,
        ),
    }
}

/// Login cause 3, from any reply that speaks of a lock or too many sessions.
pub(super) fn locked(f: &Facts, line: String, explicit: bool, delay: bool, out: &mut Out) {
    let confidence = if explicit {
        Confidence::Certain
    } else {
        Confidence::Likely
    };
    let mut fnd = finding(
        f.service,
        ids::MAILBOX_LOCKED,
        confidence,
        if delay {
            "The server allows a login only every so often"
        } else {
            "The mailbox is in use by another session"
        },
    )
    .ev(line);
    let wait = f
        .caps()
        .and_then(|c| {
            c.raw
                .iter()
                .find(|r| r.to_ascii_uppercase().starts_with("LOGIN-DELAY"))
        })
        .cloned();
    if let Some(w) = &wait {
        fnd = fnd.ev(format!("the server announced {}", quote(w)));
    }
    if delay {
        let secs = wait
            .and_then(|w| w.split_whitespace().nth(1).map(str::to_owned))
            .map(|n| format!(" (at least {n} seconds apart)"))
            .unwrap_or_default();
        fnd = fnd.fix(format!(
            "Let your mail programs check less often{secs}, then try again later."
        ));
    } else {
        fnd = fnd
            .fix("Close other mail programs that use this mailbox (a phone, another computer, a webmail sync), wait a minute and check again.")
            .fix("If nothing else is running and it persists, the server may hold a stale lock: ask its admin to clear it.");
    }
    out.add(fnd);
}

fn rejected(f: &Facts, s: &Session, mech: AuthMech, reply: &Reply, out: &mut Out) {
    let svc = f.service;
    let answered = format!(
        "the server answered {} to {}",
        wording::reply(reply),
        wording::login_verb(f.want.protocol, mech)
    );
    match replies::auth(reply) {
        AuthVerdict::Locked { explicit, delay } => {
            if reply.has_code("IN-USE") {
                out.rule_out(svc, ids::BAD_CREDENTIALS, "[IN-USE] means the password was right but the mailbox is busy");
            }
            locked(f, answered, explicit, delay, out);
        }
        // Connect cause 6 (`connect::tls_required`).
        AuthVerdict::TlsRequired => {}
        AuthVerdict::AppPassword => out.add(
            finding(svc, ids::BAD_CREDENTIALS, Confidence::Certain, "The provider wants an app password, not your normal password")
                .ev(answered)
                .fix("Create an app password in your provider's account security settings (two-step sign-in usually has to be on) and use it here instead of your normal password.")
                .fix("Or sign in with OAuth2 (auth = xoauth2, with a token from password_command)."),
        ),
        AuthVerdict::WebLogin => out.add(
            finding(svc, ids::BAD_CREDENTIALS, Confidence::Likely, "The provider wants you to sign in on its website first")
                .ev(answered)
                .fix("Sign in once on your provider's website; it may ask you to confirm this login or to allow mail programs.")
                .fix("If the provider offers app passwords, create one and use it here."),
        ),
        AuthVerdict::OAuthOnly => {
            let patch = f
                .caps()
                .filter(|c| c.offers_mech("XOAUTH2"))
                .map(|_| SettingsPatch { auth: Some(AuthMech::Xoauth2), ..SettingsPatch::default() });
            out.add(
                finding(svc, ids::MECH_NOT_OFFERED, Confidence::Likely, "The server takes no passwords here, only OAuth2 sign-in")
                    .ev(answered.clone())
                    .fix("Log in with OAuth2: set auth = xoauth2 and let password_command print a current access token.")
                    .patch(patch)
                    .fix("Or ask the provider (or your organisation's admin) to allow password logins for mail programs."),
            );
            out.add(
                finding(svc, ids::BAD_CREDENTIALS, Confidence::Possible, "The password may also be wrong")
                    .ev(format!("{answered}; the server does not say whether the password itself was right"))
                    .fix("After switching to OAuth2, the password no longer matters."),
            );
        }
        AuthVerdict::Expired => out.add(
            finding(svc, ids::BAD_CREDENTIALS, Confidence::Likely, "Your password has expired")
                .ev(answered)
                .fix("Set a new password on your provider's website, then enter it here."),
        ),
        AuthVerdict::Mechanism | AuthVerdict::MechanismTooWeak => mech_rejected(f, s, mech, answered, reply, out),
        AuthVerdict::Temporary => out.note(
            Some(svc),
            "The server had a temporary problem checking the password. This says nothing about whether the password is right; try again in a few minutes.",
            vec![answered],
            true,
        ),
        AuthVerdict::BadCredentials { explicit } => bad_credentials(f, s, mech, answered, explicit, out),
        AuthVerdict::Unclear => out.note(
            Some(svc),
            "The server did not accept mailfix's login command, without saying the password was wrong. No known cause fits.",
            vec![answered],
            true,
        ),
    }
}

fn bad_credentials(
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

fn hints(f: &Facts, mut fnd: Finding) -> Finding {
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
                && matches!(p.role, Role::Published(Publisher::Srv(_))) == srv
        })
        .min_by_key(|p| !super::facts::works(p))
}

fn wrong_server(
    f: &Facts,
    alt: &EndpointProbe,
    confidence: Confidence,
    answered: &str,
    out: &mut Out,
) {
    let record = f
        .published_hosts
        .iter()
        .find(|p| p.host == alt.endpoint.host)
        .map(publisher_phrase)
        .unwrap_or_else(|| "DNS".to_owned());
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

/// A host name in the greeting from a domain that is neither the
/// configured host's nor the address's.
fn foreign_name(f: &Facts, s: &Session) -> Option<String> {
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
        .find(|t| !mine.contains(&base(t)))
        .map(str::to_owned)
}

/// The last two labels of a name, lowercased: a rough "same domain" test.
fn base(name: &str) -> String {
    let labels: Vec<&str> = name.trim_end_matches('.').split('.').collect();
    labels[labels.len().saturating_sub(2)..]
        .join(".")
        .to_ascii_lowercase()
}

/// "PLAIN", "CRAM-MD5", or "auto" for a mechanism.
fn mech_name(mech: AuthMech) -> &'static str {
    mech.sasl_name().unwrap_or(mech.as_str())
}

fn oauth_only(offered: &[String]) -> bool {
    !offered.is_empty()
        && offered
            .iter()
            .all(|m| m.eq_ignore_ascii_case("XOAUTH2") || m.eq_ignore_ascii_case("OAUTHBEARER"))
}

/// A mechanism mailfix speaks among `offered`, other than `not`.
fn spoken(offered: &[String], not: Option<AuthMech>) -> Option<AuthMech> {
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

fn mech_rejected(
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

fn skipped(f: &Facts, s: &Session, skip: &LoginSkip, out: &mut Out) {
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
                    let (line, mut patch) = move_to(f, alt);
                    if f.server.auth == AuthMech::None {
                        patch.auth = Some(AuthMech::Auto);
                    }
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
