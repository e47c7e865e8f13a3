//! Built-in HTTPS (rustls): the district's certificate, or a self-signed one
//! for a trial on a local network, made for this machine's addresses and
//! kept in the data folder.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const SELF_SIGNED_CERT: &str = "tls-self-signed.crt";
pub const SELF_SIGNED_KEY: &str = "tls-self-signed.key";
/// The trial's own certificate authority: installed once on each phone or
/// tablet, it makes the server's certificate trusted (service workers and
/// the camera refuse a page with a certificate error).
pub const TRIAL_CA_CERT: &str = "tls-trial-ca.crt";
pub const TRIAL_CA_KEY: &str = "tls-trial-ca.key";
/// Where phones download the trial CA (only with `--tls-self-signed`).
pub const TRIAL_CA_PATH: &str = "/danhgia-ca.crt";

/// A certificate ready to serve, with what to tell the operator.
pub struct Tls {
    pub config: Arc<rustls::ServerConfig>,
    /// SHA-256 of the certificate (DER), as browsers show it: `AB:CD:…`.
    pub fingerprint: String,
    /// The names and addresses the certificate is for (self-signed only).
    pub names: Vec<String>,
}

fn server_config(certs: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> Result<Tls, String> {
    let fingerprint =
        certs.first().map(|c| sha256_fingerprint(c.as_ref())).ok_or("the certificate file holds no certificate")?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("the certificate and key do not go together: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Tls { config: Arc::new(config), fingerprint, names: Vec::new() })
}

/// The district's certificate chain and key, PEM files.
pub fn from_files(cert: &Path, key: &Path) -> Result<Tls, String> {
    let certs = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("cannot read the certificate {}: {e}", cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the certificate {} is not valid PEM: {e}", cert.display()))?;
    let key =
        PrivateKeyDer::from_pem_file(key).map_err(|e| format!("cannot read the private key {}: {e}", key.display()))?;
    server_config(certs, key)
}

/// This machine's names and addresses: what phones on the LAN will type.
pub fn machine_names(extra: &[String]) -> Vec<String> {
    let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    if let Ok(host) = std::fs::read_to_string("/etc/hostname") {
        let host = host.trim();
        if !host.is_empty() {
            names.push(host.to_owned());
        }
    }
    if let Ok(interfaces) = if_addrs::get_if_addrs() {
        names.extend(interfaces.iter().filter(|i| !i.is_loopback()).map(|i| i.ip().to_string()));
    }
    names.extend(extra.iter().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()));
    let mut seen = std::collections::BTreeSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names
}

fn write_private(path: &Path, contents: &str) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut f| f.write_all(contents.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn sha256_fingerprint(der: &[u8]) -> String {
    Sha256::digest(der).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// Name suffixes of local networks that a trial CA may certify.
const LOCAL_SUFFIXES: [&str; 6] = ["local", "lan", "home.arpa", "internal", "test", "localhost"];
/// Address ranges of local networks (private, loopback, link-local, carrier-grade NAT).
const LOCAL_RANGES: [&str; 9] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "100.64.0.0/10",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
];

/// What a trial CA may certify besides the local suffixes and ranges: the
/// machine's own names, and its addresses outside the local ranges.
fn ca_dns(names: &[String]) -> Vec<String> {
    let mut dns: Vec<String> = LOCAL_SUFFIXES.iter().map(|s| (*s).to_owned()).collect();
    dns.extend(names.iter().filter(|n| n.parse::<IpAddr>().map_or(true, |ip| !in_local_ranges(ip))).cloned());
    dns.sort();
    dns.dedup();
    dns
}

/// Whether a trial CA limited to `dns` (and the local ranges) may certify `name`.
fn ca_covers(dns: &[String], name: &str) -> bool {
    match name.parse::<IpAddr>() {
        Ok(ip) => in_local_ranges(ip) || dns.iter().any(|d| d.parse::<IpAddr>() == Ok(ip)),
        Err(_) => dns.iter().any(|d| name == d || name.ends_with(&format!(".{d}"))),
    }
}

fn in_local_ranges(ip: IpAddr) -> bool {
    {
        LOCAL_RANGES.iter().filter_map(|r| r.split_once('/')).any(|(base, bits)| {
            match (base.parse::<IpAddr>(), bits.parse::<u32>(), ip) {
                (Ok(IpAddr::V4(b)), Ok(n), IpAddr::V4(a)) => {
                    let mask = if n == 0 { 0 } else { u32::MAX << (32 - n) };
                    (u32::from(a) & mask) == (u32::from(b) & mask)
                }
                (Ok(IpAddr::V6(b)), Ok(n), IpAddr::V6(a)) => {
                    let mask = if n == 0 { 0 } else { u128::MAX << (128 - n) };
                    (u128::from(a) & mask) == (u128::from(b) & mask)
                }
                _ => false,
            }
        })
    }
}

/// The trial CA's parameters. Its name constraints let it certify only
/// local names and addresses (and the machine's own names), so that a
/// copy of its key cannot impersonate other sites to the phones that trust
/// it; its subject is the same every time, so the key kept in the data
/// folder signs new server certificates the phones still trust.
fn trial_ca_params(dns: &[String]) -> Result<rcgen::CertificateParams, String> {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, "danhgia trial CA (self-signed, this server only)");
    params.distinguished_name = dn;
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
    params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
    let mut permitted: Vec<rcgen::GeneralSubtree> = dns
        .iter()
        .map(|d| match d.parse::<IpAddr>() {
            Ok(ip) => rcgen::GeneralSubtree::IpAddress(rcgen::CidrSubnet::from_addr_prefix(
                ip,
                if ip.is_ipv4() { 32 } else { 128 },
            )),
            Err(_) => rcgen::GeneralSubtree::DnsName(d.clone()),
        })
        .collect();
    for range in LOCAL_RANGES {
        let subnet = range.parse().map_err(|()| format!("bad range {range}"))?;
        permitted.push(rcgen::GeneralSubtree::IpAddress(subnet));
    }
    params.name_constraints =
        Some(rcgen::NameConstraints { permitted_subtrees: permitted, excluded_subtrees: Vec::new() });
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(825);
    Ok(params)
}

/// A certificate for `names` signed by the trial CA of the data folder (made
/// on first use); made again when the machine's names or addresses change.
/// Returns the server's TLS and the CA's SHA-256 fingerprint.
pub fn self_signed(data_dir: &Path, names: Vec<String>) -> Result<(Tls, String), String> {
    let (ca_cert_path, ca_key_path) = (data_dir.join(TRIAL_CA_CERT), data_dir.join(TRIAL_CA_KEY));
    let ca_names_path = data_dir.join("tls-trial-ca.names");
    let mut dns: Vec<String> =
        std::fs::read_to_string(&ca_names_path).unwrap_or_default().lines().map(str::to_owned).collect();
    let covered = names.iter().all(|n| ca_covers(&dns, n));
    if !ca_cert_path.is_file() || !ca_key_path.is_file() || !covered {
        if ca_cert_path.is_file() {
            tracing::warn!(
                "this machine has names the trial CA does not cover: a new trial CA is made; install it again on the phones"
            );
        }
        dns = ca_dns(&names);
        let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
        let cert = trial_ca_params(&dns)?.self_signed(&key).map_err(|e| e.to_string())?;
        write_private(&ca_key_path, &key.serialize_pem())?;
        write_private(&ca_cert_path, &cert.pem())?;
        write_private(&ca_names_path, &dns.join("\n"))?;
        tracing::info!(path = %ca_cert_path.display(), "made the trial certificate authority");
    }
    let ca_pem = std::fs::read_to_string(&ca_cert_path).map_err(|e| format!("{}: {e}", ca_cert_path.display()))?;
    let ca_der =
        CertificateDer::from_pem_slice(ca_pem.as_bytes()).map_err(|e| format!("{}: {e}", ca_cert_path.display()))?;
    let ca_key = rcgen::KeyPair::from_pem(
        &std::fs::read_to_string(&ca_key_path).map_err(|e| format!("{}: {e}", ca_key_path.display()))?,
    )
    .map_err(|e| format!("{}: {e}", ca_key_path.display()))?;

    let (cert_path, key_path): (PathBuf, PathBuf) = (data_dir.join(SELF_SIGNED_CERT), data_dir.join(SELF_SIGNED_KEY));
    let names_path = data_dir.join("tls-self-signed.names");
    let wanted = format!("{}\n{}", sha256_fingerprint(ca_der.as_ref()), names.join("\n"));
    let current = std::fs::read_to_string(&names_path).unwrap_or_default();
    if current != wanted || !cert_path.is_file() || !key_path.is_file() {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
        params.subject_alt_names = names
            .iter()
            .map(|n| match n.parse::<IpAddr>() {
                Ok(ip) => Ok(rcgen::SanType::IpAddress(ip)),
                Err(_) => n.clone().try_into().map(rcgen::SanType::DnsName).map_err(|e| format!("{n}: {e}")),
            })
            .collect::<Result<_, _>>()?;
        let mut dn = rcgen::DistinguishedName::new();
        dn.push(rcgen::DnType::CommonName, "danhgia (trial)");
        params.distinguished_name = dn;
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::days(1);
        // Browsers refuse server certificates valid for longer than 825 days.
        params.not_after = now + time::Duration::days(800);
        let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
        let issuer = rcgen::Issuer::new(trial_ca_params(&dns)?, ca_key);
        let cert = params.signed_by(&key, &issuer).map_err(|e| e.to_string())?;
        write_private(&key_path, &key.serialize_pem())?;
        // The chain the server sends: its certificate, then the CA.
        write_private(&cert_path, &format!("{}{}", cert.pem(), ca_pem))?;
        write_private(&names_path, &wanted)?;
        tracing::info!(path = %cert_path.display(), "made a certificate for this machine's names");
    }
    let mut tls = from_files(&cert_path, &key_path)?;
    tls.names = names;
    Ok((tls, sha256_fingerprint(ca_der.as_ref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trial_ca_covers_local_names_only() {
        let dns = ca_dns(&["vm".into(), "danhgia.test".into(), "192.168.1.5".into()]);
        for name in
            ["vm", "danhgia.test", "x.local", "192.168.1.5", "10.1.2.3", "127.0.0.1", "::1", "fd00::2", "localhost"]
        {
            assert!(ca_covers(&dns, name), "{name}");
        }
        for name in ["dichvucong.gov.vn", "www.vietcombank.com.vn", "8.8.8.8", "evilvm", "2001:db8::1", "172.32.0.1"] {
            assert!(!ca_covers(&dns, name), "{name}");
        }
        // The machine's own address outside the local ranges is covered, alone.
        let dns = ca_dns(&["203.0.113.9".into()]);
        assert!(ca_covers(&dns, "203.0.113.9") && !ca_covers(&dns, "203.0.113.10"));
    }
}
