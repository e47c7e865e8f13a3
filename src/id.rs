//! Record ids: UUIDv4 from `crypto.getRandomValues`, which every browser has,
//! secure context or not (`crypto.randomUUID` exists only over HTTPS or on
//! localhost, and a phone reaching the server at `http://192.168.…` must still
//! be able to rate).

/// A UUIDv4 (RFC 9562 §5.4) from 16 random bytes.
pub fn uuid_v4_from(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 0x0f)]));
    }
    out
}

/// A new record id; `None` if the browser has no random source at all.
pub fn new_uuid() -> Option<String> {
    let mut bytes = [0u8; 16];
    let crypto = web_sys::window()?.crypto().ok()?;
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(uuid_v4_from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use danhgia_core::rating::is_uuid_v4;

    #[test]
    fn formats_version_4_ids() {
        assert_eq!(uuid_v4_from([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_v4_from([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        for seed in 0u8..=255 {
            let bytes: [u8; 16] = std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 17));
            assert!(is_uuid_v4(&uuid_v4_from(bytes)), "{}", uuid_v4_from(bytes));
        }
    }
}
