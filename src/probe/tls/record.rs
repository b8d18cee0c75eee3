//! A stream wrapper that keeps the first bytes the server sent, so a
//! failed handshake can show what came instead of a ServerHello.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How many leading bytes are kept.
const KEEP: usize = 512;

pub struct Recording<IO> {
    inner: IO,
    first: Vec<u8>,
    on: bool,
}

impl<IO> Recording<IO> {
    pub fn new(inner: IO) -> Self {
        Recording {
            inner,
            first: Vec::new(),
            on: true,
        }
    }

    /// The first bytes read from the server (at most 512).
    pub fn first_bytes(&self) -> &[u8] {
        &self.first
    }

    /// Stop recording and free what was kept (after the handshake).
    pub fn stop(&mut self) {
        self.on = false;
        self.first = Vec::new();
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Recording<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let res = Pin::new(&mut self.inner).poll_read(cx, buf);
        if self.on && self.first.len() < KEEP {
            let new = &buf.filled()[before..];
            let room = KEEP - self.first.len();
            let take = new.len().min(room);
            let copy = new[..take].to_vec();
            self.first.extend_from_slice(&copy);
        }
        res
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Recording<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
