//! The sample files of `tests/data/real_import/`, filled in for the
//! harness's servers and put where each client keeps them, and the scratch
//! `HOME` of a mail client user around them.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::support::check::Check;
use crate::support::template::fill_file;
use crate::support::world::Case;
use crate::support::{ALICE, MAIL_HOST, PASSWORD, WRONG_PASSWORD};

pub const SAMPLES: &str = "tests/data/real_import";
pub const PASSWORD_FILE: &str = ".mail-password";
pub const EMPTY_PASSWORD_FILE: &str = ".mail-password-empty";
/// Where `mbsyncrc` expects the CA (`CertificateFile ~/…`).
pub const HOME_CA: &str = ".cert/mailfix-test-ca.pem";
/// The Maildir `mbsyncrc` syncs INBOX into (its `Inbox`).
pub const HOME_INBOX: &str = "Mail/alice/INBOX";
/// The same for `mbsyncrc-old`.
pub const OLD_INBOX: &str = "Maildir/old/INBOX";

/// The test's `HOME` as a mail client user has it: the password files, the
/// CA where `mbsyncrc` names it, the Maildirs mbsync made.
pub fn prepare_home(case: &Case) -> PathBuf {
    let home = case.home();
    let ca = home.join(HOME_CA);
    let done = (|| -> std::io::Result<()> {
        fs::create_dir_all(&home)?;
        write_private(&home.join(PASSWORD_FILE), &format!("{PASSWORD}\n"))?;
        write_private(&home.join(EMPTY_PASSWORD_FILE), "")?;
        fs::create_dir_all(ca.parent().unwrap_or(&home))?;
        fs::copy(&case.world.ca_file, &ca)?;
        for inbox in [HOME_INBOX, OLD_INBOX] {
            for sub in ["cur", "new", "tmp"] {
                fs::create_dir_all(home.join(inbox).join(sub))?;
            }
        }
        Ok(())
    })();
    if let Err(e) = done {
        case.fail(format!("cannot prepare {}: {e}", home.display()));
    }
    home
}

pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    fs::write(path, text)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

/// Fills sample `name` with the harness's server, user, passwords and CA
/// and writes it to `dest`.
pub fn stage(case: &Case, name: &str, dest: &Path) -> PathBuf {
    let vars = [
        ("HOST", MAIL_HOST.to_string()),
        ("USER", ALICE.to_string()),
        ("USER_URL", ALICE.replace('@', "%40")),
        ("PASSWORD", PASSWORD.to_string()),
        ("WRONG_PASSWORD", WRONG_PASSWORD.to_string()),
        ("CA_FILE", case.world.ca_file.display().to_string()),
    ];
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(SAMPLES)
        .join(name);
    if let Some(dir) = dest.parent() {
        let _ = fs::create_dir_all(dir);
    }
    fill_file(&source, &vars, dest).unwrap_or_else(|e| case.fail(e));
    let _ = fs::set_permissions(dest, fs::Permissions::from_mode(0o600));
    dest.to_path_buf()
}

/// Where a sample goes.
#[derive(Debug, Clone, Copy)]
pub enum Place {
    /// The client's usual place under `HOME`: found without `--file`.
    UsualInHome(&'static str),
    /// The client's usual place under `XDG_CONFIG_HOME`: found without `--file`.
    UsualInConfig(&'static str),
    /// Elsewhere under `HOME`: named with `--file`.
    Elsewhere(&'static str),
}

/// A foreign file, where it is, and what the test trusts the CA through.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub kind: &'static str,
    pub name: &'static str,
    pub place: Place,
    /// The client has no CA setting in this file: the test CA is trusted
    /// through `SSL_CERT_FILE`, as the client itself would trust it.
    pub ca_from_env: bool,
}

pub const MSMTP: Sample = Sample {
    kind: "msmtp",
    name: "msmtprc",
    place: Place::UsualInHome(".msmtprc"),
    ca_from_env: false,
};
pub const MBSYNC: Sample = Sample {
    kind: "mbsync",
    name: "mbsyncrc",
    place: Place::UsualInHome(".mbsyncrc"),
    ca_from_env: false,
};
pub const MBSYNC_OLD: Sample = Sample {
    kind: "mbsync",
    name: "mbsyncrc-old",
    place: Place::Elsewhere("old/mbsyncrc"),
    ca_from_env: false,
};
pub const MBSYNC_STARTTLS: Sample = Sample {
    kind: "isync",
    name: "mbsyncrc-starttls",
    place: Place::Elsewhere("starttls/mbsyncrc"),
    ca_from_env: false,
};
pub const AERC: Sample = Sample {
    kind: "aerc",
    name: "accounts.conf",
    place: Place::UsualInConfig("aerc/accounts.conf"),
    ca_from_env: true,
};
pub const HIMALAYA_V1: Sample = Sample {
    kind: "himalaya",
    name: "himalaya-v1.toml",
    place: Place::UsualInConfig("himalaya/config.toml"),
    ca_from_env: true,
};
pub const HIMALAYA_LEGACY: Sample = Sample {
    kind: "himalaya",
    name: "himalaya-legacy.toml",
    place: Place::Elsewhere("himalaya/legacy/config.toml"),
    ca_from_env: true,
};

impl Sample {
    /// Fills the sample into its place in the test's scratch directories.
    pub fn stage(self, case: &Case) -> PathBuf {
        let dest = match self.place {
            Place::UsualInHome(rel) | Place::Elsewhere(rel) => case.home().join(rel),
            Place::UsualInConfig(rel) => case.xdg_config_home().join(rel),
        };
        stage(case, self.name, &dest)
    }
}

/// `mailfix check --json --from KIND [--file FILE] ACCOUNT` on `sample`,
/// staged in the test's scratch directories (`--file` only when it is not
/// at the client's usual place).
pub fn check_from<'c>(case: &'c Case, sample: Sample, account: &str) -> Check<'c> {
    let file = sample.stage(case);
    let mut cmd = case.mailfix(&["check", "--json", "--from", sample.kind]);
    if let Place::Elsewhere(_) = sample.place {
        cmd.arg("--file").arg(&file);
    }
    cmd.arg(account);
    if sample.ca_from_env {
        cmd.env("SSL_CERT_FILE", &case.world.ca_file);
    }
    case.run_check(cmd, account)
}
