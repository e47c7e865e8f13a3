//! A district administers itself (#11): agencies, officials, accounts, CSV
//! imports, the audit log, and the first run from the command line.

use crate::common::*;
use axum::http::StatusCode;
use danhgia_core::wire::ImportReport;
use danhgia_core::wire::admin::{AccountInfo, AgencyInfo, AuditPage, OfficialInfo, OneTimePassword};
use serde_json::json;

#[tokio::test]
async fn agencies_form_a_tree_that_never_loops() {
    let f = fixture().await;
    let admin = f.token("quantri.h45").await;
    // A commune under the district, and a desk (department) of the commune.
    let create = |id: &str, parent: &str| {
        let level = if parent == "H45" { "commune" } else { "department" };
        json!({ "id": id, "name": format!("Đơn vị {id}"), "level": level, "parent_id": parent }).to_string()
    };
    let a = f.with_bearer("POST", "/api/v1/agencies", &admin, Some(create("h45.p1", "H45"))).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.json::<AgencyInfo>().id, "H45.P1", "codes are stored upper-case");
    let b = f.with_bearer("POST", "/api/v1/agencies", &admin, Some(create("H45.P1.A", "H45.P1"))).await;
    assert_eq!(b.status, StatusCode::CREATED);
    // Levels fit their parents: no district under a commune, no commune under a department.
    for (id, level, parent) in
        [("H45.P9", "district", "H45"), ("H45.P1.B", "commune", "H45.P1"), ("H45.P1.A.X", "department", "H45.P1.A")]
    {
        let body = json!({ "id": id, "name": "X", "level": level, "parent_id": parent }).to_string();
        let a = f.with_bearer("POST", "/api/v1/agencies", &admin, Some(body)).await;
        assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, "bad_level".to_owned()), "{id}");
    }
    let own_level =
        f.with_bearer("PATCH", "/api/v1/agencies/H45", &admin, Some(json!({ "level": "province" }).to_string())).await;
    assert_eq!(own_level.code(), "own_agency");

    for (body, status, code) in [
        (create("H45.P1", "H45"), StatusCode::CONFLICT, "duplicate_code"),
        (create("H45.03", "H45"), StatusCode::CONFLICT, "duplicate_code"),
        (create("H45.P2", "H99"), StatusCode::BAD_REQUEST, "unknown_parent"),
        (create("H45.P2", "H46"), StatusCode::BAD_REQUEST, "unknown_parent"),
        (create("H45 P2", "H45"), StatusCode::BAD_REQUEST, "bad_id"),
        (
            json!({ "id": "H45.P3", "name": "  ", "level": "xa", "parent_id": "H45" }).to_string(),
            StatusCode::BAD_REQUEST,
            "bad_name",
        ),
        (
            json!({ "id": "H45.P3", "name": "a\tb", "level": "xa", "parent_id": "H45" }).to_string(),
            StatusCode::BAD_REQUEST,
            "bad_name",
        ),
        (
            json!({ "id": "H45.P3", "name": "X", "level": "thôn", "parent_id": "H45" }).to_string(),
            StatusCode::BAD_REQUEST,
            "bad_level",
        ),
    ] {
        let a = f.with_bearer("POST", "/api/v1/agencies", &admin, Some(body.clone())).await;
        assert_eq!((a.status, a.code()), (status, code.to_owned()), "{body}");
    }
    assert_eq!(f.count("SELECT count(*) FROM agencies WHERE id LIKE 'H45.P%'").await, 2, "nothing half-saved");

    // No cycles: a parent cannot move under its own child, nor under itself.
    for parent in ["H45.P1.A", "H45.P1"] {
        let a = f
            .with_bearer("PATCH", "/api/v1/agencies/H45.P1", &admin, Some(json!({ "parent_id": parent }).to_string()))
            .await;
        assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, "cycle".to_owned()), "{parent}: {}", a.body);
    }
    let own = f
        .with_bearer("PATCH", "/api/v1/agencies/H45", &admin, Some(json!({ "parent_id": "H45.P1" }).to_string()))
        .await;
    assert_eq!(own.code(), "own_agency");
    // Moving, renaming, deactivating.
    let moved = f
        .with_bearer(
            "PATCH",
            "/api/v1/agencies/H45.P1.A",
            &admin,
            Some(json!({ "parent_id": "H45", "name": "Tổ một cửa" }).to_string()),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let moved: AgencyInfo = moved.json();
    assert_eq!((moved.parent_id.as_deref(), moved.name.as_str()), (Some("H45"), "Tổ một cửa"));

    // An agency with dossiers is never deleted, only deactivated; its accounts stop signing in.
    let refused = f.with_bearer("DELETE", "/api/v1/agencies/H45.03", &admin, None).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "has_dossiers".to_owned()));
    let off =
        f.with_bearer("PATCH", "/api/v1/agencies/H45.03", &admin, Some(json!({ "active": false }).to_string())).await;
    assert!(!off.json::<AgencyInfo>().active);
    assert_eq!(f.login("canbo.h45.03", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    let import =
        "ma_ho_so,thu_tuc,co_quan,ngay_tiep_nhan,ngay_hen_tra\nH45.03-260101-0001,X,H45.03,01/01/2026,02/01/2026\n";
    let report: ImportReport = f.csv("/api/v1/dossiers", &f.token("vanphong").await, import.into()).await.json();
    assert_eq!(report.errors[0].reason, "inactive_agency");
    // An empty one is deleted.
    assert_eq!(f.with_bearer("DELETE", "/api/v1/agencies/H45.P1.A", &admin, None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(f.count("SELECT count(*) FROM agencies WHERE id = 'H45.P1.A'").await, 0);

    // Every change is in the audit log, with before and after.
    let audit: AuditPage = f.with_bearer("GET", "/api/v1/audit", &admin, None).await.json();
    let actions: Vec<&str> = audit.entries.iter().map(|e| e.action.as_str()).collect();
    for action in ["agency.create", "agency.update", "agency.deactivate", "agency.delete"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let rename = audit.entries.iter().find(|e| e.action == "agency.update" && e.target == "H45.P1.A").unwrap();
    assert_eq!(rename.before.as_ref().unwrap()["parent_id"], "H45.P1");
    assert_eq!(rename.after.as_ref().unwrap()["name"], "Tổ một cửa");
    assert!(audit.entries.iter().filter(|e| e.action.starts_with("agency.")).all(|e| e.actor == "quantri.h45"));
    assert!(
        audit.entries.iter().any(|e| e.action == "dossier.import" && e.actor == "vanphong"),
        "imports are audited too"
    );
    // Office staff and officers read no audit log.
    let office = f.token("vanphong").await;
    assert_eq!(f.with_bearer("GET", "/api/v1/audit", &office, None).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn duplicate_officials_merge_and_their_dossiers_follow() {
    let f = fixture().await;
    let admin = f.token("quantri.h45").await;
    // An import typo made a second "Lê Thị Hoa".
    let office = f.token("vanphong").await;
    let csv = "ma_ho_so,thu_tuc,co_quan,can_bo,ngay_tiep_nhan,ngay_hen_tra\n\
               H45.03-260301-0001,A,H45.03,Lê Thị Hoa,01/03/2026,02/03/2026\n\
               H45.03-260301-0002,A,H45.03,Lê Thi Hoa,01/03/2026,02/03/2026\n\
               H45.03-260301-0003,A,H45.03,Lê Thi Hoa,01/03/2026,02/03/2026\n";
    assert_eq!(f.csv("/api/v1/dossiers", &office, csv.into()).await.json::<ImportReport>().created, 3);
    let officials: Vec<OfficialInfo> = f.with_bearer("GET", "/api/v1/officials", &admin, None).await.json();
    let good = officials.iter().find(|o| o.full_name == "Lê Thị Hoa").unwrap();
    let typo = officials.iter().find(|o| o.full_name == "Lê Thi Hoa").unwrap();
    assert_eq!(typo.dossiers, 2);

    let merged = f
        .with_bearer(
            "POST",
            &format!("/api/v1/officials/{}/merge", typo.id),
            &admin,
            Some(json!({ "into": good.id }).to_string()),
        )
        .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
    assert_eq!(merged.json::<OfficialInfo>().dossiers, 3, "the dossiers followed");
    assert_eq!(f.count(&format!("SELECT count(*) FROM dossiers WHERE official_id = {}", typo.id)).await, 0);
    assert_eq!(f.count(&format!("SELECT active FROM officials WHERE id = {}", typo.id)).await, 0);
    // The same typo in the next import lands on the official kept.
    let again = "ma_ho_so,thu_tuc,co_quan,can_bo,ngay_tiep_nhan,ngay_hen_tra\nH45.03-260302-0001,A,H45.03,Lê Thi Hoa,02/03/2026,03/03/2026\n";
    f.csv("/api/v1/dossiers", &office, again.into()).await;
    assert_eq!(f.count("SELECT official_id FROM dossiers WHERE code = 'H45.03-260302-0001'").await, good.id);

    for (id, into, code) in [(good.id, good.id, "same_official"), (typo.id, good.id, "merged")] {
        let a = f
            .with_bearer(
                "POST",
                &format!("/api/v1/officials/{id}/merge"),
                &admin,
                Some(json!({ "into": into }).to_string()),
            )
            .await;
        assert_eq!(a.code(), code);
    }
    let other = f.count("SELECT min(id) FROM officials WHERE agency_id = 'H45.04'").await;
    let cross = f
        .with_bearer(
            "POST",
            &format!("/api/v1/officials/{other}/merge"),
            &admin,
            Some(json!({ "into": good.id }).to_string()),
        )
        .await;
    assert_eq!(cross.code(), "other_agency");

    // Create, rename, deactivate; a duplicate name is refused.
    let made = f
        .with_bearer(
            "POST",
            "/api/v1/officials",
            &admin,
            Some(
                json!({ "agency_id": "H45.03", "full_name": "Trần Văn Bình", "position": "Công chức Tư pháp" })
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED);
    let id = made.json::<OfficialInfo>().id;
    let dup = f
        .with_bearer(
            "POST",
            "/api/v1/officials",
            &admin,
            Some(json!({ "agency_id": "H45.03", "full_name": "Trần Văn Bình" }).to_string()),
        )
        .await;
    assert_eq!((dup.status, dup.code()), (StatusCode::CONFLICT, "duplicate_name".to_owned()));
    let off = f
        .with_bearer("PATCH", &format!("/api/v1/officials/{id}"), &admin, Some(json!({ "active": false }).to_string()))
        .await;
    assert!(!off.json::<OfficialInfo>().active);
    let audit: AuditPage = f.with_bearer("GET", "/api/v1/audit", &admin, None).await.json();
    assert!(
        audit.entries.iter().any(|e| e.action == "official.merge" && e.after.as_ref().unwrap()["dossiers_moved"] == 2)
    );
}

#[tokio::test]
async fn accounts_are_made_reset_and_signed_out_but_the_last_admin_stays() {
    let f = fixture().await;
    let admin = f.token("quantri.h45").await;
    let new = |username: &str, role: &str| {
        json!({ "username": username, "full_name": "Nguyễn Thị Mai", "role": role, "agency_id": "H45.05" }).to_string()
    };
    let made = f.with_bearer("POST", "/api/v1/accounts", &admin, Some(new("Mai.Nguyen", "office"))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let made: OneTimePassword = made.json();
    assert_eq!((made.account.username.as_str(), made.account.role.as_str()), ("mai.nguyen", "office"));
    assert!(made.account.must_change_password);
    assert!(
        !f.text("SELECT password_hash FROM accounts WHERE username = 'mai.nguyen'")
            .await
            .unwrap()
            .contains(&made.password)
    );
    for (body, status, code) in [
        (new("mai.nguyen", "office"), StatusCode::CONFLICT, "duplicate_username"),
        (new("x", "office"), StatusCode::BAD_REQUEST, "bad_username"),
        (new("mai 2", "office"), StatusCode::BAD_REQUEST, "bad_username"),
        (new("mai.2", "root"), StatusCode::BAD_REQUEST, "bad_role"),
        (
            json!({ "username": "mai.3", "full_name": "M", "role": "officer", "agency_id": "H46.01" }).to_string(),
            StatusCode::BAD_REQUEST,
            "unknown_agency",
        ),
    ] {
        let a = f.with_bearer("POST", "/api/v1/accounts", &admin, Some(body.clone())).await;
        assert_eq!((a.status, a.code()), (status, code.to_owned()), "{body}");
    }
    // The account signs in with its one-time password; the admin resets it.
    let session = f.login("mai.nguyen", &made.password).await;
    assert_eq!(session.status, StatusCode::OK);
    let reset =
        f.with_bearer("POST", &format!("/api/v1/accounts/{}/reset-password", made.account.id), &admin, None).await;
    let reset: OneTimePassword = reset.json();
    assert_ne!(reset.password, made.password);
    assert_eq!(f.login("mai.nguyen", &made.password).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(f.login("mai.nguyen", &reset.password).await.status, StatusCode::OK);

    // Sign out everywhere, then deactivate.
    let officer = f.token("canbo.h45.05").await;
    let id = f.count("SELECT id FROM accounts WHERE username = 'canbo.h45.05'").await;
    let out: AccountInfo = f.with_bearer("POST", &format!("/api/v1/accounts/{id}/sign-out"), &admin, None).await.json();
    assert_eq!(out.sessions, 0);
    assert_eq!(f.with_bearer("GET", "/api/v1/dossiers", &officer, None).await.status, StatusCode::UNAUTHORIZED);
    let off: AccountInfo = f
        .with_bearer("PATCH", &format!("/api/v1/accounts/{id}"), &admin, Some(json!({ "active": false }).to_string()))
        .await
        .json();
    assert!(!off.active);
    assert_eq!(f.login("canbo.h45.05", PASSWORD).await.status, StatusCode::UNAUTHORIZED);

    // The last admin of the district stays an admin, and active.
    let me = f.count("SELECT id FROM accounts WHERE username = 'quantri.h45'").await;
    for patch in [json!({ "active": false }), json!({ "role": "office" })] {
        let a = f.with_bearer("PATCH", &format!("/api/v1/accounts/{me}"), &admin, Some(patch.to_string())).await;
        assert_eq!((a.status, a.code()), (StatusCode::CONFLICT, "last_admin".to_owned()), "{patch}");
    }
    assert_eq!(
        f.count("SELECT count(*) FROM accounts WHERE role = 'admin' AND active = 1 AND agency_id = 'H45'").await,
        1
    );
    // With a second admin, the first may step down; its sessions end.
    let second: OneTimePassword = f
        .with_bearer(
            "POST",
            "/api/v1/accounts",
            &admin,
            Some(json!({ "username": "quantri2", "full_name": "B", "role": "admin", "agency_id": "H45" }).to_string()),
        )
        .await
        .json();
    let down = f
        .with_bearer("PATCH", &format!("/api/v1/accounts/{me}"), &admin, Some(json!({ "role": "office" }).to_string()))
        .await;
    assert_eq!(down.status, StatusCode::OK, "{}", down.body);
    assert_eq!(f.with_bearer("GET", "/api/v1/accounts", &admin, None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        f.count(&format!("SELECT count(*) FROM accounts WHERE id = {} AND role = 'admin'", second.account.id)).await,
        1
    );
    // Officers and office staff manage no accounts.
    let office = f.token("vanphong").await;
    for (method, path) in [("GET", "/api/v1/accounts"), ("POST", "/api/v1/accounts")] {
        let a = f.with_bearer(method, path, &office, Some(new("y.y", "admin"))).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{method} {path}");
    }
}

#[tokio::test]
async fn agencies_and_officials_import_from_csv_twice_changing_nothing() {
    let f = fixture().await;
    let admin = f.token("quantri.h45").await;
    // A child before its parent, a bad level, a parent outside the district, a typo'd code.
    let agencies = "\u{feff}ma_co_quan,ten_co_quan,cap,ma_co_quan_cap_tren\n\
                    H45.13.T1,Tổ một cửa xã Triệu Vân,phong_ban,H45.13\n\
                    H45.13,UBND xã Triệu Vân,xa,H45\n\
                    H45.14,UBND xã X,thôn,H45\n\
                    H45.15,UBND xã Y,xa,H46\n\
                    H45/16,UBND xã Z,xa,H45\n\
                    H45.03,UBND xã Triệu Thượng,xa,H45\n";
    let first: ImportReport = f.csv("/api/v1/agencies/import", &admin, agencies.into()).await.json();
    assert_eq!((first.created, first.updated, first.unchanged), (2, 0, 1), "{first:?}");
    let reasons: Vec<(u32, &str)> = first.errors.iter().map(|e| (e.line, e.reason.as_str())).collect();
    assert_eq!(reasons, [(4, "bad_level"), (5, "unknown_parent"), (6, "bad_code")]);
    let again: ImportReport = f.csv("/api/v1/agencies/import", &admin, agencies.into()).await.json();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));

    let officials = "co_quan,ho_ten,chuc_vu\nH45.13,Phan Văn Tâm,Công chức Tư pháp - Hộ tịch\nH45.13,Hồ Thị Yến,\nH46.01,Ngô Văn Lạ,x\nH45.13,,x\n";
    let first: ImportReport = f.csv("/api/v1/officials/import", &admin, officials.into()).await.json();
    assert_eq!((first.created, first.updated, first.unchanged), (2, 0, 0), "{first:?}");
    assert_eq!(first.errors.iter().map(|e| e.reason.as_str()).collect::<Vec<_>>(), ["out_of_scope", "missing_value"]);
    let again: ImportReport = f.csv("/api/v1/officials/import", &admin, officials.into()).await.json();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    let moved = officials.replace("Công chức Tư pháp - Hộ tịch", "Công chức Văn phòng");
    let third: ImportReport = f.csv("/api/v1/officials/import", &admin, moved).await.json();
    assert_eq!((third.created, third.updated, third.unchanged), (0, 1, 1));
    let bad = f.csv("/api/v1/officials/import", &admin, "ho_ten\nA\n".into()).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::BAD_REQUEST, "bad_file".to_owned()));
    // Why, in codes the app words in the user's language.
    let why: danhgia_core::wire::ApiError = bad.json();
    assert_eq!((why.reason.as_deref(), why.columns), (Some("missing_columns"), vec!["co_quan".to_owned()]));
    let latin1 = f.csv_bytes("/api/v1/officials/import", &admin, b"co_quan,ho_ten\nH45.03,L\xea\n".to_vec()).await;
    let why: danhgia_core::wire::ApiError = latin1.json();
    assert_eq!(
        (latin1.status, why.code.as_str(), why.reason.as_deref()),
        (StatusCode::BAD_REQUEST, "bad_file", Some("not_utf8"))
    );
}

#[tokio::test]
async fn a_new_district_starts_from_the_command_line() {
    // An empty database: init makes the district and its admin, once.
    let dir = tempfile::tempdir().unwrap();
    let (location, _pg) = backend_location(dir.path());
    let result = blocking(move || {
        let db = danhgia_server::Db::open(&location).unwrap();
        let first = danhgia_server::cli::init(&db, "h47", "UBND huyện Gio Linh", "district", "Admin", None);
        let second = danhgia_server::cli::init(&db, "H48", "UBND huyện Khác", "district", "admin2", None);
        let agencies =
            db.read_blocking(|s| s.one::<i64>("SELECT count(*) FROM agencies", danhgia_server::params![])).unwrap();
        let reset = danhgia_server::cli::reset_password(&db, "admin");
        let unknown = danhgia_server::cli::reset_password(&db, "nobody");
        (first, second, agencies, reset, unknown)
    })
    .await;
    let (first, second, agencies, reset, unknown) = result;
    let line = first.unwrap();
    assert!(line.contains("username=admin password="), "{line}");
    let refusal = second.unwrap_err();
    assert!(refusal.contains("already holds a district") && refusal.contains("H47"), "{refusal}");
    assert_eq!(agencies, 1, "the refused init changed nothing");
    let reset = reset.unwrap();
    let otp = reset.split("password=").nth(1).unwrap().split_whitespace().next().unwrap();
    assert_eq!(otp.len(), 19);
    assert!(unknown.is_err());
}
