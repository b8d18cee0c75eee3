//! Templates with `{{KEY}}` placeholders: the server configs in
//! `tests/servers/`, and other test files filled in at test time.

use std::fs;
use std::path::{Path, PathBuf};

pub fn templates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/servers")
}

/// Fills `tests/servers/<name>` with `vars` and writes it to `dest`. Every
/// placeholder must be filled.
pub fn render_to(name: &str, vars: &[(&str, String)], dest: &Path) -> Result<(), String> {
    fill_file(&templates_dir().join(name), vars, dest)
}

/// Fills the template at `source` with `vars` and writes it to `dest`.
/// Every placeholder must be filled.
pub fn fill_file(source: &Path, vars: &[(&str, String)], dest: &Path) -> Result<(), String> {
    let mut text = fs::read_to_string(source).map_err(|e| format!("{}: {e}", source.display()))?;
    for (key, value) in vars {
        text = text.replace(&format!("{{{{{key}}}}}"), value);
    }
    if let Some(at) = text.find("{{") {
        let rest: String = text[at..].chars().take(40).collect();
        return Err(format!(
            "{}: placeholder left unfilled: {rest}",
            source.display()
        ));
    }
    fs::write(dest, text).map_err(|e| format!("{}: {e}", dest.display()))
}
