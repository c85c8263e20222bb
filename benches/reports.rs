//! How long each report of a 250-action plan takes to write, in each format, from the
//! plan to the file's bytes (the read model is built inside the timing, as a download
//! builds it; the database read is not). Targets for the highlight report: DOCX under
//! 100 ms, PDF under 300 ms. Run with `cargo bench --bench reports`.

use divan::Bencher;
use time::macros::date;
use wsoa::documents::export_report;
use wsoa::domain::{ReportFormat, ReportKind, ReportOptions, build_report, sample_plan};

fn main() {
    divan::main();
}

fn write(bencher: Bencher<'_, '_>, kind: ReportKind, format: ReportFormat) {
    let plan = sample_plan(250);
    let options = ReportOptions::as_at(date!(2021 - 03 - 31));
    bencher.bench(|| {
        let report = build_report(&plan, kind, options).expect("the report builds");
        export_report(&report, format).expect("the report is written")
    });
}

#[divan::bench(args = ReportFormat::ALL, sample_count = 10)]
fn highlight_250_actions(bencher: Bencher<'_, '_>, format: ReportFormat) {
    write(bencher, ReportKind::Highlight, format);
}

#[divan::bench(args = ReportFormat::ALL, sample_count = 10)]
fn progress_250_actions(bencher: Bencher<'_, '_>, format: ReportFormat) {
    write(bencher, ReportKind::Progress, format);
}

#[divan::bench(args = ReportFormat::ALL, sample_count = 10)]
fn exceptions_250_actions(bencher: Bencher<'_, '_>, format: ReportFormat) {
    write(bencher, ReportKind::Exceptions, format);
}

#[divan::bench(args = ReportFormat::ALL, sample_count = 10)]
fn public_250_actions(bencher: Bencher<'_, '_>, format: ReportFormat) {
    write(bencher, ReportKind::Public, format);
}

#[divan::bench(args = ReportFormat::ALL, sample_count = 10)]
fn tracker_250_actions(bencher: Bencher<'_, '_>, format: ReportFormat) {
    write(bencher, ReportKind::Tracker, format);
}
