//! The greeting fingerprint, whole and cut short.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailfix::account::Protocol;
use mailfix::evidence::GreetingKind;
use mailfix::proto::greeting::{fingerprint, fingerprint_partial, is_tls_record};

fuzz_target!(|data: &[u8]| {
    let kind = fingerprint(data);
    assert_eq!(kind == GreetingKind::Closed, data.is_empty());
    if is_tls_record(data) {
        assert_eq!(kind, GreetingKind::TlsRecord);
    }
    for protocol in [Protocol::Pop3, Protocol::Imap, Protocol::Smtp] {
        let cut = fingerprint_partial(data, protocol);
        // A cut greeting is read more kindly, never differently otherwise.
        assert!(
            cut == kind || kind == GreetingKind::Unrecognised,
            "{cut:?} vs {kind:?}"
        );
    }
});
