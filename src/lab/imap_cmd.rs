//! Reading one IMAP command (RFC 9051 §2.2): tag, name and arguments, with
//! quoted strings and literals (`{n}` synchronising, `{n+}` LITERAL+),
//! bounded in size.

use super::conn::{Conn, End};

/// The largest literal a lab server takes.
const MAX_LITERAL: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub tag: String,
    /// Upper-case.
    pub name: String,
    /// Atoms, quoted strings (unescaped) and literals, in order.
    pub args: Vec<Vec<u8>>,
}

impl Command {
    pub fn arg(&self, i: usize) -> Option<String> {
        self.args
            .get(i)
            .map(|a| String::from_utf8_lossy(a).into_owned())
    }
}

/// A line's tokens, and the literal it announces at its end, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tokens {
    pub tokens: Vec<Vec<u8>>,
    /// `(size, non_synchronising)`.
    pub literal: Option<(usize, bool)>,
}

/// Split one line into tokens. Parentheses are dropped (the lab never
/// needs list structure); a `{n}` or `{n+}` at the very end announces a
/// literal.
fn tokenize(line: &[u8]) -> Result<Tokens, String> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b' ' | b'(' | b')' => i += 1,
            b'"' => {
                let mut s = Vec::new();
                i += 1;
                loop {
                    match line.get(i) {
                        None => return Err("unterminated quoted string".into()),
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(b'\\') => {
                            let Some(&c) = line.get(i + 1) else {
                                return Err("unterminated quoted string".into());
                            };
                            s.push(c);
                            i += 2;
                        }
                        Some(&c) => {
                            s.push(c);
                            i += 1;
                        }
                    }
                }
                tokens.push(s);
            }
            b'{' if line.ends_with(b"}") => {
                let inner = &line[i + 1..line.len() - 1];
                let (digits, plus) = match inner.strip_suffix(b"+") {
                    Some(d) => (d, true),
                    None => (inner, false),
                };
                let size = std::str::from_utf8(digits)
                    .ok()
                    .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|d| d.parse::<usize>().ok())
                    .ok_or_else(|| "bad literal size".to_owned())?;
                return Ok(Tokens {
                    tokens,
                    literal: Some((size, plus)),
                });
            }
            _ => {
                let start = i;
                while i < line.len() && !matches!(line[i], b' ' | b'(' | b')') {
                    i += 1;
                }
                tokens.push(line[start..i].to_vec());
            }
        }
    }
    Ok(Tokens {
        tokens,
        literal: None,
    })
}

/// Read one command. The inner `Err` is the tagged (or untagged) `BAD`
/// reply for a command that does not parse.
pub async fn read_command(conn: &mut Conn) -> Result<Result<Command, String>, End> {
    let mut tokens: Vec<Vec<u8>> = Vec::new();
    loop {
        let line = conn.read_line().await?;
        let parsed = match tokenize(&line) {
            Ok(p) => p,
            Err(e) => return Ok(Err(bad(&tokens, &line, &e))),
        };
        tokens.extend(parsed.tokens);
        let Some((size, non_sync)) = parsed.literal else {
            break;
        };
        if size > MAX_LITERAL {
            return Ok(Err(bad(&tokens, &line, "literal too large")));
        }
        if !non_sync {
            conn.send_line("+ OK").await?;
        }
        tokens.push(conn.read_exact(size).await?);
    }
    let mut it = tokens.into_iter();
    let Some(tag) = it.next() else {
        return Ok(Err("* BAD Empty command.".into()));
    };
    let tag = String::from_utf8_lossy(&tag).into_owned();
    let Some(name) = it.next() else {
        return Ok(Err(format!("{tag} BAD Missing command name.")));
    };
    Ok(Ok(Command {
        tag,
        name: String::from_utf8_lossy(&name).to_ascii_uppercase(),
        args: it.collect(),
    }))
}

fn bad(tokens: &[Vec<u8>], line: &[u8], why: &str) -> String {
    let tag = tokens
        .first()
        .cloned()
        .or_else(|| line.split(|&b| b == b' ').next().map(<[u8]>::to_vec))
        .map(|t| String::from_utf8_lossy(&t).into_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "*".into());
    format!("{tag} BAD Error in IMAP command: {why}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(line: &str) -> Vec<String> {
        tokenize(line.as_bytes())
            .unwrap()
            .tokens
            .into_iter()
            .map(|t| String::from_utf8(t).unwrap())
            .collect()
    }

    #[test]
    fn atoms_and_quoted_strings() {
        assert_eq!(
            toks(r#"a1 LOGIN "alice@example.org" "pa ss\"w\\d""#),
            ["a1", "LOGIN", "alice@example.org", r#"pa ss"w\d"#]
        );
        assert_eq!(toks(r#"a2 ID ("name" "x")"#), ["a2", "ID", "name", "x"]);
    }

    #[test]
    fn literals_are_announced() {
        let t = tokenize(b"a1 LOGIN {5}").unwrap();
        assert_eq!(t.literal, Some((5, false)));
        let t = tokenize(b"a1 LOGIN alice {12+}").unwrap();
        assert_eq!(t.literal, Some((12, true)));
        assert_eq!(t.tokens.len(), 3);
        assert!(tokenize(b"a1 LOGIN {x}").is_err());
        assert!(tokenize(b"a1 LOGIN \"open").is_err());
    }
}
