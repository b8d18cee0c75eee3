//! Answering a DNS query from the zone (hickory-proto does the wire
//! format): authoritative answers, the SOA in negative ones, TC over UDP
//! when an answer does not fit.

use hickory_proto::op::{Edns, Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, MX, SOA, SRV};
use hickory_proto::rr::{DNSClass, RData, Record, RecordType};

use super::{Zone, ZoneRecord, dns_name, normalise};

const TTL: u32 = 300;
const NEGATIVE_TTL: u32 = 60;
/// The largest UDP answer the lab sends, whatever EDNS offers.
const MAX_UDP: usize = 1232;

/// One answered query, for the server's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub bytes: Vec<u8>,
    pub name: String,
    pub kind: String,
    pub rcode: String,
    pub truncated: bool,
}

impl Zone {
    /// Answer the query in `request`. `udp` limits the answer's size as
    /// over UDP (512 bytes, or what EDNS offers up to 1232) and sets TC
    /// when it does not fit. `None` when the request is too broken to
    /// answer at all.
    pub fn respond(&self, request: &[u8], udp: bool) -> Option<Answered> {
        let req = match Message::from_vec(request) {
            Ok(m) => m,
            Err(_) if request.len() >= 2 => {
                let id = u16::from_be_bytes([request[0], request[1]]);
                let msg = Message::error_msg(id, OpCode::Query, ResponseCode::FormErr);
                return Some(summary(
                    msg.to_vec().ok()?,
                    "?",
                    "?",
                    ResponseCode::FormErr,
                    false,
                ));
            }
            Err(_) => return None,
        };
        if req.metadata.message_type != MessageType::Query {
            return None;
        }
        let mut resp = Message::response(req.metadata.id, req.metadata.op_code);
        resp.metadata.authoritative = true;
        resp.metadata.recursion_desired = req.metadata.recursion_desired;
        resp.metadata.recursion_available = true;
        resp.add_queries(req.queries.clone());
        if req.edns.is_some() {
            let mut edns = Edns::new();
            edns.set_max_payload(MAX_UDP as u16);
            resp.set_edns(edns);
        }
        let (name, kind) = match req.queries.first() {
            Some(q) => (normalise(&q.name().to_ascii()), q.query_type().to_string()),
            None => ("?".into(), "?".into()),
        };
        let rcode = if req.metadata.op_code != OpCode::Query {
            ResponseCode::NotImp
        } else if req.queries.len() != 1 {
            ResponseCode::FormErr
        } else if req.queries[0].query_class() != DNSClass::IN {
            ResponseCode::Refused
        } else {
            self.fill(&mut resp, &name, req.queries[0].query_type())?
        };
        resp.metadata.response_code = rcode;
        let mut bytes = resp.to_vec().ok()?;
        let limit = (req.max_payload() as usize).clamp(512, MAX_UDP);
        let truncated = udp && bytes.len() > limit;
        if truncated {
            bytes = resp.truncate().to_vec().ok()?;
        }
        Some(summary(bytes, &name, &kind, rcode, truncated))
    }

    fn fill(&self, resp: &mut Message, name: &str, qtype: RecordType) -> Option<ResponseCode> {
        if !self.exists(name) {
            resp.add_authority(soa_for(name)?);
            return Some(ResponseCode::NXDomain);
        }
        let owner = dns_name(name).ok()?;
        let mut answered = false;
        for record in self.records(name) {
            if qtype != RecordType::ANY && record.record_type() != qtype {
                continue;
            }
            let rdata = match record {
                ZoneRecord::A(ip) => RData::A(A(*ip)),
                ZoneRecord::Aaaa(ip) => RData::AAAA(AAAA(*ip)),
                ZoneRecord::Mx {
                    preference,
                    exchange,
                } => RData::MX(MX::new(*preference, dns_name(exchange).ok()?)),
                ZoneRecord::Srv {
                    priority,
                    weight,
                    port,
                    target,
                } => RData::SRV(SRV::new(*priority, *weight, *port, dns_name(target).ok()?)),
            };
            resp.add_answer(Record::from_rdata(owner.clone(), TTL, rdata));
            answered = true;
        }
        if !answered {
            resp.add_authority(soa_for(name)?);
        }
        Some(ResponseCode::NoError)
    }
}

fn summary(
    bytes: Vec<u8>,
    name: &str,
    kind: &str,
    rcode: ResponseCode,
    truncated: bool,
) -> Answered {
    Answered {
        bytes,
        name: name.to_owned(),
        kind: kind.to_owned(),
        rcode: rcode.to_string(),
        truncated,
    }
}

/// The SOA of the registered domain above `name` (its last two labels),
/// for the authority section of negative answers.
fn soa_for(name: &str) -> Option<Record> {
    let labels: Vec<&str> = name.split('.').filter(|l| !l.is_empty()).collect();
    let apex = labels[labels.len().saturating_sub(2)..].join(".");
    let apex = if apex.is_empty() {
        "lab.test".to_owned()
    } else {
        apex
    };
    let soa = SOA::new(
        dns_name(&format!("ns.{apex}")).ok()?,
        dns_name(&format!("hostmaster.{apex}")).ok()?,
        1,
        3600,
        600,
        86400,
        NEGATIVE_TTL,
    );
    Some(Record::from_rdata(
        dns_name(&apex).ok()?,
        NEGATIVE_TTL,
        RData::SOA(soa),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::Query;
    use hickory_proto::rr::Name;
    use rstest::rstest;
    use std::net::Ipv4Addr;

    fn zone() -> Zone {
        let mut z = Zone::new();
        z.a("mail.example.org", Ipv4Addr::new(127, 0, 0, 10))
            .unwrap();
        z.mx("example.org", 10, "mail.example.org").unwrap();
        z.srv("_imaps._tcp.example.org", 993, "mail.example.org")
            .unwrap();
        z
    }

    fn ask(z: &Zone, name: &str, t: RecordType, udp: bool) -> Message {
        let mut q = Message::query();
        q.add_query(Query::query(Name::from_ascii(name).unwrap(), t));
        let a = z.respond(&q.to_vec().unwrap(), udp).unwrap();
        Message::from_vec(&a.bytes).unwrap()
    }

    #[rstest]
    #[case("mail.example.org.", RecordType::A, ResponseCode::NoError, 1)]
    #[case("MAIL.Example.ORG.", RecordType::A, ResponseCode::NoError, 1)]
    #[case("mail.example.org.", RecordType::AAAA, ResponseCode::NoError, 0)]
    #[case("example.org.", RecordType::MX, ResponseCode::NoError, 1)]
    #[case("_tcp.example.org.", RecordType::SRV, ResponseCode::NoError, 0)]
    #[case("_imaps._tcp.example.org.", RecordType::SRV, ResponseCode::NoError, 1)]
    #[case("imap.example.org.", RecordType::A, ResponseCode::NXDomain, 0)]
    fn answers_follow_the_zone(
        #[case] name: &str,
        #[case] t: RecordType,
        #[case] rcode: ResponseCode,
        #[case] answers: usize,
    ) {
        let m = ask(&zone(), name, t, true);
        assert_eq!(m.metadata.response_code, rcode);
        assert_eq!(m.answers.len(), answers);
        assert!(m.metadata.authoritative);
        if answers == 0 {
            assert_eq!(m.authorities.len(), 1, "negative answers carry the SOA");
        }
    }

    #[test]
    fn big_answers_are_truncated_over_udp_only() {
        let mut z = Zone::new();
        for i in 0..120 {
            z.a("many.test", Ipv4Addr::new(127, 0, 1, i)).unwrap();
        }
        let udp = ask(&z, "many.test.", RecordType::A, true);
        assert!(udp.metadata.truncation);
        assert!(udp.answers.is_empty());
        let tcp = ask(&z, "many.test.", RecordType::A, false);
        assert!(!tcp.metadata.truncation);
        assert_eq!(tcp.answers.len(), 120);
    }

    #[test]
    fn garbage_gets_formerr_or_nothing() {
        let z = zone();
        let a = z.respond(&[0x12, 0x34, 0xff], true).unwrap();
        assert_eq!(a.rcode, ResponseCode::FormErr.to_string());
        assert!(z.respond(&[0x12], true).is_none());
    }
}
