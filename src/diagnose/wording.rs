//! Small helpers that turn evidence into the short phrases findings are
//! made of. Every sentence a user reads is built here or next to its rule.

use crate::account::{AuthMech, Protocol, Security};
use crate::evidence::{
    ConnectAttempt, ConnectOutcome, DnsLookup, DnsOutcome, Endpoint, EndpointProbe, LocalNet, Reply,
};

/// Longest server text quoted in one evidence line.
const QUOTE_MAX: usize = 160;

/// "12 ms", "1.5 s", "under 1 ms".
pub fn ms(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "an unknown time".to_owned();
    }
    if ms < 1.0 {
        "under 1 ms".to_owned()
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// Server text in backticks, cut to a readable length.
pub fn quote(text: &str) -> String {
    let text = text.trim();
    let mut cut: String = text.chars().take(QUOTE_MAX).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    format!("`{cut}`")
}

pub fn reply(reply: &Reply) -> String {
    quote(&reply.to_string())
}

/// "a", "a and b", "a, b and c".
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => {
            let head: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", head.join(", "), last.as_ref())
        }
    }
}

/// "implicit TLS", "STARTTLS", "no encryption".
pub fn mode(security: Security) -> &'static str {
    match security {
        Security::Tls => "TLS",
        Security::Starttls => "STARTTLS",
        Security::None => "no encryption",
    }
}

/// "port 993 with TLS".
pub fn port_mode(endpoint: &Endpoint) -> String {
    format!("port {} with {}", endpoint.port, mode(endpoint.security))
}

/// "mail.example.org:993" plus the address when the host is a name.
fn target_at(endpoint: &Endpoint, attempt: &ConnectAttempt) -> String {
    let ip = attempt.addr.ip().to_string();
    if endpoint.host == ip {
        endpoint.target()
    } else {
        format!("{} ({ip})", endpoint.target())
    }
}

/// One connect attempt as an evidence line.
pub fn connect(endpoint: &Endpoint, attempt: &ConnectAttempt) -> String {
    let at = target_at(endpoint, attempt);
    let t = ms(attempt.ms);
    let after = if attempt.ms.is_finite() && attempt.ms < 1.0 {
        "at once".to_owned()
    } else {
        format!("after {t}")
    };
    match &attempt.outcome {
        ConnectOutcome::Connected => format!("{at} accepted the connection in {t}"),
        ConnectOutcome::Refused => format!("{at} refused the connection (RST) {after}"),
        ConnectOutcome::TimedOut => format!("{at} did not answer at all within {t}"),
        ConnectOutcome::HostUnreachable => {
            format!("{at}: the host cannot be reached (host unreachable) {after}")
        }
        ConnectOutcome::NetUnreachable => {
            format!("{at}: there is no route to that network (network unreachable)")
        }
        ConnectOutcome::Reset => format!("{at} reset the connection while it was being set up"),
        ConnectOutcome::NoSourceAddress => {
            format!("{at}: this computer has no usable address to connect from")
        }
        ConnectOutcome::Other { text, .. } => format!("{at}: the connection failed ({text})"),
    }
}

/// Every connect attempt of a probe, one line each (at most four).
pub fn connects(probe: &EndpointProbe) -> Vec<String> {
    probe
        .connects
        .iter()
        .take(4)
        .map(|a| connect(&probe.endpoint, a))
        .collect()
}

/// One DNS answer as an evidence line.
pub fn dns(lookup: &DnsLookup, resolver: &str) -> String {
    let q = format!("{} {}", lookup.name, lookup.kind);
    let by = if resolver.is_empty() {
        String::new()
    } else {
        format!(" (asked {resolver})")
    };
    match &lookup.outcome {
        DnsOutcome::Found(answers) => {
            let addrs = lookup.outcome.addrs();
            if addrs.is_empty() {
                format!("DNS answered {q} with {} record(s){by}", answers.len())
            } else {
                let shown: Vec<String> = addrs.iter().map(ToString::to_string).collect();
                format!("DNS resolved {} to {}{by}", lookup.name, list(&shown))
            }
        }
        DnsOutcome::NxDomain => {
            format!(
                "DNS says the name {} does not exist (NXDOMAIN){by}",
                lookup.name
            )
        }
        DnsOutcome::NoRecords => {
            format!("DNS has no {} record for {}{by}", lookup.kind, lookup.name)
        }
        DnsOutcome::TimedOut => format!("DNS did not answer {q} within {}{by}", ms(lookup.ms)),
        DnsOutcome::Unreachable(why) => {
            format!("no DNS server could be reached for {q} ({why}){by}")
        }
        DnsOutcome::ServerError(why) => {
            format!("the DNS server answered {q} with an error ({why}){by}")
        }
        DnsOutcome::Failed(why) => format!("the DNS question {q} failed ({why}){by}"),
    }
}

/// How the login was asked for, as the server saw it.
pub fn login_verb(protocol: Protocol, mech: AuthMech) -> String {
    let sasl = mech.sasl_name().unwrap_or("the login");
    match (protocol, mech) {
        (Protocol::Imap, AuthMech::Login) => "the LOGIN command".to_owned(),
        (Protocol::Imap, _) => format!("AUTHENTICATE {sasl}"),
        (Protocol::Pop3, AuthMech::Login) => "USER/PASS".to_owned(),
        (Protocol::Pop3 | Protocol::Smtp, _) => format!("AUTH {sasl}"),
    }
}

/// Why a local network snapshot shows no way out, as evidence lines.
pub fn offline(net: &LocalNet, when: &str) -> Vec<String> {
    let sim = if net.simulated {
        " (simulated by the demo lab)"
    } else {
        ""
    };
    let mut out = Vec::new();
    let outside: Vec<String> = net
        .interfaces
        .iter()
        .filter(|i| !i.loopback)
        .map(|i| {
            let state = if !i.up {
                "down"
            } else if i.carrier == Some(false) {
                "without carrier (no cable or signal)"
            } else if i.addrs.is_empty() {
                "up but without an address"
            } else {
                "up"
            };
            format!("{} is {state}", i.name)
        })
        .collect();
    if !net.interfaces.is_empty() && net.usable_interfaces().next().is_none() {
        if outside.is_empty() {
            out.push(format!(
                "{when} this computer had no network interface except loopback{sim}"
            ));
        } else {
            out.push(format!(
                "{when} no network interface was usable: {}{sim}",
                list(&outside)
            ));
        }
    }
    if net.default_route_v4 == Some(false) && net.default_route_v6 == Some(false) {
        out.push(format!(
            "{when} there was no default route (neither IPv4 nor IPv6){sim}"
        ));
    }
    out
}

/// "eth0 is up and there is a default route" for ruled-out reasons.
pub fn online(net: &LocalNet) -> String {
    let names: Vec<&str> = net.usable_interfaces().map(|i| i.name.as_str()).collect();
    let route = net.default_route_v4 == Some(true) || net.default_route_v6 == Some(true);
    let sim = if net.simulated { " (simulated)" } else { "" };
    match (names.as_slice(), route) {
        ([], true) => format!("there is a default route{sim}"),
        ([], false) => format!("the local network looks normal{sim}"),
        (names, true) => format!("{} up with a default route{sim}", list(names)),
        (names, false) => format!("{} up{sim}", list(names)),
    }
}

/// Shell-quote a path for a command the user may paste.
pub fn shell(path: &std::path::Path) -> String {
    let s = path.display().to_string();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-~+".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// "1.5 MiB", "320 KiB", "12 bytes".
pub fn bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    let f = n as f64;
    if f >= KIB * KIB * KIB {
        format!("{:.1} GiB", f / (KIB * KIB * KIB))
    } else if f >= KIB * KIB {
        format!("{:.1} MiB", f / (KIB * KIB))
    } else if f >= KIB {
        format!("{:.0} KiB", f / KIB)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(0.4, "under 1 ms")]
    #[case(12.4, "12 ms")]
    #[case(1500.0, "1.5 s")]
    #[case(f64::NAN, "an unknown time")]
    fn durations(#[case] value: f64, #[case] expected: &str) {
        assert_eq!(ms(value), expected);
    }

    #[rstest]
    #[case(&[], "")]
    #[case(&["a"], "a")]
    #[case(&["a", "b"], "a and b")]
    #[case(&["a", "b", "c"], "a, b and c")]
    fn lists(#[case] items: &[&str], #[case] expected: &str) {
        assert_eq!(list(items), expected);
    }

    #[rstest]
    #[case("/home/a/Mail", "/home/a/Mail")]
    #[case("/home/a/My Mail", "'/home/a/My Mail'")]
    #[case("/x/it's", r"'/x/it'\''s'")]
    fn shell_quoting(#[case] path: &str, #[case] expected: &str) {
        assert_eq!(shell(std::path::Path::new(path)), expected);
    }

    #[test]
    fn long_quotes_are_cut() {
        let q = quote(&"x".repeat(500));
        assert!(q.chars().count() < 170, "{q}");
        assert!(q.ends_with("…`"));
    }

    #[rstest]
    #[case(Protocol::Smtp, AuthMech::Plain, "AUTH PLAIN")]
    #[case(Protocol::Imap, AuthMech::Login, "the LOGIN command")]
    #[case(Protocol::Imap, AuthMech::CramMd5, "AUTHENTICATE CRAM-MD5")]
    #[case(Protocol::Pop3, AuthMech::Login, "USER/PASS")]
    fn login_verbs(#[case] p: Protocol, #[case] m: AuthMech, #[case] expected: &str) {
        assert_eq!(login_verb(p, m), expected);
    }
}
