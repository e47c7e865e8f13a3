//! Issue #12's findings, each attacked again: the attack, then the refusal,
//! then proof that nothing changed.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use danhgia_core::wire::{DossierPublic, RecordStatus, Session};
use serde_json::{Value, json};
use std::net::SocketAddr;

fn peer(n: u8) -> SocketAddr {
    SocketAddr::from(([203, 0, 113, n], 50000))
}

async fn guess(f: &Fixture, from: SocketAddr, code: &str, check: &str) -> Answer {
    f.send_from(from, Request::get(format!("/api/v1/dossiers/{code}?check={check}")).body(Body::empty()).unwrap()).await
}

fn wrong(check: &str) -> String {
    format!("{:06}", (check.parse::<u32>().unwrap() + 1) % 1_000_000)
}

/// #1: at most 10 wrong check codes per dossier code per hour, 30 per
/// address per 10 minutes; 429 with Retry-After; the limit outlives a restart.
#[tokio::test]
async fn check_code_guessing_is_limited_per_code_and_per_address() {
    let f = fixture().await;
    let (code, _, check) = f.unrated[0].clone();
    for n in 0..10u8 {
        let answer = guess(&f, peer(n), &code, &wrong(&check)).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "guess {n}");
    }
    // The eleventh guess, even the right one and from a new address, waits.
    for (from, check) in [(peer(50), wrong(&check)), (peer(51), check.clone())] {
        let limited = guess(&f, from, &code, &check).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(limited.code(), "too_many_attempts");
        assert!(limited.content_type.starts_with("application/json"));
        let retry: i64 = limited.header("retry-after").parse().unwrap();
        assert!((1..=3600).contains(&retry), "{retry}");
        assert!(!limited.body.contains(&code) || !limited.body.contains("token"), "no dossier leaks");
    }
    // Another dossier's right code still opens it.
    let (other, token, other_check) = f.unrated[1].clone();
    let opened: DossierPublic = guess(&f, peer(52), &other, &other_check).await.json();
    assert_eq!(opened.token, token);

    // Per address: 30 wrong codes over many dossiers, then 429 for any.
    let from = peer(99);
    for n in 0..30usize {
        let (code, _, check) = &f.unrated[2 + n % 8];
        let answer = guess(&f, from, code, &wrong(check)).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "guess {n}");
    }
    let (code, _, check) = &f.unrated[9];
    assert_eq!(guess(&f, from, code, check).await.status, StatusCode::TOO_MANY_REQUESTS);

    // A restarted server remembers.
    let again = f.restarted();
    let mut req = Request::get(format!("/api/v1/dossiers/{code}?check={check}")).body(Body::empty()).unwrap();
    req.extensions_mut().insert(danhgia_server::net::PeerAddr(from));
    let res = tower::ServiceExt::oneshot(again, req).await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// #5: wrong passwords per user name and per address, with growing delays.
#[tokio::test]
async fn sign_in_guessing_is_limited_with_growing_delays() {
    let f = fixture().await;
    let attempt = |user: &'static str, password: &'static str, n: u8| f.login_from(peer(n), user, password);
    for n in 0..5 {
        assert_eq!(attempt("vanphong", "sai-mat-khau", n).await.status, StatusCode::UNAUTHORIZED);
    }
    let limited = attempt("vanphong", PASSWORD, 9).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let first: i64 = limited.header("retry-after").parse().unwrap();
    assert!(first > 0 && first <= 30, "{first}");
    assert_eq!(
        f.count("SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = 'vanphong'")
            .await,
        0
    );
    // One more failure (once the wait is over) doubles the wait.
    f.exec("UPDATE throttle_events SET at = at - 31 WHERE kind = 'login_user'").await;
    assert_eq!(attempt("vanphong", "sai", 9).await.status, StatusCode::UNAUTHORIZED);
    let longer: i64 = attempt("vanphong", PASSWORD, 9).await.header("retry-after").parse().unwrap();
    assert!(longer > first, "{longer} > {first}");
    // Another user from the same addresses is not affected.
    assert_eq!(attempt("canbo.h45.03", PASSWORD, 1).await.status, StatusCode::OK);

    // Per address: 20 wrong passwords for many names, then the address waits.
    for n in 0..20 {
        let user = ["a1x", "b2y", "c3z", "d4w"][n % 4];
        assert_eq!(attempt(user, "x", 77).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt("canbo.h45.04", PASSWORD, 77).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(attempt("canbo.h45.04", PASSWORD, 78).await.status, StatusCode::OK);
}

/// An office shares one address: after an officer's typos (and others')
/// filled the address's count, an administrator's password reset lets that
/// officer sign in with the one-time password; the others' failures still
/// count, so the address limit still holds against guessing.
#[tokio::test]
async fn a_password_reset_lifts_the_officers_failures_from_the_shared_address() {
    let f = fixture().await;
    let admin = f.token("quantri.h45").await;
    let office: SocketAddr = "203.0.113.9:50000".parse().unwrap();
    let attempt = async |user: &str, password: &str| f.login_from(office, user, password).await.status;
    // 5 wrong each for three officers, 5 for names nobody has: 20.
    for user in ["canbo.h45.03", "canbo.h45.04", "vanphong", "khong.co.ai"] {
        for _ in 0..5 {
            assert_eq!(attempt(user, "sai-mat-khau").await, StatusCode::UNAUTHORIZED, "{user}");
        }
    }
    assert_eq!(attempt("canbo.h45.05", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "the address waits");
    let id = f.text("SELECT CAST(id AS TEXT) FROM accounts WHERE username = 'canbo.h45.03'").await.unwrap();
    let reset = f.with_bearer("POST", &format!("/api/v1/accounts/{id}/reset-password"), &admin, None).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    let one_time = reset.json::<Value>()["password"].as_str().unwrap().to_owned();
    assert_eq!(attempt("canbo.h45.03", &one_time).await, StatusCode::OK, "the reset lifted the officer's failures");
    // 15 failures still count: 5 more wrong from the office, and it waits again.
    for _ in 0..5 {
        assert_eq!(attempt("ai.do", "x").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt("canbo.h45.05", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
}

/// #5: the health check answers while sign-ins are being hashed (argon2
/// never holds a database connection).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_serves_while_passwords_are_hashed() {
    let f = std::sync::Arc::new(fixture().await);
    let mut flood = Vec::new();
    for n in 0..12u8 {
        let f = f.clone();
        flood.push(tokio::spawn(async move { f.login_from(peer(n), "canbo.h45.05", "wrong").await.status }));
    }
    for _ in 0..10 {
        assert_eq!(f.get("/api/v1/health").await.status, StatusCode::OK);
    }
    for task in flood {
        let status = task.await.unwrap();
        assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS, "{status}");
    }
}

/// #6: names that are formulas come out of the CSV export as text; a
/// reason with a bare carriage return is refused at entry.
#[tokio::test]
async fn csv_exports_never_hold_live_formulas() {
    let f = fixture().await;
    let office = f.token("vanphong").await;
    let evil = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"];
    let mut csv = String::from("ma_ho_so,thu_tuc,co_quan,can_bo,ngay_tiep_nhan,ngay_hen_tra,ngay_tra\n");
    for (n, name) in evil.iter().enumerate() {
        csv += &format!(
            "H45.03-250801-09{n:02},\"{}\",H45.03,\"{}\",01/08/2025,02/08/2025,02/08/2025\n",
            name.replace('"', "\"\""),
            name.replace('"', "\"\"")
        );
    }
    let report = f.csv("/api/v1/dossiers", &office, csv).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let entry = json!({ "agency_id": "H45.03", "period": { "year": 2025, "quarter": 3 }, "indicator": 6,
                        "verified": 1.0, "reason": "thiếu\rbiểu mẫu K7" });
    let refused = f.with_bearer("PUT", "/api/v1/agency-scores", &office, Some(entry.to_string())).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert_eq!(f.count("SELECT count(*) FROM agency_scores WHERE reason LIKE '%K7%'").await, 0);

    let export = f.with_bearer("GET", "/api/v1/reports/export?year=2025&quarter=3&format=csv", &office, None).await;
    assert_eq!(export.status, StatusCode::OK);
    let text = export.body.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let cells: Vec<String> =
        reader.records().flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()).collect();
    for name in evil {
        assert!(cells.iter().any(|c| *c == format!("'{name}")), "{name} neutralised");
        assert!(!cells.iter().any(|c| c == name), "{name} left live");
    }
    assert!(cells.iter().all(|c| !c.starts_with(['=', '+', '@', '\t', '\r'])));
}

/// #8: every answer carries the security headers; the CSP allows the
/// build's inline scripts by hash and nothing inline besides.
#[tokio::test]
async fn answers_carry_security_headers() {
    let f = fixture().await;
    for path in ["/", "/r/H45-1?t=x", "/api/v1/health", "/api/v1/nope"] {
        let a = f.get(path).await;
        let csp = a.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{path}: {csp}");
        assert!(csp.contains("'sha256-"), "{path}: the inline script is allowed by its hash");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(a.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(a.header("x-frame-options"), "DENY", "{path}");
        assert_eq!(a.header("referrer-policy"), "no-referrer", "{path}");
        assert!(a.header("permissions-policy").contains("camera=(self)"), "{path}");
        assert_eq!(a.header("strict-transport-security"), "", "no HSTS without a real certificate");
    }
}

/// #9: one token cannot pile up set-aside ratings; the report lists a
/// period's set-asides, a page at a time.
#[tokio::test]
async fn set_aside_ratings_are_bounded() {
    let f = fixture().await;
    let first = f.online_record(0, ID1).await;
    assert_eq!(f.rate(vec![first.clone()]).await.results[0].status, RecordStatus::Accepted);
    let records: Vec<Value> = (0..100)
        .map(|n| {
            let mut r = first.clone();
            r["id"] = json!(format!("{n:08x}-aaaa-4aaa-8aaa-{n:012x}"));
            r["comment"] = json!(format!("lần {n}"));
            r
        })
        .collect();
    let results = f.rate(records).await.results;
    assert_eq!(results[0].status, RecordStatus::Conflict);
    assert!(
        results[1..]
            .iter()
            .all(|r| r.status == RecordStatus::Duplicate && r.reason.as_deref() == Some("already_rated"))
    );
    let code = first["dossier_code"].as_str().unwrap();
    assert_eq!(f.count(&format!("SELECT count(*) FROM rating_conflicts WHERE dossier_code = '{code}'")).await, 1);
}

/// #10: half-sent headers and a promised body that never comes are cut;
/// past the connection cap, connections wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_and_connections_capped() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let f = fixture().await;
    let mut config = (*f.state.config).clone();
    config.header_timeout_ms = 300;
    config.body_timeout_ms = 300;
    config.max_connections = 2;
    config.max_connections_per_address = 16;
    let mut state = f.state.clone();
    state.config = std::sync::Arc::new(config.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(danhgia_server::net::serve(
        listener,
        danhgia_server::app(state),
        None,
        danhgia_server::net::Limits::of(&config),
        async move {
            let _ = stopped.await;
        },
    ));
    // Everything the server sends until it closes the connection; `None`
    // if it has not closed it after 5 s.
    let read_all = |mut s: tokio::net::TcpStream| async move {
        let mut out = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await.is_ok();
        closed.then(|| String::from_utf8_lossy(&out).into_owned())
    };

    // Headers never finished: the server closes the connection.
    let mut half = tokio::net::TcpStream::connect(addr).await.unwrap();
    half.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let answer = read_all(half).await.expect("the server closed the half-sent request");
    assert!(!answer.contains("200 OK"), "{answer}");

    // A body promised but never sent: 408, in JSON.
    let mut silent = tokio::net::TcpStream::connect(addr).await.unwrap();
    silent
        .write_all(b"POST /api/v1/ratings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{")
        .await
        .unwrap();
    let answer = read_all(silent).await.expect("the server answered and closed");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"body_timeout\""), "{answer}");

    // Two silent connections fill the cap: a third waits, until the server
    // closes the silent ones (no request within the header timeout).
    let a = tokio::net::TcpStream::connect(addr).await.unwrap();
    let b = tokio::net::TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    third.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut first_bytes = [0u8; 12];
    let early = tokio::time::timeout(Duration::from_millis(150), third.read(&mut first_bytes)).await;
    assert!(early.is_err(), "served past the cap");
    let answer = read_all(third).await.expect("served once the silent ones were closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    for silent in [a, b] {
        assert_eq!(read_all(silent).await.as_deref(), Some(""), "a silent connection is closed by the server");
    }
    let _ = stop.send(());
    let _ = server.await;
}

/// #11: sign-out revokes the session on the server; idle sessions end.
#[tokio::test]
async fn sessions_end_on_logout_and_when_idle() {
    let f = fixture().await;
    let token = f.token(danhgia_server::demo::DEMO_OFFICER).await;
    assert_eq!(f.with_bearer("GET", "/api/v1/auth/me", &token, None).await.status, StatusCode::OK);
    assert_eq!(f.with_bearer("POST", "/api/v1/auth/logout", &token, None).await.status, StatusCode::NO_CONTENT);
    let after = f.with_bearer("GET", "/api/v1/dossiers", &token, None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.code(), "unauthorized");

    let idle = f.token(danhgia_server::demo::DEMO_OFFICER).await;
    f.exec("UPDATE sessions SET last_seen_at = last_seen_at - 4 * 24 * 3600").await;
    assert_eq!(f.with_bearer("GET", "/api/v1/dossiers", &idle, None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(f.count("SELECT count(*) FROM sessions").await, 0, "the idle session is gone");
}

/// #13, #14: bad parameters get JSON errors with stable codes, never 500
/// or plain text; so do unknown methods.
#[tokio::test]
async fn every_api_error_is_json() {
    let f = fixture().await;
    let office = f.token("vanphong").await;
    let admin = f.token("quantri.h45").await;
    type Case<'a> = (&'a str, &'a str, &'a str, Option<String>, StatusCode, &'a str);
    let cases: Vec<Case> = vec![
        ("GET", "/api/v1/reports?year=1", &office, None, StatusCode::BAD_REQUEST, "bad_period"),
        ("GET", "/api/v1/reports?year=99999", &office, None, StatusCode::BAD_REQUEST, "bad_query"),
        ("GET", "/api/v1/reports?year=2025&quarter=9", &office, None, StatusCode::BAD_REQUEST, "bad_period"),
        ("GET", "/api/v1/reports?quarter=1", &office, None, StatusCode::BAD_REQUEST, "bad_query"),
        ("GET", "/api/v1/dossiers?limit=abc", &office, None, StatusCode::BAD_REQUEST, "bad_query"),
        ("PATCH", "/api/v1/officials/abc", &admin, Some("{}".into()), StatusCode::BAD_REQUEST, "bad_path"),
        ("DELETE", "/api/v1/health", &office, None, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        ("PUT", "/api/v1/ratings", &office, None, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        ("PUT", "/api/v1/agency-scores", &office, Some("{".into()), StatusCode::BAD_REQUEST, "bad_json"),
        ("POST", "/api/v1/agencies", &admin, Some("{\"id\": 1}".into()), StatusCode::BAD_REQUEST, "bad_json"),
        ("GET", "/api/v1/slips?returned_on=2025-13-01", &office, None, StatusCode::BAD_REQUEST, "bad_date"),
        ("GET", "/api/v1/slips", &office, None, StatusCode::BAD_REQUEST, "bad_query"),
    ];
    for (method, path, token, body, status, code) in cases {
        let a = f.with_bearer(method, path, token, body).await;
        assert_eq!(a.status, status, "{method} {path}: {}", a.body);
        assert!(a.content_type.starts_with("application/json"), "{method} {path}: {}", a.content_type);
        assert_eq!(a.code(), code, "{method} {path}");
    }
}

/// #15: every commit is synced to disk before it is answered.
#[tokio::test]
async fn sqlite_commits_are_durable() {
    let f = fixture().await;
    if f.backend() != danhgia_server::store::Backend::Sqlite {
        return;
    }
    assert_eq!(f.count("PRAGMA synchronous").await, 2, "FULL");
}

/// #16: slip links come from the configured address, never the Host header.
#[tokio::test]
async fn slip_links_ignore_the_host_header() {
    let f = fixture().await;
    let token = f.token("canbo.h45").await;
    let (code, _, _) = &f.unrated[0];
    let req = Request::get(format!("/api/v1/slips/{code}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::HOST, "evil.example")
        .header("x-forwarded-host", "evil.example")
        .body(Body::empty())
        .unwrap();
    let slip: danhgia_core::wire::SlipData = f.send(req).await.json();
    assert!(slip.link.starts_with(PUBLIC_URL), "{}", slip.link);
    assert!(!slip.link.contains("evil") && !slip.qr_svg.contains("evil"));
}

/// #17: request logs carry paths, never query strings (tokens, check codes).
/// The log is caught by a process-wide subscriber of the request log only:
/// one set for this thread alone missed events now and then while other
/// tests ran (tracing caches, per call site, whether anyone listens).
#[tokio::test]
async fn logs_never_carry_tokens_or_check_codes() {
    use std::sync::{Arc, Mutex, OnceLock};
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static SINK: OnceLock<Sink> = OnceLock::new();
    let sink = SINK.get_or_init(|| {
        use tracing_subscriber::prelude::*;
        let sink = Sink::default();
        let writer = sink.clone();
        let requests =
            tracing_subscriber::filter::Targets::new().with_target("danhgia_server::net", tracing::Level::DEBUG);
        tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(move || writer.clone()).with_filter(requests))
            .try_init()
            .expect("no other test sets a global subscriber");
        sink
    });
    let f = fixture().await;
    let (code, token, check) = f.unrated[0].clone();
    assert_eq!(f.get(&format!("/api/v1/dossiers/{code}?t={token}")).await.status, StatusCode::OK);
    assert_eq!(f.get(&format!("/api/v1/dossiers/{code}?check={check}")).await.status, StatusCode::OK);
    f.get(&format!("/r/{code}?t={token}")).await;
    let logged = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains(&format!("/api/v1/dossiers/{code}")), "requests are logged: {logged}");
    assert!(!logged.contains(&token) && !logged.contains(&format!("check={check}")), "{logged}");
}

/// #18: the import has its own limit, large enough for 20,000 rows.
#[tokio::test]
async fn large_imports_fit_and_huge_ones_are_refused() {
    let f = fixture().await;
    let office = f.token("vanphong").await;
    let mut csv = String::from("ma_ho_so,thu_tuc,co_quan,can_bo,nguoi_nop,ngay_tiep_nhan,ngay_hen_tra,ngay_tra\n");
    for n in 0..6000 {
        csv += &format!(
            "H45.02-250301-{n:04}X,Chứng thực bản sao từ bản chính giấy tờ,H45.02,Nguyễn Văn An,Trần Thị Bình,01/03/2025,02/03/2025,02/03/2025\n"
        );
    }
    assert!(csv.len() > 600 * 1024, "{}", csv.len());
    let report = f.csv("/api/v1/dossiers", &office, csv).await;
    assert_eq!(report.status, StatusCode::OK, "{}", &report.body[..200.min(report.body.len())]);
    assert_eq!(report.json::<danhgia_core::wire::ImportReport>().created, 6000);
    let huge = "x".repeat(9 * 1024 * 1024);
    let refused = f.csv("/api/v1/dossiers", &office, huge).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(refused.code(), "too_large");
}

/// #19: the database and the data folder are the server user's only.
#[tokio::test]
async fn data_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    danhgia_server::config::create_data_dir(&data).unwrap();
    assert_eq!(std::fs::metadata(&data).unwrap().permissions().mode() & 0o777, 0o700);
    let db_path = data.join("danhgia.sqlite3");
    let db = blocking({
        let p = db_path.clone();
        move || danhgia_server::Db::open_sqlite(&p).unwrap()
    })
    .await;
    assert_eq!(std::fs::metadata(&db_path).unwrap().permissions().mode() & 0o777, 0o600);
    let copy = dir.path().join("copy.sqlite3");
    blocking(move || db.backup_sqlite(&copy).map(|()| copy))
        .await
        .map(|copy| {
            assert_eq!(std::fs::metadata(copy).unwrap().permissions().mode() & 0o777, 0o600);
        })
        .unwrap();
    // An existing folder open to everyone is narrowed.
    let open = dir.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
    danhgia_server::config::create_data_dir(&open).unwrap();
    assert_eq!(std::fs::metadata(&open).unwrap().permissions().mode() & 0o777, 0o700);
}

/// #20: a malformed Authorization header is refused, never taken as anonymous.
#[tokio::test]
async fn malformed_authorization_is_refused() {
    let f = fixture().await;
    let (code, token, _) = f.unrated[0].clone();
    for value in ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer ", "bearer abc", "Token abc"] {
        let req = Request::get(format!("/api/v1/dossiers/{code}?t={token}"))
            .header(header::AUTHORIZATION, value)
            .body(Body::empty())
            .unwrap();
        let a = f.send(req).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{value}");
        assert_eq!(a.code(), "unauthorized", "{value}");
    }
    let record = f.online_record(0, ID1).await;
    let req = Request::post("/api/v1/ratings")
        .header(header::AUTHORIZATION, "Basic x")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "records": [record] }).to_string()))
        .unwrap();
    assert_eq!(f.send(req).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(f.count(&format!("SELECT count(*) FROM ratings WHERE id = '{ID1}'")).await, 0);
}

/// The one-time password must be changed before anything else; weak and
/// reused passwords are refused; the change ends the other sessions.
#[tokio::test]
async fn one_time_passwords_must_be_changed() {
    let f = fixture().await;
    let admin = f.token("quantri.h45").await;
    let made = f
        .with_bearer(
            "POST",
            "/api/v1/accounts",
            &admin,
            Some(
                json!({ "username": "canbo.moi", "full_name": "Cán bộ Mới", "role": "officer", "agency_id": "H45.03" })
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let otp = made.json::<danhgia_core::wire::admin::OneTimePassword>().password;
    let session: Session = f.login("canbo.moi", &otp).await.json();
    assert!(session.officer.must_change_password);
    let other: Session = f.login("canbo.moi", &otp).await.json();
    let blocked = f.with_bearer("GET", "/api/v1/dossiers", &session.token, None).await;
    assert_eq!((blocked.status, blocked.code().as_str()), (StatusCode::FORBIDDEN, "password_change_required"));
    let change = |current: &str, new: &str| json!({ "current_password": current, "new_password": new }).to_string();
    for (new, code) in [
        ("short", "weak_password"),
        ("1234567890", "weak_password"),
        ("canbo.moi-2026", "weak_password"),
        (otp.as_str(), "reused_password"),
    ] {
        let a = f.with_bearer("POST", "/api/v1/auth/password", &session.token, Some(change(&otp, new))).await;
        assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, code.to_owned()), "{new}");
    }
    let wrong =
        f.with_bearer("POST", "/api/v1/auth/password", &session.token, Some(change("nope", "hoa sen nở muộn"))).await;
    assert_eq!(wrong.code(), "wrong_password");
    let ok =
        f.with_bearer("POST", "/api/v1/auth/password", &session.token, Some(change(&otp, "hoa sen nở muộn"))).await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.body);
    assert_eq!(f.with_bearer("GET", "/api/v1/dossiers", &session.token, None).await.status, StatusCode::OK);
    assert_eq!(f.with_bearer("GET", "/api/v1/auth/me", &other.token, None).await.status, StatusCode::UNAUTHORIZED);
}

/// #1, #5 under concurrency: guesses sent all at once are counted one by
/// one, so no burst gets past a limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn limits_hold_against_guesses_sent_all_at_once() {
    let f = std::sync::Arc::new(fixture().await);
    let (code, _, check) = f.unrated[0].clone();
    let mut tries = Vec::new();
    for n in 0..60u8 {
        let (f, code, check) = (f.clone(), code.clone(), wrong(&check));
        tries.push(tokio::spawn(async move { guess(&f, peer(n), &code, &check).await.status }));
    }
    let mut judged = 0;
    for t in tries {
        match t.await.unwrap() {
            StatusCode::NOT_FOUND => judged += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(judged, 10, "exactly the 10 wrong check codes an hour are judged");

    let mut logins = Vec::new();
    for _ in 0..40 {
        let f = f.clone();
        logins.push(tokio::spawn(async move {
            let body = json!({ "username": "vanphong", "password": "doan-bua" }).to_string();
            let req = Request::post("/api/v1/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap();
            f.send_from(peer(200), req).await.status
        }));
    }
    let mut checked = 0;
    for t in logins {
        match t.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {}
            other => panic!("{other}"),
        }
    }
    assert!(checked <= 5, "{checked} passwords checked for one user name at once");
    assert!(checked >= 1);
}

/// #10: one address cannot hold more connections than its share.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_holds_at_most_its_share_of_connections() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let f = fixture().await;
    let mut config = (*f.state.config).clone();
    config.max_connections_per_address = 3;
    let mut state = f.state.clone();
    state.config = std::sync::Arc::new(config.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(danhgia_server::net::serve(
        listener,
        danhgia_server::app(state),
        None,
        danhgia_server::net::Limits::of(&config),
        async move {
            let _ = stopped.await;
        },
    ));
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut fourth = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _ = fourth.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(2), fourth.read_to_end(&mut out)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "the fourth connection is closed unanswered: {out:?}");
    drop(held);
    let _ = stop.send(());
    let _ = server.await;
}
