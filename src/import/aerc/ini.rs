//! The INI dialect of `accounts.conf`: `[section]`, `key = value`, `#`
//! and `;` comment lines, values optionally quoted, ` #` or ` ;` starting
//! a comment after a value. Later keys win.

use super::super::{Ctx, ImportError, Imported};

pub(super) struct IniSection {
    pub name: String,
    pub line: usize,
    /// (key lowercased, value, line), in file order.
    pub entries: Vec<(String, String, usize)>,
}

impl IniSection {
    pub fn get(&self, key: &str) -> Option<(&str, usize)> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, line)| (v.as_str(), *line))
    }
}

pub(super) fn ini(
    text: &str,
    ctx: &Ctx<'_>,
    imported: &mut Imported,
) -> Result<Vec<IniSection>, ImportError> {
    let mut sections: Vec<IniSection> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let name = rest.strip_suffix(']').ok_or_else(|| {
                ImportError::syntax(
                    ctx.file,
                    line,
                    "the section name is missing its closing `]`",
                )
            })?;
            sections.push(IniSection {
                name: name.trim().to_owned(),
                line,
                entries: Vec::new(),
            });
            continue;
        }
        let (key, value) = trimmed.split_once('=').ok_or_else(|| {
            ImportError::syntax(ctx.file, line, "expected `key = value` or `[account]`")
        })?;
        let key = key.trim().to_ascii_lowercase();
        match sections.last_mut() {
            Some(section) => section.entries.push((key, ini_value(value), line)),
            None => imported.warn(
                ctx.file,
                Some(line),
                format!("`{key}` is outside any [account] section; skipped"),
            ),
        }
    }
    Ok(sections)
}

/// A value: trimmed, one pair of enclosing quotes removed, else a comment
/// started by ` #` or ` ;` dropped.
fn ini_value(raw: &str) -> String {
    let v = raw.trim();
    for quote in ['"', '`'] {
        if let Some(rest) = v.strip_prefix(quote)
            && let Some(end) = rest.find(quote)
        {
            return rest[..end].to_owned();
        }
    }
    let mut after_blank = false;
    for (i, c) in v.char_indices() {
        if after_blank && (c == '#' || c == ';') {
            return v[..i].trim_end().to_owned();
        }
        after_blank = c.is_whitespace();
    }
    v.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(ini_value("  imaps://host  "), "imaps://host");
        assert_eq!(ini_value("\"pass show x # y\" ignored"), "pass show x # y");
        assert_eq!(ini_value("pass show mail # the password"), "pass show mail");
        assert_eq!(ini_value("imaps://u:a#b@host"), "imaps://u:a#b@host");
        assert_eq!(ini_value("\"unclosed"), "\"unclosed");
        assert_eq!(ini_value(""), "");
    }
}
