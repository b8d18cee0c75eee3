//! Postfix (25 plain+STARTTLS, 587 submission, 465 submissions) from the
//! templates in `tests/servers/postfix/`, started with `postfix -c DIR start`
//! inside the server namespace. Every transport is `discard:`.

use std::fs;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::netns;
use super::proc::{self, run_daemonizing, run_ok};
use super::template;
use super::wire::wait_listening;

pub struct Postfix {
    pub conf_dir: PathBuf,
}

pub fn start(
    server_ns: &str,
    dir: &Path,
    vars: &[(&str, String)],
    listen: Ipv4Addr,
) -> Result<Postfix, String> {
    let conf_dir = dir.join("postfix-conf");
    let mut vars = vars.to_vec();
    vars.push(("CONF", conf_dir.display().to_string()));
    for sub in ["postfix-conf", "postfix-queue", "postfix-data"] {
        let path = dir.join(sub);
        fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for name in ["main.cf", "master.cf", "sender_logins"] {
        template::render_to(&format!("postfix/{name}"), &vars, &conf_dir.join(name))?;
    }
    let limit = Duration::from_secs(30);
    run_ok(
        Command::new("chown")
            .arg("postfix:postfix")
            .arg(dir.join("postfix-data")),
        limit,
    )?;
    let postfix = |action: &str| {
        let mut cmd = netns::exec(server_ns, "postfix");
        cmd.arg("-c").arg(&conf_dir).arg(action);
        cmd
    };
    // `start` creates the missing queue directories itself (check-fatal).
    run_daemonizing(&mut postfix("start"), limit, &dir.join("postfix-start.out"))?;
    let addrs = [25, 465, 587].map(|port| SocketAddr::from((listen, port)));
    wait_listening(server_ns, &addrs, None, "postfix", Duration::from_secs(15))?;
    Ok(Postfix { conf_dir })
}

impl Postfix {
    /// Stops the master daemon (the reaper also ends it by pid at exit).
    pub fn stop(&self, server_ns: &str) {
        let mut cmd = netns::exec(server_ns, "postfix");
        cmd.arg("-c").arg(&self.conf_dir).arg("stop");
        let _ = proc::run(&mut cmd, Duration::from_secs(15));
    }
}
