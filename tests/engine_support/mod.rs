//! Loopback fixtures for the engine tests: a tiny DNS responder that
//! encodes its replies with hickory-proto, a greeting server, a port that
//! refuses, and a port that drops (a listener with a full backlog).
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, TcpStream as StdTcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, MX, SRV};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use socket2::{Domain, Socket, Type};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

use mailfix::account::{Account, Protocol, Security, ServerSettings};

/// What the test DNS server says to one question.
#[derive(Debug, Clone)]
pub enum Answer {
    Records(Vec<RData>),
    NxDomain,
    /// NOERROR without records.
    Empty,
    ServFail,
    Refused,
    /// Never answers.
    Silent,
}

pub fn a(ip: &str) -> RData {
    RData::A(A(ip.parse().unwrap()))
}

pub fn aaaa(ip: &str) -> RData {
    RData::AAAA(AAAA(ip.parse().unwrap()))
}

pub fn mx(preference: u16, host: &str) -> RData {
    RData::MX(MX::new(preference, Name::from_ascii(host).unwrap()))
}

pub fn srv(port: u16, host: &str) -> RData {
    RData::SRV(SRV::new(0, 1, port, Name::from_ascii(host).unwrap()))
}

type Zone = HashMap<(String, RecordType), Answer>;

/// A DNS server on 127.0.0.1 (UDP) answering from a table. A name that is
/// in the table with another type gets an empty NOERROR; an unknown name
/// gets NXDOMAIN.
pub struct TestDns {
    pub addr: SocketAddr,
    zone: Arc<Mutex<Zone>>,
    queries: Arc<Mutex<Vec<(String, RecordType)>>>,
    task: JoinHandle<()>,
}

impl Drop for TestDns {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestDns {
    pub async fn start() -> TestDns {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let addr = socket.local_addr().unwrap();
        let zone: Arc<Mutex<Zone>> = Arc::default();
        let queries: Arc<Mutex<Vec<(String, RecordType)>>> = Arc::default();
        let task = tokio::spawn(serve(socket, zone.clone(), queries.clone()));
        TestDns {
            addr,
            zone,
            queries,
            task,
        }
    }

    pub fn set(&self, name: &str, rtype: RecordType, answer: Answer) -> &Self {
        self.zone
            .lock()
            .unwrap()
            .insert((name.to_ascii_lowercase(), rtype), answer);
        self
    }

    /// How often `name` was asked for `rtype`.
    /// `name` has the one IPv4 address `ip`.
    pub fn resolves(&self, name: &str, ip: &str) -> &Self {
        self.set(name, RecordType::A, Answer::Records(vec![a(ip)]))
    }

    pub fn asked(&self, name: &str, rtype: RecordType) -> usize {
        self.queries
            .lock()
            .unwrap()
            .iter()
            .filter(|(n, t)| n == name && *t == rtype)
            .count()
    }
}

async fn serve(
    socket: UdpSocket,
    zone: Arc<Mutex<Zone>>,
    queries: Arc<Mutex<Vec<(String, RecordType)>>>,
) {
    let mut buf = vec![0u8; 4096];
    loop {
        let Ok((len, peer)) = socket.recv_from(&mut buf).await else {
            return;
        };
        let Ok(request) = Message::from_vec(&buf[..len]) else {
            continue;
        };
        let Some(query) = request.queries.first().cloned() else {
            continue;
        };
        let name = query
            .name()
            .to_utf8()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let rtype = query.query_type();
        queries.lock().unwrap().push((name.clone(), rtype));
        let answer = {
            let zone = zone.lock().unwrap();
            match zone.get(&(name.clone(), rtype)) {
                Some(answer) => answer.clone(),
                None if zone.keys().any(|(n, _)| *n == name) => Answer::Empty,
                None => Answer::NxDomain,
            }
        };
        let mut response = Message::new(request.metadata.id, MessageType::Response, OpCode::Query);
        response.metadata.recursion_desired = request.metadata.recursion_desired;
        response.metadata.recursion_available = true;
        response.add_query(query.clone());
        match answer {
            Answer::Silent => continue,
            Answer::NxDomain => response.metadata.response_code = ResponseCode::NXDomain,
            Answer::ServFail => response.metadata.response_code = ResponseCode::ServFail,
            Answer::Refused => response.metadata.response_code = ResponseCode::Refused,
            Answer::Empty => {}
            Answer::Records(records) => {
                for data in records {
                    response.add_answer(Record::from_rdata(query.name().clone(), 60, data));
                }
            }
        }
        if let Ok(bytes) = response.to_vec() {
            let _ = socket.send_to(&bytes, peer).await;
        }
    }
}

/// A server that greets every connection with `greeting` and then holds
/// it open until the client goes.
pub struct Greeter {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Greeter {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn greeter(greeting: &'static str) -> Greeter {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = stream.write_all(greeting.as_bytes()).await;
                let mut sink = [0u8; 256];
                loop {
                    use tokio::io::AsyncReadExt;
                    match stream.read(&mut sink).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                }
            });
        }
    });
    Greeter { addr, task }
}

/// A port that answers SYN with RST: a socket bound but not listening.
pub fn refused_port() -> (Socket, SocketAddr) {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket
        .bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())
        .unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    (socket, addr)
}

/// A port whose SYNs go unanswered: a listener with backlog 0 whose queue
/// is already full and which never accepts.
pub struct Dropper {
    pub addr: SocketAddr,
    _listener: Socket,
    _fillers: Vec<StdTcpStream>,
}

pub fn dropping_port() -> Dropper {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())
        .unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..16 {
        match StdTcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => fillers.push(stream),
            // The queue is full: further SYNs are dropped.
            Err(_) => break,
        }
    }
    Dropper {
        addr,
        _listener: listener,
        _fillers: fillers,
    }
}

pub fn server(protocol: Protocol, host: &str, port: u16, security: Security) -> ServerSettings {
    ServerSettings::new(protocol, host, port, security).with_username("alice@example.org")
}

/// SMTP submission on `host`: port 587 with STARTTLS.
pub fn submission(host: &str) -> ServerSettings {
    server(Protocol::Smtp, host, 587, Security::Starttls)
}

/// alice@example.org with IMAP on `host`:`port` and no outgoing server.
pub fn imap_account(host: &str, port: u16, security: Security) -> Account {
    Account {
        name: "test".into(),
        email: "alice@example.org".into(),
        incoming: Some(server(Protocol::Imap, host, port, security)),
        outgoing: None,
        store: None,
    }
}

/// alice@example.org with SMTP on `host`:`port` and no incoming server.
pub fn smtp_account(host: &str, port: u16, security: Security) -> Account {
    Account {
        incoming: None,
        outgoing: Some(server(Protocol::Smtp, host, port, security)),
        ..imap_account(host, port, security)
    }
}

/// Logical addresses (what the test DNS hands out) routed onto the test's
/// loopback listeners through `Network::Simulated`; everything unrouted
/// goes to a refusing port, so nothing ever leaves loopback.
pub struct World {
    pub dns: TestDns,
    routes: HashMap<SocketAddr, SocketAddr>,
    fallback: SocketAddr,
    keep: Vec<Box<dyn std::any::Any + Send>>,
}

impl World {
    pub async fn new() -> World {
        let (socket, fallback) = refused_port();
        World {
            dns: TestDns::start().await,
            routes: HashMap::new(),
            fallback,
            keep: vec![Box::new(socket)],
        }
    }

    pub async fn answering(&mut self, logical: &str, greeting: &'static str) -> &mut Self {
        let server = greeter(greeting).await;
        self.routes.insert(logical.parse().unwrap(), server.addr);
        self.keep.push(Box::new(server));
        self
    }

    pub fn refusing(&mut self, logical: &str) -> &mut Self {
        let (socket, addr) = refused_port();
        self.routes.insert(logical.parse().unwrap(), addr);
        self.keep.push(Box::new(socket));
        self
    }

    pub fn dropping(&mut self, logical: &str) -> &mut Self {
        let dropper = dropping_port();
        self.routes.insert(logical.parse().unwrap(), dropper.addr);
        self.keep.push(Box::new(dropper));
        self
    }

    pub fn simulation(&self) -> mailfix::probe::world::SimulatedNetwork {
        mailfix::probe::world::SimulatedNetwork {
            routes: self.routes.clone(),
            fallback: Some(self.fallback),
            ..Default::default()
        }
    }

    pub fn options(&self) -> mailfix::probe::ProbeOptions {
        self.options_with(self.simulation())
    }

    pub fn options_with(
        &self,
        sim: mailfix::probe::world::SimulatedNetwork,
    ) -> mailfix::probe::ProbeOptions {
        mailfix::probe::ProbeOptions {
            dns_server: Some(self.dns.addr),
            network: mailfix::probe::Network::Simulated(Arc::new(sim)),
            ..Default::default()
        }
    }
}

/// Run `plan` to the end, with a generous bound derived from its deadline,
/// and collect every event.
pub async fn run_plan(
    plan: mailfix::plan::Plan,
    options: mailfix::probe::ProbeOptions,
    run: u64,
) -> (mailfix::evidence::Report, Vec<mailfix::event::Event>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let bound = plan.limits.deadline + Duration::from_secs(3);
    let report = tokio::time::timeout(
        bound,
        mailfix::probe::run(
            plan,
            options,
            mailfix::event::RunId(run),
            tx,
            tokio_util::sync::CancellationToken::new(),
        ),
    )
    .await
    .expect("the run must end by its deadline");
    let mut events = Vec::new();
    while let Ok(event) = rx.try_recv() {
        events.push(event);
    }
    (report, events)
}

pub fn limits(timeout_ms: u64) -> mailfix::plan::Limits {
    mailfix::plan::Limits::from_timeout(Duration::from_millis(timeout_ms))
}
