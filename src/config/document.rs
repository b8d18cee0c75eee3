//! The one place that knows the `toml` crate: parses the file text into a
//! small tree of our own that keeps the line of every key and value, and
//! turns the parser's errors into ours.

use std::path::Path;

use toml::de::{DeTable, DeValue};
use zeroize::Zeroizing;

use super::error::ConfigError;
use crate::proto::escape::escape_controls;

/// A value with the line (1-based) it starts on.
#[derive(Debug)]
pub(crate) struct Node {
    pub line: usize,
    pub value: Value,
}

#[derive(Debug)]
pub(crate) enum Value {
    /// Wiped when dropped: it may be a password.
    Str(Zeroizing<String>),
    /// `None` when the integer does not fit in 64 bits.
    Int(Option<i64>),
    Float,
    Bool(bool),
    Datetime,
    Array(Vec<Node>),
    Table(Table),
}

impl Value {
    /// What a person calls this kind of value, for "expected …, found …".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float => "a float",
            Value::Bool(_) => "a boolean",
            Value::Datetime => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// A key with the line it is written on.
#[derive(Debug)]
pub(crate) struct Key {
    pub name: String,
    pub line: usize,
}

/// Entries in the order they appear in the file.
#[derive(Debug, Default)]
pub(crate) struct Table {
    pub entries: Vec<(Key, Node)>,
}

impl Table {
    pub fn get(&self, name: &str) -> Option<&(Key, Node)> {
        self.entries.iter().find(|(k, _)| k.name == name)
    }
}

/// Line numbers from byte offsets, computed once per document.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// Parse `text`; a syntax error becomes one [`ConfigError::Invalid`] with
/// the line and the key it happened at.
pub(crate) fn parse(text: &str, path: &Path) -> Result<Node, ConfigError> {
    let lines = Lines::new(text);
    match DeTable::parse(text) {
        Ok(table) => Ok(Node {
            line: 1,
            value: Value::Table(convert_table(table.get_ref(), &lines)),
        }),
        Err(err) => {
            let mut offset = err.span().map(|s| s.start).unwrap_or(0).min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            let line = lines.line_of(offset);
            let key = key_at(text, offset);
            Err(ConfigError::invalid(
                path,
                line,
                key,
                format!("not valid TOML: {}", err.message()),
            ))
        }
    }
}

fn convert_table(table: &DeTable<'_>, lines: &Lines) -> Table {
    let mut entries: Vec<(usize, Key, Node)> = table
        .iter()
        .map(|(key, value)| {
            let start = key.span().start;
            (
                start,
                Key {
                    name: key.get_ref().to_string(),
                    line: lines.line_of(start),
                },
                convert(value.get_ref(), value.span().start, lines),
            )
        })
        .collect();
    entries.sort_by_key(|(start, _, _)| *start);
    Table {
        entries: entries.into_iter().map(|(_, k, v)| (k, v)).collect(),
    }
}

fn convert(value: &DeValue<'_>, start: usize, lines: &Lines) -> Node {
    let value = match value {
        DeValue::String(s) => Value::Str(Zeroizing::new(s.to_string())),
        DeValue::Integer(i) => Value::Int(i64::from_str_radix(i.as_str(), i.radix()).ok()),
        DeValue::Float(_) => Value::Float,
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(_) => Value::Datetime,
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| convert(item.get_ref(), item.span().start, lines))
                .collect(),
        ),
        DeValue::Table(table) => Value::Table(convert_table(table, lines)),
    };
    Node {
        line: lines.line_of(start),
        value,
    }
}

/// The dotted key a syntax error at `offset` belongs to, read from the
/// text itself (the parser gives no tree for a broken file): the last
/// table header before the error, plus the key written on the error's line.
/// `[[accounts]]` blocks are counted so the key reads `accounts[2].port`.
fn key_at(text: &str, offset: usize) -> String {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    let error_line = text[line_start..line_end].trim();

    let mut header = String::new();
    let mut array_counts: Vec<(String, usize)> = Vec::new();
    for line in text[..line_start].lines() {
        let line = line.trim();
        if let Some(name) = line
            .strip_prefix("[[")
            .and_then(|rest| rest.split_once("]]"))
            .map(|(name, _)| clean_key(name))
        {
            let count = match array_counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => {
                    *count += 1;
                    *count
                }
                None => {
                    array_counts.push((name.clone(), 1));
                    1
                }
            };
            header = format!("{name}[{count}]");
        } else if let Some(name) = line
            .strip_prefix('[')
            .and_then(|rest| rest.split_once(']'))
            .map(|(name, _)| clean_key(name))
        {
            header = with_array_index(&name, &array_counts);
        }
    }

    if error_line.starts_with('[') {
        let name = clean_key(
            error_line
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or(""),
        );
        return if name.is_empty() {
            "(table header)".into()
        } else {
            name
        };
    }
    let own = error_line
        .split_once('=')
        .map(|(k, _)| clean_key(k))
        .unwrap_or_default();
    match (header.is_empty(), own.is_empty()) {
        (true, true) => "(top level)".into(),
        (true, false) => own,
        (false, true) => header,
        (false, false) => format!("{header}.{own}"),
    }
}

/// `accounts.incoming` after the second `[[accounts]]` reads
/// `accounts[2].incoming`.
fn with_array_index(name: &str, arrays: &[(String, usize)]) -> String {
    arrays
        .iter()
        .filter(|(array, _)| name == array || name.starts_with(&format!("{array}.")))
        .max_by_key(|(array, _)| array.len())
        .map(|(array, count)| format!("{array}[{count}]{}", &name[array.len()..]))
        .unwrap_or_else(|| name.to_string())
}

fn clean_key(raw: &str) -> String {
    let key: String = raw
        .split('.')
        .map(|part| part.trim().trim_matches(['"', '\'']))
        .collect::<Vec<_>>()
        .join(".");
    super::error::one_line(&show(&key))
}

/// A key as it may be shown: control characters escaped, bounded length.
pub(crate) fn show(key: &str) -> String {
    escape_controls(key, 80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("[[accounts]]\nname = \"a\"\nport = 99x\n", "accounts[1].port")]
    #[case(
        "[[accounts]]\nname = \"a\"\n[[accounts]]\n[accounts.incoming]\nport = 99x\n",
        "accounts[2].incoming.port"
    )]
    #[case("x = = 1\n", "x")]
    #[case("= 1\n", "(top level)")]
    #[case("[accounts.\"in coming\"\nport = 1\n", "accounts.in coming")]
    #[case("[[accounts]]\nnäme = ünquoted€\n", "accounts[1].näme")]
    #[case("€€ = 1\n", "€€")]
    fn syntax_errors_name_a_key(#[case] text: &str, #[case] key: &str) {
        let err = parse(text, Path::new("c.toml")).unwrap_err();
        let ConfigError::Invalid { key: got, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(got, key, "{err}");
    }

    #[test]
    fn lines_and_order_are_kept() {
        let text = "# c\n[[accounts]]\nname = \"w\"\nemail = \"a@b\"\n\n[accounts.incoming]\nhost = \"h\"\n";
        let root = parse(text, Path::new("c.toml")).unwrap();
        let Value::Table(root) = root.value else {
            panic!()
        };
        let (key, accounts) = &root.entries[0];
        assert_eq!((key.name.as_str(), key.line), ("accounts", 2));
        let Value::Array(items) = &accounts.value else {
            panic!()
        };
        assert_eq!(items[0].line, 2);
        let Value::Table(account) = &items[0].value else {
            panic!()
        };
        let names: Vec<_> = account
            .entries
            .iter()
            .map(|(k, _)| (k.name.as_str(), k.line))
            .collect();
        assert_eq!(names, [("name", 3), ("email", 4), ("incoming", 6)]);
    }

    #[test]
    fn show_escapes_control_characters() {
        assert_eq!(show("a\u{7}b"), "a\\u{7}b");
    }
}
