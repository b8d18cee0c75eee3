//! msmtp's configuration (`~/.msmtprc`, `$XDG_CONFIG_HOME/msmtp/config`).
//!
//! One command per line: a word, blanks, and the rest of the line as the
//! argument (double quotes around it are removed). `#` as the first non-blank
//! character starts a comment. `defaults` opens the settings every later
//! account starts from; `account NAME [: PARENT[, PARENT…]]` opens an account
//! that starts from the defaults and takes every setting its parents set.
//! Commands before any `account` belong to an account called `default`,
//! as in msmtp 1.2.
//!
//! This module reads the structure; [`convert`] turns each account into a
//! mailfix [`Account`](crate::account::Account).

mod commands;
mod convert;

use std::collections::{BTreeMap, BTreeSet};

use super::{Ctx, ImportError, Imported, Kind};

use commands::{KNOWN, normalise};

/// One setting as written: its argument and the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    pub value: String,
    pub line: usize,
}

/// An account as msmtp resolves it: every setting it has, with `mask` the
/// ones set by the account itself or taken from a parent (as opposed to
/// copied from `defaults`).
#[derive(Debug, Clone, Default)]
pub(super) struct RawAccount {
    pub name: String,
    pub line: usize,
    pub values: BTreeMap<&'static str, Entry>,
    pub mask: BTreeSet<&'static str>,
    pub parents: Vec<String>,
    /// Commands written inside this account's own block.
    pub own: usize,
}

impl RawAccount {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.values.get(key)
    }
}

enum Target {
    None,
    Defaults,
    Account(usize),
}

pub(super) fn parse(text: &str, ctx: &Ctx<'_>) -> Result<Imported, ImportError> {
    let mut imported = Imported::from_file(Kind::Msmtp, ctx.file);
    let mut defaults = RawAccount::default();
    let mut accounts: Vec<RawAccount> = Vec::new();
    let mut target = Target::None;

    for (index, raw_line) in text.lines().enumerate() {
        let line = index + 1;
        let Some((cmd, arg)) = split_command(raw_line) else {
            continue;
        };
        let err = |message: String| ImportError::syntax(ctx.file, line, message);

        if matches!(target, Target::None) && cmd != "account" && cmd != "defaults" {
            accounts.push(RawAccount {
                name: "default".into(),
                line,
                values: defaults.values.clone(),
                ..RawAccount::default()
            });
            target = Target::Account(accounts.len() - 1);
        }

        match cmd {
            "defaults" => {
                if !arg.is_empty() {
                    return Err(err("`defaults` takes no argument".into()));
                }
                target = Target::Defaults;
            }
            "account" => {
                let account = open_account(&arg, line, &defaults, &accounts).map_err(err)?;
                accounts.push(account);
                target = Target::Account(accounts.len() - 1);
            }
            "eval" => imported.warn(
                ctx.file,
                Some(line),
                "`eval` builds settings by running a command; mailfix does not run it, \
                 so whatever it would set is missing",
            ),
            _ => {
                let Some(&key) = KNOWN.iter().find(|k| **k == cmd) else {
                    imported.warn(
                        ctx.file,
                        Some(line),
                        format!("unknown msmtp command `{cmd}` skipped"),
                    );
                    continue;
                };
                let (key, value) = normalise(key, arg).map_err(err)?;
                let entry = Entry { value, line };
                match target {
                    Target::Defaults => {
                        defaults.values.insert(key, entry);
                    }
                    Target::Account(i) => {
                        let account = &mut accounts[i];
                        account.values.insert(key, entry);
                        account.mask.insert(key);
                        account.own += 1;
                    }
                    Target::None => {}
                }
            }
        }
    }

    convert::accounts(&accounts, ctx, &mut imported);
    Ok(imported)
}

/// `cmd` and its argument, or `None` for a blank or comment line.
fn split_command(line: &str) -> Option<(&str, String)> {
    let line = line.trim_start_matches([' ', '\t']);
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let end = line.find([' ', '\t']).unwrap_or(line.len());
    let (cmd, rest) = line.split_at(end);
    Some((cmd, unquote(rest)))
}

/// Trim blanks; remove one pair of enclosing double quotes, undoing `\"`
/// and `\\` inside them.
fn unquote(s: &str) -> String {
    let s = s.trim_matches([' ', '\t', '\r']);
    match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) if s.len() >= 2 => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    match chars.next() {
                        Some(n @ ('"' | '\\')) => out.push(n),
                        Some(n) => {
                            out.push('\\');
                            out.push(n);
                        }
                        None => out.push('\\'),
                    }
                } else {
                    out.push(c);
                }
            }
            out
        }
        _ => s.to_owned(),
    }
}

/// `account NAME [: PARENT, …]`: a new account from the defaults and its parents.
fn open_account(
    arg: &str,
    line: usize,
    defaults: &RawAccount,
    accounts: &[RawAccount],
) -> Result<RawAccount, String> {
    let (name, parents) = match arg.split_once(':') {
        Some((name, list)) => {
            let mut parents = Vec::new();
            for parent in list.split(',') {
                let parent = unquote(parent);
                if parent.is_empty() {
                    return Err("an account name is missing in the list after `:`".into());
                }
                parents.push(parent);
            }
            (unquote(name), parents)
        }
        None => (arg.to_owned(), Vec::new()),
    };
    if name.is_empty() {
        return Err("`account` needs a name".into());
    }
    if name.contains([':', ',']) {
        return Err(format!("account name `{name}` must not hold `:` or `,`"));
    }
    if accounts.iter().any(|a| a.name == name) {
        return Err(format!("account `{name}` is defined twice"));
    }
    let mut account = RawAccount {
        name,
        line,
        values: defaults.values.clone(),
        parents: parents.clone(),
        ..RawAccount::default()
    };
    for parent in &parents {
        let Some(from) = accounts.iter().find(|a| &a.name == parent) else {
            return Err(format!(
                "account `{parent}` is used before it is defined (or not at all)"
            ));
        };
        for key in &from.mask {
            if let Some(entry) = from.values.get(key) {
                account.values.insert(key, entry.clone());
            }
            account.mask.insert(key);
        }
    }
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_quotes() {
        assert_eq!(split_command("  # note"), None);
        assert_eq!(split_command("\t"), None);
        assert_eq!(
            split_command("host  smtp.example.org  "),
            Some(("host", "smtp.example.org".into()))
        );
        assert_eq!(
            split_command("passwordeval \"pass show \\\"mail\\\"\""),
            Some(("passwordeval", "pass show \"mail\"".into()))
        );
        assert_eq!(
            split_command("passwordeval gpg -q -d ~/.pw.gpg"),
            Some(("passwordeval", "gpg -q -d ~/.pw.gpg".into()))
        );
        assert_eq!(
            split_command("password \"\""),
            Some(("password", String::new()))
        );
        assert_eq!(
            split_command("password \""),
            Some(("password", "\"".into()))
        );
        assert_eq!(split_command("tls"), Some(("tls", String::new())));
    }
}
