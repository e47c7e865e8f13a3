//! Printing slips: one dossier's at `/slip/{code}`, or every dossier returned
//! on a day at `/slips`, with print CSS for A5 and A6.

use crate::api;
use crate::i18n::*;
use crate::session::CurrentSession;
use crate::staff::components::refusal;
use crate::staff::components::slip::Slip;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Paper {
    A5,
    A6,
}

/// The paper-size switch and the print button; sets the printed page size.
#[component]
fn PrintBar() -> impl IntoView {
    let i18n = use_i18n();
    let paper = RwSignal::new(Paper::A5);
    // The paper size is a named page in the style sheet (`@page a5`…), picked
    // by a class: the Content-Security-Policy allows no inline styles.
    // The body itself is on that page (else what comes before and after the
    // slip gets pages of the default size); the class goes when the screen
    // does, so no other screen prints on A5 or A6.
    Effect::new(move |_| {
        let (on, off) = match paper.get() {
            Paper::A5 => ("paper-a5", "paper-a6"),
            Paper::A6 => ("paper-a6", "paper-a5"),
        };
        if let Some(body) = document().body() {
            let _ = body.class_list().remove_1(off);
            let _ = body.class_list().add_1(on);
        }
    });
    on_cleanup(|| {
        if let Some(body) = document().body() {
            let _ = body.class_list().remove_2("paper-a5", "paper-a6");
        }
    });
    let choice = move |p: Paper, label: &'static str| {
        view! {
            <button type="button" class="btn secondary small" aria-pressed=move || (paper.get() == p).to_string() on:click=move |_| paper.set(p)>
                {label}
            </button>
        }
    };
    view! {
        <div class="print-bar no-print" role="group" aria-label=move || t_string!(i18n, slip.size)>
            <span>{t!(i18n, slip.size)}</span>
            {choice(Paper::A5, "A5")}
            {choice(Paper::A6, "A6")}
            <button class="btn" type="button" on:click=move |_| { let _ = window().print(); }>{t!(i18n, slip.print)}</button>
        </div>
    }
}

/// Why no slip came, in the user's words.
fn failure(i18n: I18n, err: &api::ApiErr) -> String {
    let why = match err {
        api::ApiErr::Network => return t_string!(i18n, slip.not_found).to_owned(),
        api::ApiErr::Refused { code, .. } if code == "not_found" => t_string!(i18n, slip.not_yours).to_owned(),
        api::ApiErr::Refused { code, .. } if code == "bad_date" => t_string!(i18n, slip.bad_day).to_owned(),
        e => refusal::common(i18n, e).unwrap_or_else(|| refusal::unknown(i18n, e)),
    };
    t_string!(i18n, slip.failed, why = why)
}

#[component]
pub fn SlipPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let params = use_params_map();
    // Refetched when the code in the address changes; an answer for an
    // earlier code that comes late is dropped.
    let slip = LocalResource::new(move || {
        let code = params.read().get("code").unwrap_or_default();
        let bearer = session.token_untracked();
        async move {
            match bearer {
                Some(bearer) => api::slip(&bearer, &code).await.map_err(|e| failure(i18n, &e)),
                None => Err(t_string!(i18n, slip.not_found).to_owned()),
            }
        }
    });
    view! {
        <PrintBar />
        {move || match slip.get() {
            None => view! { <p class="hint no-print">{t!(i18n, slip.loading)}</p> }.into_any(),
            Some(Err(why)) => view! { <p class="error no-print" role="alert">{why}</p> }.into_any(),
            Some(Ok(s)) => view! { <Slip slip=s /> }.into_any(),
        }}
    }
}

#[component]
pub fn SlipsOfDay() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let today = String::from(js_sys::Date::new_0().to_iso_string()).get(..10).unwrap_or_default().to_owned();
    let day = RwSignal::new(today);
    // One request per "Xem"; the latest one's answer is shown (`Action`
    // keeps only the value of the last dispatch).
    let fetch = Action::new_local(move |day: &String| {
        let (day, bearer) = (day.clone(), session.token_untracked());
        async move {
            match bearer {
                Some(bearer) => api::slips_of_day(&bearer, &day).await.map_err(|e| failure(i18n, &e)),
                None => Err(t_string!(i18n, slip.not_found).to_owned()),
            }
        }
    });
    let slips = move || if fetch.pending().get() { None } else { fetch.value().get() };
    let show = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        fetch.dispatch_local(day.get_untracked());
    };
    view! {
        <div class="no-print">
            <h1>{t!(i18n, slip.batch_title)}</h1>
            <form class="card" on:submit=show>
                <label for="day">{t!(i18n, slip.day)}</label>
                <input id="day" type="date" bind:value=day />
                <button class="btn" type="submit">{t!(i18n, slip.show)}</button>
            </form>
        </div>
        <PrintBar />
        {move || match slips() {
            None => None,
            Some(Err(why)) => Some(view! { <p class="error no-print" role="alert">{why}</p> }.into_any()),
            Some(Ok(list)) if list.is_empty() => Some(view! { <p class="hint no-print">{t!(i18n, slip.none)}</p> }.into_any()),
            Some(Ok(list)) => Some(view! {
                <p class="hint no-print">{t_string!(i18n, slip.count, count = list.len())}</p>
                {list.into_iter().map(|s| view! { <Slip slip=s /> }).collect_view()}
            }.into_any()),
        }}
    }
}
