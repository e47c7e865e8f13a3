//! Reads the QR code or Code 128 barcode of an evaluation slip from a camera
//! frame. Runs in the scanner's Web Worker (and natively in tests, through
//! the very same functions).
//!
//! A frame is decoded in one of three passes. The fast pass is what most
//! frames get while the officer aims; the thorough pass (rxing's TryHarder
//! plus inverted codes) and the coarse pass (the thorough one at half
//! resolution, which finds the finder patterns of blurred or noisy codes)
//! read the harder photographs but cost more, so the worker spends them only
//! on some frames, and a still image gets all three in turn.

use rxing::common::HybridBinarizer;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, MultiFormatReader};
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Qr,
    Code128,
}

impl Format {
    pub fn is_linear(self) -> bool {
        self == Format::Code128
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub text: String,
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Fast,
    Thorough,
    Coarse,
}

impl Pass {
    /// The pass for the n-th frame while scanning: mostly fast, with a
    /// thorough and a coarse pass in every four frames.
    pub fn for_frame(n: u64) -> Pass {
        match n % 4 {
            1 => Pass::Thorough,
            3 => Pass::Coarse,
            _ => Pass::Fast,
        }
    }
}

/// Halves both dimensions, averaging 2×2 blocks.
fn half_size(luma: &[u8], width: u32, height: u32) -> (Vec<u8>, u32, u32) {
    let (w, hw, hh) = (width as usize, (width / 2) as usize, (height / 2) as usize);
    let mut out = Vec::with_capacity(hw * hh);
    for y in 0..hh {
        let (top, bottom) = (&luma[2 * y * w..][..w], &luma[(2 * y + 1) * w..][..w]);
        for x in 0..hw {
            let sum = u32::from(top[2 * x])
                + u32::from(top[2 * x + 1])
                + u32::from(bottom[2 * x])
                + u32::from(bottom[2 * x + 1]);
            out.push(((sum + 2) / 4) as u8);
        }
    }
    (out, hw as u32, hh as u32)
}

/// Readers with their hints set once and kept across frames (rxing rebuilds
/// its readers when hints change, and its helpers turn TryHarder on behind
/// the caller's back: we set everything explicitly).
pub struct Decoder {
    fast: MultiFormatReader,
    thorough: MultiFormatReader,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

fn hints(thorough: bool) -> DecodeHints {
    let formats = HashSet::from([BarcodeFormat::QR_CODE, BarcodeFormat::CODE_128]);
    DecodeHints {
        PossibleFormats: Some(formats),
        TryHarder: Some(thorough),
        AlsoInverted: Some(thorough),
        ..DecodeHints::default()
    }
}

impl Decoder {
    pub fn new() -> Self {
        let mut fast = MultiFormatReader::default();
        fast.set_hints(&hints(false));
        let mut thorough = MultiFormatReader::default();
        thorough.set_hints(&hints(true));
        Decoder { fast, thorough }
    }

    /// Decodes one greyscale frame (`width × height` bytes, row by row).
    /// `None` when no code is read, or when the frame is malformed.
    pub fn decode(&mut self, luma: Vec<u8>, width: u32, height: u32, pass: Pass) -> Option<Read> {
        if width == 0 || height == 0 || luma.len() != width as usize * height as usize {
            return None;
        }
        let (luma, width, height) = match pass {
            Pass::Coarse if width >= 64 && height >= 64 => half_size(&luma, width, height),
            Pass::Coarse => return None,
            _ => (luma, width, height),
        };
        let source = Luma8LuminanceSource::new(luma, width, height).ok()?;
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let reader = match pass {
            Pass::Fast => &mut self.fast,
            Pass::Thorough | Pass::Coarse => &mut self.thorough,
        };
        let result = reader.decode_with_state(&mut bitmap).ok()?;
        let format = match result.getBarcodeFormat() {
            BarcodeFormat::QR_CODE => Format::Qr,
            BarcodeFormat::CODE_128 => Format::Code128,
            _ => return None,
        };
        Some(Read { text: result.getText().to_owned(), format })
    }

    /// A still image: each pass in turn until one reads.
    pub fn decode_still(&mut self, luma: Vec<u8>, width: u32, height: u32) -> Option<Read> {
        [Pass::Fast, Pass::Thorough, Pass::Coarse]
            .into_iter()
            .find_map(|pass| self.decode(luma.clone(), width, height, pass))
    }
}

/// RGBA pixels (as a canvas gives them) to luminance, with the integer
/// weights zxing-cpp uses (≈ 0.299 R + 0.587 G + 0.114 B).
pub fn rgba_to_luma(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| ((306 * u32::from(p[0]) + 601 * u32::from(p[1]) + 117 * u32::from(p[2]) + 0x200) >> 10) as u8)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luma_weights() {
        assert_eq!(rgba_to_luma(&[0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255]), vec![0, 255, 76]);
    }

    #[test]
    fn nothing_in_blank_or_noise() {
        let mut decoder = Decoder::new();
        let (w, h) = (320u32, 240u32);
        assert_eq!(decoder.decode_still(vec![255; (w * h) as usize], w, h), None);
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let noise: Vec<u8> = (0..w * h)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        assert_eq!(decoder.decode_still(noise, w, h), None);
    }

    #[test]
    fn passes_cycle_over_frames() {
        let passes: Vec<_> = (0..8).map(Pass::for_frame).collect();
        assert_eq!(passes.iter().filter(|p| **p == Pass::Fast).count(), 4);
        assert!(passes.contains(&Pass::Thorough) && passes.contains(&Pass::Coarse));
    }

    #[test]
    fn half_size_averages_blocks() {
        let (out, w, h) = half_size(&[0, 255, 10, 10, 255, 0, 10, 10, 1, 1, 1, 1], 4, 3);
        assert_eq!((out, w, h), (vec![128, 10], 2, 1));
    }

    #[test]
    fn malformed_frames_are_refused() {
        let mut decoder = Decoder::new();
        assert_eq!(decoder.decode(vec![0; 10], 4, 4, Pass::Fast), None);
        assert_eq!(decoder.decode(vec![], 0, 0, Pass::Thorough), None);
    }
}
