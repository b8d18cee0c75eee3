//! The shared servers of one test binary (started once, on first use) and
//! the per-test [`Case`] with its fresh client namespace.

use std::fs;
use std::io::Write;
use std::net::Ipv4Addr;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use super::netns::{self, ClientNs};
use super::postfix::Postfix;
use super::{
    ALICE, BOB, DNS_IP, DOMAIN, MAIL_HOST, MAIL_IP, OTHER_CERT_NAME, PASSWORD, SERVER_NET,
    WRONGCERT_HOST, WRONGCERT_IP,
};
use super::{certs, dns, dovecot, postfix, proc};

/// Set to 1 (as CI does) to turn a skip into a failure.
pub const REQUIRE_ENV: &str = "MAILFIX_REQUIRE_REAL_SERVERS";

/// Programs the harness runs.
const PROGRAMS: [&str; 8] = [
    "ip", "iptables", "dovecot", "postfix", "dnsmasq", "curl", "swaks", "openssl",
];

pub struct World {
    pub server_ns: String,
    /// Temp dir holding configs, state and logs of every server.
    pub dir: PathBuf,
    pub ca_file: PathBuf,
    prefix: String,
    next_client: AtomicU32,
    servers: Mutex<Vec<Child>>,
    postfix: Postfix,
    /// Held until the process exits; its closing wakes the reaper.
    _reaper: Mutex<ChildStdin>,
}

enum Setup {
    Skip(String),
    Fail(String),
}

static WORLD: OnceLock<Result<World, Setup>> = OnceLock::new();

/// The shared servers, started on first use. `None` (after a loud
/// `SKIPPED:` line) when this machine cannot run them, unless
/// `MAILFIX_REQUIRE_REAL_SERVERS=1`, which makes that a failure.
pub fn world() -> Option<&'static World> {
    match WORLD.get_or_init(World::start) {
        Ok(world) => Some(world),
        Err(Setup::Fail(message)) => panic!("real-server harness failed to start:\n{message}"),
        Err(Setup::Skip(reason)) => {
            if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
                panic!("{REQUIRE_ENV}=1 but the real servers cannot run here: {reason}");
            }
            let test = std::thread::current()
                .name()
                .unwrap_or("real-server test")
                .to_string();
            // Straight to the process's stderr: the test harness does not
            // capture this, so the skip shows even when the test "passes".
            let _ = writeln!(
                std::io::stderr().lock(),
                "\n!!!!! SKIPPED: {test}: {reason} (set {REQUIRE_ENV}=1 to make this fail)\n"
            );
            None
        }
    }
}

fn missing_prerequisite() -> Option<String> {
    // SAFETY: geteuid(2) has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some("not running as root (network namespaces need root)".into());
    }
    let missing: Vec<&str> = PROGRAMS
        .into_iter()
        .filter(|p| proc::which(p).is_none())
        .collect();
    if !missing.is_empty() {
        return Some(format!("programs not installed: {}", missing.join(", ")));
    }
    None
}

impl World {
    fn start() -> Result<World, Setup> {
        if let Some(reason) = missing_prerequisite() {
            return Err(Setup::Skip(reason));
        }
        let prefix = format!("mfx{}-", std::process::id());
        let dir = tempfile::Builder::new()
            .prefix("mailfix-real-")
            .tempdir()
            .map_err(|e| Setup::Fail(format!("temp dir: {e}")))?
            .keep();
        // Dovecot's and Postfix's unprivileged processes must reach in here.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))
            .map_err(|e| Setup::Fail(format!("chmod temp dir: {e}")))?;
        let reaper = start_reaper(&prefix, &dir).map_err(Setup::Fail)?;
        let server_ns = format!("{prefix}s");
        netns::create(&server_ns)
            .map_err(|e| Setup::Skip(format!("cannot create a network namespace: {e}")))?;
        // The servers' own lookups (if any) go to the test's dnsmasq too.
        netns::write_resolv_conf(&server_ns, DNS_IP).map_err(Setup::Fail)?;
        Self::start_servers(prefix, dir, server_ns, reaper).map_err(Setup::Fail)
    }

    fn start_servers(
        prefix: String,
        dir: PathBuf,
        server_ns: String,
        reaper: ChildStdin,
    ) -> Result<World, String> {
        for ip in [MAIL_IP, WRONGCERT_IP, DNS_IP] {
            proc::ip([
                "-n",
                &server_ns,
                "addr",
                "add",
                &format!("{ip}/32"),
                "dev",
                "lo",
            ])?;
        }
        let certs = certs::write(&dir, &[MAIL_HOST], OTHER_CERT_NAME)?;
        let vars = vec![
            ("DIR", dir.display().to_string()),
            ("INSTANCE", format!("{prefix}dovecot")),
            ("DOMAIN", DOMAIN.to_string()),
            ("MAIL_HOST", MAIL_HOST.to_string()),
            ("MAIL_IP", MAIL_IP.to_string()),
            ("WRONGCERT_HOST", WRONGCERT_HOST.to_string()),
            ("WRONGCERT_IP", WRONGCERT_IP.to_string()),
            ("DNS_IP", DNS_IP.to_string()),
        ];
        let mut servers = Vec::new();
        let started = (|| {
            servers.push(dns::start_dnsmasq(&server_ns, &dir, &vars, DNS_IP)?);
            let users = [(ALICE, PASSWORD), (BOB, PASSWORD)];
            servers.push(dovecot::start(
                &server_ns,
                &dir,
                &vars,
                &users,
                &[MAIL_IP, WRONGCERT_IP],
            )?);
            postfix::start(&server_ns, &dir, &vars, MAIL_IP)
        })();
        let fail = |e: String| format!("{e}\n{}", server_logs(&dir));
        let postfix = started.map_err(fail)?;
        Ok(World {
            server_ns,
            dir,
            ca_file: certs.ca_file,
            prefix,
            next_client: AtomicU32::new(1),
            servers: Mutex::new(servers),
            postfix,
            _reaper: Mutex::new(reaper),
        })
    }

    /// A test with a fresh client namespace linked to the servers.
    pub fn case(&'static self, name: &str) -> Case {
        self.new_case(name, true)
    }

    /// A test whose client namespace has only its loopback: no route anywhere.
    pub fn unlinked_case(&'static self, name: &str) -> Case {
        self.new_case(name, false)
    }

    fn new_case(&'static self, name: &str, linked: bool) -> Case {
        let index = self.next_client.fetch_add(1, Ordering::Relaxed);
        let ns = format!("{}c{index}", self.prefix);
        let dir = self.dir.join("clients").join(&ns);
        let link = linked.then_some((DNS_IP, SERVER_NET));
        match ClientNs::create(&self.server_ns, ns, index, dir, link) {
            Ok(client) => Case {
                world: self,
                client,
                name: name.to_string(),
            },
            Err(e) => panic!("cannot create the client namespace for {name}: {e}"),
        }
    }

    /// Lines of server log `log` that mention client address `ip`.
    pub fn log_lines(&self, log: Log, ip: Ipv4Addr) -> Vec<String> {
        let text = fs::read_to_string(self.dir.join(log.file())).unwrap_or_default();
        let ip = ip.to_string();
        text.lines()
            .filter(|line| mentions_ip(line, &ip))
            .map(str::to_string)
            .collect()
    }

    /// Everything the servers logged about client `ip`, plus their errors.
    pub fn logs_for(&self, ip: Ipv4Addr) -> String {
        let mut out = String::new();
        for log in Log::ALL {
            let lines = self.log_lines(log, ip);
            out.push_str(&format!(
                "--- {} lines about {ip} ({}):\n",
                log.file(),
                lines.len()
            ));
            out.push_str(&proc::indent(&proc::clip(&lines.join("\n"), 8000)));
            out.push('\n');
        }
        out.push_str(&server_errors(&self.dir));
        out
    }

    /// Stops Postfix now (it is the one server that runs detached).
    pub fn stop_postfix(&self) {
        self.postfix.stop(&self.server_ns);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Log {
    Dovecot,
    Postfix,
    Dns,
}

impl Log {
    pub const ALL: [Log; 3] = [Log::Dovecot, Log::Postfix, Log::Dns];

    pub fn file(self) -> &'static str {
        match self {
            Log::Dovecot => "dovecot.log",
            Log::Postfix => "postfix.log",
            Log::Dns => "dnsmasq.log",
        }
    }
}

/// `line` names `ip` as a whole address (10.231.101.2, not 10.231.101.23).
fn mentions_ip(line: &str, ip: &str) -> bool {
    line.match_indices(ip).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + ip.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit() || c == '.')
            && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// Error lines of every server log, and their start-up output.
fn server_errors(dir: &Path) -> String {
    let mut out = String::from("--- server errors and warnings:\n");
    for file in ["dovecot.log", "postfix.log", "dnsmasq.log"] {
        let text = fs::read_to_string(dir.join(file)).unwrap_or_default();
        for line in text.lines().filter(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("error")
                || l.contains("fatal")
                || l.contains("warning")
                || l.contains("panic")
        }) {
            out.push_str(&format!("    {file}: {line}\n"));
        }
    }
    out
}

fn server_logs(dir: &Path) -> String {
    let mut out = String::new();
    for file in [
        "dovecot.out",
        "dovecot.log",
        "postfix.log",
        "dnsmasq.out",
        "dnsmasq.log",
    ] {
        let text = fs::read_to_string(dir.join(file)).unwrap_or_default();
        out.push_str(&format!(
            "--- {file}:\n{}\n",
            proc::indent(&proc::clip(&text, 4000))
        ));
    }
    out
}

/// Starts `reaper.sh` in its own process group (so Ctrl-C on the test does
/// not stop it) with a pipe only this process holds.
fn start_reaper(prefix: &str, dir: &Path) -> Result<ChildStdin, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/reaper.sh");
    let mut child = Command::new("sh")
        .arg(&script)
        .arg(prefix)
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", script.display()))?;
    child
        .stdin
        .take()
        .ok_or_else(|| "reaper has no stdin".to_string())
}

/// One test: a fresh client namespace (removed on drop) and the shared servers.
pub struct Case {
    pub world: &'static World,
    pub client: ClientNs,
    pub name: String,
}

impl Case {
    /// A file in this test's scratch directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.client.dir.join(name)
    }

    pub fn logs(&self) -> String {
        self.world.logs_for(self.client.ip)
    }

    /// Log lines of `log` about this test's client.
    pub fn log_lines(&self, log: Log) -> Vec<String> {
        self.world.log_lines(log, self.client.ip)
    }

    /// Waits up to `limit` for `done` to hold on this client's lines of `log`.
    pub fn wait_log(
        &self,
        log: Log,
        limit: Duration,
        done: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            let lines = self.log_lines(log);
            if done(&lines) || std::time::Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Panics with `message`, this client's server logs and nothing else.
    pub fn fail(&self, message: impl std::fmt::Display) -> ! {
        panic!("[{}] {message}\n\n{}", self.name, self.logs())
    }
}

#[cfg(test)]
mod tests {
    use super::mentions_ip;

    #[test]
    fn ip_matches_whole_addresses_only() {
        assert!(mentions_ip(
            "rip=10.231.101.2, lip=10.231.1.10",
            "10.231.101.2"
        ));
        assert!(mentions_ip("unknown[10.231.101.2]", "10.231.101.2"));
        assert!(!mentions_ip("rip=10.231.101.23,", "10.231.101.2"));
        assert!(!mentions_ip("rip=110.231.101.2,", "10.231.101.2"));
    }
}
