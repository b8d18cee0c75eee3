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
    let mut ips: Vec<String> = Vec::new();
    for server in config.name_servers() {
        let ip = server.ip.to_string();
        if !ips.contains(&ip) {
            ips.push(ip);
        }
    }
    let description = format!("system ({})", ips.join(", "));
    Ok((config, opts, description))
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
