//! When to try again after a failed delivery: exponential backoff with
//! jitter. Offline (as far as the browser knows) it grows to a few minutes —
//! the `online` event will start a delivery anyway. Online it stays short: a
//! flaky link that answers half of the requests must keep the queue moving,
//! and a delivery that makes progress starts again from the first step.

/// First retry after about this long.
pub const BASE_MS: f64 = 1_000.0;
/// Never wait longer than this while the browser says it is online.
pub const ONLINE_CAP_MS: f64 = 15_000.0;
/// Never wait longer than this when it says it is offline.
pub const OFFLINE_CAP_MS: f64 = 5.0 * 60_000.0;

/// The delay before attempt number `failures + 1` (failures in a row);
/// `jitter` in [0, 1) spreads clients apart (half to full delay).
pub fn delay_ms(failures: u32, jitter: f64, online: bool) -> f64 {
    let exp = BASE_MS * 2f64.powi(failures.saturating_sub(1).min(30) as i32);
    let full = exp.min(if online { ONLINE_CAP_MS } else { OFFLINE_CAP_MS });
    full * (0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps() {
        assert_eq!(delay_ms(1, 1.0, true), BASE_MS);
        assert_eq!(delay_ms(2, 1.0, true), 2.0 * BASE_MS);
        assert_eq!(delay_ms(4, 1.0, true), 8.0 * BASE_MS);
        assert_eq!(delay_ms(50, 1.0, true), ONLINE_CAP_MS);
        assert_eq!(delay_ms(50, 1.0, false), OFFLINE_CAP_MS);
        assert_eq!(delay_ms(u32::MAX, 0.0, false), OFFLINE_CAP_MS / 2.0);
        assert_eq!(delay_ms(1, 0.0, true), BASE_MS / 2.0);
        for n in 0..100 {
            let d = delay_ms(n, 0.37, true);
            assert!(d > 0.0 && d <= ONLINE_CAP_MS && ONLINE_CAP_MS < 60_000.0);
        }
    }
}
