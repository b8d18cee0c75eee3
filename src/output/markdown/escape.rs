//! Text from servers, files and users made inert in Markdown: it reads as
//! what it is and can never become a heading, a link, HTML or a table
//! column. Control characters are shown escaped, never written.

use crate::output::printable;

/// Backslash-escaped everywhere: emphasis, code, links, HTML, entities,
/// tables, strike-through. (Backslash escapes work for any ASCII
/// punctuation in CommonMark; these are the ones that can change what a
/// line means.)
const SIGNIFICANT: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '#', '!', '$',
];

/// Inline text on one line: line breaks and tabs become spaces, the ends
/// are trimmed, and everything Markdown would act on is escaped.
pub fn text(raw: &str) -> String {
    let line = printable(&one_line(raw));
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        // `_` between two letters or digits can neither open nor close
        // emphasis (`x86_64`, `user_name`): left as it is, for reading.
        let intraword = c == '_'
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if SIGNIFICANT.contains(&c) && !intraword {
            out.push('\\');
        }
        out.push(c);
    }
    guard_line_start(out)
}

/// Inline code (`` `like this` ``): control characters escaped, the fence
/// longer than any run of backticks inside. Empty text is `(empty)`.
pub fn code(raw: &str) -> String {
    let line = printable(&one_line(raw));
    if line.is_empty() {
        return "(empty)".into();
    }
    let fence = "`".repeat(longest_run(&line, '`') + 1);
    let pad = if line.starts_with(['`', ' ']) || line.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{line}{pad}{fence}")
}

/// A fenced block of `lines` (each made printable), with a fence that no
/// line inside can close.
pub fn fenced(info: &str, lines: &[String]) -> String {
    let printable_lines: Vec<String> = lines.iter().map(|l| printable(l)).collect();
    let longest = printable_lines
        .iter()
        .map(|l| longest_run(l, '`'))
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let mut out = format!("{fence}{info}\n");
    for line in &printable_lines {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&fence);
    out.push('\n');
    out
}

/// `a | b | c` as a table row, every cell escaped.
pub fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

fn one_line(raw: &str) -> String {
    raw.split(['\r', '\n', '\t'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

/// Text that would start a block where it begins a line (inside a list
/// item too) is escaped at its start: a bullet (`- x`, `+ x`), a rule or
/// heading underline (`---`, `===`), a numbered item (`1. x`, `2) x`).
/// (`#`, `>` and `*` are escaped everywhere already.)
fn guard_line_start(text: String) -> String {
    let bullet = text.starts_with(['-', '+']) && text[1..].chars().next().is_none_or(|c| c == ' ');
    let rule = text.chars().all(|c| matches!(c, '-' | '=' | ' '));
    if !text.is_empty() && (bullet || rule) {
        return format!("\\{text}");
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let rest = &text[digits..];
    if (1..=9).contains(&digits)
        && rest.starts_with(['.', ')'])
        && rest[1..].chars().next().is_none_or(|c| c == ' ')
    {
        return format!("{}\\{rest}", &text[..digits]);
    }
    text
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        if ch == c {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("plain words", "plain words")]
    #[case("mail.example.org:993", "mail.example.org:993")]
    #[case("*bold* _em_", "\\*bold\\* \\_em\\_")]
    #[case("[click](http://x)", "\\[click\\](http://x)")]
    #[case("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>")]
    #[case("a | b", "a \\| b")]
    #[case("&lt;", "\\&lt;")]
    #[case("# not a heading", "\\# not a heading")]
    #[case("- not a list", "\\- not a list")]
    #[case("-5 degrees", "-5 degrees")]
    #[case("---", "\\---")]
    #[case("==", "\\==")]
    #[case("1. not numbered", "1\\. not numbered")]
    #[case("2)", "2\\)")]
    #[case("0.1.0", "0.1.0")]
    #[case("127.0.0.1:53", "127.0.0.1:53")]
    #[case("x86_64 _imap._tcp", "x86_64 \\_imap.\\_tcp")]
    #[case("220 ready.", "220 ready.")]
    #[case("two\nlines\r\n", "two lines")]
    #[case("esc \u{1b}[2J here", "esc \\\\u{1b}\\[2J here")]
    #[case("back\\slash", "back\\\\slash")]
    fn inline_text(#[case] raw: &str, #[case] want: &str) {
        assert_eq!(text(raw), want);
    }

    #[rstest]
    #[case("imap.example.org", "`imap.example.org`")]
    #[case("a`b", "``a`b``")]
    #[case("`x", "`` `x ``")]
    #[case("", "(empty)")]
    fn inline_code(#[case] raw: &str, #[case] want: &str) {
        assert_eq!(code(raw), want);
    }

    #[test]
    fn a_fence_cannot_be_closed_from_inside() {
        let lines = vec!["S: ```".to_string(), "S: ````` ".to_string()];
        let block = fenced("text", &lines);
        assert!(block.starts_with("``````text\n"), "{block}");
        assert!(block.ends_with("\n``````\n"), "{block}");
    }

    #[test]
    fn control_characters_in_blocks_are_shown_not_sent() {
        let block = fenced("", &["S: hi\u{7}\u{1b}[31m".to_string()]);
        assert!(!block.contains('\u{1b}') && !block.contains('\u{7}'));
    }
}
