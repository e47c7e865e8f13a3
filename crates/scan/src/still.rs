//! Still images (a photographed slip uploaded to the server, the black-box
//! photographs): when the frame passes read nothing, rxing's readers go over
//! the whole image, then over variants of it — inverted before binarising,
//! downscaled (blur and noise average out), and for Code 128 every row at
//! several grey levels, and last a QR Model 1 reading (`model1`). Too slow for live frames, which is why the worker
//! never comes here (and its wasm does not carry this code).

use crate::{Format, Read};
use rxing::common::{BitArray, HybridBinarizer};
use rxing::oned::{Code128Reader, OneDReader};
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source, MultiFormatReader, RXingResult};
use std::collections::HashSet;

fn to_read(result: RXingResult) -> Option<Read> {
    let format = match result.getBarcodeFormat() {
        BarcodeFormat::QR_CODE => Format::Qr,
        BarcodeFormat::CODE_128 => Format::Code128,
        _ => return None,
    };
    Some(Read { text: result.getText().to_owned(), format })
}

fn whole(reader: &mut MultiFormatReader, luma: &[u8], width: u32, height: u32) -> Option<Read> {
    let source = Luma8Source::new_with_slice(luma, width, height).ok()?;
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    to_read(reader.decode_with_state(&mut bitmap).ok()?)
}

/// Averages `factor × factor` blocks.
fn downscale(luma: &[u8], width: u32, height: u32, factor: u32) -> (Vec<u8>, u32, u32) {
    let (w, nw, nh) = (width as usize, (width / factor) as usize, (height / factor) as usize);
    let f = factor as usize;
    let mut out = Vec::with_capacity(nw * nh);
    for y in 0..nh {
        for x in 0..nw {
            let mut sum = 0u32;
            for dy in 0..f {
                sum += luma[(y * f + dy) * w + x * f..][..f].iter().map(|&v| u32::from(v)).sum::<u32>();
            }
            out.push(((sum + (f * f / 2) as u32) / (f * f) as u32) as u8);
        }
    }
    (out, nw as u32, nh as u32)
}

/// Every row, thresholded at grey levels from a quarter to three quarters
/// of its range, both ways.
fn code128_rows(luma: &[u8], width: u32) -> Option<Read> {
    let w = width as usize;
    for (y, row) in luma.chunks_exact(w).enumerate() {
        let (lo, hi) = row.iter().fold((255u8, 0u8), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        if hi - lo < 40 {
            continue;
        }
        for pct in (25u32..=75).step_by(5) {
            let t = (u32::from(lo) + u32::from(hi - lo) * pct / 100) as u8;
            let mut bits = BitArray::with_size(w);
            for (x, &v) in row.iter().enumerate() {
                if v < t {
                    bits.set(x);
                }
            }
            for _ in 0..2 {
                if let Some(read) =
                    Code128Reader.decode_row(y as u32, &bits, &DecodeHints::default()).ok().and_then(to_read)
                {
                    return Some(read);
                }
                bits.reverse();
            }
        }
    }
    None
}

pub fn read(luma: &[u8], width: u32, height: u32) -> Option<Read> {
    let mut readers = [false, true].map(|try_harder| {
        let mut reader = MultiFormatReader::default();
        reader.set_hints(&DecodeHints {
            PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE, BarcodeFormat::CODE_128])),
            TryHarder: Some(try_harder),
            AlsoInverted: Some(try_harder),
            ..DecodeHints::default()
        });
        reader
    });
    let inverted: Vec<u8> = luma.iter().map(|v| 255 - v).collect();
    let mut attempts: Vec<(Vec<u8>, u32, u32)> = Vec::new();
    for factor in [2, 3] {
        if width / factor >= 64 && height / factor >= 64 {
            attempts.push(downscale(luma, width, height, factor));
            attempts.push(downscale(&inverted, width, height, factor));
        }
    }
    let [fast, harder] = &mut readers;
    whole(fast, luma, width, height)
        .or_else(|| whole(harder, luma, width, height))
        .or_else(|| whole(fast, &inverted, width, height))
        .or_else(|| attempts.iter().find_map(|(l, w, h)| whole(harder, l, *w, *h)))
        .or_else(|| code128_rows(luma, width))
        .or_else(|| crate::model1::read_image(luma, width, height).map(|text| Read { text, format: Format::Qr }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscale_averages_blocks() {
        let (out, w, h) = downscale(&[0, 255, 10, 10, 255, 0, 10, 10, 1, 1, 1, 1], 4, 3, 2);
        assert_eq!((out, w, h), (vec![128, 10], 2, 1));
    }
}
