//! From evidence to findings. Pure: reads a [`Report`], returns a
//! [`Diagnosis`]; every finding cites the evidence it used.
//!
//! Per configured service the rules run in catalogue order (connect, then
//! the TLS identity checks of login 5, login, broken, relay), then the
//! store, then notes for what no cause explains. `rank` merges, orders
//! and cleans up the result. Nothing here does I/O or reads the clock.

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
