//! Which reads to accept: a 1D barcode only when the same value comes on
//! consecutive frames (partial reads happen), and never the value just
//! accepted again (the slip is still in view) until the scanner is re-armed.

#[derive(Debug, Default)]
pub struct Acceptor {
    candidate: Option<String>,
    last_accepted: Option<String>,
}

impl Acceptor {
    /// Feeds one frame's result; returns the value to act on, if any.
    pub fn feed(&mut self, read: Option<(&str, bool)>) -> Option<String> {
        let Some((text, linear)) = read else {
            self.candidate = None;
            return None;
        };
        if linear && self.candidate.as_deref() != Some(text) {
            self.candidate = Some(text.to_owned());
            return None;
        }
        self.candidate = None;
        if self.last_accepted.as_deref() == Some(text) {
            return None;
        }
        self.last_accepted = Some(text.to_owned());
        Some(text.to_owned())
    }

    /// Allows the last value again (the user asked to scan it again).
    pub fn rearm(&mut self) {
        self.last_accepted = None;
        self.candidate = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_at_once_barcode_on_second_agreeing_frame() {
        let mut a = Acceptor::default();
        assert_eq!(a.feed(Some(("A1", false))), Some("A1".into()));
        assert_eq!(a.feed(Some(("A1", false))), None, "same slip still in view");
        assert_eq!(a.feed(Some(("B2", true))), None, "one barcode read is not enough");
        assert_eq!(a.feed(Some(("B3", true))), None, "a different partial read resets");
        assert_eq!(a.feed(Some(("B3", true))), Some("B3".into()));
        assert_eq!(a.feed(None), None);
        assert_eq!(a.feed(Some(("B3", true))), None);
        assert_eq!(a.feed(Some(("B3", true))), None, "not twice in a row");
        a.rearm();
        assert_eq!(a.feed(Some(("B3", true))), None);
        assert_eq!(a.feed(Some(("B3", true))), Some("B3".into()));
    }
}
