use crate::AppState;
use axum::Json;
use axum::extract::State;
use danhgia_core::RuleSet;

/// The rule sets this server judges ratings by: indicators, options, points,
/// who supplies which, satisfaction questions, each with the day it takes
/// effect. A dossier is rated under the set in force on its received date.
#[utoipa::path(get, path = "/rulesets", responses((status = 200, body = Vec<RuleSet>)))]
pub async fn list(State(state): State<AppState>) -> Json<Vec<RuleSet>> {
    Json(state.rules.sets().to_vec())
}
