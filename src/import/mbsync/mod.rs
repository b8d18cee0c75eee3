//! mbsync/isync's configuration (`$XDG_CONFIG_HOME/isyncrc`, `~/.mbsyncrc`).
//!
//! A section starts with `IMAPAccount`, `IMAPStore`, `MaildirStore`,
//! `Channel` or `Group` and a name, and ends at an empty line. Keywords are
//! case-insensitive; arguments are words, `"…"` groups blanks, `\` escapes
//! the next character, and a word starting with `#` starts a comment.
//! Keywords outside any section are global options.
//!
//! This module reads the sections; [`convert`] makes accounts of them.

mod convert;
mod keys;
mod server;

use super::{Ctx, ImportError, Imported, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SectionKind {
    ImapAccount,
    ImapStore,
    MaildirStore,
    Channel,
    Group,
}

impl SectionKind {
    fn from_keyword(lower: &str) -> Option<Self> {
        match lower {
            "imapaccount" => Some(SectionKind::ImapAccount),
            "imapstore" => Some(SectionKind::ImapStore),
            "maildirstore" => Some(SectionKind::MaildirStore),
            "channel" => Some(SectionKind::Channel),
            "group" => Some(SectionKind::Group),
            _ => None,
        }
    }
}

/// One `Keyword args…` line inside a section.
#[derive(Debug, Clone)]
pub(super) struct Directive {
    /// As written, for messages.
    pub key: String,
    /// Lowercased, for matching.
    pub lower: String,
    pub args: Vec<String>,
    pub line: usize,
}

impl Directive {
    /// The first argument (every keyword mailfix reads takes one).
    pub fn value(&self) -> &str {
        self.args.first().map(String::as_str).unwrap_or("")
    }
}

#[derive(Debug, Clone)]
pub(super) struct Section {
    pub kind: SectionKind,
    pub name: String,
    pub line: usize,
    pub items: Vec<Directive>,
}

impl Section {
    /// The last occurrence of `lower` (later lines win).
    pub fn get(&self, lower: &str) -> Option<&Directive> {
        self.items.iter().rev().find(|d| d.lower == lower)
    }
}

pub(super) fn parse(text: &str, ctx: &Ctx<'_>) -> Result<Imported, ImportError> {
    let mut imported = Imported::from_file(Kind::Mbsync, ctx.file);
    let mut sections: Vec<Section> = Vec::new();
    let mut open = false;

    for (index, raw_line) in text.lines().enumerate() {
        let line = index + 1;
        let args = words(raw_line).map_err(|m| ImportError::syntax(ctx.file, line, m))?;
        let Some((key, args)) = args.split_first() else {
            // An empty line ends the section; a comment line does not.
            if raw_line.trim().is_empty() {
                open = false;
            }
            continue;
        };
        let lower = key.to_ascii_lowercase();
        if let Some(kind) = SectionKind::from_keyword(&lower) {
            let Some(name) = args.first().filter(|n| !n.is_empty()) else {
                return Err(ImportError::syntax(
                    ctx.file,
                    line,
                    format!("`{key}` needs a name"),
                ));
            };
            sections.push(Section {
                kind,
                name: name.clone(),
                line,
                items: Vec::new(),
            });
            open = true;
            continue;
        }
        let directive = Directive {
            key: key.clone(),
            lower,
            args: args.to_vec(),
            line,
        };
        match sections.last_mut() {
            Some(section) if open => section.items.push(directive),
            _ => {
                if !keys::is_global(&directive.lower) {
                    imported.warn(
                        ctx.file,
                        Some(line),
                        format!(
                            "`{}` outside any section is not an mbsync option; skipped \
                             (an empty line ends a section)",
                            directive.key
                        ),
                    );
                }
            }
        }
    }

    convert::accounts(&sections, ctx, &mut imported)?;
    Ok(imported)
}

/// The words of one line: blanks separate them, double quotes group, a
/// backslash takes the next character literally, an unquoted `#` at the
/// start of a word ends the line.
fn words(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.peek() {
            None | Some('#') => return Ok(out),
            _ => {}
        }
        let mut word = String::new();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match c {
                '"' => quoted = !quoted,
                '\\' => match chars.next() {
                    Some(next) => word.push(next),
                    None => word.push('\\'),
                },
                c if c.is_whitespace() && !quoted => break,
                c => word.push(c),
            }
        }
        if quoted {
            return Err("a double quote is not closed".into());
        }
        out.push(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_mbsync() {
        assert_eq!(
            words("Host imap.example.org").unwrap(),
            ["Host", "imap.example.org"]
        );
        assert_eq!(
            words("PassCmd \"pass show mail/work\"").unwrap(),
            ["PassCmd", "pass show mail/work"]
        );
        assert_eq!(
            words("PassCmd +\"gpg -d ~/.pw.gpg\"").unwrap(),
            ["PassCmd", "+gpg -d ~/.pw.gpg"]
        );
        assert_eq!(
            words("Pass \"a \\\"b\\\" c\"").unwrap(),
            ["Pass", "a \"b\" c"]
        );
        assert_eq!(words("  # a comment").unwrap(), Vec::<String>::new());
        assert_eq!(
            words("Path ~/Mail/ # trailing").unwrap(),
            ["Path", "~/Mail/"]
        );
        assert_eq!(
            words("Pass \"#notacomment\"").unwrap(),
            ["Pass", "#notacomment"]
        );
        assert!(words("Pass \"open").is_err());
        assert_eq!(
            words("AuthMechs PLAIN LOGIN").unwrap(),
            ["AuthMechs", "PLAIN", "LOGIN"]
        );
    }
}
