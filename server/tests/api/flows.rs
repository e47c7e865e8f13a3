//! The main flows through the HTTP surface: citizens rating, officers
//! signing in and transcribing, imports, slips, reports.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use danhgia_core::wire::{ApiError, BatchResults, DossierPublic, RecordStatus};
use danhgia_core::{CivilDate, RuleBook};
use danhgia_server::demo;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

#[tokio::test]
async fn health_reports_the_schema() {
    let f = fixture().await;
    let answer = f.get("/api/v1/health").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type, "application/json");
    let health: danhgia_core::wire::Health = answer.json();
    assert_eq!(health.status, "ok");
    assert_eq!(health.schema_version, f.db.schema_version());
    let migrations = match f.backend() {
        danhgia_server::store::Backend::Sqlite => danhgia_server::store::sqlite::MIGRATIONS.len(),
        danhgia_server::store::Backend::Postgres => danhgia_server::store::pg::MIGRATIONS.len(),
    };
    assert_eq!(health.schema_version as usize, migrations);
}

#[tokio::test]
async fn unknown_api_paths_answer_json_404() {
    let f = fixture().await;
    for path in ["/api/v1/nope", "/api/v2/health", "/api", "/api/x/y"] {
        let answer = f.get(path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(answer.content_type, "application/json", "{path}");
        assert_eq!(answer.json::<ApiError>().code, "not_found");
    }
}

#[tokio::test]
async fn client_routes_fall_back_to_the_app() {
    let f = fixture().await;
    for path in ["/", "/danh-gia", "/r/H56-190903-0001?t=abcdefgh", "/r/12%2F2024"] {
        let answer = f.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert!(answer.content_type.starts_with("text/html"), "{path}: {}", answer.content_type);
        assert_eq!(answer.header("cache-control"), "no-cache", "{path}");
        assert!(answer.body.contains("<title>danhgia</title>"));
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_for_long() {
    let f = fixture().await;
    let answer = f.get("/danhgia-0123456789abcdef.js").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("cache-control"), "public, max-age=31536000, immutable");
}

#[tokio::test]
async fn a_dossier_opens_with_its_token_or_check_code_only() {
    let f = fixture().await;
    let (code, token, check) = &f.unrated[0];
    let by_token = f.get(&format!("/api/v1/dossiers/{code}?t={token}")).await;
    assert_eq!(by_token.status, StatusCode::OK, "{}", by_token.body);
    assert!(!by_token.body.contains("applicant"), "applicant data never leaves the server");
    let dossier: DossierPublic = by_token.json();
    assert_eq!(&dossier.code, code);
    assert!(dossier.rating.is_none());
    assert!(dossier.agency.starts_with("UBND"));
    let by_check: DossierPublic = f.get(&format!("/api/v1/dossiers/{code}?check={check}")).await.json();
    assert_eq!(&by_check.token, token, "the check code hands out the token, so the citizen can rate");

    let (other_code, other_token, _) = &f.unrated[1];
    for (path, status, code_expected) in [
        (format!("/api/v1/dossiers/{code}?t={other_token}"), StatusCode::NOT_FOUND, "not_found"),
        (format!("/api/v1/dossiers/{code}?check=000000x"), StatusCode::NOT_FOUND, "not_found"),
        (format!("/api/v1/dossiers/X{other_code}?t={other_token}"), StatusCode::NOT_FOUND, "not_found"),
        (format!("/api/v1/dossiers/{code}"), StatusCode::BAD_REQUEST, "credential_required"),
        ("/api/v1/dossiers/%3Cb%3E?t=abcdefgh".to_owned(), StatusCode::BAD_REQUEST, "bad_code"),
    ] {
        let answer = f.get(&path).await;
        assert_eq!(answer.status, status, "{path}");
        assert_eq!(answer.json::<ApiError>().code, code_expected, "{path}");
    }
}

#[tokio::test]
async fn a_rating_is_stored_once_and_replays_are_duplicates() {
    let f = fixture().await;
    let record = f.online_record(0, ID1).await;
    let before = f.count("SELECT count(*) FROM ratings").await;
    let aside = f.count("SELECT count(*) FROM rating_conflicts").await;
    let first = f.rate(vec![record.clone()]).await;
    assert_eq!(first.results[0].status, RecordStatus::Accepted);
    let replay = f.rate(vec![record.clone()]).await;
    assert_eq!(replay.results[0].status, RecordStatus::Duplicate);
    assert_eq!(f.count("SELECT count(*) FROM ratings").await, before + 1);
    let code = record["dossier_code"].as_str().unwrap();
    let stored = f.count(&format!("SELECT count(*) FROM ratings WHERE dossier_code = '{code}' AND id = '{ID1}'")).await;
    assert_eq!(stored, 1);
    // The public page now shows the rating given.
    let (_, token, _) = &f.unrated[0];
    let dossier: DossierPublic = f.get(&format!("/api/v1/dossiers/{code}?t={token}")).await.json();
    assert_eq!(dossier.rating.unwrap().answers.len(), record["answers"].as_object().unwrap().len());

    // The same id with other content is never stored.
    let mut changed = record.clone();
    changed["comment"] = json!("khác");
    let reused = f.rate(vec![changed]).await;
    assert_eq!(reused.results[0].status, RecordStatus::Conflict);
    assert_eq!(reused.results[0].reason.as_deref(), Some("id_reused"));

    // Another rating of the same dossier is set aside, not counted.
    let mut second = record.clone();
    second["id"] = json!(ID2);
    let conflict = f.rate(vec![second.clone()]).await;
    assert_eq!(conflict.results[0].status, RecordStatus::Conflict);
    assert_eq!(conflict.results[0].reason.as_deref(), Some("already_rated"));
    let again = f.rate(vec![second]).await;
    assert_eq!(again.results[0].status, RecordStatus::Conflict, "a replayed conflict stays a conflict");
    assert_eq!(f.count("SELECT count(*) FROM ratings").await, before + 1);
    assert_eq!(f.count("SELECT count(*) FROM rating_conflicts").await, aside + 1);
}

#[tokio::test]
async fn each_record_gets_its_own_verdict() {
    let f = fixture().await;
    let good = f.online_record(2, ID1).await;
    let mut forged = f.online_record(3, ID2).await;
    forged["citizen_token"] = json!("AAAAAAAAAAAAAAAA");
    let mut unknown = f.online_record(4, "33333333-3333-4333-a333-333333333333").await;
    unknown["dossier_code"] = json!("H45.99-990101-0001");
    let mut paper = f.online_record(5, "44444444-4444-4444-b444-444444444444").await;
    paper["channel"] = json!("paper");
    let mut wrong_answer = f.online_record(6, "55555555-5555-4555-8555-555555555555").await;
    wrong_answer["answers"]["i3"] = json!("twice");
    let before = f.count("SELECT count(*) FROM ratings").await;
    let results = f.rate(vec![good, forged, unknown, paper, wrong_answer]).await.results;
    let verdicts: Vec<_> = results.iter().map(|r| (r.status, r.reason.as_deref())).collect();
    assert_eq!(
        verdicts,
        [
            (RecordStatus::Accepted, None),
            (RecordStatus::Rejected, Some("bad_token")),
            // An unknown dossier answers like a wrong token: codes cannot be probed.
            (RecordStatus::Rejected, Some("bad_token")),
            (RecordStatus::Rejected, Some("sign_in_required")),
            (RecordStatus::Rejected, Some("unknown_option")),
        ]
    );
    assert_eq!(f.count("SELECT count(*) FROM ratings").await, before + 1);
}

#[tokio::test]
async fn bad_requests_get_json_errors_not_5xx() {
    let f = fixture().await;
    let answer = f.post("/api/v1/ratings", "{not json".into()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json::<ApiError>().code, "bad_json");
    let record = f.online_record(0, ID1).await;
    let many = json!({ "records": vec![record; 101] }).to_string();
    let answer = f.post("/api/v1/ratings", many).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.json::<ApiError>().code, "batch_too_large");
    let huge = format!("{{\"records\": [], \"pad\": \"{}\"}}", "x".repeat(600 * 1024));
    let answer = f.post("/api/v1/ratings", huge).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.json::<ApiError>().code, "batch_too_large");
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let f = fixture().await;
    let answer = f.get("/api/v1/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    let doc: Value = answer.json();
    let paths = doc["paths"].as_object().unwrap();
    for path in ["/health", "/dossiers/{code}", "/ratings", "/auth/login", "/dossiers", "/rulesets"] {
        assert!(paths.contains_key(path), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["RatingRecord"].is_object());
}

#[tokio::test]
async fn officers_sign_in_and_their_paper_slips_are_attributed() {
    let f = fixture().await;
    let wrong = f.login(demo::DEMO_OFFICER, "sai mật khẩu").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json::<ApiError>().code, "bad_credentials");
    let session: danhgia_core::wire::Session = f.login(demo::DEMO_OFFICER, demo::DEMO_PASSWORD).await.json();
    assert_eq!(session.officer.agency_id, "H45.03");

    // The agency's dossiers, for offline look-up; only its own.
    let page: danhgia_core::wire::DossierPage =
        f.with_bearer("GET", "/api/v1/dossiers?limit=500", &session.token, None).await.json();
    assert!(page.total > 5 && page.dossiers.len() == page.total as usize);
    assert!(page.dossiers.iter().all(|d| d.code.starts_with("H45.03-")));
    let unrated = page.dossiers.iter().find(|d| d.rating.is_none() && d.returned_on.is_some()).unwrap();
    let code = &unrated.code;
    // An officer looks a dossier up without the citizen's token.
    let one = f.with_bearer("GET", &format!("/api/v1/dossiers/{code}"), &session.token, None).await;
    assert_eq!(one.status, StatusCode::OK);

    let book = RuleBook::builtin();
    let rules = book.by_version(&unrated.ruleset_version).unwrap();
    let dates = danhgia_core::rating::DossierDates {
        received_on: CivilDate::parse_iso(&unrated.received_on).unwrap(),
        appointed_on: CivilDate::parse_iso(&unrated.appointed_on).unwrap(),
        returned_on: unrated.returned_on.as_deref().map(|d| CivilDate::parse_iso(d).unwrap()),
    };
    let answers: serde_json::Map<String, Value> = danhgia_core::rating::form_for(rules, &dates)
        .iter()
        .filter(|q| q.is_asked())
        .map(|q| (q.question.key.to_owned(), json!("blank")))
        .collect();
    let record = json!({
        "id": ID1, "dossier_code": code, "channel": "paper", "ruleset_version": rules.version,
        "answers": answers, "client_time": "2026-11-27T08:00:00Z"
    });
    let batch = json!({ "records": [record] }).to_string();

    // A forged or expired session stores nothing and says so as a whole.
    let refused = f.with_bearer("POST", "/api/v1/ratings", "forged-token", Some(batch.clone())).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.json::<ApiError>().code, "unauthorized");
    assert_eq!(f.count(&format!("SELECT count(*) FROM ratings WHERE dossier_code = '{code}'")).await, 0);

    let results: BatchResults = f.with_bearer("POST", "/api/v1/ratings", &session.token, Some(batch)).await.json();
    assert_eq!(results.results[0].status, RecordStatus::Accepted, "{:?}", results.results[0]);
    let officer_id =
        f.count(&format!("SELECT officer_id FROM ratings WHERE dossier_code = '{code}' AND channel = 'paper'")).await;
    assert_eq!(officer_id, session.officer.id);
}

const IMPORT_CSV: &str = "\u{feff}ma_ho_so,thu_tuc,co_quan,can_bo,nguoi_nop,ngay_tiep_nhan,ngay_hen_tra,ngay_tra
H45.03-261101-0901,Đăng ký khai sinh,H45.03,Lê Thị Hoa,Nguyễn Văn An,01/11/2026,02/11/2026,02/11/2026
H45.03-261101-0902,Đăng ký kết hôn,H45.03,,,31/11/2026,03/11/2026,
H45.03-261101-0901,Đăng ký khai tử,H45.03,,,01/11/2026,02/11/2026,
H45.03-261101-0903,<b>Chứng thực</b> bản sao,H45.03,Lê Thị Hoa,,01/11/2026,02/11/2026,
H45.03-261101-0904,Chứng thực,H99,,,01/11/2026,02/11/2026,
";

/// A file longer than one lookup of stored dossiers (1,000 codes): every row
/// is counted once, again unchanged, and a change in the second lookup's part
/// is found and audited.
#[tokio::test]
async fn a_long_dossier_file_is_read_whole_and_again_changes_nothing() {
    let f = fixture().await;
    let office: danhgia_core::wire::Session = f.login("vanphong", demo::DEMO_PASSWORD).await.json();
    let file = |last_procedure: &str| {
        let mut csv = String::from("ma_ho_so,thu_tuc,co_quan,can_bo,nguoi_nop,ngay_tiep_nhan,ngay_hen_tra,ngay_tra\n");
        for n in 0..1234 {
            let procedure = if n == 1233 { last_procedure } else { "Chứng thực" };
            let official = ["Lê Thị Hoa", "Trần Văn Bình", ""][n % 3];
            csv.push_str(&format!("H45.03-261102-{n:04},{procedure},H45.03,{official},,02/11/2026,03/11/2026,\n"));
        }
        csv
    };
    let import = |csv: String| {
        let f = &f;
        let token = office.token.clone();
        async move {
            f.with_bearer("POST", "/api/v1/dossiers", &token, Some(csv))
                .await
                .json::<danhgia_core::wire::ImportReport>()
        }
    };
    let first = import(file("Chứng thực")).await;
    assert_eq!((first.created, first.updated, first.unchanged, first.errors.len()), (1234, 0, 0, 0));
    assert_eq!(f.count("SELECT count(*) FROM dossiers WHERE code LIKE 'H45.03-261102-%'").await, 1234);
    assert_eq!(
        f.count("SELECT count(*) FROM officials WHERE agency_id = 'H45.03' AND full_name = 'Trần Văn Bình'").await,
        1
    );
    let again = import(file("Chứng thực")).await;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 1234));
    let changed = import(file("Chứng thực bản sao")).await;
    assert_eq!((changed.created, changed.updated, changed.unchanged), (0, 1, 1233));
    assert_eq!(
        f.count("SELECT count(*) FROM audit_log WHERE action = 'dossier.update' AND target = 'H45.03-261102-1233'")
            .await,
        1
    );
}

#[tokio::test]
async fn office_staff_import_dossiers_row_by_row_and_twice_changes_nothing() {
    let f = fixture().await;
    let office: danhgia_core::wire::Session = f.login("vanphong", demo::DEMO_PASSWORD).await.json();
    let officer: danhgia_core::wire::Session = f.login(demo::DEMO_OFFICER, demo::DEMO_PASSWORD).await.json();
    let forbidden = f.with_bearer("POST", "/api/v1/dossiers", &officer.token, Some(IMPORT_CSV.into())).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    let first: danhgia_core::wire::ImportReport =
        f.with_bearer("POST", "/api/v1/dossiers", &office.token, Some(IMPORT_CSV.into())).await.json();
    assert_eq!((first.created, first.updated, first.unchanged), (2, 0, 0));
    let errors: Vec<_> = first.errors.iter().map(|e| (e.line, e.reason.as_str())).collect();
    assert_eq!(errors, [(3, "bad_date"), (4, "duplicate_in_file"), (6, "unknown_agency")]);
    // Each names the column and shows the cell: the app words them, not the English detail.
    let places: Vec<_> = first.errors.iter().map(|e| (e.column.as_deref(), e.value.as_deref())).collect();
    assert_eq!(
        places,
        [
            (Some("ngay_tiep_nhan"), Some("31/11/2026")),
            (Some("ma_ho_so"), Some("H45.03-261101-0901")),
            (Some("co_quan"), Some("H99"))
        ]
    );
    assert_eq!(
        f.count("SELECT count(*) FROM dossiers WHERE procedure_name = '<b>Chứng thực</b> bản sao'").await,
        1,
        "markup is stored as text"
    );
    assert_eq!(f.count("SELECT count(*) FROM officials WHERE full_name = 'Lê Thị Hoa'").await, 1);

    let again: danhgia_core::wire::ImportReport =
        f.with_bearer("POST", "/api/v1/dossiers", &office.token, Some(IMPORT_CSV.into())).await.json();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    assert_eq!(f.count("SELECT count(*) FROM dossiers WHERE code LIKE 'H45.03-261101-09%'").await, 2);

    let missing =
        f.with_bearer("POST", "/api/v1/dossiers", &office.token, Some("ma_ho_so,thu_tuc\nA,B\n".into())).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(missing.json::<ApiError>().message.contains("co_quan"));
}

#[tokio::test]
async fn a_slip_carries_a_signed_link_and_the_codes() {
    let f = fixture().await;
    // The district's officer: every commune's dossiers are within its agencies.
    let session: danhgia_core::wire::Session = f.login("canbo.h45", demo::DEMO_PASSWORD).await.json();
    let (code, token, check) = f.unrated[0].clone();
    let slip: danhgia_core::wire::SlipData =
        f.with_bearer("GET", &format!("/api/v1/slips/{code}"), &session.token, None).await.json();
    assert_eq!(slip.check_code, check);
    assert_eq!(slip.link, format!("https://danhgia.example/r/{}?t={token}", code.replace('/', "%2F")));
    assert!(slip.qr_svg.contains("<svg") && slip.barcode_svg.contains("<svg"));
    let day = slip.dossier.returned_on.clone().unwrap();
    let batch: Vec<danhgia_core::wire::SlipData> =
        f.with_bearer("GET", &format!("/api/v1/slips?returned_on={day}"), &session.token, None).await.json();
    assert!(batch.iter().all(|s| s.dossier.returned_on.as_deref() == Some(day.as_str())));
}

#[tokio::test]
async fn reports_score_the_period_and_export_as_csv_and_xlsx() {
    let f = fixture().await;
    let office: danhgia_core::wire::Session = f.login("vanphong", demo::DEMO_PASSWORD).await.json();
    // The district verifies its commune's indicator, with the reason for the deduction.
    let entry = json!({ "agency_id": "H45.03", "period": { "year": 2025, "quarter": 3 }, "indicator": 5,
                        "verified": 1.0, "reason": "Thiếu hồ sơ lưu" });
    let put = f.with_bearer("PUT", "/api/v1/agency-scores", &office.token, Some(entry.to_string())).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);

    let report: danhgia_core::wire::Report =
        f.with_bearer("GET", "/api/v1/reports?year=2025&quarter=3", &office.token, None).await.json();
    assert_eq!((report.from.as_str(), report.to.as_str()), ("2025-07-01", "2025-09-30"));
    assert_eq!(report.agencies.len(), 13);
    let counted: u32 = report.agencies.iter().map(|a| a.dossiers).sum();
    let expected =
        f.count("SELECT count(*) FROM dossiers WHERE returned_on BETWEEN '2025-07-01' AND '2025-09-30'").await;
    assert_eq!(i64::from(counted), expected);
    let h4503 = report.agencies.iter().find(|a| a.agency_id == "H45.03").unwrap();
    assert_eq!(h4503.indicators[&5], Some(1.0));
    assert_eq!(h4503.reasons[&5], "Thiếu hồ sơ lưu");
    // Only graded agencies have a band and a rank; ranks follow the totals.
    for a in &report.agencies {
        assert_eq!(a.band.is_some(), a.standing == "graded", "{}", a.agency_id);
        assert_eq!(a.rank.is_some(), a.standing == "graded", "{}", a.agency_id);
    }
    let ranked: Vec<_> = report.agencies.iter().filter(|a| a.rank.is_some()).collect();
    assert!(ranked.windows(2).all(|w| w[0].rank <= w[1].rank && w[0].total >= w[1].total - 0.005));
    assert_eq!(report.quarters.len(), 8);

    let csv = f.with_bearer("GET", "/api/v1/reports/export?year=2025&quarter=3&format=csv", &office.token, None).await;
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(
        csv.body.contains("Mẫu số 03")
            && csv.body.contains("Tỷ lệ hài lòng (%)")
            && csv.body.contains("Thiếu hồ sơ lưu")
    );

    // The workbook opens, with the forms' sheets, headers and figures.
    let req = Request::get("/api/v1/reports/export?year=2025&quarter=3&format=xlsx")
        .header(header::AUTHORIZATION, format!("Bearer {}", office.token))
        .body(Body::empty())
        .unwrap();
    let res = f.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    use calamine::{DataType, Reader};
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["Mẫu 02", "Mẫu 03", "Mẫu 05"]);
    let sheet = book.worksheet_range("Mẫu 02").unwrap();
    assert_eq!(sheet.get_value((3, 21)).map(|c| c.to_string()), Some("Tổng điểm (tối đa 18)".into()));
    let row = (4..sheet.height() as u32)
        .find(|r| sheet.get_value((*r, 1)).map(|c| c.to_string()) == Some("H45.03".into()))
        .unwrap();
    assert_eq!(sheet.get_value((row, 13)).and_then(|c| c.as_f64()), Some(1.0), "indicator 5, verified");
    assert_eq!(sheet.get_value((row, 21)).and_then(|c| c.as_f64()), Some((h4503.total * 100.0).round() / 100.0));
    let grade = sheet.get_value((row, 22)).map(|c| c.to_string()).unwrap_or_default();
    let band = report.bands.bands.iter().find(|b| Some(&b.key) == h4503.band.as_ref()).map(|b| b.label.vi.clone());
    assert_eq!(Some(grade), band.or(Some("Chưa đủ chỉ số".into())));

    // Reports are for the office: a plain officer reads and enters none.
    let officer: danhgia_core::wire::Session = f.login(demo::DEMO_OFFICER, demo::DEMO_PASSWORD).await.json();
    for path in ["/api/v1/reports?year=2025", "/api/v1/reports/export?year=2025&format=csv"] {
        let refused = f.with_bearer("GET", path, &officer.token, None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
    }
    let bad = f.with_bearer("PUT", "/api/v1/agency-scores", &officer.token, Some(entry.to_string())).await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
}
