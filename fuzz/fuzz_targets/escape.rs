//! Escaping server text for display: nothing raw gets through, and the
//! result is bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailfix::proto::escape::{escape, escape_bounded};

fuzz_target!(|data: &[u8]| {
    let Some((&max, bytes)) = data.split_first() else {
        return;
    };
    let max = usize::from(max);
    let shown = escape_bounded(bytes, max);
    mailfix_fuzz::assert_displayable("escaped text", &shown);
    // At most `max` characters, then a "…[+N bytes]" marker.
    let body = shown.split('…').next().unwrap_or_default();
    assert!(
        body.chars().count() <= max,
        "{} > {max}",
        body.chars().count()
    );
    let full = escape(bytes);
    mailfix_fuzz::assert_displayable("escaped text", &full);
    // Untruncated, every byte is shown as at least one byte.
    if !full.contains('…') {
        assert!(full.len() >= bytes.len());
    }
});
