//! A frame's pixels as the decoder reads them: greyscale values computed on
//! demand from the canvas's RGBA (or read from a greyscale still), at full or
//! half resolution. Computing only the rows and regions the decoder looks at
//! is what keeps a frame with no code in view cheap: a whole 640×480 frame is
//! never converted.

/// Where a frame's pixels come from.
#[derive(Debug, Clone, Copy)]
pub enum Pixels<'a> {
    /// Four bytes a pixel, as `getImageData` gives them.
    Rgba(&'a [u8]),
    /// One byte a pixel.
    Luma(&'a [u8]),
}

/// Luminance of one RGBA pixel, with the integer weights zxing-cpp uses
/// (≈ 0.299 R + 0.587 G + 0.114 B).
#[inline(always)]
pub fn luma_of(r: u8, g: u8, b: u8) -> u8 {
    ((306 * u32::from(r) + 601 * u32::from(g) + 117 * u32::from(b) + 0x200) >> 10) as u8
}

#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    pixels: Pixels<'a>,
    width: usize,
    height: usize,
}

/// A rectangle in the coordinates of a frame at some scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: usize,
    pub y: usize,
    pub width: usize,
    pub height: usize,
}

impl<'a> Frame<'a> {
    /// `None` when the buffer does not hold `width × height` pixels.
    pub fn new(pixels: Pixels<'a>, width: u32, height: u32) -> Option<Self> {
        let (width, height) = (width as usize, height as usize);
        let n = width.checked_mul(height)?;
        let ok = match pixels {
            Pixels::Rgba(p) => n.checked_mul(4) == Some(p.len()),
            Pixels::Luma(p) => n == p.len(),
        };
        (ok && n > 0).then_some(Frame { pixels, width, height })
    }

    /// Width and height at `scale` (1 or 2).
    pub fn size(&self, scale: usize) -> (usize, usize) {
        (self.width / scale, self.height / scale)
    }

    #[inline(always)]
    fn px(&self, i: usize) -> u32 {
        match self.pixels {
            Pixels::Rgba(p) => u32::from(luma_of(p[4 * i], p[4 * i + 1], p[4 * i + 2])),
            Pixels::Luma(p) => u32::from(p[i]),
        }
    }

    /// The value at (x, y) at `scale`; a half-scale pixel averages 2×2.
    #[inline]
    pub fn at(&self, x: usize, y: usize, scale: usize) -> u8 {
        if scale == 1 {
            return self.px(y * self.width + x) as u8;
        }
        let i = 2 * y * self.width + 2 * x;
        ((self.px(i) + self.px(i + 1) + self.px(i + self.width) + self.px(i + self.width + 1) + 2) / 4) as u8
    }

    /// Row `y` at `scale` into `out` (resized to the scaled width).
    pub fn row(&self, y: usize, scale: usize, out: &mut Vec<u8>) {
        let (w, _) = self.size(scale);
        if scale == 1 {
            out.resize(w, 0);
            self.span(y, 0, out);
            return;
        }
        let mut pair = std::mem::take(out);
        self.half_span(y, 0, w, &mut pair);
        pair.truncate(w);
        *out = pair;
    }

    /// `w` half-scale pixels of half-scale row `y` from half-scale column
    /// `x`, into `pair[..w]`: two full-scale spans, then 2×2 averaged (in
    /// place: pixel i is written after the ones it is averaged from are read).
    fn half_span(&self, y: usize, x: usize, w: usize, pair: &mut Vec<u8>) {
        pair.resize(4 * w, 0);
        let (top, bottom) = pair.split_at_mut(2 * w);
        self.span(2 * y, 2 * x, top);
        self.span(2 * y + 1, 2 * x, bottom);
        for i in 0..w {
            let sum = u16::from(top[2 * i])
                + u16::from(top[2 * i + 1])
                + u16::from(bottom[2 * i])
                + u16::from(bottom[2 * i + 1]);
            top[i] = ((sum + 2) / 4) as u8;
        }
    }

    /// Column `x` at full scale into `out` (top to bottom).
    pub fn column(&self, x: usize, out: &mut Vec<u8>) {
        out.clear();
        out.extend((0..self.height).map(|y| self.px(y * self.width + x) as u8));
    }

    /// Columns `first`, `first + step`, … at full scale into `out`, one
    /// after the other (each `height` long, top to bottom). Gathered row by
    /// row, as the pixels lie in memory: one column at a time reads each
    /// pixel from another stretch of the frame.
    pub fn columns(&self, first: usize, step: usize, out: &mut Vec<u8>) {
        let n = if step == 0 || first >= self.width { 0 } else { (self.width - first).div_ceil(step) };
        out.resize(n * self.height, 0);
        for y in 0..self.height {
            let start = y * self.width;
            for k in 0..n {
                out[k * self.height + y] = self.px(start + first + k * step) as u8;
            }
        }
    }

    /// `out.len()` full-scale pixels of row `y` from column `x`.
    #[inline]
    fn span(&self, y: usize, x: usize, out: &mut [u8]) {
        let (start, n) = (y * self.width + x, out.len());
        match self.pixels {
            Pixels::Rgba(p) => crate::simd::luma(&p[4 * start..][..4 * n], out),
            Pixels::Luma(p) => out.copy_from_slice(&p[start..][..n]),
        }
    }

    /// The pixels of `rect` (at `scale`) into `out`, row by row; inverted
    /// (255 − v) for light codes on a dark ground.
    pub fn region(&self, rect: Rect, scale: usize, invert: bool, out: &mut Vec<u8>) {
        out.resize(rect.width * rect.height, 0);
        let mut pair = Vec::new();
        for (i, line) in out.chunks_exact_mut(rect.width.max(1)).enumerate() {
            if scale == 1 {
                self.span(rect.y + i, rect.x, line);
            } else {
                // Only the rect's part of the two full-scale rows.
                self.half_span(rect.y + i, rect.x, rect.width, &mut pair);
                line.copy_from_slice(&pair[..rect.width]);
            }
            if invert {
                line.iter_mut().for_each(|v| *v = 255 - *v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgba_and_luma_agree() {
        let rgba = [0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255, 10, 20, 30, 255];
        let f = Frame::new(Pixels::Rgba(&rgba), 2, 2).unwrap();
        let mut row = Vec::new();
        f.row(0, 1, &mut row);
        assert_eq!(row, vec![0, 255]);
        f.row(1, 1, &mut row);
        assert_eq!(row, vec![76, luma_of(10, 20, 30)]);
        f.column(1, &mut row);
        assert_eq!(row, vec![255, luma_of(10, 20, 30)]);
        f.columns(0, 1, &mut row);
        assert_eq!(row, vec![0, 76, 255, luma_of(10, 20, 30)]);
        f.columns(1, 5, &mut row);
        assert_eq!(row, vec![255, luma_of(10, 20, 30)]);
        assert_eq!(f.at(0, 0, 2), ((255 + 76 + u32::from(luma_of(10, 20, 30)) + 2) / 4) as u8);
    }

    #[test]
    fn wrong_sizes_are_refused() {
        assert!(Frame::new(Pixels::Rgba(&[0; 15]), 2, 2).is_none());
        assert!(Frame::new(Pixels::Luma(&[0; 3]), 2, 2).is_none());
        assert!(Frame::new(Pixels::Luma(&[]), 0, 0).is_none());
    }

    #[test]
    fn regions_crop_scale_and_invert() {
        let luma: Vec<u8> = (0..16).collect();
        let f = Frame::new(Pixels::Luma(&luma), 4, 4).unwrap();
        let mut out = Vec::new();
        f.region(Rect { x: 1, y: 2, width: 2, height: 2 }, 1, false, &mut out);
        assert_eq!(out, vec![9, 10, 13, 14]);
        f.region(Rect { x: 1, y: 0, width: 1, height: 2 }, 2, true, &mut out);
        assert_eq!(out, vec![255 - 5, 255 - 13]);
    }
}
