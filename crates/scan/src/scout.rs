//! The cheap look before the real decoders run: every few rows of the frame
//! are thresholded on their own and cut into runs of dark and light, and
//! the runs are searched for what a code must show on any row that crosses
//! it — the 1:1:3:1:1 of a QR code's finder patterns (checked again down
//! the column), or the start of a Code 128 symbol. The decoders (rxing) then
//! only see the rows and the region where those were found.
//!
//! This is hand-written, not a library's: it is the step every frame pays,
//! with no code in view most of the time, and it must cost a fraction of a
//! full binarisation (which is what rxing's detectors start with).

use crate::frame::Frame;

/// Pixels a block of the row threshold.
pub const BLOCK: usize = 16;
/// Blocks each side of a block whose extremes set its threshold.
const REACH: usize = 2;
/// Below this range of values a stretch of row is taken as flat (noise, not ink).
const MIN_CONTRAST: u8 = 40;

/// Thresholds for one row: per block of 16 pixels, the midpoint of the
/// darkest and lightest values within ±2 blocks; flat stretches borrow the
/// nearest threshold. `false` when the whole row is flat.
pub fn thresholds(row: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    let blocks = row.len().div_ceil(BLOCK);
    let mut mins = [0u8; 256];
    let mut maxs = [0u8; 256];
    if blocks > mins.len() {
        // Rows wider than 4096 pixels: one window over the whole row.
        let (lo, hi) = row.iter().fold((255u8, 0u8), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        out.resize(blocks, lo / 2 + hi / 2);
        return hi - lo >= MIN_CONTRAST;
    }
    crate::simd::block_extremes(row, &mut mins[..blocks], &mut maxs[..blocks]);
    let mut last = None;
    let mut first = None;
    for b in 0..blocks {
        let (from, to) = (b.saturating_sub(REACH), (b + REACH).min(blocks - 1));
        let lo = mins[from..=to].iter().copied().min().unwrap_or(0);
        let hi = maxs[from..=to].iter().copied().max().unwrap_or(0);
        let t = if hi - lo >= MIN_CONTRAST {
            let t = (u16::from(lo) + u16::from(hi)).div_ceil(2) as u8;
            first.get_or_insert(t);
            last = Some(t);
            t
        } else {
            last.unwrap_or(0)
        };
        out.push(t);
    }
    let Some(first) = first else { return false };
    // Flat blocks before the first edge take its threshold.
    for t in out.iter_mut() {
        if *t != 0 {
            break;
        }
        *t = first;
    }
    true
}

/// Cuts a row into runs: `runs[0]` is light (possibly 0 long), then dark,
/// light, … Returns nothing useful for a flat row (one light run).
pub fn runs(row: &[u8], thresholds: &[u8], out: &mut Vec<u16>) {
    crate::simd::runs(row, thresholds, out);
}

/// Whether five runs read 1:1:3:1:1 (each within half a module).
pub fn finder_ratio(r: [u16; 5]) -> bool {
    let total: u32 = r.iter().map(|&v| u32::from(v)).sum();
    if total < 7 {
        return false;
    }
    let ok = |v: u16, modules: u32| (7 * u32::from(v)).abs_diff(modules * total) * 2 < modules * total;
    ok(r[0], 1) && ok(r[1], 1) && ok(r[2], 3) && ok(r[3], 1) && ok(r[4], 1)
}

/// The three Code 128 start patterns (A, B, C), in modules.
const STARTS: [[u8; 6]; 3] = [[2, 1, 1, 4, 1, 2], [2, 1, 1, 2, 1, 4], [2, 1, 1, 2, 3, 2]];

/// Whether six runs (dark first) look like a Code 128 start pattern with a
/// quiet zone of at least half its width before it. Loose on purpose: the
/// row decoder checks for real.
pub fn code128_start(quiet: u16, r: &[u16]) -> bool {
    let total: u32 = r.iter().map(|&v| u32::from(v)).sum();
    if total < 11 || 2 * u32::from(quiet) < total {
        return false;
    }
    STARTS.iter().any(|p| {
        let mut sum = 0;
        for (i, &m) in p.iter().enumerate() {
            let d = (11 * u32::from(r[i])).abs_diff(u32::from(m) * total);
            // No element off by more than 0.8 module …
            if 10 * d > 8 * total {
                return false;
            }
            sum += d;
        }
        // … and 3 modules in all (rxing's reader allows 0.7 and 2.75).
        sum < 3 * total
    })
}

/// Whether runs (light first) hold a Code 128 start after a quiet zone. A
/// start at the row's edge has its quiet zone cut off by the frame, which
/// the reader accepts too.
fn has_code128_start(runs: &[u16]) -> bool {
    (1..runs.len().saturating_sub(5))
        .step_by(2)
        .any(|i| code128_start(if i == 1 { u16::MAX } else { runs[i - 1] }, &runs[i..i + 6]))
}

/// A finder pattern seen on one or more rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finder {
    pub x: f32,
    pub y: f32,
    pub module: f32,
    pub hits: u32,
    /// Light ink on a dark ground (an inverted code).
    pub inverted: bool,
}

/// A row or a column of the frame, at full scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Row(usize),
    Column(usize),
}

/// What one look at a frame found.
#[derive(Debug, Default)]
pub struct Sightings {
    pub finders: Vec<Finder>,
    /// Lines where a Code 128 start was seen, and whether it reads
    /// backwards (right to left, bottom to top: the slip turned round).
    pub bar_lines: Vec<(Line, bool)>,
}

/// Reused buffers for looking at frames.
#[derive(Debug, Default)]
pub struct Scout {
    row: Vec<u8>,
    /// The looked-at columns, one after the other.
    columns: Vec<u8>,
    thresholds: Vec<u8>,
    runs: Vec<u16>,
    reversed: Vec<u16>,
    candidates: Vec<(usize, u32, bool)>,
    pub sightings: Sightings,
}

/// How a look is made.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// 1 for full resolution, 2 for half.
    pub scale: usize,
    /// Rows between two looked-at rows (at that scale).
    pub step: usize,
    /// Also look for light-on-dark finder patterns.
    pub inverted: bool,
    /// Look for Code 128 starts (rows at full scale only).
    pub bars: bool,
    /// Also look down every this many columns for Code 128 (a slip held
    /// sideways); 0: not.
    pub column_step: usize,
}

impl Scout {
    /// Looks at every `step`-th row of `frame`.
    pub fn look(&mut self, frame: &Frame, look: Look) {
        self.sightings.finders.clear();
        self.sightings.bar_lines.clear();
        let (_, h) = frame.size(look.scale);
        let bars_here = look.bars && look.scale == 1;
        let mut y = look.step / 2;
        while y < h {
            self.look_at_row(frame, y, look, true, bars_here);
            y += look.step;
        }
        if look.bars && !bars_here {
            // Bars are read at full resolution (thin ones vanish at half).
            let (_, h) = frame.size(1);
            let step = 2 * look.step * look.scale;
            let mut y = step / 2;
            while y < h {
                self.look_at_row(frame, y, Look { scale: 1, ..look }, false, true);
                y += step;
            }
        }
        if look.column_step > 0 {
            let (first, step) = (look.column_step / 2, look.column_step);
            let mut columns = std::mem::take(&mut self.columns);
            frame.columns(first, step, &mut columns);
            let (_, h) = frame.size(1);
            for (k, column) in columns.chunks_exact(h).enumerate() {
                if thresholds(column, &mut self.thresholds) {
                    runs(column, &self.thresholds, &mut self.runs);
                    self.look_for_bars(Line::Column(first + k * step));
                }
            }
            self.columns = columns;
        }
    }

    /// Whether the last runs cut hold a Code 128 start, each way (a start
    /// seen one way may be a chance match inside a symbol that reads the
    /// other way).
    fn look_for_bars(&mut self, line: Line) {
        if has_code128_start(&self.runs) {
            self.sightings.bar_lines.push((line, false));
        }
        // Backwards: the runs reversed, light first.
        self.reversed.clear();
        if self.runs.len().is_multiple_of(2) {
            self.reversed.push(0);
        }
        self.reversed.extend(self.runs.iter().rev());
        if has_code128_start(&self.reversed) {
            self.sightings.bar_lines.push((line, true));
        }
    }

    fn look_at_row(&mut self, frame: &Frame, y: usize, look: Look, finders: bool, bars: bool) {
        frame.row(y, look.scale, &mut self.row);
        if !thresholds(&self.row, &mut self.thresholds) {
            return;
        }
        runs(&self.row, &self.thresholds, &mut self.runs);
        let runs = &self.runs;
        if runs.len() < 6 {
            return;
        }
        // Finder patterns: dark-light-dark-light-dark from an odd index
        // (light ink: light-dark-light-dark-light from an even one).
        let mut candidates = std::mem::take(&mut self.candidates);
        candidates.clear();
        let mut x = 0usize;
        for i in 0..if finders { runs.len().saturating_sub(4) } else { 0 } {
            let inverted = i % 2 == 0;
            if (!inverted || (look.inverted && i > 0))
                && finder_ratio([runs[i], runs[i + 1], runs[i + 2], runs[i + 3], runs[i + 4]])
            {
                let cx = x + usize::from(runs[i]) + usize::from(runs[i + 1]) + usize::from(runs[i + 2]) / 2;
                let total = runs[i..i + 5].iter().map(|&v| u32::from(v)).sum::<u32>();
                candidates.push((cx, total, inverted));
            }
            x += usize::from(runs[i]);
        }
        for &(cx, total, inverted) in &candidates {
            let t = self.thresholds[cx / BLOCK];
            if let Some((cy, vtotal)) = cross_check(frame, look.scale, cx, y, t, inverted, total) {
                let module = (total + vtotal) as f32 / 14.0;
                self.add_finder(cx as f32 + 0.5, cy, module, inverted);
            }
        }
        self.candidates = candidates;
        if bars {
            self.look_for_bars(Line::Row(y));
        }
    }

    fn add_finder(&mut self, x: f32, y: f32, module: f32, inverted: bool) {
        let finders = &mut self.sightings.finders;
        if let Some(f) = finders
            .iter_mut()
            .find(|f| f.inverted == inverted && (f.x - x).abs() < 3.0 * f.module && (f.y - y).abs() < 3.0 * f.module)
        {
            let n = f.hits as f32;
            f.x = (f.x * n + x) / (n + 1.0);
            f.y = (f.y * n + y) / (n + 1.0);
            f.module = (f.module * n + module) / (n + 1.0);
            f.hits += 1;
        } else {
            finders.push(Finder { x, y, module, hits: 1, inverted });
        }
    }
}

/// Checks a finder pattern seen across row `y` at column `x` down the
/// column: 1:1:3:1:1 again, about as long as across. Returns the centre's y
/// and the length down.
fn cross_check(
    frame: &Frame,
    scale: usize,
    x: usize,
    y: usize,
    t: u8,
    inverted: bool,
    across: u32,
) -> Option<(f32, u32)> {
    let (_, h) = frame.size(scale);
    let ink = |yy: usize| (frame.at(x, yy, scale) < t) != inverted;
    if !ink(y) {
        return None;
    }
    let max = 2 * across as usize;
    // Up: the rest of the centre, the light ring, the dark ring.
    let mut counts = [0usize; 5];
    let mut yy = y as isize;
    for (state, want) in [(2usize, true), (1, false), (0, true)] {
        while yy >= 0 && ink(yy as usize) == want && counts[state] <= max {
            counts[state] += 1;
            yy -= 1;
        }
        if counts[state] == 0 || counts[state] > max {
            return None;
        }
    }
    let top_of_centre = y + 1 - counts[2];
    let mut yy = y + 1;
    for (state, want) in [(2usize, true), (3, false), (4, true)] {
        let before = counts[state];
        while yy < h && ink(yy) == want && counts[state] <= max + before {
            counts[state] += 1;
            yy += 1;
        }
        if (state != 2 && counts[state] == 0) || counts[state] > max + before {
            return None;
        }
    }
    let five = counts.map(|c| c.min(usize::from(u16::MAX)) as u16);
    let total: u32 = five.iter().map(|&v| u32::from(v)).sum();
    // Within 40% of the length across (zxing's rule), and 1:1:3:1:1.
    if 5 * total.abs_diff(across) >= 2 * across || !finder_ratio(five) {
        return None;
    }
    Some((top_of_centre as f32 + counts[2] as f32 / 2.0, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Pixels;

    #[test]
    fn finder_ratios() {
        assert!(finder_ratio([6, 6, 18, 6, 6]));
        assert!(finder_ratio([5, 7, 17, 6, 7]));
        assert!(!finder_ratio([6, 6, 6, 6, 6]));
        assert!(!finder_ratio([1, 1, 1, 1, 1]));
    }

    #[test]
    fn code128_starts() {
        // Start B at 2 pixels a module, after a quiet zone.
        assert!(code128_start(20, &[4, 2, 2, 4, 2, 8]));
        assert!(!code128_start(2, &[4, 2, 2, 4, 2, 8]), "no quiet zone");
        assert!(!code128_start(20, &[4, 4, 4, 4, 4, 4]));
        // A start against the frame's edge: its quiet zone is cut off.
        assert!(has_code128_start(&[1, 4, 2, 2, 4, 2, 8, 3]));
        assert!(!has_code128_start(&[9, 1, 3, 4, 2, 2, 4, 2, 8, 3]), "quiet zone too short");
    }

    #[test]
    fn runs_of_a_row() {
        let row = [200u8, 200, 10, 10, 10, 200, 10];
        let mut t = Vec::new();
        assert!(thresholds(&row, &mut t));
        let mut r = Vec::new();
        runs(&row, &t, &mut r);
        assert_eq!(r, vec![2, 3, 1, 1]);
        assert!(!thresholds(&[100, 110, 120, 105], &mut t), "flat");
    }

    #[test]
    fn finds_a_drawn_finder_pattern() {
        // A 7×7-module finder pattern at 4 pixels a module, on white.
        let (w, h) = (80usize, 60usize);
        let mut luma = vec![240u8; w * h];
        for my in 0..7 {
            for mx in 0..7 {
                let ring = (mx as i32 - 3).abs().max((my as i32 - 3).abs());
                if ring != 2 {
                    for y in 0..4 {
                        for x in 0..4 {
                            luma[(10 + my * 4 + y) * w + 20 + mx * 4 + x] = 20;
                        }
                    }
                }
            }
        }
        let frame = Frame::new(Pixels::Luma(&luma), w as u32, h as u32).unwrap();
        let mut scout = Scout::default();
        scout.look(&frame, Look { scale: 1, step: 2, inverted: false, bars: true, column_step: 4 });
        let f = &scout.sightings.finders;
        assert_eq!(f.len(), 1, "{f:?}");
        assert!((f[0].x - 34.0).abs() < 1.5 && (f[0].y - 24.0).abs() < 1.5 && (f[0].module - 4.0).abs() < 0.5, "{f:?}");
        assert!(scout.sightings.bar_lines.is_empty());
        // The same pattern in light ink on dark is only seen when asked for.
        let inverted: Vec<u8> = luma.iter().map(|v| 255 - v).collect();
        let frame = Frame::new(Pixels::Luma(&inverted), w as u32, h as u32).unwrap();
        scout.look(&frame, Look { scale: 1, step: 2, inverted: false, bars: false, column_step: 0 });
        assert!(scout.sightings.finders.is_empty());
        scout.look(&frame, Look { scale: 1, step: 2, inverted: true, bars: false, column_step: 0 });
        assert_eq!(scout.sightings.finders.len(), 1);
        assert!(scout.sightings.finders[0].inverted);
    }
}
