use clap::Parser;
use danhgia_server::config::{Cli, Command};
use danhgia_server::store::Location;
use danhgia_server::{AppState, Config, Db, LinkSigner, app, auth, cli, demo, net, throttle, tls};
use std::time::Duration;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    let args = Cli::parse();
    let serving = matches!(args.command, None | Some(Command::Serve));
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| {
            // The operator's commands print their own lines; only problems are logged.
            EnvFilter::new(if serving { "info" } else { "warn" })
        }))
        // Colours only for a terminal: logs read by programs stay plain.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_writer(std::io::stderr)
        .init();
    let outcome = match args.command {
        None | Some(Command::Serve) => match tokio::runtime::Runtime::new() {
            Ok(rt) => rt.block_on(serve(args.config)).map(|()| String::new()),
            Err(e) => Err(e.to_string()),
        },
        Some(command) => run_command(&args.config, command),
    };
    match outcome {
        Ok(line) => {
            if !line.is_empty() {
                println!("{line}");
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            // One clear line, never a traceback.
            eprintln!("danhgia-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn open_db(config: &Config) -> Result<Db, String> {
    danhgia_server::config::create_data_dir(&config.data_dir)?;
    let location = Location::from_config(config.database_url.as_deref(), &config.data_dir)?;
    Db::open(&location).map_err(|e| e.to_string())
}

fn run_command(config: &Config, command: Command) -> Result<String, String> {
    let db = open_db(config)?;
    match command {
        Command::Serve => Ok(String::new()),
        Command::Init { agency_code, agency_name, agency_level, username, full_name } => {
            cli::init(&db, &agency_code, &agency_name, &agency_level, &username, full_name.as_deref())
        }
        Command::ResetPassword { username } => cli::reset_password(&db, &username),
        Command::Backup { file } => cli::backup(&db, &file),
    }
}

/// The base of every printed link: the configured public URL, else the
/// address served (this machine's LAN address when listening on all).
fn public_url(config: &Config, bound: std::net::SocketAddr) -> String {
    if let Some(url) = &config.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let scheme = if config.tls() { "https" } else { "http" };
    let host = if bound.ip().is_unspecified() {
        tls::machine_names(&[])
            .into_iter()
            .find(|n| n.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_ipv4() && !ip.is_loopback()))
            .unwrap_or_else(|| "127.0.0.1".into())
    } else {
        bound.ip().to_string()
    };
    let host = if host.contains(':') { format!("[{host}]") } else { host };
    format!("{scheme}://{host}:{}", bound.port())
}

async fn serve(config: Config) -> Result<(), String> {
    let db = tokio::task::block_in_place(|| open_db(&config))?;
    tracing::info!(backend = ?db.backend(), schema = db.schema_version(), "database ready");
    // Start-up work is synchronous database work: off the async runtime
    // (PostgreSQL's client blocks on a runtime of its own).
    let links = tokio::task::block_in_place(|| LinkSigner::load_or_create(&db, &config.data_dir))?;
    if config.faults.any() {
        tracing::warn!(faults = ?config.faults, "FAULT INJECTION IS ON: rating requests will fail on purpose (tests only)");
    }
    if config.demo {
        let (rules, size) = (danhgia_core::RuleBook::builtin(), config.demo_dossiers);
        let seeded = tokio::task::block_in_place(|| {
            db.write_blocking(|sql| demo::seed(sql, &rules, danhgia_server::api::today(), size))
        });
        if seeded.map_err(|e| e.to_string())? {
            tracing::info!("seeded the demo district of Triệu Phong");
        }
    }
    // Agency codes hold no '-' since dossier codes start with them and one:
    // one from before the rule still works but is named by no import.
    let hyphenated: Vec<String> = tokio::task::block_in_place(|| {
        db.read_blocking(|sql| {
            sql.column("SELECT id FROM agencies WHERE id LIKE '%-%' ORDER BY id", danhgia_server::params![])
        })
    })
    .map_err(|e| e.to_string())?;
    if !hyphenated.is_empty() {
        tracing::warn!(
            agencies = %hyphenated.join(", "),
            "agency codes with '-' (dossier codes start with an agency's code and a '-'): imports no longer name them; create each again without the '-' and deactivate it"
        );
    }
    if !config.dist.join("index.html").is_file() {
        tracing::warn!(dist = %config.dist.display(), "the PWA is not built: pages will be missing (run ./run.sh)");
    }
    let mut trial_ca = None;
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(tls::from_files(cert, key)?),
        _ if config.tls_self_signed => {
            let mut extra = config.tls_names.clone();
            if let Some(host) = config.public_url.as_deref().and_then(host_of) {
                extra.push(host);
            }
            let (tls, ca) = tls::self_signed(&config.data_dir, tls::machine_names(&extra))?;
            trial_ca = Some(ca);
            Some(tls)
        }
        _ => None,
    };
    let listener = TcpListener::bind((config.host, config.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", config.host, config.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let base_url = public_url(&config, addr);
    if config.public_url.is_none() && addr.ip().is_unspecified() {
        tracing::warn!("slip links use {base_url}: set --public-url to the address phones should use");
    }
    if let Some(tls) = &tls {
        tracing::info!("certificate SHA-256 fingerprint: {}", tls.fingerprint);
        if let Some(ca) = &trial_ca {
            for name in tls.names.iter().filter(|n| *n != "::1") {
                let host = if name.contains(':') { format!("[{name}]") } else { name.clone() };
                tracing::info!("https link: https://{host}:{}/", addr.port());
            }
            tracing::info!(
                "trial CA SHA-256 fingerprint: {ca} (install {base_url}{} once on each phone and tablet; check this fingerprint)",
                tls::TRIAL_CA_PATH
            );
        }
    }
    if config.demo {
        let signer = &links;
        let count = config.demo_links;
        let found =
            tokio::task::block_in_place(|| db.read_blocking(|sql| demo::unrated_links(sql, signer, &base_url, count)))
                .map_err(|e| e.to_string())?;
        for (url, check_code) in found {
            tracing::info!("demo citizen link: {url} check_code={check_code}");
        }
        tracing::info!(
            "demo officer: username={} password={} (every agency has canbo.<its code>; the district office is vanphong)",
            demo::DEMO_OFFICER,
            demo::DEMO_PASSWORD
        );
    }
    let (limits, tls_config) = (net::Limits::of(&config), tls.map(|t| t.config));
    let state = AppState::new(db.clone(), config, links, base_url);
    tokio::spawn(housekeeping(db));
    let scheme = if tls_config.is_some() { "https" } else { "http" };
    tracing::info!("listening on {scheme}://{addr}");
    net::serve(listener, app(state), tls_config, limits, shutdown_signal()).await;
    tracing::info!("stopped");
    Ok(())
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?']).next()?;
    let host = if let Some(v6) = host.strip_prefix('[') { v6.split(']').next()? } else { host.split(':').next()? };
    (!host.is_empty()).then(|| host.to_owned())
}

/// Forgets what no limit or session needs any more, every ten minutes.
async fn housekeeping(db: Db) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = auth::unix_now();
        let pruned = db
            .write(move |sql| {
                let events = throttle::prune(sql, now)?;
                let sessions =
                    sql.execute("DELETE FROM sessions WHERE expires_at < $1", danhgia_server::params![now])?;
                Ok::<_, danhgia_server::store::DbError>(events + sessions)
            })
            .await;
        if let Err(e) = pruned {
            tracing::warn!("housekeeping failed: {e}");
        }
    }
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
