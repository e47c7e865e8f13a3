//! Reads the QR code or Code 128 barcode of an evaluation slip from a camera
//! frame. Runs in the scanner's Web Worker (and natively in tests, through
//! the very same functions).
//!
//! A frame is first looked over cheaply (`scout`): every few rows, for the
//! finder patterns of a QR code and the start of a Code 128 symbol. rxing's
//! decoders then run only where something was seen: the Code 128 reader on
//! those rows, the QR reader on the region the finder patterns span (that
//! region binarised as rxing would, only faster: `binarize`). A frame with
//! nothing in view costs the look alone.
//!
//! A frame is decoded in one of three passes. The fast pass is what most
//! frames get while the officer aims; the thorough pass (closer rows, light
//! codes on dark, two finder patterns enough, rxing's TryHarder) and the
//! coarse pass (the same at half resolution, which evens out blur and noise)
//! read the harder pictures, so the worker spends them on some frames. A
//! still image gets all three in turn, then rxing over the whole image
//! (`still`). While a scanner is idle, its worker warms the decoder up on
//! built-in pictures (`warm`).

mod binarize;
mod frame;
mod model1;
mod scout;
mod simd;
mod still;
pub mod warm;

pub use frame::{Frame, Pixels, Rect};
use rxing::common::BitArray;
use rxing::oned::{Code128Reader, OneDReader};
use rxing::qrcode::QRCodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Reader};
use scout::{Finder, Line, Look, Scout};
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

    fn look(self) -> Look {
        match self {
            // Every 6th row: the centre of a finder pattern is 3 modules
            // high, so codes of 2 pixels a module and more are crossed.
            Pass::Fast => Look { scale: 1, step: 6, inverted: false, bars: true, column_step: 0 },
            // Every 3rd row: down to 1 pixel a module; and every 12th column
            // for a barcode held sideways.
            Pass::Thorough => Look { scale: 1, step: 3, inverted: true, bars: true, column_step: 12 },
            // Half resolution evens out blur and noise (and finds big codes).
            Pass::Coarse => Look { scale: 2, step: 3, inverted: true, bars: true, column_step: 0 },
        }
    }
}

/// At most this many lines a frame are handed to the Code 128 reader.
const MAX_BAR_LINES: usize = 8;

/// The readers' settings and the buffers, kept across frames.
pub struct Decoder {
    scout: Scout,
    crop: Vec<u8>,
    row: Vec<u8>,
    thresholds: Vec<u8>,
    fast: DecodeHints,
    harder: DecodeHints,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

fn hints(format: BarcodeFormat, try_harder: bool) -> DecodeHints {
    DecodeHints {
        PossibleFormats: Some(HashSet::from([format])),
        TryHarder: Some(try_harder),
        ..DecodeHints::default()
    }
}

impl Decoder {
    pub fn new() -> Self {
        Decoder {
            scout: Scout::default(),
            crop: Vec::new(),
            row: Vec::new(),
            thresholds: Vec::new(),
            fast: hints(BarcodeFormat::QR_CODE, false),
            harder: hints(BarcodeFormat::QR_CODE, true),
        }
    }

    /// Decodes one greyscale frame (`width × height` bytes, row by row).
    /// `None` when no code is read, or when the frame is malformed.
    pub fn decode(&mut self, luma: Vec<u8>, width: u32, height: u32, pass: Pass) -> Option<Read> {
        let frame = Frame::new(Pixels::Luma(&luma), width, height)?;
        self.decode_frame(&frame, pass)
    }

    /// Decodes one RGBA frame as a canvas gives it (`width × height × 4` bytes).
    pub fn decode_rgba(&mut self, rgba: &[u8], width: u32, height: u32, pass: Pass) -> Option<Read> {
        let frame = Frame::new(Pixels::Rgba(rgba), width, height)?;
        self.decode_frame(&frame, pass)
    }

    /// One pass over a frame: look for finder patterns and Code 128 starts
    /// on a few rows, then decode only there.
    pub fn decode_frame(&mut self, frame: &Frame, pass: Pass) -> Option<Read> {
        let look = pass.look();
        if frame.size(look.scale).0 < 21 || frame.size(look.scale).1 < 21 {
            return None;
        }
        self.scout.look(frame, look);
        let bar_lines = std::mem::take(&mut self.scout.sightings.bar_lines);
        let read = bar_lines
            .iter()
            .take(MAX_BAR_LINES)
            .find_map(|&(line, reversed)| self.read_bar_line(frame, line, reversed, pass != Pass::Fast));
        self.scout.sightings.bar_lines = bar_lines;
        if read.is_some() {
            return read;
        }
        let need = if pass == Pass::Fast { 3 } else { 2 };
        let finders = std::mem::take(&mut self.scout.sightings.finders);
        let mut read = None;
        for inverted in [false, true] {
            let of_kind: Vec<Finder> = finders.iter().filter(|f| f.inverted == inverted).copied().collect();
            if of_kind.len() >= need {
                let rect = qr_region(&of_kind, frame.size(look.scale));
                read = self.read_qr(frame, rect, look.scale, inverted, pass != Pass::Fast);
                if read.is_some() {
                    break;
                }
            }
        }
        self.scout.sightings.finders = finders;
        read
    }

    /// Reads a Code 128 symbol on a row or column, thresholded locally (and,
    /// when trying harder, at a few levels of the line's range).
    fn read_bar_line(&mut self, frame: &Frame, line: Line, reversed: bool, harder: bool) -> Option<Read> {
        let y = match line {
            Line::Row(y) => {
                frame.row(y, 1, &mut self.row);
                y
            }
            Line::Column(x) => {
                frame.column(x, &mut self.row);
                x
            }
        };
        if reversed {
            self.row.reverse();
        }
        scout::thresholds(&self.row, &mut self.thresholds);
        let mut bits = BitArray::with_size(self.row.len());
        let attempt = |bits: &mut BitArray| Code128Reader.decode_row(y as u32, bits, &DecodeHints::default()).ok();
        for (x, &v) in self.row.iter().enumerate() {
            if v < self.thresholds[x / scout::BLOCK] {
                bits.set(x);
            }
        }
        let mut result = attempt(&mut bits);
        if result.is_none() && harder {
            let (lo, hi) = self.row.iter().fold((255u8, 0u8), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            for pct in [35u32, 50, 65] {
                let t = (u32::from(lo) + (u32::from(hi) - u32::from(lo)) * pct / 100) as u8;
                let mut bits = BitArray::with_size(self.row.len());
                for (x, &v) in self.row.iter().enumerate() {
                    if v < t {
                        bits.set(x);
                    }
                }
                result = attempt(&mut bits);
                if result.is_some() {
                    break;
                }
            }
        }
        let result = result?;
        (result.getBarcodeFormat() == &BarcodeFormat::CODE_128)
            .then(|| Read { text: result.getText().to_owned(), format: Format::Code128 })
    }

    /// Reads a QR code in `rect` of the frame at `scale`.
    fn read_qr(&mut self, frame: &Frame, rect: Rect, scale: usize, inverted: bool, harder: bool) -> Option<Read> {
        frame.region(rect, scale, inverted, &mut self.crop);
        let mut bitmap = BinaryBitmap::new(binarize::Local::new(&self.crop, rect.width, rect.height).ok()?);
        let hints = if harder { &self.harder } else { &self.fast };
        // zxing-cpp's detector (ported in rxing), then on the harder passes
        // zxing's own, which reads some pictures the other misses.
        let result = QrReader
            .decode_with_hints(&mut bitmap, hints)
            .or_else(|e| if harder { QRCodeReader.decode_with_hints(&mut bitmap, hints) } else { Err(e) })
            .ok()?;
        (result.getBarcodeFormat() == &BarcodeFormat::QR_CODE)
            .then(|| Read { text: result.getText().to_owned(), format: Format::Qr })
    }

    /// A still image: each pass in turn, then rxing's readers over the
    /// whole image in ways that cost too much for live frames.
    pub fn decode_still(&mut self, luma: Vec<u8>, width: u32, height: u32) -> Option<Read> {
        let frame = Frame::new(Pixels::Luma(&luma), width, height)?;
        [Pass::Fast, Pass::Thorough, Pass::Coarse]
            .into_iter()
            .find_map(|pass| self.decode_frame(&frame, pass))
            .or_else(|| still::read(&luma, width, height))
    }
}

/// The part of the frame a QR code with these finder patterns can cover:
/// with three, the fourth corner completes the square; with two, the code
/// may lie on either side. Plus a margin of 8 modules (quiet zone and the
/// binariser's context).
fn qr_region(finders: &[Finder], (width, height): (usize, usize)) -> Rect {
    let module = finders.iter().map(|f| f.module).fold(1.0f32, f32::max);
    let mut points: Vec<(f32, f32)> = finders.iter().map(|f| (f.x, f.y)).collect();
    let mut margin = 8.0 * module;
    if finders.len() == 2 {
        let (a, b) = (points[0], points[1]);
        margin += ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    } else if finders.len() >= 3 {
        let mut best: Vec<&Finder> = finders.iter().collect();
        best.sort_by_key(|f| std::cmp::Reverse(f.hits));
        let p: Vec<(f32, f32)> = best.iter().take(3).map(|f| (f.x, f.y)).collect();
        let d = |a: (f32, f32), b: (f32, f32)| (a.0 - b.0).powi(2) + (a.1 - b.1).powi(2);
        // The corner is opposite the longest side.
        let corner =
            (0..3).max_by(|&i, &j| d(p[(i + 1) % 3], p[(i + 2) % 3]).total_cmp(&d(p[(j + 1) % 3], p[(j + 2) % 3])));
        if let Some(c) = corner {
            let (a, b) = (p[(c + 1) % 3], p[(c + 2) % 3]);
            points.push((a.0 + b.0 - p[c].0, a.1 + b.1 - p[c].1));
        }
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (x, y) in points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let clamp = |v: f32, max: usize| (v.max(0.0) as usize).min(max);
    let (x0, y0) = (clamp(x0 - margin, width), clamp(y0 - margin, height));
    let (x1, y1) = (clamp(x1 + margin + 1.0, width), clamp(y1 + margin + 1.0, height));
    Rect { x: x0, y: y0, width: x1.saturating_sub(x0), height: y1.saturating_sub(y0) }
}

/// RGBA pixels (as a canvas gives them) to luminance, with the integer
/// weights zxing-cpp uses (≈ 0.299 R + 0.587 G + 0.114 B).
pub fn rgba_to_luma(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4).map(|p| frame::luma_of(p[0], p[1], p[2])).collect()
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
    fn qr_region_covers_the_fourth_corner() {
        let f = |x, y| Finder { x, y, module: 2.0, hits: 1, inverted: false };
        // A code turned 45°: finder centres at the top, left and right; the
        // fourth corner (bottom) lies outside their bounding box.
        let rect = qr_region(&[f(100.0, 40.0), f(60.0, 80.0), f(140.0, 80.0)], (640, 480));
        assert_eq!((rect.x, rect.y), (60 - 16, 40 - 16));
        assert!(rect.y + rect.height >= 120 + 16 && rect.x + rect.width >= 140 + 16, "{rect:?}");
        // Near the frame's edge the region is clipped to the frame.
        let rect = qr_region(&[f(5.0, 5.0), f(5.0, 60.0), f(60.0, 5.0)], (100, 100));
        assert_eq!((rect.x, rect.y), (0, 0));
        assert!(rect.width <= 100 && rect.height <= 100);
    }

    #[test]
    fn malformed_frames_are_refused() {
        let mut decoder = Decoder::new();
        assert_eq!(decoder.decode(vec![0; 10], 4, 4, Pass::Fast), None);
        assert_eq!(decoder.decode(vec![], 0, 0, Pass::Thorough), None);
    }
}
