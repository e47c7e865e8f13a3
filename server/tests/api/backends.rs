//! Several servers on one database behave as one (#15), and bad database
//! configuration fails at start with one clear line.

use crate::common::*;
use danhgia_core::wire::{BatchResults, RecordStatus, Session};
use danhgia_server::{AppState, Db, LinkSigner, app};
use serde_json::json;
use std::process::Command;

/// A second server process on the same database: its own pool and state.
async fn second_server(f: &Fixture) -> axum::Router {
    let location = f.location.clone();
    let (config, data_dir) = ((*f.state.config).clone(), f.state.config.data_dir.clone());
    blocking(move || {
        let db = Db::open(&location).unwrap();
        let links = LinkSigner::load_or_create(&db, &data_dir).unwrap();
        app(AppState::new(db, config, links, PUBLIC_URL.into()))
    })
    .await
}

async fn post(router: &axum::Router, path: &str, token: Option<&str>, body: String) -> Answer {
    use axum::body::Body;
    use axum::http::{Request, header};
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let mut req = req.body(Body::from(body)).unwrap();
    req.extensions_mut().insert(danhgia_server::net::PeerAddr("198.51.100.9:1".parse().unwrap()));
    let res = router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer { status, content_type: String::new(), headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

/// The same record sent at once, many times, to two servers: one accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicates_on_two_servers_are_accepted_once() {
    let f = fixture().await;
    let other = second_server(&f).await;
    let record = f.online_record(0, ID1).await;
    let body = json!({ "records": [record.clone()] }).to_string();
    let mut sends = Vec::new();
    for n in 0..16 {
        let router = if n % 2 == 0 { f.router.clone() } else { other.clone() };
        let body = body.clone();
        sends.push(tokio::spawn(async move { post(&router, "/api/v1/ratings", None, body).await }));
    }
    let mut statuses = Vec::new();
    for s in sends {
        let answer = s.await.unwrap();
        assert_eq!(answer.status, axum::http::StatusCode::OK, "{}", answer.body);
        statuses.push(answer.json::<BatchResults>().results[0].status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == RecordStatus::Accepted).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| matches!(s, RecordStatus::Accepted | RecordStatus::Duplicate)));
    let code = record["dossier_code"].as_str().unwrap();
    assert_eq!(f.count(&format!("SELECT count(*) FROM ratings WHERE dossier_code = '{code}'")).await, 1);
    assert_eq!(f.count(&format!("SELECT count(*) FROM rating_conflicts WHERE dossier_code = '{code}'")).await, 0);
}

/// A session made on one server works on the other; a limit hit on one holds on the other.
#[tokio::test]
async fn sessions_and_limits_are_shared_by_the_servers() {
    let f = fixture().await;
    let other = second_server(&f).await;
    let body = json!({ "username": "canbo.h45.03", "password": PASSWORD }).to_string();
    let session: Session = post(&f.router, "/api/v1/auth/login", None, body).await.json();
    let me = {
        use axum::body::Body;
        use axum::http::{Request, header};
        use tower::ServiceExt;
        let req = Request::get("/api/v1/auth/me")
            .header(header::AUTHORIZATION, format!("Bearer {}", session.token))
            .body(Body::empty())
            .unwrap();
        other.clone().oneshot(req).await.unwrap().status()
    };
    assert_eq!(me, axum::http::StatusCode::OK);
    // Five wrong passwords on the first server; the sixth try, on the second, waits.
    for _ in 0..5 {
        let wrong = json!({ "username": "vanphong", "password": "sai" }).to_string();
        assert_eq!(
            post(&f.router, "/api/v1/auth/login", None, wrong).await.status,
            axum::http::StatusCode::UNAUTHORIZED
        );
    }
    let right = json!({ "username": "vanphong", "password": PASSWORD }).to_string();
    assert_eq!(post(&other, "/api/v1/auth/login", None, right).await.status, axum::http::StatusCode::TOO_MANY_REQUESTS);
    // Both sign citizen links with the same key.
    let (code, token, _) = &f.unrated[0];
    let code = danhgia_core::DossierCode::parse(code).unwrap();
    assert_eq!(&f.state.links.token(&code), token);
}

fn server_fails_with(args: &[&str], env: &[(&str, &str)]) -> String {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_danhgia-server"))
        .args(["--data-dir", data.path().to_str().unwrap(), "--port", "0"])
        .args(args)
        .envs(env.iter().copied())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the server must not start");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one clear line, no traceback: {stderr}");
    lines[0].to_owned()
}

#[test]
fn bad_database_configuration_fails_with_one_clear_line() {
    // Nothing listens on port 1.
    let unreachable = server_fails_with(&["--database-url", "postgres://danhgia:x@127.0.0.1:1/danhgia"], &[]);
    assert!(unreachable.contains("cannot connect to PostgreSQL database danhgia at 127.0.0.1:1"), "{unreachable}");
    let not_a_url = server_fails_with(&["--database-url", "mysql://x"], &[]);
    assert!(not_a_url.contains("postgres://"), "{not_a_url}");

    // A SQLite file migrated by a newer server.
    let data = tempfile::tempdir().unwrap();
    rusqlite::Connection::open(data.path().join("danhgia.sqlite3"))
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_danhgia-server"))
        .args(["--data-dir", data.path().to_str().unwrap(), "--port", "0"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.trim().lines().count() == 1, "{stderr}");
    assert!(stderr.contains("migrated by a newer danhgia-server"), "{stderr}");

    let Some(admin) = std::env::var("DANHGIA_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) else { return };
    // A wrong password.
    let wrong = admin.replacen(":danhgia@", ":not-the-password@", 1);
    let refused = server_fails_with(&["--database-url", &wrong], &[]);
    assert!(refused.contains("password authentication failed"), "{refused}");
    // A PostgreSQL database migrated by a newer server.
    let dir = tempfile::tempdir().unwrap();
    let (location, _db) = backend_location(dir.path());
    let danhgia_server::store::Location::Postgres(url) = location else { unreachable!() };
    let u = url.clone();
    std::thread::spawn(move || {
        drop(Db::open_postgres(&u).unwrap());
        let mut c = postgres::Client::connect(&u, postgres::NoTls).unwrap();
        c.batch_execute("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 'later')").unwrap();
    })
    .join()
    .unwrap();
    let newer = server_fails_with(&["--database-url", &url], &[]);
    assert!(newer.contains("migrated by a newer danhgia-server"), "{newer}");
}

/// A ratings batch that finds a dossier import being stored waits for it at
/// most 2 s, then is answered `503 busy` with `Retry-After` (the app sends
/// it again), storing nothing; sent again once the import is done, it is
/// stored. (SQLite runs one writer at a time: nothing to wait for there.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ratings_behind_a_long_import_are_answered_busy_and_stored_when_sent_again() {
    if !on_postgres() {
        return;
    }
    let f = fixture().await;
    let danhgia_server::store::Location::Postgres(url) = f.location.clone() else { unreachable!() };
    // An import holding its lock, until told to finish.
    let (finish, finished) = std::sync::mpsc::channel::<()>();
    let (holding, held) = std::sync::mpsc::channel::<()>();
    let import = std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let mut t = c.transaction().unwrap();
        t.query("SELECT pg_advisory_xact_lock(hashtext($1))", &[&danhgia_server::import::IMPORT_LOCK]).unwrap();
        holding.send(()).unwrap();
        let _ = finished.recv();
        t.rollback().unwrap();
    });
    held.recv().unwrap();
    let record = f.online_record(0, ID1).await;
    let code = record["dossier_code"].as_str().unwrap().to_owned();
    let body = json!({ "records": [record] }).to_string();
    let busy = f.post("/api/v1/ratings", body.clone()).await;
    assert_eq!(busy.status, axum::http::StatusCode::SERVICE_UNAVAILABLE, "{}", busy.body);
    assert_eq!(busy.code(), "busy");
    assert_eq!(busy.header("retry-after"), "2");
    assert_eq!(f.count(&format!("SELECT count(*) FROM ratings WHERE dossier_code = '{code}'")).await, 0);
    finish.send(()).unwrap();
    import.join().unwrap();
    let stored = f.post("/api/v1/ratings", body).await;
    assert_eq!(stored.status, axum::http::StatusCode::OK, "{}", stored.body);
    assert_eq!(stored.json::<BatchResults>().results[0].status, RecordStatus::Accepted);
    assert_eq!(f.count(&format!("SELECT count(*) FROM ratings WHERE dossier_code = '{code}'")).await, 1);
}
