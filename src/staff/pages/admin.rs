//! "Quản trị" (`/quan-tri/…`): a district's administrator manages its
//! agencies, officials and accounts, imports them from CSV and reads the
//! audit log — each within the administrator's own agencies (the server
//! decides; this screen only shows what it answers).

use crate::i18n::*;
use crate::session::CurrentSession;
use crate::staff::components::admin::{
    accounts::Accounts, agencies::Agencies, audit::Audit, import::Imports, officials::Officials,
};
use leptos::prelude::*;
use leptos_router::components::A;

/// The administration's parts, one address each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Agencies,
    Officials,
    Accounts,
    Import,
    Audit,
}

#[component]
pub fn Admin(tab: Tab) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let is_admin = move || session.role().as_deref() == Some("admin");
    let agency =
        move || session.get().map(|s| format!("{} ({})", s.officer.agency, s.officer.agency_id)).unwrap_or_default();
    let content = move || match tab {
        Tab::Agencies => view! { <Agencies /> }.into_any(),
        Tab::Officials => view! { <Officials /> }.into_any(),
        Tab::Accounts => view! { <Accounts /> }.into_any(),
        Tab::Import => view! { <Imports /> }.into_any(),
        Tab::Audit => view! { <Audit /> }.into_any(),
    };
    view! {
        <h1>{t!(i18n, admin.title)}</h1>
        <Show
            when=is_admin
            fallback=move || view! {
                <p class="card">{move || if session.get().is_some() { t_string!(i18n, admin.admin_only) } else { t_string!(i18n, account.sign_in_needed) }}</p>
                <Show when=move || session.get().is_none()>
                    <A href="/dang-nhap" attr:class="btn">{t!(i18n, officer.sign_in)}</A>
                </Show>
            }
        >
            <p class="lead">{move || t_string!(i18n, admin.lead, agency = agency())}</p>
            <nav class="tabs" aria-label=move || t_string!(i18n, admin.sections)>
                <A href="/quan-tri" exact=true>{t!(i18n, admin.agencies)}</A>
                <A href="/quan-tri/can-bo">{t!(i18n, admin.officials)}</A>
                <A href="/quan-tri/tai-khoan">{t!(i18n, admin.accounts)}</A>
                <A href="/quan-tri/nhap-tep">{t!(i18n, admin.import)}</A>
                <A href="/quan-tri/nhat-ky">{t!(i18n, admin.audit)}</A>
            </nav>
        </Show>
        <Show when=is_admin>{content}</Show>
    }
}
