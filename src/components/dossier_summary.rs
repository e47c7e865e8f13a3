use crate::i18n::*;
use crate::lang::date_vn;
use danhgia_core::wire::DossierPublic;
use leptos::prelude::*;

/// The facts a citizen recognises their dossier by.
#[component]
pub fn DossierSummary(dossier: DossierPublic) -> impl IntoView {
    let i18n = use_i18n();
    let returned = dossier.returned_on.as_deref().map(date_vn);
    view! {
        <dl class="card summary">
            <dt>{t!(i18n, rate.code)}</dt>
            <dd class="dossier-code">{dossier.code}</dd>
            <dt>{t!(i18n, rate.procedure)}</dt>
            <dd class="procedure">{dossier.procedure}</dd>
            <dt>{t!(i18n, rate.agency)}</dt>
            <dd>{dossier.agency}</dd>
            <dt>{t!(i18n, rate.received)}</dt>
            <dd>{date_vn(&dossier.received_on)}</dd>
            <dt>{t!(i18n, rate.appointed)}</dt>
            <dd>{date_vn(&dossier.appointed_on)}</dd>
            <dt>{t!(i18n, rate.returned)}</dt>
            <dd>
                {Signal::derive(move || returned.clone().unwrap_or_else(|| t_string!(i18n, rate.not_returned).to_owned()))}
            </dd>
        </dl>
    }
}
