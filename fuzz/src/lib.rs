//! Shared by the fuzz targets: splitting input into reply lines, the
//! invariants of displayable text, and the scripted server stream that
//! drives a whole session.

pub mod stream;

pub use stream::{Config, Scripted, run_case};

/// The lines of `data` as a server's reader would hand them over: split
/// at LF, a CR before it dropped.
pub fn lines(data: &[u8]) -> Vec<Vec<u8>> {
    data.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .collect()
}

/// Text meant for a terminal holds no control character at all.
pub fn assert_displayable(what: &str, text: &str) {
    assert!(
        !text.chars().any(char::is_control),
        "{what} holds a raw control character: {text:?}"
    );
}
