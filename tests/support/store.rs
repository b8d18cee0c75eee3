//! A tiny tmpfs the test mounts and fills, for "disk full" (store cause 1).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::proc;

/// A mounted tmpfs; unmounted on drop (the reaper also unmounts leftovers).
pub struct FullDisk {
    pub mount: PathBuf,
    /// A Maildir with cur/new/tmp inside the full filesystem.
    pub maildir: PathBuf,
}

impl FullDisk {
    /// Mounts a `size_kib` tmpfs at `mount`, creates a Maildir and fills the
    /// filesystem until it reports ENOSPC.
    pub fn create(mount: &Path, size_kib: u32) -> Result<FullDisk, String> {
        fs::create_dir_all(mount).map_err(|e| format!("{}: {e}", mount.display()))?;
        proc::run_ok(
            Command::new("mount")
                .args(["-t", "tmpfs", "-o"])
                .arg(format!("size={size_kib}k,mode=0755"))
                .arg("mailfix-test-full")
                .arg(mount),
            Duration::from_secs(10),
        )?;
        let disk = FullDisk {
            mount: mount.to_path_buf(),
            maildir: mount.join("Maildir"),
        };
        for sub in ["cur", "new", "tmp"] {
            let path = disk.maildir.join(sub);
            fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let filler = mount.join("filler");
        let mut file =
            fs::File::create(&filler).map_err(|e| format!("{}: {e}", filler.display()))?;
        let block = [0x55u8; 4096];
        let end = loop {
            match file.write_all(&block).and_then(|()| file.flush()) {
                Ok(()) => continue,
                Err(e) => break e,
            }
        };
        if end.raw_os_error() != Some(libc::ENOSPC) {
            return Err(format!(
                "filling {} ended with {end}, not ENOSPC",
                mount.display()
            ));
        }
        let _ = file.sync_all();
        Ok(disk)
    }

    /// Bytes still free for an ordinary user, by statvfs.
    pub fn available(&self) -> io::Result<u64> {
        let path = std::ffi::CString::new(self.mount.as_os_str().as_encoded_bytes())
            .map_err(io::Error::other)?;
        // SAFETY: statvfs(3) with a NUL-terminated path and a zeroed struct.
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(path.as_ptr(), &mut st) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(st.f_bavail * st.f_frsize)
    }
}

impl Drop for FullDisk {
    fn drop(&mut self) {
        let _ = proc::run(
            Command::new("umount").arg("-l").arg(&self.mount),
            Duration::from_secs(10),
        );
    }
}
