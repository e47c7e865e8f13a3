//! The demo's 2025 and 2026: a quarter a newcomer can judge. Every agency
//! has rated dossiers in every quarter that has begun (through all three
//! channels), its four per-agency indicators self-assessed and verified
//! (some with a deduction and its reason), each commune's proposals, one
//! double rating decided by the district office and one still to decide.

use super::{COMMUNES, DISTRICT, PROCEDURES, Rng, add_days, insert_dossier, insert_rating};
use crate::params;
use crate::store::{DbError, Sql};
use danhgia_core::rating::{Channel, DossierDates};
use danhgia_core::{CivilDate, DossierCode, RuleBook};
use std::collections::BTreeMap;

/// Rated dossiers per agency and quarter.
const PER_QUARTER: usize = 4;

const PROPOSALS: [&str; 5] = [
    "Bổ sung 01 máy tính và máy quét tại Bộ phận Một cửa để số hóa hồ sơ.",
    "Tổ chức tập huấn cho công chức về dịch vụ công trực tuyến toàn trình.",
    "Đề nghị huyện hỗ trợ kinh phí nâng cấp đường truyền Internet tại trụ sở.",
    "Niêm yết lại bảng thủ tục hành chính đã được cập nhật theo quyết định mới.",
    "Bố trí thêm 01 công chức tiếp nhận hồ sơ vào các ngày cao điểm cuối tháng.",
];

const DEDUCTIONS: [(u8, &str); 4] = [
    (5, "Chưa tiếp nhận tại Bộ phận Một cửa đủ các thủ tục thuộc thẩm quyền."),
    (6, "Bảng niêm yết thủ tục hành chính chưa cập nhật kịp thời."),
    (8, "Một phản ánh, kiến nghị giải quyết quá hạn."),
    (9, "Tỷ lệ hồ sơ nộp trực tuyến dưới 30%."),
];

/// The quarters of 2025 and 2026 with a window of returned dates old
/// enough to have been rated (a month before today): (year, quarter, first, last).
fn quarters(today: CivilDate) -> Vec<(u16, u8, CivilDate, CivilDate)> {
    let last_rated = add_days(today, -30);
    let mut out = Vec::new();
    for year in [2025u16, 2026] {
        for quarter in 1..=4u8 {
            let period = danhgia_core::wire::Period { year, quarter: Some(quarter) };
            let Some((from, to)) = period.bounds() else { continue };
            let to = to.min(last_rated);
            if from <= to {
                out.push((year, quarter, from, to));
            }
        }
    }
    out
}

pub(super) fn seed(
    tx: &mut dyn Sql,
    rng: &mut Rng,
    rules: &RuleBook,
    today: CivilDate,
    officials: &BTreeMap<&str, Vec<i64>>,
    offices: &BTreeMap<&str, i64>,
) -> Result<(), DbError> {
    let agencies: Vec<&str> = std::iter::once(DISTRICT.0).chain(COMMUNES.iter().map(|c| c.0)).collect();
    let officer_of = |tx: &mut dyn Sql, agency: &str| -> Result<Option<i64>, DbError> {
        tx.opt("SELECT id FROM accounts WHERE username = $1", params![format!("canbo.{}", agency.to_lowercase())])
    };
    let mut twice = Vec::new();
    for (year, quarter, from, to) in quarters(today) {
        let span = (to.days_since_epoch() - from.days_since_epoch()).max(0) as usize + 1;
        for agency in &agencies {
            let procedures: Vec<_> = PROCEDURES.iter().filter(|p| p.2 == (*agency == DISTRICT.0)).collect();
            for n in 0..PER_QUARTER {
                let returned = add_days(from, rng.below(span) as i64);
                let (procedure, allowed, _) = **rng.pick(&procedures);
                let appointed = add_days(returned, rng.below(3) as i64 - 1);
                let received = add_days(appointed, -allowed);
                let code = format!(
                    "{agency}-{:02}{:02}{:02}-8{:03}",
                    received.year() % 100,
                    received.month(),
                    received.day(),
                    quarter as usize * 10 + n
                );
                let (Ok(code), Some(rule_set)) = (DossierCode::parse(&code), rules.for_date(received)) else {
                    continue;
                };
                let Some(official) = officials.get(agency).and_then(|o| o.first().copied()) else { continue };
                let dates =
                    DossierDates { received_on: received, appointed_on: appointed, returned_on: Some(returned) };
                insert_dossier(tx, rng, &code, procedure, agency, official, &dates, &rule_set.version)?;
                let channel = [Channel::Online, Channel::Paper, Channel::Kiosk, Channel::Online][n % 4];
                let officer = if channel == Channel::Online { None } else { officer_of(tx, agency)? };
                let id = insert_rating(tx, rng, &code, rule_set, &dates, channel, officer)?;
                if (year, quarter) == (2025, 4) && n == 3 && twice.len() < 2 && *agency != DISTRICT.0 {
                    twice.push((code.clone(), id, rule_set, dates, officer_of(tx, agency)?));
                }
            }
        }
        entries(tx, rng, &format!("{year}-Q{quarter}"), &agencies, offices, &format!("{to}T10:00:00Z"))?;
    }
    double_ratings(tx, rng, twice, offices.get(DISTRICT.0).copied())
}

/// The four per-agency indicators: self-assessed by each agency's office,
/// verified by the district for its communes (one deduction in four, with
/// its reason); the district's own stay self-assessed (the province verifies them).
fn entries(
    tx: &mut dyn Sql,
    rng: &mut Rng,
    period: &str,
    agencies: &[&str],
    offices: &BTreeMap<&str, i64>,
    at: &str,
) -> Result<(), DbError> {
    let district_office = offices.get(DISTRICT.0).copied();
    for (i, agency) in agencies.iter().enumerate() {
        let own = offices.get(agency).copied();
        for (indicator, reason) in DEDUCTIONS {
            let self_points = if rng.below(5) == 0 { 1.0 } else { 2.0 };
            let verified = (*agency != DISTRICT.0).then(|| {
                if (i + indicator as usize).is_multiple_of(4) && self_points > 0.0 {
                    self_points - 1.0
                } else {
                    self_points
                }
            });
            let why = verified.filter(|v| *v < self_points).map(|_| reason);
            tx.execute(
                "INSERT INTO agency_scores (agency_id, period, indicator, self_assessed, self_by, self_at, verified, verified_by, verified_at, reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                params![
                    *agency,
                    period,
                    indicator,
                    self_points,
                    own,
                    at,
                    verified,
                    verified.and(district_office),
                    verified.map(|_| at),
                    why
                ],
            )?;
            tx.execute(
                "INSERT INTO agency_score_history (agency_id, period, indicator, kind, points, reason, account_id, at)
                 VALUES ($1, $2, $3, 'self', $4, NULL, $5, $6)",
                params![*agency, period, indicator, self_points, own, at],
            )?;
            if let Some(v) = verified {
                tx.execute(
                    "INSERT INTO agency_score_history (agency_id, period, indicator, kind, points, reason, account_id, at)
                     VALUES ($1, $2, $3, 'verified', $4, $5, $6, $7)",
                    params![*agency, period, indicator, v, why, district_office, at],
                )?;
            }
        }
        if *agency != DISTRICT.0
            && let Some(by) = own
        {
            tx.execute(
                "INSERT INTO proposals (agency_id, period, text, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)",
                params![*agency, period, PROPOSALS[(i + period.len()) % PROPOSALS.len()], by, at],
            )?;
        }
    }
    Ok(())
}

type Twice<'a> = (DossierCode, String, &'a danhgia_core::RuleSet, DossierDates, Option<i64>);

/// Two dossiers of Q4/2025 rated online and then on paper: the first decided
/// by the district office (the paper slip counts), the second still open.
fn double_ratings(tx: &mut dyn Sql, rng: &mut Rng, twice: Vec<Twice>, decider: Option<i64>) -> Result<(), DbError> {
    for (n, (code, counted, rule_set, dates, officer)) in twice.into_iter().enumerate() {
        let id = super::demo_uuid(rng);
        let answers = super::answers(rng, rule_set, &dates);
        let at = format!("{}T15:00:00Z", add_days(dates.returned_on.unwrap_or(dates.appointed_on), 12));
        tx.execute(
            "INSERT INTO rating_conflicts (id, dossier_code, channel, ruleset_version, answers, client_time, content, received_at, officer_id)
             VALUES ($1, $2, 'paper', $3, $4, $5, $6, $5, $7)",
            params![&id, code.as_str(), &rule_set.version, answers, &at, format!("demo:{id}"), officer],
        )?;
        let Some(decider) = decider.filter(|_| n == 0) else { continue };
        let columns = "id, dossier_code, channel, ruleset_version, answers, comment, client_time, content, received_at, officer_id";
        tx.execute(
            &format!("INSERT INTO rating_conflicts ({columns}, demoted, resolved) SELECT {columns}, 1, 1 FROM ratings WHERE id = $1"),
            params![&counted],
        )?;
        tx.execute("DELETE FROM ratings WHERE id = $1", params![&counted])?;
        tx.execute(
            &format!("INSERT INTO ratings ({columns}) SELECT {columns} FROM rating_conflicts WHERE id = $1"),
            params![&id],
        )?;
        tx.execute("DELETE FROM rating_conflicts WHERE id = $1", params![&id])?;
        tx.execute(
            "INSERT INTO rating_decisions (dossier_code, counted_id, previous_id, reason, decided_by, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            params![
                code.as_str(),
                &id,
                &counted,
                "Công dân xác nhận ý kiến trên phiếu giấy; đánh giá trực tuyến do người nhà thực hiện nhầm.",
                decider,
                format!("{}T08:30:00Z", add_days(dates.returned_on.unwrap_or(dates.appointed_on), 20))
            ],
        )?;
    }
    Ok(())
}
