//! What `diagnose` concludes: findings (a numbered cause that applies, with
//! the evidence that shows it and the fix), causes ruled out (with the
//! reason), and notes for what no catalogued cause explains.

use serde::Serialize;

use crate::account::{Account, AuthMech, Protocol, Security, Service};
use crate::catalogue::{Category, CauseId};

/// How strongly the evidence points at a cause. Findings are sorted by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// The evidence shows this cause directly (e.g. a 535 5.7.8 to a
    /// well-formed login).
    Certain,
    /// The best explanation of what was seen, with others possible.
    Likely,
    /// One of several candidates the evidence leaves open.
    Possible,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Certain => "certain",
            Confidence::Likely => "likely",
            Confidence::Possible => "possible",
        }
    }
}

/// A change of settings that a fix proposes: applied by the wizard's `f`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SettingsPatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security: Option<Security>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthMech>,
}

impl SettingsPatch {
    pub fn is_empty(&self) -> bool {
        *self == SettingsPatch::default()
    }

    /// Apply to `service` of `account`; false when the account has no such server.
    pub fn apply(&self, account: &mut Account, service: Service) -> bool {
        let Some(server) = account.server_mut(service) else {
            return false;
        };
        if let Some(host) = &self.host {
            server.host.clone_from(host);
        }
        if let Some(protocol) = self.protocol {
            server.protocol = protocol;
        }
        if let Some(security) = self.security {
            server.security = security;
        }
        if let Some(port) = self.port {
            server.port = port;
            server.port_explicit = true;
        } else if (self.protocol.is_some() || self.security.is_some()) && !server.port_explicit {
            server.port = server.protocol.default_port(server.security);
        }
        if let Some(auth) = self.auth {
            server.auth = auth;
        }
        true
    }

    /// "port 993, security tls" for fix lines and key hints.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(host) = &self.host {
            parts.push(format!("server {host}"));
        }
        if let Some(protocol) = self.protocol {
            parts.push(format!("protocol {}", protocol.as_str()));
        }
        if let Some(port) = self.port {
            parts.push(format!("port {port}"));
        }
        if let Some(security) = self.security {
            parts.push(format!("security {}", security.as_str()));
        }
        if let Some(auth) = self.auth {
            parts.push(format!("auth {}", auth.as_str()));
        }
        parts.join(", ")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub service: Service,
    pub cause: CauseId,
    pub confidence: Confidence,
    /// One line, specific to what was seen ("Port 587 is closed; 465 answers").
    pub title: String,
    /// What was observed, each line naming its source.
    pub evidence: Vec<String>,
    /// What to do, most direct first.
    pub fix: Vec<String>,
    /// The settings change the first fix line proposes, if any.
    pub patch: Option<SettingsPatch>,
}

impl Finding {
    pub fn category(&self) -> Category {
        self.cause.category
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuledOut {
    pub service: Service,
    pub cause: CauseId,
    pub reason: String,
}

/// Something worth telling that is not a catalogued cause: a password
/// command that failed, a check cut short by the deadline, an observation
/// no rule explains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub service: Option<Service>,
    pub text: String,
    pub evidence: Vec<String>,
    /// A problem (exit 1) rather than information.
    pub problem: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Diagnosis {
    /// Most likely first.
    pub findings: Vec<Finding>,
    pub ruled_out: Vec<RuledOut>,
    pub notes: Vec<Note>,
}

impl Diagnosis {
    /// No finding and no problem note: `check` exits 0.
    pub fn is_ok(&self) -> bool {
        self.findings.is_empty() && !self.notes.iter().any(|n| n.problem)
    }

    pub fn findings_in(&self, category: Category) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| f.cause.category == category)
    }

    pub fn ruled_out_in(&self, category: Category) -> impl Iterator<Item = &RuledOut> {
        self.ruled_out
            .iter()
            .filter(move |r| r.cause.category == category)
    }
}
