//! The district office's quarter (#14): agency indicators with history,
//! honest grades, decided double ratings, proposals in the exports, the
//! kiosk channel.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use danhgia_core::wire::quarter::{AgencyScoreView, AgencyScores, ConflictDetail, ConflictPage, ProposalView};
use danhgia_core::wire::{DossierPublic, RecordStatus, Report};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Entries for Q4/2024: a quarter the demo left without indicators.
fn entry(agency: &str, indicator: u8, kind: &str, points: f64, reason: Option<&str>) -> String {
    let mut e =
        json!({ "agency_id": agency, "period": { "year": 2024, "quarter": 4 }, "indicator": indicator, kind: points });
    if let Some(r) = reason {
        e["reason"] = json!(r);
    }
    e.to_string()
}

async fn put(f: &Fixture, token: &str, body: String) -> Answer {
    f.with_bearer("PUT", "/api/v1/agency-scores", token, Some(body)).await
}

#[tokio::test]
async fn the_agency_self_assesses_and_only_the_district_verifies() {
    let f = fixture().await;
    let commune = f.token("vanphong.h45.03").await;
    let district = f.token("vanphong").await;
    let officer = f.token("canbo.h45.03").await;

    let own = put(&f, &commune, entry("H45.03", 5, "self_assessed", 2.0, None)).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    for (token, body, status, code) in [
        (&district, entry("H45.03", 5, "self_assessed", 1.0, None), StatusCode::FORBIDDEN, "forbidden"),
        (&commune, entry("H45.03", 5, "verified", 2.0, None), StatusCode::FORBIDDEN, "forbidden"),
        (&commune, entry("H45.04", 5, "self_assessed", 2.0, None), StatusCode::NOT_FOUND, "not_found"),
        (&officer, entry("H45.03", 6, "self_assessed", 2.0, None), StatusCode::FORBIDDEN, "forbidden"),
        (&district, entry("H45.03", 5, "verified", 1.0, None), StatusCode::BAD_REQUEST, "reason_required"),
        (&district, entry("H45.03", 5, "verified", 2.5, None), StatusCode::BAD_REQUEST, "bad_points"),
        (&commune, entry("H45.03", 6, "self_assessed", -1.0, None), StatusCode::BAD_REQUEST, "bad_points"),
        (&commune, entry("H45.03", 7, "self_assessed", 2.0, None), StatusCode::BAD_REQUEST, "bad_indicator"),
        (
            &commune,
            json!({ "agency_id": "H45.03", "period": { "year": 2100, "quarter": 1 }, "indicator": 5, "self_assessed": 2.0 }).to_string(),
            StatusCode::BAD_REQUEST,
            "future_period",
        ),
        (
            &commune,
            json!({ "agency_id": "H45.03", "period": { "year": 2025, "quarter": 5 }, "indicator": 5, "self_assessed": 2.0 }).to_string(),
            StatusCode::BAD_REQUEST,
            "bad_period",
        ),
    ] {
        let a = put(&f, token, body.clone()).await;
        assert_eq!((a.status, a.code()), (status, code.to_owned()), "{body}: {}", a.body);
    }
    let verified = put(&f, &district, entry("H45.03", 5, "verified", 1.0, Some("Chưa niêm yết đủ thủ tục"))).await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    let view: AgencyScoreView = verified.json();
    assert_eq!((view.self_assessed, view.verified), (Some(2.0), Some(1.0)), "the self-assessment stays");
    assert!(view.verified_by.as_deref().unwrap().contains("vanphong"));
    assert!(view.self_by.as_deref().unwrap().contains("vanphong.h45.03"));
    // Once verified, the commune's own score stands: it asks the district to revise.
    let late = put(&f, &commune, entry("H45.03", 5, "self_assessed", 1.5, None)).await;
    assert_eq!((late.status, late.code()), (StatusCode::CONFLICT, "already_verified".to_owned()));
    // The district revises: the history keeps every entry.
    put(&f, &district, entry("H45.03", 5, "verified", 1.5, Some("Đã bổ sung một phần"))).await;
    let scores: AgencyScores =
        f.with_bearer("GET", "/api/v1/agency-scores?year=2024&quarter=4&unit=H45", &district, None).await.json();
    let five = scores.scores.iter().find(|s| s.agency_id == "H45.03" && s.indicator == 5).unwrap();
    let history: Vec<(&str, Option<f64>)> = five.history.iter().map(|h| (h.kind.as_str(), h.points)).collect();
    assert_eq!(history, [("self", Some(2.0)), ("verified", Some(1.0)), ("verified", Some(1.5))]);
    assert_eq!(scores.may_enter["H45.03"], ["verified"]);
    assert_eq!(scores.may_enter["H45"], ["self"], "the district assesses itself; the province verifies it");
    let mine: AgencyScores =
        f.with_bearer("GET", "/api/v1/agency-scores?year=2024&quarter=4", &commune, None).await.json();
    assert_eq!(mine.may_enter["H45.03"], ["self"]);
    assert_eq!(mine.scores.len(), 4, "a commune sees its own four");

    // The report uses the verified points where present and says so.
    let report: Report = f.with_bearer("GET", "/api/v1/reports?year=2024&quarter=4", &district, None).await.json();
    let row = report.agencies.iter().find(|a| a.agency_id == "H45.03").unwrap();
    assert_eq!((row.indicators[&5], row.sources[&5].as_str()), (Some(1.5), "verified"));
    assert_eq!(row.entries[&5].self_assessed, Some(2.0));
    assert_eq!(row.reasons[&5], "Đã bổ sung một phần");
    put(&f, &commune, entry("H45.03", 6, "self_assessed", 2.0, None)).await;
    let report: Report = f.with_bearer("GET", "/api/v1/reports?year=2024&quarter=4", &district, None).await.json();
    let row = report.agencies.iter().find(|a| a.agency_id == "H45.03").unwrap();
    assert_eq!((row.indicators[&6], row.sources[&6].as_str()), (Some(2.0), "self"));
}

#[tokio::test]
async fn grades_are_given_only_to_complete_rated_agencies() {
    let f = fixture().await;
    let district = f.token("vanphong").await;
    let report: Report = f.with_bearer("GET", "/api/v1/reports?year=2024&quarter=4", &district, None).await.json();
    assert!(report.agencies.iter().any(|a| a.rated == 0), "Q4/2024 has agencies without a rated dossier");
    // A commune without a rated dossier this quarter: no grade, no rank, no rate.
    let unrated: Vec<_> = report.agencies.iter().filter(|a| a.rated == 0).collect();
    for a in &unrated {
        assert_eq!(
            (a.standing.as_str(), a.band.as_ref(), a.rank, a.satisfaction_rate),
            ("not_rated", None, None, None),
            "{}",
            a.agency_id
        );
    }
    // Enter all four per-agency indicators for two rated communes: they are graded and ranked.
    let rated: Vec<String> = report
        .agencies
        .iter()
        .filter(|a| a.rated > 0 && a.level == "commune")
        .take(2)
        .map(|a| a.agency_id.clone())
        .collect();
    assert_eq!(rated.len(), 2, "the demo has rated communes in Q4/2024");
    for agency in &rated {
        for n in [5u8, 6, 8, 9] {
            let a = put(&f, &district, entry(agency, n, "verified", 2.0, None)).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        }
    }
    let report: Report = f.with_bearer("GET", "/api/v1/reports?year=2024&quarter=4", &district, None).await.json();
    let graded: Vec<_> = report.agencies.iter().filter(|a| a.standing == "graded").collect();
    assert_eq!(graded.len(), 2);
    assert!(graded.iter().all(|a| a.band.is_some() && a.rank.is_some() && a.commune_rank.is_some()));
    let best = graded.iter().map(|a| a.total).fold(0.0, f64::max);
    assert!(graded.iter().any(|a| a.rank == Some(1) && a.total == best));
    assert!(report.agencies.iter().filter(|a| a.standing != "graded").all(|a| a.rank.is_none() && a.band.is_none()));
}

/// A dossier rated online, then on paper: the office decides the paper slip
/// counts; the counts follow and the online rating is kept aside.
#[tokio::test]
async fn the_office_decides_which_rating_counts() {
    let f = fixture().await;
    let (code, token, _) = f.unrated[0].clone();
    let dossier: DossierPublic = f.get(&format!("/api/v1/dossiers/{code}?t={token}")).await.json();
    let mut online = record_for(&dossier, ID1, "online", Some(&token));
    let first_key = online["answers"].as_object().unwrap().keys().find(|k| k.starts_with('i')).unwrap().clone();
    let choices = danhgia_core::RuleBook::builtin();
    let rules = choices.by_version(&dossier.ruleset_version).unwrap();
    let options: Vec<String> =
        rules.indicators.iter().find(|i| i.key == first_key).unwrap().options.iter().map(|o| o.key.clone()).collect();
    online["answers"][&first_key] = json!(options.last().unwrap());
    assert_eq!(f.rate(vec![online.clone()]).await.results[0].status, RecordStatus::Accepted);
    let officer = f.token("canbo.h45").await;
    let mut paper = record_for(&dossier, ID2, "paper", None);
    paper["answers"][&first_key] = json!(options[0]);
    let sent = f
        .with_bearer("POST", "/api/v1/ratings", &officer, Some(json!({ "records": [paper.clone()] }).to_string()))
        .await;
    assert_eq!(sent.json::<Value>()["results"][0]["status"], "conflict");

    let district = f.token("vanphong").await;
    let year = &dossier.returned_on.as_deref().unwrap()[..4];
    let page: ConflictPage =
        f.with_bearer("GET", &format!("/api/v1/conflicts?year={year}"), &district, None).await.json();
    let listed = page.conflicts.iter().find(|c| c.dossier_code == code).unwrap();
    assert_eq!(
        listed.ratings.iter().map(|r| (r.id.as_str(), r.counts)).collect::<Vec<_>>(),
        [(ID1, true), (ID2, false)]
    );
    assert_eq!(listed.ratings[1].entered_by.as_deref(), Some("canbo.h45"));

    let decide = |count: &str, reason: &str| json!({ "count": count, "reason": reason }).to_string();
    let path = format!("/api/v1/conflicts/{code}/decide");
    for (body, code_expected) in [(decide("nope", "x"), "unknown_rating"), (decide(ID2, " "), "bad_reason")] {
        let a = f.with_bearer("POST", &path, &district, Some(body)).await;
        assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, code_expected.to_owned()));
    }
    let officer_try = f.with_bearer("POST", &path, &officer, Some(decide(ID2, "x"))).await;
    assert_eq!(officer_try.status, StatusCode::FORBIDDEN);
    let decided = f.with_bearer("POST", &path, &district, Some(decide(ID2, "Công dân xác nhận phiếu giấy"))).await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.body);
    let decided: ConflictDetail = decided.json();
    assert_eq!(decided.ratings.iter().find(|r| r.counts).unwrap().id, ID2);
    assert_eq!(decided.decisions.len(), 1);
    assert!(decided.decisions[0].decided_by.contains("vanphong") && decided.decisions[0].reason.contains("phiếu giấy"));

    // What counts now is the paper slip, everywhere.
    assert_eq!(f.text(&format!("SELECT id FROM ratings WHERE dossier_code = '{code}'")).await.as_deref(), Some(ID2));
    assert_eq!(f.count(&format!("SELECT count(*) FROM rating_conflicts WHERE id = '{ID1}' AND demoted = 1")).await, 1);
    let public: DossierPublic = f.get(&format!("/api/v1/dossiers/{code}?t={token}")).await.json();
    assert_eq!(public.rating.unwrap().channel, danhgia_core::rating::Channel::Paper);
    // The open list is empty; the decided one is listed on request.
    let open: ConflictPage =
        f.with_bearer("GET", &format!("/api/v1/conflicts?year={year}"), &district, None).await.json();
    assert!(open.conflicts.iter().all(|c| c.dossier_code != code));
    let all: ConflictPage =
        f.with_bearer("GET", &format!("/api/v1/conflicts?year={year}&decided=true"), &district, None).await.json();
    assert!(all.conflicts.iter().any(|c| c.dossier_code == code));
    // Replays of either record are answered as delivered, and change nothing.
    for r in [online, paper] {
        let again =
            f.with_bearer("POST", "/api/v1/ratings", &officer, Some(json!({ "records": [r] }).to_string())).await;
        assert_eq!(again.json::<Value>()["results"][0]["status"], "duplicate");
    }
    assert_eq!(f.text(&format!("SELECT id FROM ratings WHERE dossier_code = '{code}'")).await.as_deref(), Some(ID2));
}

#[tokio::test]
async fn communes_write_proposals_that_reach_the_district_report_and_its_workbook() {
    let f = fixture().await;
    let commune = f.token("vanphong.h45.03").await;
    let district = f.token("vanphong").await;
    let write = |agency: &str, text: &str| {
        json!({ "agency_id": agency, "period": { "year": 2025, "quarter": 4 }, "text": text }).to_string()
    };
    let text = "1. Bổ sung máy tính tại Bộ phận Một cửa.\n2. Tập huấn cán bộ về dịch vụ công trực tuyến.";
    let ok = f.with_bearer("PUT", "/api/v1/proposals", &commune, Some(write("H45.03", text))).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json::<ProposalView>().text, text);
    for (token, body, status, code) in [
        (&district, write("H45.03", "x"), StatusCode::FORBIDDEN, "forbidden"),
        (&commune, write("H45.03", "a\u{7}b"), StatusCode::BAD_REQUEST, "bad_text"),
        (&commune, write("H45.03", "  "), StatusCode::BAD_REQUEST, "bad_text"),
        (&commune, write("H45.04", "x"), StatusCode::NOT_FOUND, "not_found"),
    ] {
        let a = f.with_bearer("PUT", "/api/v1/proposals", token, Some(body)).await;
        assert_eq!((a.status, a.code()), (status, code.to_owned()));
    }
    let listed: Vec<ProposalView> =
        f.with_bearer("GET", "/api/v1/proposals?year=2025&quarter=4", &district, None).await.json();
    assert_eq!(listed.iter().find(|p| p.agency_id == "H45.03").map(|p| p.text.as_str()), Some(text));
    assert!(listed.iter().find(|p| p.agency_id == "H45.03").unwrap().updated_by.contains("vanphong.h45.03"));
    let report: Report = f.with_bearer("GET", "/api/v1/reports?year=2025&quarter=4", &district, None).await.json();
    assert_eq!(report.agencies.iter().find(|a| a.agency_id == "H45.03").unwrap().proposals.as_deref(), Some(text));

    let req = Request::get("/api/v1/reports/export?year=2025&quarter=4&format=xlsx")
        .header(header::AUTHORIZATION, format!("Bearer {district}"))
        .body(Body::empty())
        .unwrap();
    let bytes = f.router.clone().oneshot(req).await.unwrap().into_body().collect().await.unwrap().to_bytes().to_vec();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Mẫu 05").unwrap();
    let row = (0..sheet.height() as u32)
        .find(|r| sheet.get_value((*r, 1)).map(|c| c.to_string()) == Some("H45.03".into()))
        .unwrap();
    assert_eq!(sheet.get_value((row, 8)).map(|c| c.to_string()).as_deref(), Some(text));
    let csv = f.with_bearer("GET", "/api/v1/reports/export?year=2025&quarter=4&format=csv", &district, None).await;
    assert!(csv.body.contains("Tập huấn cán bộ"));
}

#[tokio::test]
async fn the_kiosk_is_a_channel_of_its_own() {
    let f = fixture().await;
    let officer = f.token("canbo.h45").await;
    let (code, token, _) = f.unrated[1].clone();
    let dossier: DossierPublic = f.get(&format!("/api/v1/dossiers/{code}?t={token}")).await.json();
    let mut blank = record_for(&dossier, ID1, "kiosk", None);
    let key = blank["answers"].as_object().unwrap().keys().next().unwrap().clone();
    blank["answers"][&key] = json!("blank");
    let kiosk = record_for(&dossier, ID2, "kiosk", None);
    let send =
        |r: Value| f.with_bearer("POST", "/api/v1/ratings", &officer, Some(json!({ "records": [r] }).to_string()));
    let refused: Value = send(blank).await.json();
    assert_eq!(refused["results"][0]["reason"], "blank_not_allowed", "the citizen answers every question at the kiosk");
    let anonymous = f.rate(vec![kiosk.clone()]).await;
    assert_eq!(anonymous.results[0].reason.as_deref(), Some("sign_in_required"));
    let accepted: Value = send(kiosk).await.json();
    assert_eq!(accepted["results"][0]["status"], "accepted");
    assert_eq!(f.text(&format!("SELECT channel FROM ratings WHERE id = '{ID2}'")).await.as_deref(), Some("kiosk"));
    // One rating per dossier across the three channels.
    let online = record_for(&dossier, "33333333-3333-4333-a333-333333333333", "online", Some(&token));
    assert_eq!(f.rate(vec![online]).await.results[0].status, RecordStatus::Conflict);
    let district = f.token("vanphong").await;
    let year = &dossier.returned_on.as_deref().unwrap()[..4];
    let report: Report = f.with_bearer("GET", &format!("/api/v1/reports?year={year}"), &district, None).await.json();
    let kiosks: u32 = report.agencies.iter().map(|a| a.channels.get("kiosk").copied().unwrap_or(0)).sum();
    assert!(kiosks >= 1);
}

/// The demo a newcomer judges: its Q4/2025 report is complete.
#[tokio::test]
async fn the_demo_quarter_is_complete() {
    let f = fixture().await;
    let district = f.token("vanphong").await;
    let report: Report = f.with_bearer("GET", "/api/v1/reports?year=2025&quarter=4", &district, None).await.json();
    assert_eq!(report.agencies.len(), 13);
    for a in &report.agencies {
        assert_eq!(a.standing, "graded", "{}: {a:?}", a.agency_id);
        assert!(a.band.is_some() && a.rank.is_some() && a.rated >= 3, "{}", a.agency_id);
        assert!([5u8, 6, 8, 9].iter().all(|n| a.entries[n].self_assessed.is_some()), "{}", a.agency_id);
        for channel in ["online", "paper", "kiosk"] {
            assert!(a.channels.get(channel).copied().unwrap_or(0) >= 1, "{} {channel}", a.agency_id);
        }
        if a.level == "commune" {
            assert!(a.proposals.is_some(), "{}", a.agency_id);
            assert!(a.commune_rank.is_some());
            assert!([5u8, 6, 8, 9].iter().all(|n| a.sources[n] == "verified"), "{}", a.agency_id);
        }
    }
    assert!(report.agencies.iter().any(|a| !a.reasons.is_empty()), "some deductions, with reasons");
    assert!(report.conflicts_total >= 1, "a double rating to decide");
    let page: ConflictPage =
        f.with_bearer("GET", "/api/v1/conflicts?year=2025&quarter=4&decided=true", &district, None).await.json();
    assert!(page.conflicts.iter().any(|c| !c.decisions.is_empty()), "one decided");
    // Every quarter of 2025 and 2026 that has begun has rated dossiers everywhere.
    for (year, quarter) in [(2025, 1), (2025, 2), (2025, 3), (2026, 1), (2026, 2), (2026, 3)] {
        let r: Report = f
            .with_bearer("GET", &format!("/api/v1/reports?year={year}&quarter={quarter}"), &district, None)
            .await
            .json();
        assert!(r.agencies.iter().all(|a| a.rated >= 3), "{year} Q{quarter}");
    }
    // The year's report takes the quarters' indicators.
    let year: Report = f.with_bearer("GET", "/api/v1/reports?year=2025", &district, None).await.json();
    assert!(
        year.agencies.iter().all(|a| a.standing == "graded"),
        "{:?}",
        year.agencies.iter().map(|a| (&a.agency_id, &a.standing)).collect::<Vec<_>>()
    );
}
