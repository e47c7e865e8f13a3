//! Start-up settings: flags, each with an environment variable.

use clap::Parser;
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Parser)]
#[command(name = "danhgia-server", version, about = "Serves the danhgia PWA and its API over embedded SQLite")]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "DANHGIA_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on (0 picks a free one; the log says which).
    #[arg(long, env = "PORT", default_value_t = 8080)]
    pub port: u16,
    /// Folder for the SQLite file and the server's secret; created if missing.
    #[arg(long, env = "DANHGIA_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The built PWA (Trunk's output).
    #[arg(long, env = "DANHGIA_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Seed the demo district (Triệu Phong) into an empty database.
    #[arg(long, env = "DANHGIA_DEMO")]
    pub demo: bool,
    /// How many dossiers the demo district gets.
    #[arg(long, default_value_t = 360)]
    pub demo_dossiers: usize,
    /// How many citizen links of unrated demo dossiers to print at start.
    #[arg(long, default_value_t = 3)]
    pub demo_links: usize,
    /// The address people reach this server at, for printed links
    /// (default: http://HOST:PORT as bound).
    #[arg(long, env = "DANHGIA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Fault injection, for tests only (off unless set).
    #[command(flatten)]
    pub faults: Faults,
}

/// Makes `POST /api/v1/ratings` misbehave on purpose, to prove that clients
/// lose nothing and count nothing twice. Never set in production.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Faults {
    /// Share (0–1) of rating requests answered 500 before anything is stored.
    #[arg(long, env = "DANHGIA_FAULT_FAIL", default_value_t = 0.0)]
    pub fault_fail: f64,
    /// Share (0–1) of rating requests whose answer is lost after the batch was stored.
    #[arg(long, env = "DANHGIA_FAULT_DROP", default_value_t = 0.0)]
    pub fault_drop: f64,
    /// Extra latency for every rating request, in milliseconds.
    #[arg(long, env = "DANHGIA_FAULT_LATENCY_MS", default_value_t = 0)]
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
