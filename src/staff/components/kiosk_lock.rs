//! Kiosk mode's lock: while a tablet serves as the rating device at the
//! counter, every officers' screen but the kiosk asks for the officer's PIN
//! (navigating away, the back button, the outbox link, a reload). The PIN
//! is kept on the device only as a salted PBKDF2-HMAC-SHA256 hash; wrong
//! PINs in a row make the next try wait, longer each time.

use crate::browser::{forget, store, stored};
use crate::i18n::*;
use hmac::{Hmac, Mac};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

const KEY: &str = "danhgia.kiosk";
const TRIES_KEY: &str = "danhgia.kiosk.tries";
/// The kiosk's own route: the only officers' screen open while locked.
pub const KIOSK_PATH: &str = "/quay";
/// A PIN's digits.
pub const PIN_DIGITS: std::ops::RangeInclusive<usize> = 4..=8;
const ITERATIONS: u32 = 20_000;
/// Wrong PINs allowed before the next try has to wait.
const FREE_TRIES: u32 = 3;

/// PBKDF2 (RFC 8018) with HMAC-SHA256, one 32-byte block.
pub fn pbkdf2_sha256(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    let Ok(prf) = Hmac::<Sha256>::new_from_slice(password) else { return out };
    let mut mac = prf.clone();
    mac.update(salt);
    mac.update(&1u32.to_be_bytes());
    let mut u: [u8; 32] = mac.finalize().into_bytes().into();
    out = u;
    for _ in 1..iterations {
        let mut mac = prf.clone();
        mac.update(&u);
        u = mac.finalize().into_bytes().into();
        for (o, x) in out.iter_mut().zip(u.iter()) {
            *o ^= x;
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A PIN the officer may set: digits only, 4 to 8 of them.
pub fn valid_pin(pin: &str) -> bool {
    PIN_DIGITS.contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// What the device keeps while in kiosk mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KioskLock {
    pub salt: String,
    pub hash: String,
    pub iterations: u32,
    /// The account that started it (its session sends the ratings).
    pub officer: String,
    /// ms since the epoch.
    pub since: f64,
}

impl KioskLock {
    pub fn new(pin: &str, salt: [u8; 16], officer: &str, now: f64) -> Self {
        KioskLock {
            salt: hex(&salt),
            hash: hex(&pbkdf2_sha256(pin.as_bytes(), &salt, ITERATIONS)),
            iterations: ITERATIONS,
            officer: officer.to_owned(),
            since: now,
        }
    }

    pub fn matches(&self, pin: &str) -> bool {
        let salt: Option<Vec<u8>> = (0..self.salt.len())
            .step_by(2)
            .map(|i| self.salt.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect();
        let Some(salt) = salt else { return false };
        let got = hex(&pbkdf2_sha256(pin.as_bytes(), &salt, self.iterations.clamp(1, 1_000_000)));
        // Compared whole: the time taken does not tell how much matched.
        got.len() == self.hash.len() && got.bytes().zip(self.hash.bytes()).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct Tries {
    failures: u32,
    /// ms since the epoch.
    wait_until: f64,
}

/// How long the next try waits after `failures` wrong PINs in a row (ms).
pub fn wait_after(failures: u32) -> f64 {
    if failures < FREE_TRIES { 0.0 } else { 30_000.0 * f64::from(1u32 << (failures - FREE_TRIES).min(5)) }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PinCheck {
    Right,
    Wrong,
    /// Too many wrong PINs: try again in this many seconds.
    Wait(u32),
}

/// Kiosk mode for every view of the officers' app.
#[derive(Clone, Copy)]
pub struct KioskMode(RwSignal<Option<KioskLock>>);

impl KioskMode {
    pub fn provide() -> Self {
        let this = KioskMode(RwSignal::new(stored::<KioskLock>(KEY)));
        provide_context(this);
        // Another tab of this device starting or ending kiosk mode.
        let _ = window_event_listener(leptos::ev::storage, move |ev| {
            if ev.key().as_deref() == Some(KEY) {
                this.0.set(stored::<KioskLock>(KEY));
            }
        });
        this
    }

    pub fn active(self) -> bool {
        self.0.with(Option::is_some)
    }

    pub fn active_untracked(self) -> bool {
        self.0.with_untracked(Option::is_some)
    }

    /// Starts kiosk mode with a new PIN; `false` without a random source.
    pub fn start(self, pin: &str, officer: &str) -> bool {
        let mut salt = [0u8; 16];
        let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) else { return false };
        if crypto.get_random_values_with_u8_array(&mut salt).is_err() {
            return false;
        }
        let lock = KioskLock::new(pin, salt, officer, js_sys::Date::now());
        store(KEY, &lock);
        forget(TRIES_KEY);
        self.0.set(Some(lock));
        true
    }

    /// Checks the PIN (counting wrong ones); a right PIN ends kiosk mode
    /// when `end` is set.
    pub fn check(self, pin: &str, end: bool) -> PinCheck {
        let now = js_sys::Date::now();
        let mut tries = stored::<Tries>(TRIES_KEY).unwrap_or_default();
        if tries.wait_until > now {
            return PinCheck::Wait(((tries.wait_until - now) / 1000.0).ceil() as u32);
        }
        let right = self.0.with_untracked(|l| l.as_ref().is_some_and(|l| l.matches(pin)));
        if right {
            forget(TRIES_KEY);
            if end {
                forget(KEY);
                self.0.set(None);
            }
            return PinCheck::Right;
        }
        tries.failures = tries.failures.saturating_add(1);
        tries.wait_until = now + wait_after(tries.failures);
        store(TRIES_KEY, &tries);
        match wait_after(tries.failures) {
            w if w > 0.0 => PinCheck::Wait((w / 1000.0).ceil() as u32),
            _ => PinCheck::Wrong,
        }
    }
}

/// The PIN field and its button; `on_right` runs once the PIN is right.
#[component]
pub fn PinPrompt(
    /// A right PIN ends kiosk mode (else it only lets the officer through once).
    end: bool,
    #[prop(into)] title: Signal<String>,
    on_right: impl Fn() + 'static,
    /// Shown as a secondary button beside "OK".
    #[prop(optional, into)]
    cancel_label: Option<Signal<String>>,
    #[prop(optional)] on_cancel: Option<Box<dyn Fn()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kiosk = expect_context::<KioskMode>();
    let pin = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = pin.get_untracked();
        pin.set(String::new());
        match kiosk.check(typed.trim(), end) {
            PinCheck::Right => {
                problem.set(None);
                on_right();
            }
            PinCheck::Wrong => problem.set(Some(t_string!(i18n, kiosk.pin_wrong).to_owned())),
            PinCheck::Wait(s) => problem.set(Some(t_string!(i18n, kiosk.pin_wait, seconds = s))),
        }
    };
    view! {
        <form class="card pin-prompt" on:submit=submit novalidate>
            <h2>{move || title.get()}</h2>
            <label for="kiosk-pin">{t!(i18n, kiosk.pin)}</label>
            <input id="kiosk-pin" class="pin" type="password" inputmode="numeric" autocomplete="off" maxlength="8" bind:value=pin />
            <p class="error" role="alert">{move || problem.get()}</p>
            <div class="actions">
                <button class="btn" type="submit">{t!(i18n, kiosk.pin_ok)}</button>
                {cancel_label.map(|label| view! {
                    <button class="btn secondary" type="button" on:click=move |_| { if let Some(f) = &on_cancel { f() } }>
                        {move || label.get()}
                    </button>
                })}
            </div>
        </form>
    }
}

/// What a staff route shows while the device is in kiosk mode: the PIN,
/// which ends kiosk mode, or the way back to the kiosk.
#[component]
pub fn KioskLocked() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, kiosk.locked_title)}</h1>
        <p class="lead">{t!(i18n, kiosk.locked_lead)}</p>
        <PinPrompt end=true title=Signal::derive(move || t_string!(i18n, kiosk.end_title).to_owned()) on_right=|| {} />
        // A page load: the router's own navigation would start while the
        // routes are not mounted (they are replaced by this very screen).
        <a href=KIOSK_PATH class="btn secondary wide" rel="external">{t!(i18n, kiosk.back_to_kiosk)}</a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex_of(bytes: &[u8]) -> String {
        hex(bytes)
    }

    #[test]
    fn pbkdf2_matches_the_published_vectors() {
        // RFC 7914 §11 (PBKDF2-HMAC-SHA256), first 32 bytes.
        assert_eq!(
            hex_of(&pbkdf2_sha256(b"passwd", b"salt", 1)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
        assert_eq!(
            hex_of(&pbkdf2_sha256(b"password", b"salt", 2)),
            "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"
        );
        assert_eq!(
            hex_of(&pbkdf2_sha256(b"password", b"salt", 4096)),
            "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"
        );
    }

    #[test]
    fn a_lock_knows_its_pin_only() {
        let lock = KioskLock::new("2468", [7; 16], "canbo", 0.0);
        assert!(!lock.hash.contains("2468"));
        assert!(lock.matches("2468"));
        assert!(!lock.matches("2469"));
        assert!(!lock.matches(""));
        let other = KioskLock::new("2468", [8; 16], "canbo", 0.0);
        assert_ne!(lock.hash, other.hash, "the salt changes the hash");
    }

    #[test]
    fn pins_are_four_to_eight_digits() {
        assert!(valid_pin("1234") && valid_pin("12345678"));
        assert!(!valid_pin("123") && !valid_pin("123456789") && !valid_pin("12a4") && !valid_pin("١٢٣٤"));
    }

    #[test]
    fn wrong_pins_wait_longer_each_time() {
        assert_eq!((0..3).map(wait_after).collect::<Vec<_>>(), [0.0; 3]);
        assert!(wait_after(3) > 0.0 && wait_after(4) > wait_after(3));
        assert_eq!(wait_after(40), wait_after(8), "capped");
    }
}
