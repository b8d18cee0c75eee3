//! The dialogue state machines (POP3, IMAP, SMTP; plain, STARTTLS, TLS;
//! every auth setting) fed a random server byte stream split at random
//! points. Invariants: no panic, no hang (paused clock, bounded waits),
//! bounded output, no credential on an unverified connection, at most
//! one login per mechanism, never DATA, nothing raw in the transcript.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mailfix_fuzz::run_case(data);
});
