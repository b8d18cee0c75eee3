//! From evidence to findings. Pure: reads a [`Report`], returns a
//! [`Diagnosis`]; every finding cites the evidence it used.
//!
//! Per configured service the rules run in catalogue order (connect, then
//! the TLS identity checks of login 5, login, broken, relay), then the
//! store, then notes for what no cause explains. `rank` merges, orders
//! and cleans up the result. Nothing here does I/O or reads the clock.
//!
//! Which evidence each cause reads (what the lab and the real-server
//! tests must stage):
//!
//! | cause | evidence |
//! |---|---|
//! | connect 1 | `local_start` (else `local_end`) `clearly_offline()` + non-loopback connects `NetUnreachable`/`HostUnreachable`/`NoSourceAddress` or DNS `Unreachable("…unreachable…")` (Certain); only timeouts and an unusable interface (Likely); no snapshot + only no-route errors (Possible) |
//! | connect 2 | host A/AAAA `NxDomain`/`NoRecords` (Certain); every host probe `Refused` (Likely); all `TimedOut` (Possible, Likely if a published host serves); patch from `Role::Published` probes |
//! | connect 3 | every host probe `TimedOut` (Likely), plus `LocalNet.proxies` and interception issuers as evidence; a certificate from an interception product (Likely) |
//! | connect 4 | configured greeting of another protocol, or `HandshakeFailure::PlaintextReply` whose preview is another protocol's greeting; an unrecognised greeting |
//! | connect 5 | configured `Refused` (Certain) / `TimedOut` / silent, while a `SameHost` (or same-host SRV) probe serves the protocol |
//! | connect 6 | `PlaintextReply` on TLS; `GreetingKind::TlsRecord`; silence while the same port with TLS greets; `LOGINDISABLED`; login/relay reply `[PRIVACYREQUIRED]`, 530 …STARTTLS, "Plaintext authentication disallowed"; no AUTH before STARTTLS; `StarttlsOutcome::NotOffered`/`Refused`/`Preauth`; `WouldBePlaintext` with a secure way offered |
//! | connect 7 | SMTP port 25 configured and `TimedOut`, 465/587 `SameHost` connected |
//! | login 1 | `LoginOutcome::Rejected` with 535, 5.7.8, `[AUTHENTICATIONFAILED]`, `[AUTH]` (Certain), bare `NO`/`-ERR` (Likely); app password / `[WEBALERT]` / 5.7.14 / `[EXPIRED]` texts change the fix |
//! | login 2 | `LoginSkip::MechanismNotOffered`/`NoCommonMechanism`; 504, 5.5.4, 5.7.4, `[CANNOT]`, 534 5.7.9 "too weak"; "basic authentication is disabled"; `ServerDisallows` over TLS |
//! | login 3 | `[IN-USE]`, `[INUSE]`, `[LOGIN-DELAY]` (Certain); "too many/maximum number of connections", "locked" texts in a login reply, mailbox reply, greeting or closing reply (Likely) |
//! | login 4 | credentials rejected while SRV (Likely) or MX (Possible) names another host whose `Published` probe serves; a greeting naming another public domain (Possible) |
//! | login 5 | `TlsOutcome::CertRejected` (Certain); `PinCheck::Changed` from another issuer (Likely) or the same one (Possible); `LoginSkip::CertificateChanged` alone (Likely); `StarttlsOutcome::InjectedData`; `LoginSkip::TlsNotVerified` |
//! | broken 1 | `local_start` usable, `local_end` `clearly_offline()`, and a failed connect/session/stability attempt |
//! | broken 2 | `StabilityProbe` with some `Ok` and some not (Likely, loss % and min/median/max); all `Ok` but max > 1 s and > 5× median (Possible); a stall after the greeting (Possible) |
//! | broken 3 | after a good greeting `SessionEnd::Closed` with a reply (Certain) / without, `Reset`, `TlsTruncated` (Likely); a refusing greeting (`* BYE`, 554, `-ERR`) |
//! | relay 1 | unauthenticated `RelayOutcome` refused (relay denied / auth required) and AUTH offered (Certain), AUTH only on a neighbour (Likely) |
//! | relay 2 | authenticated and MAIL FROM/RCPT refused (553, "Sender address rejected", "not owned"); a `_submission(s)` SRV host that serves names the fix |
//! | store 1 | `Space.free_bytes` < 1 MiB or `free_inodes` < 10; `WriteTest::Failed` `NoSpace`/`Quota` (Certain), `TooLarge` (Likely) |
//! | store 2 | `StoreProblem::*`; `WriteTest::Failed` `Permission` (Certain) / `ReadOnly` (Likely) |

mod alt;
mod broken;
mod connect;
mod facts;
mod intercept;
mod login;
mod notes;
mod rank;
mod relay;
mod replies;
mod security;
mod store;
mod wording;

#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;

use crate::account::Service;
use crate::catalogue::CauseId;
use crate::evidence::{Endpoint, Report};
use crate::finding::{Confidence, Diagnosis, Finding, Note, RuledOut, SettingsPatch};

use facts::Facts;

pub fn diagnose(report: &Report) -> Diagnosis {
    let mut out = Out::default();
    for service in [Service::Incoming, Service::Outgoing] {
        let Some(f) = Facts::new(report, service) else {
            continue;
        };
        connect::check(&f, &mut out);
        security::check(&f, &mut out);
        login::check(&f, &mut out);
        broken::check(&f, &mut out);
        if service == Service::Outgoing {
            relay::check(&f, &mut out);
        }
        notes::service(&f, &mut out);
    }
    if let Some(check) = &report.store {
        store::check(check, &mut out);
    }
    notes::run(report, &mut out);
    rank::finish(out)
}

/// What the rules have concluded so far.
#[derive(Debug, Default)]
pub(crate) struct Out {
    pub findings: Vec<Finding>,
    pub ruled_out: Vec<RuledOut>,
    pub notes: Vec<Note>,
}

impl Out {
    pub fn add(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    pub fn rule_out(&mut self, service: Service, cause: CauseId, reason: impl Into<String>) {
        if self.has(service, cause) {
            return;
        }
        self.ruled_out.push(RuledOut {
            service,
            cause,
            reason: reason.into(),
        });
    }

    pub fn note(
        &mut self,
        service: Option<Service>,
        text: impl Into<String>,
        evidence: Vec<String>,
        problem: bool,
    ) {
        self.notes.push(Note {
            service,
            text: text.into(),
            evidence,
            problem,
        });
    }

    pub fn has(&self, service: Service, cause: CauseId) -> bool {
        self.findings
            .iter()
            .any(|f| f.service == service && f.cause == cause)
    }

    /// A finding or a problem note already speaks about `service`.
    pub fn explained(&self, service: Service) -> bool {
        self.findings.iter().any(|f| f.service == service)
            || self
                .notes
                .iter()
                .any(|n| n.problem && n.service == Some(service))
    }
}

/// A finding with no evidence, fix or patch yet.
pub(crate) fn finding(
    service: Service,
    cause: CauseId,
    confidence: Confidence,
    title: impl Into<String>,
) -> Finding {
    Finding {
        service,
        cause,
        confidence,
        title: title.into(),
        evidence: Vec::new(),
        fix: Vec::new(),
        patch: None,
    }
}

/// Chainable additions to a [`Finding`].
pub(crate) trait Build: Sized {
    fn ev(self, line: impl Into<String>) -> Self;
    fn evs(self, lines: impl IntoIterator<Item = String>) -> Self;
    fn fix(self, line: impl Into<String>) -> Self;
    fn patch(self, patch: Option<SettingsPatch>) -> Self;
}

impl Build for Finding {
    fn ev(mut self, line: impl Into<String>) -> Self {
        self.evidence.push(line.into());
        self
    }
    fn evs(mut self, lines: impl IntoIterator<Item = String>) -> Self {
        self.evidence.extend(lines);
        self
    }
    fn fix(mut self, line: impl Into<String>) -> Self {
        self.fix.push(line.into());
        self
    }
    fn patch(mut self, patch: Option<SettingsPatch>) -> Self {
        self.patch = patch.filter(|p| !p.is_empty());
        self
    }
}

/// The settings change from the configured endpoint to `to`: port and
/// security always (so the patch says exactly what works), host and
/// protocol when they differ.
pub(crate) fn patch_to(want: &Endpoint, to: &Endpoint) -> SettingsPatch {
    SettingsPatch {
        host: (to.host != want.host).then(|| to.host.clone()),
        port: Some(to.port),
        protocol: (to.protocol != want.protocol).then_some(to.protocol),
        security: Some(to.security),
        auth: None,
    }
}
