//! SASL challenges from the server: base64 decoding and every
//! mechanism's answer, for any challenge at any step.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailfix::probe::sasl::{Mechanism, SaslClient, decode, encode};
use mailfix::secret::Secret;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, challenge)) = data.split_first() else {
        return;
    };
    let secret = Secret::new("Fuzz-s3cr3t-7Qk2");
    let mechanism = [
        Mechanism::Plain,
        Mechanism::Login,
        Mechanism::CramMd5,
        Mechanism::Xoauth2,
    ][usize::from(pick % 4)];
    let mut client = SaslClient::new(mechanism, "alice@fuzz.test", &secret);
    let _ = client.initial_response();
    let decoded = decode(challenge);
    if let Ok(bytes) = &decoded {
        // Decoding what we encode gives it back.
        assert_eq!(decode(&encode(bytes)).as_deref(), Ok(bytes.as_slice()));
    }
    if let Ok(bytes) = &decoded {
        for _ in 0..3 {
            if client.respond(bytes, pick & 0x80 != 0).is_err() {
                break;
            }
        }
    }
});
