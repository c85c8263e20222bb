//! The source as numbered lines of cells, whatever the format it came in: tab-separated
//! rows and Markdown `| pipe |` rows of a text export, the rows of a Word table or a
//! spreadsheet, and paragraphs as lines of one cell. Every reader turns its format into
//! these lines and the same passes read them, so a plan reads the same from any format.

use std::sync::Arc;

use super::clean::clean;

/// Where a line came from, to tell the reader of the import report where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A line of a text file (1-based, as editors count).
    Line(usize),
    /// A paragraph of a Word document's body, counted from 1.
    Paragraph(usize),
    /// A row of a Word table: both counted from 1 in document order.
    TableRow { table: usize, row: usize },
    /// A row of a spreadsheet (1-based, as the sheet shows it); cells start at column
    /// `first_column` (0 for A).
    SheetRow {
        sheet: Arc<str>,
        row: usize,
        first_column: usize,
    },
    /// A sheet's name, kept as a heading.
    Sheet(Arc<str>),
    /// A record of a CSV file, starting at this line (1-based).
    Record(usize),
    /// A line of a PDF page, counted from 1 down the page (after running heads are left
    /// out); in `table` (counted from 1) when it is a table row rebuilt from positions.
    Pdf {
        page: usize,
        line: usize,
        table: Option<usize>,
    },
    /// A separator a reader put between two tables: structure, not content.
    Gap,
}

impl Origin {
    /// "line 214", "table 3, row 12", "sheet Tracker, row 12".
    pub fn describe(&self) -> String {
        match self {
            Self::Line(n) | Self::Record(n) => format!("line {n}"),
            Self::Paragraph(n) => format!("paragraph {n}"),
            Self::TableRow { table, row } => format!("table {table}, row {row}"),
            Self::SheetRow { sheet, row, .. } => format!("sheet {sheet}, row {row}"),
            Self::Sheet(sheet) => format!("the name of sheet {sheet}"),
            Self::Pdf { page, line, .. } => format!("page {page}, line {line}"),
            Self::Gap => "between tables".to_owned(),
        }
    }

    /// "line 214, cell 3", "table 3, row 12, cell 4", "Tracker!C12" for the cell at
    /// `index` (0-based) of the line.
    pub fn cell(&self, index: usize) -> String {
        match self {
            Self::SheetRow {
                sheet,
                row,
                first_column,
            } => {
                let name = if sheet.chars().all(char::is_alphanumeric) {
                    sheet.to_string()
                } else {
                    format!("'{sheet}'")
                };
                format!("{name}!{}{row}", column_name(first_column + index))
            }
            Self::Paragraph(_) | Self::Sheet(_) | Self::Gap | Self::Pdf { table: None, .. } => {
                self.describe()
            }
            _ => format!("{}, cell {}", self.describe(), index + 1),
        }
    }
}

/// "A", "Z", "AA": a spreadsheet column's letters from its 0-based index.
pub(crate) fn column_name(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Which grid a line's cells sit in: rows of one grid share their columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GridKey {
    /// Word tables (one table split across pages continues the grid).
    Word,
    /// A sheet of a workbook.
    Sheet(Arc<str>),
    /// A CSV file.
    Csv,
    /// A table of a PDF rebuilt from positions, by its number.
    Pdf(usize),
}

/// One line of the source.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// Where it came from.
    pub origin: Origin,
    /// The cells as written, trimmed, perhaps with HTML fragments (`<p>`, `<ul><li>`)
    /// for paragraphs and lists inside a cell. A line of prose has exactly one.
    pub cells: Vec<String>,
    /// The same cells cleaned once for every pass: tags removed, whitespace collapsed.
    pub texts: Vec<String>,
    /// A Markdown table rule such as `|---|:---:|`: structure, not content.
    pub rule: bool,
    /// Per cell: its text is all bold (Word), a sign of a header row.
    pub bold: Vec<bool>,
    /// Per cell: its text was copied from a merged cell above or to the left (Word's
    /// `w:vMerge` and `w:gridSpan`, Excel's merged ranges), not written in this cell.
    pub carried: Vec<bool>,
}

impl Line {
    /// A line of cells from any reader; the cells are cleaned here, once.
    pub fn new(origin: Origin, cells: Vec<String>) -> Self {
        let texts = cells.iter().map(|c| clean(c)).collect();
        Self {
            origin,
            cells,
            texts,
            rule: false,
            bold: Vec::new(),
            carried: Vec::new(),
        }
    }

    /// Whether cell `index` holds a copy of a merged cell rather than text of its own.
    pub fn is_carried(&self, index: usize) -> bool {
        self.carried.get(index).copied().unwrap_or(false)
    }

    /// Whether every filled cell is bold.
    pub fn all_bold(&self) -> bool {
        let mut any = false;
        for (k, text) in self.texts.iter().enumerate() {
            if text.is_empty() || self.is_carried(k) {
                continue;
            }
            if !self.bold.get(k).copied().unwrap_or(false) {
                return false;
            }
            any = true;
        }
        any
    }

    /// Whether the line comes from a real grid (a Word table, a sheet, a CSV file), where
    /// a cell's position is its column: nothing was lost between cells.
    pub fn grid(&self) -> Option<(GridKey, usize)> {
        match &self.origin {
            Origin::TableRow { .. } => Some((GridKey::Word, 0)),
            Origin::SheetRow {
                sheet,
                first_column,
                ..
            } => Some((GridKey::Sheet(sheet.clone()), *first_column)),
            Origin::Record(_) => Some((GridKey::Csv, 0)),
            Origin::Pdf {
                table: Some(table), ..
            } => Some((GridKey::Pdf(*table), 0)),
            _ => None,
        }
    }

    /// An empty line: a paragraph break or a gap between two tables.
    pub fn blank(origin: Origin) -> Self {
        Self::new(origin, vec![String::new()])
    }

    /// Nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        self.texts.iter().all(String::is_empty)
    }

    /// How many cells hold something of their own (copies of a merged cell left out).
    pub fn filled(&self) -> usize {
        self.texts
            .iter()
            .enumerate()
            .filter(|(k, text)| !text.is_empty() && !self.is_carried(*k))
            .count()
    }

    /// The non-empty cells, cleaned and joined by a space: the line read as prose. A
    /// merged cell's copies are left out, so a title merged across a row reads once.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self
            .texts
            .iter()
            .enumerate()
            .filter(|(k, t)| !t.is_empty() && !self.is_carried(*k))
            .map(|(_, t)| t.as_str())
            .collect();
        parts.join(" ")
    }

    /// "line 214", for reports.
    pub fn location(&self) -> String {
        self.origin.describe()
    }

    /// Whether an empty line here may be a page break that cut a table row in two.
    /// Spreadsheets and CSV files have no pages: an empty row there separates, never cuts.
    pub fn paginated(&self) -> bool {
        !matches!(
            self.origin,
            Origin::SheetRow { .. } | Origin::Sheet(_) | Origin::Record(_)
        )
    }
}

/// Splits text into lines and cells.
pub(crate) fn split(text: &str) -> Vec<Line> {
    text.lines()
        .enumerate()
        .map(|(i, raw)| {
            let trimmed = raw.trim();
            let origin = Origin::Line(i + 1);
            let pipe_row = trimmed.len() > 1 && trimmed.starts_with('|');
            if pipe_row {
                let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
                let inner = inner.strip_suffix('|').unwrap_or(inner);
                let cells: Vec<String> = inner.split('|').map(|c| c.trim().to_owned()).collect();
                let rule = cells.iter().any(|c| !c.is_empty())
                    && cells
                        .iter()
                        .all(|c| c.trim_matches(':').chars().all(|ch| ch == '-') && c.len() <= 200);
                let mut line = Line::new(origin, cells);
                line.rule = rule;
                line
            } else {
                let cells = raw.split('\t').map(|c| c.trim().to_owned()).collect();
                Line::new(origin, cells)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_pipes_both_make_cells() {
        let lines = split("a\tb\t\n| x | y |\n|---|:-:|\nplain text");
        assert_eq!(lines[0].cells, ["a", "b", ""]);
        assert_eq!(lines[1].cells, ["x", "y"]);
        assert!(lines[2].rule);
        assert_eq!(lines[3].cells, ["plain text"]);
        assert_eq!(lines[3].location(), "line 4");
        assert_eq!(lines[0].filled(), 2);
        assert_eq!(lines[0].text(), "a b");
    }

    #[test]
    fn cells_are_located_in_the_words_of_their_format() {
        let sheet = Origin::SheetRow {
            sheet: "Tracker".into(),
            row: 12,
            first_column: 0,
        };
        assert_eq!(sheet.cell(2), "Tracker!C12");
        assert_eq!(sheet.describe(), "sheet Tracker, row 12");
        let spaced = Origin::SheetRow {
            sheet: "Action plan".into(),
            row: 3,
            first_column: 26,
        };
        assert_eq!(spaced.cell(1), "'Action plan'!AB3");
        assert_eq!(
            Origin::TableRow { table: 3, row: 12 }.cell(3),
            "table 3, row 12, cell 4"
        );
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }
}
