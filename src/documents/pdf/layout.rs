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
    /// Cut from the word before it at a column's edge, with no gap between them: a new
    /// cell however close.
    pub edge: bool,
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
    let mut groups: Vec<Vec<Glyph>> = Vec::new();
    let mut current: Vec<Glyph> = Vec::new();
    let mut baseline = 0.0;
    let mut size: f64 = 0.0;
    for glyph in glyphs {
        let same = current.first().is_some_and(|first| {
            first.page == glyph.page
                && (glyph.y - baseline).abs() <= LINE_TOLERANCE * size.max(glyph.size)
        });
        if !same && !current.is_empty() {
            groups.push(std::mem::take(&mut current));
        }
        if current.is_empty() {
            baseline = glyph.y;
            size = glyph.size;
        }
        size = size.max(glyph.size);
        current.push(glyph);
    }
    if !current.is_empty() {
        groups.push(current);
    }
    for group in &mut groups {
        group.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    // Words are first found by their gaps alone; where words start at one x on several
    // lines of a page, a column starts, and a word of another line running into it
    // with no space (a narrow cell's text clipped or touching the next cell's) is cut
    // there.
    let first: Vec<Option<VisualLine>> = groups.iter().map(|g| line(g, &[])).collect();
    let mut out = Vec::with_capacity(groups.len());
    let mut start = 0;
    while start < groups.len() {
        let page = groups[start][0].page;
        let end = groups[start..]
            .iter()
            .position(|g| g[0].page != page)
            .map_or(groups.len(), |n| start + n);
        let edges = column_edges(first[start..end].iter().flatten());
        for (k, group) in groups[start..end].iter().enumerate() {
            let visual = if edges.is_empty() {
                first[start + k].clone()
            } else {
                line(group, &edges)
            };
            out.extend(visual);
        }
        start = end;
    }
    out
}

/// Words starting within this many points of each other start at one x.
const EDGE_TOLERANCE: f64 = 0.5;
/// How many lines must start a word at one x for it to be a column's edge.
const EDGE_LINES: usize = 3;
/// Characters of one word touch within this many ems; a wider gap or overlap at a
/// column's edge is the start of the next cell.
const EDGE_GAP: f64 = 0.05;

/// The x positions at which words start on at least [`EDGE_LINES`] of the lines.
fn column_edges<'a>(lines: impl Iterator<Item = &'a VisualLine>) -> Vec<f64> {
    let mut starts: Vec<f64> = lines.flat_map(|l| l.words.iter().map(|w| w.x0)).collect();
    starts.sort_by(f64::total_cmp);
    let mut edges = Vec::new();
    let mut low = 0;
    for (i, &x) in starts.iter().enumerate() {
        while starts[low] < x - EDGE_TOLERANCE {
            low += 1;
        }
        let high = starts[i..].partition_point(|&s| s <= x + EDGE_TOLERANCE) + i;
        if high - low >= EDGE_LINES && edges.last().is_none_or(|&e| x - e > EDGE_TOLERANCE) {
            edges.push(x);
        }
    }
    edges
}

/// One visual line from its glyphs (sorted by x), or `None` when it holds only
/// whitespace; a word running into one of the page's column `edges` is cut there.
fn line(glyphs: &[Glyph], edges: &[f64]) -> Option<VisualLine> {
    let page = glyphs.first()?.page;
    let mut words: Vec<Word> = Vec::new();
    let mut open = false;
    let mut last: Option<&Glyph> = None;
    // The gap between the last two characters of the current word: letter-spaced text
    // has wide ones throughout, so only a gap unlike it can end a cell.
    let mut spacing: f64 = 0.0;
    for glyph in glyphs {
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
        let mut edge = false;
        let mut gap = 0.0;
        let joined = open
            && words.last().is_some_and(|w| {
                gap = glyph.x - w.x1;
                let em = glyph.size.max(w.size);
                let touching = gap <= WORD_GAP * em && gap >= -OVERLAP * em;
                // Only a cut is an edge: a word after a gap is a new word anyway.
                edge = touching
                    && (gap - spacing).abs() > EDGE_GAP * em
                    && edges.iter().any(|e| (glyph.x - e).abs() <= EDGE_TOLERANCE);
                touching && !edge
            });
        match words.last_mut() {
            Some(word) if joined => {
                spacing = gap;
                word.x1 = word.x1.max(glyph.x + glyph.width);
                word.size = word.size.max(glyph.size);
                word.text.push_str(&glyph.text);
            }
            previous => {
                if edge && let Some(word) = previous {
                    // The cell's text is cut where the next cell starts.
                    word.x1 = word.x1.min(glyph.x);
                }
                spacing = 0.0;
                words.push(Word {
                    x0: glyph.x,
                    x1: glyph.x + glyph.width,
                    y: glyph.y,
                    size: glyph.size,
                    text: glyph.text.clone(),
                    edge,
                });
            }
        }
        open = true;
        last = Some(glyph);
    }
    if words.is_empty() {
        return None;
    }
    #[expect(clippy::cast_precision_loss, reason = "a line has few words")]
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The glyphs of `text` set at (x, y) in a font of `size`, every character half an
    /// em wide and a space a quarter: a space is a whitespace glyph, as PDFs draw them.
    pub(crate) fn set(page: u32, x: f64, y: f64, size: f64, text: &str) -> Vec<Glyph> {
        let mut at = x;
        text.chars()
            .map(|c| {
                let width = size * if c == ' ' { 0.25 } else { 0.5 };
                let glyph = Glyph {
                    page,
                    x: at,
                    y,
                    width,
                    size,
                    text: c.to_string(),
                };
                at += width;
                glyph
            })
            .collect()
    }

    /// How wide [`set`] sets `text`.
    pub(crate) fn width(size: f64, text: &str) -> f64 {
        text.chars()
            .map(|c| size * if c == ' ' { 0.25 } else { 0.5 })
            .sum()
    }

    #[test]
    fn characters_become_words_on_lines_in_reading_order() {
        let mut glyphs = set(1, 100.0, 200.0, 10.0, "second line");
        glyphs.extend(set(1, 100.0, 100.0, 10.0, "first"));
        // The same line, drawn later and a little off the baseline (a superscript).
        glyphs.extend(set(1, 300.0, 101.5, 10.0, "right"));
        // Two words with no space glyph, only a gap.
        glyphs.extend(set(1, 100.0, 150.0, 10.0, "gap"));
        glyphs.extend(set(1, 118.0, 150.0, 10.0, "here"));
        assert!((width(10.0, "a b") - 12.5).abs() < 1e-9);
        glyphs.extend(set(2, 100.0, 50.0, 10.0, "next page"));

        let lines = lines(glyphs);

        let texts: Vec<String> = lines.iter().map(VisualLine::text).collect();
        assert_eq!(
            texts,
            ["first right", "gap here", "second line", "next page"]
        );
        assert_eq!(lines[0].words.len(), 2);
        assert!((lines[1].words[1].x0 - 118.0).abs() < 1e-9);
        assert_eq!(lines[3].page, 2);
    }

    /// Glyphs of `text` from `x`, each character `step` points after the one before.
    fn spaced(x: f64, y: f64, step: f64, text: &str) -> Vec<Glyph> {
        let mut at = x;
        text.chars()
            .map(|c| {
                let glyph = Glyph {
                    page: 1,
                    x: at,
                    y,
                    width: 5.0,
                    size: 10.0,
                    text: c.to_string(),
                };
                at += step;
                glyph
            })
            .collect()
    }

    #[test]
    fn a_word_running_into_a_column_seen_on_three_lines_is_cut_there() {
        let mut glyphs = Vec::new();
        for (k, (left, right)) in [("Status", "BRAG"), ("Complete", "B"), ("On track", "G")]
            .iter()
            .enumerate()
        {
            #[expect(clippy::cast_precision_loss, reason = "three lines")]
            let y = 100.0 + 12.0 * k as f64;
            glyphs.extend(set(1, 50.0, y, 10.0, left));
            glyphs.extend(set(1, 100.0, y, 10.0, right));
        }
        // A narrow cell's text clipped a point short of the next cell: no space between.
        glyphs.extend(set(
            1,
            99.0 - width(10.0, "Some dela"),
            136.0,
            10.0,
            "Some dela",
        ));
        glyphs.extend(set(1, 100.0, 136.0, 10.0, "A"));
        // Letter-spaced text crossing the column keeps its letters together.
        glyphs.extend(spaced(88.0, 148.0, 6.0, "WIDE"));

        let lines = lines(glyphs);

        let words: Vec<Vec<&str>> = lines
            .iter()
            .map(|l| l.words.iter().map(|w| w.text.as_str()).collect())
            .collect();
        assert_eq!(words[3], ["Some", "dela", "A"]);
        assert!(lines[3].words[2].edge);
        assert!(lines[3].words[1].x1 <= 100.0);
        assert!(!lines[1].words[1].edge, "a word after a gap is no cut");
        assert_eq!(words[4], ["WIDE"]);
    }
}
