//! The bar chart as a PNG picture for Word, drawn pixel by pixel: stacked bars in the
//! levels' colours, each bar numbered with the digits of its label. The words are in the
//! caption and the text alternative beside it, so no font rendering is needed.

use super::layout::Chart;
use crate::domain::{Error, Result};

const WIDTH: u32 = 640;
const ROW: u32 = 36;
const BAR: u32 = 26;
const LEFT: u32 = 60;
const SCALE: u32 = 4;

/// 3×5 digits, one row of three bits per line, top first.
const DIGITS: [[u8; 5]; 10] = [
    [0b111, 0b101, 0b101, 0b101, 0b111],
    [0b010, 0b110, 0b010, 0b010, 0b111],
    [0b111, 0b001, 0b111, 0b100, 0b111],
    [0b111, 0b001, 0b111, 0b001, 0b111],
    [0b101, 0b101, 0b111, 0b001, 0b001],
    [0b111, 0b100, 0b111, 0b001, 0b111],
    [0b111, 0b100, 0b111, 0b101, 0b111],
    [0b111, 0b001, 0b010, 0b010, 0b010],
    [0b111, 0b101, 0b111, 0b101, 0b111],
    [0b111, 0b101, 0b111, 0b001, 0b111],
];

fn rgb(hex: &str) -> [u8; 3] {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0xb1)
    };
    [channel(1), channel(3), channel(5)]
}

struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    fn fill(&mut self, x: u32, y: u32, w: u32, h: u32, colour: [u8; 3]) {
        for row in y..(y + h).min(self.height) {
            for col in x..(x + w).min(self.width) {
                let at = usize::try_from((row * self.width + col) * 3).unwrap_or(0);
                self.pixels[at..at + 3].copy_from_slice(&colour);
            }
        }
    }

    fn digit(&mut self, x: u32, y: u32, digit: usize) {
        for (r, bits) in DIGITS[digit % 10].iter().enumerate() {
            for c in 0..3u32 {
                if bits & (0b100 >> c) != 0 {
                    let r = u32::try_from(r).unwrap_or(0);
                    self.fill(
                        x + c * SCALE,
                        y + r * SCALE,
                        SCALE,
                        SCALE,
                        [0x0b, 0x0c, 0x0c],
                    );
                }
            }
        }
    }
}

/// The chart as PNG bytes, with its width and height in pixels.
pub fn chart_png(chart: &Chart) -> Result<(Vec<u8>, u32, u32)> {
    let rows = u32::try_from(chart.bars.len()).unwrap_or(u32::MAX).min(200);
    let height = (ROW * rows + 8).max(16);
    let mut canvas = Canvas {
        width: WIDTH,
        height,
        pixels: vec![0xff; usize::try_from(WIDTH * height * 3).unwrap_or(0)],
    };
    let most = chart
        .bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.count).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let most = u64::try_from(most).unwrap_or(u64::MAX);
    let span = u64::from(WIDTH - LEFT - 10);
    for (i, bar) in chart.bars.iter().take(200).enumerate() {
        let y = 4 + ROW * u32::try_from(i).unwrap_or(0);
        let digits: Vec<usize> = bar
            .label
            .chars()
            .filter_map(|c| c.to_digit(10))
            .filter_map(|d| usize::try_from(d).ok())
            .collect();
        for (k, d) in digits.iter().take(3).enumerate() {
            let k = u32::try_from(k).unwrap_or(0);
            canvas.digit(8 + k * (4 * SCALE), y + (BAR - 5 * SCALE) / 2, *d);
        }
        let mut x = u64::from(LEFT);
        let mut total = 0u64;
        for segment in &bar.segments {
            total += u64::try_from(segment.count).unwrap_or(0);
            let end = u64::from(LEFT) + span * total / most;
            let w = u32::try_from(end - x).unwrap_or(0);
            canvas.fill(
                u32::try_from(x).unwrap_or(0),
                y,
                w,
                BAR,
                rgb(&segment.colour),
            );
            x = end;
        }
    }
    // A baseline so empty bars still show where they start.
    canvas.fill(LEFT - 2, 0, 2, height, [0x0b, 0x0c, 0x0c]);
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, canvas.width, canvas.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| Error::Internal(anyhow::anyhow!("encoding the chart: {e}")))?;
        writer
            .write_image_data(&canvas.pixels)
            .map_err(|e| Error::Internal(anyhow::anyhow!("encoding the chart: {e}")))?;
    }
    Ok((out, canvas.width, canvas.height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::reports::layout::{Bar, Segment};

    #[test]
    fn a_chart_is_a_png_of_one_row_per_bar() {
        let chart = Chart {
            title: "Actions".into(),
            bars: vec![Bar {
                label: "Area 1".into(),
                segments: vec![Segment {
                    label: "B Blue".into(),
                    count: 3,
                    colour: "#1d70b8".into(),
                }],
            }],
        };
        let (png, w, h) = chart_png(&chart).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        assert_eq!((w, h), (WIDTH, ROW + 8));
    }
}
