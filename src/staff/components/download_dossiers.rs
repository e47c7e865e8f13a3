//! Downloads the officer's agency's dossiers for looking slips up offline,
//! with progress and the time of the last download.

use crate::api;
use crate::browser::{local_time, store, stored};
use crate::i18n::*;
use crate::session::CurrentSession;
use crate::staff::components::refusal;
use crate::store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

pub const KEY: &str = "danhgia.download";
const PAGE: u32 = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct LastDownload {
    count: u32,
    /// ms since the epoch.
    at: f64,
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Running {
        done: u32,
        total: u32,
    },
    /// Why, in the user's words.
    Failed(String),
}

#[component]
pub fn DownloadDossiers() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let state = RwSignal::new(State::Idle);
    let done = RwSignal::new(stored::<LastDownload>(KEY));

    let download = move |_| {
        let Some(bearer) = session.token_untracked() else { return };
        state.set(State::Running { done: 0, total: 0 });
        spawn_local(async move {
            let mut offset = 0;
            loop {
                let page = match api::dossier_page(&bearer, offset, PAGE).await {
                    Ok(page) => page,
                    // The session over, the password to change, the server
                    // busy: said so (not "cannot be reached").
                    Err(e) => {
                        let why = match e {
                            api::ApiErr::Network => t_string!(i18n, officer.download_failed).to_owned(),
                            e => refusal::common(i18n, &e).unwrap_or_else(|| refusal::unknown(i18n, &e)),
                        };
                        return state.set(State::Failed(why));
                    }
                };
                // Signed out meanwhile: the page is not kept (`staff::device`).
                if session.token_untracked().as_deref() != Some(bearer.as_str()) {
                    return state.set(State::Idle);
                }
                if store::dossiers::put_all(&page.dossiers).await.is_err() {
                    return state.set(State::Failed(t_string!(i18n, officer.download_not_kept).to_owned()));
                }
                offset += page.dossiers.len() as u32;
                state.set(State::Running { done: offset, total: page.total });
                if page.dossiers.is_empty() || offset >= page.total {
                    break;
                }
            }
            let record = LastDownload { count: offset, at: js_sys::Date::now() };
            store(KEY, &record);
            done.set(Some(record));
            state.set(State::Idle);
        });
    };

    view! {
        <div class="download">
            <button class="btn secondary" type="button" on:click=download disabled=move || matches!(state.get(), State::Running { .. })>
                {t!(i18n, officer.download)}
            </button>
            <p class="hint" role="status">
                {move || match state.get() {
                    State::Running { done, total } => t_string!(i18n, officer.downloading, done = done, total = total),
                    State::Failed(why) => why,
                    State::Idle => match done.get() {
                        Some(d) => t_string!(i18n, officer.downloaded_at, count = d.count, time = local_time(d.at)),
                        None => t_string!(i18n, officer.never_downloaded).to_owned(),
                    },
                }}
            </p>
            <Show when=move || matches!(state.get(), State::Running { .. })>
                <progress
                    max=move || match state.get() { State::Running { total, .. } => total.max(1), _ => 1 }
                    value=move || match state.get() { State::Running { done, .. } => done, _ => 0 }
                ></progress>
            </Show>
        </div>
    }
}
