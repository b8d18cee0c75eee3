//! What a report says about itself: when, by which mailfix, on what system.

use std::time::{SystemTime, UNIX_EPOCH};

/// The facts at the top of a report. [`ReportMeta::current`] reads them
/// from the running program; tests build fixed ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportMeta {
    /// mailfix's version (`0.1.0`).
    pub version: String,
    /// `Debian GNU/Linux 13 (trixie); Linux 6.12.1; x86_64`.
    pub os: String,
    /// `2025-06-01 10:20:30 UTC`.
    pub generated_at: String,
}

impl ReportMeta {
    /// This program, this system, now.
    pub fn current() -> ReportMeta {
        ReportMeta {
            version: env!("CARGO_PKG_VERSION").to_string(),
            os: os_description(),
            generated_at: utc_timestamp(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs()),
            ),
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS UTC` for seconds since 1970.
pub fn utc_timestamp(secs: u64) -> String {
    let day = crate::probe::pins::date_of(secs / 86_400);
    let s = secs % 86_400;
    format!(
        "{day} {:02}:{:02}:{:02} UTC",
        s / 3600,
        (s % 3600) / 60,
        s % 60
    )
}

/// The distribution (from os-release), the kernel and the architecture,
/// as far as they can be read.
fn os_description() -> String {
    let mut parts = Vec::new();
    if let Some(name) = ["/etc/os-release", "/usr/lib/os-release"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .and_then(|text| pretty_name(&text))
    {
        parts.push(name);
    }
    parts.push(match kernel() {
        Some((system, release)) => format!("{system} {release}"),
        None => std::env::consts::OS.to_string(),
    });
    parts.push(std::env::consts::ARCH.to_string());
    parts.join("; ")
}

/// `PRETTY_NAME` of an os-release file, unquoted.
fn pretty_name(os_release: &str) -> Option<String> {
    let value = os_release
        .lines()
        .find_map(|l| l.trim().strip_prefix("PRETTY_NAME="))?;
    let value = value.trim().trim_matches(['"', '\'']).trim();
    (!value.is_empty()).then(|| value.chars().take(100).collect())
}

/// The kernel's name and release from uname(2).
fn kernel() -> Option<(String, String)> {
    // SAFETY: utsname is plain old data; uname fills it and returns 0 on
    // success. The fields are NUL-terminated C strings within the struct.
    let mut uts: libc::utsname = unsafe { std::mem::zeroed() };
    if unsafe { libc::uname(&mut uts) } != 0 {
        return None;
    }
    let field = |chars: &[libc::c_char]| {
        let bytes: Vec<u8> = chars
            .iter()
            .take_while(|c| **c != 0)
            .map(|c| *c as u8)
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Some((field(&uts.sysname), field(&uts.release)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(0, "1970-01-01 00:00:00 UTC")]
    #[case(1_700_000_000, "2023-11-14 22:13:20 UTC")]
    #[case(951_825_600, "2000-02-29 12:00:00 UTC")]
    fn timestamps(#[case] secs: u64, #[case] want: &str) {
        assert_eq!(utc_timestamp(secs), want);
    }

    #[rstest]
    #[case(
        "NAME=Debian\nPRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\n",
        Some("Debian GNU/Linux 13 (trixie)")
    )]
    #[case("PRETTY_NAME=Arch\n", Some("Arch"))]
    #[case("PRETTY_NAME=\"\"\n", None)]
    #[case("NAME=x\n", None)]
    fn os_release(#[case] text: &str, #[case] want: Option<&str>) {
        assert_eq!(pretty_name(text).as_deref(), want);
    }

    #[test]
    fn the_current_system_is_described() {
        let meta = ReportMeta::current();
        assert_eq!(meta.version, env!("CARGO_PKG_VERSION"));
        assert!(meta.os.ends_with(std::env::consts::ARCH), "{}", meta.os);
        assert!(meta.generated_at.ends_with(" UTC"));
    }
}
