//! The lab's DNS data, and (in `answer`) the pure function that answers a
//! DNS query from it. Only reserved names (RFC 2606, RFC 6761:
//! `*.example`, `*.test`, `*.invalid`, `*.localhost`,
//! `example.com/net/org`) and only loopback addresses go in, so nothing
//! the lab says can point anywhere but this machine.

mod answer;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::{Name, RecordType};

use super::LabError;

pub use answer::Answered;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneRecord {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Mx {
        preference: u16,
        exchange: String,
    },
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
}

impl ZoneRecord {
    fn record_type(&self) -> RecordType {
        match self {
            ZoneRecord::A(_) => RecordType::A,
            ZoneRecord::Aaaa(_) => RecordType::AAAA,
            ZoneRecord::Mx { .. } => RecordType::MX,
            ZoneRecord::Srv { .. } => RecordType::SRV,
        }
    }
}

/// True for names under the TLDs and second-level domains reserved for
/// documentation and testing.
pub fn is_reserved_name(name: &str) -> bool {
    let name = normalise(name);
    let tld = name.rsplit('.').next().unwrap_or_default();
    if ["example", "test", "invalid", "localhost"].contains(&tld) && name.contains('.') {
        return true;
    }
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|d| name == *d || name.ends_with(&format!(".{d}")))
}

fn normalise(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

fn dns_name(name: &str) -> Result<Name, LabError> {
    Name::from_ascii(format!("{}.", normalise(name)))
        .map_err(|e| LabError::Zone(format!("{name}: {e}")))
}

/// The lab's records, by owner name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Zone {
    records: BTreeMap<String, Vec<ZoneRecord>>,
}

impl Zone {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a record; refuses names outside the reserved space, targets
    /// outside it, and addresses that are not loopback.
    pub fn add(&mut self, name: &str, record: ZoneRecord) -> Result<(), LabError> {
        let reject = |why: String| Err(LabError::Zone(format!("{name}: {why}")));
        if !is_reserved_name(name) {
            return reject("not a reserved name".into());
        }
        dns_name(name)?;
        match &record {
            ZoneRecord::A(ip) if !ip.is_loopback() => {
                return reject(format!("{ip} is not loopback"));
            }
            ZoneRecord::Aaaa(ip) if !ip.is_loopback() => {
                return reject(format!("{ip} is not loopback"));
            }
            ZoneRecord::Mx { exchange: t, .. } | ZoneRecord::Srv { target: t, .. }
                if !(t == "." || is_reserved_name(t)) =>
            {
                return reject(format!("target {t} is not a reserved name"));
            }
            _ => {}
        }
        self.records
            .entry(normalise(name))
            .or_default()
            .push(record);
        Ok(())
    }

    pub fn a(&mut self, name: &str, ip: Ipv4Addr) -> Result<(), LabError> {
        self.add(name, ZoneRecord::A(ip))
    }

    pub fn aaaa(&mut self, name: &str, ip: Ipv6Addr) -> Result<(), LabError> {
        self.add(name, ZoneRecord::Aaaa(ip))
    }

    pub fn mx(&mut self, name: &str, preference: u16, exchange: &str) -> Result<(), LabError> {
        self.add(
            name,
            ZoneRecord::Mx {
                preference,
                exchange: normalise(exchange),
            },
        )
    }

    pub fn srv(&mut self, name: &str, port: u16, target: &str) -> Result<(), LabError> {
        self.add(
            name,
            ZoneRecord::Srv {
                priority: 0,
                weight: 1,
                port,
                target: normalise(target),
            },
        )
    }

    pub fn records(&self, name: &str) -> &[ZoneRecord] {
        self.records
            .get(&normalise(name))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The name owns records, or is an empty non-terminal above one
    /// (`_tcp.example.org` when `_imaps._tcp.example.org` exists).
    pub fn exists(&self, name: &str) -> bool {
        let name = normalise(name);
        let suffix = format!(".{name}");
        self.records
            .keys()
            .any(|owner| *owner == name || owner.ends_with(&suffix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reserved_names_and_loopback_go_in() {
        let mut z = Zone::new();
        assert!(z.a("mail.gmail.com", Ipv4Addr::LOCALHOST).is_err());
        assert!(
            z.a("mail.example.org", Ipv4Addr::new(192, 0, 2, 1))
                .is_err()
        );
        assert!(
            z.aaaa("mail.example.org", "2001:db8::1".parse().unwrap())
                .is_err()
        );
        assert!(z.mx("example.org", 10, "mx.google.com").is_err());
        assert!(z.a("a.b.test", Ipv4Addr::new(127, 1, 2, 3)).is_ok());
        assert!(is_reserved_name("Example.COM."));
        assert!(!is_reserved_name("example"));
        assert!(!is_reserved_name("notexample.com"));
    }
}
