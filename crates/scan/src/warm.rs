//! Built-in pictures of what a slip shows, decoded while a scanner is idle.
//! A browser compiles a wasm function the first time it runs, first with its
//! quick tier, whose code is slow, and optimises it only once it has run a
//! while: a fresh worker took 5–20 ms on each of its first dozen QR frames
//! instead of about 1 ms (BENCHMARKS.md). Frames with nothing in view run
//! only the look for finder patterns and bars, so without this the first
//! slip held up after a while of aiming was still read by cold code.
//!
//! Decoded all at once before the worker said it was ready, the pictures
//! took about 90 ms of a 2-core machine while the app and the camera
//! started: the camera opened about 45 ms later, and the first read gained
//! 19 (12 page opens each way). One step as soon as it was ready cut the
//! first frame's decode from 23 to 9 ms on a tablet's second visit, and the
//! page open not at all (346 against 340 ms, 12 each): on 2 cores, work
//! done earlier delays the app and the camera as much. So the worker does
//! one step a moment after each frame in which nothing was read, if no
//! other frame has come (`crates/scan-worker`).
//!
//! The pictures: a citizen link as a version 5 QR code (byte mode, level M,
//! as slips are printed) and a dossier code as Code 128 (code sets B and
//! C), in 640×480 RGBA frames.

use crate::{Decoder, Pass};

/// [`QR_TEXT`] as a version 5 QR code at level M, as slips are printed
/// (rxing's encoder; two blocks): 37 rows, bit x of a row is module x, set
/// where dark.
#[rustfmt::skip]
const QR: [u64; 37] = [
    0x1fc5af637f, 0x105037dd41, 0x175375815d, 0x175a6e6e5d, 0x17461bef5d,
    0x1044b67a41, 0x1fd555557f, 0x0006a99400, 0x1d3fb525f9, 0x0bc4701492,
    0x154940377e, 0x1efc06992c, 0x10d13c42d8, 0x0b1992b7a8, 0x176e7bdb7a,
    0x1ef01f5886, 0x1c42b3935a, 0x06abb70932, 0x166ef692cc, 0x11e70010b1,
    0x01f556c04a, 0x0d0eb9a693, 0x1adbd79dfd, 0x1fa8e21aac, 0x19db2f5d7c,
    0x0756196215, 0x1dbbbd1547, 0x0f10d0a389, 0x03f3044855, 0x051209eb00,
    0x1951f9937f, 0x111b460741, 0x11fd60995d, 0x0c7305435d, 0x1939fdf25d,
    0x1f459f4641, 0x1290d4f97f,
];
pub const QR_TEXT: &str = "https://danhgia.example/r/H45.03-261120-0001?t=AbCdEfGhIjKlMnOp";

/// [`BARS_TEXT`] in Code 128 (rxing's encoder): modules, dark as '1', one
/// symbol of 11 modules after another, the stop pattern's 13 last.
const BARS: [&str; 3] = [
    "110100100001100010100011001001110110111001001001100111010011101100110010111001001101110010111011110",
    "111001001101100010010011001001110101111011101001101110010111011110110110011001100110110010100111100",
    "1100011101011",
];
pub const BARS_TEXT: &str = "H45.03-261120-0001";

const WIDTH: usize = 640;
const HEIGHT: usize = 480;

/// A light grey RGBA frame with `dark(x, y)` pixels near black.
fn picture(dark: impl Fn(usize, usize) -> bool) -> Vec<u8> {
    let mut rgba = vec![235u8; WIDTH * HEIGHT * 4];
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let i = 4 * (y * WIDTH + x);
            if dark(x, y) {
                rgba[i..i + 3].fill(25);
            }
            rgba[i + 3] = 255;
        }
    }
    rgba
}

fn qr_picture() -> Vec<u8> {
    // 5 pixels a module, in the middle of the frame, turned by 2° as a slip
    // held in front of a camera is.
    const M: f64 = 5.0;
    const HALF: f64 = 37.0 * M / 2.0;
    let (sin, cos) = 2f64.to_radians().sin_cos();
    let (cx, cy) = (WIDTH as f64 / 2.0, HEIGHT as f64 / 2.0);
    picture(|x, y| {
        let (dx, dy) = (x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
        let (u, v) = (cos * dx + sin * dy + HALF, cos * dy - sin * dx + HALF);
        let (mx, my) = ((u / M).floor(), (v / M).floor());
        (0.0..37.0).contains(&mx) && (0.0..37.0).contains(&my) && QR[my as usize] >> mx as usize & 1 == 1
    })
}

fn bars_picture() -> Vec<u8> {
    // 2 pixels a module, 100 rows tall, in the middle of the frame.
    const M: usize = 2;
    let modules: Vec<bool> = BARS.iter().flat_map(|s| s.bytes()).map(|b| b == b'1').collect();
    let left = (WIDTH - modules.len() * M) / 2;
    picture(|x, y| {
        let m = x.wrapping_sub(left) / M;
        x >= left && (190..290).contains(&y) && modules.get(m).copied().unwrap_or(false)
    })
}

fn empty_picture() -> Vec<u8> {
    picture(|_, _| false)
}

/// A picture's drawing, and what it holds.
type Picture = (fn() -> Vec<u8>, Option<&'static str>);

/// The pictures.
const PICTURES: [Picture; 3] = [(qr_picture, Some(QR_TEXT)), (bars_picture, Some(BARS_TEXT)), (empty_picture, None)];

/// The warm-up's decodes: which of [`PICTURES`], as which frame number (so
/// in that frame's pass, [`Pass::for_frame`]: thorough 1, fast 2, coarse 3).
const STEPS: [(usize, u64); 6] = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 1), (2, 1)];

/// The warm-up, one decode at a time, so that it can be spread over the
/// moments a scanner is idle (see the module's documentation). Holds one
/// picture at a time.
#[derive(Default)]
pub struct WarmUp {
    done: usize,
    picture: Option<(usize, Vec<u8>)>,
    /// How many decodes read what their picture holds.
    pub read: usize,
}

impl WarmUp {
    /// Every step done.
    pub fn is_done(&self) -> bool {
        self.done >= STEPS.len()
    }

    /// Decodes the next picture, if any is left.
    pub fn step(&mut self, decoder: &mut Decoder) {
        let Some(&(n, frame)) = STEPS.get(self.done) else { return };
        let (draw, want) = PICTURES[n];
        let rgba = match &mut self.picture {
            Some((p, rgba)) if *p == n => rgba,
            picture => &mut picture.insert((n, draw())).1,
        };
        let got = decoder.decode_rgba(rgba, WIDTH as u32, HEIGHT as u32, Pass::for_frame(frame));
        self.read += usize::from(want.is_some() && got.map(|r| r.text).as_deref() == want);
        self.done += 1;
        if self.is_done() {
            self.picture = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    /// The whole warm-up at once: how many decodes read their picture.
    fn warm_up(decoder: &mut Decoder) -> usize {
        let mut warm = WarmUp::default();
        while !warm.is_done() {
            warm.step(decoder);
        }
        warm.read
    }

    #[test]
    fn every_warm_up_decode_reads_its_picture() {
        assert_eq!(warm_up(&mut Decoder::new()), 5);
        let qr_passes: Vec<Pass> = STEPS.iter().filter(|s| s.0 == 0).map(|&(_, n)| Pass::for_frame(n)).collect();
        assert_eq!(qr_passes, [Pass::Thorough, Pass::Fast, Pass::Coarse]);
        // Each picture holds what it says, in its own symbology.
        let read = |rgba: &[u8], pass| {
            Decoder::new().decode_rgba(rgba, WIDTH as u32, HEIGHT as u32, pass).map(|r| (r.text, r.format))
        };
        assert_eq!(read(&qr_picture(), Pass::Fast), Some((QR_TEXT.into(), Format::Qr)));
        assert_eq!(read(&bars_picture(), Pass::Coarse), Some((BARS_TEXT.into(), Format::Code128)));
        assert_eq!(read(&empty_picture(), Pass::Thorough), None);
    }

    #[test]
    fn a_warmed_decoder_reads_as_a_fresh_one() {
        let mut warmed = Decoder::new();
        warm_up(&mut warmed);
        let empty = empty_picture();
        for pass in [Pass::Fast, Pass::Thorough, Pass::Coarse] {
            assert_eq!(warmed.decode_rgba(&empty, WIDTH as u32, HEIGHT as u32, pass), None);
            let got = warmed.decode_rgba(&qr_picture(), WIDTH as u32, HEIGHT as u32, pass).map(|r| r.text);
            assert_eq!(got.as_deref(), Some(QR_TEXT));
        }
    }
}
