//! The fixture every API test starts from: the real router over a real
//! database seeded with the demo district (Triệu Phong, H45), plus a second
//! district (Hải Lăng, H46) with accounts of its own, to attack across.
//!
//! The database is a SQLite file, or — when `DANHGIA_TEST_DATABASE_URL`
//! names a PostgreSQL server (`postgres://user@host:port/postgres`) — a
//! fresh PostgreSQL database made for the test and dropped after it.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use danhgia_core::wire::{BatchResults, DossierPublic, Session};
use danhgia_core::{CivilDate, RuleBook};
use danhgia_server::net::PeerAddr;
use danhgia_server::scope::Role;
use danhgia_server::store::{Backend, Location};
use danhgia_server::{AppState, Config, Db, LinkSigner, app, auth, demo, params};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::net::SocketAddr;
use tower::ServiceExt;

pub const PASSWORD: &str = demo::DEMO_PASSWORD;
pub const PUBLIC_URL: &str = "https://danhgia.example";
pub const ID1: &str = "11111111-1111-4111-8111-111111111111";
pub const ID2: &str = "22222222-2222-4222-9222-222222222222";

/// A throw-away PostgreSQL database, dropped with the fixture.
pub struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        // Off the test's runtime: the synchronous client runs its own.
        let _ = std::thread::spawn(move || {
            if let Ok(mut c) = postgres::Client::connect(&url, postgres::NoTls) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        })
        .join();
    }
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub router: axum::Router,
    pub db: Db,
    pub state: AppState,
    /// Unrated, returned demo dossiers: (code, token, check code).
    pub unrated: Vec<(String, String, String)>,
    /// Where the database is (for a second server on it).
    pub location: Location,
    _pg: Option<PgDatabase>,
}

pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {} {}", self.status, self.body))
    }

    pub fn code(&self) -> String {
        let v: Value = self.json();
        v["code"].as_str().unwrap_or_default().to_owned()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }
}

/// The header row of a dossier import (`POST /api/v1/dossiers`, text/csv).
pub const DOSSIER_CSV_HEADER: &str = "ma_ho_so,thu_tuc,co_quan,can_bo,ngay_tiep_nhan,ngay_hen_tra,ngay_tra\n";

/// Which database the tests run on.
pub fn backend_location(dir: &std::path::Path) -> (Location, Option<PgDatabase>) {
    match std::env::var("DANHGIA_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        None => (Location::Sqlite(dir.join("danhgia.sqlite3")), None),
        Some(admin_url) => {
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes).unwrap();
            let name = format!("danhgia_t_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
            let url = {
                let (base, _) = admin_url.rsplit_once('/').unwrap();
                format!("{base}/{name}")
            };
            let (a, n) = (admin_url.clone(), name.clone());
            std::thread::spawn(move || {
                let mut c = postgres::Client::connect(&a, postgres::NoTls).expect("the test PostgreSQL answers");
                c.batch_execute(&format!("CREATE DATABASE {n}")).unwrap();
            })
            .join()
            .unwrap();
            (Location::Postgres(url), Some(PgDatabase { admin_url, name }))
        }
    }
}

pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

/// The demo district and a second district (H46) with a commune, an office,
/// an officer, an admin and one returned dossier.
pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>danhgia</title><script>boot()</script>").unwrap();
    std::fs::write(dist.join("danhgia-0123456789abcdef.js"), "export {}").unwrap();
    let data_dir = dir.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let (location, pg) = backend_location(&data_dir);
    let config = Config { data_dir: data_dir.clone(), dist, demo: true, demo_links: 0, ..Config::defaults() };
    let at = location.clone();
    let (db, links, unrated) = blocking(move || {
        let db = Db::open(&at).unwrap();
        let links = LinkSigner::load_or_create(&db, &data_dir).unwrap();
        let rules = RuleBook::builtin();
        db.write_blocking(|sql| demo::seed(sql, &rules, CivilDate::new(2026, 11, 27).unwrap(), 360)).unwrap();
        let hash = auth::hash_password(PASSWORD).unwrap();
        db.write_blocking(|sql| {
            sql.execute("INSERT INTO agencies (id, name, level) VALUES ('H46', 'UBND huyện Hải Lăng', 'district')", params![])?;
            sql.execute(
                "INSERT INTO agencies (id, name, level, parent_id) VALUES ('H46.01', 'UBND xã Hải An', 'commune', 'H46')",
                params![],
            )?;
            for (user, agency, role) in [
                ("vanphong.h46", "H46", Role::Office),
                ("canbo.h46.01", "H46.01", Role::Officer),
                ("quantri.h46", "H46", Role::Admin),
            ] {
                auth::create_account(sql, user, &hash, user, agency, role, false)?;
            }
            sql.execute(
                "INSERT INTO dossiers (code, procedure_name, agency_id, received_on, appointed_on, returned_on, ruleset_version)
                 VALUES ('H46.01-261101-0001', 'Đăng ký khai sinh', 'H46.01', '2026-11-01', '2026-11-02', '2026-11-02', $1)",
                params![&RuleBook::builtin().for_date(CivilDate::new(2026, 11, 1).unwrap()).unwrap().version],
            )?;
            Ok::<_, danhgia_server::store::DbError>(())
        })
        .unwrap();
        let unrated = db
            .read_blocking(|sql| demo::unrated_links(sql, &links, "", 10))
            .unwrap()
            .into_iter()
            .map(|(url, check)| {
                let (path, token) = url.split_once("?t=").unwrap();
                (path.trim_start_matches("/r/").replace("%2F", "/"), token.to_owned(), check)
            })
            .collect();
        (db, links, unrated)
    })
    .await;
    let state = AppState::new(db.clone(), config, links, PUBLIC_URL.into());
    let router = app(state.clone());
    Fixture { dir, router, db, state, unrated, location, _pg: pg }
}

pub fn on_postgres() -> bool {
    std::env::var("DANHGIA_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

impl Fixture {
    /// A router over the same database and data folder, as after a restart.
    pub fn restarted(&self) -> axum::Router {
        app(self.state.clone())
    }

    pub async fn send_from(&self, peer: SocketAddr, mut req: Request<Body>) -> Answer {
        req.extensions_mut().insert(PeerAddr(peer));
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let content_type =
            headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Answer { status, content_type, headers, body }
    }

    pub async fn send(&self, req: Request<Body>) -> Answer {
        self.send_from("198.51.100.7:40000".parse().unwrap(), req).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn post(&self, path: &str, body: String) -> Answer {
        let req = Request::post(path).header(header::CONTENT_TYPE, "application/json").body(Body::from(body)).unwrap();
        self.send(req).await
    }

    pub async fn rate(&self, records: Vec<Value>) -> BatchResults {
        let answer = self.post("/api/v1/ratings", json!({ "records": records }).to_string()).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.json()
    }

    pub async fn count(&self, query: &str) -> i64 {
        let (db, q) = (self.db.clone(), query.to_owned());
        blocking(move || db.read_blocking(|s| s.one::<i64>(&q, params![])).unwrap()).await
    }

    pub async fn exec(&self, statement: &str) {
        let (db, q) = (self.db.clone(), statement.to_owned());
        blocking(move || db.write_blocking(|s| s.execute(&q, params![])).unwrap()).await;
    }

    pub async fn text(&self, query: &str) -> Option<String> {
        let (db, q) = (self.db.clone(), query.to_owned());
        blocking(move || db.read_blocking(|s| s.opt::<String>(&q, params![])).unwrap()).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Answer {
        let body = json!({ "username": username, "password": password }).to_string();
        self.post("/api/v1/auth/login", body).await
    }

    /// A sign-in from the client address `peer`.
    pub async fn login_from(&self, peer: SocketAddr, username: &str, password: &str) -> Answer {
        let body = json!({ "username": username, "password": password }).to_string();
        let req = Request::post("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap();
        self.send_from(peer, req).await
    }

    /// Signs in and returns the token.
    pub async fn token(&self, username: &str) -> String {
        let answer = self.login(username, PASSWORD).await;
        assert_eq!(answer.status, StatusCode::OK, "{username}: {}", answer.body);
        answer.json::<Session>().token
    }

    pub async fn with_bearer(&self, method: &str, path: &str, token: &str, body: Option<String>) -> Answer {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.map(Body::from).unwrap_or_default())
            .unwrap();
        self.send(req).await
    }

    pub async fn csv(&self, path: &str, token: &str, body: String) -> Answer {
        self.csv_bytes(path, token, body.into_bytes()).await
    }

    /// A file posted as it is, whatever its encoding.
    pub async fn csv_bytes(&self, path: &str, token: &str, body: Vec<u8>) -> Answer {
        let req = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// A complete online record for one of the unrated dossiers.
    pub async fn online_record(&self, n: usize, id: &str) -> Value {
        let (code, token, _) = &self.unrated[n];
        let dossier: DossierPublic = self.get(&format!("/api/v1/dossiers/{code}?t={token}")).await.json();
        record_for(&dossier, id, "online", Some(token))
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }
}

/// A complete record for `dossier` on `channel`, every asked question
/// answered with its first option (paper: blank).
pub fn record_for(dossier: &DossierPublic, id: &str, channel: &str, token: Option<&str>) -> Value {
    let book = RuleBook::builtin();
    let rules = book.by_version(&dossier.ruleset_version).unwrap();
    let dates = dossier.dates().unwrap();
    let answers: serde_json::Map<String, Value> = danhgia_core::rating::form_for(rules, &dates)
        .iter()
        .filter(|q| q.is_asked())
        .map(|q| (q.question.key.to_owned(), json!(if channel == "paper" { "blank" } else { q.question.choices[0].0 })))
        .collect();
    let mut record = json!({
        "id": id, "dossier_code": dossier.code, "channel": channel,
        "ruleset_version": rules.version, "answers": answers, "comment": "Cán bộ nhiệt tình",
        "client_time": "2026-11-27T08:00:00.000Z"
    });
    if let Some(t) = token {
        record["citizen_token"] = json!(t);
    }
    record
}
