//! How long an import takes, reading and mapping only (no storage): each example plan and
//! each committed fixture should take well under 20 ms, a PDF (its tables rebuilt from
//! character positions) under 200 ms. Run with `cargo bench --bench import`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use wsoa::documents::import_named;

const DOCUMENTS: [&str; 13] = [
    "tests/fixtures/seeds/000_d9b72d94429252eb.txt",
    "tests/fixtures/seeds/001_45f3a2df3020185b.txt",
    "tests/fixtures/seeds/002_4f4310fae8233c3b.txt",
    "tests/fixtures/seeds/004_94b8e8addbdbcd67.txt",
    "tests/fixtures/import/plan.docx",
    "tests/fixtures/import/tracker.xlsx",
    "tests/fixtures/import/tracker.xls",
    "tests/fixtures/import/tracker.ods",
    "tests/fixtures/import/tracker.csv",
    "tests/fixtures/import/plan.pdf",
    // Made by LibreOffice from the corpus's Word plan and Excel tracker.
    "tests/fixtures/import/thornbury-moor-wsoa.pdf",
    "tests/fixtures/import/holmford-tracker.pdf",
    "tests/fixtures/import/interleaved.txt",
];

fn imports(c: &mut Criterion) {
    let mut group = c.benchmark_group("import");
    for path in DOCUMENTS {
        let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
        let name = path.rsplit('/').next().unwrap_or(path);
        group.bench_function(name, |b| {
            // 002 is a progress report, not a plan: its refusal is timed too.
            b.iter(|| import_named(name, black_box(&bytes), None).is_ok());
        });
    }
    group.finish();
}

criterion_group!(benches, imports);
criterion_main!(benches);
