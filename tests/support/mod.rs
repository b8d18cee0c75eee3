//! Harness for the real-server tests (`tests/real_*.rs`).
//!
//! Topology, started once per test binary and shared by its tests:
//!
//! ```text
//!  client ns (one per test)            server ns (one per binary)
//!  vc0 10.231.(100+i).2/24  ──veth──  vs<i> 10.231.(100+i).1/24
//!  route 10.231.1.0/24 via .1          lo: 10.231.1.10  mail.mailfix.test  Dovecot + Postfix
//!  resolv.conf: 10.231.1.53                10.231.1.12  wrongcert.mailfix.test (cert for another name)
//!                                          10.231.1.53  dnsmasq (the only DNS server used)
//! ```
//!
//! mailfix runs as `ip netns exec <client> mailfix check --json …`. Faults are
//! staged per client: no veth at all (no route), iptables DROP rules in the
//! server namespace matching that client's address only, a held POP3
//! session, a full tmpfs. A reaper process (`reaper.sh`) removes namespaces,
//! processes, mounts and the temp dir when the binary exits, however it ends.
//!
//! Run them as root (`cargo test --test real_connect --test real_login
//! --test real_relay_store --test real_import`); elsewhere each test prints `SKIPPED: <reason>`
//! and passes, unless `MAILFIX_REQUIRE_REAL_SERVERS=1` (as `.ci/run` sets).
//! Server configs: `tests/servers/`; server logs land in the temp dir and
//! every failure message quotes the lines about the test's client address.
#![allow(dead_code)]

pub mod certs;
pub mod check;
pub mod config;
pub mod dns;
pub mod dovecot;
pub mod netns;
pub mod postfix;
pub mod proc;
pub mod store;
pub mod template;
pub mod wire;
pub mod witness;
pub mod world;

use std::net::Ipv4Addr;

// Not every test binary writes mailfix configs of its own.
#[allow(unused_imports)]
pub use config::Account;
pub use world::world;

/// The reserved test domain; dnsmasq answers for it alone.
pub const DOMAIN: &str = "mailfix.test";
/// Dovecot (IMAP, POP3) and Postfix (SMTP), with a certificate for this name.
pub const MAIL_HOST: &str = "mail.mailfix.test";
pub const MAIL_IP: Ipv4Addr = Ipv4Addr::new(10, 231, 1, 10);
/// The same Dovecot, presenting a certificate for [`OTHER_CERT_NAME`].
pub const WRONGCERT_HOST: &str = "wrongcert.mailfix.test";
pub const WRONGCERT_IP: Ipv4Addr = Ipv4Addr::new(10, 231, 1, 12);
pub const OTHER_CERT_NAME: &str = "elsewhere.example";
/// A name under the test domain that dnsmasq answers NXDOMAIN for.
pub const MISSING_HOST: &str = "nothere.mailfix.test";
pub const DNS_IP: Ipv4Addr = Ipv4Addr::new(10, 231, 1, 53);
/// The network of the server addresses above.
pub const SERVER_NET: Ipv4Addr = Ipv4Addr::new(10, 231, 1, 0);

/// Everyone's password on the test servers.
pub const PASSWORD: &str = "Mfx-test-Pw-4711";
/// A password no test user has.
pub const WRONG_PASSWORD: &str = "Mfx-wrong-Pw-0815";
/// Healthy user; owns `alice@mailfix.test` as a sender.
pub const ALICE: &str = "alice@mailfix.test";
/// The user whose POP3 mailbox a test holds open.
pub const BOB: &str = "bob@mailfix.test";
/// A sender address nobody may use.
pub const BOSS: &str = "boss@mailfix.test";
/// The outside address of the relay probe.
pub const OUTSIDE_RCPT: &str = "probe@example.net";

/// `--timeout` for every mailfix run: one network wait.
pub const MAILFIX_TIMEOUT_SECS: u32 = 2;
