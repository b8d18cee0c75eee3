//! Dovecot (IMAP 143/993, POP3 110/995) from `tests/servers/dovecot.conf`,
//! in the foreground inside the server namespace, all state in the temp dir.

use std::fs;
use std::net::{Ipv4Addr, SocketAddr};
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use super::netns;
use super::template;
use super::wire::wait_listening;

/// uid/gid of `nobody`/`nogroup`, owner of the test mailboxes.
const MAIL_UID: u32 = 65534;

/// `users`: `(user, password)` pairs for the passwd-file.
pub fn start(
    server_ns: &str,
    dir: &Path,
    vars: &[(&str, String)],
    users: &[(&str, &str)],
    listen: &[Ipv4Addr],
) -> Result<Child, String> {
    let home = dir.join("home");
    fs::create_dir_all(&home).map_err(|e| format!("{}: {e}", home.display()))?;
    chown(&home, Some(MAIL_UID), Some(MAIL_UID)).map_err(|e| format!("chown home: {e}"))?;
    let passwd: String = users
        .iter()
        .map(|(user, pass)| {
            let local = user.split('@').next().unwrap_or(user);
            format!(
                "{user}:{pass}:{MAIL_UID}:{MAIL_UID}::{}/{local}::\n",
                home.display()
            )
        })
        .collect();
    let users_file = dir.join("users");
    fs::write(&users_file, passwd).map_err(|e| format!("{}: {e}", users_file.display()))?;
    fs::set_permissions(&users_file, fs::Permissions::from_mode(0o644))
        .map_err(|e| e.to_string())?;

    let conf = dir.join("dovecot.conf");
    template::render_to("dovecot.conf", vars, &conf)?;
    let out = fs::File::create(dir.join("dovecot.out")).map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let mut child = netns::exec(server_ns, "dovecot")
        .arg("-F")
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start dovecot: {e}"))?;
    let addrs: Vec<SocketAddr> = listen
        .iter()
        .flat_map(|ip| [110, 143, 993, 995].map(|port| SocketAddr::from((*ip, port))))
        .collect();
    if let Err(e) = wait_listening(
        server_ns,
        &addrs,
        Some(&mut child),
        "dovecot",
        Duration::from_secs(15),
    ) {
        let _ = child.kill();
        let _ = child.wait();
        return Err(e);
    }
    Ok(child)
}
