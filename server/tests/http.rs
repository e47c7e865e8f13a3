//! The HTTP surface, exercised through the real router and a real SQLite file.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use danhgia_server::{AppState, Config, Db, app};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

struct Fixture {
    _dir: tempfile::TempDir,
    router: axum::Router,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>danhgia</title>",
    )
    .unwrap();
    std::fs::write(dist.join("danhgia-0123456789abcdef.js"), "export {}").unwrap();
    let config = Config {
        host: [127, 0, 0, 1].into(),
        port: 0,
        data_dir: dir.path().join("data"),
        dist,
    };
    std::fs::create_dir_all(&config.data_dir).unwrap();
    let db = Db::open(&config.data_dir.join("danhgia.sqlite3")).unwrap();
    let router = app(AppState {
        db,
        config: Arc::new(config),
    });
    Fixture { _dir: dir, router }
}

async fn get(f: &Fixture, path: &str) -> (StatusCode, String, String, String) {
    let res = f
        .router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let header_of = |name| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, cache) = (
        header_of(header::CONTENT_TYPE),
        header_of(header::CACHE_CONTROL),
    );
    let body =
        String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    (status, content_type, cache, body)
}

#[tokio::test]
async fn health_reports_the_schema() {
    let f = fixture();
    let (status, content_type, _, body) = get(&f, "/api/v1/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/json");
    let health: danhgia_core::wire::Health = serde_json::from_str(&body).unwrap();
    assert_eq!(health.status, "ok");
    assert_eq!(health.schema_version, danhgia_server::db::SCHEMA_VERSION);
}

#[tokio::test]
async fn unknown_api_paths_answer_json_404() {
    let f = fixture();
    for path in ["/api/v1/nope", "/api/v2/health", "/api", "/api/x/y"] {
        let (status, content_type, _, body) = get(&f, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(content_type, "application/json", "{path}");
        let err: danhgia_core::wire::ApiError = serde_json::from_str(&body).unwrap();
        assert_eq!(err.code, "not_found");
    }
}

#[tokio::test]
async fn client_routes_fall_back_to_the_app() {
    let f = fixture();
    for path in [
        "/",
        "/danh-gia",
        "/r/H56-190903-0001?t=abcdefgh",
        "/r/12%2F2024",
    ] {
        let (status, content_type, cache, body) = get(&f, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            content_type.starts_with("text/html"),
            "{path}: {content_type}"
        );
        assert_eq!(cache, "no-cache", "{path}");
        assert!(body.contains("<title>danhgia</title>"));
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_for_long() {
    let f = fixture();
    let (status, _, cache, _) = get(&f, "/danhgia-0123456789abcdef.js").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cache, "public, max-age=31536000, immutable");
}
