//! Characters to words, words to lines.

use super::glyphs::Glyph;

/// A gap wider than this many ems between two characters on a line starts a new word.
const WORD_GAP: f64 = 0.15;
/// A character starting this many ems before the previous one ends starts a new word: a
/// cell's overflow drawn under the next cell's text (kerning overlaps less).
const OVERLAP: f64 = 0.3;
/// Two baselines closer than this many ems are one visual line.
const LINE_TOLERANCE: f64 = 0.35;

/// Characters side by side with no space between them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Word {
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    pub size: f64,
    pub text: String,
}

/// Words on one baseline of one page, left to right.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VisualLine {
    pub page: u32,
    pub y: f64,
    /// The largest font size on the line.
    pub size: f64,
    pub words: Vec<Word>,
}

impl VisualLine {
    pub fn x0(&self) -> f64 {
        self.words.first().map_or(0.0, |w| w.x0)
    }

    pub fn x1(&self) -> f64 {
        self.words.last().map_or(0.0, |w| w.x1)
    }

    pub fn text(&self) -> String {
        join(&self.words)
    }
}

/// Words joined by single spaces.
pub(crate) fn join(words: &[Word]) -> String {
    let parts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    parts.join(" ")
}

/// The glyphs grouped into visual lines in reading order: pages in turn, lines top to
/// bottom, words left to right.
pub(crate) fn lines(mut glyphs: Vec<Glyph>) -> Vec<VisualLine> {
    glyphs.sort_by(|a, b| {
        a.page
            .cmp(&b.page)
            .then(a.y.total_cmp(&b.y))
            .then(a.x.total_cmp(&b.x))
    });
    let mut out: Vec<VisualLine> = Vec::new();
    let mut current: Vec<Glyph> = Vec::new();
    let mut baseline = 0.0;
    let mut size: f64 = 0.0;
    for glyph in glyphs {
        let same = current.first().is_some_and(|first| {
            first.page == glyph.page
                && (glyph.y - baseline).abs() <= LINE_TOLERANCE * size.max(glyph.size)
        });
        if !same && !current.is_empty() {
            out.extend(line(std::mem::take(&mut current)));
        }
        if current.is_empty() {
            baseline = glyph.y;
            size = glyph.size;
        }
        size = size.max(glyph.size);
        current.push(glyph);
    }
    out.extend(line(current));
    out
}

/// One visual line from its glyphs, or `None` when it holds only whitespace.
fn line(mut glyphs: Vec<Glyph>) -> Option<VisualLine> {
    glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let page = glyphs.first()?.page;
    let mut words: Vec<Word> = Vec::new();
    let mut open = false;
    let mut last: Option<&Glyph> = None;
    for glyph in &glyphs {
        if glyph.text.trim().is_empty() {
            open = false;
            continue;
        }
        // The same character drawn twice in the same place (fake bold) is one character.
        if last.is_some_and(|l| {
            l.text == glyph.text && (l.x - glyph.x).abs() < 0.1 * glyph.size.max(l.size)
        }) {
            continue;
        }
        // A character drawn well back over the one before belongs to other text: a cell's
        // overflow clipped under its neighbour's.
        let joined = open
            && words.last().is_some_and(|w| {
                let gap = glyph.x - w.x1;
                let em = glyph.size.max(w.size);
                gap <= WORD_GAP * em && gap >= -OVERLAP * em
            });
        match words.last_mut() {
            Some(word) if joined => {
                word.x1 = word.x1.max(glyph.x + glyph.width);
                word.size = word.size.max(glyph.size);
                word.text.push_str(&glyph.text);
            }
            _ => words.push(Word {
                x0: glyph.x,
                x1: glyph.x + glyph.width,
                y: glyph.y,
                size: glyph.size,
                text: glyph.text.clone(),
            }),
        }
        open = true;
        last = Some(glyph);
    }
    if words.is_empty() {
        return None;
    }
    let n = words.len() as f64;
    let y = words.iter().map(|w| w.y).sum::<f64>() / n;
    let size = words.iter().map(|w| w.size).fold(0.0, f64::max);
    Some(VisualLine {
        page,
        y,
        size,
        words,
    })
}
