//! Router, layout and context providers.

use crate::components::install::UpdateBanner;
use crate::components::lang_switch::LangSwitch;
use crate::i18n::*;
use crate::lang;
use crate::pages::{
    citizen_entry::CitizenEntry,
    home::Home,
    import::Import,
    login::Login,
    not_found::NotFound,
    outbox::{Outbox, OutboxBadge},
    rate::Rate,
    reports::Reports,
    slips::{SlipPage, SlipsOfDay},
    transcribe::Transcribe,
};
use crate::session::CurrentSession;
use crate::sync::Sync;
use leptos::prelude::*;
use leptos_i18n::context::CookieOptions;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    let cookie_options = CookieOptions::<Locale>::default().max_age(lang::COOKIE_MAX_AGE_MS).path("/");
    view! {
        <I18nContextProvider cookie_name=lang::COOKIE_NAME cookie_options=cookie_options>
            <Router>
                <Layout />
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn Layout() -> impl IntoView {
    let i18n = use_i18n();
    // Deliver what earlier visits left in the outbox, and again whenever the
    // browser says it is back online (the server's answer is the only truth).
    Sync::start(CurrentSession::provide());
    crate::pwa::watch_updates();
    // Ask once that the browser never evicts the outbox.
    leptos::task::spawn_local(async {
        let _ = crate::pages::outbox::ask_persistent_storage().await;
    });
    // The loading notice in index.html is replaced by the app.
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    view! {
        <div class="app">
            <header class="topbar">
                <A href="/" attr:class="brand">{t!(i18n, app_name)}</A>
                <div class="top-actions">
                    <OutboxBadge />
                    <LangSwitch />
                </div>
            </header>
            <UpdateBanner />
            <main>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/danh-gia") view=CitizenEntry />
                    <Route path=path!("/r/:code") view=Rate />
                    <Route path=path!("/nhap-phieu") view=Transcribe />
                    <Route path=path!("/dang-nhap") view=Login />
                    <Route path=path!("/hop-thu") view=Outbox />
                    <Route path=path!("/slip/:code") view=SlipPage />
                    <Route path=path!("/slips") view=SlipsOfDay />
                    <Route path=path!("/nhap-ho-so") view=Import />
                    <Route path=path!("/bao-cao") view=Reports />
                </Routes>
            </main>
            <footer class="foot">{t!(i18n, footer)}</footer>
        </div>
    }
}
