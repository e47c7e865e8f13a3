//! The server's API, as the PWA calls it. Every answer is untrusted: it is
//! parsed into the core's wire types, and anything else is an error.

use danhgia_core::wire::{
    ApiError, BatchResults, DossierPage, DossierPublic, ImportReport, LoginRequest, RatingBatch, Report, Session,
    SlipData,
};
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

/// How the reader proves they may see the dossier.
pub enum Credential<'a> {
    /// The citizen link's token.
    Token(&'a str),
    /// The check code printed on the slip.
    CheckCode(&'a str),
    /// A signed-in officer's bearer token.
    Officer(&'a str),
}

fn with_bearer(req: RequestBuilder, token: Option<&str>) -> RequestBuilder {
    match token {
        Some(t) => req.header("Authorization", &format!("Bearer {t}")),
        None => req,
    }
}

pub async fn dossier(code: &str, credential: Credential<'_>) -> Result<DossierPublic, ApiErr> {
    let url = format!("/api/v1/dossiers/{}", encode(code));
    let req = match credential {
        Credential::Token(t) => Request::get(&url).query([("t", t)]),
        Credential::CheckCode(c) => Request::get(&url).query([("check", c)]),
        Credential::Officer(bearer) => with_bearer(Request::get(&url), Some(bearer)),
    };
    read(with_timeout(req).send().await).await
}

/// Sends a batch; paper slips need the officer's bearer token.
pub async fn post_ratings(batch: &RatingBatch, bearer: Option<&str>) -> Result<BatchResults, ApiErr> {
    let req = with_timeout(with_bearer(Request::post("/api/v1/ratings"), bearer))
        .json(batch)
        .map_err(|_| ApiErr::BadAnswer)?;
    read(req.send().await).await
}

pub async fn login(username: &str, password: &str) -> Result<Session, ApiErr> {
    let body = LoginRequest { username: username.to_owned(), password: password.to_owned() };
    let req = with_timeout(Request::post("/api/v1/auth/login")).json(&body).map_err(|_| ApiErr::BadAnswer)?;
    read(req.send().await).await
}

/// One page of the signed-in officer's agency's dossiers.
pub async fn dossier_page(bearer: &str, offset: u32, limit: u32) -> Result<DossierPage, ApiErr> {
    let req = Request::get("/api/v1/dossiers").query([("offset", offset.to_string()), ("limit", limit.to_string())]);
    read(with_timeout(with_bearer(req, Some(bearer))).send().await).await
}

pub async fn slip(bearer: &str, code: &str) -> Result<SlipData, ApiErr> {
    let url = format!("/api/v1/slips/{}", encode(code));
    read(with_timeout(with_bearer(Request::get(&url), Some(bearer))).send().await).await
}

/// The slips of the dossiers returned on `day` (`yyyy-mm-dd`).
pub async fn slips_of_day(bearer: &str, day: &str) -> Result<Vec<SlipData>, ApiErr> {
    let req = Request::get("/api/v1/slips").query([("returned_on", day)]);
    read(with_timeout(with_bearer(req, Some(bearer))).send().await).await
}

pub async fn import_dossiers(bearer: &str, csv: String) -> Result<ImportReport, ApiErr> {
    let req = with_timeout(with_bearer(Request::post("/api/v1/dossiers"), Some(bearer)))
        .header("Content-Type", "text/csv; charset=utf-8")
        .body(csv)
        .map_err(|_| ApiErr::BadAnswer)?;
    read(req.send().await).await
}

fn report_query(year: u16, quarter: Option<u8>) -> Vec<(&'static str, String)> {
    let mut q = vec![("year", year.to_string())];
    if let Some(n) = quarter {
        q.push(("quarter", n.to_string()));
    }
    q
}

pub async fn report(bearer: &str, year: u16, quarter: Option<u8>, unit: Option<&str>) -> Result<Report, ApiErr> {
    let mut query = report_query(year, quarter);
    if let Some(u) = unit {
        query.push(("unit", u.to_owned()));
    }
    let req = Request::get("/api/v1/reports").query(query);
    read(with_timeout(with_bearer(req, Some(bearer))).send().await).await
}

/// The report as a file (`csv` or `xlsx`), as bytes.
pub async fn report_file(
    bearer: &str,
    year: u16,
    quarter: Option<u8>,
    unit: Option<&str>,
    format: &str,
) -> Result<Vec<u8>, ApiErr> {
    let mut query = report_query(year, quarter);
    if let Some(u) = unit {
        query.push(("unit", u.to_owned()));
    }
    query.push(("format", format.to_owned()));
    let req = with_bearer(Request::get("/api/v1/reports/export").query(query), Some(bearer));
    let res = with_timeout(req).send().await.map_err(|_| ApiErr::Network)?;
    if !res.ok() {
        return Err(ApiErr::Server(res.status()));
    }
    res.binary().await.map_err(|_| ApiErr::BadAnswer)
}

/// Marks a dossier rated twice as reviewed (office staff).
pub async fn resolve_conflict(bearer: &str, code: &str) -> Result<(), ApiErr> {
    let url = format!("/api/v1/conflicts/{}/resolve", encode(code));
    let res = with_timeout(with_bearer(Request::post(&url), Some(bearer))).send().await.map_err(|_| ApiErr::Network)?;
    if res.ok() { Ok(()) } else { Err(ApiErr::Server(res.status())) }
}
