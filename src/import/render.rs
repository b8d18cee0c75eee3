//! Imported accounts as a mailfix config file: the config module's writer,
//! with where each account came from and what could not be carried over
//! as comments above it.
//!
//! A password written literally in the source file is not copied unless
//! `options.include_passwords` is set: the output often ends up in a
//! terminal, a pastebin or a dotfiles repository.

use crate::config::{self, RenderOptions};

use super::Imported;

/// The whole config file for `imported`. `options.header` lines come after
/// the list of files read.
pub fn render(imported: &Imported, options: &RenderOptions) -> String {
    let mut header = vec!["mailfix settings made by `mailfix import` from:".to_owned()];
    for source in &imported.sources {
        let mut line = format!("  {} {}", source.kind, source.file.display());
        if let Some(variant) = &source.variant {
            line.push_str(&format!(" (schema {variant})"));
        }
        header.push(line);
    }
    header.push("Lines starting with `!` name what could not be carried over.".to_owned());
    header.extend(imported.warnings.iter().map(|w| format!("! {w}")));
    header.extend(options.header.iter().cloned());
    let top = config::render(
        &[],
        &RenderOptions {
            include_passwords: options.include_passwords,
            header,
        },
    );

    let mut out = top;
    for item in &imported.accounts {
        let mut notes = vec![format!("from {}", item.origin_summary())];
        notes.extend(item.warnings.iter().map(|w| format!("! {w}")));
        out.push('\n');
        out.push_str(&config::render_account(&item.account, &notes, options));
    }
    out
}
