//! A believable district for trying the app: Triệu Phong (Quảng Trị), its
//! People's Committee and a dozen communes, their officials, and a few
//! hundred dossiers from 2019 to 2026 (early, on time, late, some not yet
//! returned), part of them already rated. Deterministic: the same every time.

use crate::links::LinkSigner;
use crate::params;
use crate::scope::Role;
use crate::store::{DbError, Sql};
use danhgia_core::rating::{Channel, DossierDates, form_for};
use danhgia_core::{CivilDate, DossierCode, RuleBook, RuleSet};

mod quarter;
use std::collections::BTreeMap;

const DISTRICT: (&str, &str) = ("H45", "UBND huyện Triệu Phong");
const COMMUNES: [(&str, &str); 12] = [
    ("H45.01", "UBND thị trấn Ái Tử"),
    ("H45.02", "UBND xã Triệu Ái"),
    ("H45.03", "UBND xã Triệu Thượng"),
    ("H45.04", "UBND xã Triệu Long"),
    ("H45.05", "UBND xã Triệu Giang"),
    ("H45.06", "UBND xã Triệu Thành"),
    ("H45.07", "UBND xã Triệu Trạch"),
    ("H45.08", "UBND xã Triệu Phước"),
    ("H45.09", "UBND xã Triệu Độ"),
    ("H45.10", "UBND xã Triệu Đại"),
    ("H45.11", "UBND xã Triệu Hòa"),
    ("H45.12", "UBND xã Triệu Sơn"),
];
/// Demo sign-ins: one officer per agency (`canbo.` + the agency code in
/// lower case, e.g. `canbo.h45.03`), the district office (`vanphong`), each
/// commune's office (`vanphong.h45.03` …) and the district's administrator
/// (`quantri.h45`), all with this password. Demo data only.
pub const DEMO_PASSWORD: &str = "danhgia-demo";
pub const DEMO_OFFICER: &str = "canbo.h45.03";
/// The district's administrator in the demo.
pub const DEMO_ADMIN: &str = "quantri.h45";
/// (procedure, days allowed, handled by the district?)
const PROCEDURES: [(&str, i64, bool); 11] = [
    ("Đăng ký khai sinh", 1, false),
    ("Đăng ký kết hôn", 3, false),
    ("Đăng ký khai tử", 1, false),
    ("Chứng thực bản sao từ bản chính giấy tờ, văn bản", 1, false),
    ("Chứng thực chữ ký trong giấy tờ, văn bản", 1, false),
    ("Cấp bản sao trích lục hộ tịch", 1, false),
    ("Xác nhận tình trạng hôn nhân", 3, false),
    ("Đăng ký hộ kinh doanh", 3, true),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", 15, true),
    ("Cấp Giấy chứng nhận quyền sử dụng đất lần đầu", 30, true),
    ("Đăng ký biến động quyền sử dụng đất", 10, true),
];
const FAMILY: [&str; 10] = ["Nguyễn", "Trần", "Lê", "Phan", "Hoàng", "Võ", "Đặng", "Bùi", "Hồ", "Ngô"];
const MIDDLE: [&str; 7] = ["Văn", "Thị", "Đức", "Minh", "Hữu", "Thanh", "Ngọc"];
const GIVEN: [&str; 20] = [
    "An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Quang", "Sơn",
    "Tâm", "Thảo", "Trang", "Tuấn", "Yến",
];
const POSITIONS: [&str; 3] =
    ["Công chức Tư pháp - Hộ tịch", "Công chức Văn phòng - Thống kê", "Công chức Địa chính - Xây dựng"];

/// xorshift64*: deterministic and good enough for made-up data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn name(rng: &mut Rng) -> String {
    format!("{} {} {}", rng.pick(&FAMILY), rng.pick(&MIDDLE), rng.pick(&GIVEN))
}

fn add_days(d: CivilDate, days: i64) -> CivilDate {
    d.add_days(days).unwrap_or(d)
}

/// Seeds the demo district into an empty database; does nothing otherwise.
/// `today` bounds the dates, so that nothing is returned in the future.
pub fn seed(tx: &mut dyn Sql, rules: &RuleBook, today: CivilDate, dossiers: usize) -> Result<bool, DbError> {
    let existing: i64 = tx.one("SELECT count(*) FROM agencies", params![])?;
    if existing > 0 {
        return Ok(false);
    }
    let mut rng = Rng(0x5EED_DA17_2019_0901);
    tx.execute("INSERT INTO agencies (id, name, level) VALUES ($1, $2, 'district')", params![DISTRICT.0, DISTRICT.1])?;
    let mut officials: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (id, agency) in COMMUNES {
        tx.execute(
            "INSERT INTO agencies (id, name, level, parent_id) VALUES ($1, $2, 'commune', $3)",
            params![id, agency, DISTRICT.0],
        )?;
    }
    let all_agencies = std::iter::once(DISTRICT).chain(COMMUNES);
    for (agency_id, _) in all_agencies {
        let count = if agency_id == DISTRICT.0 { 4 } else { 2 };
        for i in 0..count {
            let position =
                if agency_id == DISTRICT.0 { "Chuyên viên Bộ phận Một cửa" } else { POSITIONS[i % 3] };
            let id: i64 = tx.one(
                "INSERT INTO officials (agency_id, full_name, position) VALUES ($1, $2, $3) RETURNING id",
                params![agency_id, name(&mut rng), position],
            )?;
            officials.entry(agency_id).or_default().push(id);
        }
    }

    let hash = crate::auth::hash_password(DEMO_PASSWORD).map_err(DbError::Task)?;
    for (agency_id, _) in std::iter::once(DISTRICT).chain(COMMUNES) {
        let username = format!("canbo.{}", agency_id.to_lowercase());
        crate::auth::create_account(tx, &username, &hash, &name(&mut rng), agency_id, Role::Officer, false)?;
    }
    let mut offices = BTreeMap::new();
    offices.insert(
        DISTRICT.0,
        crate::auth::create_account(tx, "vanphong", &hash, &name(&mut rng), DISTRICT.0, Role::Office, false)?,
    );
    // Accounts added later draw their names from a generator of their own,
    // so that the dossiers below stay what they have always been.
    let mut people = Rng(0x0FF1_CE5E_ED20_2611);
    for (agency_id, _) in COMMUNES {
        let username = format!("vanphong.{}", agency_id.to_lowercase());
        offices.insert(
            agency_id,
            crate::auth::create_account(tx, &username, &hash, &name(&mut people), agency_id, Role::Office, false)?,
        );
    }
    crate::auth::create_account(tx, DEMO_ADMIN, &hash, &name(&mut people), DISTRICT.0, Role::Admin, false)?;

    let start = CivilDate::new(2019, 9, 1).unwrap_or(today);
    let span = (today.days_since_epoch() - start.days_since_epoch()).max(1);
    let mut sequence: BTreeMap<String, u32> = BTreeMap::new();
    for n in 0..dossiers {
        // Spread evenly with a little jitter, oldest first.
        let offset = (n as i64 * span / dossiers as i64 + rng.below(5) as i64).min(span - 1);
        let received = add_days(start, offset);
        let (procedure, allowed, district) = *rng.pick(&PROCEDURES);
        let agency_id = if district { DISTRICT.0 } else { rng.pick(&COMMUNES).0 };
        let official = *rng.pick(&officials[agency_id]);
        let appointed = add_days(received, allowed);
        let roll = rng.below(100);
        let returned = match roll {
            0..=54 => Some(add_days(appointed, -(rng.below(allowed as usize + 1) as i64).min(allowed))),
            55..=84 => Some(appointed),
            _ => Some(add_days(appointed, 1 + rng.below(5) as i64)),
        }
        .filter(|r| *r <= today);
        let key = format!("{agency_id}-{:02}{:02}{:02}", received.year() % 100, received.month(), received.day());
        let seq = sequence.entry(key.clone()).or_default();
        *seq += 1;
        let Ok(code) = DossierCode::parse(&format!("{key}-{seq:04}")) else {
            continue;
        };
        let Some(rule_set) = rules.for_date(received) else {
            continue;
        };
        let dates = DossierDates { received_on: received, appointed_on: appointed, returned_on: returned };
        insert_dossier(tx, &mut rng, &code, procedure, agency_id, official, &dates, &rule_set.version)?;
        // Half of the dossiers returned more than a month ago were rated,
        // mostly well, some on paper.
        let Some(returned) = returned else { continue };
        if today.days_since_epoch() - returned.days_since_epoch() < 30 || rng.below(2) == 0 {
            continue;
        }
        let channel = if rng.below(3) == 0 { Channel::Paper } else { Channel::Online };
        insert_rating(tx, &mut rng, &code, rule_set, &dates, channel, None)?;
    }
    quarter::seed(tx, &mut rng, rules, today, &officials, &offices)?;
    tx.execute("INSERT INTO server_meta (key, value) VALUES ('demo_seeded', $1)", params![today.to_string()])?;
    Ok(true)
}

#[allow(clippy::too_many_arguments)]
fn insert_dossier(
    tx: &mut dyn Sql,
    rng: &mut Rng,
    code: &DossierCode,
    procedure: &str,
    agency_id: &str,
    official: i64,
    dates: &DossierDates,
    ruleset: &str,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO dossiers (code, procedure_name, agency_id, official_id, applicant_name, received_on, appointed_on, returned_on, ruleset_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        params![
            code.as_str(),
            procedure,
            agency_id,
            official,
            name(rng),
            dates.received_on.to_string(),
            dates.appointed_on.to_string(),
            dates.returned_on.map(|r| r.to_string()),
            ruleset
        ],
    )?;
    Ok(())
}

/// Answers as citizens give them: mostly the best option, some middling,
/// a few the worst.
fn answers(rng: &mut Rng, rule_set: &RuleSet, dates: &DossierDates) -> String {
    let mut answers = BTreeMap::new();
    for q in form_for(rule_set, dates).iter().filter(|q| q.is_asked()) {
        let choices = &q.question.choices;
        let pick = match rng.below(10) {
            0..=5 => 0,
            6..=8 => 1.min(choices.len() - 1),
            _ => choices.len() - 1,
        };
        answers.insert(q.question.key.to_owned(), choices[pick].0.to_owned());
    }
    serde_json::to_string(&answers).unwrap_or_default()
}

/// A rating of a returned dossier, a few days after its return; its id.
fn insert_rating(
    tx: &mut dyn Sql,
    rng: &mut Rng,
    code: &DossierCode,
    rule_set: &RuleSet,
    dates: &DossierDates,
    channel: Channel,
    officer: Option<i64>,
) -> Result<String, DbError> {
    let returned = dates.returned_on.unwrap_or(dates.appointed_on);
    let id = demo_uuid(rng);
    let answers = answers(rng, rule_set, dates);
    let at = format!("{}T09:00:00Z", add_days(returned, rng.below(10) as i64));
    tx.execute(
        "INSERT INTO ratings (id, dossier_code, channel, ruleset_version, answers, client_time, received_at, officer_id, content)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)",
        params![&id, code.as_str(), channel.as_str(), &rule_set.version, answers, at, officer, format!("demo:{id}")],
    )?;
    Ok(id)
}

fn demo_uuid(rng: &mut Rng) -> String {
    let (a, b) = (rng.next(), rng.next());
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-4{}-{}{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        ["8", "9", "a", "b"][(b % 4) as usize],
        &hex[17..20],
        &hex[20..32]
    )
}

/// Citizen links of returned, unrated dossiers, newest first: (url, check code).
pub fn unrated_links(
    sql: &mut dyn Sql,
    signer: &LinkSigner,
    base_url: &str,
    count: usize,
) -> Result<Vec<(String, String)>, DbError> {
    let codes: Vec<String> = sql.column(
        "SELECT code FROM dossiers d WHERE returned_on IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.dossier_code = d.code)
         ORDER BY returned_on DESC, code LIMIT $1",
        params![count],
    )?;
    Ok(codes
        .into_iter()
        .filter_map(|c| DossierCode::parse(&c).ok())
        .map(|code| {
            let token = signer.token(&code);
            let url = format!("{base_url}/r/{}?t={token}", code.to_path_segment());
            (url, signer.check_code(&code))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;

    #[test]
    fn dates_walk_the_calendar() {
        let d = CivilDate::new(2023, 12, 30).unwrap();
        assert_eq!(add_days(d, 3), CivilDate::new(2024, 1, 2).unwrap());
        assert_eq!(add_days(d, -365), CivilDate::new(2022, 12, 30).unwrap());
        assert_eq!(add_days(CivilDate::new(2024, 2, 28).unwrap(), 1), CivilDate::new(2024, 2, 29).unwrap());
    }

    #[test]
    fn seeds_once_with_valid_data() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_sqlite(&dir.path().join("x.sqlite3")).unwrap();
        let rules = RuleBook::builtin();
        let today = CivilDate::new(2026, 11, 27).unwrap();
        assert!(db.write_blocking(|tx| seed(tx, &rules, today, 360)).unwrap());
        assert!(!db.write_blocking(|tx| seed(tx, &rules, today, 360)).unwrap());
        let count = |q: &str| db.read_blocking(|s| s.one::<i64>(q, params![])).unwrap();
        assert_eq!(count("SELECT count(*) FROM agencies"), 13);
        // 360 spread over 2019–2026, plus 4 rated per agency in each of the
        // 8 quarters of 2025 and 2026 begun a month before 27/11/2026.
        let coverage = count("SELECT count(*) FROM dossiers WHERE code LIKE '%-8___'");
        assert_eq!(coverage, 13 * 4 * 8);
        assert_eq!(count("SELECT count(*) FROM dossiers"), 360 + coverage);
        assert!(count("SELECT count(*) FROM dossiers WHERE returned_on > appointed_on") > 10);
        assert!(count("SELECT count(*) FROM dossiers WHERE returned_on < appointed_on") > 10);
        assert!(count("SELECT count(*) FROM dossiers WHERE returned_on = appointed_on") > 10);
        assert!(count("SELECT count(*) FROM dossiers WHERE received_on < '2020-01-01'") > 10);
        assert!(count("SELECT count(*) FROM ratings") > 50);
        assert_eq!(count("SELECT count(*) FROM dossiers WHERE returned_on > '2026-11-27'"), 0);
        let signer = LinkSigner::with_key([1; 32]);
        let links = db.read_blocking(|s| unrated_links(s, &signer, "http://x", 5)).unwrap();
        assert_eq!(links.len(), 5);
        assert!(links[0].0.starts_with("http://x/r/H45"));
    }
}
