//! Real photographs and scans from zxing-cpp's black-box test set (Apache
//! 2.0, see fixtures/zxing-blackbox/LICENSE), read through the same
//! luminance path the worker uses. zxing-cpp's own runner must pass the
//! counts below (upright, fast mode); we must read at least as many.

use danhgia_scan::{Decoder, Format, rgba_to_luma};
use std::path::Path;

fn read_folder(folder: &str, format: Format) -> (usize, usize, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zxing-blackbox").join(folder);
    let mut decoder = Decoder::new();
    let (mut images, mut read, mut misses) = (0, 0, Vec::new());
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !matches!(ext, "png" | "jpg" | "jpeg" | "webp") {
            continue;
        }
        images += 1;
        let expected = std::fs::read_to_string(path.with_extension("txt")).unwrap();
        let img = image::open(&path).unwrap().to_rgba8();
        let (w, h) = img.dimensions();
        let got = decoder.decode_still(rgba_to_luma(img.as_raw()), w, h);
        match got {
            Some(r) if r.text == expected && r.format == format => read += 1,
            other => {
                misses.push(format!("{}: {:?}", path.file_name().unwrap().to_string_lossy(), other.map(|r| r.text)))
            }
        }
    }
    (images, read, misses)
}

fn check(folder: &str, format: Format, zxing_cpp_passes: usize) {
    let (images, read, misses) = read_folder(folder, format);
    println!("{folder}: read {read} of {images} (zxing-cpp: {zxing_cpp_passes}); missed {misses:?}");
    assert!(
        read >= zxing_cpp_passes,
        "{folder}: read {read} of {images}, zxing-cpp reads {zxing_cpp_passes}: {misses:#?}"
    );
}

#[test]
fn qrcode_1() {
    check("qrcode-1", Format::Qr, 8);
}

#[test]
fn qrcode_2() {
    check("qrcode-2", Format::Qr, 50);
}

#[test]
fn qrcode_3() {
    check("qrcode-3", Format::Qr, 18);
}

#[test]
fn code128_1() {
    check("code128-1", Format::Code128, 6);
}

#[test]
fn code128_2() {
    check("code128-2", Format::Code128, 13);
}
