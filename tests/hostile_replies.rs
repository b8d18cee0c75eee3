//! Hostile servers, replies part: control characters, invalid UTF-8 and
//! terminal escapes in replies (escaped in the text, JSON and Markdown
//! outputs); bare-LF line ends; reply codes that are no codes; 421 and
//! BYE mid-session; RST after the greeting and after AUTH; a user name
//! that tries to smuggle in an SMTP command.

mod hostile_support;

use hostile_support::*;
use mailfix::account::{AuthMech, Security};
use rstest::rstest;

/// The server rejects the login with a reply full of terminal escapes,
/// NUL, BEL, invalid UTF-8 and a right-to-left override.
fn escapes_nul_and_bad_utf8() -> Case {
    let script = Script::new()
        .send(b"* OK \x1b]0;pwned\x07\x1b[2J ready \xff\xfe\r\n".to_vec())
        .expect("a1 CAPABILITY")
        .line("* CAPABILITY IMAP4rev1")
        .line("{tag} OK done")
        .expect("a2 LOGIN")
        .send(
            b"a2 NO [AUTHENTICATIONFAILED] \x1b[31mWrong\x1b[0m pass\x00word \xc3\x28 \xe2\x80\xae!\r\n"
                .to_vec(),
        )
        .expect("a3 LOGOUT")
        .line("* BYE")
        .line("{tag} OK");
    Case::imap(Security::Tls, script)
        .sent_tls(&[
            "a1 CAPABILITY",
            "a2 LOGIN \"{user}\" \"{pass}\"",
            "a3 LOGOUT",
        ])
        .ends("completed")
        .finding(ids::BAD_CREDENTIALS)
        .shows("\\x1b[31mWrong\\x1b[0m pass\\0word \\xc3( \\u{202e}!")
        .json_shows("\\\\x1b[31mWrong\\\\x1b[0m pass\\\\0word \\\\xc3( \\\\u{202e}!")
}

/// A greeting that is no mail greeting at all, full of terminal escapes:
/// quoted in the finding, escaped.
fn escapes_in_a_foreign_greeting() -> Case {
    let script = Script::new()
        .send(b"\x1b[2J\x1b[31mHTTP/1.1 400 Bad\x00Request \xff\x9b\r\n".to_vec())
        .step(Step::Hold);
    Case::smtp(Security::Tls, script)
        .sent_tls(&[])
        .ends("stopped in greeting")
        .finding(ids::WRONG_PROTOCOL)
        .shows("`\\x1b[2J\\x1b[31mHTTP/1.1 400 Bad\\0Request \\xff\\x9b`")
}

/// Every line ends in a bare LF.
fn bare_lf() -> Case {
    let script = Script::new()
        .send(b"+OK POP3 ready\n".to_vec())
        .expect("CAPA")
        .send(b"+OK\nUSER\n.\n".to_vec())
        .expect("USER ")
        .send(b"+OK\n".to_vec())
        .expect("PASS ")
        .send(b"+OK logged in\n".to_vec())
        .expect("STAT")
        .send(b"+OK 2 320\n".to_vec())
        .expect("QUIT")
        .send(b"+OK bye\n".to_vec());
    Case::pop3(Security::Tls, script)
        .sent_tls(&["CAPA", "USER {user}", "PASS {pass}", "STAT", "QUIT"])
        .ends("completed")
        .no_finding()
}

fn greeting_2x0() -> Case {
    Case::smtp(
        Security::Tls,
        Script::new().line("2x0 mail.hostile.test hello"),
    )
    .sent_tls(&[])
    .ends("stopped in greeting")
    .finding(ids::WRONG_PROTOCOL)
}

fn reply_999() -> Case {
    let script = Script::new()
        .line("220 mail.hostile.test ESMTP")
        .expect("EHLO ")
        .line("999 what")
        .expect("HELO ")
        .line("999 what");
    Case::smtp(Security::Tls, script)
        .sent_tls(&["EHLO localhost", "HELO localhost"])
        .ends("violation in capabilities")
        .no_finding()
        .note("broke the SMTP protocol")
}

fn code_421_mid_session() -> Case {
    let script = smtp_ehlo(&["AUTH PLAIN"])
        .expect("AUTH PLAIN")
        .line("235 2.7.0 ok")
        .expect("MAIL FROM:")
        .line("421 4.3.2 Service shutting down, closing channel")
        .step(Step::Close);
    Case::smtp(Security::Tls, script)
        .sent_tls(&["EHLO localhost", "AUTH PLAIN {plain}", "MAIL FROM:<{user}>"])
        .ends("closed in relay test")
        .finding(ids::SERVER_DROPPED)
}

fn bye_mid_session() -> Case {
    let script = imap_capability("* OK ready", "IMAP4rev1")
        .expect("a2 LOGIN")
        .line("{tag} OK logged in")
        .expect("a3 EXAMINE")
        .line("* BYE Server shutting down for maintenance")
        .step(Step::CloseAbruptly);
    Case::imap(Security::Tls, script)
        .sent_tls(&[
            "a1 CAPABILITY",
            "a2 LOGIN \"{user}\" \"{pass}\"",
            "a3 EXAMINE INBOX",
        ])
        .ends("closed in mailbox")
        .finding(ids::SERVER_DROPPED)
}

fn rst_after_greeting() -> Case {
    let script = Script::new().line("+OK POP3 ready").step(Step::Reset);
    Case::pop3(Security::Tls, script)
        .sent_tls(&[])
        .ends("reset in capabilities")
        .finding(ids::SERVER_DROPPED)
}

fn rst_after_auth() -> Case {
    let script = smtp_ehlo(&["AUTH PLAIN"])
        .expect("AUTH PLAIN")
        .step(Step::Reset);
    Case::smtp(Security::Tls, script)
        .sent_tls(&["EHLO localhost", "AUTH PLAIN {plain}"])
        .ends("reset in login")
        .finding(ids::SERVER_DROPPED)
}

/// A user name carrying `\r\nRCPT TO:`: refused before anything is sent.
fn injection_in_user_name() -> Case {
    let script = smtp_ehlo(&["AUTH PLAIN LOGIN"])
        .expect("QUIT")
        .line("221 2.0.0 Bye");
    Case::smtp(Security::Tls, script)
        .auth(AuthMech::Login)
        .username("alice@hostile.test\r\nRCPT TO:<victim@example.net>")
        .sent_tls(&["EHLO localhost", "QUIT"])
        .ends("completed")
        .no_finding()
        .note("line break")
}

/// The account allows plain-text login on a server without TLS: the
/// password goes (the one case where it may), and the note says so.
fn plaintext_allowed() -> Case {
    let script = Script::new()
        .line("+OK POP3 ready")
        .expect("CAPA")
        .line("-ERR no CAPA here")
        .expect("USER ")
        .line("+OK")
        .expect("PASS ")
        .line("+OK logged in")
        .expect("STAT")
        .line("+OK 0 0")
        .expect("QUIT")
        .line("+OK bye");
    Case::pop3(Security::None, script)
        .allow_plaintext()
        .sent_plain(&["CAPA", "USER {user}", "PASS {pass}", "STAT", "QUIT"])
        .ends("completed")
        .no_finding()
        .note("crossed the network unencrypted")
}

/// After AUTH PLAIN the server echoes the password, re-encoded on its
/// own: it must not reach any output.
fn echoed_password() -> Case {
    let script = smtp_ehlo(&["AUTH PLAIN"])
        .expect("AUTH PLAIN")
        .line(hostile_support::secrets::fill(
            "535 5.7.8 Authentication failed for {login} ({pass})",
        ))
        .expect("QUIT")
        .line("221 2.0.0 Bye");
    Case::smtp(Security::Tls, script)
        .sent_tls(&["EHLO localhost", "AUTH PLAIN {plain}", "QUIT"])
        .ends("completed")
        .finding(ids::BAD_CREDENTIALS)
}

#[rstest]
#[case::escapes_nul_and_bad_utf8(escapes_nul_and_bad_utf8())]
#[case::escapes_in_a_foreign_greeting(escapes_in_a_foreign_greeting())]
#[case::bare_lf(bare_lf())]
#[case::greeting_2x0(greeting_2x0())]
#[case::reply_999(reply_999())]
#[case::code_421_mid_session(code_421_mid_session())]
#[case::bye_mid_session(bye_mid_session())]
#[case::rst_after_greeting(rst_after_greeting())]
#[case::rst_after_auth(rst_after_auth())]
#[case::injection_in_user_name(injection_in_user_name())]
#[case::plaintext_allowed(plaintext_allowed())]
#[case::echoed_password(echoed_password())]
#[tokio::test]
async fn replies(#[case] case: Case) {
    play(case).await;
}
