//! The server's API, as the PWA calls it. Every answer is untrusted: it is
//! parsed into the core's wire types, and anything else is an error.

use danhgia_core::wire::{ApiError, BatchResults, DossierPublic, RatingBatch};
use gloo_net::http::{Request, RequestBuilder, Response};

/// A request that has not answered by then is treated as a network failure.
const TIMEOUT_MS: u32 = 15_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiErr {
    /// No answer: offline, server down, timeout. Retry later.
    Network,
    /// 5xx: the server failed. Retry later.
    Server(u16),
    /// 4xx: the request itself is wrong; retrying the same cannot help.
    Refused { status: u16, code: String, message: String },
    /// An answer that is not what the API promises.
    BadAnswer,
}

fn with_timeout(req: RequestBuilder) -> RequestBuilder {
    let signal = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    req.abort_signal(Some(&signal))
}

async fn read<T: serde::de::DeserializeOwned>(res: Result<Response, gloo_net::Error>) -> Result<T, ApiErr> {
    let res = res.map_err(|_| ApiErr::Network)?;
    let status = res.status();
    match status {
        200..=299 => res.json::<T>().await.map_err(|_| ApiErr::BadAnswer),
        400..=499 => {
            let body = res.json::<ApiError>().await.map_err(|_| ApiErr::BadAnswer)?;
            Err(ApiErr::Refused { status, code: body.code, message: body.message })
        }
        _ => Err(ApiErr::Server(status)),
    }
}

fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// How the citizen proves they hold the slip.
pub enum Credential<'a> {
    Token(&'a str),
    CheckCode(&'a str),
}

pub async fn dossier(code: &str, credential: Credential<'_>) -> Result<DossierPublic, ApiErr> {
    let query = match credential {
        Credential::Token(t) => ("t", t),
        Credential::CheckCode(c) => ("check", c),
    };
    let url = format!("/api/v1/dossiers/{}", encode(code));
    read(with_timeout(Request::get(&url).query([query])).send().await).await
}

pub async fn post_ratings(batch: &RatingBatch) -> Result<BatchResults, ApiErr> {
    let req = with_timeout(Request::post("/api/v1/ratings")).json(batch).map_err(|_| ApiErr::BadAnswer)?;
    read(req.send().await).await
}
