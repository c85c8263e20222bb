//! How long a highlight report of a 250-action plan takes to write, from the plan to the
//! file's bytes (the read model is built inside the timing, as a download builds it).
//! Targets: DOCX under 100 ms, PDF under 300 ms. Run with `cargo bench --bench reports`.

use divan::Bencher;
use time::macros::date;
use wsoa::documents::export_report;
use wsoa::domain::{ReportFormat, ReportKind, ReportOptions, build_report, sample_plan};

fn main() {
    divan::main();
}

fn highlight(bencher: Bencher<'_, '_>, format: ReportFormat) {
    let plan = sample_plan(250);
    let options = ReportOptions::as_at(date!(2021 - 03 - 31));
    bencher.bench(|| {
        let report =
            build_report(&plan, ReportKind::Highlight, options).expect("the report builds");
        export_report(&report, format).expect("the report is written")
    });
}

#[divan::bench(sample_count = 20)]
fn highlight_250_actions_docx(bencher: Bencher<'_, '_>) {
    highlight(bencher, ReportFormat::Docx);
}

#[divan::bench(sample_count = 10)]
fn highlight_250_actions_pdf(bencher: Bencher<'_, '_>) {
    highlight(bencher, ReportFormat::Pdf);
}

#[divan::bench(sample_count = 20)]
fn tracker_250_actions_xlsx(bencher: Bencher<'_, '_>) {
    let plan = sample_plan(250);
    let options = ReportOptions::as_at(date!(2021 - 03 - 31));
    bencher.bench(|| {
        let report = build_report(&plan, ReportKind::Tracker, options).expect("the report builds");
        export_report(&report, ReportFormat::Xlsx).expect("the report is written")
    });
}
