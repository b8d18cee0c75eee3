//! IMAP response lines, literal announcements, capability lists and the
//! quoting of LOGIN arguments.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailfix::proto::imap::{Response, capabilities, literal_at_end, parse_line, quoted};
use mailfix_fuzz::{assert_displayable, lines};

fuzz_target!(|data: &[u8]| {
    for line in lines(data) {
        let _ = literal_at_end(&line);
        match parse_line(&line) {
            Ok(Response::Status(s)) | Ok(Response::Tagged { status: s, .. }) => {
                assert_displayable("an IMAP reply's text", &s.reply.text);
            }
            Ok(Response::Capability(words)) => {
                let caps = capabilities(&words);
                for word in caps.raw.iter().chain(&caps.auth) {
                    assert_displayable("a capability", word);
                }
            }
            _ => {}
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(q) = quoted(text)
    {
        // A quoted string never carries a line break or NUL, and is one
        // whole quoted string.
        assert!(!q.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)), "{q:?}");
        assert!(
            q.len() >= 2 && q.starts_with('"') && q.ends_with('"'),
            "{q:?}"
        );
    }
});
