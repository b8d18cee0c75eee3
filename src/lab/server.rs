//! Lab listeners: a TCP listener on 127.0.0.1 (port chosen by the OS) that
//! runs a [`Persona`] or a [`Script`] on every connection, optionally in
//! implicit TLS, optionally lossy (a fixed, repeating pattern of resets,
//! stalls and delays), and records everything it sees.

use std::net::{Ipv4Addr, SocketAddr};
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use super::LabError;
use super::conn::{Conn, HOLD_MAX};
use super::dialogue;
use super::persona::Persona;
use super::record::Recorder;
use super::script::{self, Script};

/// What a listener does with a connection it serves.
#[derive(Debug, Clone, PartialEq)]
pub enum Behaviour {
    Persona(Persona),
    Script(Script),
}

/// What happens to one accepted connection of a lossy listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Serve,
    /// RST right after the accept.
    Reset,
    /// Accept, then say nothing.
    Stall,
    /// Accept, then close without a word.
    Close,
    /// Wait, then serve.
    Delay(Duration),
}

/// Everything needed to start one listener.
#[derive(Debug, Clone)]
pub struct ListenerSpec {
    /// For logs and lookups: "mail.example.org:993".
    pub name: String,
    pub behaviour: Behaviour,
    /// The certificate for implicit TLS, STARTTLS or a script's `StartTls`.
    pub tls: Option<Arc<ServerConfig>>,
    /// TLS from the first byte.
    pub implicit_tls: bool,
    /// The fates of successive connections, repeated; empty means serve
    /// every one.
    pub fates: Vec<Fate>,
}

impl ListenerSpec {
    pub fn new(name: impl Into<String>, behaviour: Behaviour) -> Self {
        ListenerSpec {
            name: name.into(),
            behaviour,
            tls: None,
            implicit_tls: false,
            fates: Vec::new(),
        }
    }

    pub fn persona(name: impl Into<String>, persona: Persona) -> Self {
        Self::new(name, Behaviour::Persona(persona))
    }

    pub fn script(name: impl Into<String>, script: Script) -> Self {
        Self::new(name, Behaviour::Script(script))
    }

    /// Offer this certificate (STARTTLS, or a script's `StartTls`).
    pub fn with_tls(mut self, config: Arc<ServerConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// Speak TLS from the first byte with this certificate.
    pub fn implicit_tls(mut self, config: Arc<ServerConfig>) -> Self {
        self.tls = Some(config);
        self.implicit_tls = true;
        self
    }

    pub fn lossy(mut self, fates: Vec<Fate>) -> Self {
        self.fates = fates;
        self
    }

    fn fate(&self, index: usize) -> Fate {
        if self.fates.is_empty() {
            Fate::Serve
        } else {
            self.fates[index % self.fates.len()]
        }
    }
}

/// Where a listener is and what it saw.
#[derive(Debug, Clone)]
pub struct ServerHandle {
    pub name: String,
    /// The real address (127.0.0.1 and an OS-chosen port).
    pub addr: SocketAddr,
    pub log: Recorder,
}

/// A running listener; it stops (with all its connections) when dropped.
#[derive(Debug)]
pub struct RunningServer {
    handle: ServerHandle,
    task: JoinHandle<()>,
}

impl Deref for RunningServer {
    type Target = ServerHandle;
    fn deref(&self) -> &ServerHandle {
        &self.handle
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Bind 127.0.0.1:0 and serve `spec` there until dropped.
pub async fn spawn(spec: ListenerSpec) -> Result<RunningServer, LabError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(|source| LabError::Bind {
            what: spec.name.clone(),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| LabError::Bind {
        what: spec.name.clone(),
        source,
    })?;
    let handle = ServerHandle {
        name: spec.name.clone(),
        addr,
        log: Recorder::new(),
    };
    let task = tokio::spawn(accept_loop(listener, Arc::new(spec), handle.log.clone()));
    Ok(RunningServer { handle, task })
}

async fn accept_loop(listener: TcpListener, spec: Arc<ListenerSpec>, log: Recorder) {
    // Connections live in this set, so aborting the loop ends them too.
    let mut conns = JoinSet::new();
    let mut index = 0usize;
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let fate = spec.fate(index);
                    let record = log.open(index, Some(peer));
                    index += 1;
                    let _ = stream.set_nodelay(true);
                    let conn = Conn::new(stream, record);
                    conns.spawn(handle(conn, fate, spec.clone()));
                }
                // Out of file descriptors and the like: breathe, go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

async fn handle(mut conn: Conn, fate: Fate, spec: Arc<ListenerSpec>) {
    match fate {
        Fate::Serve => {}
        Fate::Reset => return conn.reset(),
        Fate::Stall => return conn.hold(HOLD_MAX).await,
        Fate::Close => return conn.close().await,
        Fate::Delay(d) => tokio::time::sleep(d).await,
    }
    let acceptor = spec.tls.clone().map(TlsAcceptor::from);
    if spec.implicit_tls {
        let Some(a) = &acceptor else {
            conn.log().end("implicit TLS without a certificate");
            return;
        };
        if let Err(end) = conn.start_tls(a).await {
            conn.log().end(&end.as_str());
            return;
        }
    }
    match &spec.behaviour {
        Behaviour::Persona(p) => dialogue::serve(p, conn, acceptor.as_ref(), true).await,
        Behaviour::Script(s) => script::run(s, conn, acceptor.as_ref()).await,
    }
}
