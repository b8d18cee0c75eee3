//! Typed, located access to the keys of one table of the config, with the
//! one-line errors every caller needs ("expected a string, found …",
//! "unknown key …", "missing …").

use std::path::Path;

use super::document::{Key, Node, Table, Value, show};
use super::error::ConfigError;

/// One table of the config file and where it is: its dotted key path
/// (`accounts[1].incoming`) and its line.
pub(crate) struct Fields<'a> {
    pub file: &'a Path,
    pub prefix: String,
    pub line: usize,
    pub table: &'a Table,
}

impl<'a> Fields<'a> {
    pub fn new(
        file: &'a Path,
        prefix: impl Into<String>,
        node: &'a Node,
    ) -> Result<Self, ConfigError> {
        let prefix = prefix.into();
        match &node.value {
            Value::Table(table) => Ok(Fields {
                file,
                prefix,
                line: node.line,
                table,
            }),
            other => Err(ConfigError::invalid(
                file,
                node.line,
                prefix,
                format!("expected a table, found {}", other.kind()),
            )),
        }
    }

    /// The dotted path of `name` inside this table.
    pub fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            show(name)
        } else {
            format!("{}.{}", self.prefix, show(name))
        }
    }

    pub fn error(&self, line: usize, name: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::invalid(self.file, line, self.path(name), message)
    }

    /// Reject any key not in `allowed`, naming the first one in the file.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ConfigError> {
        for (key, _) in &self.table.entries {
            if !allowed.contains(&key.name.as_str()) {
                let hint = match closest(&key.name, allowed) {
                    Some(near) => format!("did you mean '{near}'? "),
                    None => String::new(),
                };
                return Err(self.error(
                    key.line,
                    &key.name,
                    format!("unknown key ({hint}expected one of {})", allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    pub fn entry(&self, name: &str) -> Option<&'a (Key, Node)> {
        self.table.get(name)
    }

    /// The line of `name` if present, else the table's own line.
    pub fn line_of(&self, name: &str) -> usize {
        self.entry(name).map(|(k, _)| k.line).unwrap_or(self.line)
    }

    pub fn missing(&self, name: &str, why: &str) -> ConfigError {
        self.error(self.line, name, format!("missing: {why}"))
    }

    pub fn str(&self, name: &str) -> Result<Option<(&'a str, usize)>, ConfigError> {
        match self.entry(name) {
            None => Ok(None),
            Some((key, node)) => match &node.value {
                Value::Str(s) => Ok(Some((s.as_str(), key.line))),
                other => Err(self.wrong_type(key, node, "a string", other)),
            },
        }
    }

    pub fn required_str(&self, name: &str, why: &str) -> Result<(&'a str, usize), ConfigError> {
        self.str(name)?.ok_or_else(|| self.missing(name, why))
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, ConfigError> {
        match self.entry(name) {
            None => Ok(None),
            Some((key, node)) => match &node.value {
                Value::Bool(b) => Ok(Some(*b)),
                other => Err(self.wrong_type(key, node, "true or false", other)),
            },
        }
    }

    /// An integer; `Some(None)` when it is present but beyond 64 bits.
    pub fn int(&self, name: &str) -> Result<Option<(Option<i64>, usize)>, ConfigError> {
        match self.entry(name) {
            None => Ok(None),
            Some((key, node)) => match &node.value {
                Value::Int(i) => Ok(Some((*i, key.line))),
                other => Err(self.wrong_type(key, node, "an integer", other)),
            },
        }
    }

    /// A string that must be one of `choices` (compared without case).
    pub fn choice<T: Copy>(
        &self,
        name: &str,
        choices: &[(&str, T)],
    ) -> Result<Option<(T, usize)>, ConfigError> {
        let Some((text, line)) = self.str(name)? else {
            return Ok(None);
        };
        let trimmed = text.trim();
        match choices
            .iter()
            .find(|(word, _)| word.eq_ignore_ascii_case(trimmed))
        {
            Some((_, value)) => Ok(Some((*value, line))),
            None => {
                let words: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
                Err(self.error(
                    line,
                    name,
                    format!(
                        "must be one of {} (found '{}')",
                        words.join(", "),
                        show(trimmed)
                    ),
                ))
            }
        }
    }

    fn wrong_type(&self, key: &Key, node: &Node, expected: &str, found: &Value) -> ConfigError {
        self.error(
            node.line.max(key.line),
            &key.name,
            format!("expected {expected}, found {}", found.kind()),
        )
    }
}

/// The allowed key nearest to a misspelt one: at most two edits away, or
/// one that starts the same way.
fn closest<'k>(name: &str, allowed: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_ascii_lowercase();
    allowed
        .iter()
        .map(|candidate| {
            let score = if lower.len() >= 3 && candidate.starts_with(lower.as_str()) {
                0
            } else {
                edit_distance(&lower, candidate)
            };
            (score, *candidate)
        })
        .filter(|(score, _)| *score <= 2)
        .min_by_key(|(score, _)| *score)
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_suggested() {
        let keys = ["protocol", "host", "port", "password_command"];
        assert_eq!(closest("prot", &keys), Some("protocol"));
        assert_eq!(closest("hots", &keys), Some("host"));
        assert_eq!(closest("passwordcommand", &keys), Some("password_command"));
        assert_eq!(closest("zzzzzz", &keys), None);
    }
}
