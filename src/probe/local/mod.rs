//! The local network as the OS shows it: interfaces (Linux:
//! `/sys/class/net` and `getifaddrs`), default routes (`/proc/net/route`,
//! `/proc/net/ipv6_route`) and proxy variables from the environment.
//! Elsewhere the routes are `None` ("could not tell").
//!
//! Only reads; nothing is sent anywhere.

mod os;
mod parse;

pub use parse::{
    IFF_LOOPBACK, IFF_UP, has_default_route_v4, has_default_route_v6, parse_carrier, parse_flags,
};

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
fn proxies_from(vars: impl IntoIterator<Item = (String, String)>) -> Vec<ProxyVar> {
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
fn strip_credentials(value: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

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
        assert!(lo.addrs.contains(&std::net::IpAddr::from([127, 0, 0, 1])));
        assert!(net.default_route_v4.is_some());
    }
}
