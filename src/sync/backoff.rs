//! When to try again after a failed delivery: exponential backoff with
//! jitter, capped at a few minutes (never hours: a phone that was offline
//! all morning must send soon after the connection returns).

/// First retry after about this long.
pub const BASE_MS: f64 = 2_000.0;
/// Never wait longer than this between attempts.
pub const CAP_MS: f64 = 5.0 * 60_000.0;

/// The delay before attempt number `failures + 1`; `jitter` in [0, 1) spreads
/// clients apart (half to full delay, "equal jitter").
pub fn delay_ms(failures: u32, jitter: f64) -> f64 {
    let exp = BASE_MS * 2f64.powi(failures.saturating_sub(1).min(30) as i32);
    let full = exp.min(CAP_MS);
    full * (0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps() {
        assert_eq!(delay_ms(1, 1.0), BASE_MS);
        assert_eq!(delay_ms(2, 1.0), 2.0 * BASE_MS);
        assert_eq!(delay_ms(5, 1.0), 16.0 * BASE_MS);
        assert_eq!(delay_ms(50, 1.0), CAP_MS);
        assert_eq!(delay_ms(u32::MAX, 0.0), CAP_MS / 2.0);
        assert_eq!(delay_ms(1, 0.0), BASE_MS / 2.0);
        for n in 0..100 {
            let d = delay_ms(n, 0.37);
            assert!(d > 0.0 && d <= CAP_MS);
        }
    }
}
