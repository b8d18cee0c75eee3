//! No parser panics on garbage: every sample file, mutated thousands of
//! ways (deterministically), fed to every parser. Whatever comes back, a
//! syntax error points at a line that exists.

mod import_common;

use std::panic;
use std::path::Path;

use mailfix::import::{self, Ctx, ImportError, Kind};

use import_common::*;

const SAMPLES: &[&str] = &[
    "msmtp/msmtprc",
    "msmtp/msmtprc-old",
    "mbsync/mbsyncrc",
    "mbsync/mbsyncrc-old",
    "aerc/accounts.conf",
    "himalaya/config-v1.toml",
    "himalaya/config-legacy.toml",
    "himalaya/config-beta.toml",
    "himalaya/config-v2.toml",
];

/// Characters that mean something to one of the formats.
const PALETTE: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "=",
    ":",
    ",",
    "#",
    ";",
    "%",
    "%4",
    "%zz",
    "\\",
    "\n",
    "\r\n",
    "{",
    "}",
    "+",
    "@",
    " ",
    "\t",
    "\u{feff}",
    "é",
    "💌",
    "://",
    "[accounts.",
    "account ",
    "IMAPAccount ",
    "Channel c\nFar :",
    "port 0",
    "= 99999",
    "~",
    "\0",
    ".",
    "\"\"\"",
    "''' ",
];

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One random edit of `text`, always on character boundaries.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = rng.below(chars.len() + 1);
    let len = rng.below(16);
    let end = (at + len).min(chars.len());
    let head: String = chars[..at].iter().collect();
    let tail: String = chars[end..].iter().collect();
    let lines: Vec<&str> = text.lines().collect();
    match rng.below(6) {
        0 => format!("{head}{tail}"),
        1 => format!(
            "{head}{}{}",
            PALETTE[rng.below(PALETTE.len())],
            &chars[at..].iter().collect::<String>()
        ),
        2 => format!("{head}{}{tail}", PALETTE[rng.below(PALETTE.len())]),
        3 => head,
        4 if !lines.is_empty() => {
            let i = rng.below(lines.len());
            let mut out: Vec<&str> = lines.clone();
            out.insert(rng.below(out.len() + 1), lines[i]);
            out.join("\n")
        }
        _ if lines.len() > 1 => {
            let mut out = lines.clone();
            let (i, j) = (rng.below(out.len()), rng.below(out.len()));
            out.swap(i, j);
            out.join("\n")
        }
        _ => text.chars().rev().collect(),
    }
}

fn check(kind: Kind, text: &str) {
    let ctx = Ctx {
        file: Path::new("fuzz.conf"),
        home: Some(Path::new(HOME)),
    };
    let result = panic::catch_unwind(|| import::parse(kind, text, &ctx));
    let Ok(result) = result else {
        panic!("{kind} parser panicked on:\n{text:?}");
    };
    let lines = text.lines().count().max(1);
    match result {
        Err(ImportError::Syntax { line, .. }) => {
            assert!(
                (1..=lines + 1).contains(&line),
                "{kind}: line {line} of {lines} in {text:?}"
            )
        }
        Err(other) => panic!("{kind}: a parser gave a non-syntax error {other}"),
        Ok(imported) => {
            for w in imported.all_warnings() {
                if let Some(line) = w.line {
                    assert!(
                        (1..=lines + 1).contains(&line),
                        "{kind}: warning line {line} of {lines}"
                    );
                }
            }
        }
    }
}

#[test]
fn mutated_samples_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for rel in SAMPLES {
        let original = read(rel);
        let mut text = original.clone();
        for round in 0..400 {
            // Mostly single edits of the original; sometimes pile them up.
            if round % 5 == 0 {
                text = original.clone();
            }
            text = mutate(&text, &mut rng);
            for kind in Kind::ALL {
                check(kind, &text);
            }
        }
    }
}

#[test]
fn pathological_inputs() {
    let long_line = "a".repeat(200_000);
    let many_accounts: String = (0..2000usize)
        .map(|i| format!("account a{i} : a{}\n", i.saturating_sub(1)))
        .collect();
    let deep_toml = format!("x = {}1{}", "[".repeat(64), "]".repeat(64));
    for text in [
        "",
        "\n\n\n",
        "\u{feff}",
        "\0\0\0",
        long_line.as_str(),
        many_accounts.as_str(),
        deep_toml.as_str(),
        "account default : default",
        "[accounts]\n[accounts.a]\nbackend = 5\n",
        "[[accounts]]\nname = \"x\"\n",
        "IMAPStore s\nAccount s\n",
        "Channel c\nFar :c:\n",
    ] {
        for kind in Kind::ALL {
            check(kind, text);
        }
    }
}
