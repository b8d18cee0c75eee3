//! From evidence to findings. Pure: reads a [`Report`], returns a
//! [`Diagnosis`]; every finding cites the evidence it used.

use crate::evidence::Report;
use crate::finding::Diagnosis;

pub fn diagnose(report: &Report) -> Diagnosis {
    let _ = report;
    Diagnosis::default()
}
