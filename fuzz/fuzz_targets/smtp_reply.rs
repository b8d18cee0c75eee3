//! SMTP reply lines, whole replies, enhanced codes and EHLO capabilities.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailfix::proto::smtp::{ehlo_capabilities, parse_enhanced, parse_line, reply};
use mailfix_fuzz::{assert_displayable, lines};

fuzz_target!(|data: &[u8]| {
    let lines = lines(data);
    for line in &lines {
        if let Ok(l) = parse_line(line) {
            assert!(l.text.len() <= line.len());
        }
    }
    if let Ok(r) = reply(&lines) {
        assert_displayable("an SMTP reply's text", &r.text);
        let _ = r.to_string();
    }
    let caps = ehlo_capabilities(&lines);
    for word in caps.raw.iter().chain(&caps.auth) {
        assert_displayable("a capability", word);
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Some((_, rest)) = parse_enhanced(text)
    {
        assert!(rest.len() <= text.len());
    }
});
