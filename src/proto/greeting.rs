//! What the first bytes a server sends say about it.

use crate::evidence::GreetingKind;

/// Fingerprint the first line (or first bytes) a server sent. An empty
/// input is [`GreetingKind::Closed`]; silence is for the caller to tell.
pub fn fingerprint(first: &[u8]) -> GreetingKind {
    if first.is_empty() {
        return GreetingKind::Closed;
    }
    if is_tls_record(first) {
        return GreetingKind::TlsRecord;
    }
    let upper: Vec<u8> = first.iter().take(12).map(u8::to_ascii_uppercase).collect();
    let starts = |word: &[u8]| {
        upper.starts_with(word)
            && upper
                .get(word.len())
                .is_none_or(|b| !b.is_ascii_alphanumeric())
    };
    if starts(b"+OK") {
        GreetingKind::Pop3
    } else if starts(b"-ERR") {
        GreetingKind::Pop3Refused
    } else if starts(b"* OK") {
        GreetingKind::Imap
    } else if starts(b"* PREAUTH") {
        GreetingKind::ImapPreauth
    } else if starts(b"* BYE") {
        GreetingKind::ImapBye
    } else {
        smtp_kind(first)
    }
}

/// A TLS record header: handshake (0x16) or alert (0x15), then major
/// version 3. One byte 0x16/0x15 alone is enough: no text greeting starts
/// with it.
pub fn is_tls_record(bytes: &[u8]) -> bool {
    matches!(bytes, [0x16 | 0x15] | [0x16 | 0x15, 0x03, ..])
}

fn smtp_kind(line: &[u8]) -> GreetingKind {
    match line {
        [a, b, c, rest @ ..]
            if a.is_ascii_digit()
                && b.is_ascii_digit()
                && c.is_ascii_digit()
                && matches!(rest.first(), None | Some(b' ' | b'-' | b'\r' | b'\n')) =>
        {
            match (a, b, c) {
                (b'2', b'2', b'0') => GreetingKind::Smtp,
                (b'1'..=b'5', _, _) => GreetingKind::SmtpRefused,
                _ => GreetingKind::Unrecognised,
            }
        }
        _ => GreetingKind::Unrecognised,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GreetingKind::*;
    use rstest::rstest;

    #[rstest]
    #[case(b"+OK Dovecot (Debian) ready.", Pop3)]
    #[case(b"+OK", Pop3)]
    #[case(b"+ok hello", Pop3)]
    #[case(b"-ERR [SYS/TEMP] Too many connections", Pop3Refused)]
    #[case(b"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Debian) ready.", Imap)]
    #[case(b"* OK Gimap ready for requests from 192.0.2.1 h5mb12345", Imap)]
    #[case(b"* OK The Microsoft Exchange IMAP4 service is ready. [TQBOADIAUABSADAAMQBDAEEAMAAwADEAMwAuAGUAdQByAA==]", Imap)]
    #[case(b"* OK [CAPABILITY IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE ACL ACL2=UNION STARTTLS] Courier-IMAP ready. Copyright 1998-2018 Double Precision, Inc.  See COPYING for distribution information.", Imap)]
    #[case(b"* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE STARTTLS AUTH=PLAIN SASL-IR] mail.example.org Cyrus IMAP 3.6.1 server ready", Imap)]
    #[case(b"+OK Hello there.", Pop3)]
    #[case(
        b"220 mx.example.net ESMTP Exim 4.96 Mon, 01 Jan 2024 00:00:00 +0000",
        Smtp
    )]
    #[case(b"220 AM0PR02CA0001.outlook.office365.com Microsoft ESMTP MAIL Service ready at Mon, 1 Jan 2024 00:00:00 +0000", Smtp)]
    #[case(b"* PREAUTH IMAP4rev1 server logged in as alice", ImapPreauth)]
    #[case(b"* BYE Too many connections from your IP", ImapBye)]
    #[case(b"220 mail.example.org ESMTP Postfix (Debian/GNU)", Smtp)]
    #[case(b"220-smtp.gmail.com ESMTP", Smtp)]
    #[case(b"220 smtp.gmail.com ESMTP a640c23a62f3a-abc.12 - gsmtp", Smtp)]
    #[case(
        b"554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: Access denied",
        SmtpRefused
    )]
    #[case(b"421 4.3.2 Service shutting down", SmtpRefused)]
    #[case(b"999 what", Unrecognised)]
    #[case(b"2x0 broken", Unrecognised)]
    #[case(b"220text", Unrecognised)]
    #[case(b"\x16\x03\x03\x00\x5a\x02", TlsRecord)]
    #[case(b"\x15\x03\x01\x00\x02\x02\x46", TlsRecord)]
    #[case(b"\x16", TlsRecord)]
    #[case(b"HTTP/1.1 400 Bad Request", Unrecognised)]
    #[case(b"SSH-2.0-OpenSSH_9.2p1 Debian-2", Unrecognised)]
    #[case(b"\x00\xff garbage", Unrecognised)]
    #[case(b"+OKAY", Unrecognised)]
    #[case(b"", Closed)]
    fn fingerprints(#[case] line: &[u8], #[case] kind: GreetingKind) {
        assert_eq!(fingerprint(line), kind);
    }
}
