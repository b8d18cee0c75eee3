//! What every case is judged on: first the rules every run keeps whatever
//! the server did, then what the case itself expects.

use std::collections::HashMap;

use mailfix::account::Security;
use mailfix::lab::{ConnRecord, Violation};
use mailfix::proto::escape::escape;

use super::REFERRED_HOST;
use super::case::{Case, Want};
use super::harness::{Outcome, end_kind};
use super::secrets::{contains, fill, forms, mask};

/// Run every check; one panic lists every failure, secrets masked.
pub fn check(case: &Case, o: &Outcome) {
    let mut failed = Vec::new();
    rules(case, o, &mut failed);
    expectations(case, o, &mut failed);
    if !failed.is_empty() {
        panic!(
            "{}\n--- text output ---\n{}",
            mask(&failed.join("\n")),
            mask(&o.text)
        );
    }
}

/// Print what happened (secrets masked), for the log of a failing case.
pub fn describe(case: &Case, o: &Outcome) {
    let findings: Vec<String> = o
        .diagnosis
        .findings
        .iter()
        .map(|f| format!("{} ({})", f.cause, f.confidence.as_str()))
        .collect();
    let end = o
        .session(case)
        .map_or("no session".into(), |s| end_kind(&s.end));
    let transcript: Vec<String> = o
        .session(case)
        .map(|s| {
            s.transcript
                .iter()
                .take(40)
                .map(|l| {
                    let tls = if l.tls { "[tls] " } else { "" };
                    format!("  {} {tls}{}", l.dir.prefix(), l.text)
                })
                .collect()
        })
        .unwrap_or_default();
    eprintln!(
        "{}",
        mask(&format!(
            "findings: [{}]\nend: {end}\nconnections: {}\nprobes:\n{}\ntranscript:\n{}",
            findings.join("; "),
            o.conns.len(),
            endpoints(o),
            transcript.join("\n")
        ))
    );
}

fn rules(case: &Case, o: &Outcome, failed: &mut Vec<String>) {
    // No secret in any output, event or debug dump.
    let outputs = [
        ("text", o.text.clone()),
        ("json", o.json.clone()),
        ("markdown", o.markdown.clone()),
        ("report (Debug)", format!("{:?}", o.report)),
        ("diagnosis (Debug)", format!("{:?}", o.diagnosis)),
        ("events (Debug)", format!("{:?}", o.events)),
    ];
    for (what, shown) in &outputs {
        for form in forms() {
            if shown.contains(&form) {
                failed.push(format!("the password leaked into the {what}"));
            }
        }
    }

    // No raw control character (ESC, NUL, BEL, CR, …) reaches an output.
    for (what, shown) in &outputs[..3] {
        if let Some(c) = shown.chars().find(|&c| c.is_control() && c != '\n') {
            failed.push(format!("the {what} holds the raw control character {c:?}"));
        }
    }

    // Nothing but the account's servers was contacted.
    if !o.tripped.is_empty() {
        failed.push(format!(
            "{} connection(s) went where the account does not point (the tripwire)",
            o.tripped.len()
        ));
    }
    if o.dns
        .iter()
        .any(|q| q.name.eq_ignore_ascii_case(REFERRED_HOST))
    {
        failed.push(format!(
            "{REFERRED_HOST} was looked up: a referral was followed"
        ));
    }

    // Credentials only inside a verified TLS session (or where allowed).
    let verified = o.session(case).is_some_and(|s| s.is_encrypted());
    let plaintext_ok = case.allow_plaintext && case.security == Security::None;
    for conn in &o.conns {
        for form in forms() {
            let form = form.as_bytes();
            if contains(&conn.received_plaintext(), form) && !plaintext_ok {
                failed.push(format!(
                    "connection {} carried the password outside TLS",
                    conn.index
                ));
            }
            if contains(&conn.received_bytes(), form)
                && !(conn.index == 0 && (verified || plaintext_ok))
            {
                failed.push(format!(
                    "connection {} carried the password without a verified TLS session",
                    conn.index
                ));
            }
        }
        for v in &conn.violations {
            let fatal = match v {
                Violation::DataCommand { .. } | Violation::PipelinedBeforeTls { .. } => true,
                Violation::Unexpected { .. } | Violation::LineTooLong { .. } => conn.index == 0,
            };
            if fatal {
                failed.push(format!("connection {}: {v:?}", conn.index));
            }
        }
    }

    // At most one login attempt per mechanism.
    let mut attempts: HashMap<String, usize> = HashMap::new();
    for conn in &o.conns {
        for line in conn.received_text().lines() {
            if let Some(kind) = login_kind(line) {
                *attempts.entry(kind).or_default() += 1;
            }
        }
    }
    for (kind, n) in attempts {
        if n > 1 {
            failed.push(format!("{n} login attempts with {kind}"));
        }
    }
}

/// "LOGIN", "AUTH PLAIN", "PASS" for a line that starts a login.
fn login_kind(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_ascii_whitespace().collect();
    let upper = |i: usize| words.get(i).map(|w| w.to_ascii_uppercase());
    match upper(0).as_deref() {
        Some("AUTH") => Some(format!("AUTH {}", upper(1).unwrap_or_default())),
        Some("PASS") => Some("PASS".into()),
        _ => match upper(1).as_deref() {
            Some("LOGIN") => Some("LOGIN".into()),
            Some("AUTHENTICATE") => Some(format!("AUTHENTICATE {}", upper(2).unwrap_or_default())),
            _ => None,
        },
    }
}

/// One or more whole TLS records (handshake or alert, version 3.x).
fn is_tls_records(mut bytes: &[u8]) -> bool {
    if bytes.is_empty() {
        return false;
    }
    while !bytes.is_empty() {
        if bytes.len() < 5 || !matches!(bytes[0], 0x15 | 0x16) || bytes[1] != 3 {
            return false;
        }
        let len = 5 + usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        if bytes.len() < len {
            return false;
        }
        bytes = &bytes[len..];
    }
    true
}

fn shown_bytes(bytes: &[u8]) -> String {
    escape(bytes).replace("\\r\\n", "\\r\\n\n    ")
}

fn expectations(case: &Case, o: &Outcome, failed: &mut Vec<String>) {
    let empty = ConnRecord::default();
    let conn = o.first_conn().unwrap_or(&empty);
    let tls: Vec<u8> = conn
        .received
        .iter()
        .filter(|c| c.tls)
        .flat_map(|c| c.bytes.clone())
        .collect();
    let mut plain = conn.received_plaintext();
    let want_plain = fill(&case.plain);
    if case.then_tls_records && plain.starts_with(want_plain.as_bytes()) {
        let records = plain.split_off(want_plain.len());
        if !is_tls_records(&records) {
            failed.push(format!(
                "after the plain text mailfix sent {}, not TLS records",
                shown_bytes(&records)
            ));
        }
    }
    for (what, got, want) in [
        ("outside TLS", plain, want_plain),
        ("inside TLS", tls, fill(&case.tls)),
    ] {
        if got != want.as_bytes() {
            failed.push(format!(
                "mailfix sent {what}:\n    {}\nexpected:\n    {}",
                shown_bytes(&got),
                shown_bytes(want.as_bytes())
            ));
        }
    }

    let first = o.diagnosis.findings.first().map(|f| f.cause);
    match (&case.want, first) {
        (Want::Nothing, None) => {}
        (Want::First(want), Some(got)) if *want == got => {}
        (want, _) => failed.push(format!(
            "expected {want:?} first, got [{}]",
            o.diagnosis
                .findings
                .iter()
                .map(|f| f.cause.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }

    let session = o.session(case);
    if let Some(want) = &case.end {
        let got = session.map_or("no session".into(), |s| end_kind(&s.end));
        if got != *want {
            failed.push(format!("the session ended {got:?}, expected {want:?}"));
        }
    }
    if let Some(want) = case.verified {
        let got = session.is_some_and(|s| s.is_encrypted());
        if got != want {
            failed.push(format!("TLS verified: {got}, expected {want}"));
        }
    }
    for text in &case.notes {
        let found = o.diagnosis.notes.iter().any(|n| {
            n.text.contains(text.as_str()) || n.evidence.iter().any(|e| e.contains(text.as_str()))
        });
        if !found {
            failed.push(format!(
                "no note mentions {text:?}: {:?}",
                o.diagnosis.notes
            ));
        }
    }
    for text in &case.shown {
        if !o.text.contains(text.as_str()) {
            failed.push(format!("the text output does not show {text:?}"));
        }
    }
    for text in &case.json {
        if !o.json.contains(text.as_str()) {
            failed.push(format!(
                "the JSON output does not show {text:?}: {}",
                o.json
            ));
        }
    }
}

/// Every endpoint probe, briefly (debugging aid).
pub fn endpoints(o: &super::Outcome) -> String {
    o.report
        .endpoints
        .iter()
        .map(|p| {
            format!(
                "{:?} {} {:?} connects={} end={}",
                p.role,
                p.endpoint,
                p.depth,
                p.connects.len(),
                p.session.as_ref().map_or("-".into(), |s| end_kind(&s.end))
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
