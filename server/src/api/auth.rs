use super::{ApiFailure, ApiJson};
use crate::AppState;
use crate::admin::audit::{self, Who};
use crate::auth::{self, Authenticated, Officer};
use crate::net::ClientIp;
use crate::params;
use crate::store::DbError;
use crate::throttle::{self, LOGIN_PER_ADDRESS, LOGIN_PER_USER};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use danhgia_core::account;
use danhgia_core::wire::{ApiError, LoginRequest, PasswordChange, Session};

fn bad_credentials() -> ApiFailure {
    ApiFailure::new(StatusCode::UNAUTHORIZED, "bad_credentials", "Wrong user name or password.")
}

/// Signs an account in. Wrong passwords are limited per user name and per
/// address, with growing delays (`429` with `Retry-After`).
#[utoipa::path(post, path = "/auth/login", request_body = LoginRequest, responses(
    (status = 200, body = Session),
    (status = 400, body = ApiError, description = "`bad_json`"),
    (status = 401, body = ApiError, description = "`bad_credentials`"),
    (status = 429, body = ApiError, description = "`too_many_attempts`: wait `Retry-After` seconds"),
    (status = 503, body = ApiError, description = "`busy`: too many sign-ins at once; try again shortly"),
))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<Session>, ApiFailure> {
    if req.username.len() > 100 || req.password.len() > account::MAX_PASSWORD_LEN * 4 {
        return Err(bad_credentials());
    }
    let username = req.username.trim().to_lowercase();
    let address = throttle::address_key(ip);
    let now = auth::unix_now();
    // The attempt counts before the password is checked, so that guesses
    // sent all at once are counted one by one.
    let (user_key, addr_key) = (username.clone(), address.clone());
    let reserved = state
        .db
        .write(move |sql| {
            let user = match LOGIN_PER_USER.reserve(sql, &user_key, now)? {
                Ok(a) => a,
                Err(wait) => return Ok::<_, DbError>(Err(wait)),
            };
            match LOGIN_PER_ADDRESS.reserve(sql, &addr_key, now)? {
                Ok(addr) => Ok(Ok((user, addr))),
                Err(wait) => {
                    user.withdraw(sql)?;
                    Ok(Err(wait))
                }
            }
        })
        .await?;
    let (user_attempt, addr_attempt) = match reserved {
        Ok(attempts) => attempts,
        Err(wait) => return Err(ApiFailure::too_many(wait, "Too many wrong passwords: wait before trying again.")),
    };
    let key = username.clone();
    let found = state.db.read(move |sql| auth::account_for_login(sql, &key)).await?;
    let found_username = found.as_ref().map(|(o, _)| o.username.clone());
    let (officer, hash) = match found {
        Some((o, h)) => (Some(o), Some(h)),
        None => (None, None),
    };
    // Hashing happens here, with no database connection held. Refused for
    // being busy, the attempt does not count.
    let ok = match state.hasher.verify(req.password, hash).await {
        Ok(ok) => ok,
        Err(busy) => {
            state
                .db
                .write(move |sql| {
                    user_attempt.withdraw(sql)?;
                    addr_attempt.withdraw(sql)
                })
                .await?;
            return Err(busy);
        }
    };
    let Some(officer) = officer.filter(|_| ok) else {
        // A wrong password for an account that exists: its address's count
        // says whose it was, so that a password reset lifts it. (Written for
        // an unknown name too, as nobody's: the answer takes as long.)
        state.db.write(move |sql| addr_attempt.for_account(sql, found_username.as_deref())).await?;
        if user_attempt.reached_limit {
            tracing::warn!(username = %username, "sign-in limited: too many wrong passwords for this user name");
        }
        if addr_attempt.reached_limit {
            tracing::warn!(address = %address, "sign-in limited: too many wrong passwords from this address");
        }
        return Err(bad_credentials());
    };
    let id = officer.id;
    let (token, expires_at) = state
        .db
        .write(move |sql| {
            addr_attempt.withdraw(sql)?;
            LOGIN_PER_USER.clear(sql, &username)?;
            auth::open_session(sql, id, now)
        })
        .await?;
    tracing::info!(account = %officer.username, "signed in");
    Ok(Json(Session { token, expires_at, officer }))
}

/// Ends this session on the server.
#[utoipa::path(post, path = "/auth/logout", security(("bearer" = [])), responses(
    (status = 204),
    (status = 401, body = ApiError),
))]
pub async fn logout(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> Result<StatusCode, ApiFailure> {
    let hash = actor.session.clone();
    state.db.write(move |sql| sql.execute("DELETE FROM sessions WHERE token_hash = $1", params![hash])).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account.
#[utoipa::path(get, path = "/auth/me", security(("bearer" = [])), responses(
    (status = 200, body = danhgia_core::wire::OfficerInfo),
    (status = 401, body = ApiError),
))]
pub async fn me(Authenticated(actor): Authenticated) -> Json<Officer> {
    Json(actor.account)
}

/// Earlier passwords that may not be used again.
const PASSWORD_HISTORY: i64 = 4;

/// Changes the signed-in account's own password (required after a one-time
/// password). Refused when weak, or the same as the current or one of the
/// last four. The account's other sessions end.
#[utoipa::path(post, path = "/auth/password", request_body = PasswordChange, security(("bearer" = [])), responses(
    (status = 204),
    (status = 400, body = ApiError, description = "`weak_password`, `reused_password`, `too_long`"),
    (status = 401, body = ApiError),
    (status = 403, body = ApiError, description = "`wrong_password`: the current password is wrong"),
))]
pub async fn change_password(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiFailure> {
    if let Err(problem) = account::check_password(&req.new_password, &actor.account.username) {
        return Err(ApiFailure::bad_request(problem.code(), problem.to_string()));
    }
    let id = actor.id();
    let hashes: Vec<String> = state
        .db
        .read(move |sql| {
            let mut hashes: Vec<String> =
                sql.column("SELECT password_hash FROM accounts WHERE id = $1", params![id])?;
            hashes.extend(sql.column::<String>(
                "SELECT password_hash FROM password_history WHERE account_id = $1 ORDER BY changed_at DESC LIMIT $2",
                params![id, PASSWORD_HISTORY],
            )?);
            Ok::<_, DbError>(hashes)
        })
        .await?;
    let Some(current) = hashes.first().cloned() else { return Err(auth::unauthorized()) };
    // Wrong current passwords count like wrong sign-ins; the one that
    // reaches the limit also ends this session (a borrowed one, perhaps).
    let (user_key, now) = (actor.account.username.clone(), auth::unix_now());
    let attempt = state.db.write(move |sql| LOGIN_PER_USER.reserve(sql, &user_key, now)).await?;
    let attempt =
        attempt.map_err(|wait| ApiFailure::too_many(wait, "Too many wrong passwords: wait before trying again."))?;
    if !state.hasher.verify(req.current_password.clone(), Some(current.clone())).await? {
        if attempt.reached_limit {
            let session = actor.session.clone();
            state
                .db
                .write(move |sql| sql.execute("DELETE FROM sessions WHERE token_hash = $1", params![session]))
                .await?;
            tracing::warn!(account = %actor.account.username, "password change limited: the session was ended");
        }
        return Err(ApiFailure::new(StatusCode::FORBIDDEN, "wrong_password", "The current password is wrong."));
    }
    state.db.write(move |sql| attempt.withdraw(sql)).await?;
    for old in hashes {
        if state.hasher.verify(req.new_password.clone(), Some(old)).await? {
            return Err(ApiFailure::bad_request("reused_password", "Choose a password you have not used recently."));
        }
    }
    let hash = state.hasher.hash(req.new_password).await?;
    let (session, agency, who) =
        (actor.session.clone(), actor.account.agency_id.clone(), Who::account(id, &actor.account.username));
    state
        .db
        .write(move |sql| {
            sql.execute(
                "INSERT INTO password_history (account_id, password_hash, changed_at) VALUES ($1, $2, $3)",
                params![id, &current, now],
            )?;
            sql.execute(
                "UPDATE accounts SET password_hash = $1, must_change_password = 0 WHERE id = $2",
                params![&hash, id],
            )?;
            sql.execute("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2", params![id, &session])?;
            audit::record(sql, &who, Some(&agency), "account.change_password", &who.name, None, None)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
