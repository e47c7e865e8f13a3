//! Start-up settings: flags, each with an environment variable, and the
//! commands an operator runs (`init`, `reset-password`, `backup`).

use clap::{Parser, Subcommand};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Parser)]
#[command(
    name = "danhgia-server",
    version,
    about = "Serves the danhgia PWA and its API over SQLite (or PostgreSQL)",
    after_help = "Without a command the server serves. First run on an empty data folder: \
                  danhgia-server init --agency-code H45 --agency-name 'UBND huyện …' --username admin"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the PWA and the API (the default).
    Serve,
    /// First run: create the top agency (the district) and its first admin
    /// account; prints a one-time password, to be changed at first sign-in.
    Init {
        /// The agency's code, e.g. H45.
        #[arg(long)]
        agency_code: String,
        /// The agency's name, e.g. "UBND huyện Triệu Phong".
        #[arg(long)]
        agency_name: String,
        /// `district` (default) or `province`.
        #[arg(long, default_value = "district")]
        agency_level: String,
        /// The first administrator's user name.
        #[arg(long)]
        username: String,
        /// The administrator's full name (default: the user name).
        #[arg(long)]
        full_name: Option<String>,
    },
    /// A new one-time password for an account (a lost admin password); ends
    /// the account's sessions.
    ResetPassword {
        /// The account's user name.
        username: String,
    },
    /// A consistent copy of the SQLite database, taken while the server
    /// serves (SQLite's online backup). Restore: stop the server, replace
    /// `danhgia.sqlite3` in the data folder with the copy, start it.
    Backup {
        /// Where to write the copy (it must not exist).
        file: PathBuf,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "DANHGIA_HOST", default_value = "127.0.0.1", global = true)]
    pub host: IpAddr,
    /// Port to listen on (0 picks a free one; the log says which).
    #[arg(long, env = "PORT", default_value_t = 8080, global = true)]
    pub port: u16,
    /// Folder for the SQLite file and the TLS certificate; created if missing
    /// (readable by the server's user only).
    #[arg(long, env = "DANHGIA_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// PostgreSQL instead of SQLite: postgres://user:password@host:5432/db.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// The built PWA (Trunk's output).
    #[arg(long, env = "DANHGIA_DIST", default_value = "dist", global = true)]
    pub dist: PathBuf,
    /// Seed the demo district (Triệu Phong) into an empty database.
    #[arg(long, env = "DANHGIA_DEMO", global = true)]
    pub demo: bool,
    /// How many dossiers the demo district gets.
    #[arg(long, default_value_t = 360, global = true)]
    pub demo_dossiers: usize,
    /// How many citizen links of unrated demo dossiers to print at start.
    #[arg(long, default_value_t = 3, global = true)]
    pub demo_links: usize,
    /// The address people reach this server at, for the links on slips,
    /// e.g. https://danhgia.trieuphong.gov.vn. Links are built only from it
    /// (default: the address served, https when TLS is on).
    #[arg(long, env = "DANHGIA_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// TLS certificate chain (PEM), with --tls-key: serve HTTPS.
    #[arg(long, env = "DANHGIA_TLS_CERT", requires = "tls_key", global = true)]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, env = "DANHGIA_TLS_KEY", requires = "tls_cert", global = true)]
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS with a self-signed certificate for this machine's
    /// addresses (kept in the data folder): for a trial on a local network.
    #[arg(long, env = "DANHGIA_TLS_SELF_SIGNED", conflicts_with = "tls_cert", global = true)]
    pub tls_self_signed: bool,
    /// Extra names for the self-signed certificate (comma-separated).
    #[arg(long, value_delimiter = ',', global = true)]
    pub tls_names: Vec<String>,
    /// Behind a reverse proxy on this machine: take the client's address
    /// from X-Forwarded-For (only when the connection comes from loopback).
    #[arg(long, env = "DANHGIA_TRUST_PROXY", global = true)]
    pub trust_proxy: bool,
    /// Most connections served at once; more wait to be accepted.
    #[arg(long, default_value_t = 1024, global = true)]
    pub max_connections: usize,
    /// Most connections from one client address at once (not counted for
    /// loopback with --trust-proxy).
    #[arg(long, default_value_t = 64, global = true)]
    pub max_connections_per_address: usize,
    /// A request's headers must arrive within this (milliseconds); a
    /// connection with no request in flight for this long is closed.
    #[arg(long, default_value_t = 10_000, global = true)]
    pub header_timeout_ms: u64,
    /// A request's body may pause at most this long (milliseconds).
    #[arg(long, default_value_t = 15_000, global = true)]
    pub body_timeout_ms: u64,
    /// Fault injection, for tests only (off unless set).
    #[command(flatten)]
    pub faults: Faults,
}

impl Config {
    /// Defaults, as if started with no flags (for tests).
    pub fn defaults() -> Config {
        Cli::parse_from(["danhgia-server"]).config
    }

    pub fn tls(&self) -> bool {
        self.tls_self_signed || self.tls_cert.is_some()
    }
}

/// Makes `POST /api/v1/ratings` misbehave on purpose, to prove that clients
/// lose nothing and count nothing twice. Never set in production.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Faults {
    /// Share (0–1) of rating requests answered 500 before anything is stored.
    #[arg(long, env = "DANHGIA_FAULT_FAIL", default_value_t = 0.0, global = true)]
    pub fault_fail: f64,
    /// Share (0–1) of rating requests whose answer is lost after the batch was stored.
    #[arg(long, env = "DANHGIA_FAULT_DROP", default_value_t = 0.0, global = true)]
    pub fault_drop: f64,
    /// Extra latency for every rating request, in milliseconds.
    #[arg(long, env = "DANHGIA_FAULT_LATENCY_MS", default_value_t = 0, global = true)]
    pub fault_latency_ms: u64,
    /// Makes the faults a fixed sequence (the n-th failure roll and the n-th
    /// lost-answer roll of a process always come out the same), so a test
    /// sees the same faults whatever the timing. Random without it.
    #[arg(long, env = "DANHGIA_FAULT_SEED", global = true)]
    pub fault_seed: Option<u64>,
    #[arg(skip)]
    rolls: Arc<[AtomicU64; 2]>,
}

/// Which kind of fault a roll decides.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    Fail = 0,
    Drop = 1,
}

impl Faults {
    pub fn any(&self) -> bool {
        self.fault_fail > 0.0 || self.fault_drop > 0.0 || self.fault_latency_ms > 0
    }

    /// Whether this request gets the fault: true with the fault's share.
    pub fn roll(&self, fault: Fault) -> bool {
        let share = match fault {
            Fault::Fail => self.fault_fail,
            Fault::Drop => self.fault_drop,
        };
        if share <= 0.0 {
            return false;
        }
        let value = match self.fault_seed {
            Some(seed) => {
                let n = self.rolls[fault as usize].fetch_add(1, Ordering::Relaxed);
                (splitmix64(seed ^ (fault as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(n)) >> 32) as u32
            }
            None => {
                let mut bytes = [0u8; 4];
                if getrandom::fill(&mut bytes).is_err() {
                    return false;
                }
                u32::from_le_bytes(bytes)
            }
        };
        f64::from(value) / f64::from(u32::MAX) < share
    }
}

/// SplitMix64's output function: well-spread values from consecutive inputs.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The data folder, created readable by the server's user only (0700); an
/// existing one open to others is narrowed.
pub fn create_data_dir(dir: &std::path::Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| format!("cannot create data folder {}: {e}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(dir)
            && meta.permissions().mode() & 0o077 != 0
            && std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).is_err()
        {
            tracing::warn!(dir = %dir.display(), "the data folder is readable by others and could not be restricted");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(seed: Option<u64>) -> Faults {
        Faults { fault_fail: 0.35, fault_drop: 0.25, fault_seed: seed, ..Faults::default() }
    }

    #[test]
    fn a_seed_fixes_each_kind_of_fault_in_order_of_rolls() {
        let sequence = |f: &Faults, kind| (0..64).map(|_| f.roll(kind)).collect::<Vec<_>>();
        let (a, b) = (faults(Some(7)), faults(Some(7)));
        // Interleaving the kinds differently changes nothing: each has its own sequence.
        let a_fail = sequence(&a, Fault::Fail);
        let a_drop = sequence(&a, Fault::Drop);
        let b_drop = sequence(&b, Fault::Drop);
        let b_fail = sequence(&b, Fault::Fail);
        assert_eq!((a_fail.clone(), a_drop.clone()), (b_fail, b_drop));
        // Roughly the shares asked for, and not one kind mirroring the other.
        let share = |v: &[bool]| v.iter().filter(|x| **x).count();
        assert!((10..=36).contains(&share(&a_fail)), "{}", share(&a_fail));
        assert!((6..=28).contains(&share(&a_drop)), "{}", share(&a_drop));
        assert_ne!(a_fail, a_drop);
        assert_ne!(sequence(&faults(Some(8)), Fault::Fail), a_fail);
        // No share, no fault, seeded or not.
        let none = Faults { fault_seed: Some(7), ..Faults::default() };
        assert!(!(0..64).any(|_| none.roll(Fault::Fail) || none.roll(Fault::Drop)));
    }
}
