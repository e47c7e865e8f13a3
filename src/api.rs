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
    send_with(RequestInit::new(), method, url, bearer, body).await
}

async fn send_with(
    init: RequestInit,
    method: &str,
    url: &str,
    bearer: Option<&str>,
    body: Option<(&str, &str)>,
) -> Result<Response, ApiErr> {
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

/// The part of an `ApiError` every screen reads. (Not `ApiError` itself:
/// its import fields would be read on the citizen's path too, about half a
/// kilobyte more of its download. The imports read them, `read_import`.)
#[derive(serde::Deserialize)]
struct Refusal {
    code: String,
    message: String,
}

async fn read<T: serde::de::DeserializeOwned>(res: Result<Response, ApiErr>) -> Result<T, ApiErr> {
    let res = res?;
    let status = res.status();
    match status {
        200..=299 => crate::json::parse(&text_of(&res).await?).ok_or(ApiErr::BadAnswer),
        _ => Err(failure(&res).await),
    }
}

/// What an answer that is not a success says: a refusal (4xx) with its
/// code, or the server failing.
async fn failure(res: &Response) -> ApiErr {
    let status = res.status();
    if !(400..=499).contains(&status) {
        return ApiErr::Server(status);
    }
    let text = match text_of(res).await {
        Ok(text) => text,
        Err(e) => return e,
    };
    match crate::json::parse::<Refusal>(&text) {
        Some(body) => ApiErr::Refused { status, code: body.code, message: body.message },
        None => ApiErr::BadAnswer,
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

pub async fn import_dossiers(bearer: &str, csv: String) -> Result<ImportReport, ImportErr> {
    read_import(send("POST", "/api/v1/dossiers", Some(bearer), Some(("text/csv; charset=utf-8", &csv))).await).await
}

/// A CSV import not done.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportErr {
    /// The file was refused as a whole (`bad_file`): its `reason`, and the
    /// missing columns for `missing_columns`.
    File {
        reason: String,
        columns: Vec<String>,
    },
    Api(ApiErr),
}

/// An import's answer; a whole file refused is read with its reason (the
/// other answers as `read` reads them).
async fn read_import(res: Result<Response, ApiErr>) -> Result<ImportReport, ImportErr> {
    let res = res.map_err(ImportErr::Api)?;
    if res.status() != 400 {
        return read(Ok(res)).await.map_err(ImportErr::Api);
    }
    let body: ApiError =
        crate::json::parse(&text_of(&res).await.map_err(ImportErr::Api)?).ok_or(ImportErr::Api(ApiErr::BadAnswer))?;
    Err(match body.reason {
        Some(reason) if body.code == "bad_file" => ImportErr::File { reason, columns: body.columns },
        _ => ImportErr::Api(ApiErr::Refused { status: 400, code: body.code, message: body.message }),
    })
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
        return Err(failure(&res).await);
    }
    let buffer = JsFuture::from(res.array_buffer().map_err(|_| ApiErr::Network)?).await.map_err(|_| ApiErr::Network)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

// ---- The district office's quarter (officers' app only) -------------------
// Agency indicators, decisions on dossiers rated twice, commune proposals.
// Parsed with serde_json like the report (maps keyed by agency codes and
// indicator numbers).

async fn read_serde<T: serde::de::DeserializeOwned>(res: Result<Response, ApiErr>) -> Result<T, ApiErr> {
    let res = res?;
    if !res.ok() {
        return read(Ok(res)).await;
    }
    serde_json::from_str(&text_of(&res).await?).map_err(|_| ApiErr::BadAnswer)
}

fn body_of<T: serde::Serialize>(value: &T) -> Result<String, ApiErr> {
    serde_json::to_string(value).map_err(|_| ApiErr::BadAnswer)
}

/// The per-agency indicators (5, 6, 8, 9) of the unit's agencies for a period.
pub async fn agency_scores(
    bearer: &str,
    year: u16,
    quarter: Option<u8>,
    unit: Option<&str>,
) -> Result<danhgia_core::wire::quarter::AgencyScores, ApiErr> {
    read_serde(send("GET", &report_url("/api/v1/agency-scores", year, quarter, unit, None), Some(bearer), None).await)
        .await
}

/// Enters self-assessed or verified points of one indicator.
pub async fn put_agency_score(
    bearer: &str,
    entry: &danhgia_core::wire::AgencyScoreEntry,
) -> Result<danhgia_core::wire::quarter::AgencyScoreView, ApiErr> {
    let body = body_of(entry)?;
    read_serde(send("PUT", "/api/v1/agency-scores", Some(bearer), Some(("application/json", &body))).await).await
}

/// A page of the period's dossiers rated twice (`decided`: those decided too).
pub async fn conflicts(
    bearer: &str,
    year: u16,
    quarter: Option<u8>,
    unit: Option<&str>,
    decided: bool,
    offset: u32,
    limit: u32,
) -> Result<danhgia_core::wire::quarter::ConflictPage, ApiErr> {
    let base = report_url("/api/v1/conflicts", year, quarter, unit, None);
    let url = format!("{base}&decided={decided}&offset={offset}&limit={limit}");
    read_serde(send("GET", &url, Some(bearer), None).await).await
}

/// Decides which rating of a dossier rated twice counts, and why.
pub async fn decide(
    bearer: &str,
    code: &str,
    decision: &danhgia_core::wire::quarter::Decision,
) -> Result<danhgia_core::wire::quarter::ConflictDetail, ApiErr> {
    let body = body_of(decision)?;
    let url = format!("/api/v1/conflicts/{}/decide", encode(code));
    read_serde(send("POST", &url, Some(bearer), Some(("application/json", &body))).await).await
}

/// The proposals (đề xuất, kiến nghị) of the unit's agencies for a period.
pub async fn proposals(
    bearer: &str,
    year: u16,
    quarter: Option<u8>,
    unit: Option<&str>,
) -> Result<Vec<danhgia_core::wire::quarter::ProposalView>, ApiErr> {
    read_serde(send("GET", &report_url("/api/v1/proposals", year, quarter, unit, None), Some(bearer), None).await).await
}

/// Writes the signed-in office's proposals for a period.
pub async fn put_proposal(
    bearer: &str,
    input: &danhgia_core::wire::quarter::ProposalInput,
) -> Result<danhgia_core::wire::quarter::ProposalView, ApiErr> {
    let body = body_of(input)?;
    read_serde(send("PUT", "/api/v1/proposals", Some(bearer), Some(("application/json", &body))).await).await
}

// ---------------------------------------------------------------------------
// Accounts and administration (officers' app only: nothing of the citizens'
// app calls these, so none of it reaches their download).
// ---------------------------------------------------------------------------

use danhgia_core::wire::admin::{
    AccountInfo, AccountInput, AccountPatch, AgencyInfo, AgencyInput, AgencyPatch, AuditPage, MergeOfficials,
    OfficialInfo, OfficialInput, OfficialPatch, OneTimePassword,
};
use danhgia_core::wire::{OfficerInfo, PasswordChange};

/// A JSON request with a bearer token; the answer parsed as `T`.
async fn call<T: serde::de::DeserializeOwned, B: serde::Serialize + ?Sized>(
    method: &str,
    url: &str,
    bearer: &str,
    body: Option<&B>,
) -> Result<T, ApiErr> {
    let body = match body {
        Some(b) => Some(crate::json::stringify(b, 0).ok_or(ApiErr::BadAnswer)?),
        None => None,
    };
    read(send(method, url, Some(bearer), body.as_deref().map(|b| ("application/json", b))).await).await
}

/// A request whose success has no body (`204`).
async fn call_empty<B: serde::Serialize + ?Sized>(
    method: &str,
    url: &str,
    bearer: &str,
    body: Option<&B>,
) -> Result<(), ApiErr> {
    let body = match body {
        Some(b) => Some(crate::json::stringify(b, 0).ok_or(ApiErr::BadAnswer)?),
        None => None,
    };
    empty(send(method, url, Some(bearer), body.as_deref().map(|b| ("application/json", b))).await?).await
}

/// An answer whose success has no body: `Ok`, or the refusal it says.
async fn empty(res: Response) -> Result<(), ApiErr> {
    match res.status() {
        200..=299 => Ok(()),
        _ => read::<serde::de::IgnoredAny>(Ok(res)).await.map(|_| ()),
    }
}

/// Ends this session on the server. `keepalive`: the browser finishes the
/// request even if the page is left at once (signing out of the district
/// office's app loads the counter's sign-in page).
pub async fn logout(bearer: &str) -> Result<(), ApiErr> {
    let init = RequestInit::new();
    // (web-sys has no setter for it; RequestInit is a plain dictionary.)
    js_sys::Reflect::set(&init, &"keepalive".into(), &true.into()).map_err(|_| ApiErr::Network)?;
    empty(send_with(init, "POST", "/api/v1/auth/logout", Some(bearer), None).await?).await
}

/// The signed-in account as the server has it now.
pub async fn me(bearer: &str) -> Result<OfficerInfo, ApiErr> {
    call::<_, ()>("GET", "/api/v1/auth/me", bearer, None).await
}

/// Changes the signed-in account's own password.
pub async fn change_password(bearer: &str, current: &str, new: &str) -> Result<(), ApiErr> {
    let body = PasswordChange { current_password: current.to_owned(), new_password: new.to_owned() };
    call_empty("POST", "/api/v1/auth/password", bearer, Some(&body)).await
}

pub async fn agencies(bearer: &str) -> Result<Vec<AgencyInfo>, ApiErr> {
    call::<_, ()>("GET", "/api/v1/agencies", bearer, None).await
}

pub async fn create_agency(bearer: &str, input: &AgencyInput) -> Result<AgencyInfo, ApiErr> {
    call("POST", "/api/v1/agencies", bearer, Some(input)).await
}

pub async fn update_agency(bearer: &str, id: &str, patch: &AgencyPatch) -> Result<AgencyInfo, ApiErr> {
    call("PATCH", &format!("/api/v1/agencies/{}", encode(id)), bearer, Some(patch)).await
}

pub async fn delete_agency(bearer: &str, id: &str) -> Result<(), ApiErr> {
    call_empty::<()>("DELETE", &format!("/api/v1/agencies/{}", encode(id)), bearer, None).await
}

pub async fn officials(bearer: &str) -> Result<Vec<OfficialInfo>, ApiErr> {
    call::<_, ()>("GET", "/api/v1/officials", bearer, None).await
}

pub async fn create_official(bearer: &str, input: &OfficialInput) -> Result<OfficialInfo, ApiErr> {
    call("POST", "/api/v1/officials", bearer, Some(input)).await
}

pub async fn update_official(bearer: &str, id: i64, patch: &OfficialPatch) -> Result<OfficialInfo, ApiErr> {
    call("PATCH", &format!("/api/v1/officials/{id}"), bearer, Some(patch)).await
}

/// Merges official `id` into `into`; the official kept.
pub async fn merge_official(bearer: &str, id: i64, into: i64) -> Result<OfficialInfo, ApiErr> {
    call("POST", &format!("/api/v1/officials/{id}/merge"), bearer, Some(&MergeOfficials { into })).await
}

pub async fn accounts(bearer: &str) -> Result<Vec<AccountInfo>, ApiErr> {
    call::<_, ()>("GET", "/api/v1/accounts", bearer, None).await
}

pub async fn create_account(bearer: &str, input: &AccountInput) -> Result<OneTimePassword, ApiErr> {
    call("POST", "/api/v1/accounts", bearer, Some(input)).await
}

pub async fn update_account(bearer: &str, id: i64, patch: &AccountPatch) -> Result<AccountInfo, ApiErr> {
    call("PATCH", &format!("/api/v1/accounts/{id}"), bearer, Some(patch)).await
}

pub async fn reset_password(bearer: &str, id: i64) -> Result<OneTimePassword, ApiErr> {
    call::<_, ()>("POST", &format!("/api/v1/accounts/{id}/reset-password"), bearer, None).await
}

/// Ends every session of an account.
pub async fn sign_out_account(bearer: &str, id: i64) -> Result<AccountInfo, ApiErr> {
    call::<_, ()>("POST", &format!("/api/v1/accounts/{id}/sign-out"), bearer, None).await
}

/// Which list a CSV import fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminImport {
    Agencies,
    Officials,
}

pub async fn import_admin(bearer: &str, what: AdminImport, csv: String) -> Result<ImportReport, ImportErr> {
    let url = match what {
        AdminImport::Agencies => "/api/v1/agencies/import",
        AdminImport::Officials => "/api/v1/officials/import",
    };
    read_import(send("POST", url, Some(bearer), Some(("text/csv; charset=utf-8", &csv))).await).await
}

/// A page of the audit log, newest first. Parsed with serde_json: its
/// before/after values are free-form JSON.
pub async fn audit(bearer: &str, offset: u32, limit: u32) -> Result<AuditPage, ApiErr> {
    let url = with_query("/api/v1/audit", &[("offset", &offset.to_string()), ("limit", &limit.to_string())]);
    let res = send("GET", &url, Some(bearer), None).await?;
    if !res.ok() {
        return read(Ok(res)).await;
    }
    serde_json::from_str(&text_of(&res).await?).map_err(|_| ApiErr::BadAnswer)
}
