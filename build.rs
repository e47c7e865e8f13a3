//! Generates the translation module from `locales/*.json` (leptos_i18n), after
//! checking that both languages have exactly the same keys: a string missing in
//! one language fails the build instead of silently falling back.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::collections::BTreeSet;
use std::error::Error;
use std::path::PathBuf;

const DEFAULT_LOCALE: &str = "vi";
const OTHER_LOCALES: &[&str] = &["en"];

fn leaf_keys(prefix: &str, value: &serde_json::Value, out: &mut BTreeSet<String>) {
    if let serde_json::Value::Object(map) = value {
        for (key, value) in map {
            let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
            if value.is_object() {
                leaf_keys(&path, value, out);
            } else {
                out.insert(path);
            }
        }
    }
}

fn locale_keys(locale: &str) -> Result<BTreeSet<String>, Box<dyn Error>> {
    let text = std::fs::read_to_string(format!("locales/{locale}.json"))?;
    let mut keys = BTreeSet::new();
    leaf_keys("", &serde_json::from_str(&text)?, &mut keys);
    Ok(keys)
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    let reference = locale_keys(DEFAULT_LOCALE)?;
    for locale in OTHER_LOCALES {
        let keys = locale_keys(locale)?;
        let missing: Vec<_> = reference.difference(&keys).collect();
        let extra: Vec<_> = keys.difference(&reference).collect();
        if !missing.is_empty() || !extra.is_empty() {
            return Err(
                format!("locales/{locale}.json: missing {missing:?}, not in {DEFAULT_LOCALE}: {extra:?}").into()
            );
        }
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR not set")?).join("i18n");
    let config = Config::new(DEFAULT_LOCALE)?
        .add_locales(OTHER_LOCALES)?
        .parse_options(ParseOptions::default().interpolate_display(true));
    let infos = TranslationsInfos::parse(config)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
