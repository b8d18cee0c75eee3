//! Login causes 1–4 from the login attempt of the configured session:
//! wrong credentials (and provider hints), mechanism not offered, mailbox
//! locked, wrong server. Cause 5 lives in `security`.

mod credentials;
mod lock;
mod mechanism;

use credentials::bad_credentials;
pub(super) use lock::locked;
use lock::mailbox_refused;
use mechanism::{mech_name, mech_rejected, skipped};

use super::facts::{Facts, publisher_phrase};
use super::replies::{self, AuthVerdict};
use super::wording;
use super::{Build, Out, finding};
use crate::account::{AuthMech, Protocol};
use crate::catalogue::ids;
use crate::evidence::{LoginOutcome, MailboxOutcome, Reply, Session};
use crate::finding::{Confidence, SettingsPatch};

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
        AuthVerdict::Referral => referred(f, answered, reply.referral.as_deref(), out),
        AuthVerdict::Unclear => out.note(
            Some(svc),
            "The server did not accept mailfix's login command, without saying the password was wrong. No known cause fits.",
            vec![answered],
            true,
        ),
    }
}

/// The server sends the user to another server (an IMAP referral, at
/// login or in its greeting). mailfix never follows it: a password goes
/// only to the servers the account names.
pub(super) fn referred(f: &Facts, said: String, referral: Option<&str>, out: &mut Out) {
    let mut found = finding(
        f.service,
        ids::WRONG_SERVER,
        Confidence::Likely,
        "The server says your mailbox is on another server",
    )
    .ev(said);
    if let Some(other) = referral {
        found = found.ev(format!("the server it points at is {other}"));
    }
    found = found.ev("mailfix does not follow such referrals: it sends your password only to the servers you set");
    out.add(match referral {
        Some(other) => found
            .fix(format!("Ask your provider whether {other} is now the server for your mailbox; if it is, set it as the incoming server."))
            .fix("Do not take the name on the server's word alone: a server can point anywhere, and your password would follow."),
        None => found
            .fix("Ask your provider which server holds your mailbox now, and set that server here.")
            .fix("Check the server's words above: they may name the other server; trust that name only if your provider confirms it."),
    });
}
