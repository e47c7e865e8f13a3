//! The server's API, as the PWA calls it. Every answer is untrusted: it is
//! parsed into the core's wire types, and anything else is an error.

use danhgia_core::wire::{
    ApiError, BatchResults, DossierPage, DossierPublic, ImportReport, LoginRequest, RatingBatch, Report, Session,
    SlipData,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

// Hand-written over `fetch` instead of gloo-net: it is on the citizen's path,
// and gloo-net brings the `http` crate's types and its own error machinery
// for what is one function here.

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

// Written out, not `{:?}`: Debug's string escaping is kilobytes of the
// citizen's download.
impl std::fmt::Display for ApiErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiErr::Network => f.write_str("no answer"),
            ApiErr::Server(status) => write!(f, "server error {status}"),
            ApiErr::Refused { status, code, message } => write!(f, "refused ({status} {code}): {message}"),
            ApiErr::BadAnswer => f.write_str("an answer not as the API promises"),
        }
    }
}

/// `path?k=v&…` with the values encoded.
fn with_query(path: &str, query: &[(&str, &str)]) -> String {
    let mut url = path.to_owned();
    for (i, (k, v)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        url.push('=');
        url.push_str(&encode(v));
    }
    url
}

/// Sends a request; the answer as it came (any status), or `Network`.
async fn send(method: &str, url: &str, bearer: Option<&str>, body: Option<(&str, &str)>) -> Result<Response, ApiErr> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| ApiErr::Network)?;
    if let Some(token) = bearer {
        headers.set("Authorization", &format!("Bearer {token}")).map_err(|_| ApiErr::Network)?;
    }
    if let Some((content_type, text)) = body {
        headers.set("Content-Type", content_type).map_err(|_| ApiErr::Network)?;
        init.set_body(&text.into());
    }
    init.set_headers(&headers);
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS)));
    let window = web_sys::window().ok_or(ApiErr::Network)?;
    let answer = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await.map_err(|_| ApiErr::Network)?;
    answer.dyn_into::<Response>().map_err(|_| ApiErr::Network)
}

async fn text_of(res: &Response) -> Result<String, ApiErr> {
    let promise = res.text().map_err(|_| ApiErr::Network)?;
    // A body cut off mid-way is a network failure, not a bad answer.
    JsFuture::from(promise).await.map_err(|_| ApiErr::Network)?.as_string().ok_or(ApiErr::BadAnswer)
}

async fn read<T: serde::de::DeserializeOwned>(res: Result<Response, ApiErr>) -> Result<T, ApiErr> {
    let res = res?;
    let status = res.status();
    match status {
        200..=299 => crate::json::parse(&text_of(&res).await?).ok_or(ApiErr::BadAnswer),
        400..=499 => {
            let body: ApiError = crate::json::parse(&text_of(&res).await?).ok_or(ApiErr::BadAnswer)?;
            Err(ApiErr::Refused { status, code: body.code, message: body.message })
        }
        _ => Err(ApiErr::Server(status)),
    }
}

fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// How the reader proves they may see the dossier.
pub enum Credential<'a> {
    /// The citizen link's token.
    Token(&'a str),
    /// The check code printed on the slip.
    CheckCode(&'a str),
    /// A signed-in officer's bearer token.
    Officer(&'a str),
}

pub async fn dossier(code: &str, credential: Credential<'_>) -> Result<DossierPublic, ApiErr> {
    let path = format!("/api/v1/dossiers/{}", encode(code));
    let res = match credential {
        Credential::Token(t) => send("GET", &with_query(&path, &[("t", t)]), None, None).await,
        Credential::CheckCode(c) => send("GET", &with_query(&path, &[("check", c)]), None, None).await,
        Credential::Officer(bearer) => send("GET", &path, Some(bearer), None).await,
    };
    read(res).await
}

/// Sends a batch; paper slips need the officer's bearer token.
pub async fn post_ratings(batch: &RatingBatch, bearer: Option<&str>) -> Result<BatchResults, ApiErr> {
    let body = crate::json::stringify(batch, 0).ok_or(ApiErr::BadAnswer)?;
    read(send("POST", "/api/v1/ratings", bearer, Some(("application/json", &body))).await).await
}

pub async fn login(username: &str, password: &str) -> Result<Session, ApiErr> {
    let body = LoginRequest { username: username.to_owned(), password: password.to_owned() };
    let body = crate::json::stringify(&body, 0).ok_or(ApiErr::BadAnswer)?;
    read(send("POST", "/api/v1/auth/login", None, Some(("application/json", &body))).await).await
}

/// One page of the signed-in officer's agency's dossiers.
pub async fn dossier_page(bearer: &str, offset: u32, limit: u32) -> Result<DossierPage, ApiErr> {
    let url = with_query("/api/v1/dossiers", &[("offset", &offset.to_string()), ("limit", &limit.to_string())]);
    read(send("GET", &url, Some(bearer), None).await).await
}

pub async fn slip(bearer: &str, code: &str) -> Result<SlipData, ApiErr> {
    read(send("GET", &format!("/api/v1/slips/{}", encode(code)), Some(bearer), None).await).await
}

/// The slips of the dossiers returned on `day` (`yyyy-mm-dd`).
pub async fn slips_of_day(bearer: &str, day: &str) -> Result<Vec<SlipData>, ApiErr> {
    read(send("GET", &with_query("/api/v1/slips", &[("returned_on", day)]), Some(bearer), None).await).await
}

pub async fn import_dossiers(bearer: &str, csv: String) -> Result<ImportReport, ApiErr> {
    read(send("POST", "/api/v1/dossiers", Some(bearer), Some(("text/csv; charset=utf-8", &csv))).await).await
}

fn report_url(path: &str, year: u16, quarter: Option<u8>, unit: Option<&str>, format: Option<&str>) -> String {
    let (year, quarter) = (year.to_string(), quarter.map(|q| q.to_string()));
    let mut query = vec![("year", year.as_str())];
    if let Some(q) = &quarter {
        query.push(("quarter", q));
    }
    if let Some(u) = unit {
        query.push(("unit", u));
    }
    if let Some(f) = format {
        query.push(("format", f));
    }
    with_query(path, &query)
}

/// A report (officers' app only). Parsed with serde_json: its maps are keyed
/// by indicator numbers, which JSON writes as strings and serde-wasm-bindgen
/// does not read back as numbers.
pub async fn report(bearer: &str, year: u16, quarter: Option<u8>, unit: Option<&str>) -> Result<Report, ApiErr> {
    let res = send("GET", &report_url("/api/v1/reports", year, quarter, unit, None), Some(bearer), None).await?;
    if !res.ok() {
        return read(Ok(res)).await;
    }
    serde_json::from_str(&text_of(&res).await?).map_err(|_| ApiErr::BadAnswer)
}

/// The report as a file (`csv` or `xlsx`), as bytes.
pub async fn report_file(
    bearer: &str,
    year: u16,
    quarter: Option<u8>,
    unit: Option<&str>,
    format: &str,
) -> Result<Vec<u8>, ApiErr> {
    let url = report_url("/api/v1/reports/export", year, quarter, unit, Some(format));
    let res = send("GET", &url, Some(bearer), None).await?;
    if !res.ok() {
        return Err(ApiErr::Server(res.status()));
    }
    let buffer = JsFuture::from(res.array_buffer().map_err(|_| ApiErr::Network)?).await.map_err(|_| ApiErr::Network)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Marks a dossier rated twice as reviewed (office staff).
pub async fn resolve_conflict(bearer: &str, code: &str) -> Result<(), ApiErr> {
    let res = send("POST", &format!("/api/v1/conflicts/{}/resolve", encode(code)), Some(bearer), None).await?;
    if res.ok() { Ok(()) } else { Err(ApiErr::Server(res.status())) }
}
