//! Simulated views of "this computer's network" for the lab's samples. The
//! lab cannot pull the user's cable, so the samples that are about the
//! local link carry these snapshots instead of the machine's own, all
//! marked `simulated`. The addresses are documentation ranges (RFC 5737,
//! RFC 3849): shown, never contacted.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::evidence::{Interface, LocalNet, ProxyVar};

fn loopback() -> Interface {
    Interface {
        name: "lo".into(),
        up: true,
        carrier: Some(true),
        loopback: true,
        addrs: vec![
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ],
    }
}

fn wifi(up: bool) -> Interface {
    Interface {
        name: "wlan0".into(),
        up,
        carrier: Some(up),
        loopback: false,
        addrs: if up {
            vec![
                IpAddr::V4(Ipv4Addr::new(192, 0, 2, 23)),
                IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x23)),
            ]
        } else {
            Vec::new()
        },
    }
}

/// A laptop on working Wi-Fi with default routes in both families.
pub fn online() -> LocalNet {
    LocalNet {
        interfaces: vec![loopback(), wifi(true)],
        default_route_v4: Some(true),
        default_route_v6: Some(true),
        proxies: Vec::new(),
        simulated: true,
    }
}

/// The same laptop with Wi-Fi off: no carrier, no address, no route.
pub fn offline() -> LocalNet {
    LocalNet {
        interfaces: vec![loopback(), wifi(false)],
        default_route_v4: Some(false),
        default_route_v6: Some(false),
        proxies: Vec::new(),
        simulated: true,
    }
}

/// Online, behind a company's web proxy.
pub fn behind_proxy() -> LocalNet {
    LocalNet {
        proxies: vec![
            ProxyVar {
                name: "https_proxy".into(),
                value: "http://proxy.example.com:3128".into(),
            },
            ProxyVar {
                name: "http_proxy".into(),
                value: "http://proxy.example.com:3128".into(),
            },
        ],
        ..online()
    }
}
