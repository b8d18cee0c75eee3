//! POP3 status lines, SASL continuations, CAPA lists, dot-unstuffing and
//! STAT.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailfix::proto::pop3::{Line, capa, parse_line, reply, stat, unstuff};
use mailfix_fuzz::{assert_displayable, lines};

fuzz_target!(|data: &[u8]| {
    let lines = lines(data);
    for line in &lines {
        if let Ok(Line::Reply(r)) = parse_line(line) {
            assert_displayable("a POP3 reply's text", &r.text);
        }
        if let Ok(r) = reply(line) {
            assert_displayable("a POP3 reply's text", &r.text);
            let _ = stat(&r);
        }
        let _ = unstuff(line);
    }
    let caps = capa(&lines);
    for word in caps.raw.iter().chain(&caps.auth) {
        assert_displayable("a capability", word);
    }
});
