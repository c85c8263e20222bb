//! KPI actuals from CSV: one row per KPI and period, checked against the plan's KPIs,
//! every problem reported with its line, and nothing accepted unless everything is.
//!
//! Columns (a header row is required; order is free; names are not case-sensitive):
//! `kpi` (the KPI's key), `period` (`2020-06`, `2020-Q2`, `2019/20` or `2020`, as the
//! KPI is reported), `value` (a number; `%` and thousands commas are allowed), and
//! optionally `entered_by` and `note`.

use std::collections::HashSet;

use time::Date;

use crate::domain::{Actual, Error, KpiId, Number, Period, PlanTree, Result};

/// How many problems are listed before the rest are only counted.
const MAX_PROBLEMS: usize = 20;

/// Reads actuals for the plan's KPIs. On any problem nothing is returned: the error
/// lists each problem on its own line, as "line 3: value: "abc" is not a number".
pub fn read_kpi_actuals(
    bytes: &[u8],
    plan: &PlanTree,
    entered_on: Date,
) -> Result<Vec<(KpiId, Actual)>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| Error::invalid("file", format!("line 1: {e}")))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(kpi_at), Some(period_at), Some(value_at)) =
        (column("kpi"), column("period"), column("value"))
    else {
        return Err(Error::invalid(
            "file",
            "line 1: the header row must name the columns kpi, period and value \
             (entered_by and note are optional)",
        ));
    };
    let (by_at, note_at) = (column("entered_by"), column("note"));
    let mut problems: Vec<String> = Vec::new();
    let mut extra = 0;
    let mut actuals = Vec::new();
    let mut seen: HashSet<(String, Period)> = HashSet::new();
    for record in reader.records() {
        let (line, outcome) = match record {
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                (line, Err(Error::invalid("row", e.to_string())))
            }
            Ok(record) => {
                let line = record.position().map_or(0, csv::Position::line);
                let cell = |at: Option<usize>| {
                    at.and_then(|i| record.get(i))
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                };
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let row = read_row(
                    plan,
                    cell(Some(kpi_at)).unwrap_or_default(),
                    cell(Some(period_at)).unwrap_or_default(),
                    cell(Some(value_at)).unwrap_or_default(),
                )
                .and_then(|(id, key, period, value)| {
                    if !seen.insert((key.clone(), period)) {
                        return Err(Error::invalid(
                            "period",
                            format!("{} is given twice for {key}", period.label()),
                        ));
                    }
                    Ok((id, period, value))
                });
                let actual = row.map(|(id, period, value)| {
                    (
                        id,
                        Actual {
                            period,
                            value,
                            entered_by: cell(by_at).map(str::to_owned),
                            entered_on: Some(entered_on),
                            note: cell(note_at).map(str::to_owned),
                        },
                    )
                });
                (line, actual)
            }
        };
        match outcome {
            Ok(actual) => actuals.push(actual),
            Err(e) if problems.len() < MAX_PROBLEMS => problems.push(format!("line {line}: {e}")),
            Err(_) => extra += 1,
        }
    }
    if extra > 0 {
        problems.push(format!("and {extra} more lines with problems"));
    }
    if !problems.is_empty() {
        return Err(Error::invalid("file", problems.join("\n")));
    }
    if actuals.is_empty() {
        return Err(Error::invalid(
            "file",
            "holds no actuals below its header row",
        ));
    }
    Ok(actuals)
}

fn read_row(
    plan: &PlanTree,
    key: &str,
    period: &str,
    value: &str,
) -> Result<(KpiId, String, Period, Number)> {
    if key.is_empty() {
        return Err(Error::invalid("kpi", "is empty"));
    }
    let kpi = plan.kpis.iter().find(|k| k.key == key).ok_or_else(|| {
        Error::invalid("kpi", format!("the plan has no KPI with the key {key:?}"))
    })?;
    let id = kpi
        .id
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("a stored KPI has no id")))?;
    let period = Period::parse_for(kpi.period_type, period)?;
    if kpi.actuals.iter().any(|a| a.period == period) {
        return Err(Error::invalid(
            "period",
            format!(
                "{key} already has an actual for {}; actuals are never overwritten",
                period.label()
            ),
        ));
    }
    let value = Number::parse(value)?;
    Ok((id, key.to_owned(), period, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Direction, Kpi, PeriodType};
    use time::macros::date;

    fn plan() -> PlanTree {
        let mut plan = PlanTree::new("Here", "Plan");
        let mut kpi = Kpi::new(
            "ehcp",
            "On time",
            "%",
            Direction::HigherIsBetter,
            PeriodType::Month,
        );
        kpi.id = Some(KpiId(7));
        kpi.actuals.push(Actual {
            period: Period::parse("2020-01").unwrap(),
            value: Number::new(1.0).unwrap(),
            entered_by: None,
            entered_on: None,
            note: None,
        });
        plan.kpis.push(kpi);
        plan
    }

    fn read(text: &str) -> Result<Vec<(KpiId, Actual)>> {
        read_kpi_actuals(text.as_bytes(), &plan(), date!(2020 - 07 - 01))
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "a value read from text is exact")]
    fn rows_become_actuals_with_their_note_and_who_entered_them() {
        let rows =
            read("KPI,Period,Value,Entered_by,Note\nehcp,2020-06,\"62.5%\",AB,\"Panel, new\"\n")
                .unwrap();

        assert_eq!(rows.len(), 1);
        let (id, actual) = &rows[0];
        assert_eq!(*id, KpiId(7));
        assert_eq!(actual.period.to_string(), "2020-06");
        assert_eq!(actual.value.get(), 62.5);
        assert_eq!(actual.note.as_deref(), Some("Panel, new"));
        assert_eq!(actual.entered_by.as_deref(), Some("AB"));
        assert_eq!(actual.entered_on, Some(date!(2020 - 07 - 01)));
    }

    #[test]
    fn every_bad_row_is_reported_by_line_and_nothing_is_accepted() {
        let err = read(
            "kpi,period,value\nehcp,2020-02,50\nehcp,2020-03,abc\nehcp,2020-Q2,5\nnope,2020-04,1\nehcp,2020-01,3\nehcp,2020-02,4\n",
        )
        .unwrap_err()
        .to_string();

        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 5, "{err}");
        assert!(
            lines[0].contains("line 3: value: \"abc\" is not a number"),
            "{err}"
        );
        assert!(
            lines[1].contains("line 4: period: \"2020-Q2\" is not a period of this KPI"),
            "{err}"
        );
        assert!(
            lines[2].contains("line 5: kpi: the plan has no KPI"),
            "{err}"
        );
        assert!(
            lines[3].contains("line 6: period: ehcp already has an actual for January 2020"),
            "{err}"
        );
        assert!(
            lines[4].contains("line 7: period: February 2020 is given twice"),
            "{err}"
        );
    }

    #[test]
    fn a_file_without_the_columns_or_rows_is_refused() {
        assert!(
            read("when,what\n2020-01,1\n")
                .unwrap_err()
                .to_string()
                .contains("kpi, period and value")
        );
        assert!(
            read("kpi,period,value\n")
                .unwrap_err()
                .to_string()
                .contains("no actuals")
        );
        let quoted = read("kpi,period,value\n\"ehcp\n,2020-02,1\n")
            .unwrap_err()
            .to_string();
        assert!(quoted.contains("line 2"), "{quoted}");
    }
}
