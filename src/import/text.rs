//! Small text helpers shared by the parsers. None of them can panic on any
//! input: no byte-index slicing that could land inside a character.

use std::path::{Path, PathBuf};

/// The 1-based line holding byte `offset` of `text` (clamped to the text).
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// `~` and `~/…` become the home directory; anything else is kept.
pub(crate) fn expand_tilde(s: &str, home: Option<&Path>) -> PathBuf {
    match (s.strip_prefix('~'), home) {
        (Some(""), Some(home)) => home.to_path_buf(),
        (Some(rest), Some(home)) if rest.starts_with('/') => {
            home.join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(s),
    }
}

/// The address in `Name <addr>` or a bare `addr`, if it looks like one.
pub(crate) fn address_in(s: &str) -> Option<String> {
    let s = s.trim();
    let candidate = match (s.rfind('<'), s.rfind('>')) {
        (Some(open), Some(close)) if open < close => &s[open + 1..close],
        _ => s,
    };
    let candidate = candidate.trim();
    let (local, domain) = candidate.rsplit_once('@')?;
    let plausible = !local.is_empty()
        && !domain.is_empty()
        && !candidate
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>')
        && !candidate.contains(['*', '%', '?', '[']);
    plausible.then(|| candidate.to_owned())
}

/// Quote `word` for `sh` if it needs quoting.
pub(crate) fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c));
    if safe {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// An argument vector as one `sh -c` command line.
pub(crate) fn shell_join(args: &[String]) -> String {
    args.iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A port number written in a file: 1–65535.
pub(crate) fn parse_port(s: &str) -> Option<u16> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u16>().ok().filter(|&p| p != 0)
}

/// Decode `%XX` escapes; `None` for a broken escape or bytes that are not UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16))?;
            let lo = bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16))?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_from_one() {
        let t = "a\nb\nc";
        assert_eq!(line_of(t, 0), 1);
        assert_eq!(line_of(t, 2), 2);
        assert_eq!(line_of(t, 4), 3);
        assert_eq!(line_of(t, 999), 3);
    }

    #[test]
    fn tilde_expands_only_for_the_user() {
        let home = Path::new("/home/al");
        assert_eq!(
            expand_tilde("~/Mail", Some(home)),
            PathBuf::from("/home/al/Mail")
        );
        assert_eq!(expand_tilde("~", Some(home)), PathBuf::from("/home/al"));
        assert_eq!(expand_tilde("~bob/x", Some(home)), PathBuf::from("~bob/x"));
        assert_eq!(expand_tilde("~/Mail", None), PathBuf::from("~/Mail"));
        assert_eq!(expand_tilde("/abs", Some(home)), PathBuf::from("/abs"));
    }

    #[test]
    fn addresses() {
        assert_eq!(
            address_in("Alice Example <alice@example.org>").as_deref(),
            Some("alice@example.org")
        );
        assert_eq!(
            address_in(" bob@example.org ").as_deref(),
            Some("bob@example.org")
        );
        assert_eq!(
            address_in("\"Doe, J\" <j@d.example>").as_deref(),
            Some("j@d.example")
        );
        assert_eq!(address_in("*@example.org"), None);
        assert_eq!(address_in("%U@%H"), None);
        assert_eq!(address_in("nobody"), None);
        assert_eq!(address_in("<>"), None);
        assert_eq!(address_in("é<@>"), None);
    }

    #[test]
    fn shell_words() {
        assert_eq!(
            shell_join(&["pass".into(), "show".into(), "mail/work".into()]),
            "pass show mail/work"
        );
        assert_eq!(
            shell_join(&["echo".into(), "it's here".into()]),
            "echo 'it'\\''s here'"
        );
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn ports_and_percent() {
        assert_eq!(parse_port("993"), Some(993));
        assert_eq!(parse_port("0"), None);
        assert_eq!(parse_port("70000"), None);
        assert_eq!(parse_port("+25"), None);
        assert_eq!(
            percent_decode("alice%40example.org").as_deref(),
            Some("alice@example.org")
        );
        assert_eq!(percent_decode("p%C3%A4ss").as_deref(), Some("päss"));
        assert_eq!(percent_decode("bad%4"), None);
        assert_eq!(percent_decode("bad%zz"), None);
        assert_eq!(percent_decode("%ff"), None);
    }
}
