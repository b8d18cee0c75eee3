//! Network namespaces: the server namespace and one fresh client namespace
//! per test, joined by a veth pair. Nothing is created outside namespaces
//! the harness made itself.

use std::fs::{self, File};
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use super::proc::{self, ip};

/// Runs `f` on a fresh thread that has joined network namespace `ns`; the
/// sockets it opens belong to that namespace.
pub fn in_netns<T, F>(ns: &str, f: F) -> io::Result<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let handle = File::open(Path::new("/run/netns").join(ns))?;
    thread::spawn(move || {
        // SAFETY: setns(2) with a namespace fd we hold open; it changes the
        // network namespace of this thread only.
        let rc = unsafe { libc::setns(handle.as_raw_fd(), libc::CLONE_NEWNET) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(f())
    })
    .join()
    .map_err(|_| io::Error::other("the thread inside the namespace panicked"))?
}

/// `ip netns exec NS PROGRAM`: a command to run inside namespace `ns`.
pub fn exec(ns: &str, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", ns]).arg(program);
    cmd
}

/// Creates namespace `name` with its loopback up (replacing a stale one).
pub fn create(name: &str) -> Result<(), String> {
    if Path::new("/run/netns").join(name).exists() {
        let _ = ip(["netns", "del", name]);
    }
    ip(["netns", "add", name])?;
    ip(["-n", name, "link", "set", "lo", "up"])?;
    Ok(())
}

/// Ends every process in `ns` (by pid), then deletes the namespace and its
/// `/etc/netns` directory.
pub fn destroy(ns: &str) {
    for pid in pids(ns) {
        // SAFETY: plain kill(2) of a pid that lives in our own namespace.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let _ = ip(["netns", "del", ns]);
    let _ = fs::remove_dir_all(Path::new("/etc/netns").join(ns));
}

pub fn pids(ns: &str) -> Vec<i32> {
    proc::run(
        Command::new("ip").args(["netns", "pids", ns]),
        Duration::from_secs(5),
    )
    .map(|r| {
        r.stdout
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect()
    })
    .unwrap_or_default()
}

/// The mail ports a firewall rule may cover.
pub const MAIL_PORTS: [u16; 7] = [25, 110, 143, 465, 587, 993, 995];

/// A client namespace: its own loopback and, when linked, a veth pair to the
/// server namespace with a route to the server network. Removed on drop,
/// together with the firewall rules it added in the server namespace.
pub struct ClientNs {
    pub name: String,
    pub ip: Ipv4Addr,
    pub linked: bool,
    /// Scratch directory of this client (config, XDG dirs); removed on drop.
    pub dir: PathBuf,
    server_ns: String,
    rules: Mutex<Vec<Vec<String>>>,
}

impl ClientNs {
    /// Link `index` uses 10.231.(100+index).0/24: .1 in the server
    /// namespace, .2 here. `link` is `(resolver, server network)`: the DNS
    /// server for this namespace's resolv.conf and the /24 routed over the
    /// veth; `None` leaves the namespace with its loopback only.
    pub fn create(
        server_ns: &str,
        name: String,
        index: u32,
        dir: PathBuf,
        link: Option<(Ipv4Addr, Ipv4Addr)>,
    ) -> Result<Self, String> {
        let third = u8::try_from(100 + index).map_err(|_| "too many client namespaces")?;
        let client = ClientNs {
            ip: Ipv4Addr::new(10, 231, third, 2),
            linked: link.is_some(),
            name,
            dir,
            server_ns: server_ns.to_string(),
            rules: Mutex::new(Vec::new()),
        };
        // From here on, Drop cleans up whatever was made.
        fs::create_dir_all(&client.dir).map_err(|e| format!("{}: {e}", client.dir.display()))?;
        create(&client.name)?;
        let Some((resolver, server_net)) = link else {
            // Unlinked: loopback only. resolv.conf still names the test's DNS
            // server, which is then unreachable.
            write_resolv_conf(&client.name, super::DNS_IP)?;
            return Ok(client);
        };
        write_resolv_conf(&client.name, resolver)?;
        let server_end = format!("vs{index}");
        let server_addr = format!("10.231.{third}.1/24");
        let client_addr = format!("{}/24", client.ip);
        let ns = client.name.as_str();
        let srv = server_ns;
        ip([
            "-n",
            srv,
            "link",
            "add",
            &server_end,
            "type",
            "veth",
            "peer",
            "name",
            "vc0",
            "netns",
            ns,
        ])?;
        ip(["-n", srv, "addr", "add", &server_addr, "dev", &server_end])?;
        ip(["-n", srv, "link", "set", &server_end, "up"])?;
        ip(["-n", ns, "addr", "add", &client_addr, "dev", "vc0"])?;
        ip(["-n", ns, "link", "set", "vc0", "up"])?;
        let gateway = format!("10.231.{third}.1");
        ip([
            "-n",
            ns,
            "route",
            "add",
            &format!("{server_net}/24"),
            "via",
            &gateway,
        ])?;
        Ok(client)
    }

    /// A command that runs inside this client namespace.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        exec(&self.name, program)
    }

    /// Silently drops this client's TCP packets to `ports` where they enter
    /// the server namespace, like a firewall on the path would.
    pub fn drop_tcp_to(&self, ports: &[u16]) -> Result<(), String> {
        let list = ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let spec: Vec<String> = [
            "INPUT",
            "-s",
            &self.ip.to_string(),
            "-p",
            "tcp",
            "-m",
            "multiport",
            "--dports",
            &list,
            "-j",
            "DROP",
        ]
        .map(String::from)
        .to_vec();
        iptables(&self.server_ns, "-I", &spec)?;
        self.rules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(spec);
        Ok(())
    }
}

impl Drop for ClientNs {
    fn drop(&mut self) {
        let rules = std::mem::take(&mut *self.rules.lock().unwrap_or_else(|e| e.into_inner()));
        for spec in rules {
            if let Err(e) = iptables(&self.server_ns, "-D", &spec) {
                eprintln!("cleanup: {e}");
            }
        }
        destroy(&self.name);
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn iptables(ns: &str, op: &str, spec: &[String]) -> Result<(), String> {
    let mut cmd = exec(ns, "iptables");
    cmd.args(["-w", "5", op]).args(spec);
    proc::run_ok(&mut cmd, Duration::from_secs(10)).map(|_| ())
}

/// `/etc/netns/NS/resolv.conf`, which `ip netns exec NS` puts in place of
/// `/etc/resolv.conf`: programs run there ask `server` only.
pub fn write_resolv_conf(ns: &str, server: Ipv4Addr) -> Result<(), String> {
    let etc = Path::new("/etc/netns").join(ns);
    fs::create_dir_all(&etc).map_err(|e| format!("{}: {e}", etc.display()))?;
    let path = etc.join("resolv.conf");
    fs::write(
        &path,
        format!("nameserver {server}\noptions timeout:1 attempts:1\n"),
    )
    .map_err(|e| format!("{}: {e}", path.display()))
}
