//! QR Model 1, the symbol that came before today's QR code (ISO/IEC
//! 18004:2000, Annex M), in still images only.
//!
//! rxing 0.9.3 finds a Model 1 symbol, samples its grid and reads its format
//! information, but splits the codewords into blocks the Model 2 way, one
//! codeword of each block in turn. Model 1 stores its blocks one after the
//! other, so every Model 1 symbol with more than one block (version 5 at
//! level H, and most from version 8) fails error correction there
//! (zxing-cpp, which rxing ports, fixed this in 2025). Here the grid rxing
//! sampled is read again: the codewords in Model 1's placement, the blocks
//! back to back, then rxing's own Reed–Solomon and bit-stream decoders.
//!
//! No slip of ours is Model 1; this is for photographs of other codes
//! (`decode_still`), and the worker never comes here.

use rxing::common::{BitMatrix, DetectorRXingResult, HybridBinarizer};
use rxing::qrcode::common::{FormatInformation, Version};
use rxing::qrcode::cpp_port::Type;
use rxing::qrcode::cpp_port::decoder::{CorrectErrors, DecodeBitStream};
use rxing::qrcode::cpp_port::detector::{DetectPureQR, FindFinderPatterns, GenerateFinderPatternSets, SampleQR};
use rxing::{BinaryBitmap, Luma8Source};

/// At most this many finder-pattern triples are sampled per image.
const MAX_SETS: usize = 8;

/// The text of a Model 1 QR code in a grey image, if one is found and reads.
pub fn read_image(luma: &[u8], width: u32, height: u32) -> Option<String> {
    let source = Luma8Source::new_with_slice(luma, width, height).ok()?;
    let bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let image = bitmap.get_black_matrix();
    if let Some(text) = DetectPureQR(image).ok().and_then(|found| read_grid(found.getBits())) {
        return Some(text);
    }
    let mut patterns = FindFinderPatterns(image, true, 0);
    GenerateFinderPatternSets(&mut patterns)
        .iter()
        .take(MAX_SETS)
        .filter_map(|set| SampleQR(image, set).ok())
        .find_map(|found| read_grid(found.getBits()))
}

/// The text of a sampled grid (one bit per module, dark = set) that is a
/// Model 1 symbol whose error correction succeeds.
pub fn read_grid(grid: &BitMatrix) -> Option<String> {
    let dim = grid.height();
    if grid.width() != dim || !(21..=73).contains(&dim) || !(dim - 17).is_multiple_of(4) {
        return None;
    }
    let format = format_information(grid);
    if !format.isValid() || format.qr_type() != Type::Model1 {
        return None;
    }
    let version = Version::Model1((dim - 17) / 4).ok()?;
    let level = format.error_correction_level;
    let codewords = codewords(grid, format.data_mask, format.isMirrored);
    if codewords.len() != version.getTotalCodewords() as usize {
        return None;
    }
    let blocks = version.getECBlocksForLevel(level);
    let ec = blocks.getECCodewordsPerBlock() as usize;
    let sizes: Vec<usize> = blocks
        .getECBlocks()
        .iter()
        .flat_map(|b| std::iter::repeat_n(b.getDataCodewords() as usize, b.getCount() as usize))
        .collect();
    if sizes.is_empty() || sizes.iter().sum::<usize>() + sizes.len() * ec != codewords.len() {
        return None;
    }
    // Back to back: every block's data codewords, then every block's
    // error-correction codewords, in the same order.
    let mut data = Vec::with_capacity(codewords.len());
    let mut ec_start = sizes.iter().sum::<usize>();
    let mut data_start = 0;
    for &size in &sizes {
        let mut block = codewords[data_start..data_start + size].to_vec();
        block.extend_from_slice(&codewords[ec_start..ec_start + ec]);
        CorrectErrors(&mut block, size as u32).ok()?;
        data.extend_from_slice(&block[..size]);
        data_start += size;
        ec_start += ec;
    }
    let result = DecodeBitStream(&data, version, level).ok()?;
    (result.error().is_none() && result.isValid()).then(|| result.text())
}

/// The two copies of the format information, read where Model 2 has them
/// (Model 1 uses the same places, with its own XOR mask).
fn format_information(grid: &BitMatrix) -> FormatInformation {
    let dim = grid.height();
    let bits = |cells: &mut dyn Iterator<Item = (u32, u32)>| {
        cells.fold(0u32, |acc, (x, y)| acc << 1 | u32::from(grid.get(x, y)))
    };
    let first = bits(&mut (0..6).map(|x| (x, 8)).chain([(7, 8), (8, 8), (8, 7)]).chain((0..6).rev().map(|y| (8, y))));
    let second = bits(&mut (dim - 8..dim).rev().map(|y| (8, y)).chain((dim - 8..dim).map(|x| (x, 8))));
    FormatInformation::DecodeQR(first, second)
}

/// Whether the data mask flips the module in column `x`, row `y`
/// (ISO/IEC 18004, the eight mask patterns; row i, column j).
fn masked(mask: u8, x: u32, y: u32) -> bool {
    let (i, j) = (y, x);
    match mask {
        0 => (i + j) % 2 == 0,
        1 => i % 2 == 0,
        2 => j % 3 == 0,
        3 => (i + j) % 3 == 0,
        4 => (i / 2 + j / 3) % 2 == 0,
        5 => (i * j) % 2 + (i * j) % 3 == 0,
        6 => ((i * j) % 2 + (i * j) % 3) % 2 == 0,
        _ => ((i + j) % 2 + (i * j) % 3) % 2 == 0,
    }
}

/// Model 1 places each codeword in a tile: 2 modules wide and 4 high in the
/// two columns of tiles at the right edge and the four at the left edge, 4
/// wide and 2 high in between. Tiles are filled from their bottom-right
/// module, right to left then upwards, most significant bit first; the
/// codewords run up each column of tiles, columns from right to left. Some
/// tiles are "extension" tiles (left for a larger symbol) and carry nothing.
/// Returns each tile as its bottom-right module and its width.
fn tiles(dim: u32) -> Vec<(u32, u32, u32)> {
    let columns = dim / 4 + 3;
    let mut out = Vec::new();
    for c in 0..columns {
        if c < 2 {
            // Right edge, below the top-right finder pattern.
            let rows = (dim - 8) / 4;
            for r in 0..rows {
                let extension = c == 0 && r % 2 == 0 && r > 0 && r < rows - 1;
                if !extension {
                    out.push((dim - 1 - 2 * c, dim - 1 - 4 * r, 2));
                }
            }
        } else if columns - c <= 4 {
            // Left edge, between the two left finder patterns; the third
            // column from the left steps over the vertical timing pattern.
            let from_left = columns - c - 1;
            let x = from_left * 2 + 1 + u32::from(from_left == 3);
            for r in 0..(dim - 16) / 4 {
                out.push((x, dim - 9 - 4 * r, 2));
            }
        } else {
            // The middle, in tiles lying flat; the top three step over the
            // horizontal timing pattern, and the first column stops below
            // the top-right finder pattern.
            let rows = dim / 2;
            for r in 0..rows {
                let under_finder = c == 2 && r >= rows - 4;
                let extension = r == 0 && c % 2 == 1 && c + 1 != columns - 4;
                if !under_finder && !extension {
                    out.push((dim - 5 - 4 * (c - 2), dim - 1 - 2 * r - u32::from(r >= rows - 3), 4));
                }
            }
        }
    }
    out
}

fn codewords(grid: &BitMatrix, mask: u8, mirrored: bool) -> Vec<u8> {
    let dark = |x: u32, y: u32| if mirrored { grid.get(y, x) } else { grid.get(x, y) };
    let mut out: Vec<u8> = tiles(grid.height())
        .into_iter()
        .map(|(x, y, w)| {
            (0..8).fold(0u8, |byte, b| {
                let (mx, my) = (x - b % w, y - b / w);
                byte << 1 | u8::from(dark(mx, my) != masked(mask, mx, my))
            })
        })
        .collect();
    // The corner tile's upper half holds no data.
    if let Some(first) = out.first_mut() {
        *first &= 0x0f;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_fill_each_model1_version_exactly() {
        // Versions 13 and 14 come out 2 tiles over and 1 under the
        // codeword counts rxing (and zxing-cpp) hold for them: with no
        // specimen of either to settle which is wrong, `read_grid` refuses
        // them on the count.
        for v in 13..=14u32 {
            let total = Version::Model1(v).map(|version| version.getTotalCodewords()).unwrap_or_default();
            assert_ne!(tiles(17 + 4 * v).len() as u32, total, "version {v}");
        }
        for v in 1..=12u32 {
            let dim = 17 + 4 * v;
            let total = Version::Model1(v).map(|version| version.getTotalCodewords()).unwrap_or_default();
            let tiles = tiles(dim);
            assert_eq!(tiles.len() as u32, total, "version {v}");
            // No module belongs to two tiles, and every module is inside.
            let mut seen = std::collections::HashSet::new();
            for (x, y, w) in tiles {
                for b in 0..8 {
                    assert!(x >= b % w && y >= b / w, "version {v}: tile at ({x}, {y}) leaves the symbol");
                    assert!(seen.insert((x - b % w, y - b / w)), "version {v}: module shared at ({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn masks_follow_the_standard() {
        // Mask 1 flips even rows, mask 2 every third column.
        assert!(masked(1, 5, 0) && !masked(1, 5, 1));
        assert!(masked(2, 3, 7) && !masked(2, 4, 7));
        // At row 1, column 1 (i·j = 1): mask 6 flips, mask 7 does not.
        assert!(masked(6, 1, 1) && !masked(7, 1, 1));
    }

    #[test]
    fn a_model2_grid_is_not_read_here() {
        let blank = BitMatrix::new(37, 37).expect("a 37×37 matrix");
        assert_eq!(read_grid(&blank), None);
    }
}
