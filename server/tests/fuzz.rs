//! Fuzz targets for the server's parsers of outside input, driven through
//! the real router over a real SQLite file seeded with the demo district:
//! rating batches (`POST /api/v1/ratings`) and dossier CSV imports
//! (`POST /api/v1/dossiers`). Every answer must be JSON, never a 5xx, and
//! the database must change exactly as the answer says. The harness (case
//! counts, the long pass, reports) is `crates/core/tests/fuzz_support`.

#[path = "../../crates/core/tests/fuzz_support/mod.rs"]
mod fuzz_support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use danhgia_core::import::parse_csv;
use danhgia_core::rating::{BLANK, Channel, DossierDates, MAX_BATCH, MAX_COMMENT_CHARS, Reason, form_for, is_uuid_v4};
use danhgia_core::wire::{ApiError, BatchResults, ImportReport, RecordStatus, Session};
use danhgia_core::{CivilDate, DossierCode, RuleBook};
use danhgia_server::{AppState, Config, Db, LinkSigner, app, demo, params};
use fuzz_support::*;
use http_body_util::BodyExt;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseResult;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tower::ServiceExt;

/// Short-pass cases per server target: each is one or two requests and a
/// transaction on a real database file.
const SHORT: u32 = 300;

/// A dossier of the demo district, as the fuzz targets need it.
#[derive(Debug, Clone)]
struct Dossier {
    code: String,
    agency: String,
    token: String,
    ruleset: String,
    dates: DossierDates,
    /// Never shown to anyone outside the server.
    applicant: String,
}

struct Fixture {
    _dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
    router: axum::Router,
    db: Db,
    dossiers: Vec<Dossier>,
    /// The slip's check code of each dossier, by code.
    check_codes: BTreeMap<String, String>,
    /// Those of commune H45.03.
    own_dossiers: Vec<Dossier>,
    /// Bearer tokens: the officer of commune H45.03, the district's officer,
    /// the district office, and an office account of commune H45.03.
    officer: String,
    district_officer: String,
    district_office: String,
    commune_office: String,
}

/// A fixture renewed every [`Fresh::CASES`] cases, so that what the targets
/// add (dossiers, ratings, failed check codes) does not pile up over a long
/// pass: the whole-table checks stay cheap, and the limits stay untripped.
struct Fresh {
    fixture: std::cell::RefCell<Fixture>,
    cases: std::cell::Cell<u32>,
}

impl Fresh {
    const CASES: u32 = 1_000;

    fn new() -> Self {
        Fresh { fixture: std::cell::RefCell::new(fixture()), cases: std::cell::Cell::new(0) }
    }

    fn get(&self) -> std::cell::Ref<'_, Fixture> {
        self.cases.set(self.cases.get() + 1);
        if self.cases.get().is_multiple_of(Self::CASES) {
            *self.fixture.borrow_mut() = fixture();
        }
        self.fixture.borrow()
    }
}

struct Answer {
    status: StatusCode,
    content_type: String,
    retry_after: bool,
    body: Vec<u8>,
}

fn date(s: &str) -> CivilDate {
    CivilDate::parse_iso(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>danhgia</title>").unwrap();
    let data_dir = dir.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let config = Config { data_dir: data_dir.clone(), dist, demo: true, demo_links: 0, ..Config::defaults() };
    let db = Db::open_sqlite(&data_dir.join("danhgia.sqlite3")).unwrap();
    let links = LinkSigner::load_or_create(&db, &data_dir).unwrap();
    let rules = RuleBook::builtin();
    db.write_blocking(|sql| demo::seed(sql, &rules, CivilDate::new(2026, 11, 27).unwrap(), 360)).unwrap();
    #[allow(clippy::type_complexity)]
    let rows: Vec<(String, String, String, String, String, Option<String>, String)> = db
        .read_blocking(|sql| {
            let rows = sql.query(
                "SELECT code, agency_id, ruleset_version, received_on, appointed_on, returned_on, applicant_name
                 FROM dossiers ORDER BY code",
                params![],
            )?;
            rows.iter()
                .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
                .collect::<Result<Vec<_>, danhgia_server::store::DbError>>()
        })
        .unwrap();
    let dossiers = rows
        .into_iter()
        .map(|(code, agency, ruleset, received, appointed, returned, applicant)| Dossier {
            token: links.token(&DossierCode::parse(&code).unwrap()),
            code,
            agency,
            ruleset,
            dates: DossierDates {
                received_on: date(&received),
                appointed_on: date(&appointed),
                returned_on: returned.as_deref().map(date),
            },
            applicant,
        })
        .collect::<Vec<_>>();
    let check_codes =
        dossiers.iter().map(|d| (d.code.clone(), links.check_code(&DossierCode::parse(&d.code).unwrap()))).collect();
    let own_dossiers = dossiers.iter().filter(|d| d.agency == "H45.03").cloned().collect();
    let router = app(AppState::new(db.clone(), config, links, "https://danhgia.example".into()));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut f = Fixture {
        _dir: dir,
        rt,
        router,
        db,
        dossiers,
        check_codes,
        own_dossiers,
        officer: String::new(),
        district_officer: String::new(),
        district_office: String::new(),
        commune_office: String::new(),
    };
    f.officer = f.login(demo::DEMO_OFFICER);
    f.district_officer = f.login("canbo.h45");
    f.district_office = f.login("vanphong");
    f.commune_office = f.login("vanphong.h45.03");
    f
}

impl Fixture {
    fn send(&self, req: Request<Body>) -> Answer {
        self.rt.block_on(async {
            let res = self.router.clone().oneshot(req).await.unwrap();
            let status = res.status();
            let content_type =
                res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let retry_after = res.headers().contains_key(header::RETRY_AFTER);
            let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
            Answer { status, content_type, retry_after, body }
        })
    }

    fn post(&self, path: &str, auth: Option<&str>, content_type: &str, body: Vec<u8>) -> Answer {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, content_type);
        if let Some(auth) = auth {
            req = req.header(header::AUTHORIZATION, auth);
        }
        self.send(req.body(Body::from(body)).unwrap())
    }

    fn login(&self, username: &str) -> String {
        let body = json!({ "username": username, "password": demo::DEMO_PASSWORD }).to_string();
        let answer = self.post("/api/v1/auth/login", None, "application/json", body.into_bytes());
        assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
        let session: Session = serde_json::from_slice(&answer.body).unwrap();
        session.token
    }

    fn count(&self, sql: &str) -> i64 {
        self.db.read_blocking(|s| s.one::<i64>(sql, params![])).unwrap()
    }

    /// Every dossier, whole, in code order: what an import may change.
    fn dossier_rows(&self) -> BTreeMap<String, (String, String)> {
        self.db
            .read_blocking(|sql| {
                let rows = sql.query(
                    "SELECT code, agency_id, procedure_name || '|' || coalesce(official_id, '') || '|' || coalesce(applicant_name, '')
                        || '|' || received_on || '|' || appointed_on || '|' || coalesce(returned_on, '') || '|' || ruleset_version
                     FROM dossiers",
                    params![],
                )?;
                rows.iter()
                    .map(|r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
                    .collect::<Result<BTreeMap<_, _>, danhgia_server::store::DbError>>()
            })
            .unwrap()
    }
}

/// What every answer of the API must be: not a 5xx, and, unless it is a
/// success, JSON `{code, message}` with a stable code.
fn check_answer(answer: &Answer, what: &dyn Fn() -> String) -> TestCaseResult {
    let body = String::from_utf8_lossy(&answer.body);
    prop_assert!(!answer.status.is_server_error(), "{} for {}: {}", answer.status, what(), body);
    prop_assert!(
        answer.content_type.starts_with("application/json"),
        "{}: {:?} for {}",
        answer.status,
        answer.content_type,
        what()
    );
    if answer.status != StatusCode::OK {
        let error: Result<ApiError, _> = serde_json::from_slice(&answer.body);
        prop_assert!(error.is_ok(), "{} is not an API error: {}", answer.status, body);
        let code = error.map(|e| e.code).unwrap_or_default();
        prop_assert!(!code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "code {:?}", code);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Rating batches

/// Who sends a request.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sender {
    Citizen,
    /// The officer of commune H45.03.
    Officer,
    /// The district's officer: every commune is within its agencies.
    DistrictOfficer,
    Forged,
    /// An `Authorization` header that is not a bearer token.
    Malformed(&'static str),
}

fn sender() -> impl Strategy<Value = Sender> {
    prop_oneof![
        6 => Just(Sender::Citizen),
        3 => Just(Sender::Officer),
        2 => Just(Sender::DistrictOfficer),
        1 => Just(Sender::Forged),
        1 => prop::sample::select(&["Basic YWRtaW46YWRtaW4=", "Bearer", "bearer  x y", "Bearer a\tb", ""][..]).prop_map(Sender::Malformed),
    ]
}

impl Fixture {
    fn authorization(&self, s: Sender) -> Option<String> {
        match s {
            Sender::Citizen => None,
            Sender::Officer => Some(format!("Bearer {}", self.officer)),
            Sender::DistrictOfficer => Some(format!("Bearer {}", self.district_officer)),
            Sender::Forged => Some("Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()),
            Sender::Malformed(h) => Some(h.to_owned()),
        }
    }
}

/// One defect put into a valid record, or none.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Defect {
    None,
    Id,
    Code,
    UnknownDossier,
    ForgedToken,
    NoToken,
    Ruleset,
    ClientTime,
    CommentTooLong,
    CommentControl,
    UnknownQuestion,
    UnknownOption,
    Blank,
    Missing,
}

#[derive(Debug, Clone)]
struct RecordSpec {
    dossier: Index,
    /// For the officer of H45.03: one of its own agency's dossiers.
    own: bool,
    /// Sent with the id of the record before it in the batch.
    same_id: bool,
    channel: Channel,
    id: String,
    picks: Vec<Index>,
    comment: Option<String>,
    defect: Defect,
    pick: Index,
}

fn uuid_v4() -> impl Strategy<Value = String> {
    ("[0-9a-f]{8}", "[0-9a-f]{4}", "[0-9a-f]{3}", "[89ab]", "[0-9a-f]{3}", "[0-9a-f]{12}")
        .prop_map(|(a, b, c, v, d, e)| format!("{a}-{b}-4{c}-{v}{d}-{e}"))
}

fn record_spec() -> impl Strategy<Value = RecordSpec> {
    use Defect::*;
    (
        (any::<Index>(), any::<bool>(), prop::bool::weighted(0.1)),
        prop::sample::select(&[Channel::Online, Channel::Online, Channel::Paper, Channel::Kiosk][..]),
        uuid_v4(),
        prop::collection::vec(any::<Index>(), 8),
        // Printable text; invisible characters (line separators, direction
        // marks) are the `CommentControl` defect's business, not a plain comment's.
        prop::option::of(
            "\\PC{0,40}".prop_map(|s| s.chars().filter(|c| !danhgia_core::text::is_hidden(*c)).collect::<String>()),
        ),
        prop::sample::select(
            &[
                None,
                None,
                None,
                None,
                Id,
                Code,
                UnknownDossier,
                ForgedToken,
                NoToken,
                Ruleset,
                ClientTime,
                CommentTooLong,
                CommentControl,
                UnknownQuestion,
                UnknownOption,
                Blank,
                Missing,
            ][..],
        ),
        any::<Index>(),
    )
        .prop_map(|((dossier, own, same_id), channel, id, picks, comment, defect, pick)| RecordSpec {
            dossier,
            own,
            same_id,
            channel,
            id,
            picks,
            comment,
            defect,
            pick,
        })
}

/// What a record must be answered, as far as its defect decides it.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    /// Stored, or (the dossier is rated already) set aside or a duplicate:
    /// never rejected.
    Deliverable,
    Rejected(&'static str),
}

impl Fixture {
    /// The record's JSON and the verdict its defect calls for, given who sends it.
    fn record(&self, spec: &RecordSpec, sender: Sender) -> (Value, Verdict) {
        let d = if spec.own && sender == Sender::Officer {
            spec.dossier.get(&self.own_dossiers)
        } else {
            spec.dossier.get(&self.dossiers)
        };
        let book = RuleBook::builtin();
        let rules = book.by_version(&d.ruleset).unwrap_or_else(|| panic!("rule set {}", d.ruleset));
        let form = form_for(rules, &d.dates);
        let asked: Vec<_> = form.iter().filter(|q| q.is_asked()).collect();
        let mut answers = serde_json::Map::new();
        for (i, q) in asked.iter().enumerate() {
            let choice = spec.picks[i % spec.picks.len()].get(&q.question.choices).0;
            answers.insert(q.question.key.to_owned(), json!(choice));
        }
        let mut r = json!({
            "id": spec.id, "dossier_code": d.code, "channel": spec.channel.as_str(),
            "ruleset_version": rules.version, "answers": answers, "client_time": "2026-11-27T08:00:00.000Z",
        });
        if let Some(c) = &spec.comment {
            r["comment"] = json!(c);
        }
        let staff = spec.channel != Channel::Online;
        if !staff {
            r["citizen_token"] = json!(d.token);
        }
        let key = spec.pick.get(&asked).question.key;
        let verdict = match spec.defect {
            Defect::None => Verdict::Deliverable,
            Defect::Id => {
                r["id"] = json!(spec.id.to_uppercase());
                Verdict::Rejected("bad_id")
            }
            Defect::Code => {
                r["dossier_code"] = json!(*spec.pick.get(&["", "<b>", "A B", "mã-1", "../etc/passwd", "A1-"]));
                return (r, Verdict::Rejected("bad_code"));
            }
            Defect::UnknownDossier => {
                r["dossier_code"] = json!(format!("X{}", d.code));
                if !staff {
                    // An unknown dossier answers like a wrong token: codes cannot be probed.
                    return (r, Verdict::Rejected("bad_token"));
                }
                // For staff, like a dossier of another agency: not among theirs.
                Verdict::Rejected("out_of_scope")
            }
            Defect::ForgedToken if !staff => {
                r["citizen_token"] =
                    json!(*spec.pick.get(&["AAAAAAAAAAAAAAAA", "short", "", "<script>", &d.token[1..]]));
                return (r, Verdict::Rejected("bad_token"));
            }
            Defect::NoToken if !staff => {
                r.as_object_mut().map(|o| o.remove("citizen_token"));
                return (r, Verdict::Rejected("bad_token"));
            }
            Defect::ForgedToken | Defect::NoToken => Verdict::Deliverable,
            Defect::Ruleset => {
                r["ruleset_version"] = json!(*spec.pick.get(&["", "tt01", "TT01-2018", "x"]));
                Verdict::Rejected("ruleset_mismatch")
            }
            Defect::ClientTime => {
                r["client_time"] =
                    json!(*spec.pick.get(&["", "yesterday", "2024-02-30T09:00:00Z", "2024-03-20 09:15:00Z"]));
                Verdict::Rejected("bad_client_time")
            }
            Defect::CommentTooLong => {
                r["comment"] = json!("ệ".repeat(MAX_COMMENT_CHARS + 1));
                Verdict::Rejected("comment_too_long")
            }
            Defect::CommentControl => {
                r["comment"] = json!(format!(
                    "Cán bộ{}tốt",
                    spec.pick.get(&["\r", "\0", "\u{1b}", "\u{85}", "\u{2028}", "\u{202e}"])
                ));
                Verdict::Rejected("bad_comment")
            }
            Defect::UnknownQuestion => {
                r["answers"]["i9"] = json!("high");
                Verdict::Rejected("unknown_question")
            }
            Defect::UnknownOption => {
                r["answers"][key] = json!(*spec.pick.get(&["", "twice", "NONE", "Rất hài lòng"]));
                Verdict::Rejected("unknown_option")
            }
            Defect::Blank => {
                r["answers"][key] = json!(BLANK);
                if spec.channel == Channel::Paper {
                    Verdict::Deliverable
                } else {
                    Verdict::Rejected("blank_not_allowed")
                }
            }
            Defect::Missing => {
                r["answers"].as_object_mut().map(|o| o.remove(key));
                Verdict::Rejected("missing_answer")
            }
        };
        // Who may rate comes before what the rating says.
        let verdict = match sender {
            _ if !staff => verdict,
            Sender::Citizen => Verdict::Rejected("sign_in_required"),
            Sender::Officer if d.agency != "H45.03" && spec.defect != Defect::UnknownDossier => {
                Verdict::Rejected("out_of_scope")
            }
            _ => verdict,
        };
        (r, verdict)
    }
}

#[derive(Debug, Clone)]
enum BatchInput {
    /// Records built from demo dossiers, each with its expected verdict;
    /// sent twice when `replay`.
    Records { records: Vec<RecordSpec>, sender: Sender, replay: bool },
    /// A batch's JSON, mutated as text.
    Text { records: Vec<RecordSpec>, sender: Sender, edits: Vec<Edit> },
    /// Anything, as bytes.
    Bytes { bytes: Vec<u8>, sender: Sender },
}

fn batch_input() -> impl Strategy<Value = BatchInput> {
    let json_shapes = prop::sample::select(
        &[
            "{\"records\":[]}",
            "{\"records\":null}",
            "{\"records\":{}}",
            "{\"records\":[null]}",
            "{\"records\":[{}]}",
            "{\"records\":[1e999]}",
            "[]",
            "null",
            "\"records\"",
            "{\"records\":[],\"records\":[]}",
        ][..],
    )
    .prop_map(|s| s.as_bytes().to_vec());
    let nested =
        (1usize..2000).prop_map(|n| format!("{{\"records\":{}{}}}", "[".repeat(n), "]".repeat(n)).into_bytes());
    // Over the record limit, and over the body limit.
    let record =
        r#"{"id":"x","dossier_code":"A1","channel":"online","ruleset_version":"x","answers":{},"client_time":"x"}"#;
    let too_many = Just(format!("{{\"records\":[{}]}}", vec![record; MAX_BATCH + 1].join(",")).into_bytes());
    let too_big = Just(format!("{{\"records\":[],\"pad\":\"{}\"}}", "x".repeat(600 * 1024)).into_bytes());
    prop_oneof![
        6 => (prop::collection::vec(record_spec(), 1..6), sender(), prop::bool::weighted(0.3))
            .prop_map(|(records, sender, replay)| BatchInput::Records { records, sender, replay }),
        3 => (prop::collection::vec(record_spec(), 1..4), sender(), prop::collection::vec(edit(), 1..5))
            .prop_map(|(records, sender, edits)| BatchInput::Text { records, sender, edits }),
        1 => (prop_oneof![8 => json_shapes, 8 => nested, 8 => any_text(300).prop_map(String::into_bytes),
                          8 => prop::collection::vec(any::<u8>(), 0..300), 1 => too_many, 1 => too_big], sender())
            .prop_map(|(bytes, sender)| BatchInput::Bytes { bytes, sender }),
    ]
}

/// JSON as its grammar has it (RFC 8259): a `\uD800`–`\uDFFF` escape
/// standing alone is grammatical, though serde_json's `Value` refuses it; the
/// server may take a batch that holds one in a field it ignores (it did: an
/// unknown key `"\u{7f}citizen_token"` whose value began `"\ud800s…`). Such
/// escapes read as U+FFFD here; anything else not JSON is still refused.
fn grammar_json(text: &str) -> serde_json::Result<Value> {
    serde_json::from_str(text).or_else(|e| {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find("\\u") {
            let (head, tail) = rest.split_at(at);
            out.push_str(head);
            let hex = tail.get(2..6).unwrap_or("");
            let surrogate = u16::from_str_radix(hex, 16).is_ok_and(|c| (0xD800..=0xDFFF).contains(&c));
            // An escaped backslash before it ("\\\\u…") is not an escape: copy it whole.
            let escaped = out.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1;
            if surrogate && !escaped {
                out.push_str("\\ufffd");
                rest = &tail[6..];
            } else {
                out.push_str(&tail[..2]);
                rest = &tail[2..];
            }
        }
        out.push_str(rest);
        serde_json::from_str(&out).map_err(|_| e)
    })
}

/// Sends a batch; checks the answer against the database before and after.
/// Returns the results when the batch was taken.
fn send_batch(f: &Fixture, sender: Sender, body: Vec<u8>) -> Result<Option<BatchResults>, TestCaseError> {
    let before = (f.count("SELECT count(*) FROM ratings"), f.count("SELECT count(*) FROM rating_conflicts"));
    let dossiers = f.count("SELECT count(*) FROM dossiers");
    let auth = f.authorization(sender);
    let text = String::from_utf8_lossy(&body).into_owned();
    let answer = f.post("/api/v1/ratings", auth.as_deref(), "application/json", body);
    check_answer(&answer, &|| format!("{sender:?} {text:?}"))?;
    let after = (f.count("SELECT count(*) FROM ratings"), f.count("SELECT count(*) FROM rating_conflicts"));
    prop_assert_eq!(f.count("SELECT count(*) FROM dossiers"), dossiers);
    if answer.status != StatusCode::OK {
        // A refused request stores nothing.
        prop_assert_eq!(after, before, "{} stored something", answer.status);
        if let Sender::Forged | Sender::Malformed(_) = sender {
            prop_assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        }
        return Ok(None);
    }
    prop_assert!(!matches!(sender, Sender::Forged | Sender::Malformed(_)), "{sender:?} was let through");
    let results: BatchResults = serde_json::from_slice(&answer.body)
        .map_err(|e| TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&answer.body))))?;
    let sent: Value =
        grammar_json(&text).map_err(|e| TestCaseError::fail(format!("200 for non-JSON: {e}: {text:?}")))?;
    let sent = sent["records"].as_array().cloned().unwrap_or_default();
    prop_assert_eq!(results.results.len(), sent.len());
    prop_assert!(sent.len() <= MAX_BATCH);
    let count = |s: RecordStatus| results.results.iter().filter(|r| r.status == s).count() as i64;
    // Exactly the accepted records were stored; at most the conflicts were set aside.
    prop_assert_eq!(after.0 - before.0, count(RecordStatus::Accepted), "{:?}", results);
    prop_assert!((0..=count(RecordStatus::Conflict)).contains(&(after.1 - before.1)), "{:?}", results);
    for (r, s) in results.results.iter().zip(&sent) {
        prop_assert_eq!(Some(r.id.as_str()), s["id"].as_str());
        match r.status {
            RecordStatus::Accepted => {
                let stored = f.db.read_blocking(|sql| {
                    sql.opt::<String>("SELECT dossier_code FROM ratings WHERE id = $1", params![r.id.as_str()])
                });
                let code = s["dossier_code"].as_str().and_then(|c| DossierCode::parse(c).ok());
                prop_assert_eq!(stored.ok().flatten(), code.map(|c| c.to_string()));
                prop_assert!(r.reason.is_none());
            }
            RecordStatus::Rejected => {
                let reason = r.reason.as_deref().and_then(Reason::from_code);
                prop_assert!(
                    reason.is_some() && !matches!(reason, Some(Reason::AlreadyRated | Reason::IdReused)),
                    "{:?}",
                    r
                );
            }
            RecordStatus::Conflict => {
                prop_assert!(matches!(r.reason.as_deref(), Some("already_rated" | "id_reused")), "{:?}", r);
            }
            RecordStatus::Duplicate => {
                prop_assert!(matches!(r.reason.as_deref(), None | Some("already_rated")), "{:?}", r);
            }
        }
    }
    Ok(Some(results))
}

#[test]
fn fuzz_rating_batches() {
    let fresh = Fresh::new();
    fuzz(file!(), "server/rating_batches", SHORT, batch_input(), |input| {
        let f = fresh.get();
        match input {
            BatchInput::Records { records, sender, replay } => {
                let mut built: Vec<(Value, Verdict)> = records.iter().map(|r| f.record(r, sender)).collect();
                for i in 1..built.len() {
                    let previous = built[i - 1].0["id"].clone();
                    if records[i].same_id
                        && records[i].defect != Defect::Id
                        && previous.as_str().is_some_and(is_uuid_v4)
                    {
                        built[i].0["id"] = previous;
                    }
                }
                let body = json!({ "records": built.iter().map(|(r, _)| r).collect::<Vec<_>>() }).to_string();
                let Some(first) = send_batch(&f, sender, body.clone().into_bytes())? else {
                    prop_assert!(!matches!(sender, Sender::Citizen | Sender::Officer | Sender::DistrictOfficer));
                    return Ok(());
                };
                for (i, (result, (record, verdict))) in first.results.iter().zip(&built).enumerate() {
                    let id_taken = i > 0
                        && records[i].same_id
                        && record["id"] == built[i - 1].0["id"]
                        // Stored: accepted now, or a replay of what was stored (a duplicate of a
                        // rating already given, `already_rated`, stores nothing).
                        && (first.results[i - 1].status == RecordStatus::Accepted
                            || (first.results[i - 1].status == RecordStatus::Duplicate
                                && first.results[i - 1].reason.is_none()));
                    if id_taken && record["dossier_code"] == built[i - 1].0["dossier_code"] {
                        // The id was just stored: the same content is a duplicate, other content a conflict.
                        prop_assert!(
                            matches!(result.status, RecordStatus::Duplicate | RecordStatus::Conflict),
                            "{:?}",
                            result
                        );
                        continue;
                    }
                    match verdict {
                        Verdict::Deliverable => {
                            prop_assert!(result.status != RecordStatus::Rejected, "{:?} for {}", result, record)
                        }
                        Verdict::Rejected(reason) => {
                            // A reused id is answered as such before anything else.
                            if result.reason.as_deref() != Some("id_reused") {
                                prop_assert_eq!(
                                    (result.status, result.reason.as_deref()),
                                    (RecordStatus::Rejected, Some(*reason)),
                                    "{}",
                                    record
                                );
                            }
                        }
                    }
                }
                if replay {
                    // Replaying a batch never stores twice.
                    let again = send_batch(&f, sender, body.into_bytes())?;
                    let again = again.ok_or_else(|| TestCaseError::fail("the replay was refused"))?;
                    for (a, b) in first.results.iter().zip(&again.results) {
                        match a.status {
                            RecordStatus::Accepted | RecordStatus::Duplicate => {
                                // A duplicate of a rating already given stores nothing; if a later
                                // record of the batch stored its id, the replay finds that one.
                                let id_stored_later = a.status == RecordStatus::Duplicate
                                    && b.reason.as_deref() == Some("id_reused")
                                    && first.results.iter().filter(|o| o.id == a.id).count() > 1;
                                if !id_stored_later {
                                    prop_assert_eq!(b.status, RecordStatus::Duplicate, "{:?} then {:?}", a, b)
                                }
                            }
                            RecordStatus::Rejected => {
                                // Unless a later record of the batch stored (or set aside) its id.
                                let id_stored =
                                    first.results.iter().any(|o| o.id == a.id && o.status != RecordStatus::Rejected);
                                if !(id_stored && b.reason.as_deref() == Some("id_reused")) {
                                    prop_assert_eq!(a, b)
                                }
                            }
                            RecordStatus::Conflict => prop_assert_ne!(b.status, RecordStatus::Accepted),
                        }
                    }
                }
            }
            BatchInput::Text { records, sender, edits } => {
                let built: Vec<Value> = records.iter().map(|r| f.record(r, sender).0).collect();
                let body = apply(&json!({ "records": built }).to_string(), &edits);
                send_batch(&f, sender, body.into_bytes())?;
            }
            BatchInput::Bytes { bytes, sender } => {
                send_batch(&f, sender, bytes)?;
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// Dossier imports

/// Who imports.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Importer {
    /// The district office: every commune is its own.
    DistrictOffice,
    /// The office of commune H45.03: only its own rows.
    CommuneOffice,
    /// A plain officer: may not import.
    Officer,
    Nobody,
}

#[derive(Debug, Clone)]
struct RowSpec {
    /// An existing demo dossier's code (its agency, or another), or a new code.
    existing: Option<(Index, bool)>,
    new_code: String,
    agency: &'static str,
    procedure: &'static str,
    official: Option<&'static str>,
    received: (u16, u8, u8),
    allowed: i64,
    returned: Option<i64>,
    defect: Option<(&'static str, &'static str)>,
}

const AGENCIES: [&str; 6] = ["H45", "H45.01", "H45.03", "H45.03", "H45.12", "H99"];

fn row_spec() -> impl Strategy<Value = RowSpec> {
    (
        prop::option::weighted(0.3, (any::<Index>(), any::<bool>())),
        "Z[0-9]{2}\\.[0-9]{2}-2[0-9]{5}-[0-9]{4}",
        prop::sample::select(&AGENCIES[..]),
        prop::sample::select(&["Đăng ký khai sinh", "Chứng thực, \"bản sao\"", "=HYPERLINK(\"x\")", "<b>x</b>"][..]),
        prop::option::of(prop::sample::select(&["Lê Thị Hoa", "Nguyễn Văn An"][..])),
        (2018u16..2027, 1u8..13, 1u8..29),
        0i64..30,
        prop::option::of(0i64..30),
        prop::option::weighted(
            0.2,
            prop::sample::select(
                &[
                    ("ma_ho_so", "bad code!"),
                    ("ngay_tiep_nhan", "31/02/2024"),
                    ("ngay_hen_tra", "x"),
                    ("thu_tuc", ""),
                    ("co_quan", "H45\u{7}"),
                    ("can_bo", "a\tb"),
                ][..],
            ),
        ),
    )
        .prop_map(|(existing, new_code, agency, procedure, official, received, allowed, returned, defect)| {
            RowSpec { existing, new_code, agency, procedure, official, received, allowed, returned, defect }
        })
}

const HEADER: [&str; 8] =
    ["ma_ho_so", "thu_tuc", "co_quan", "can_bo", "nguoi_nop", "ngay_tiep_nhan", "ngay_hen_tra", "ngay_tra"];

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

impl Fixture {
    fn csv(&self, rows: &[RowSpec], terminator: &str, bom: bool) -> String {
        let mut out = String::new();
        if bom {
            out.push('\u{feff}');
        }
        out.push_str(&HEADER.join(","));
        for r in rows {
            let (y, m, d) = r.received;
            let received = CivilDate::new(y, m, d).unwrap_or_else(|e| panic!("{e}"));
            let after = |n: i64| received.add_days(n).unwrap_or(received).format_vn();
            let (code, agency) = self.code_and_agency(r);
            let mut cells: BTreeMap<&str, String> = BTreeMap::new();
            cells.insert("ma_ho_so", code);
            cells.insert("thu_tuc", r.procedure.to_owned());
            cells.insert("co_quan", agency);
            cells.insert("can_bo", r.official.unwrap_or_default().to_owned());
            cells.insert("nguoi_nop", "Phan Văn Bình".to_owned());
            cells.insert("ngay_tiep_nhan", received.format_vn());
            cells.insert("ngay_hen_tra", after(r.allowed));
            cells.insert("ngay_tra", r.returned.map(after).unwrap_or_default());
            if let Some((column, value)) = r.defect {
                cells.insert(column, value.to_owned());
            }
            out.push_str(terminator);
            out.push_str(&HEADER.iter().map(|c| quote(&cells[c])).collect::<Vec<_>>().join(","));
        }
        out.push_str(terminator);
        out
    }
}

/// The demo district's agencies.
const DEMO_AGENCIES: [&str; 13] = [
    "H45", "H45.01", "H45.02", "H45.03", "H45.04", "H45.05", "H45.06", "H45.07", "H45.08", "H45.09", "H45.10",
    "H45.11", "H45.12",
];

impl Fixture {
    /// What each row of a generated file must be answered, from the rules of
    /// import: `(line, reason)` per refused row, and how many rows create a
    /// dossier and how many update one (or leave it unchanged).
    fn expected_import(
        &self,
        rows: &[RowSpec],
        importer: Importer,
        before: &BTreeMap<String, (String, String)>,
    ) -> (Vec<(u32, &'static str)>, u32, u32) {
        let covers = |agency: &str| match importer {
            Importer::DistrictOffice => DEMO_AGENCIES.contains(&agency),
            _ => agency == "H45.03",
        };
        let book = RuleBook::builtin();
        let (mut errors, mut created, mut existing) = (Vec::new(), 0, 0);
        let mut seen = std::collections::HashSet::new();
        for (i, r) in rows.iter().enumerate() {
            let line = i as u32 + 2;
            if let Some((column, _)) = r.defect {
                let reason = match column {
                    "ma_ho_so" => "bad_code",
                    "thu_tuc" => "missing_value",
                    "co_quan" => "bad_code",
                    "can_bo" => "bad_text",
                    _ => "bad_date",
                };
                errors.push((line, reason));
                continue;
            }
            let (code, agency) = self.code_and_agency(r);
            let (y, m, d) = r.received;
            let received = CivilDate::new(y, m, d).unwrap_or_else(|e| panic!("{e}"));
            let reason = if !seen.insert(code.clone()) {
                Some("duplicate_in_file")
            } else if !DEMO_AGENCIES.contains(&agency.as_str()) {
                Some("unknown_agency")
            } else if !covers(&agency) {
                Some("out_of_scope")
            } else {
                match before.get(&code) {
                    Some((old, _)) if !covers(old) => Some("out_of_scope"),
                    Some((old, _)) if *old != agency => Some("agency_changed"),
                    _ if book.for_date(received).is_none() => Some("no_ruleset"),
                    // A rated dossier keeps the dates and official it was rated with.
                    Some((_, facts))
                        if self.is_rated(&code) && self.scored_facts_change(facts, r, &agency, received) =>
                    {
                        Some("rated_locked")
                    }
                    _ => None,
                }
            };
            match reason {
                Some(reason) => errors.push((line, reason)),
                None if before.contains_key(&code) => existing += 1,
                None => created += 1,
            }
        }
        (errors, created, existing)
    }

    fn is_rated(&self, code: &str) -> bool {
        self.db
            .read_blocking(|sql| {
                sql.exists(
                    "SELECT 1 FROM ratings WHERE dossier_code = $1 UNION SELECT 1 FROM rating_conflicts WHERE dossier_code = $1",
                    params![code],
                )
            })
            .unwrap()
    }

    /// Whether the row would change what a dossier's scores come from:
    /// its official, dates or rule set (`facts` as `dossier_rows` gives them).
    fn scored_facts_change(&self, facts: &str, r: &RowSpec, agency: &str, received: CivilDate) -> bool {
        let old: Vec<&str> = facts.split('|').collect();
        let after = |n: i64| received.add_days(n).unwrap_or(received).to_string();
        let official = r.official.map(|name| {
            self.db
                .read_blocking(|sql| {
                    sql.row(
                        "SELECT id, merged_into FROM officials WHERE agency_id = $1 AND full_name = $2 ORDER BY id LIMIT 1",
                        params![agency, name],
                    )
                })
                .unwrap()
                .map(|row| row.get::<Option<i64>>(1).unwrap().unwrap_or_else(|| row.get::<i64>(0).unwrap()).to_string())
                .unwrap_or_else(|| "new".to_owned())
        });
        let ruleset = RuleBook::builtin().for_date(received).map(|s| s.version.clone()).unwrap_or_default();
        let new = [
            official.unwrap_or_default(),
            received.to_string(),
            after(r.allowed),
            r.returned.map(after).unwrap_or_default(),
            ruleset,
        ];
        let current = [old[1], old[3], old[4], old[5], old[6]];
        new.iter().zip(current).any(|(n, c)| n != c)
    }

    fn code_and_agency(&self, r: &RowSpec) -> (String, String) {
        match r.existing {
            Some((i, same_agency)) => {
                let d = i.get(&self.dossiers);
                (d.code.clone(), if same_agency { d.agency.clone() } else { r.agency.to_owned() })
            }
            None => (r.new_code.clone(), r.agency.to_owned()),
        }
    }
}

#[derive(Debug, Clone)]
enum ImportInput {
    Rows { rows: Vec<RowSpec>, importer: Importer, terminator: &'static str, bom: bool },
    Text { rows: Vec<RowSpec>, importer: Importer, edits: Vec<Edit> },
    Bytes { rows: Vec<RowSpec>, importer: Importer, edits: Vec<ByteEdit> },
    Any { bytes: Vec<u8>, importer: Importer },
}

fn importer() -> impl Strategy<Value = Importer> {
    prop_oneof![
        4 => Just(Importer::DistrictOffice),
        4 => Just(Importer::CommuneOffice),
        1 => Just(Importer::Officer),
        1 => Just(Importer::Nobody),
    ]
}

fn import_input() -> impl Strategy<Value = ImportInput> {
    let rows = || prop::collection::vec(row_spec(), 0..10);
    prop_oneof![
        5 => (rows(), importer(), prop::sample::select(&["\n", "\r\n", "\r"][..]), any::<bool>())
            .prop_map(|(rows, importer, terminator, bom)| ImportInput::Rows { rows, importer, terminator, bom }),
        2 => (rows(), importer(), prop::collection::vec(edit(), 1..5)).prop_map(|(rows, importer, edits)| ImportInput::Text { rows, importer, edits }),
        2 => (rows(), importer(), prop::collection::vec(byte_edit(), 1..4)).prop_map(|(rows, importer, edits)| ImportInput::Bytes { rows, importer, edits }),
        1 => (prop_oneof![20 => any_text(300).prop_map(String::into_bytes), 20 => prop::collection::vec(any::<u8>(), 0..300),
                          1 => Just(too_many_rows()), 1 => Just(too_large_file())], importer())
            .prop_map(|(bytes, importer)| ImportInput::Any { bytes, importer }),
    ]
}

/// A file of more rows than an import takes.
fn too_many_rows() -> Vec<u8> {
    let mut csv = HEADER.join(",");
    for n in 0..=danhgia_core::import::MAX_ROWS {
        csv.push_str(&format!("\nY-{n},Khai sinh,H45.03,,,01/11/2026,02/11/2026,"));
    }
    csv.into_bytes()
}

/// A file over the import route's body limit.
fn too_large_file() -> Vec<u8> {
    let mut csv = HEADER.join(",").into_bytes();
    csv.resize(8 * 1024 * 1024 + 1, b' ');
    csv
}

impl Fixture {
    fn import_auth(&self, importer: Importer) -> Option<String> {
        match importer {
            Importer::DistrictOffice => Some(format!("Bearer {}", self.district_office)),
            Importer::CommuneOffice => Some(format!("Bearer {}", self.commune_office)),
            Importer::Officer => Some(format!("Bearer {}", self.officer)),
            Importer::Nobody => None,
        }
    }
}

/// Imports a file; checks the answer against the file and the database (and
/// against each row's expected outcome, when the rows are known), then
/// imports it again and checks that nothing changes.
fn import(f: &Fixture, importer: Importer, body: Vec<u8>, rows: Option<&[RowSpec]>) -> TestCaseResult {
    let before = f.dossier_rows();
    let expected = rows.map(|rows| f.expected_import(rows, importer, &before));
    let auth = f.import_auth(importer);
    let text = std::str::from_utf8(&body).ok().map(str::to_owned);
    let describe = || format!("{importer:?} {:?}", String::from_utf8_lossy(&body));
    let answer = f.post("/api/v1/dossiers", auth.as_deref(), "text/csv", body.clone());
    check_answer(&answer, &describe)?;
    let after = f.dossier_rows();
    if answer.status != StatusCode::OK {
        prop_assert_eq!(&after, &before, "{} changed dossiers", answer.status);
        match importer {
            Importer::Nobody => prop_assert_eq!(answer.status, StatusCode::UNAUTHORIZED),
            Importer::Officer => prop_assert_eq!(answer.status, StatusCode::FORBIDDEN),
            _ => prop_assert!(
                answer.status == StatusCode::BAD_REQUEST || answer.status == StatusCode::PAYLOAD_TOO_LARGE,
                "{}",
                answer.status
            ),
        }
        return Ok(());
    }
    prop_assert!(matches!(importer, Importer::DistrictOffice | Importer::CommuneOffice));
    let report: ImportReport = serde_json::from_slice(&answer.body)
        .map_err(|e| TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&answer.body))))?;
    let text = text.ok_or_else(|| TestCaseError::fail("a file that is not UTF-8 was imported"))?;
    let (rows, errors) =
        parse_csv(&text).map_err(|e| TestCaseError::fail(format!("imported a file the core refuses: {e}")))?;
    // One answer per row of the file, never more.
    let answered = (report.created + report.updated + report.unchanged) as usize + report.errors.len();
    prop_assert_eq!(answered, rows.len() + errors.len(), "{:?}", report);
    prop_assert!(report.errors.windows(2).all(|w| w[0].line <= w[1].line));
    let known = [
        "bad_code",
        "bad_date",
        "date_order",
        "missing_value",
        "too_long",
        "bad_text",
        "bad_row",
        "unknown_agency",
        "no_ruleset",
        "duplicate_in_file",
        "out_of_scope",
        "agency_changed",
        "inactive_agency",
        "rated_locked",
    ];
    prop_assert!(report.errors.iter().all(|e| known.contains(&e.reason.as_str())), "{:?}", report.errors);
    if let Some((errors, created, existing)) = &expected {
        let got: Vec<(u32, &str)> = report.errors.iter().map(|e| (e.line, e.reason.as_str())).collect();
        prop_assert_eq!(&got, errors, "{:?}", text);
        prop_assert_eq!((report.created, report.updated + report.unchanged), (*created, *existing));
    }
    let lines = text.split(['\n', '\r']).count() as u32;
    prop_assert!(report.errors.iter().all(|e| (2..=lines).contains(&e.line)), "{:?}", report.errors);
    // The database changed as the report says.
    let created: Vec<&String> = after.keys().filter(|c| !before.contains_key(*c)).collect();
    prop_assert_eq!(created.len(), report.created as usize);
    prop_assert_eq!(after.len(), before.len() + created.len());
    let updated = before.iter().filter(|(c, v)| after.get(*c) != Some(v)).count();
    prop_assert_eq!(updated, report.updated as usize);
    for (code, (agency, _)) in &before {
        // An import never moves a dossier to another agency.
        prop_assert_eq!(after.get(code).map(|v| &v.0), Some(agency));
    }
    if importer == Importer::CommuneOffice {
        // Rows outside the importer's agencies change nothing.
        for (code, row) in &after {
            if row.0 != "H45.03" {
                prop_assert_eq!(before.get(code), Some(row), "{} changed by the office of H45.03", code);
            }
        }
    }
    // The same file twice changes nothing.
    let again = f.post("/api/v1/dossiers", auth.as_deref(), "text/csv", body.clone());
    check_answer(&again, &describe)?;
    prop_assert_eq!(again.status, StatusCode::OK);
    let again: ImportReport = serde_json::from_slice(&again.body).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!((again.created, again.updated), (0, 0), "{:?}", again);
    prop_assert_eq!(again.unchanged, report.created + report.updated + report.unchanged);
    prop_assert_eq!(f.dossier_rows(), after);
    Ok(())
}

#[test]
fn fuzz_dossier_imports() {
    let fresh = Fresh::new();
    fuzz(file!(), "server/dossier_imports", SHORT, import_input(), |input| {
        let f = fresh.get();
        match input {
            ImportInput::Rows { rows, importer, terminator, bom } => {
                import(&f, importer, f.csv(&rows, terminator, bom).into_bytes(), Some(&rows))
            }
            ImportInput::Text { rows, importer, edits } => {
                import(&f, importer, apply(&f.csv(&rows, "\n", false), &edits).into_bytes(), None)
            }
            ImportInput::Bytes { rows, importer, edits } => {
                import(&f, importer, apply_bytes(f.csv(&rows, "\r\n", true).as_bytes(), &edits), None)
            }
            ImportInput::Any { bytes, importer } => import(&f, importer, bytes, None),
        }
    });
}

// ---------------------------------------------------------------------------
// Dossier look-up by code (what a scan or a typed code leads to)

#[derive(Debug, Clone)]
struct LookupInput {
    dossier: Index,
    /// Edits of the code as typed or scanned (none: the code itself, in any case).
    edits: Vec<Edit>,
    lower: bool,
    /// Escape `/` as `%2F` (as links do), or leave it.
    escape_slash: bool,
    token: Credential,
    check: Credential,
    staff: bool,
    junk: Option<&'static str>,
}

#[derive(Debug, Clone)]
enum Credential {
    Absent,
    Right,
    /// Another dossier's.
    Other(Index),
    Mutated(Vec<Edit>),
}

fn credential() -> impl Strategy<Value = Credential> {
    prop_oneof![
        4 => Just(Credential::Absent),
        2 => Just(Credential::Right),
        1 => any::<Index>().prop_map(Credential::Other),
        2 => prop::collection::vec(edit(), 1..3).prop_map(Credential::Mutated),
    ]
}

fn lookup_input() -> impl Strategy<Value = LookupInput> {
    (
        any::<Index>(),
        prop_oneof![3 => Just(Vec::new()), 2 => prop::collection::vec(edit(), 1..4)],
        any::<bool>(),
        any::<bool>(),
        credential(),
        credential(),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.2, prop::sample::select(&["t=", "t", "check=", "&&", "t=a&t=b", "%ZZ", "x=%00"][..])),
    )
        .prop_map(|(dossier, edits, lower, escape_slash, token, check, staff, junk)| LookupInput {
            dossier,
            edits,
            lower,
            escape_slash,
            token,
            check,
            staff,
            junk,
        })
}

/// Percent-encodes everything but unreserved characters (and `/` when asked).
fn escape(s: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[test]
fn fuzz_dossier_lookups() {
    let fresh = Fresh::new();
    fuzz(file!(), "server/dossier_lookups", SHORT, lookup_input(), |input| {
        let f = fresh.get();
        let d = input.dossier.get(&f.dossiers);
        let typed = apply(&if input.lower { d.code.to_ascii_lowercase() } else { d.code.clone() }, &input.edits);
        let resolve = |c: &Credential, right: &str, of: &dyn Fn(&Dossier) -> String| match c {
            Credential::Absent => None,
            Credential::Right => Some(right.to_owned()),
            Credential::Other(i) => Some(of(i.get(&f.dossiers))),
            Credential::Mutated(edits) => Some(apply(right, edits)),
        };
        let token = resolve(&input.token, &d.token, &|o| o.token.clone());
        let check = resolve(&input.check, &f.check_codes[&d.code], &|o| f.check_codes[&o.code].clone());
        let mut query: Vec<String> = Vec::new();
        if let Some(t) = &token {
            query.push(format!("t={}", escape(t, false)));
        }
        if let Some(c) = &check {
            query.push(format!("check={}", escape(c, false)));
        }
        query.extend(input.junk.map(str::to_owned));
        let uri = format!("/api/v1/dossiers/{}?{}", escape(&typed, !input.escape_slash), query.join("&"));
        let mut req = Request::get(&uri);
        if input.staff {
            req = req.header(header::AUTHORIZATION, format!("Bearer {}", f.officer));
        }
        // What cannot be sent over HTTP is not a case.
        let Ok(req) = req.body(Body::empty()) else { return Ok(()) };
        let answer = f.send(req);
        check_answer(&answer, &|| uri.clone())?;
        let body = String::from_utf8_lossy(&answer.body);
        prop_assert!(!body.contains(&d.applicant), "the applicant's name left the server: {}", body);
        // Which dossier the typed code names, if any.
        let named = DossierCode::parse(&typed).ok().and_then(|c| f.dossiers.iter().find(|o| o.code == c.as_str()));
        let one_credential = !(input.junk.is_some_and(|j| j.contains('t') || j.contains("check")));
        match answer.status {
            StatusCode::OK => {
                let public: danhgia_core::wire::DossierPublic =
                    serde_json::from_slice(&answer.body).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let n = named.ok_or_else(|| TestCaseError::fail(format!("200 for {typed:?}, no such dossier")))?;
                prop_assert_eq!(&public.code, &n.code);
                prop_assert_eq!(&public.token, &n.token);
                let by_token = token.as_deref() == Some(n.token.as_str());
                // White space in a typed check code does not count ("334 426").
                let typed_check = check.as_ref().map(|c| c.chars().filter(|c| !c.is_whitespace()).collect::<String>());
                let by_check = typed_check.as_deref() == Some(f.check_codes[&n.code].as_str());
                let by_scope = input.staff && n.agency == "H45.03";
                prop_assert!(
                    by_token || by_check || by_scope || !one_credential,
                    "opened without a credential: {}",
                    uri
                );
            }
            StatusCode::TOO_MANY_REQUESTS => {
                prop_assert!(check.is_some() || !one_credential, "429 without a check code: {}", uri);
                prop_assert!(answer.retry_after, "429 without Retry-After");
            }
            status => {
                // The right token, or the officer's own agency, always opens the dossier.
                if let (Some(n), true) = (named, one_credential) {
                    prop_assert!(
                        token.as_deref() != Some(n.token.as_str()),
                        "{} with the right token: {}",
                        status,
                        uri
                    );
                    prop_assert!(
                        !(input.staff && n.agency == "H45.03" && token.is_none() && check.is_none()),
                        "{} for the officer's own dossier: {}",
                        status,
                        uri
                    );
                }
                prop_assert!(
                    [StatusCode::BAD_REQUEST, StatusCode::NOT_FOUND, StatusCode::UNAUTHORIZED].contains(&status),
                    "{}: {}",
                    status,
                    body
                );
            }
        }
        Ok(())
    });
}
