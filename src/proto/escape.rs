//! Server text made safe to show: control characters, terminal escape
//! sequences, bidirectional overrides and invalid UTF-8 become visible
//! escapes (`\x1b`, `\0`, `\u{202e}`), and the result is bounded.

use std::fmt::Write as _;

/// Longest escaped text kept for one line (in characters).
pub const DISPLAY_MAX: usize = 1000;

/// Escape `bytes` for display, at most [`DISPLAY_MAX`] characters.
pub fn escape(bytes: &[u8]) -> String {
    escape_bounded(bytes, DISPLAY_MAX)
}

/// Escape `bytes` for display, at most `max_chars` characters of output
/// before a `…[+N bytes]` marker.
pub fn escape_bounded(bytes: &[u8], max_chars: usize) -> String {
    let mut out = String::with_capacity(bytes.len().min(max_chars) + 16);
    let mut chars = 0usize;
    let mut consumed = 0usize;
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            let before = out.len();
            push_char(&mut out, c);
            chars += out[before..].chars().count();
            if chars > max_chars {
                out.truncate(before);
                return finish(out, bytes.len() - consumed);
            }
            consumed += c.len_utf8();
        }
        for &b in chunk.invalid() {
            if chars + 4 > max_chars {
                return finish(out, bytes.len() - consumed);
            }
            let _ = write!(out, "\\x{b:02x}");
            chars += 4;
            consumed += 1;
        }
    }
    out
}

fn finish(mut out: String, left: usize) -> String {
    let _ = write!(out, "…[+{left} bytes]");
    out
}

fn push_char(out: &mut String, c: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\0' => out.push_str("\\0"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if is_invisible_control(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// Text that is already UTF-8 (a config key, a command's stderr, a name
/// from a config file) made safe for a terminal: control characters
/// become Rust escapes (`\u{1b}`); past `max_chars` characters the rest
/// becomes `…`.
pub fn escape_controls(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars));
    for (i, c) in text.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// C1 controls (U+0080–U+009F: U+009B is a one-character CSI on some
/// terminals), bidirectional controls and other zero-width format
/// characters that could disguise text.
fn is_invisible_control(c: char) -> bool {
    matches!(c as u32,
        0x80..=0x9f
        | 0x061c
        | 0x200b..=0x200f
        | 0x2028..=0x202e
        | 0x2060..=0x2069
        | 0xfeff
        | 0xfff9..=0xfffb)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(b"+OK Dovecot ready.", "+OK Dovecot ready.")]
    #[case(
        b"* OK [ALERT] \x1b[31mred\x1b[0m",
        "* OK [ALERT] \\x1b[31mred\\x1b[0m"
    )]
    #[case(b"220 nul\0here", "220 nul\\0here")]
    #[case(b"bad \xff\xfe utf8", "bad \\xff\\xfe utf8")]
    #[case(b"tab\there\r", "tab\\there\\r")]
    #[case("caf\u{e9} \u{202e}evil".as_bytes(), "caf\u{e9} \\u{202e}evil")]
    #[case("c1 \u{9b}31m".as_bytes(), "c1 \\u{9b}31m")]
    #[case(b"back\\slash", "back\\\\slash")]
    #[case(b"del\x7f", "del\\x7f")]
    fn escapes(#[case] input: &[u8], #[case] shown: &str) {
        assert_eq!(escape(input), shown);
    }

    #[test]
    fn bounded() {
        let long = vec![b'a'; 5000];
        let s = escape_bounded(&long, 10);
        assert_eq!(s, "aaaaaaaaaa…[+4990 bytes]");
        let esc = vec![0x1bu8; 100];
        let s = escape_bounded(&esc, 9);
        assert!(s.starts_with("\\x1b\\x1b…"), "{s}");
        let bad = vec![0xffu8; 100];
        assert!(escape_bounded(&bad, 8).ends_with("…[+98 bytes]"));
    }

    #[rstest]
    #[case("plain", 80, "plain")]
    #[case("a\u{7}b", 80, "a\\u{7}b")]
    #[case("\u{1b}[31mred", 80, "\\u{1b}[31mred")]
    #[case("abcdef", 3, "abc…")]
    #[case("abc", 3, "abc")]
    #[case("\u{1b}\u{1b}x", 2, "\\u{1b}\\u{1b}…")]
    fn controls_escaped(#[case] text: &str, #[case] max: usize, #[case] shown: &str) {
        assert_eq!(escape_controls(text, max), shown);
    }

    #[test]
    fn never_emits_raw_controls() {
        let all: Vec<u8> = (0u8..=255).collect();
        let s = escape(&all);
        assert!(!s.chars().any(|c| c.is_control()), "{s}");
    }
}
