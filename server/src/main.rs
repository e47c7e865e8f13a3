use clap::Parser;
use danhgia_core::{CivilDate, RuleBook};
use danhgia_server::{AppState, Config, Db, LinkSigner, app, demo};
use std::sync::Arc;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        // Colours only for a terminal: logs read by programs stay plain.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    match run(Config::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Today in Vietnam (UTC+7), where the desks are.
fn today_in_vietnam() -> CivilDate {
    let now =
        time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
    CivilDate::new(now.year() as u16, u8::from(now.month()), now.day()).unwrap_or_else(|_| unreachable!())
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("cannot create data folder {}: {e}", config.data_dir.display()))?;
    let db_path = config.data_dir.join("danhgia.sqlite3");
    let db = Db::open(&db_path)?;
    tracing::info!(path = %db_path.display(), "database ready");
    let links = Arc::new(LinkSigner::load_or_create(&config.data_dir)?);
    let rules = Arc::new(RuleBook::builtin());
    if config.faults.any() {
        tracing::warn!(faults = ?config.faults, "FAULT INJECTION IS ON: rating requests will fail on purpose (tests only)");
    }
    if config.demo && demo::seed(&mut db.lock(), &rules, today_in_vietnam(), config.demo_dossiers)? {
        tracing::info!("seeded the demo district of Triệu Phong");
    }
    if !config.dist.join("index.html").is_file() {
        tracing::warn!(dist = %config.dist.display(), "the PWA is not built: pages will be missing (run ./run.sh)");
    }
    let listener = TcpListener::bind((config.host, config.port)).await?;
    let addr = listener.local_addr()?;
    let base_url = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    if config.demo {
        for (url, check_code) in demo::unrated_links(&db.lock(), &links, &base_url, config.demo_links)? {
            tracing::info!("demo citizen link: {url} check_code={check_code}");
        }
        tracing::info!(
            "demo officer: username={} password={} (every agency has canbo.<its code>; the district office is vanphong)",
            demo::DEMO_OFFICER,
            demo::DEMO_PASSWORD
        );
    }
    let state = AppState { db, config: Arc::new(config), rules, links };
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, let requests in flight finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
