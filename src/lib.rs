//! mailfix: finds out why someone's e-mail does not work and says what to do.
//!
//! Data flows one way:
//!
//! ```text
//! config ──► plan ──► probe engine ──events──► Report ──► diagnose ──► Diagnosis
//!                                         └──► TUI / plain text / JSON
//! ```
//!
//! `plan` and `diagnose` are pure; all I/O lives in `probe` (network, disk)
//! and `config` (reading the file, running a password command).

pub mod account;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod diagnose;
pub mod event;
pub mod evidence;
pub mod finding;
pub mod import;
pub mod lab;
pub mod output;
pub mod password;
pub mod peer;
pub mod plan;
pub mod probe;
pub mod proto;
pub mod secret;
pub mod tui;
