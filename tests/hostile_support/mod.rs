//! The hostile-server suite's harness. Each case is a lab [`Script`] on
//! 127.0.0.1 and an account; it runs through the real pipeline (`plan` →
//! `probe::run` over a simulated network and the lab's DNS → `diagnose` →
//! `output`), and is judged on the exact bytes mailfix sent, the finding
//! it gave, and the rules every run keeps (see [`checks`]).
#![allow(dead_code, unused_imports)]

pub mod case;
pub mod checks;
pub mod harness;
pub mod secrets;

pub use case::{Case, Cert, Want};
pub use harness::{Outcome, run};
pub use mailfix::catalogue::ids;
pub use mailfix::lab::script::tls10_server_hello;
pub use mailfix::lab::{CertKind, Script, Step};

/// The host every case's account names.
pub const HOST: &str = "mail.hostile.test";
/// The account's domain (its e-mail address and MX/SRV records).
pub const DOMAIN: &str = "hostile.test";
/// User name and address of every case's account.
pub const USER: &str = "alice@hostile.test";
/// A host a referral points at: it has an address in the lab DNS but no
/// route, so a connection there lands on the tripwire.
pub const REFERRED_HOST: &str = "imap2.hostile.test";

/// An SMTP server's greeting and its answer to EHLO: one `250` line per
/// extension after its name.
pub fn smtp_ehlo(extensions: &[&str]) -> Script {
    let mut script = Script::new()
        .line(format!("220 {HOST} ESMTP"))
        .expect("EHLO ")
        .line(format!("250-{HOST}"));
    for (i, extension) in extensions.iter().enumerate() {
        let sep = if i + 1 == extensions.len() { ' ' } else { '-' };
        script = script.line(format!("250{sep}{extension}"));
    }
    script
}

/// An IMAP server's greeting and its answer to `a1 CAPABILITY`.
pub fn imap_capability(greeting: &str, capabilities: &str) -> Script {
    Script::new()
        .line(greeting)
        .expect("a1 CAPABILITY")
        .line(format!("* CAPABILITY {capabilities}"))
        .line("{tag} OK done")
}

/// Run `case`, print what happened (secrets masked), and check it.
pub async fn play(case: Case) -> Outcome {
    let o = run(&case).await;
    checks::describe(&case, &o);
    if std::env::var_os("HOSTILE_SHOW").is_some() {
        eprintln!("{}", secrets::mask(&o.text));
    }
    checks::check(&case, &o);
    o
}
