//! The other accounts of the same config file, as far as the diagnosis
//! needs them: to notice a server copied from one account into another
//! (causes.md, Login 4: "another configured account uses the same
//! server"). Names, addresses and host names only; never a secret.

use crate::account::{Account, Service, email_domain};

/// Another account of the same config, reduced to what can be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub name: String,
    pub email: String,
    /// The incoming and outgoing servers' host names, normalised.
    pub hosts: Vec<String>,
}

impl Peer {
    pub fn of(account: &Account) -> Self {
        let hosts = [Service::Incoming, Service::Outgoing]
            .into_iter()
            .filter_map(|service| account.server(service).map(|s| normalise(&s.host)))
            .collect();
        Peer {
            name: account.name.clone(),
            email: account.email.clone(),
            hosts,
        }
    }

    /// The domain of the peer's address.
    pub fn domain(&self) -> Option<String> {
        email_domain(&self.email)
    }

    /// `host` is named inside this peer's mail domain (`mail.a.org` for
    /// `alice@a.org`), and the peer uses it too, for either service.
    pub fn owns_host(&self, host: &str) -> bool {
        self.domain().is_some_and(|d| in_domain(host, &d)) && self.hosts.contains(&normalise(host))
    }
}

/// `host` is `domain` or a name under it (any case, a final dot or not).
pub fn in_domain(host: &str, domain: &str) -> bool {
    let (host, domain) = (normalise(host), normalise(domain));
    host == domain
        || host
            .strip_suffix(&domain)
            .is_some_and(|head| head.ends_with('.'))
}

/// A host name as compared here: lowercase, without a final dot.
fn normalise(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// Every account of `accounts` but the one at `me`, as peers of it.
pub fn peers_of(accounts: &[Account], me: usize) -> Vec<Peer> {
    accounts
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != me)
        .map(|(_, a)| Peer::of(a))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Protocol, Security, ServerSettings};
    use rstest::rstest;

    fn account(name: &str, email: &str, incoming: &str) -> Account {
        Account {
            name: name.into(),
            email: email.into(),
            incoming: Some(ServerSettings::standard(
                Protocol::Imap,
                incoming,
                Security::Tls,
            )),
            outgoing: None,
            store: None,
        }
    }

    #[rstest]
    #[case::own_host("mail.a.org", true)]
    #[case::trailing_dot_and_case("Mail.A.org.", true)]
    #[case::apex("a.org", false)] // in the domain, but the peer does not use it
    #[case::lookalike("mail.xa.org", false)]
    #[case::other_host_in_domain("imap.a.org", false)]
    #[case::provider("imap.provider.net", false)]
    fn a_peer_owns_the_hosts_it_uses_in_its_domain(#[case] host: &str, #[case] owns: bool) {
        let peer = Peer::of(&account("home", "alice@a.org", "mail.a.org"));
        assert_eq!(peer.owns_host(host), owns);
    }

    #[test]
    fn peers_leave_out_the_account_itself() {
        let all = [
            account("home", "alice@a.org", "mail.a.org"),
            account("club", "alice@b.org", "mail.a.org"),
        ];
        let peers = peers_of(&all, 1);
        assert_eq!(peers.len(), 1);
        assert_eq!(peers[0].name, "home");
        assert_eq!(peers[0].hosts, vec!["mail.a.org".to_string()]);
    }

    #[rstest]
    #[case("a.org", "a.org", true)]
    #[case("mail.a.org", "a.org", true)]
    #[case("mail.xa.org", "a.org", false)]
    #[case("org", "a.org", false)]
    #[case("Mail.A.ORG.", "a.org", true)]
    fn hosts_in_domains(#[case] host: &str, #[case] domain: &str, #[case] want: bool) {
        assert_eq!(in_domain(host, domain), want);
    }
}
