//! A dossier as the counter's screens find it (transcription, the kiosk):
//! from the server if it answers, kept on this device for offline use,
//! else this device's copy. Both are asked at once, so a screen waits for
//! the slower alone, and not for the copy to be written.

use crate::api::{self, ApiErr, Credential};
use crate::store;
use danhgia_core::DossierCode;
use danhgia_core::wire::DossierPublic;
use leptos::task::spawn_local;

/// What a lookup found.
pub enum Found {
    /// The server's dossier.
    Server(DossierPublic),
    /// The server does not know the code.
    Unknown,
    /// The server could not be asked or did not answer with the dossier:
    /// this device's copy, if it has one; `signed_out` when the server
    /// refused the officer's session.
    Device { copy: Option<DossierPublic>, signed_out: bool },
}

pub async fn dossier(code: &DossierCode, bearer: Option<&str>) -> Found {
    let fetch = async {
        match bearer {
            Some(b) => api::dossier(code.as_str(), Credential::Officer(b)).await,
            None => Err(ApiErr::Network),
        }
    };
    let (copy, fetched) = futures::join!(store::dossiers::get(code.as_str()), fetch);
    let copy = copy.ok().flatten().map(|c| c.dossier);
    match fetched {
        Ok(d) if d.code == code.as_str() => {
            // Kept for offline use, when the device's copy differs.
            if copy.as_ref() != Some(&d) {
                let kept = d.clone();
                spawn_local(async move {
                    let _ = store::dossiers::put(&kept).await;
                });
            }
            Found::Server(d)
        }
        Err(ApiErr::Refused { status: 404, .. }) => Found::Unknown,
        Err(ApiErr::Refused { status: 401, .. }) => Found::Device { copy, signed_out: true },
        _ => Found::Device { copy, signed_out: false },
    }
}
