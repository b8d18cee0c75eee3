//! The local network as the OS shows it: interfaces (Linux:
//! `/sys/class/net` and `getifaddrs`), default routes (`/proc/net/route`,
//! `/proc/net/ipv6_route`) and proxy variables from the environment.
//! Elsewhere the routes are `None` ("could not tell").
//!
//! Only reads; nothing is sent anywhere.

use std::net::IpAddr;

use super::world::Network;
use crate::evidence::{LocalNet, ProxyVar};

/// When in the run the snapshot is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Start,
    End,
}

/// The local network now; the simulation's when the demo lab supplies one.
pub fn read(network: &Network, when: When) -> LocalNet {
    if let Some(sim) = network.simulated() {
        // The end snapshot defaults to the start one: nothing changed.
        let supplied = match when {
            When::Start => sim.local_start.as_ref(),
            When::End => sim.local_end.as_ref().or(sim.local_start.as_ref()),
        };
        if let Some(net) = supplied {
            return net.clone();
        }
    }
    read_system()
}

fn read_system() -> LocalNet {
    LocalNet {
        interfaces: os::interfaces(),
        default_route_v4: os::default_route_v4(),
        default_route_v6: os::default_route_v6(),
        proxies: proxies_from(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        ),
        simulated: false,
    }
}

/// Proxy variables that can send mail traffic elsewhere (HTTP CONNECT and
/// SOCKS proxies), in either case.
const PROXY_VARS: &[&str] = &[
    "all_proxy",
    "http_proxy",
    "https_proxy",
    "socks_proxy",
    "socks5_proxy",
    "socks_server",
    "socks5_server",
];

/// The proxy settings among `vars`, credentials removed, sorted by name.
pub fn proxies_from(vars: impl IntoIterator<Item = (String, String)>) -> Vec<ProxyVar> {
    let mut out: Vec<ProxyVar> = vars
        .into_iter()
        .filter(|(name, value)| {
            PROXY_VARS.contains(&name.to_ascii_lowercase().as_str()) && !value.trim().is_empty()
        })
        .map(|(name, value)| ProxyVar {
            name,
            value: strip_credentials(value.trim()),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// `http://user:pw@proxy:3128` → `http://proxy:3128`.
pub fn strip_credentials(value: &str) -> String {
    let (scheme, rest) = match value.find("://") {
        Some(i) => value.split_at(i + 3),
        None => ("", value),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}{}", &rest[at + 1..]),
        None => value.to_owned(),
    }
}

/// `/sys/class/net/*/flags` holds e.g. `0x1003`.
pub fn parse_flags(text: &str) -> Option<u32> {
    u32::from_str_radix(text.trim().trim_start_matches("0x"), 16).ok()
}

pub const IFF_UP: u32 = 0x1;
pub const IFF_LOOPBACK: u32 = 0x8;

/// `/sys/class/net/*/carrier`: `1` or `0`; unreadable when down.
pub fn parse_carrier(text: &str) -> Option<bool> {
    match text.trim() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

/// Is there a usable IPv4 default route in `/proc/net/route`?
pub fn has_default_route_v4(table: &str) -> bool {
    const RTF_UP: u32 = 0x1;
    table.lines().skip(1).any(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        f.len() >= 8
            && f[1] == "00000000"
            && f[7] == "00000000"
            && u32::from_str_radix(f[3], 16).is_ok_and(|flags| flags & RTF_UP != 0)
    })
}

/// Is there a usable IPv6 default route in `/proc/net/ipv6_route`? The
/// kernel's own "unreachable" default on `lo` does not count.
pub fn has_default_route_v6(table: &str) -> bool {
    const RTF_UP: u32 = 0x1;
    const RTF_REJECT: u32 = 0x200;
    table.lines().any(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        f.len() >= 10
            && f[0].bytes().all(|b| b == b'0')
            && f[1] == "00"
            && u32::from_str_radix(f[8], 16)
                .is_ok_and(|flags| flags & RTF_UP != 0 && flags & RTF_REJECT == 0)
    })
}

#[cfg(target_os = "linux")]
mod os {
    use super::*;
    use crate::evidence::Interface;
    use std::collections::HashMap;
    use std::fs;

    pub fn interfaces() -> Vec<Interface> {
        let Ok(dir) = fs::read_dir("/sys/class/net") else {
            return Vec::new();
        };
        let mut addrs = addresses();
        let mut out: Vec<Interface> = dir
            .filter_map(Result::ok)
            .map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                let path = entry.path();
                let flags = fs::read_to_string(path.join("flags"))
                    .ok()
                    .and_then(|t| parse_flags(&t))
                    .unwrap_or(0);
                let carrier = fs::read_to_string(path.join("carrier"))
                    .ok()
                    .and_then(|t| parse_carrier(&t));
                Interface {
                    addrs: addrs.remove(&name).unwrap_or_default(),
                    name,
                    up: flags & IFF_UP != 0,
                    carrier,
                    loopback: flags & IFF_LOOPBACK != 0,
                }
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    pub fn default_route_v4() -> Option<bool> {
        fs::read_to_string("/proc/net/route")
            .ok()
            .map(|t| has_default_route_v4(&t))
    }

    pub fn default_route_v6() -> Option<bool> {
        match fs::read_to_string("/proc/net/ipv6_route") {
            Ok(t) => Some(has_default_route_v6(&t)),
            // IPv6 disabled in the kernel: certainly no IPv6 route.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(false),
            Err(_) => None,
        }
    }

    /// Addresses per interface name, from `getifaddrs(3)`.
    fn addresses() -> HashMap<String, Vec<IpAddr>> {
        use std::ffi::CStr;
        use std::net::{Ipv4Addr, Ipv6Addr};

        let mut out: HashMap<String, Vec<IpAddr>> = HashMap::new();
        let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
        // SAFETY: getifaddrs fills `head` with a list we free below.
        if unsafe { libc::getifaddrs(&mut head) } != 0 {
            return out;
        }
        let mut cur = head;
        while !cur.is_null() {
            // SAFETY: `cur` is a node of the list getifaddrs returned.
            let ifa = unsafe { &*cur };
            cur = ifa.ifa_next;
            if ifa.ifa_addr.is_null() || ifa.ifa_name.is_null() {
                continue;
            }
            // SAFETY: non-null pointers into the list, valid until freeifaddrs;
            // the address is read as the type its family names.
            let ip = unsafe {
                match i32::from((*ifa.ifa_addr).sa_family) {
                    libc::AF_INET => {
                        let sin = &*(ifa.ifa_addr as *const libc::sockaddr_in);
                        Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                            sin.sin_addr.s_addr,
                        ))))
                    }
                    libc::AF_INET6 => {
                        let sin6 = &*(ifa.ifa_addr as *const libc::sockaddr_in6);
                        Some(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)))
                    }
                    _ => None,
                }
            };
            if let Some(ip) = ip {
                // SAFETY: ifa_name is a NUL-terminated string in the list.
                let name = unsafe { CStr::from_ptr(ifa.ifa_name) }
                    .to_string_lossy()
                    .into_owned();
                out.entry(name).or_default().push(ip);
            }
        }
        // SAFETY: `head` came from getifaddrs and is freed once.
        unsafe { libc::freeifaddrs(head) };
        out
    }
}

#[cfg(not(target_os = "linux"))]
mod os {
    use crate::evidence::Interface;

    pub fn interfaces() -> Vec<Interface> {
        Vec::new()
    }
    pub fn default_route_v4() -> Option<bool> {
        None
    }
    pub fn default_route_v6() -> Option<bool> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const ROUTE_WITH_DEFAULT: &str = "\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
";

    const ROUTE_LAN_ONLY: &str = "\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
";

    const V6_WITH_DEFAULT: &str = "\
fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0
00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
";

    const V6_UNREACHABLE_ONLY: &str = "\
00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
";

    #[rstest]
    #[case::default(ROUTE_WITH_DEFAULT, true)]
    #[case::lan_only(ROUTE_LAN_ONLY, false)]
    #[case::empty("Iface\tDestination\n", false)]
    fn v4_default_route(#[case] table: &str, #[case] expected: bool) {
        assert_eq!(has_default_route_v4(table), expected);
    }

    #[rstest]
    #[case::default(V6_WITH_DEFAULT, true)]
    #[case::kernel_reject_route_only(V6_UNREACHABLE_ONLY, false)]
    #[case::empty("", false)]
    fn v6_default_route(#[case] table: &str, #[case] expected: bool) {
        assert_eq!(has_default_route_v6(table), expected);
    }

    #[rstest]
    #[case::eth_up("0x1003\n", Some(0x1003))]
    #[case::down("0x1002", Some(0x1002))]
    #[case::garbage("up", None)]
    fn flags(#[case] text: &str, #[case] expected: Option<u32>) {
        assert_eq!(parse_flags(text), expected);
    }

    #[test]
    fn carrier() {
        assert_eq!(parse_carrier("1\n"), Some(true));
        assert_eq!(parse_carrier("0\n"), Some(false));
        assert_eq!(parse_carrier(""), None);
    }

    #[rstest]
    #[case::plain("http://proxy.lan:3128", "http://proxy.lan:3128")]
    #[case::user_pass("http://bob:s3cr@t@proxy.lan:3128/", "http://proxy.lan:3128/")]
    #[case::socks("socks5h://u:p@10.0.0.1:1080", "socks5h://10.0.0.1:1080")]
    #[case::no_scheme("u:p@proxy:8080", "proxy:8080")]
    #[case::at_in_path("http://proxy:8080/a@b", "http://proxy:8080/a@b")]
    fn credentials_are_stripped(#[case] value: &str, #[case] expected: &str) {
        assert_eq!(strip_credentials(value), expected);
    }

    #[test]
    fn proxy_variables_in_both_cases_and_only_those() {
        let vars = [
            ("HTTPS_PROXY", "http://u:pw@p:3128"),
            ("http_proxy", "http://p:3128"),
            ("ALL_PROXY", "socks5://p:1080"),
            ("socks_proxy", "socks://p:1080"),
            ("no_proxy", "localhost"),
            ("ftp_proxy", "http://p:21"),
            ("HTTP_PROXY", "  "),
            ("PATH", "/usr/bin"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let got: Vec<String> = proxies_from(vars)
            .into_iter()
            .map(|p| format!("{}={}", p.name, p.value))
            .collect();
        assert_eq!(
            got,
            [
                "ALL_PROXY=socks5://p:1080",
                "HTTPS_PROXY=http://p:3128",
                "http_proxy=http://p:3128",
                "socks_proxy=socks://p:1080",
            ]
        );
    }

    #[test]
    fn simulated_snapshots_replace_the_machine() {
        use crate::probe::world::SimulatedNetwork;
        use std::sync::Arc;
        let start = LocalNet {
            simulated: true,
            default_route_v4: Some(true),
            ..LocalNet::default()
        };
        let end = LocalNet {
            simulated: true,
            default_route_v4: Some(false),
            ..LocalNet::default()
        };
        let sim = SimulatedNetwork {
            local_start: Some(start.clone()),
            local_end: Some(end.clone()),
            ..SimulatedNetwork::default()
        };
        let network = Network::Simulated(Arc::new(sim));
        assert_eq!(read(&network, When::Start), start);
        assert_eq!(read(&network, When::End), end);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_machine_has_a_loopback_interface() {
        let net = read(&Network::System, When::Start);
        let lo = net.interfaces.iter().find(|i| i.loopback).expect("lo");
        assert!(lo.up);
        assert!(lo.addrs.contains(&IpAddr::from([127, 0, 0, 1])));
        assert!(net.default_route_v4.is_some());
    }
}
