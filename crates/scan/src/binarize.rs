//! The QR reader's binarisation of a frame's code region: the very bits of
//! rxing's `HybridBinarizer` (zxing's local-average binariser), computed
//! faster. rxing's sets the matrix one bit at a time; here each row is
//! compared with its thresholds a word at a time (16 pixels an instruction
//! in the worker: `crate::simd::at_most`). In one benchmark run taking
//! turns frame by frame, a QR frame took 0.99 ms with it against 1.14 (rxing
//! then at opt-level 3; see Cargo.toml). Natively (tests only) it is not
//! faster: there the comparison is a plain loop. The test below compares
//! the two bit for bit on random pictures.
//!
//! As rxing's: the region is cut into blocks of 8 × 8 pixels; a block's
//! black point is its average, or, where the block is flat, half its darkest
//! value (or its neighbours' black point where that is darker); a pixel is
//! dark when at most the average of the 5 × 5 blocks around its block (the
//! 5 × 5 moved in from the region's edges). The last block of a row (and of
//! a column) that does not end on a multiple of 8 is moved back to end at
//! the edge, so it overlaps the one before it: rxing sets a pixel in both
//! when it is at most either threshold, and so does this.

use rxing::common::{BitArray, BitMatrix, GlobalHistogramBinarizer, LineOrientation, Result};
use rxing::{Binarizer, Exceptions, Luma8Source, LuminanceSource};
use std::borrow::Cow;

const BLOCK: usize = 8;
/// Smaller regions are binarised as rxing's binariser does them (globally).
const MIN_SIDE: usize = 5 * BLOCK;
const MIN_DYNAMIC_RANGE: u8 = 24;

/// A binariser for rxing's readers whose matrix is made up front.
pub struct Local<'a> {
    global: GlobalHistogramBinarizer<Luma8Source<'a>>,
    /// None where rxing's binariser has none either (a small region whose
    /// histogram has no two peaks).
    matrix: Option<BitMatrix>,
}

impl<'a> Local<'a> {
    /// `luma` is `width × height` bytes, row by row.
    pub fn new(luma: &'a [u8], width: usize, height: usize) -> Result<Self> {
        Self::of(Luma8Source::new_with_slice(luma, width as u32, height as u32)?, luma)
    }

    /// `luma` is the source's pixels.
    fn of(source: Luma8Source<'a>, luma: &[u8]) -> Result<Self> {
        let (width, height) = (source.get_width(), source.get_height());
        let global = GlobalHistogramBinarizer::new(source);
        // Small regions: rxing's binariser takes the global histogram's matrix.
        let matrix = if width < MIN_SIDE || height < MIN_SIDE {
            global.get_black_matrix()?.clone()
        } else {
            black_matrix(luma, width, height)?
        };
        Ok(Local { global, matrix: Some(matrix) })
    }
}

/// Black point of each block (rxing's `calculateBlackPoints`).
fn black_points(luma: &[u8], width: usize, height: usize, sub_w: usize, sub_h: usize) -> Vec<u32> {
    let mut points = vec![0u32; sub_w * sub_h];
    for by in 0..sub_h {
        let y0 = (by * BLOCK).min(height - BLOCK);
        for bx in 0..sub_w {
            let x0 = (bx * BLOCK).min(width - BLOCK);
            let (mut sum, mut lo, mut hi) = (0u32, u8::MAX, u8::MIN);
            for y in y0..y0 + BLOCK {
                let row = &luma[y * width + x0..][..BLOCK];
                for &v in row {
                    sum += u32::from(v);
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
            // (rxing stops looking at extremes once the range is wide
            // enough; the sum is over every pixel either way.)
            let mut point = sum >> 6;
            if hi - lo <= MIN_DYNAMIC_RANGE {
                point = u32::from(lo) / 2;
                if by > 0 && bx > 0 {
                    let neighbours = (points[(by - 1) * sub_w + bx]
                        + 2 * points[by * sub_w + bx - 1]
                        + points[(by - 1) * sub_w + bx - 1])
                        / 4;
                    if u32::from(lo) < neighbours {
                        point = neighbours;
                    }
                }
            }
            points[by * sub_w + bx] = point;
        }
    }
    points
}

/// The pixel columns block column `b` covers: the last one moved back to
/// end at the edge.
fn cover(b: usize, len: usize) -> std::ops::Range<usize> {
    let start = (b * BLOCK).min(len - BLOCK);
    start..start + BLOCK
}

fn black_matrix(luma: &[u8], width: usize, height: usize) -> Result<BitMatrix> {
    let (sub_w, sub_h) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    let points = black_points(luma, width, height, sub_w, sub_h);
    // Each block's threshold: the average of the 5 × 5 blocks around it
    // (moved in from the edges).
    let mut block_t = vec![0u8; sub_w * sub_h];
    for by in 0..sub_h {
        let top = by.clamp(2, sub_h - 3);
        for bx in 0..sub_w {
            let left = bx.clamp(2, sub_w - 3);
            let sum: u32 = (top - 2..=top + 2)
                .map(|y| points[y * sub_w + left - 2..=y * sub_w + left + 2].iter().sum::<u32>())
                .sum();
            // An average of bytes: at most 255.
            block_t[by * sub_w + bx] = (sum / 25) as u8;
        }
    }
    let mut matrix = BitMatrix::new(width as u32, height as u32)?;
    let mut thresholds = vec![0u8; width];
    let mut words = vec![0usize; width.div_ceil(usize::BITS as usize)];
    let mut row = BitArray::with_size(width);
    // The block rows covering the pixel row the thresholds were made for.
    let mut made_for = None;
    for y in 0..height {
        let inner = (y < (sub_h - 1) * BLOCK).then_some(y / BLOCK);
        let last = cover(sub_h - 1, height).contains(&y).then_some(sub_h - 1);
        if made_for != Some((inner, last)) {
            thresholds.fill(0);
            for by in [inner, last].into_iter().flatten() {
                for bx in 0..sub_w {
                    let t = block_t[by * sub_w + bx];
                    for v in &mut thresholds[cover(bx, width)] {
                        *v = (*v).max(t);
                    }
                }
            }
            made_for = Some((inner, last));
        }
        crate::simd::at_most(&luma[y * width..][..width], &thresholds, &mut words);
        for (k, &word) in words.iter().enumerate() {
            row.setBulk(k * usize::BITS as usize, word);
        }
        matrix.setRow(y as u32, &row);
    }
    Ok(matrix)
}

impl<'a> Binarizer for Local<'a> {
    type Source = Luma8Source<'a>;

    fn get_luminance_source(&self) -> &Self::Source {
        self.global.get_luminance_source()
    }

    fn get_black_row(&self, y: usize) -> Result<Cow<'_, BitArray>> {
        self.global.get_black_row(y)
    }

    fn get_black_row_from_matrix(&self, y: usize) -> Result<Cow<'_, BitArray>> {
        match &self.matrix {
            Some(matrix) => Ok(Cow::Owned(matrix.getRow(y as u32))),
            None => self.get_black_row(y),
        }
    }

    fn get_black_matrix(&self) -> Result<&BitMatrix> {
        self.matrix.as_ref().ok_or_else(|| Exceptions::not_found_with("no black matrix for this region"))
    }

    fn get_black_line(&self, l: usize, lt: LineOrientation) -> Result<Cow<'_, BitArray>> {
        self.global.get_black_line(l, lt)
    }

    fn create_binarizer(&self, source: Self::Source) -> Self {
        // Only rxing's own transformations of a bitmap come here, which the
        // readers this crate calls do not make.
        let luma = source.get_matrix().into_owned();
        Self::of(source.clone(), &luma)
            .unwrap_or_else(|_| Local { global: GlobalHistogramBinarizer::new(source), matrix: None })
    }

    fn get_width(&self) -> usize {
        self.global.get_width()
    }

    fn get_height(&self) -> usize {
        self.global.get_height()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::common::HybridBinarizer;

    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// Random pictures of random sizes (multiples of 8 and not, below the
    /// minimum too): noise, flat patches (the low-range rule) and blocky
    /// "modules" on gradients.
    #[test]
    fn same_bits_as_rxing() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let grey: Vec<u8> = (0..64 * 64).map(|i| (i * 7 % 251) as u8).collect();
        let base = Local::new(&grey, 64, 64).expect("binarised");
        for case in 0..400 {
            let width = 24 + (xorshift(&mut state) % 120) as usize;
            let height = 24 + (xorshift(&mut state) % 120) as usize;
            let module = 1 + (xorshift(&mut state) % 6) as usize;
            let kind = case % 4;
            let flat = (xorshift(&mut state) % 256) as u8;
            let luma: Vec<u8> = (0..width * height)
                .map(|i| {
                    let (x, y) = (i % width, i / width);
                    let r = xorshift(&mut state);
                    match kind {
                        0 => r as u8,
                        1 => flat.wrapping_add((r % 20) as u8),
                        2 => {
                            let dark = (x / module * 31 + y / module * 17 + (r % 3) as usize) % 5 < 2;
                            let base = (x * 60 / width + y * 60 / height) as u8;
                            if dark { base / 3 } else { 120 + base }
                        }
                        _ => {
                            if x < width / 2 {
                                flat
                            } else {
                                (r % 256) as u8
                            }
                        }
                    }
                })
                .collect();
            let ours = Local::new(&luma, width, height).ok().and_then(|l| l.matrix);
            let source = Luma8Source::new_with_slice(&luma, width as u32, height as u32).expect("source");
            // (Small pictures may have no matrix at all: the same either way.)
            let theirs = HybridBinarizer::new(source).get_black_matrix().ok().cloned();
            assert_eq!(ours, theirs, "case {case}: {width}×{height}, kind {kind}");
            // A binariser made from another (as rxing's own transformations
            // do): the same matrix, or none where rxing's has none.
            let source = Luma8Source::new_with_slice(&luma, width as u32, height as u32).expect("source");
            let made = base.create_binarizer(source);
            assert_eq!(made.get_black_matrix().ok().cloned(), theirs, "case {case}, made from another");
        }
    }
}
