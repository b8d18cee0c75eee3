//! Low-level server scripts for hostile and broken servers: send exact
//! bytes, expect a line, pause, drip, flood, start TLS, close with or
//! without close_notify, reset, go silent, or hand over to a realistic
//! [`Persona`] half-way. `{tag}` in a `Line`/`Text` step becomes the first
//! word of the last line the client sent (its IMAP tag).

use std::time::Duration;

use tokio_rustls::TlsAcceptor;

use super::conn::{Conn, End, HOLD_MAX};
use super::dialogue::{self, with_tag};
use super::persona::Persona;
use super::record::Violation;

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Write these bytes exactly.
    Send(Vec<u8>),
    /// Write this text and CRLF in one write (`{tag}` substituted).
    Line(String),
    /// Write this text as it is, without CRLF (`{tag}` substituted): for
    /// pipelined replies and partial lines.
    Text(String),
    /// Read one line; it must start with this text (ASCII case ignored;
    /// empty matches anything). A mismatch is recorded as a violation and
    /// ends the script.
    Expect(String),
    /// Read one TLS record (a ClientHello) without answering it.
    ReadTlsRecord,
    /// If the client's next bytes start a TLS record (it speaks TLS where
    /// the script speaks plain text), read that record and close; else go
    /// on. Lets one listener serve a TLS client and a plain-text one.
    EndIfTls,
    Sleep(Duration),
    /// Write these bytes one at a time, pausing between them.
    Drip {
        bytes: Vec<u8>,
        every: Duration,
    },
    /// Write these bytes again and again until the client goes away or
    /// `max_bytes` went out (only the first copy is recorded).
    Repeat {
        bytes: Vec<u8>,
        max_bytes: usize,
    },
    /// Run the TLS handshake as the server, with the listener's
    /// certificate.
    StartTls,
    /// TLS close_notify (when in TLS), then FIN. Ends the script.
    Close,
    /// FIN without TLS close_notify. Ends the script.
    CloseAbruptly,
    /// RST. Ends the script.
    Reset,
    /// Answer nothing more; wait until the client closes. Ends the script.
    Hold,
    /// Go on as this persona would after its greeting. Ends the script.
    Serve(Box<Persona>),
}

/// A list of steps; a script that runs out of steps closes politely.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Script {
    pub steps: Vec<Step>,
}

impl Script {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    pub fn send(self, bytes: impl Into<Vec<u8>>) -> Self {
        self.step(Step::Send(bytes.into()))
    }

    pub fn line(self, line: impl Into<String>) -> Self {
        self.step(Step::Line(line.into()))
    }

    pub fn text(self, text: impl Into<String>) -> Self {
        self.step(Step::Text(text.into()))
    }

    pub fn expect(self, prefix: impl Into<String>) -> Self {
        self.step(Step::Expect(prefix.into()))
    }

    pub fn sleep(self, d: Duration) -> Self {
        self.step(Step::Sleep(d))
    }

    pub fn start_tls(self) -> Self {
        self.step(Step::StartTls)
    }

    pub fn serve(self, persona: Persona) -> Self {
        self.step(Step::Serve(Box::new(persona)))
    }
}

/// A TLS 1.0 ServerHello (TLS_RSA_WITH_AES_128_CBC_SHA, no extensions):
/// what a server that speaks nothing newer answers to any ClientHello.
pub fn tls10_server_hello() -> Vec<u8> {
    let mut body = vec![0x03, 0x01];
    body.extend((0u8..32).map(|i| i.wrapping_mul(7).wrapping_add(1)));
    body.extend([0x00, 0x00, 0x2f, 0x00]);
    let mut handshake = vec![0x02, 0x00, 0x00, body.len() as u8];
    handshake.extend(body);
    let mut record = vec![0x16, 0x03, 0x01, 0x00, handshake.len() as u8];
    record.extend(handshake);
    record
}

fn tag_of(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    text.split(' ').next().unwrap_or_default().to_owned()
}

pub(crate) async fn run(script: &Script, mut conn: Conn, acceptor: Option<&TlsAcceptor>) {
    let mut tag = String::new();
    for (i, step) in script.steps.iter().enumerate() {
        let result: Result<(), End> = match step {
            Step::Send(bytes) => conn.send(bytes).await,
            Step::Line(line) => conn.send_line(&with_tag(line, &tag)).await,
            Step::Text(text) => conn.send(with_tag(text, &tag).as_bytes()).await,
            Step::Expect(prefix) => match conn.read_line().await {
                Ok(line) => {
                    tag = tag_of(&line);
                    let ok = line.len() >= prefix.len()
                        && line[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes());
                    if !ok {
                        conn.log().violation(Violation::Unexpected {
                            step: i,
                            expected: prefix.clone(),
                            got: String::from_utf8_lossy(&line).into_owned(),
                        });
                        conn.close().await;
                        return;
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            },
            Step::ReadTlsRecord => conn.read_tls_record().await.map(drop),
            Step::EndIfTls => match conn.peek(2).await {
                Ok(&[0x16, 0x03]) => {
                    let _ = conn.read_tls_record().await;
                    conn.log()
                        .end(&format!("TLS where plain text was due, at step {i}"));
                    return conn.close().await;
                }
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            },
            Step::Sleep(d) => {
                tokio::time::sleep(*d).await;
                Ok(())
            }
            Step::Drip { bytes, every } => {
                let saved = conn.drip.replace(*every);
                let r = conn.send(bytes).await;
                conn.drip = saved;
                r
            }
            Step::Repeat { bytes, max_bytes } => repeat(&mut conn, bytes, *max_bytes).await,
            Step::StartTls => match acceptor {
                Some(a) => conn.start_tls(a).await,
                None => Err(End::Tls("the listener has no certificate".into())),
            },
            Step::Close => return conn.close().await,
            Step::CloseAbruptly => return conn.close_abruptly().await,
            Step::Reset => return conn.reset(),
            Step::Hold => return conn.hold(HOLD_MAX).await,
            Step::Serve(p) => return dialogue::serve(p, conn, acceptor, false).await,
        };
        if let Err(end) = result {
            conn.log().end(&format!("{} at step {i}", end.as_str()));
            return;
        }
    }
    conn.close().await;
}

async fn repeat(conn: &mut Conn, bytes: &[u8], max_bytes: usize) -> Result<(), End> {
    if bytes.is_empty() {
        return Ok(());
    }
    conn.send(bytes).await?;
    conn.quiet = true;
    let mut sent = bytes.len();
    let mut result = Ok(());
    while sent < max_bytes {
        if let Err(e) = conn.send(bytes).await {
            result = Err(e);
            break;
        }
        sent += bytes.len();
    }
    conn.quiet = false;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls10_hello_is_well_formed() {
        let hello = tls10_server_hello();
        assert_eq!(&hello[..3], &[0x16, 0x03, 0x01]);
        let len = u16::from_be_bytes([hello[3], hello[4]]) as usize;
        assert_eq!(hello.len(), 5 + len);
        assert_eq!(hello[5], 0x02, "ServerHello");
        assert_eq!(&hello[9..11], &[0x03, 0x01], "TLS 1.0");
    }

    #[test]
    fn tags_come_from_the_first_word() {
        assert_eq!(tag_of(b"a7 STARTTLS"), "a7");
        assert_eq!(tag_of(b""), "");
    }
}
