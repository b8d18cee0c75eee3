//! `probe::net::connect` on real loopback sockets, through the machine's
//! network and through the demo lab's simulation.

mod engine_support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use engine_support::{dropping_port, greeter, refused_port};
use mailfix::evidence::ConnectOutcome;
use mailfix::probe::Network;
use mailfix::probe::net::connect;
use mailfix::probe::world::SimulatedNetwork;

const LIMIT: Duration = Duration::from_millis(400);

#[tokio::test]
async fn a_bound_socket_that_does_not_listen_refuses() {
    let (_socket, addr) = refused_port();
    let got = connect(&Network::System, addr, LIMIT).await;
    assert_eq!(got.attempt.outcome, ConnectOutcome::Refused);
    assert!(got.stream.is_none());
}

#[tokio::test]
async fn a_full_backlog_drops_the_syn_and_the_connect_times_out() {
    let dropper = dropping_port();
    let got = connect(&Network::System, dropper.addr, LIMIT).await;
    assert_eq!(got.attempt.outcome, ConnectOutcome::TimedOut);
    assert!(got.stream.is_none());
}

#[tokio::test]
async fn a_listener_connects() {
    let server = greeter("* OK\r\n").await;
    let got = connect(&Network::System, server.addr, LIMIT).await;
    assert_eq!(got.attempt.outcome, ConnectOutcome::Connected);
    assert_eq!(got.attempt.addr, server.addr);
    assert!(got.stream.is_some());
}

fn simulated(sim: SimulatedNetwork) -> Network {
    Network::Simulated(Arc::new(sim))
}

#[tokio::test]
async fn the_simulation_routes_the_logical_address_and_reports_it() {
    let server = greeter("* OK\r\n").await;
    let logical: SocketAddr = "192.0.2.7:993".parse().unwrap();
    let mut sim = SimulatedNetwork::default();
    sim.routes.insert(logical, server.addr);
    let got = connect(&simulated(sim), logical, LIMIT).await;
    assert_eq!(got.attempt.outcome, ConnectOutcome::Connected);
    assert_eq!(got.attempt.addr, logical);
}

#[tokio::test]
async fn unrouted_addresses_go_to_the_fallback_and_nowhere_else() {
    let (_socket, refusing) = refused_port();
    let logical: SocketAddr = "192.0.2.7:143".parse().unwrap();
    let with_fallback = SimulatedNetwork {
        fallback: Some(refusing),
        ..SimulatedNetwork::default()
    };
    let got = connect(&simulated(with_fallback), logical, LIMIT).await;
    assert_eq!(got.attempt.outcome, ConnectOutcome::Refused);
    assert_eq!(got.attempt.addr, logical);

    let without = SimulatedNetwork::default();
    let got = connect(&simulated(without), logical, LIMIT).await;
    assert_eq!(got.attempt.outcome, ConnectOutcome::NetUnreachable);
}

#[tokio::test]
async fn an_unplugged_cable_is_network_unreachable_even_for_routed_addresses() {
    let server = greeter("* OK\r\n").await;
    let logical: SocketAddr = "192.0.2.7:993".parse().unwrap();
    let mut sim = SimulatedNetwork {
        unplugged: true,
        ..SimulatedNetwork::default()
    };
    sim.routes.insert(logical, server.addr);
    let got = connect(&simulated(sim), logical, LIMIT).await;
    assert_eq!(got.attempt.outcome, ConnectOutcome::NetUnreachable);
    assert!(got.stream.is_none());
}
