//! Serves the built PWA. Unknown paths get `index.html`, so client-side
//! routes (`/r/{code}`, `/danh-gia` …) survive a reload.

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

pub fn router(dist: &Path) -> Router {
    // The build writes .br and .gz copies next to each asset (scripts/precache.mjs).
    let index = ServeFile::new(dist.join("index.html")).precompressed_br().precompressed_gzip();
    let files = ServeDir::new(dist).precompressed_br().precompressed_gzip().fallback(index);
    Router::new().fallback_service(files).layer(middleware::from_fn(cache_policy))
}

/// Trunk puts a content hash in asset names, so those can be kept for a year;
/// everything else (index.html, the manifest …) must be revalidated, or a new
/// build would never reach a phone that has the old one.
async fn cache_policy(req: Request, next: Next) -> Response {
    let immutable = is_hashed_asset(req.uri().path());
    let mut res = next.run(req).await;
    // A route answered with index.html is never kept, whatever its path looks like.
    let page = res.headers().get(CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    let value = if immutable && !page && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// `/name-0123456789abcdef.ext`, at the root where Trunk writes it: its hash
/// is a u64 in hex, so up to 16 digits (fewer when it has leading zeros).
/// Not a route such as a citizen's `/r/{code}`, however its code ends.
fn is_hashed_asset(path: &str) -> bool {
    let Some(file) = path.strip_prefix('/').filter(|f| !f.contains('/')) else {
        return false;
    };
    let Some((stem, _)) = file.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| (10..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn recognises_trunk_hashes() {
        assert!(is_hashed_asset("/danhgia-3f9a0c1d2e4b5a6f.js"));
        assert!(is_hashed_asset("/danhgia-3f9a0c1d2e4b5a6f_bg.wasm"));
        assert!(is_hashed_asset("/style-00112233aabbccdd.css"));
        assert!(is_hashed_asset("/main-7425429cfd4c08b.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/r/H56-190903-0001"));
        assert!(!is_hashed_asset("/r/H56-190903-0000012345"));
        assert!(!is_hashed_asset("/H56-190903-0000012345"));
        assert!(!is_hashed_asset("/icons/icon-0123456789.png"));
        assert!(!is_hashed_asset("/manifest.webmanifest"));
    }
}
