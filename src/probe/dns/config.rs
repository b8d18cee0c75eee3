//! Which name servers a run asks: the system's (resolv.conf) or the one
//! given with `--dns-server`, with the probe's own options.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::{Resolver, TokioResolver};

use super::DnsSetupError;

pub(super) fn explicit(addr: SocketAddr) -> (ResolverConfig, ResolverOpts, String) {
    let mut server = NameServerConfig::udp_and_tcp(addr.ip());
    for connection in &mut server.connections {
        connection.port = addr.port();
    }
    (
        ResolverConfig::from_name_servers(vec![server]),
        ResolverOpts::default(),
        addr.to_string(),
    )
}

pub(super) fn system() -> Result<(ResolverConfig, ResolverOpts, String), DnsSetupError> {
    let (config, opts) = hickory_resolver::system_conf::read_system_conf()
        .map_err(|e| DnsSetupError::SystemConfig(e.to_string()))?;
    let description = describe_system(&config);
    Ok((config, opts, description))
}

/// "system (10.0.0.1, 2001:db8::53)": the system's name servers, once each.
fn describe_system(config: &ResolverConfig) -> String {
    let mut ips: Vec<String> = Vec::new();
    for server in config.name_servers() {
        let ip = server.ip.to_string();
        if !ips.contains(&ip) {
            ips.push(ip);
        }
    }
    format!("system ({})", ips.join(", "))
}

pub(super) fn server_addrs(config: &ResolverConfig) -> Vec<SocketAddr> {
    let mut out = Vec::new();
    for server in config.name_servers() {
        let port = server.connections.first().map_or(53, |c| c.port);
        let addr = SocketAddr::new(server.ip, port);
        if !out.contains(&addr) {
            out.push(addr);
        }
    }
    out
}

pub(super) fn tune(mut opts: ResolverOpts, timeout: Duration, explicit: bool) -> ResolverOpts {
    opts.timeout = timeout;
    // One attempt: the probe reports what happened, it does not paper over it.
    opts.attempts = 0;
    if explicit {
        opts.use_hosts_file = ResolveHosts::Never;
    }
    opts
}

pub(super) fn build(
    config: ResolverConfig,
    opts: ResolverOpts,
) -> Result<TokioResolver, DnsSetupError> {
    Resolver::builder_with_config(config, TokioRuntimeProvider::default())
        .with_options(opts)
        .build()
        .map_err(|e| DnsSetupError::Build(e.to_string()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use hickory_resolver::system_conf::parse_resolv_conf;

    #[test]
    fn the_system_resolver_is_described_by_its_servers() {
        let (config, _) = parse_resolv_conf(
            "# generated\nnameserver 10.0.0.1\nnameserver 2001:db8::53\nsearch lan\n",
        )
        .unwrap();
        assert_eq!(describe_system(&config), "system (10.0.0.1, 2001:db8::53)");
        assert_eq!(
            server_addrs(&config),
            [
                "10.0.0.1:53".parse::<SocketAddr>().unwrap(),
                "[2001:db8::53]:53".parse().unwrap()
            ]
        );
    }

    #[test]
    fn an_explicit_server_keeps_its_port_on_udp_and_tcp() {
        let (config, _, description) = explicit("127.0.0.1:5353".parse().unwrap());
        assert_eq!(description, "127.0.0.1:5353");
        let ports: Vec<u16> = config.name_servers()[0]
            .connections
            .iter()
            .map(|c| c.port)
            .collect();
        assert_eq!(ports, [5353, 5353]);
    }

    #[test]
    fn one_attempt_and_no_hosts_file_for_an_explicit_server() {
        let opts = tune(ResolverOpts::default(), Duration::from_secs(2), true);
        assert_eq!(opts.attempts, 0);
        assert_eq!(opts.timeout, Duration::from_secs(2));
        assert!(matches!(opts.use_hosts_file, ResolveHosts::Never));
    }
}
