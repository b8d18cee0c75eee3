//! Reading the machine: Linux files and `getifaddrs(3)`; elsewhere "could
//! not tell".

#[cfg(target_os = "linux")]
mod linux {
    use super::super::parse::{IFF_LOOPBACK, IFF_UP, parse_carrier, parse_flags};
    use super::super::parse::{has_default_route_v4, has_default_route_v6};
    use crate::evidence::Interface;
    use std::collections::HashMap;
    use std::fs;
    use std::net::IpAddr;

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
mod other {
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

#[cfg(target_os = "linux")]
pub use linux::*;
#[cfg(not(target_os = "linux"))]
pub use other::*;
