//! What a scanned (or pasted) code may contain, turned into a typed target or
//! a typed error. Everything here is untrusted input: a QR code can hold a
//! Wi-Fi password, a `javascript:` URL or a megabyte of text.

use crate::link::{CITIZEN_PATH_PREFIX, CitizenToken};
use crate::{DossierCode, DossierCodeError};
use std::fmt;

/// Longer than any link we print by far; longer input is refused unread.
pub const MAX_SCAN_LEN: usize = 2048;

/// What a scan may open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanTarget {
    /// A bare dossier code: a Code 128 barcode, or a typed code.
    Code(DossierCode),
    /// This app's citizen link `/r/{code}?t={token}`.
    CitizenLink { code: DossierCode, token: CitizenToken },
    /// A trusted portal's link carrying the code in a query parameter.
    PortalLink { code: DossierCode, host: String },
}

impl ScanTarget {
    pub fn code(&self) -> &DossierCode {
        match self {
            ScanTarget::Code(code) | ScanTarget::CitizenLink { code, .. } | ScanTarget::PortalLink { code, .. } => code,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    Empty,
    TooLong,
    /// Line breaks, NULs and other control characters inside the content.
    ControlChars,
    /// A scheme we never open: `javascript:`, `data:`, `WIFI:`, `mailto:` …
    UnsupportedScheme(String),
    /// A web address of a site that is neither ours nor a trusted portal, or
    /// a portal address that carries no dossier code.
    ForeignUrl {
        host: String,
    },
    /// Our own address, but not a well-formed citizen link.
    MalformedLink,
    /// Plain text that is not a dossier code.
    NotADossierCode(DossierCodeError),
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::Empty => f.write_str("nothing was read"),
            ScanError::TooLong => f.write_str("the content is too long to be a dossier code"),
            ScanError::ControlChars => f.write_str("the content holds control characters"),
            ScanError::UnsupportedScheme(s) => write!(f, "links of type \"{s}\" are not opened"),
            ScanError::ForeignUrl { host } => write!(f, "{host} is not a dossier rating link"),
            ScanError::MalformedLink => f.write_str("the rating link is incomplete or damaged"),
            ScanError::NotADossierCode(e) => write!(f, "not a dossier code: {e}"),
        }
    }
}

impl std::error::Error for ScanError {}

/// Whose links we open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanPolicy {
    /// Hosts serving this app (lower case, without port).
    pub own_hosts: Vec<String>,
    /// Host suffixes of portals whose links may carry a dossier code,
    /// e.g. `.gov.vn` (a host must end with it; the bare suffix is no host).
    pub portal_host_suffixes: Vec<String>,
    /// Query parameter names (compared case-insensitively) that carry the code
    /// in portal links.
    pub code_params: Vec<String>,
}

impl ScanPolicy {
    /// The defaults: our own host, any `.gov.vn` portal, and the parameter
    /// names portals are seen to use. The QR deep-link format of the province
    /// is unconfirmed, so these are data, not logic.
    pub fn for_own_host(host: &str) -> Self {
        ScanPolicy {
            own_hosts: vec![host.to_ascii_lowercase()],
            portal_host_suffixes: vec![".gov.vn".into()],
            code_params: ["mahoso", "ma_ho_so", "hoso", "code", "dossier", "sohoso", "so_ho_so"]
                .map(String::from)
                .to_vec(),
        }
    }

    fn is_own(&self, host: &str) -> bool {
        self.own_hosts.iter().any(|h| h == host)
    }

    fn is_portal(&self, host: &str) -> bool {
        self.portal_host_suffixes.iter().any(|suffix| host.len() > suffix.len() && host.ends_with(suffix.as_str()))
    }
}

/// `scheme:` at the start (RFC 3986 scheme syntax), if any.
fn scheme_of(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once(':')?;
    let mut bytes = scheme.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
    (first_ok && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))).then_some(scheme)
}

/// Parses the content of a QR code, a barcode or a typed field.
pub fn parse_scan(input: &str, policy: &ScanPolicy) -> Result<ScanTarget, ScanError> {
    if input.len() > MAX_SCAN_LEN {
        return Err(ScanError::TooLong);
    }
    let s = input.trim();
    if s.is_empty() {
        return Err(ScanError::Empty);
    }
    if s.chars().any(char::is_control) {
        return Err(ScanError::ControlChars);
    }
    if s.starts_with(CITIZEN_PATH_PREFIX) {
        // A relative citizen link, as pasted from the address bar.
        return citizen_link(&WebUrl::relative(s));
    }
    match scheme_of(s) {
        None => DossierCode::parse(s).map(ScanTarget::Code).map_err(ScanError::NotADossierCode),
        Some(scheme) if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") => {
            Err(ScanError::UnsupportedScheme(scheme.to_ascii_lowercase()))
        }
        Some(_) => {
            let url = WebUrl::parse(s).ok_or(ScanError::MalformedLink)?;
            let host = url.host.clone();
            let plain = !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            if !plain {
                Err(ScanError::ForeignUrl { host })
            } else if policy.is_own(&host) {
                citizen_link(&url)
            } else if policy.is_portal(&host) {
                portal_link(&url, host, policy)
            } else {
                Err(ScanError::ForeignUrl { host })
            }
        }
    }
}

/// An `http(s)://` address, taken apart as far as scanning needs: the host
/// (lower case, without user or port), the path and the query, as written.
///
/// Hand-written instead of the `url` crate: the citizens' app parses pasted
/// links with this, and `url` brought its IDNA tables (about 100 KB of wasm)
/// into a download with a 150 KB budget. Hosts that are not plain ASCII
/// names are nobody's we trust, so they need no IDNA: they are foreign.
#[derive(Debug, Clone, PartialEq, Eq)]
struct WebUrl<'a> {
    host: String,
    path: &'a str,
    query: &'a str,
}

impl<'a> WebUrl<'a> {
    /// `scheme://authority/path?query#fragment`; the scheme was checked.
    fn parse(s: &'a str) -> Option<Self> {
        let (_, rest) = s.split_once(':')?;
        // Browsers read `\` as `/` in http(s) addresses: so do we.
        let rest = rest.strip_prefix("//").or_else(|| rest.strip_prefix("\\\\"))?;
        let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(end);
        // The host is after the last `@` (`user:pass@host`), before `:port`.
        let host = authority.rsplit('@').next().unwrap_or_default();
        let host = match host.rsplit_once(':') {
            // An empty port is the default one; a number past 65535 is no
            // address at all (browsers refuse it), so nothing is opened.
            Some((h, "")) => h,
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => {
                port.parse::<u16>().ok()?;
                h
            }
            _ => host,
        };
        let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
        let mut url = WebUrl::relative(rest);
        url.host = host;
        Some(url)
    }

    /// A path with its query, as on our own site.
    fn relative(s: &'a str) -> Self {
        let s = s.split('#').next().unwrap_or_default();
        let (path, query) = s.split_once('?').unwrap_or((s, ""));
        WebUrl { host: String::new(), path, query }
    }

    /// The query's `name=value` pairs, decoded (`+` is a space).
    fn query_pairs(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.query.split('&').filter(|p| !p.is_empty()).map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |x: &str| percent_decode_lossy(&x.replace('+', " "));
            (decode(k), decode(v))
        })
    }
}

fn citizen_link(url: &WebUrl<'_>) -> Result<ScanTarget, ScanError> {
    if url.path.contains('\\') {
        return Err(ScanError::MalformedLink);
    }
    let rest = url.path.strip_prefix(CITIZEN_PATH_PREFIX).ok_or(ScanError::MalformedLink)?;
    let segment = rest.strip_suffix('/').unwrap_or(rest);
    if segment.contains('/') {
        return Err(ScanError::MalformedLink);
    }
    let decoded = percent_decode(segment).ok_or(ScanError::MalformedLink)?;
    let code = DossierCode::parse(&decoded).map_err(|_| ScanError::MalformedLink)?;
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "t")
        .and_then(|(_, v)| CitizenToken::parse(&v).ok())
        .ok_or(ScanError::MalformedLink)?;
    Ok(ScanTarget::CitizenLink { code, token })
}

fn portal_link(url: &WebUrl<'_>, host: String, policy: &ScanPolicy) -> Result<ScanTarget, ScanError> {
    let value =
        url.query_pairs().find(|(k, _)| policy.code_params.iter().any(|p| p.eq_ignore_ascii_case(k))).map(|(_, v)| v);
    match value {
        Some(v) => {
            DossierCode::parse(&v).map(|code| ScanTarget::PortalLink { code, host }).map_err(ScanError::NotADossierCode)
        }
        None => Err(ScanError::ForeignUrl { host }),
    }
}

/// Decodes `%XX` escapes as browsers do in a query: malformed ones stay as
/// they are, bytes that are not UTF-8 become U+FFFD.
fn percent_decode_lossy(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes `%XX` escapes of a path segment; `None` when malformed or not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::citizen_path;
    use proptest::prelude::*;

    fn policy() -> ScanPolicy {
        ScanPolicy::for_own_host("danhgia.trieuphong.gov.vn")
    }

    fn code(s: &str) -> DossierCode {
        DossierCode::parse(s).unwrap()
    }

    #[test]
    fn bare_code() {
        assert_eq!(parse_scan(" H56-190903-0001\r\n", &policy()), Ok(ScanTarget::Code(code("H56-190903-0001"))));
    }

    #[test]
    fn own_citizen_link() {
        let got = parse_scan("https://danhgia.trieuphong.gov.vn/r/12%2F2024-7?t=Abcdefgh12", &policy());
        assert_eq!(
            got,
            Ok(ScanTarget::CitizenLink { code: code("12/2024-7"), token: CitizenToken::parse("Abcdefgh12").unwrap() })
        );
        // Port and case of the host do not matter; relative links are ours.
        assert!(parse_scan("HTTP://DanhGia.TrieuPhong.gov.vn:8080/r/A1?t=Abcdefgh12", &policy()).is_ok());
        assert!(parse_scan("/r/A1?t=Abcdefgh12", &policy()).is_ok());
        assert!(parse_scan("https://danhgia.trieuphong.gov.vn:/r/A1?t=Abcdefgh12", &policy()).is_ok());
        // The fully qualified name (root dot) is the same host; a second dot is not.
        assert!(parse_scan("https://danhgia.trieuphong.gov.vn./r/A1?t=Abcdefgh12", &policy()).is_ok());
        assert_eq!(
            parse_scan("https://danhgia.trieuphong.gov.vn../r/A1?t=Abcdefgh12", &policy()),
            Err(ScanError::ForeignUrl { host: "danhgia.trieuphong.gov.vn.".into() })
        );
        // A port no browser would go to: not an address (found by the fuzz target).
        assert_eq!(
            parse_scan("https://danhgia.trieuphong.gov.vn:444443/r/A1?t=Abcdefgh12", &policy()),
            Err(ScanError::MalformedLink)
        );
    }

    #[test]
    fn own_link_damaged() {
        for s in [
            "https://danhgia.trieuphong.gov.vn/r/A1",
            "https://danhgia.trieuphong.gov.vn/r/A1?t=short",
            "https://danhgia.trieuphong.gov.vn/r/A%3C1?t=Abcdefgh12",
            "https://danhgia.trieuphong.gov.vn/r/A1/x?t=Abcdefgh12",
            "https://danhgia.trieuphong.gov.vn/admin?t=Abcdefgh12",
            "/r/%ZZ?t=Abcdefgh12",
        ] {
            assert_eq!(parse_scan(s, &policy()), Err(ScanError::MalformedLink), "{s}");
        }
    }

    #[test]
    fn portal_link() {
        let got = parse_scan("https://dichvucong.quangtri.gov.vn/danh-gia?MaHoSo=H56-1&x=2", &policy());
        assert_eq!(got, Ok(ScanTarget::PortalLink { code: code("H56-1"), host: "dichvucong.quangtri.gov.vn".into() }));
        assert_eq!(
            parse_scan("https://dichvucong.quangtri.gov.vn/tin-tuc", &policy()),
            Err(ScanError::ForeignUrl { host: "dichvucong.quangtri.gov.vn".into() })
        );
        // Decoded query values, ports and user parts do not matter.
        assert_eq!(
            parse_scan("https://user:pw@dichvucong.quangtri.gov.vn:443/x?a=1&mahoso=H56%2D1#top", &policy()),
            Ok(ScanTarget::PortalLink { code: code("H56-1"), host: "dichvucong.quangtri.gov.vn".into() })
        );
        // A backslash ends the host, as in browsers.
        assert!(matches!(
            parse_scan("https://evil.example\\@dichvucong.quangtri.gov.vn/?mahoso=A1", &policy()),
            Err(ScanError::ForeignUrl { host }) if host == "evil.example"
        ));
        // Hosts that are not plain ASCII names are foreign.
        assert!(matches!(
            parse_scan("https://dịchvụcông.gov.vn/?mahoso=A1", &policy()),
            Err(ScanError::ForeignUrl { .. })
        ));
        // The bare suffix, or a look-alike, is not a portal.
        assert!(matches!(parse_scan("https://evilgov.vn/?mahoso=A1", &policy()), Err(ScanError::ForeignUrl { .. })));
        assert!(matches!(
            parse_scan("https://dichvucong.quangtri.gov.vn@evil.example/?mahoso=A1", &policy()),
            Err(ScanError::ForeignUrl { host }) if host == "evil.example"
        ));
    }

    #[test]
    fn refuses_the_rest() {
        let p = policy();
        assert_eq!(parse_scan("", &p), Err(ScanError::Empty));
        assert_eq!(parse_scan(" \n ", &p), Err(ScanError::Empty));
        assert_eq!(parse_scan("javascript:alert(1)", &p), Err(ScanError::UnsupportedScheme("javascript".into())));
        assert_eq!(parse_scan("WIFI:S:cafe;T:WPA;P:secret;;", &p), Err(ScanError::UnsupportedScheme("wifi".into())));
        assert_eq!(parse_scan("data:text/html,<b>x</b>", &p), Err(ScanError::UnsupportedScheme("data".into())));
        assert_eq!(
            parse_scan("https://example.com/r/A1?t=Abcdefgh12", &p),
            Err(ScanError::ForeignUrl { host: "example.com".into() })
        );
        assert_eq!(parse_scan("A1\u{0}B", &p), Err(ScanError::ControlChars));
        assert_eq!(parse_scan("line one\nline two", &p), Err(ScanError::ControlChars));
        assert_eq!(parse_scan(&"A".repeat(MAX_SCAN_LEN + 1), &p), Err(ScanError::TooLong));
        assert!(matches!(parse_scan("Xin chào", &p), Err(ScanError::NotADossierCode(_))));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,300}|[ -~]{0,300}") {
            let _ = parse_scan(&s, &policy());
        }

        #[test]
        fn every_valid_code_reads_back(c in "[A-Za-z0-9]([A-Za-z0-9./-]{0,62}[A-Za-z0-9])?") {
            let expected = code(&c);
            prop_assert_eq!(parse_scan(&c, &policy()), Ok(ScanTarget::Code(expected)));
        }

        #[test]
        fn every_citizen_link_we_print_reads_back(
            c in "[A-Za-z0-9]([A-Za-z0-9./-]{0,62}[A-Za-z0-9])?",
            t in "[A-Za-z0-9_-]{8,64}",
        ) {
            let (c, t) = (code(&c), CitizenToken::parse(&t).unwrap());
            let url = format!("https://danhgia.trieuphong.gov.vn{}", citizen_path(&c, &t));
            prop_assert_eq!(parse_scan(&url, &policy()), Ok(ScanTarget::CitizenLink { code: c, token: t }));
        }

        #[test]
        fn other_schemes_never_open(scheme in "[a-zA-Z][a-zA-Z0-9+.-]{0,10}", rest in "[ -~]{0,40}") {
            prop_assume!(!scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https"));
            let got = parse_scan(&format!("{scheme}:{rest}"), &policy());
            prop_assert!(got.is_err());
        }
    }
}
