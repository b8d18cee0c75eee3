//! The configured port connected: does what answers there match the
//! configured protocol (4) and security mode (6), or is another port the
//! one that serves it (5)?

use super::super::facts::{Facts, secure_ok};
use super::super::wording::{self, quote};
use super::super::{Build, Out, finding};
use super::{move_to, other_port, toward};
use crate::account::{Protocol, Security, Service};
use crate::catalogue::ids;
use crate::evidence::{
    EndpointProbe, Greeting, GreetingKind, Session, StarttlsOutcome, TlsOutcome,
};
use crate::finding::{Confidence, SettingsPatch};

use super::handshake::handshake_failed;

pub(super) fn check(f: &Facts, out: &mut Out) {
    let Some(s) = f.session() else {
        return;
    };
    if f.want.security == Security::Tls {
        match &s.tls {
            Some(TlsOutcome::Failed(h)) => return handshake_failed(f, h, out),
            // Certificate problems are login cause 5 (see `security`).
            Some(TlsOutcome::CertRejected { .. }) => return,
            _ => {}
        }
    }
    let Some(g) = &s.greeting else {
        return;
    };
    match g.kind.protocol() {
        Some(p) if p == f.want.protocol => {
            if f.want.security == Security::Starttls {
                starttls(f, s, out);
            }
        }
        Some(other) => {
            let tls = s.tls.as_ref().is_some_and(TlsOutcome::is_verified);
            wrong_protocol(f, other, &g.line, tls, "greeted with", out);
        }
        None => match g.kind {
            GreetingKind::TlsRecord if f.want.security != Security::Tls => tls_spoken(f, g, out),
            GreetingKind::Silence | GreetingKind::Closed if f.want.security != Security::Tls => {
                silent(f, g, out)
            }
            GreetingKind::Unrecognised => unrecognised(f, g, out),
            _ => {}
        },
    }
}

/// Cause 4: another mail protocol answers on the configured port.
pub(super) fn wrong_protocol(
    f: &Facts,
    other: Protocol,
    line: &str,
    over_tls: bool,
    how: &str,
    out: &mut Out,
) {
    let target = f.want.target();
    let mut fnd = finding(
        f.service,
        ids::WRONG_PROTOCOL,
        Confidence::Certain,
        format!(
            "Port {} speaks {}, not {}",
            f.want.port,
            other.label(),
            f.proto()
        ),
    )
    .ev(format!(
        "{target} {how} {}, which is how a {} server greets, but the account is set to {}",
        quote(line),
        other.label(),
        f.proto()
    ));
    let switch =
        (f.service == Service::Incoming && other != Protocol::Smtp).then(|| SettingsPatch {
            protocol: Some(other),
            port: Some(f.want.port),
            security: Some(if over_tls {
                Security::Tls
            } else {
                Security::Starttls
            }),
            ..SettingsPatch::default()
        });
    let alt = f
        .alternative(|_| true)
        .or_else(|| f.published_alternative());
    if let Some(alt) = alt {
        fnd = toward(f, fnd, alt);
        if let Some(switch) = &switch {
            fnd = fnd.fix(format!(
                "Or, if you meant to use {}, switch the protocol ({}).",
                other.label(),
                switch.describe()
            ));
        }
    } else if let Some(switch) = switch {
        fnd = fnd
            .fix(format!(
                "Switch the protocol to {} ({}), or ask your provider for the {} port.",
                other.label(),
                switch.describe(),
                f.proto()
            ))
            .patch(Some(switch));
    } else if f.service == Service::Outgoing {
        fnd = fnd.fix(format!(
            "This port is for fetching mail ({}). For sending, use the SMTP port your provider gives, usually 587 or 465.",
            other.label()
        ));
    } else {
        fnd = fnd.fix(format!(
            "This port is for sending mail (SMTP). For fetching mail use the {} port your provider gives, usually {}.",
            f.proto(),
            f.want.protocol.default_port(Security::Tls)
        ));
    }
    out.add(fnd);
}

/// Cause 6: TLS bytes where a plain-text greeting was due.
fn tls_spoken(f: &Facts, g: &Greeting, out: &mut Out) {
    let mut fnd = finding(
        f.service,
        ids::TLS_MISMATCH,
        Confidence::Certain,
        format!("Port {} expects TLS from the first byte", f.want.port),
    )
    .ev(format!(
        "{} answered with TLS handshake bytes where a plain-text greeting was due{}",
        f.want.target(),
        if g.line.is_empty() {
            String::new()
        } else {
            format!(" ({})", quote(&g.line))
        }
    ));
    fnd = to_tls_same_port(f, fnd);
    out.add(fnd);
}

/// Prefer the configured port with implicit TLS when its probe works,
/// else the best implicit-TLS port, else just switch the mode.
fn to_tls_same_port(f: &Facts, fnd: crate::finding::Finding) -> crate::finding::Finding {
    let same = f
        .other_mode()
        .filter(|o| o.endpoint.security == Security::Tls && o.serves_expected_protocol());
    let best = same.or_else(|| f.alternative(|p| p.endpoint.security == Security::Tls));
    match best {
        Some(alt) => toward(f, fnd, alt),
        None => {
            let patch = SettingsPatch {
                port: Some(f.want.port),
                security: Some(Security::Tls),
                ..SettingsPatch::default()
            };
            fnd.fix(format!(
                "Set security to TLS for port {} ({}).",
                f.want.port,
                patch.describe()
            ))
            .patch(Some(patch))
        }
    }
}

/// Nothing (or a close) where a plain-text greeting was due.
fn silent(f: &Facts, g: &Greeting, out: &mut Out) {
    let port = f.want.port;
    let what = if g.kind == GreetingKind::Silence {
        format!(
            "{} said nothing within {} after the connection",
            f.want.target(),
            wording::ms(g.ms)
        )
    } else {
        format!("{} closed the connection without a word", f.want.target())
    };
    let other = f.other_mode();
    if let Some(o) =
        other.filter(|o| o.endpoint.security == Security::Tls && o.serves_expected_protocol())
    {
        let fnd = finding(
            f.service,
            ids::TLS_MISMATCH,
            Confidence::Certain,
            format!("Port {port} expects TLS from the first byte"),
        )
        .ev(what);
        out.add(toward(f, fnd, o));
        return;
    }
    if let Some(alt) = f.alternative(|p| p.endpoint.port != port) {
        out.add(other_port(
            f,
            alt,
            Confidence::Likely,
            &format!("Port {port} does not greet"),
            [what.clone()],
        ));
    }
    if other.is_none() && g.kind == GreetingKind::Silence {
        out.add(
            finding(
                f.service,
                ids::TLS_MISMATCH,
                Confidence::Possible,
                format!("Port {port} may expect TLS from the first byte"),
            )
            .ev(what)
            .fix(format!(
                "If your provider says port {port} uses TLS from the start, set security to TLS."
            )),
        );
    }
}

/// Cause 4 (or 5): something that is no mail protocol answers.
fn unrecognised(f: &Facts, g: &Greeting, out: &mut Out) {
    let port = f.want.port;
    let what = format!(
        "{} answered {}: that is not a mail server's greeting",
        f.want.target(),
        quote(&g.line)
    );
    match f.alternative(|p| p.endpoint.port != port) {
        Some(alt) => {
            out.add(other_port(
                f,
                alt,
                Confidence::Likely,
                &format!("Port {port} runs another service"),
                [what.clone()],
            ));
            let (line, patch) = move_to(f, alt);
            out.add(
                finding(
                    f.service,
                    ids::WRONG_PROTOCOL,
                    Confidence::Possible,
                    format!("Port {port} does not speak {}", f.proto()),
                )
                .ev(what)
                .fix(line)
                .patch(Some(patch)),
            );
        }
        None => out.add(
            finding(
                f.service,
                ids::WRONG_PROTOCOL,
                Confidence::Likely,
                format!("Port {port} does not speak {}", f.proto()),
            )
            .ev(what)
            .fix(format!(
                "This port runs some other service. Ask your provider for the {} server and port.",
                f.proto()
            )),
        ),
    }
}

/// Cause 6 on a STARTTLS account: STARTTLS missing, refused or impossible.
fn starttls(f: &Facts, s: &Session, out: &mut Out) {
    let port = f.want.port;
    let (confidence, title, line) = match &s.starttls {
        Some(StarttlsOutcome::NotOffered) => {
            let listed = s
                .capabilities
                .as_ref()
                .map(|c| c.raw.join(" "))
                .filter(|r| !r.is_empty())
                .map(|r| format!("; it listed: {}", quote(&r)))
                .unwrap_or_default();
            (
                Confidence::Likely,
                format!("Port {port} does not offer STARTTLS"),
                format!("{} did not offer STARTTLS{listed}", f.want.target()),
            )
        }
        Some(StarttlsOutcome::Refused(reply)) => (
            Confidence::Likely,
            format!("The server on port {port} refused STARTTLS"),
            format!(
                "{} answered {} to STARTTLS",
                f.want.target(),
                wording::reply(reply)
            ),
        ),
        Some(StarttlsOutcome::Preauth) => (
            Confidence::Likely,
            format!("Port {port} logs in before encryption, so STARTTLS is impossible"),
            format!(
                "{} greeted with PREAUTH: the session was already logged in without encryption",
                f.want.target()
            ),
        ),
        Some(StarttlsOutcome::Handshake(TlsOutcome::Failed(h))) => (
            Confidence::Possible,
            format!("Encryption could not start on port {port}"),
            format!("after the STARTTLS go-ahead on {}: {h}", f.want.target()),
        ),
        _ => return,
    };
    let mut fnd = finding(f.service, ids::TLS_MISMATCH, confidence, title).ev(line);
    match f.alternative(|p: &EndpointProbe| p.endpoint.security == Security::Tls && secure_ok(p)) {
        Some(alt) => fnd = toward(f, fnd, alt),
        None => {
            fnd = fnd.fix(format!(
                "Ask your provider how to reach {} with encryption; mailfix will not send your password without it.",
                f.want.host
            ));
        }
    }
    if matches!(s.starttls, Some(StarttlsOutcome::NotOffered)) {
        fnd = fnd.fix("If this server normally offers STARTTLS, something on this network may be removing it: do not send your password from here.");
    }
    out.add(fnd);
}
