//! Visual lines to the lines of cells the importer reads: tables rebuilt from where their
//! words start, everything else as paragraphs.
//!
//! A table drawn on a page leaves one trace that survives in every PDF: the text of each
//! column starts at the same x on every line, and nothing crosses the gutter between two
//! columns. So, page by page:
//! 1. lines are split into fragments at wide gaps;
//! 2. runs of lines with two or more fragments (and the lines between them that fit) are
//!    blocks; a block's columns are the x positions where fragments of several lines start
//!    and that few fragments cross;
//! 3. a block continued at the top of the next page with the same columns is one table,
//!    whose repeated header row is dropped and whose row cut by the page is joined;
//! 4. the visual lines of a block are grouped into rows: a row starts where a cell that
//!    had ended starts again (cells are filled from the top of their row), where a line
//!    fills every column the row's first line filled, or after a gap wider than the
//!    block's line spacing;
//! 5. lines outside tables are joined into paragraphs, one line of one cell each.
//!
//! Running heads and page numbers (the same text at the same place on most pages) are left
//! out first. Nothing here knows a plan: only how tables are drawn.

use std::collections::BTreeMap;

use super::layout::{VisualLine, Word, join};
use crate::documents::text::{Line, Origin, escape};

/// The width of the bins in which a block's coverage is counted, in points.
const STEP: f64 = 0.5;
/// A gap of this many ems or more between two words may be a gutter between columns.
const COLUMN_GAP: f64 = 0.5;
/// Column starts closer than this many ems are the same column.
const COLUMN_TOLERANCE: f64 = 0.4;
/// A block ends at a gap of more than this many ems below its last line.
const BLOCK_GAP: f64 = 2.6;
/// The narrowest gutter between two columns, in ems: wider than a space.
const GUTTER_WIDTH: f64 = 0.6;
/// The narrowest gutter where the next column's words start in line, in ems.
const NARROW_GUTTER: f64 = 0.12;

/// Words of a line between two wide gaps.
#[derive(Debug, Clone)]
struct Fragment {
    x0: f64,
    x1: f64,
}

fn fragments(line: &VisualLine) -> Vec<Fragment> {
    let mut out: Vec<Fragment> = Vec::new();
    for word in &line.words {
        match out.last_mut() {
            Some(last)
                if !word.edge
                    && word.x0 - last.x1 < COLUMN_GAP * word.size.max(line.size * 0.5) =>
            {
                last.x1 = last.x1.max(word.x1);
            }
            _ => out.push(Fragment {
                x0: word.x0,
                x1: word.x1,
            }),
        }
    }
    out
}

/// Leaves out running heads, footers and page numbers: a line whose text, digits aside,
/// recurs at the same height on at least half the pages (of two or more).
pub(crate) fn without_furniture(lines: Vec<VisualLine>) -> Vec<VisualLine> {
    let pages: Vec<u32> = {
        let mut p: Vec<u32> = lines.iter().map(|l| l.page).collect();
        p.dedup();
        p
    };
    if pages.len() < 2 {
        return lines;
    }
    let key = |l: &VisualLine| -> (String, i64) {
        let text: String = l
            .text()
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        #[expect(clippy::cast_possible_truncation, reason = "page heights are small")]
        let y = (l.y / 3.0).round() as i64;
        (text, y)
    };
    let mut seen: BTreeMap<(String, i64), Vec<u32>> = BTreeMap::new();
    for line in &lines {
        let pages = seen.entry(key(line)).or_default();
        if pages.last() != Some(&line.page) {
            pages.push(line.page);
        }
    }
    lines
        .into_iter()
        .filter(|l| {
            let on = seen.get(&key(l)).map_or(0, Vec::len);
            // A repeated table header is not furniture: it sits among the table's lines,
            // and the table reader drops it itself.
            !(on >= 2 && on * 2 >= pages.len() && fragments(l).len() < 2)
        })
        .collect()
}

/// A run of lines of one table on one page or, after [`merge`], across pages.
#[derive(Debug, Clone)]
struct Block {
    /// Indexes into the lines.
    lines: Vec<usize>,
    gutters: Vec<Gutter>,
    /// The columns' left edges: the block's, then each gutter's right edge.
    columns: Vec<f64>,
}

impl Block {
    fn new(all: &[VisualLine], lines: Vec<usize>) -> Self {
        let members: Vec<&VisualLine> = lines.iter().map(|&i| &all[i]).collect();
        let gutters = gutters(&members);
        let columns = starts(&members, &gutters);
        Self {
            lines,
            gutters,
            columns,
        }
    }
}

/// The median font size of the lines.
fn median_size(lines: &[&VisualLine]) -> f64 {
    let mut sizes: Vec<f64> = lines.iter().map(|l| l.size).collect();
    sizes.sort_by(f64::total_cmp);
    sizes.get(sizes.len() / 2).copied().unwrap_or(10.0)
}

/// A vertical strip of a block that (almost) no word covers: the space between two
/// columns, as (left, right) in points, and the x that divides the columns: the middle of
/// its least covered part.
type Gutter = (f64, f64, f64);

/// The gutters of a block: strips at least [`GUTTER_WIDTH`] ems wide, inside the block's
/// text, that at most one line in eight covers (a title or a heading row spanning the
/// table may). Gutters are found from coverage, not from where words start, so columns
/// of right-aligned or centred text are found as well as left-aligned ones.
fn gutters(lines: &[&VisualLine]) -> Vec<Gutter> {
    let size = median_size(lines);
    let words = lines.iter().flat_map(|l| l.words.iter());
    let left = words.clone().map(|w| w.x0).fold(f64::INFINITY, f64::min);
    let right = words.map(|w| w.x1).fold(f64::NEG_INFINITY, f64::max);
    if !(left.is_finite() && right.is_finite()) || right - left > 20_000.0 {
        return Vec::new();
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "bounded above"
    )]
    let bins = ((right - left) / STEP).ceil() as usize + 1;
    let bin = |x: f64| -> usize {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "x is within the block"
        )]
        let b = ((x - left) / STEP).max(0.0) as usize;
        b.min(bins - 1)
    };
    let mut coverage = vec![0_usize; bins];
    let mut covered = vec![false; bins];
    for line in lines {
        covered.fill(false);
        for word in &line.words {
            // A word's own edges are blurred a little by kerning and rounding.
            for c in &mut covered[bin(word.x0 + 0.3)..=bin((word.x1 - 0.3).max(word.x0 + 0.3))] {
                *c = true;
            }
        }
        for (count, &c) in coverage.iter_mut().zip(&covered) {
            *count += usize::from(c);
        }
    }
    // A heading row spanning the table may cross a gutter, but not one line in twenty;
    // the gutter's least covered part is crossed by fewer still.
    let allowed = lines.len() / 20;
    let allowed_core = lines.len() / 40;
    #[expect(clippy::cast_precision_loss, reason = "small counts")]
    let x = |b: usize| left + b as f64 * STEP;
    // Runs of bins covered at most `limit` times, bounded by text on both sides.
    let runs = |limit: usize| -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start: Option<usize> = None;
        for (b, &count) in coverage.iter().enumerate() {
            if count <= limit {
                start.get_or_insert(b);
            } else if let Some(s) = start.take()
                && s > 0
            {
                out.push((s, b));
            }
        }
        out
    };
    // A narrow strip no word touches, where words of several lines start: the gutter
    // between two columns set close, as a spreadsheet prints them. Not a space inside a
    // phrase repeated on every line ("Moor Council", "Moor CCG"): the words before differ.
    let aligned = |s: usize, b: usize| {
        let before: Vec<&str> = lines
            .iter()
            .filter_map(|l| {
                l.words
                    .iter()
                    .rfind(|w| w.x1 <= x(s) + 1.0)
                    .filter(|w| x(s) - w.x1 <= 1.0)
                    .map(|w| w.text.as_str())
            })
            .collect();
        let starting = lines
            .iter()
            .filter(|l| l.words.iter().any(|w| (w.x0 - x(b)).abs() <= 1.0))
            .count();
        before.windows(2).any(|w| w[0] != w[1]) && lines.len() >= 4 && starting >= 3
    };
    let mut out: Vec<Gutter> = Vec::new();
    for (s, b) in runs(allowed) {
        let least = coverage[s..b].iter().copied().min().unwrap_or(0);
        if least > allowed_core || x(b) - x(s) < GUTTER_WIDTH * size {
            continue;
        }
        // The widest stretch of the least covered part divides the columns.
        let mut best = (s, s);
        let mut k = s;
        while k < b {
            let end = (k..b).find(|&j| coverage[j] != coverage[k]).unwrap_or(b);
            if coverage[k] == least && end - k > best.1 - best.0 {
                best = (k, end);
            }
            k = end;
        }
        out.push((x(s), x(b), f64::midpoint(x(best.0), x(best.1))));
    }
    // Strips no line crosses at all, between text on both sides: the gutter before a
    // column that holds little but its header, or one set close.
    for (s, b) in runs(0) {
        let inside = out.iter().any(|g| g.0 <= x(s) && x(b) <= g.1);
        let wide = x(b) - x(s) >= GUTTER_WIDTH * size;
        let narrow = x(b) - x(s) >= NARROW_GUTTER * size && aligned(s, b);
        if !inside && (wide || narrow) {
            out.push((x(s), x(b), f64::midpoint(x(s), x(b))));
        }
    }
    edge_gutters(lines, &mut out);
    out.sort_by(|a, b| a.2.total_cmp(&b.2));
    out
}

/// Where a word was cut from the one before at a column's edge (a narrow cell whose text
/// runs up to the next cell's), the edge is a gutter of no width if no word of the block
/// crosses it.
fn edge_gutters(lines: &[&VisualLine], out: &mut Vec<Gutter>) {
    for line in lines {
        for word in line.words.iter().filter(|w| w.edge) {
            let at = word.x0;
            let known = out.iter().any(|g| g.0 - 1.0 <= at && at <= g.1 + 1.0);
            let crossed = lines
                .iter()
                .flat_map(|l| l.words.iter())
                .any(|w| w.x0 < at - 0.5 && w.x1 > at + 0.5);
            if !known && !crossed {
                out.push((at - 0.5, at, at - 0.25));
            }
        }
    }
}

/// The columns' left edges for [`gutters`]: the block's left edge, then each gutter's
/// right edge.
fn starts(lines: &[&VisualLine], gutters: &[Gutter]) -> Vec<f64> {
    let left = lines
        .iter()
        .flat_map(|l| l.words.iter())
        .map(|w| w.x0)
        .fold(f64::INFINITY, f64::min);
    std::iter::once(left)
        .chain(gutters.iter().map(|g| g.2))
        .collect()
}

/// Whether a line's fragments all start at (or within) the block's columns, none
/// crossing a gutter.
fn fits(line: &VisualLine, columns: &[f64], tolerance: f64) -> bool {
    fragments(line).iter().all(|f| {
        let starts_at = columns.iter().any(|c| (f.x0 - c).abs() <= tolerance);
        let crosses = columns
            .iter()
            .any(|c| f.x0 < c - tolerance && f.x1 > c + tolerance);
        starts_at && !crosses
    })
}

/// The blocks of one page's lines, `range` being their indexes.
fn page_blocks(lines: &[VisualLine], range: std::ops::Range<usize>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let close = |current: &mut Vec<usize>, out: &mut Vec<Block>| {
        let multi = current
            .iter()
            .filter(|&&i| fragments(&lines[i]).len() >= 2)
            .count();
        if multi >= 2 {
            let block = Block::new(lines, std::mem::take(current));
            if block.columns.len() >= 2 {
                out.push(block);
            }
        }
        current.clear();
    };
    for i in range {
        let line = &lines[i];
        let multi = fragments(line).len() >= 2;
        if current.is_empty() {
            if multi {
                current.push(i);
            }
            continue;
        }
        let members: Vec<&VisualLine> = current.iter().map(|&j| &lines[j]).collect();
        let size = median_size(&members);
        let previous = members.last().map_or(line.y, |l| l.y);
        let near = line.y - previous <= BLOCK_GAP * size;
        let same_size = (line.size - size).abs() <= 0.2 * size;
        let tolerance = (COLUMN_TOLERANCE * size).max(1.5);
        // Starts seen so far: a new line must start where lines of the block started.
        let mut starts: Vec<f64> = members
            .iter()
            .flat_map(|l| fragments(l).into_iter().map(|f| f.x0))
            .collect();
        starts.sort_by(f64::total_cmp);
        let fitting =
            fits(line, &starts, tolerance) || (multi && columns_agree(line, &starts, tolerance));
        let clearly_a_row = multi
            && fragments(line)
                .iter()
                .filter(|f| starts.iter().any(|s| (f.x0 - s).abs() <= tolerance))
                .count()
                >= 3;
        // A line whose later words start nowhere seen yet (a bullet's text, an indent)
        // still belongs if it keeps out of the gutters found so far.
        let within = || {
            let first = fragments(line).first().map_or(f64::NAN, |f| f.x0);
            let block = Block::new(lines, current.clone());
            !block.gutters.is_empty()
                && starts.iter().any(|s| (first - s).abs() <= tolerance)
                && !block.gutters.iter().any(|g| {
                    line.words
                        .iter()
                        .any(|w| w.x0 + 0.3 < g.2 && w.x1 - 0.3 > g.2)
                })
        };
        let fitting = fitting || (near && same_size && within());
        if (near || clearly_a_row) && same_size && fitting {
            current.push(i);
        } else {
            close(&mut current, &mut out);
            if multi {
                current.push(i);
            }
        }
    }
    close(&mut current, &mut out);
    out
}

/// Whether a line of several fragments starts at least two of them at known starts.
fn columns_agree(line: &VisualLine, starts: &[f64], tolerance: f64) -> bool {
    fragments(line)
        .iter()
        .filter(|f| starts.iter().any(|s| (f.x0 - s).abs() <= tolerance))
        .count()
        >= 2
}

/// Whether a word of the line covers the whole of one of the block's gutters.
fn crosses(line: &VisualLine, block: &Block) -> bool {
    block
        .gutters
        .iter()
        .any(|g| line.words.iter().any(|w| w.x0 < g.0 && w.x1 > g.1))
}

/// Joins a block ending a page to the table continued at the top of the next page: the
/// lines there, up to and through the next block, that keep out of its gutters.
fn merge(lines: &[VisualLine], blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for block in blocks {
        if let Some(last) = out.last_mut() {
            let end = last.lines.last().copied().unwrap_or(0);
            let start = block.lines.first().copied().unwrap_or(0);
            let page_ends = lines.get(end + 1).is_none_or(|l| l.page != lines[end].page);
            let next_page = lines[start].page == lines[end].page + 1;
            let members: Vec<&VisualLine> = last.lines.iter().map(|&i| &lines[i]).collect();
            let size = median_size(&members);
            let between_fit = (end + 1..start)
                .all(|i| !crosses(&lines[i], last) && (lines[i].size - size).abs() <= 0.2 * size);
            let theirs: Vec<&VisualLine> = block.lines.iter().map(|&i| &lines[i]).collect();
            let same_size = (median_size(&theirs) - size).abs() <= 0.2 * size;
            let crossing = block
                .lines
                .iter()
                .filter(|&&i| crosses(&lines[i], last))
                .count();
            if page_ends
                && next_page
                && same_size
                && between_fit
                && crossing <= block.lines.len() / 20
            {
                let mut joined = std::mem::take(&mut last.lines);
                joined.extend(end + 1..start);
                joined.extend(block.lines);
                *last = Block::new(lines, joined);
                continue;
            }
        }
        out.push(block);
    }
    out
}

/// The cells of one visual line in a block's columns: each word goes to the column it
/// starts in, but a gutter the line's own words cover (a heading spanning the table, a
/// cell's overflow) divides nothing on that line.
fn cells(line: &VisualLine, block: &Block) -> Vec<Vec<Word>> {
    let mut out: Vec<Vec<Word>> = vec![Vec::new(); block.columns.len()];
    let open: Vec<bool> = block
        .gutters
        .iter()
        .map(|g| {
            !line
                .words
                .iter()
                .any(|w| w.x0 + 0.3 < g.2 && w.x1 - 0.3 > g.2)
        })
        .collect();
    for word in &line.words {
        // The last open gutter left of the word's start decides its column.
        let column = block
            .gutters
            .iter()
            .enumerate()
            .filter(|(k, g)| open[*k] && g.2 <= word.x0)
            .map(|(k, _)| k + 1)
            .next_back()
            .unwrap_or(0);
        if let Some(cell) = out.get_mut(column) {
            cell.push(word.clone());
        }
    }
    out
}

/// A table row being gathered from visual lines.
#[derive(Debug, Default)]
struct Row {
    /// The first visual line's index.
    first: usize,
    /// Per column, its text's lines.
    cells: Vec<Vec<String>>,
    /// Columns filled on the row's first line.
    opening: Vec<bool>,
    /// Columns filled on the row's last line so far.
    last: Vec<bool>,
}

impl Row {
    fn start(first: usize, line: &[Vec<Word>]) -> Self {
        let filled: Vec<bool> = line.iter().map(|c| !c.is_empty()).collect();
        Self {
            first,
            cells: line
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Vec::new()
                    } else {
                        vec![join(c)]
                    }
                })
                .collect(),
            opening: filled.clone(),
            last: filled,
        }
    }

    fn add(&mut self, line: &[Vec<Word>]) {
        for (k, cell) in line.iter().enumerate() {
            if !cell.is_empty()
                && let Some(texts) = self.cells.get_mut(k)
            {
                texts.push(join(cell));
            }
        }
        self.last = line.iter().map(|c| !c.is_empty()).collect();
    }

    /// Whether `line` starts a new row rather than continuing this one.
    fn ends_before(&self, line: &[Vec<Word>], wide_gap: bool) -> bool {
        let filled: Vec<bool> = line.iter().map(|c| !c.is_empty()).collect();
        // A cell that had ended starts again: only a new row does that.
        let restarts = filled.iter().enumerate().any(|(k, &f)| {
            f && !self.last.get(k).copied().unwrap_or(false)
                && self.cells.get(k).is_some_and(|c| !c.is_empty())
        });
        let opened = self.opening.iter().filter(|&&o| o).count();
        let as_full = opened >= 2 && self.opening.iter().zip(&filled).all(|(&o, &f)| !o || f);
        restarts || as_full || wide_gap
    }

    fn texts(&self) -> Vec<String> {
        self.cells.iter().map(|lines| join_wrapped(lines)).collect()
    }
}

/// A cell's visual lines as one text; a word hyphenated at a line's end is joined again.
fn join_wrapped(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines {
        let hyphenated = out.ends_with('-')
            && out.chars().rev().nth(1).is_some_and(char::is_alphabetic)
            && line.chars().next().is_some_and(char::is_lowercase);
        if !out.is_empty() && !hyphenated {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// The usual spacing of a block's lines: the smallest gap that a quarter of them have.
fn line_pitch(lines: &[&VisualLine]) -> Option<f64> {
    let mut gaps: Vec<f64> = lines
        .windows(2)
        .filter(|w| w[0].page == w[1].page)
        .map(|w| w[1].y - w[0].y)
        .filter(|g| *g > 0.0)
        .collect();
    if gaps.len() < 4 {
        return None;
    }
    gaps.sort_by(f64::total_cmp);
    gaps.get(gaps.len() / 4).copied()
}

/// The rows of a block, as (first line index, cell texts), its repeated header rows left
/// out and its rows cut by a page joined.
fn rows(lines: &[VisualLine], block: &Block) -> Vec<(usize, Vec<String>)> {
    let members: Vec<&VisualLine> = block.lines.iter().map(|&i| &lines[i]).collect();
    let size = median_size(&members);
    let pitch = line_pitch(&members);
    // Each line's cells, whether a wider gap than the block's spacing is above it, and
    // whether it opens a page. A page break says nothing about rows: the gap is ignored.
    let mut feed: Vec<(usize, Vec<Vec<Word>>, bool, bool)> = Vec::new();
    let mut previous: Option<&VisualLine> = None;
    for &i in &block.lines {
        let line = &lines[i];
        let new_page = previous.is_some_and(|p| p.page != line.page);
        let wide_gap = !new_page
            && previous.is_some_and(|p| {
                pitch.is_some_and(|pitch| line.y - p.y > pitch * 1.2 + 0.05 * size)
            });
        feed.push((i, cells(line, block), wide_gap, new_page));
        previous = Some(line);
    }
    // The header row's visual lines (the block's first row), to know them again line by
    // line where the table repeats them (at the top of each page): the row a page cut
    // may go on beside them, so they are compared line by line, not as a row.
    let texts = |cells: &[Vec<Word>]| -> Vec<String> { cells.iter().map(|c| join(c)).collect() };
    let mut header_lines: Vec<Vec<String>> = Vec::new();
    if let Some((_, first, _, _)) = feed.first() {
        let mut row = Row::start(0, first);
        header_lines.push(texts(first));
        for (_, cells, wide_gap, new_page) in feed.iter().skip(1) {
            if *new_page || row.ends_before(cells, *wide_gap) {
                break;
            }
            row.add(cells);
            header_lines.push(texts(cells));
        }
    }
    let mut skipped = vec![false; feed.len()];
    for at in 1..feed.len() {
        if !header_lines.is_empty() && !skipped[at] {
            let again = header_lines
                .iter()
                .enumerate()
                .all(|(k, h)| feed.get(at + k).is_some_and(|f| texts(&f.1) == *h));
            if again {
                skipped[at..at + header_lines.len()]
                    .iter_mut()
                    .for_each(|s| *s = true);
            }
        }
    }
    let mut done: Vec<Row> = Vec::new();
    let mut row: Option<Row> = None;
    for ((i, cells, wide_gap, _), skip) in feed.iter().zip(&skipped) {
        if *skip {
            continue;
        }
        match row.as_mut() {
            Some(r) if !r.ends_before(cells, *wide_gap) => r.add(cells),
            _ => {
                done.extend(row.take());
                row = Some(Row::start(*i, cells));
            }
        }
    }
    done.extend(row);
    done.into_iter().map(|r| (r.first, r.texts())).collect()
}

/// Where a line sits, for the import report.
fn origin(lines: &[VisualLine], i: usize, table: Option<usize>) -> Origin {
    let page = lines[i].page;
    let first = lines.iter().position(|l| l.page == page).unwrap_or(i);
    Origin::Pdf {
        page: usize::try_from(page).unwrap_or(usize::MAX),
        line: i - first + 1,
        table,
    }
}

/// What a PDF's lines were rebuilt into.
#[derive(Debug)]
pub(crate) struct Rebuilt {
    pub lines: Vec<Line>,
    /// How many tables were found.
    pub tables: usize,
    /// Their rows, header rows included.
    pub rows: usize,
}

/// The lines of cells of a whole PDF.
pub(crate) fn rebuild(lines: &[VisualLine]) -> Rebuilt {
    let mut blocks = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let page = lines[start].page;
        let end = lines[start..]
            .iter()
            .position(|l| l.page != page)
            .map_or(lines.len(), |n| start + n);
        blocks.extend(page_blocks(lines, start..end));
        start = end;
    }
    let blocks = merge(lines, blocks);
    let mut out = Vec::new();
    let mut in_block = vec![None; lines.len()];
    for (b, block) in blocks.iter().enumerate() {
        for &i in &block.lines {
            in_block[i] = Some(b);
        }
    }
    let mut rows_count = 0;
    let mut i = 0;
    while i < lines.len() {
        if let Some(b) = in_block[i] {
            let block = &blocks[b];
            if !out.is_empty() {
                out.push(Line::blank(Origin::Gap));
            }
            for (first, texts) in rows(lines, block) {
                rows_count += 1;
                let cells = texts.iter().map(|t| escape(t)).collect();
                out.push(Line::new(origin(lines, first, Some(b + 1)), cells));
            }
            out.push(Line::blank(Origin::Gap));
            i = block.lines.last().map_or(i, |&last| last + 1);
            continue;
        }
        // A paragraph: lines of one size, evenly spaced, none starting a list item.
        let mut end = i + 1;
        while end < lines.len()
            && in_block[end].is_none()
            && continues_paragraph(&lines[end - 1], &lines[end])
        {
            end += 1;
        }
        let texts: Vec<String> = (i..end).map(|k| lines[k].text()).collect();
        out.push(Line::new(
            origin(lines, i, None),
            vec![escape(&join_wrapped(&texts))],
        ));
        i = end;
    }
    Rebuilt {
        lines: out,
        tables: blocks.len(),
        rows: rows_count,
    }
}

/// Whether `next` is the next line of `line`'s paragraph.
fn continues_paragraph(line: &VisualLine, next: &VisualLine) -> bool {
    let size = line.size;
    let same_page = line.page == next.page;
    let spacing = next.y - line.y;
    let even = spacing > 0.0 && spacing <= 1.45 * size;
    let same_size = (next.size - size).abs() <= 0.1 * size;
    let aligned = (next.x0() - line.x0()).abs() <= 2.0 * size;
    let first = next.words.first().map_or("", |w| w.text.as_str());
    let item = first.starts_with(['•', '●', '▪', '◦', '-', '–', '*'])
        || (first.len() <= 4
            && first.ends_with(['.', ')'])
            && first
                .trim_end_matches(['.', ')'])
                .chars()
                .all(|c| c.is_ascii_digit()));
    // A short line ends its paragraph: the next line is a new one.
    let full = line.x1() - line.x0() > 0.6 * (next.x1() - next.x0()).max(1.0);
    same_page && even && same_size && aligned && !item && full
}

#[cfg(test)]
mod tests {
    use super::super::glyphs::Glyph;
    use super::super::layout::lines;
    use super::super::layout::tests::{set, width};
    use super::*;

    /// A page of a plan table: a heading, a header row, and rows whose cells wrap onto
    /// several visual lines, at 12 points a line, columns at x = 50, 200 and 350.
    fn table_page(page: u32, rows: &[[&[&str]; 3]], header: bool) -> Vec<Glyph> {
        let mut out = Vec::new();
        let mut y = 60.0;
        if header {
            for (x, label) in [(50.0, "Ref"), (200.0, "Action"), (350.0, "Lead")] {
                out.extend(set(page, x, y, 10.0, label));
            }
            y += 14.0;
        }
        for row in rows {
            let height = row.iter().map(|c| c.len()).max().unwrap_or(1);
            for line in 0..height {
                for (column, cell) in row.iter().enumerate() {
                    if let Some(text) = cell.get(line) {
                        #[expect(clippy::cast_precision_loss, reason = "three columns")]
                        let x = 50.0 + 150.0 * column as f64;
                        out.extend(set(page, x, y, 10.0, text));
                    }
                }
                y += 12.0;
            }
            y += 3.0;
        }
        out
    }

    fn rebuilt(glyphs: Vec<Glyph>) -> Vec<Vec<String>> {
        rebuild(&without_furniture(lines(glyphs)))
            .lines
            .iter()
            .filter(|l| !l.is_blank())
            .map(|l| l.texts.clone())
            .collect()
    }

    #[test]
    fn words_in_columns_become_cells_and_wrapped_lines_join_their_cell() {
        let mut glyphs = set(1, 50.0, 30.0, 14.0, "Priority 1: Leaders");
        glyphs.extend(table_page(
            1,
            &[
                [&["1.1"], &["Map all the", "services"], &["JB"]],
                [
                    &["1.2"],
                    &["Agree a pooled", "budget with", "partners"],
                    &["AO /", "JB"],
                ],
                [&[], &["An unnumbered step"], &["AO"]],
            ],
            true,
        ));

        let rows = rebuilt(glyphs);

        assert_eq!(rows[0], ["Priority 1: Leaders"]);
        assert_eq!(rows[1], ["Ref", "Action", "Lead"]);
        assert_eq!(rows[2], ["1.1", "Map all the services", "JB"]);
        assert_eq!(
            rows[3],
            ["1.2", "Agree a pooled budget with partners", "AO / JB"]
        );
        assert_eq!(rows[4], ["", "An unnumbered step", "AO"]);
        assert_eq!(rows.len(), 5);
    }

    #[test]
    fn a_table_continued_on_the_next_page_drops_its_repeated_header_and_joins_the_cut_row() {
        let mut glyphs = table_page(
            1,
            &[
                [&["1.1"], &["Map all the", "services"], &["JB"]],
                [&["1.2"], &["Agree a pooled"], &["AO"]],
            ],
            true,
        );
        glyphs.extend(table_page(
            2,
            &[
                [&[], &["budget with partners"], &[]],
                [&["1.3"], &["Publish it"], &["JB"]],
            ],
            true,
        ));
        // A page number at the foot of both pages is left out.
        glyphs.extend(set(1, 300.0, 800.0, 8.0, "Page 1"));
        glyphs.extend(set(2, 300.0, 800.0, 8.0, "Page 2"));

        let rows = rebuilt(glyphs);

        assert_eq!(
            rows,
            [
                vec!["Ref", "Action", "Lead"],
                vec!["1.1", "Map all the services", "JB"],
                vec!["1.2", "Agree a pooled budget with partners", "AO"],
                vec!["1.3", "Publish it", "JB"],
            ]
        );
    }

    #[test]
    fn prose_is_joined_into_paragraphs_and_is_no_table() {
        let mut glyphs = Vec::new();
        for (k, text) in [
            "The inspection found that leaders",
            "do not share an understanding.",
            "Short line.",
        ]
        .iter()
        .enumerate()
        {
            #[expect(clippy::cast_precision_loss, reason = "three lines")]
            let y = 100.0 + 12.0 * k as f64;
            glyphs.extend(set(1, 50.0, y, 10.0, text));
        }
        glyphs.extend(set(1, 50.0, 160.0, 10.0, "Another paragraph."));

        let rebuilt = rebuild(&lines(glyphs));

        assert_eq!(rebuilt.tables, 0);
        let texts: Vec<String> = rebuilt.lines.iter().map(Line::text).collect();
        assert_eq!(
            texts,
            [
                "The inspection found that leaders do not share an understanding. Short line.",
                "Another paragraph."
            ]
        );
    }

    #[test]
    fn a_column_of_right_aligned_dates_is_found_by_its_gutter() {
        let mut glyphs = Vec::new();
        for (k, (action, date)) in [
            ("Do the first thing", "1/4/2024"),
            ("Do more", "30/11/2024"),
            ("And more", "5/5/2025"),
            ("Last", "12/12/2025"),
        ]
        .iter()
        .enumerate()
        {
            #[expect(clippy::cast_precision_loss, reason = "four lines")]
            let y = 100.0 + 12.0 * k as f64;
            glyphs.extend(set(1, 50.0, y, 10.0, action));
            // Right-aligned at x = 300.
            glyphs.extend(set(1, 300.0 - width(10.0, date), y, 10.0, date));
        }

        let rows = rebuilt(glyphs);

        assert_eq!(rows[1], ["Do more", "30/11/2024"]);
        assert_eq!(rows[3], ["Last", "12/12/2025"]);
    }

    #[test]
    fn a_narrow_key_table_whose_cells_touch_is_two_columns() {
        let mut glyphs = Vec::new();
        for (k, (left, right)) in [
            ("Status", "BRAG"),
            ("Complete", "B"),
            ("On track", "G"),
            ("Some delay", "A"),
            ("Not started", "P"),
        ]
        .iter()
        .enumerate()
        {
            #[expect(clippy::cast_precision_loss, reason = "five lines")]
            let y = 100.0 + 12.0 * k as f64;
            // Text too long for its cell is clipped: what would show past the next
            // cell's start is not drawn, and what is drawn ends a point short of it.
            glyphs.extend(
                set(1, 51.5, y, 10.0, left)
                    .into_iter()
                    .filter(|g| g.x + g.width <= 99.5),
            );
            glyphs.extend(set(1, 100.0, y, 10.0, right));
        }

        let rows = rebuilt(glyphs);

        assert_eq!(
            rows,
            [
                vec!["Status", "BRAG"],
                vec!["Complete", "B"],
                vec!["On track", "G"],
                vec!["Some delay", "A"],
                vec!["Not starte", "P"],
            ]
        );
    }
}
