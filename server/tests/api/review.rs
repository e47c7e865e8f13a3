//! A second attack on the reworked server found these; each is attacked
//! again here: the attack, the refusal, and that nothing changed.

use crate::common::*;
use axum::http::StatusCode;
use danhgia_core::wire::admin::OneTimePassword;
use danhgia_core::wire::{DossierPublic, ImportReport, Session};
use serde_json::{Value, json};

/// Another district cannot take a commune's dossier codes ahead of it.
#[tokio::test]
async fn dossier_codes_of_another_agency_cannot_be_squatted() {
    let f = fixture().await;
    let other = f.token("vanphong.h46").await;
    let csv = format!(
        "{DOSSIER_CSV_HEADER}H45.03-261201-0001,Khai sinh,H46.01,,01/12/2026,02/12/2026,\nH46.01-261201-0001,Khai sinh,H46.01,,01/12/2026,02/12/2026,\n"
    );
    let report: ImportReport = f.csv("/api/v1/dossiers", &other, csv).await.json();
    assert_eq!(report.created, 1, "its own code goes in");
    assert_eq!(report.errors.iter().map(|e| (e.line, e.reason.as_str())).collect::<Vec<_>>(), [(2, "out_of_scope")]);
    assert_eq!(f.count("SELECT count(*) FROM dossiers WHERE code = 'H45.03-261201-0001'").await, 0);
    // The commune then imports its own code.
    let own = f.token("vanphong.h45.03").await;
    let csv = format!("{DOSSIER_CSV_HEADER}H45.03-261201-0001,Khai sinh,H45.03,,01/12/2026,02/12/2026,\n");
    assert_eq!(f.csv("/api/v1/dossiers", &own, csv).await.json::<ImportReport>().created, 1);
}

/// A rated dossier's dates and official no longer change by import; what
/// an import changes is in the audit log.
#[tokio::test]
async fn a_rated_dossier_cannot_be_rewritten_by_import() {
    let f = fixture().await;
    let office = f.token("vanphong.h45.03").await;
    let code = f
        .text("SELECT min(d.code) FROM dossiers d JOIN ratings r ON r.dossier_code = d.code WHERE d.agency_id = 'H45.03' AND d.code LIKE '%-8___'")
        .await
        .unwrap();
    let row = f
        .text(&format!(
            "SELECT received_on || '|' || appointed_on || '|' || returned_on FROM dossiers WHERE code = '{code}'"
        ))
        .await
        .unwrap();
    let [received, appointed, returned]: [&str; 3] = row.split('|').collect::<Vec<_>>().try_into().unwrap();
    let vn = |iso: &str| format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[..4]);
    // The return date dropped (the dossier would leave the quarter), then a later appointment.
    for (appointed_cell, returned_cell) in [(vn(appointed), String::new()), ("28/12/2025".to_owned(), vn(returned))] {
        let csv =
            format!("{DOSSIER_CSV_HEADER}{code},Khai sinh,H45.03,,{},{appointed_cell},{returned_cell}\n", vn(received));
        let report: ImportReport = f.csv("/api/v1/dossiers", &office, csv).await.json();
        assert_eq!(report.errors.iter().map(|e| e.reason.as_str()).collect::<Vec<_>>(), ["rated_locked"], "{report:?}");
    }
    let after = f
        .text(&format!(
            "SELECT received_on || '|' || appointed_on || '|' || returned_on FROM dossiers WHERE code = '{code}'"
        ))
        .await
        .unwrap();
    assert_eq!(after, row, "nothing changed");
    // A correction of the procedure's name is still taken, and audited.
    let procedure = f.text(&format!("SELECT procedure_name FROM dossiers WHERE code = '{code}'")).await.unwrap();
    let official = f
        .text(&format!(
            "SELECT o.full_name FROM dossiers d JOIN officials o ON o.id = d.official_id WHERE d.code = '{code}'"
        ))
        .await
        .unwrap();
    let csv = format!(
        "{DOSSIER_CSV_HEADER}{code},{procedure} (sửa tên),H45.03,{official},{},{},{}\n",
        vn(received),
        vn(appointed),
        vn(returned)
    );
    let report: ImportReport = f.csv("/api/v1/dossiers", &office, csv).await.json();
    assert_eq!((report.updated, report.errors.len()), (1, 0), "{report:?}");
    let admin = f.token("quantri.h45").await;
    let audit: danhgia_core::wire::admin::AuditPage =
        f.with_bearer("GET", "/api/v1/audit?limit=200", &admin, None).await.json();
    let update =
        audit.entries.iter().find(|e| e.action == "dossier.update" && e.target == code).expect("the update is audited");
    assert_eq!(update.actor, "vanphong.h45.03");
    assert!(update.after.as_ref().unwrap()["procedure"].as_str().unwrap().ends_with("(sửa tên)"));
}

/// A commune's office cannot decide which of its own ratings counts.
#[tokio::test]
async fn a_commune_does_not_decide_its_own_double_ratings() {
    let f = fixture().await;
    let district = f.token("vanphong").await;
    let page: danhgia_core::wire::quarter::ConflictPage =
        f.with_bearer("GET", "/api/v1/conflicts?year=2025&quarter=4", &district, None).await.json();
    let open = &page.conflicts[0];
    let commune = f
        .text(&format!("SELECT 'vanphong.' || lower(agency_id) FROM dossiers WHERE code = '{}'", open.dossier_code))
        .await
        .unwrap();
    let token = f.token(&commune).await;
    let aside = open.ratings.iter().find(|r| !r.counts).unwrap();
    let body = json!({ "count": aside.id, "reason": "tự quyết" }).to_string();
    let refused =
        f.with_bearer("POST", &format!("/api/v1/conflicts/{}/decide", open.dossier_code), &token, Some(body)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        f.count(&format!("SELECT count(*) FROM rating_decisions WHERE dossier_code = '{}'", open.dossier_code)).await,
        0
    );
}

/// A verification below full marks needs its reason even without a self-assessment.
#[tokio::test]
async fn every_deduction_has_its_reason() {
    let f = fixture().await;
    let district = f.token("vanphong").await;
    let body =
        json!({ "agency_id": "H45.04", "period": { "year": 2024, "quarter": 4 }, "indicator": 8, "verified": 0.5 })
            .to_string();
    let a = f.with_bearer("PUT", "/api/v1/agency-scores", &district, Some(body)).await;
    assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, "reason_required".to_owned()));
    assert_eq!(
        f.count("SELECT count(*) FROM agency_scores WHERE agency_id = 'H45.04' AND period = '2024-Q4'").await,
        0
    );
}

/// A password replaced by a reset cannot come back.
#[tokio::test]
async fn a_reset_password_joins_the_history() {
    let f = fixture().await;
    let admin = f.token("quantri.h45").await;
    let id = f.count("SELECT id FROM accounts WHERE username = 'canbo.h45.04'").await;
    // The officer had set a good password of their own.
    let session: Session = f.login("canbo.h45.04", PASSWORD).await.json();
    let change = |current: &str, new: &str| json!({ "current_password": current, "new_password": new }).to_string();
    let mine = "bến sông quê nhà 1979";
    assert_eq!(
        f.with_bearer("POST", "/api/v1/auth/password", &session.token, Some(change(PASSWORD, mine))).await.status,
        StatusCode::NO_CONTENT
    );
    let reset: OneTimePassword =
        f.with_bearer("POST", &format!("/api/v1/accounts/{id}/reset-password"), &admin, None).await.json();
    let fresh: Session = f.login("canbo.h45.04", &reset.password).await.json();
    let back = f.with_bearer("POST", "/api/v1/auth/password", &fresh.token, Some(change(&reset.password, mine))).await;
    assert_eq!((back.status, back.code()), (StatusCode::BAD_REQUEST, "reused_password".to_owned()));
}

/// Wrong current passwords at the password change count like wrong
/// sign-ins; the try that reaches the limit ends the session.
#[tokio::test]
async fn guessing_the_current_password_is_limited() {
    let f = fixture().await;
    let session: Session = f.login("canbo.h45.06", PASSWORD).await.json();
    let body = json!({ "current_password": "doan-mo", "new_password": "một mật khẩu mới 77" }).to_string();
    for n in 0..5 {
        let a = f.with_bearer("POST", "/api/v1/auth/password", &session.token, Some(body.clone())).await;
        assert_eq!(a.code(), "wrong_password", "try {n}");
    }
    let after = f.with_bearer("POST", "/api/v1/auth/password", &session.token, Some(body)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "the session ended: {}", after.body);
    assert_eq!(f.login("canbo.h45.06", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
}

/// An agency deactivated stops its accounts and those of every agency below it, at once.
#[tokio::test]
async fn a_deactivated_agency_stops_its_subtree() {
    let f = fixture().await;
    let admin = f.token("quantri.h45").await;
    let body =
        json!({ "id": "H45.03.MC", "name": "Tổ một cửa", "level": "department", "parent_id": "H45.03" }).to_string();
    assert_eq!(f.with_bearer("POST", "/api/v1/agencies", &admin, Some(body)).await.status, StatusCode::CREATED);
    let account =
        json!({ "username": "canbo.mc", "full_name": "C", "role": "officer", "agency_id": "H45.03.MC" }).to_string();
    let made: OneTimePassword = f.with_bearer("POST", "/api/v1/accounts", &admin, Some(account)).await.json();
    let below: Session = f.login("canbo.mc", &made.password).await.json();
    let commune = f.token("canbo.h45.03").await;
    let off =
        f.with_bearer("PATCH", "/api/v1/agencies/H45.03", &admin, Some(json!({ "active": false }).to_string())).await;
    assert_eq!(off.status, StatusCode::OK);
    for token in [&commune, &below.token] {
        assert_eq!(f.with_bearer("GET", "/api/v1/auth/me", token, None).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(f.login("canbo.mc", &made.password).await.status, StatusCode::UNAUTHORIZED);
    f.with_bearer("PATCH", "/api/v1/agencies/H45.03", &admin, Some(json!({ "active": true }).to_string())).await;
    assert_eq!(f.login("canbo.mc", &made.password).await.status, StatusCode::OK);
}

/// For staff, a code of another district and a code that exists nowhere answer alike.
#[tokio::test]
async fn staff_cannot_tell_which_codes_exist_elsewhere() {
    let f = fixture().await;
    let outsider = f.token("canbo.h46.01").await;
    let (code, token, _) = f.unrated[0].clone();
    let dossier: DossierPublic = f.get(&format!("/api/v1/dossiers/{code}?t={token}")).await.json();
    let existing = record_for(&dossier, ID1, "paper", None);
    let mut missing = record_for(&dossier, ID2, "paper", None);
    missing["dossier_code"] = json!("H45.03-991231-0001");
    let answer: Value = f
        .with_bearer("POST", "/api/v1/ratings", &outsider, Some(json!({ "records": [existing, missing] }).to_string()))
        .await
        .json();
    let reasons: Vec<&str> =
        answer["results"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["out_of_scope", "out_of_scope"]);
    let messages: Vec<String> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap().replace(&code, "X").replace("H45.03-991231-0001", "X"))
        .collect();
    assert_eq!(messages[0], messages[1], "the same words too");
}

/// A backup never follows a link planted where the copy should go.
#[tokio::test]
async fn a_backup_does_not_follow_a_planted_link() {
    let f = fixture().await;
    if f.backend() != danhgia_server::store::Backend::Sqlite {
        return;
    }
    let loot = f.dir.path().join("loot.sqlite3");
    let planted = f.dir.path().join("backup.sqlite3");
    std::os::unix::fs::symlink(&loot, &planted).unwrap();
    let db = f.db.clone();
    let p = planted.clone();
    let refused = blocking(move || danhgia_server::cli::backup(&db, &p)).await;
    assert!(refused.unwrap_err().contains("exists"));
    assert!(!loot.exists(), "nothing written through the link");
    // A fresh name works, and leaves no partial file behind.
    let good = f.dir.path().join("good.sqlite3");
    let db = f.db.clone();
    let g = good.clone();
    blocking(move || danhgia_server::cli::backup(&db, &g)).await.unwrap();
    let leftovers = std::fs::read_dir(f.dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".partial"))
        .count();
    assert_eq!(leftovers, 0);
}

/// Names that look like numbers stay text in the workbook.
#[tokio::test]
async fn number_like_names_stay_text_in_the_workbook() {
    use axum::body::Body;
    use axum::http::{Request, header};
    use calamine::Reader;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let f = fixture().await;
    f.exec("UPDATE agencies SET name = '1e5' WHERE id = 'H45.07'").await;
    let district = f.token("vanphong").await;
    let req = Request::get("/api/v1/reports/export?year=2025&quarter=4&format=xlsx")
        .header(header::AUTHORIZATION, format!("Bearer {district}"))
        .body(Body::empty())
        .unwrap();
    let bytes = f.router.clone().oneshot(req).await.unwrap().into_body().collect().await.unwrap().to_bytes().to_vec();
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    for sheet in ["Mẫu 02", "Mẫu 05"] {
        let range = book.worksheet_range(sheet).unwrap();
        let row = (0..range.height() as u32)
            .find(|r| range.get_value((*r, 1)).map(|c| c.to_string()) == Some("H45.07".into()))
            .unwrap();
        assert_eq!(range.get_value((row, 2)), Some(&calamine::Data::String("1e5".into())), "{sheet}");
    }
}

/// Many agencies listed children first are placed parents first, each saved once.
#[tokio::test]
async fn agencies_listed_children_first_import_in_one_pass() {
    let f = fixture().await;
    let admin = f.token("quantri.h45").await;
    let mut csv = String::from("ma_co_quan,ten_co_quan,cap,ma_co_quan_cap_tren\n");
    // 150 desks, each of a commune listed after it; then the 150 communes.
    for n in 0..150 {
        csv += &format!("H45.C{n}.MC,Tổ một cửa {n},phong_ban,H45.C{n}\n");
    }
    for n in 0..150 {
        csv += &format!("H45.C{n},UBND xã {n},xa,H45\n");
    }
    // A loop within the file, and a desk under a desk, are refused.
    csv += "H45.L1,Vòng 1,phong_ban,H45.L2\nH45.L2,Vòng 2,phong_ban,H45.L1\nH45.C0.MC.X,Tổ con,phong_ban,H45.C0.MC\n";
    let report: ImportReport = f.csv("/api/v1/agencies/import", &admin, csv).await.json();
    assert_eq!(report.created, 300, "{:?}", report.errors);
    let reasons: Vec<&str> = report.errors.iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(reasons, ["unknown_parent", "unknown_parent", "bad_level"]);
    assert_eq!(f.count("SELECT count(*) FROM agencies WHERE id LIKE 'H45.C%'").await, 300);
}
