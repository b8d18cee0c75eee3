//! The test's DNS server (dnsmasq from Debian, in the server namespace) and a
//! minimal DNS client written here, so the harness can check the records
//! without relying on mailfix's own resolver code.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::netns::{self, in_netns};
use super::template;

pub const TYPE_A: u16 = 1;
pub const TYPE_MX: u16 = 15;
pub const TYPE_SRV: u16 = 33;
pub const RCODE_NXDOMAIN: u8 = 3;

/// The parts of a DNS answer the harness looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub rcode: u8,
    pub answers: u16,
    /// The A records of the answer section.
    pub v4: Vec<Ipv4Addr>,
}

/// Renders `tests/servers/dnsmasq.conf` into `dir` and starts dnsmasq in the
/// foreground inside `server_ns`; returns once it answers.
pub fn start_dnsmasq(
    server_ns: &str,
    dir: &Path,
    vars: &[(&str, String)],
    listen: Ipv4Addr,
) -> Result<Child, String> {
    let conf = dir.join("dnsmasq.conf");
    template::render_to("dnsmasq.conf", vars, &conf)?;
    let out = std::fs::File::create(dir.join("dnsmasq.out")).map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let mut child = netns::exec(server_ns, "dnsmasq")
        .arg("--keep-in-foreground")
        .arg(format!("--conf-file={}", conf.display()))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start dnsmasq: {e}"))?;
    let server = SocketAddr::from((listen, 53));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("dnsmasq exited at start ({status})"));
        }
        let ns = server_ns.to_string();
        let probe = in_netns(&ns, move || query(server, "mailfix-ready.invalid", TYPE_A));
        if matches!(probe, Ok(Ok(_))) {
            return Ok(child);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("dnsmasq did not answer on {server} within 10 s"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Asks `server` for `name`/`qtype` over UDP from the current namespace.
pub fn query(server: SocketAddr, name: &str, qtype: u16) -> io::Result<Answer> {
    let id = (std::process::id() as u16) ^ 0x5a5a;
    let packet = encode_query(id, name, qtype)?;
    let socket = UdpSocket::bind(("0.0.0.0", 0))?;
    // Connected, so a closed port reports ECONNREFUSED at once.
    socket.connect(server)?;
    socket.set_read_timeout(Some(Duration::from_millis(1500)))?;
    socket.send(&packet)?;
    let mut buf = [0u8; 1500];
    loop {
        let len = socket.recv(&mut buf)?;
        if len >= 12 && u16::from_be_bytes([buf[0], buf[1]]) == id {
            return parse_answer(&buf[..len]);
        }
    }
}

fn encode_query(id: u16, name: &str, qtype: u16) -> io::Result<Vec<u8>> {
    let mut p = Vec::with_capacity(64);
    p.extend_from_slice(&id.to_be_bytes());
    p.extend_from_slice(&[0x01, 0x00]); // RD
    p.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]); // 1 question
    for label in name.trim_end_matches('.').split('.') {
        let len = u8::try_from(label.len())
            .ok()
            .filter(|l| (1..64).contains(l))
            .ok_or_else(|| io::Error::other(format!("bad DNS label in {name:?}")))?;
        p.push(len);
        p.extend_from_slice(label.as_bytes());
    }
    p.push(0);
    p.extend_from_slice(&qtype.to_be_bytes());
    p.extend_from_slice(&1u16.to_be_bytes()); // IN
    Ok(p)
}

fn parse_answer(msg: &[u8]) -> io::Result<Answer> {
    let bad = || io::Error::other("malformed DNS answer");
    let rcode = msg[3] & 0x0f;
    let questions = u16::from_be_bytes([msg[4], msg[5]]);
    let answers = u16::from_be_bytes([msg[6], msg[7]]);
    let mut at = 12;
    for _ in 0..questions {
        at = skip_name(msg, at).ok_or_else(bad)? + 4;
    }
    let mut v4 = Vec::new();
    for _ in 0..answers {
        at = skip_name(msg, at).ok_or_else(bad)?;
        let fixed = msg.get(at..at + 10).ok_or_else(bad)?;
        let rtype = u16::from_be_bytes([fixed[0], fixed[1]]);
        let len = usize::from(u16::from_be_bytes([fixed[8], fixed[9]]));
        let data = msg.get(at + 10..at + 10 + len).ok_or_else(bad)?;
        if rtype == TYPE_A && len == 4 {
            v4.push(Ipv4Addr::new(data[0], data[1], data[2], data[3]));
        }
        at += 10 + len;
    }
    Ok(Answer { rcode, answers, v4 })
}

/// The offset just past the (possibly compressed) name at `at`.
fn skip_name(msg: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let len = *msg.get(at)?;
        match len {
            0 => return Some(at + 1),
            l if l & 0xc0 == 0xc0 => return Some(at + 2),
            l => at += 1 + usize::from(l),
        }
    }
}
