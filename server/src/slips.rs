//! The codes printed on an evaluation slip: a QR code of the signed citizen
//! link and a Code 128 barcode of the dossier code, as SVG (crisp at any
//! print resolution), each with its quiet zone.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// QR code of `text`. Level M: a slip may be creased or stained, and level H
/// would make the code denser (smaller modules) for the same printed size.
pub fn qr_svg(text: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| e.to_string())?;
    Ok(code
        .render::<svg::Color>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// The QR code's modules (true = dark) and its width, for tests.
pub fn qr_modules(text: &str) -> Result<(Vec<bool>, usize), String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| e.to_string())?;
    let width = code.width();
    Ok((code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect(), width))
}

/// Code 128 modules (1 = bar) of an ASCII text, in code set B.
pub fn code128_modules(text: &str) -> Result<Vec<u8>, String> {
    if !text.is_ascii() || text.is_empty() {
        return Err("Code 128 set B takes printable ASCII".into());
    }
    barcoders::sym::code128::Code128::new(format!("\u{0181}{text}")).map(|c| c.encode()).map_err(|e| e.to_string())
}

/// Code 128 barcode as SVG: one module per unit, ten modules of quiet zone
/// on each side, drawn as runs so that viewers do not show seams.
pub fn barcode_svg(text: &str) -> Result<String, String> {
    let modules = code128_modules(text)?;
    const QUIET: usize = 10;
    const HEIGHT: usize = 50;
    let width = modules.len() + 2 * QUIET;
    let mut bars = String::new();
    let mut x = 0;
    while x < modules.len() {
        if modules[x] == 1 {
            let start = x;
            while x < modules.len() && modules[x] == 1 {
                x += 1;
            }
            bars.push_str(&format!("M{} 0h{}v{HEIGHT}h-{}z", start + QUIET, x - start, x - start));
        } else {
            x += 1;
        }
    }
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {HEIGHT}" preserveAspectRatio="none" shape-rendering="crispEdges" aria-hidden="true"><rect width="{width}" height="{HEIGHT}" fill="#fff"/><path d="{bars}" fill="#000"/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use danhgia_scan::{Decoder, Format};

    /// Draws modules as a greyscale image, `scale` pixels per module.
    fn raster(dark: impl Fn(usize, usize) -> bool, w: usize, h: usize, scale: usize) -> (Vec<u8>, u32, u32) {
        let (pw, ph) = (w * scale, h * scale);
        let mut luma = vec![255u8; pw * ph];
        for y in 0..ph {
            for x in 0..pw {
                if dark(x / scale, y / scale) {
                    luma[y * pw + x] = 0;
                }
            }
        }
        (luma, pw as u32, ph as u32)
    }

    #[test]
    fn our_scanner_reads_the_qr_code_we_print() {
        let text = "http://127.0.0.1:8080/r/H45.03-261120-0001?t=AbCdEfGhIjKlMnOp";
        let (modules, n) = qr_modules(text).unwrap();
        let quiet = 4;
        let size = n + 2 * quiet;
        let dark = |x: usize, y: usize| {
            (quiet..quiet + n).contains(&x) && (quiet..quiet + n).contains(&y) && modules[(y - quiet) * n + (x - quiet)]
        };
        let (luma, w, h) = raster(dark, size, size, 4);
        let read = Decoder::new().decode_still(luma, w, h).unwrap();
        assert_eq!((read.text.as_str(), read.format), (text, Format::Qr));
        assert!(qr_svg(text).unwrap().starts_with("<?xml") || qr_svg(text).unwrap().contains("<svg"));
    }

    #[test]
    fn our_scanner_reads_the_barcode_we_print() {
        for code in ["H45.03-261120-0001", "12/2024/HS-7", "A"] {
            let modules = code128_modules(code).unwrap();
            let quiet = 10;
            let dark = |x: usize, _y: usize| (quiet..quiet + modules.len()).contains(&x) && modules[x - quiet] == 1;
            let (luma, w, h) = raster(dark, modules.len() + 2 * quiet, 40, 3);
            let read = Decoder::new().decode_still(luma, w, h).unwrap();
            assert_eq!((read.text.as_str(), read.format), (code, Format::Code128));
        }
        let svg = barcode_svg("H45.03-261120-0001").unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M10 0h"));
        assert!(code128_modules("mã").is_err());
    }
}
