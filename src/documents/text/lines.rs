//! The source as numbered lines of cells: tab-separated rows, as word processors export
//! tables, or Markdown `| pipe |` rows. Any other line is one cell of prose.

use super::clean::clean;

/// One line of the source.
#[derive(Debug)]
pub(super) struct Line<'a> {
    /// 1-based, as editors count.
    pub number: usize,
    /// The cells as written, trimmed. A line without tabs or pipes has exactly one.
    pub cells: Vec<&'a str>,
    /// The same cells cleaned once for every pass: tags removed, whitespace collapsed.
    pub texts: Vec<String>,
    /// A Markdown table rule such as `|---|:---:|`: structure, not content.
    pub rule: bool,
}

impl Line<'_> {
    /// Nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        self.texts.iter().all(String::is_empty)
    }

    /// How many cells hold something.
    pub fn filled(&self) -> usize {
        self.texts.iter().filter(|text| !text.is_empty()).count()
    }

    /// The non-empty cells, cleaned and joined by a space: the line read as prose.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self
            .texts
            .iter()
            .map(String::as_str)
            .filter(|t| !t.is_empty())
            .collect();
        parts.join(" ")
    }

    /// "line 214", for reports.
    pub fn location(&self) -> String {
        format!("line {}", self.number)
    }
}

/// Splits the text into lines and cells.
pub(super) fn split(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .enumerate()
        .map(|(i, raw)| {
            let trimmed = raw.trim();
            let pipe_row = trimmed.len() > 1 && trimmed.starts_with('|');
            if pipe_row {
                let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
                let inner = inner.strip_suffix('|').unwrap_or(inner);
                let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
                let rule = cells.iter().any(|c| !c.is_empty())
                    && cells
                        .iter()
                        .all(|c| c.trim_matches(':').chars().all(|ch| ch == '-') && c.len() <= 200);
                let texts = cells.iter().map(|c| clean(c)).collect();
                Line {
                    number: i + 1,
                    cells,
                    texts,
                    rule,
                }
            } else {
                let cells: Vec<&str> = raw.split('\t').map(str::trim).collect();
                let texts = cells.iter().map(|c| clean(c)).collect();
                Line {
                    number: i + 1,
                    cells,
                    texts,
                    rule: false,
                }
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
        assert_eq!(lines[3].number, 4);
        assert_eq!(lines[0].filled(), 2);
        assert_eq!(lines[0].text(), "a b");
    }
}
