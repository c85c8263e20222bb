//! The characters of a PDF with where they sit, collected through pdf-extract's output
//! device: the text rendering matrix of each character gives its baseline origin, and the
//! font size scaled by that matrix its size on the page.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

/// Most characters read from one PDF: far above any plan (a 60-page plan has about
/// 200 000), low enough to bound memory on a hostile file.
pub(super) const MAX_GLYPHS: usize = 3_000_000;

/// One character placed on a page, in points, with y growing down the page from its top
/// edge, so that reading order is increasing (page, y, x).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    /// 1-based, as viewers count.
    pub page: u32,
    /// Left edge of the character.
    pub x: f64,
    /// Baseline, from the top of the page.
    pub y: f64,
    /// Its advance: where the next character would start.
    pub width: f64,
    /// The font size on the page (the em square's side).
    pub size: f64,
    /// The character, as the font's `ToUnicode` map decodes it (a ligature may be several).
    pub text: String,
}

/// Collects every visible character; whitespace is kept, as a break between words.
#[derive(Debug, Default)]
pub(super) struct Collector {
    pub glyphs: Vec<Glyph>,
    page: u32,
    /// The page's top edge in PDF space (y grows up there).
    top: f64,
    left: f64,
    /// More characters than [`MAX_GLYPHS`] were drawn; the rest were not kept.
    pub truncated: bool,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page = page_num;
        self.top = media_box.ury;
        self.left = media_box.llx;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        if self.glyphs.len() >= MAX_GLYPHS {
            self.truncated = true;
            return Ok(());
        }
        // The matrix scales the font's em square: its horizontal scale sizes the advance,
        // the square root of its determinant the glyph's height.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = font_size * scale;
        let advance = width * font_size * trm.m11.hypot(trm.m12);
        let (x, y) = (trm.m31 - self.left, self.top - trm.m32);
        if !(x.is_finite() && y.is_finite() && size.is_finite() && advance.is_finite()) {
            return Ok(());
        }
        // Text set sideways (a rotated column label) does not sit on a line of the page.
        if trm.m12.abs() > trm.m11.abs() {
            return Ok(());
        }
        self.glyphs.push(Glyph {
            page: self.page,
            x,
            y,
            width: advance.max(0.0),
            size: size.max(0.1),
            text: char.to_owned(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}
