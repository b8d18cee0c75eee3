//! Helpers of `tests/real_import.rs`: staging other clients' sample files
//! and judging what the check of them shows.

pub mod samples;
pub mod verdicts;
