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
    /// How many citizen links of unrated demo dossiers to print at start.
    #[arg(long, default_value_t = 3)]
    pub demo_links: usize,
    /// The address people reach this server at, for printed links
    /// (default: http://HOST:PORT as bound).
    #[arg(long, env = "DANHGIA_PUBLIC_URL")]
    pub public_url: Option<String>,
}
