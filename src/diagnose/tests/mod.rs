//! Table-driven tests of `diagnose` on literal evidence: one or more
//! cases per cause, ambiguity, ruled-out reasons, notes, healthy reports.

mod broken;
mod connect;
mod general;
mod login;
mod relay;
mod store;
