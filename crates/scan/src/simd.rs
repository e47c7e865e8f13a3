//! The per-pixel loops of the look at a frame, in wasm `simd128` where the
//! worker runs (16 pixels an instruction instead of one), and plain Rust
//! elsewhere (the native tests and the server). Both give the same bytes.
//!
//! Only these functions carry `#[target_feature(enable = "simd128")]`, so
//! the rest of the workspace (the app above all) is built as before, with no
//! flag for the whole build. A browser without wasm SIMD (Chrome < 91,
//! Firefox < 89, Safari < 16.4) cannot load a module holding them: for it
//! the worker is built a second time with the `scalar` feature (plain Rust
//! on wasm too), and the page picks the build the browser can run.

use crate::frame::luma_of;

/// Greyscale of RGBA pixels: `out.len()` pixels from `rgba`.
pub fn luma(rgba: &[u8], out: &mut [u8]) {
    // On wasm, calling a `simd128` function is safe: a module using it only
    // runs on an engine that validated it.
    #[cfg(all(target_arch = "wasm32", not(feature = "scalar")))]
    wasm::luma(rgba, out);
    #[cfg(any(not(target_arch = "wasm32"), feature = "scalar"))]
    luma_scalar(rgba, out);
}

#[cfg_attr(all(target_arch = "wasm32", not(feature = "scalar")), allow(dead_code))]
fn luma_scalar(rgba: &[u8], out: &mut [u8]) {
    for (o, c) in out.iter_mut().zip(rgba.chunks_exact(4)) {
        *o = luma_of(c[0], c[1], c[2]);
    }
}

/// Darkest and lightest value of each block of 16 pixels (the last block
/// may be shorter).
pub fn block_extremes(row: &[u8], mins: &mut [u8], maxs: &mut [u8]) {
    #[cfg(all(target_arch = "wasm32", not(feature = "scalar")))]
    wasm::block_extremes(row, mins, maxs);
    #[cfg(any(not(target_arch = "wasm32"), feature = "scalar"))]
    block_extremes_scalar(row, mins, maxs);
}

#[cfg_attr(all(target_arch = "wasm32", not(feature = "scalar")), allow(dead_code))]
fn block_extremes_scalar(row: &[u8], mins: &mut [u8], maxs: &mut [u8]) {
    for (b, chunk) in row.chunks(16).enumerate() {
        let (mut lo, mut hi) = (255u8, 0u8);
        for &v in chunk {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        mins[b] = lo;
        maxs[b] = hi;
    }
}

/// Bit x of `words` (`usize::BITS` pixels a word, lowest bit first) set
/// where `row[x] <= thresholds[x]`; bits past the row's end clear.
pub fn at_most(row: &[u8], thresholds: &[u8], words: &mut [usize]) {
    #[cfg(all(target_arch = "wasm32", not(feature = "scalar")))]
    wasm::at_most(row, thresholds, words);
    #[cfg(any(not(target_arch = "wasm32"), feature = "scalar"))]
    at_most_scalar(row, thresholds, words);
}

#[cfg_attr(all(target_arch = "wasm32", not(feature = "scalar")), allow(dead_code))]
fn at_most_scalar(row: &[u8], thresholds: &[u8], words: &mut [usize]) {
    let bits = usize::BITS as usize;
    for (k, word) in words.iter_mut().enumerate() {
        let start = (k * bits).min(row.len());
        let end = (start + bits).min(row.len());
        *word = row[start..end]
            .iter()
            .zip(&thresholds[start..end])
            .enumerate()
            .fold(0, |w, (i, (v, t))| w | usize::from(v <= t) << i);
    }
}

/// Cuts a row into runs of dark (below the block's threshold) and light:
/// `out[0]` is light (possibly 0 long), then dark, light, …
pub fn runs(row: &[u8], thresholds: &[u8], out: &mut Vec<u16>) {
    out.clear();
    #[cfg(all(target_arch = "wasm32", not(feature = "scalar")))]
    wasm::runs(row, thresholds, out);
    #[cfg(any(not(target_arch = "wasm32"), feature = "scalar"))]
    runs_scalar(row, thresholds, out);
}

#[cfg_attr(all(target_arch = "wasm32", not(feature = "scalar")), allow(dead_code))]
fn runs_scalar(row: &[u8], thresholds: &[u8], out: &mut Vec<u16>) {
    let mut dark = false;
    let mut start = 0usize;
    for (b, chunk) in row.chunks(16).enumerate() {
        let t = thresholds[b];
        for (i, &v) in chunk.iter().enumerate() {
            if (v < t) != dark {
                let x = b * 16 + i;
                out.push((x - start) as u16);
                start = x;
                dark = !dark;
            }
        }
    }
    out.push((row.len() - start) as u16);
}

#[cfg(all(target_arch = "wasm32", not(feature = "scalar")))]
mod wasm {
    use core::arch::wasm32::*;

    /// 16 pixels a step: bytes widened to 16 bits, multiplied by the
    /// weights and summed in pairs (dot), the pairs of each pixel added,
    /// rounded, shifted and narrowed back to bytes. Same integers as
    /// `luma_of`.
    #[target_feature(enable = "simd128")]
    pub fn luma(rgba: &[u8], out: &mut [u8]) {
        let n = out.len().min(rgba.len() / 4);
        let weights = i16x8(306, 601, 117, 0, 306, 601, 117, 0);
        let half = i32x4_splat(0x200);
        let mut i = 0;
        while i + 16 <= n {
            let src = &rgba[4 * i..4 * i + 64];
            let mut quads = [i32x4_splat(0); 4];
            for (k, quad) in quads.iter_mut().enumerate() {
                // SAFETY: `src` holds 64 bytes; wasm loads need no alignment.
                let v = unsafe { v128_load(src.as_ptr().add(16 * k) as *const v128) };
                let lo = i32x4_dot_i16x8(u16x8_extend_low_u8x16(v), weights);
                let hi = i32x4_dot_i16x8(u16x8_extend_high_u8x16(v), weights);
                let rg = i32x4_shuffle::<0, 2, 4, 6>(lo, hi);
                let b = i32x4_shuffle::<1, 3, 5, 7>(lo, hi);
                *quad = u32x4_shr(i32x4_add(i32x4_add(rg, b), half), 10);
            }
            let words = [i16x8_narrow_i32x4(quads[0], quads[1]), i16x8_narrow_i32x4(quads[2], quads[3])];
            let bytes = u8x16_narrow_i16x8(words[0], words[1]);
            // SAFETY: `out` holds at least i + 16 bytes.
            unsafe { v128_store(out.as_mut_ptr().add(i) as *mut v128, bytes) };
            i += 16;
        }
        super::luma_scalar(&rgba[4 * i..], &mut out[i..n]);
    }

    /// Horizontal min and max of 16 bytes by halving: 8, 4, 2, 1 lanes.
    #[target_feature(enable = "simd128")]
    fn extremes(v: v128) -> (u8, u8) {
        let (mut lo, mut hi) = (v, v);
        let s = u8x16_shuffle::<8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7>(lo, lo);
        (lo, hi) = (
            u8x16_min(lo, s),
            u8x16_max(hi, u8x16_shuffle::<8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7>(hi, hi)),
        );
        (lo, hi) = (
            u8x16_min(lo, u8x16_shuffle::<4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3>(lo, lo)),
            u8x16_max(hi, u8x16_shuffle::<4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3>(hi, hi)),
        );
        (lo, hi) = (
            u8x16_min(lo, u8x16_shuffle::<2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1>(lo, lo)),
            u8x16_max(hi, u8x16_shuffle::<2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1>(hi, hi)),
        );
        (lo, hi) = (
            u8x16_min(lo, u8x16_shuffle::<1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0>(lo, lo)),
            u8x16_max(hi, u8x16_shuffle::<1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0>(hi, hi)),
        );
        (u8x16_extract_lane::<0>(lo), u8x16_extract_lane::<0>(hi))
    }

    #[target_feature(enable = "simd128")]
    pub fn block_extremes(row: &[u8], mins: &mut [u8], maxs: &mut [u8]) {
        let full = row.len() / 16;
        for b in 0..full {
            // SAFETY: block b lies within `row`.
            let v = unsafe { v128_load(row.as_ptr().add(16 * b) as *const v128) };
            (mins[b], maxs[b]) = extremes(v);
        }
        super::block_extremes_scalar(&row[16 * full..], &mut mins[full..], &mut maxs[full..]);
    }

    /// Two blocks of 16 comparisons a word (`usize` is 32 bits on wasm32).
    #[target_feature(enable = "simd128")]
    pub fn at_most(row: &[u8], thresholds: &[u8], words: &mut [usize]) {
        let n = row.len().min(thresholds.len());
        for (k, word) in words.iter_mut().enumerate() {
            let mut w = 0usize;
            for half in 0..2 {
                let x = 32 * k + 16 * half;
                if x + 16 <= n {
                    // SAFETY: 16 bytes from x lie within both slices.
                    let (v, t) = unsafe {
                        (
                            v128_load(row.as_ptr().add(x) as *const v128),
                            v128_load(thresholds.as_ptr().add(x) as *const v128),
                        )
                    };
                    w |= (u8x16_bitmask(u8x16_le(v, t)) as usize) << (16 * half);
                } else {
                    for i in x..(x + 16).min(n) {
                        w |= usize::from(row[i] <= thresholds[i]) << (i - 32 * k);
                    }
                }
            }
            *word = w;
        }
    }

    /// A block's 16 comparisons as 16 bits; the runs' ends are where a bit
    /// differs from the one before it.
    #[target_feature(enable = "simd128")]
    pub fn runs(row: &[u8], thresholds: &[u8], out: &mut Vec<u16>) {
        let full = row.len() / 16;
        let mut dark = 0u32;
        let mut start = 0usize;
        for (b, &t) in thresholds[..full].iter().enumerate() {
            // SAFETY: block b lies within `row`.
            let v = unsafe { v128_load(row.as_ptr().add(16 * b) as *const v128) };
            let bits = u32::from(u8x16_bitmask(u8x16_lt(v, u8x16_splat(t))));
            let mut edges = (bits ^ ((bits << 1) | dark)) & 0xffff;
            while edges != 0 {
                let x = 16 * b + edges.trailing_zeros() as usize;
                out.push((x - start) as u16);
                start = x;
                edges &= edges - 1;
            }
            dark = (bits >> 15) & 1;
        }
        let mut dark = dark == 1;
        for (i, &v) in row[16 * full..].iter().enumerate() {
            if (v < thresholds[full]) != dark {
                let x = 16 * full + i;
                out.push((x - start) as u16);
                start = x;
                dark = !dark;
            }
        }
        out.push((row.len() - start) as u16);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_runs_and_extremes() {
        let row: Vec<u8> = (0..40).map(|x| if (5..9).contains(&x) || x >= 38 { 10 } else { 200 }).collect();
        let mut out = Vec::new();
        runs(&row, &[100; 3], &mut out);
        assert_eq!(out, vec![5, 4, 29, 2]);
        let (mut lo, mut hi) = ([0; 3], [0; 3]);
        block_extremes(&row, &mut lo, &mut hi);
        assert_eq!((lo, hi), ([10, 200, 10], [200, 200, 200]));
        let mut l = [0; 2];
        luma(&[255, 255, 255, 0, 0, 0, 0, 255], &mut l);
        assert_eq!(l, [255, 0]);
        let mut words = [usize::MAX; 2];
        let row: Vec<u8> = (0..70).map(|x: usize| if x.is_multiple_of(3) { 10 } else { 200 }).collect();
        at_most(&row, &[100; 70], &mut words);
        let want = |x: usize| x < 70 && x.is_multiple_of(3);
        for x in 0..2 * usize::BITS as usize {
            assert_eq!(words[x / usize::BITS as usize] >> (x % usize::BITS as usize) & 1 == 1, want(x), "bit {x}");
        }
    }
}
