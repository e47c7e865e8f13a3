//! Security headers on every answer: a Content-Security-Policy the app runs
//! under with no violation, no sniffing, no framing, no referrer (a citizen
//! link carries its token), the camera for this origin only, HSTS when a
//! real certificate is served, cross-origin isolation, and no caching of
//! what does not set its own policy (the API).

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

#[derive(Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
    hsts: bool,
}

/// The inline scripts of the built `index.html` (Trunk's loader, the
/// service-worker registration), as CSP hash sources.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let tag = &after[..open_end];
        let body_start = &after[open_end + 1..];
        let Some(close) = body_start.find("</script>") else { break };
        if !tag.contains(" src=") {
            let body = &body_start[..close];
            hashes.push(format!("'sha256-{}'", STANDARD.encode(Sha256::digest(body.as_bytes()))));
        }
        rest = &body_start[close..];
    }
    hashes
}

/// The policy for a build: its inline scripts by hash, wasm allowed to
/// compile, everything else from this origin only.
pub fn content_security_policy(index_html: &str) -> String {
    let scripts: String = inline_script_hashes(index_html).iter().map(|h| format!(" {h}")).collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self'; \
         img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self'; \
         manifest-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

impl SecurityHeaders {
    /// `hsts`: only with a real certificate (a self-signed trial must not
    /// lock browsers to HTTPS for a year).
    pub fn new(dist: &Path, hsts: bool) -> Arc<Self> {
        let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
        let csp = HeaderValue::from_str(&content_security_policy(&index))
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"));
        Arc::new(SecurityHeaders { csp, hsts })
    }
}

pub async fn apply(State(policy): State<Arc<SecurityHeaders>>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, policy.csp.clone());
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(
            "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
    );
    // Cross-origin isolation: the app loads nothing from elsewhere, and it
    // gives precise timers (performance.now) to benchmarks and the app.
    h.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    h.insert(HeaderName::from_static("cross-origin-embedder-policy"), HeaderValue::from_static("require-corp"));
    h.insert(HeaderName::from_static("cross-origin-resource-policy"), HeaderValue::from_static("same-origin"));
    // What does not say how it may be kept (the API's answers: citizen
    // tokens, accounts, reports) is kept by no cache; the app's files say.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if policy.hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_skipped() {
        let html = r#"<head><script src="/a.js"></script><script type="module">import x from '/x.js';</script>
            <script>console.log(1)</script></head>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 2);
        let expected = format!("'sha256-{}'", STANDARD.encode(Sha256::digest(b"console.log(1)")));
        assert_eq!(hashes[1], expected);
        let csp = content_security_policy(html);
        assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains(&expected));
        assert!(!csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"));
    }
}
