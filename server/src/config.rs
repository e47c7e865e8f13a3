//! Start-up settings: flags, each with an environment variable, and the
//! commands an operator runs (`init`, `reset-password`, `backup`).

use clap::{Parser, Subcommand};
use std::net::IpAddr;
use std::path::PathBuf;

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
}

impl Faults {
    pub fn any(&self) -> bool {
        self.fault_fail > 0.0 || self.fault_drop > 0.0 || self.fault_latency_ms > 0
    }

    /// True with probability `share`.
    pub fn roll(share: f64) -> bool {
        let mut bytes = [0u8; 4];
        share > 0.0
            && getrandom::fill(&mut bytes).is_ok()
            && f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX) < share
    }
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
