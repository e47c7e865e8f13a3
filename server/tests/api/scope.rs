//! Scope, table-driven: every endpoint that touches an agency's data, called
//! by an account of another commune of the same district and by accounts
//! of another district. Each is refused (or sees nothing of it) and the
//! database is unchanged; then the rightful accounts make the same calls
//! and succeed, so that no refusal below is an accident of a wrong path.

use crate::common::*;
use danhgia_core::wire::DossierPublic;
use serde_json::{Value, json};

/// What the victim (commune H45.03) holds: a returned dossier, an official,
/// an account, a set-aside rating.
struct Victim {
    code: String,
    official: i64,
    account: i64,
    day: String,
}

async fn victim(f: &Fixture) -> Victim {
    let code = f
        .text("SELECT min(code) FROM dossiers WHERE agency_id = 'H45.03' AND returned_on IS NOT NULL AND code NOT IN (SELECT dossier_code FROM ratings)")
        .await
        .unwrap();
    let day = f.text(&format!("SELECT returned_on FROM dossiers WHERE code = '{code}'")).await.unwrap();
    let official = f.count("SELECT min(id) FROM officials WHERE agency_id = 'H45.03'").await;
    let account = f.count("SELECT id FROM accounts WHERE username = 'canbo.h45.03'").await;
    Victim { code, official, account, day }
}

/// Everything an attack could change, summed up.
async fn fingerprint(f: &Fixture) -> Vec<i64> {
    let mut out = Vec::new();
    for q in [
        "SELECT count(*) FROM ratings",
        "SELECT count(*) FROM rating_conflicts WHERE resolved = 0",
        "SELECT count(*) FROM dossiers WHERE agency_id = 'H45.03'",
        "SELECT count(*) FROM dossiers WHERE agency_id LIKE 'H46%'",
        "SELECT count(*) FROM agency_scores",
        "SELECT count(*) FROM agencies",
        "SELECT count(*) FROM agencies WHERE active = 1",
        "SELECT count(*) FROM officials WHERE active = 1",
        "SELECT count(*) FROM officials",
        "SELECT count(*) FROM accounts WHERE active = 1",
        "SELECT count(*) FROM accounts WHERE must_change_password = 1",
        "SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = 'canbo.h45.03'",
        "SELECT count(*) FROM agencies WHERE name LIKE '%đổi%'",
        "SELECT count(*) FROM proposals",
        "SELECT count(*) FROM rating_decisions",
        "SELECT count(*) FROM agency_score_history",
        "SELECT count(*) FROM officials WHERE full_name LIKE '%đổi%'",
    ] {
        out.push(f.count(q).await);
    }
    out
}

struct Case {
    name: &'static str,
    method: &'static str,
    path: String,
    body: Option<String>,
    csv: bool,
    /// The account of H45 that may make this call.
    owner: &'static str,
}

fn cases(v: &Victim, dossier: &DossierPublic) -> Vec<Case> {
    let paper =
        json!({ "records": [record_for(dossier, "99999999-9999-4999-8999-999999999999", "paper", None)] }).to_string();
    let kiosk = {
        let mut r = record_for(dossier, "88888888-8888-4888-8888-888888888888", "kiosk", None);
        r["comment"] = json!(null);
        json!({ "records": [r] }).to_string()
    };
    let import = format!(
        "ma_ho_so,thu_tuc,co_quan,ngay_tiep_nhan,ngay_hen_tra\n{},Đổi thủ tục,H45.03,01/01/2025,02/01/2025\n",
        v.code
    );
    let c =
        |name, method, path: String, body: Option<String>, owner| Case { name, method, path, body, csv: false, owner };
    let csv = |name, path: &str, body: String, owner| Case {
        name,
        method: "POST",
        path: path.into(),
        body: Some(body),
        csv: true,
        owner,
    };
    vec![
        c("read a dossier", "GET", format!("/api/v1/dossiers/{}", v.code), None, "canbo.h45.03"),
        c("list dossiers", "GET", "/api/v1/dossiers".into(), None, "canbo.h45.03"),
        c("print a slip", "GET", format!("/api/v1/slips/{}", v.code), None, "canbo.h45.03"),
        c("print a day's slips", "GET", format!("/api/v1/slips?returned_on={}", v.day), None, "canbo.h45.03"),
        c("enter a paper slip", "POST", "/api/v1/ratings".into(), Some(paper), "canbo.h45.03"),
        c("rate at the kiosk", "POST", "/api/v1/ratings".into(), Some(kiosk), "canbo.h45.03"),
        csv("import the dossier", "/api/v1/dossiers", import, "vanphong.h45.03"),
        c("read the report", "GET", "/api/v1/reports?year=2025&unit=H45.03".into(), None, "vanphong"),
        c("export the report", "GET", "/api/v1/reports/export?year=2025&unit=H45.03&format=csv".into(), None, "vanphong"),
        c(
            "verify an indicator",
            "PUT",
            "/api/v1/agency-scores".into(),
            Some(json!({ "agency_id": "H45.03", "period": { "year": 2024, "quarter": 4 }, "indicator": 5, "verified": 0.0, "reason": "trừ" }).to_string()),
            "vanphong",
        ),
        c(
            "self-assess an indicator",
            "PUT",
            "/api/v1/agency-scores".into(),
            Some(json!({ "agency_id": "H45.03", "period": { "year": 2024, "quarter": 4 }, "indicator": 6, "self_assessed": 2.0 }).to_string()),
            "vanphong.h45.03",
        ),
        c("list agencies", "GET", "/api/v1/agencies".into(), None, "quantri.h45"),
        c(
            "create an agency below",
            "POST",
            "/api/v1/agencies".into(),
            Some(json!({ "id": "H45.03.T1", "name": "Tổ đổi", "level": "department", "parent_id": "H45.03" }).to_string()),
            "quantri.h45",
        ),
        c("rename an agency", "PATCH", "/api/v1/agencies/H45.03".into(), Some(json!({ "name": "Xã đổi tên" }).to_string()), "quantri.h45"),
        c("deactivate an agency", "PATCH", "/api/v1/agencies/H45.12".into(), Some(json!({ "active": false }).to_string()), "quantri.h45"),
        csv("import agencies", "/api/v1/agencies/import", "ma_co_quan,ten_co_quan,cap,ma_co_quan_cap_tren\nH45.13,Xã đổi,xa,H45\n".into(), "quantri.h45"),
        c("list officials", "GET", "/api/v1/officials".into(), None, "quantri.h45"),
        c(
            "create an official",
            "POST",
            "/api/v1/officials".into(),
            Some(json!({ "agency_id": "H45.03", "full_name": "Người đổi", "position": "x" }).to_string()),
            "quantri.h45",
        ),
        c("rename an official", "PATCH", format!("/api/v1/officials/{}", v.official), Some(json!({ "full_name": "Tên đổi" }).to_string()), "quantri.h45"),
        csv("import officials", "/api/v1/officials/import", "co_quan,ho_ten,chuc_vu\nH45.03,Cán bộ đổi,x\n".into(), "quantri.h45"),
        c("list accounts", "GET", "/api/v1/accounts".into(), None, "quantri.h45"),
        c(
            "create an account",
            "POST",
            "/api/v1/accounts".into(),
            Some(json!({ "username": "ke.la", "full_name": "Kẻ lạ", "role": "admin", "agency_id": "H45.03" }).to_string()),
            "quantri.h45",
        ),
        c("sign an account out", "POST", format!("/api/v1/accounts/{}/sign-out", v.account), None, "quantri.h45"),
        c("reset a password", "POST", format!("/api/v1/accounts/{}/reset-password", v.account), None, "quantri.h45"),
        c("deactivate an account", "PATCH", format!("/api/v1/accounts/{}", v.account), Some(json!({ "active": false }).to_string()), "quantri.h45"),
        c("read the audit log", "GET", "/api/v1/audit".into(), None, "quantri.h45"),
    ]
}

/// What an outsider may see of a successful answer: nothing of H45.03.
fn leaks(body: &str, v: &Victim) -> bool {
    body.contains(&v.code) || body.contains("H45.03") || body.contains("canbo.h45.03")
}

async fn call(f: &Fixture, case: &Case, token: &str) -> Answer {
    if case.csv {
        f.csv(&case.path, token, case.body.clone().unwrap_or_default()).await
    } else {
        f.with_bearer(case.method, &case.path, token, case.body.clone()).await
    }
}

#[tokio::test]
async fn no_account_reaches_another_agencys_data() {
    let f = fixture().await;
    let v = victim(&f).await;
    let (_, token, _) = f.unrated.iter().find(|(c, _, _)| *c == v.code).cloned().unwrap_or_else(|| {
        let t = f.state.links.token(&danhgia_core::DossierCode::parse(&v.code).unwrap());
        (v.code.clone(), t, String::new())
    });
    let dossier: DossierPublic = f.get(&format!("/api/v1/dossiers/{}?t={token}", v.code)).await.json();
    // The victim's dossier holds a rating set aside, for the resolve call.
    let online = record_for(&dossier, ID1, "online", Some(&token));
    f.rate(vec![online.clone()]).await;
    let mut twice = online.clone();
    twice["id"] = json!(ID2);
    twice["comment"] = json!("lần hai");
    f.rate(vec![twice]).await;

    // The quarter's calls first: the import below changes the dossier's dates.
    let mut all = Vec::new();
    let decide = json!({ "count": ID2, "reason": "Phiếu giấy ghi đúng ý công dân" }).to_string();
    for (name, method, path, body, owner) in [
        ("list double ratings", "GET", format!("/api/v1/conflicts?year={}&unit=H45.03", &v.day[..4]), None, "vanphong"),
        ("decide a double rating", "POST", format!("/api/v1/conflicts/{}/decide", v.code), Some(decide), "vanphong"),
        (
            "read the indicators",
            "GET",
            "/api/v1/agency-scores?year=2025&quarter=1&unit=H45.03".to_owned(),
            None,
            "vanphong",
        ),
        (
            "write the proposals",
            "PUT",
            "/api/v1/proposals".to_owned(),
            Some(
                json!({ "agency_id": "H45.03", "period": { "year": 2025, "quarter": 1 }, "text": "Đề xuất đổi" })
                    .to_string(),
            ),
            "vanphong.h45.03",
        ),
        ("read the proposals", "GET", "/api/v1/proposals?year=2025&quarter=1&unit=H45.03".to_owned(), None, "vanphong"),
    ] {
        all.push(Case { name, method, path, body, csv: false, owner });
    }
    all.extend(cases(&v, &dossier));

    let before = fingerprint(&f).await;
    let attackers = [
        ("canbo.h45.04", "an officer of another commune"),
        ("vanphong.h46", "the office of another district"),
        ("canbo.h46.01", "an officer of another district"),
        ("quantri.h46", "the admin of another district"),
    ];
    for (user, who) in attackers {
        let token = f.token(user).await;
        for case in &all {
            let a = call(&f, case, &token).await;
            let what = format!(
                "{who} ({user}) tried to {}: {} {}",
                case.name,
                a.status,
                a.body.chars().take(300).collect::<String>()
            );
            assert!(a.content_type.starts_with("application/json") || a.status.is_success(), "{what}");
            if a.status.is_success() {
                // Allowed only to answer with nothing of the victim's…
                if case.method == "POST" && case.path.ends_with("/ratings") {
                    let results: Value = a.json();
                    let r = &results["results"][0];
                    assert_eq!(r["status"], "rejected", "{what}");
                    assert_eq!(r["reason"], "out_of_scope", "{what}");
                } else if case.csv {
                    let report: danhgia_core::wire::ImportReport = a.json();
                    assert_eq!((report.created, report.updated), (0, 0), "{what}");
                    assert!(!report.errors.is_empty(), "{what}");
                } else {
                    assert!(!leaks(&a.body, &v), "{what}");
                }
            } else {
                assert!(a.status.is_client_error(), "{what}");
            }
        }
    }
    assert_eq!(fingerprint(&f).await, before, "nothing changed");

    // The rightful accounts make the same calls and succeed.
    for case in &all {
        let token = f.token(case.owner).await;
        let a = call(&f, case, &token).await;
        let what = format!(
            "{} ({}) could not {}: {} {}",
            case.owner,
            case.method,
            case.name,
            a.status,
            a.body.chars().take(300).collect::<String>()
        );
        assert!(a.status.is_success(), "{what}");
        if case.method == "GET" && !case.path.contains("export") && !case.path.contains("audit") {
            assert!(leaks(&a.body, &v), "{what}: the owner sees the victim's data");
        }
        if case.path.ends_with("/ratings") {
            let results: Value = a.json();
            let status = results["results"][0]["status"].as_str().unwrap_or_default().to_owned();
            assert!(status == "conflict" || status == "duplicate", "{what}: {status}");
        }
    }
    assert_ne!(fingerprint(&f).await, before, "the owners' calls did change things");
}
