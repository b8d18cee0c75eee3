//! The lab starts quickly with every sample, stays on loopback, and its
//! samples are wired as documented.

mod lab_util;

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use lab_util::simulation;
use mailfix::account::PasswordSource;
use mailfix::catalogue::{CAUSES, Category};
use mailfix::lab::{Lab, PASSWORD_MARKER};

#[tokio::test]
async fn the_lab_starts_with_a_sample_for_every_cause() {
    let started = Instant::now();
    let lab = Lab::start().await.unwrap();
    // A figure for people, not an assertion.
    eprintln!(
        "lab started in {:.1} ms: {} samples, {} hosts, {} listeners",
        started.elapsed().as_secs_f64() * 1000.0,
        lab.samples().len(),
        lab.hosts().len(),
        lab.servers().len()
    );

    let names: HashSet<&str> = lab
        .samples()
        .iter()
        .map(|s| s.account.name.as_str())
        .collect();
    assert_eq!(names.len(), lab.samples().len(), "sample names are unique");
    for name in &names {
        assert!(
            name.len() <= 16
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{name}"
        );
    }
    assert!(lab.sample("healthy").unwrap().shows.is_none());
    assert_eq!(
        lab.samples().iter().filter(|s| s.shows.is_none()).count(),
        1
    );

    let shown: HashSet<_> = lab.samples().iter().filter_map(|s| s.shows).collect();
    for cause in CAUSES {
        assert!(shown.contains(&cause.id), "no sample shows {}", cause.id);
    }
    for category in Category::ALL {
        assert!(category.causes().count() > 0);
    }
    for sample in lab.samples() {
        assert!(!sample.description.is_empty() && sample.description.ends_with('.'));
    }
}

/// Checked when this file is built: it does not compile unless they are.
#[test]
fn the_lab_can_be_shared_between_tasks() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Lab>();
    shareable::<mailfix::lab::Sample>();
}

#[tokio::test]
async fn the_healthy_sample_checks_everything() {
    let lab = Lab::start().await.unwrap();
    let healthy = &lab.sample("healthy").unwrap().account;
    assert!(healthy.incoming.is_some() && healthy.outgoing.is_some() && healthy.store.is_some());
    let store = healthy.store.as_ref().unwrap();
    for sub in ["cur", "new", "tmp"] {
        assert!(store.path.join(sub).is_dir());
    }
}

#[tokio::test]
async fn every_sample_is_wired_to_the_lab() {
    let lab = Lab::start().await.unwrap();
    let real: HashSet<SocketAddr> = lab.bound().iter().map(|b| b.addr).collect();
    for sample in lab.samples() {
        let name = &sample.account.name;
        let o = &sample.options;
        assert_eq!(o.dns_server, Some(lab.dns_addr()), "{name}");
        assert_eq!(o.extra_roots, [lab.ca()], "{name}");
        assert!(o.state_dir.is_none(), "{name}: no pins in the lab");
        let sim = simulation(&o.network);
        let fallback = sim.fallback.expect("fallback");
        assert!(
            fallback == lab.refusing_addr() || fallback == lab.dropping_addr(),
            "{name}"
        );
        for (logical, target) in &sim.routes {
            assert!(logical.ip().is_loopback(), "{name}: {logical}");
            assert!(
                real.contains(target),
                "{name}: {logical} -> {target} is not a lab socket"
            );
        }
        let local = (
            sim.local_start.as_ref().unwrap(),
            sim.local_end.as_ref().unwrap(),
        );
        assert!(local.0.simulated && local.1.simulated, "{name}");
        for server in [&sample.account.incoming, &sample.account.outgoing]
            .into_iter()
            .flatten()
        {
            let PasswordSource::Literal(pw) = &server.password else {
                panic!("{name}: literal password expected");
            };
            assert!(pw.expose().contains(PASSWORD_MARKER), "{name}");
            assert!(
                mailfix::lab::zone::is_reserved_name(&server.host),
                "{name}: {}",
                server.host
            );
        }
    }
}

/// Sockets of this process (by inode, from /proc/self/fd) in one of the
/// kernel's tables, with their local addresses.
fn own_sockets(table: &str, v6: bool) -> Vec<(SocketAddr, String)> {
    let inodes: HashSet<String> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter_map(|l| {
            let l = l.to_string_lossy().into_owned();
            l.strip_prefix("socket:[")?
                .strip_suffix(']')
                .map(str::to_owned)
        })
        .collect();
    let text = std::fs::read_to_string(format!("/proc/self/net/{table}")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let inode = f.get(9)?.to_string();
            if !inodes.contains(&inode) {
                return None;
            }
            let (ip_hex, port_hex) = f.get(1)?.split_once(':')?;
            let port = u16::from_str_radix(port_hex, 16).ok()?;
            let ip = if v6 {
                let bytes: Vec<u8> = (0..16)
                    .map(|i| u8::from_str_radix(&ip_hex[i * 2..i * 2 + 2], 16).unwrap_or(0))
                    .collect();
                // The kernel prints IPv6 as four host-order 32-bit words.
                let mut octets = [0u8; 16];
                for w in 0..4 {
                    for b in 0..4 {
                        octets[w * 4 + b] = bytes[w * 4 + 3 - b];
                    }
                }
                IpAddr::from(octets)
            } else {
                IpAddr::V4(Ipv4Addr::from(
                    u32::from_str_radix(ip_hex, 16).ok()?.swap_bytes(),
                ))
            };
            Some((SocketAddr::new(ip, port), f.get(3)?.to_string()))
        })
        .collect()
}

#[tokio::test]
async fn nothing_of_the_lab_listens_beyond_127_0_0_1() {
    let lab = Lab::start().await.unwrap();
    for b in lab.bound() {
        assert_eq!(b.addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST), "{b:?}");
    }
    if !std::path::Path::new("/proc/self/net/tcp").exists() {
        eprintln!("no /proc: the kernel-side check is skipped");
        return;
    }
    // The kernel's own view: every listening TCP socket (state 0A) and
    // every UDP socket of this process is bound to 127.0.0.1.
    let mut listening = 0;
    for (table, v6) in [
        ("tcp", false),
        ("tcp6", true),
        ("udp", false),
        ("udp6", true),
    ] {
        for (addr, state) in own_sockets(table, v6) {
            let is_listener = table.starts_with("udp") || state == "0A";
            if is_listener {
                listening += 1;
                assert_eq!(addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST), "{table} {addr}");
            }
        }
    }
    assert!(
        listening >= lab.bound().len() - 1,
        "the kernel shows the lab's sockets ({listening})"
    );
}
