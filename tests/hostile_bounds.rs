//! Hostile servers, bounds part: silence, a mebibyte without a line end,
//! an endless `250-` continuation, a four-gigabyte literal announced then
//! silence, and a greeting dripped one byte every 900 ms. Every check ends
//! within its deadline with an outcome that says what happened; the
//! asserts are on the kind of outcome, never on elapsed time.

mod hostile_support;

use std::time::Duration;

use hostile_support::*;
use mailfix::account::Security;
use rstest::rstest;

fn greeting_never_sent() -> Case {
    Case::pop3(Security::Tls, Script::new().step(Step::Hold))
        .sent_plain(&[])
        .sent_tls(&[])
        .ends("timed out in greeting")
        .no_finding()
        .note("greeted with nothing")
}

fn a_mebibyte_without_line_end() -> Case {
    let mut flood = b"250-".to_vec();
    flood.extend(std::iter::repeat_n(b'A', 1 << 20));
    let script = Script::new()
        .line("220 mail.hostile.test ESMTP")
        .expect("EHLO ")
        .send(flood)
        .step(Step::Hold);
    Case::smtp(Security::Tls, script)
        .sent_tls(&["EHLO localhost"])
        .ends("violation in capabilities")
        .no_finding()
        .note("broke the SMTP protocol")
        .note("a line longer than 262144 bytes")
}

fn endless_continuation() -> Case {
    let script = Script::new()
        .line("220 mail.hostile.test ESMTP")
        .expect("EHLO ")
        .line("250-mail.hostile.test")
        .step(Step::Repeat {
            bytes: b"250-X-FILLER padding padding padding\r\n".to_vec(),
            max_bytes: 4 << 20,
        })
        .step(Step::Hold);
    Case::smtp(Security::Tls, script)
        .sent_tls(&["EHLO localhost"])
        .ends("violation in capabilities")
        .no_finding()
        .note("broke the SMTP protocol")
        .note("more than 1000 lines")
}

fn huge_literal_then_silence() -> Case {
    let script = Script::new()
        .line("* OK ready")
        .expect("a1 CAPABILITY")
        .line("* CAPABILITY {4294967295}")
        .step(Step::Hold);
    Case::imap(Security::Tls, script)
        .sent_tls(&["a1 CAPABILITY"])
        .ends("violation in capabilities")
        .no_finding()
        .note("broke the IMAP protocol")
        .note("a literal of 4294967295 bytes")
}

/// A byte every 900 ms: each byte comes well within the wait, the reply
/// as a whole does not.
fn one_byte_every_900_ms() -> Case {
    let script = Script::new().step(Step::Drip {
        bytes: b"+OK slow but steady POP3 server ready\r\n".to_vec(),
        every: Duration::from_millis(900),
    });
    Case::pop3(Security::Tls, script)
        .sent_plain(&[])
        .sent_tls(&[])
        .ends("timed out in greeting")
        .finding(ids::POOR_LINE)
        .shows("began its greeting (`+")
}

#[rstest]
#[case::greeting_never_sent(greeting_never_sent())]
#[case::a_mebibyte_without_line_end(a_mebibyte_without_line_end())]
#[case::endless_continuation(endless_continuation())]
#[case::huge_literal_then_silence(huge_literal_then_silence())]
#[case::one_byte_every_900_ms(one_byte_every_900_ms())]
#[tokio::test]
async fn bounds(#[case] case: Case) {
    let o = play(case).await;
    // The run ended by itself, inside its own deadline.
    assert!(!o.report.deadline_hit, "the run hit its deadline");
}
