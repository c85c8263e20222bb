//! An action's history: progress updates with their evidence, due-date changes with the
//! reason and approval, and milestones done. Nothing here is ever rewritten.

use std::collections::BTreeMap;

use time::Date;

use super::{Due, Error, Milestone, PartialDate, PlanTree, ProgressUpdate, RatingTag, Result};

/// A stored progress update's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UpdateId(pub i64);

/// A stored piece of evidence's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EvidenceId(pub i64);

/// A stored milestone's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MilestoneId(pub i64);

/// The largest evidence file accepted.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// Evidence as an owner submits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewEvidence {
    /// A file, kept by the product.
    File {
        /// A safe version of the name it was uploaded with.
        name: String,
        /// The type served back, chosen from the name, never trusted from the upload.
        content_type: &'static str,
        /// The content.
        bytes: Vec<u8>,
    },
    /// A link to where the evidence lives.
    Link(String),
}

/// Keeps letters, digits and a few separators, so the name is safe in a header and on
/// any disk; at most 100 characters.
pub fn safe_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    if cleaned.is_empty() {
        "evidence".into()
    } else {
        cleaned.chars().take(100).collect()
    }
}

/// What an evidence file may be: the documents, spreadsheets, slides, PDFs and images a
/// board reads. Never executables, scripts or web pages, which a published plan would
/// otherwise hand to the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EvidenceKind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Text,
    /// Office Open XML and OpenDocument: zip archives.
    Zipped,
    /// Word 97–2003 and Excel 97–2003: compound files.
    Compound,
}

/// Each allowed extension: its kind and the type it is served with.
const EVIDENCE_TYPES: [(&str, EvidenceKind, &str); 15] = [
    ("pdf", EvidenceKind::Pdf, "application/pdf"),
    ("png", EvidenceKind::Png, "image/png"),
    ("jpg", EvidenceKind::Jpeg, "image/jpeg"),
    ("jpeg", EvidenceKind::Jpeg, "image/jpeg"),
    ("gif", EvidenceKind::Gif, "image/gif"),
    ("txt", EvidenceKind::Text, "text/plain; charset=utf-8"),
    ("csv", EvidenceKind::Text, "text/csv; charset=utf-8"),
    (
        "docx",
        EvidenceKind::Zipped,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        EvidenceKind::Zipped,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "pptx",
        EvidenceKind::Zipped,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        "odt",
        EvidenceKind::Zipped,
        "application/vnd.oasis.opendocument.text",
    ),
    (
        "ods",
        EvidenceKind::Zipped,
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    (
        "odp",
        EvidenceKind::Zipped,
        "application/vnd.oasis.opendocument.presentation",
    ),
    ("doc", EvidenceKind::Compound, "application/msword"),
    ("xls", EvidenceKind::Compound, "application/vnd.ms-excel"),
];

fn evidence_type(name: &str) -> Option<(EvidenceKind, &'static str)> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    EVIDENCE_TYPES
        .iter()
        .find(|(e, _, _)| *e == ext)
        .map(|&(_, kind, content_type)| (kind, content_type))
}

/// Whether the bytes are what the name says: each kind's signature, and text that is
/// text (no NUL bytes, not an executable's header).
fn content_matches(kind: EvidenceKind, bytes: &[u8]) -> bool {
    match kind {
        EvidenceKind::Pdf => bytes.starts_with(b"%PDF-"),
        EvidenceKind::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        EvidenceKind::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        EvidenceKind::Gif => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        EvidenceKind::Zipped => bytes.starts_with(b"PK\x03\x04"),
        EvidenceKind::Compound => {
            bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        }
        EvidenceKind::Text => {
            !bytes.contains(&0)
                && !bytes.starts_with(b"MZ")
                && !bytes.starts_with(b"\x7fELF")
                && !bytes.starts_with(b"#!")
        }
    }
}

/// The type a stored file is served with, from its extension; anything not on the
/// allow-list (files stored before it) is served as bytes. Combined with `nosniff` and
/// `attachment`, nothing uploaded runs in a page.
pub fn evidence_content_type(name: &str) -> &'static str {
    evidence_type(name).map_or("application/octet-stream", |(_, content_type)| content_type)
}

impl NewEvidence {
    /// A file upload: not empty, not over [`MAX_EVIDENCE_BYTES`].
    pub fn file(name: &str, bytes: Vec<u8>) -> Result<Self> {
        if bytes.is_empty() {
            return Err(Error::invalid(
                "evidence_file",
                "The selected file is empty",
            ));
        }
        if bytes.len() > MAX_EVIDENCE_BYTES {
            return Err(Error::invalid(
                "evidence_file",
                "The selected file must be smaller than 10 MB",
            ));
        }
        let name = safe_file_name(name);
        let Some((kind, content_type)) = evidence_type(&name) else {
            return Err(Error::invalid(
                "evidence_file",
                "The selected file must be a PDF, a Word, Excel, PowerPoint or OpenDocument file, a CSV or text file, or a PNG, JPEG or GIF image",
            ));
        };
        if !content_matches(kind, &bytes) {
            let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
            return Err(Error::invalid(
                "evidence_file",
                format!(
                    "The selected file's name ends in .{ext}, but what is inside is not a .{ext} file. Save it again in that format, or choose another file"
                ),
            ));
        }
        Ok(Self::File {
            content_type,
            name,
            bytes,
        })
    }

    /// A link: a full `http` or `https` address.
    pub fn link(raw: &str) -> Result<Self> {
        let link = raw.trim();
        let rest = link
            .strip_prefix("https://")
            .or_else(|| link.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !link.chars().any(char::is_whitespace) => {
                if link.chars().count() > 2000 {
                    return Err(Error::invalid(
                        "evidence_link",
                        "The link must be 2000 characters or fewer",
                    ));
                }
                Ok(Self::Link(link.to_owned()))
            }
            _ => Err(Error::invalid(
                "evidence_link",
                "Enter a link starting with https:// or http://",
            )),
        }
    }
}

/// Stored evidence, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceItem {
    /// Its id, for the download link.
    pub id: EvidenceId,
    /// The update it supports.
    pub update: UpdateId,
    /// The file's name, for a file.
    pub file_name: Option<String>,
    /// Its size in bytes, for a file.
    pub size: Option<i64>,
    /// The address, for a link.
    pub link: Option<String>,
}

impl EvidenceItem {
    /// "412 KB", "3.1 MB".
    pub fn size_text(&self) -> Option<String> {
        let bytes = self.size?;
        Some(if bytes < 1024 {
            format!("{bytes} bytes")
        } else if bytes < 1024 * 1024 {
            format!("{} KB", (bytes + 1023) / 1024)
        } else {
            format!(
                "{}.{} MB",
                bytes / (1024 * 1024),
                (bytes % (1024 * 1024)) * 10 / (1024 * 1024)
            )
        })
    }
}

/// A stored evidence file, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFile {
    /// The safe name.
    pub name: String,
    /// The content type to serve.
    pub content_type: &'static str,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl EvidenceFile {
    /// The `Content-Disposition` header: always a download, never shown inline.
    pub fn disposition(&self) -> String {
        format!("attachment; filename=\"{}\"", safe_file_name(&self.name))
    }
}

/// A new due date with the reason and approval the change needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDueChange {
    /// The new deadline.
    pub due: Due,
    /// It as typed.
    pub due_text: String,
    /// Why it moved.
    pub reason: String,
    /// Who agreed it (for an APP, the `DfE`).
    pub approved_by: String,
}

impl NewDueChange {
    /// Reads the form: a date the UK way ("June 2025", "30/06/2025"), a reason and who
    /// approved it, all required. The first problem is the error; see
    /// [`NewDueChange::problems`] for them all.
    pub fn parse(due: &str, reason: &str, approved_by: &str) -> Result<Self> {
        if let Some((field, message)) = Self::problems(due, reason, approved_by).into_iter().next()
        {
            return Err(Error::invalid(field, message));
        }
        let due_text = due.trim();
        let parsed = super::parse_uk_due(due_text)
            .ok_or_else(|| Error::invalid("due", "Enter the new due date"))?;
        Ok(Self {
            due: parsed,
            due_text: due_text.to_owned(),
            reason: reason.trim().to_owned(),
            approved_by: approved_by.trim().to_owned(),
        })
    }

    /// Every problem with the form at once, field by field in the form's order, so a
    /// person fixes them in one go.
    pub fn problems(due: &str, reason: &str, approved_by: &str) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        let due_text = due.trim();
        if due_text.is_empty() {
            problems.push(("due", "Enter the new due date".to_owned()));
        } else if super::parse_uk_due(due_text).is_none() {
            problems.push((
                "due",
                "Enter the new due date as a month and year, like June 2025, or a date, like 30/06/2025"
                    .to_owned(),
            ));
        }
        if reason.trim().is_empty() {
            problems.push(("reason", "Enter why the due date is changing".to_owned()));
        }
        if approved_by.trim().is_empty() {
            problems.push((
                "approved_by",
                "Enter who approved the new due date".to_owned(),
            ));
        }
        problems
    }
}

/// A due date that moved, with what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueChange {
    /// The day it was changed.
    pub changed_on: Date,
    /// The deadline before.
    pub from: Option<PartialDate>,
    /// The deadline before, as written.
    pub from_text: Option<String>,
    /// The new deadline.
    pub to: PartialDate,
    /// As typed.
    pub to_text: Option<String>,
    /// Why.
    pub reason: String,
    /// Who agreed it.
    pub approved_by: String,
    /// Who recorded it.
    pub author: Option<String>,
}

impl DueChange {
    /// Whether the deadline moved later.
    pub fn slipped(&self) -> bool {
        self.from
            .is_some_and(|from| self.to.last_day() > from.last_day())
    }

    /// The old deadline in words.
    pub fn from_display(&self) -> String {
        self.from
            .map(PartialDate::to_uk)
            .or_else(|| self.from_text.clone())
            .unwrap_or_else(|| "not set".into())
    }
}

/// A milestone with its stored id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMilestone {
    /// Its id.
    pub id: MilestoneId,
    /// The milestone.
    pub milestone: Milestone,
}

/// A progress update with its stored id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUpdate {
    /// Its id.
    pub id: UpdateId,
    /// The update.
    pub update: ProgressUpdate,
    /// Dated inside a reporting cycle that had already closed when it was entered.
    pub late: bool,
}

/// Everything recorded against an action, with ids, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionRecord {
    /// Milestones in plan order.
    pub milestones: Vec<StoredMilestone>,
    /// Updates, oldest first.
    pub updates: Vec<StoredUpdate>,
    /// Evidence of any update.
    pub evidence: Vec<EvidenceItem>,
    /// Due date changes, oldest first.
    pub due_changes: Vec<DueChange>,
}

/// One entry of an action's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryEntry {
    /// A progress update.
    Update {
        /// The day reported.
        date: Date,
        /// Who wrote it.
        author: Option<String>,
        /// What happened.
        narrative: String,
        /// Ratings it set.
        ratings: Vec<RatingTag>,
        /// Its evidence.
        evidence: Vec<EvidenceItem>,
        /// Entered after its reporting cycle had closed.
        late: bool,
    },
    /// A due date moved.
    DueChanged(DueChange),
    /// A milestone was done.
    MilestoneDone {
        /// The day.
        date: Date,
        /// Which.
        text: String,
    },
}

impl HistoryEntry {
    /// The day the entry is filed under.
    pub fn date(&self) -> Date {
        match self {
            Self::Update { date, .. } | Self::MilestoneDone { date, .. } => *date,
            Self::DueChanged(change) => change.changed_on,
        }
    }

    /// The day in the UK style.
    pub fn date_text(&self) -> String {
        PartialDate::Day(self.date()).to_uk()
    }
}

impl ActionRecord {
    /// The history, newest first; on one day, updates come before what they report.
    pub fn timeline(&self, plan: &PlanTree) -> Vec<HistoryEntry> {
        let mut entries: Vec<(Date, u8, usize, HistoryEntry)> = Vec::new();
        for (i, stored) in self.updates.iter().enumerate() {
            let u = &stored.update;
            entries.push((
                u.date,
                2,
                i,
                HistoryEntry::Update {
                    date: u.date,
                    author: u.author.as_ref().map(|key| {
                        plan.person(key)
                            .map_or_else(|| key.clone(), |p| p.name.clone())
                    }),
                    narrative: u.narrative.clone(),
                    ratings: plan.rating_tags(&u.ratings),
                    evidence: self
                        .evidence
                        .iter()
                        .filter(|e| e.update == stored.id)
                        .cloned()
                        .collect(),
                    late: stored.late,
                },
            ));
        }
        for (i, change) in self.due_changes.iter().enumerate() {
            entries.push((
                change.changed_on,
                1,
                i,
                HistoryEntry::DueChanged(change.clone()),
            ));
        }
        for (i, stored) in self.milestones.iter().enumerate() {
            if let Some(done) = stored.milestone.done {
                entries.push((
                    done.last_day(),
                    0,
                    i,
                    HistoryEntry::MilestoneDone {
                        date: done.last_day(),
                        text: stored.milestone.text.clone(),
                    },
                ));
            }
        }
        entries.sort_by_key(|e| std::cmp::Reverse((e.0, e.1, e.2)));
        entries.into_iter().map(|(_, _, _, e)| e).collect()
    }

    /// For each dimension, the day of the last update that rated it.
    pub fn ratings_last_set(&self) -> BTreeMap<String, Date> {
        let mut last = BTreeMap::new();
        for stored in &self.updates {
            for dimension in stored.update.ratings.keys() {
                let entry = last.entry(dimension.clone()).or_insert(stored.update.date);
                if stored.update.date > *entry {
                    *entry = stored.update.date;
                }
            }
        }
        last
    }

    /// The due date the plan first gave, when it has since moved.
    pub fn original_due(&self) -> Option<String> {
        self.due_changes.first().map(DueChange::from_display)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(
            safe_file_name("C:\\docs\\Board minutes.pdf"),
            "Board minutes.pdf"
        );
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("\"a\";b\r\n.txt"), "_a__b__.txt");
        assert_eq!(safe_file_name(".."), "evidence");
    }

    #[test]
    fn uploads_are_served_as_a_type_chosen_from_the_name() {
        let NewEvidence::File { content_type, .. } =
            NewEvidence::file("minutes.PDF", b"%PDF-1.7".to_vec()).unwrap()
        else {
            panic!("a file");
        };
        assert_eq!(content_type, "application/pdf");
        assert_eq!(
            evidence_content_type("page.html"),
            "application/octet-stream"
        );
        assert_eq!(
            evidence_content_type("image.svg"),
            "application/octet-stream"
        );
    }

    #[test]
    fn only_documents_and_images_whose_contents_match_their_names_are_accepted() {
        let zip = b"PK\x03\x04rest".to_vec();
        for (name, bytes) in [
            ("plan.docx", zip.clone()),
            ("figures.XLSX", zip.clone()),
            ("slides.odp", zip.clone()),
            (
                "old.doc",
                vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0],
            ),
            ("photo.jpeg", vec![0xFF, 0xD8, 0xFF, 0xE0]),
            ("chart.png", b"\x89PNG\r\n\x1a\nIHDR".to_vec()),
            ("notes.txt", "Minutes — agreed".as_bytes().to_vec()),
            ("kpis.csv", b"a,b\n1,2\n".to_vec()),
        ] {
            assert!(NewEvidence::file(name, bytes).is_ok(), "{name} is accepted");
        }
        for name in [
            "setup.exe",
            "run.bat",
            "page.html",
            "image.svg",
            "script.js",
            "noextension",
        ] {
            let err = NewEvidence::file(name, b"%PDF-1.4".to_vec()).unwrap_err();
            assert!(err.to_string().contains("must be a PDF"), "{name}: {err}");
        }
        for (name, bytes) in [
            ("renamed.pdf", b"MZ\x90\x00".to_vec()),
            ("renamed.txt", b"MZ\x90\x00".to_vec()),
            ("binary.csv", b"a,b\x00".to_vec()),
            ("fake.docx", b"%PDF-1.4".to_vec()),
            ("fake.png", vec![0xFF, 0xD8, 0xFF]),
        ] {
            let err = NewEvidence::file(name, bytes).unwrap_err();
            assert!(
                err.to_string().contains("what is inside is not"),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn empty_or_oversized_files_are_refused() {
        assert!(NewEvidence::file("a.txt", Vec::new()).is_err());
        let big = vec![0_u8; MAX_EVIDENCE_BYTES + 1];
        let err = NewEvidence::file("a.txt", big).unwrap_err();
        assert!(err.to_string().contains("10 MB"), "{err}");
    }

    #[test]
    fn only_web_links_are_accepted() {
        assert!(NewEvidence::link(" https://example.org/report ").is_ok());
        for bad in [
            "javascript:alert(1)",
            "example.org",
            "https://",
            "http://a b",
        ] {
            assert!(NewEvidence::link(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_due_change_needs_a_date_a_reason_and_an_approver() {
        let change =
            NewDueChange::parse("June 2025", "Recruitment delayed", "DfE adviser").unwrap();
        assert_eq!(change.due.by.to_string(), "2025-06");
        let field = |r: Result<NewDueChange>| match r {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(NewDueChange::parse("", "x", "y")), "due");
        assert_eq!(field(NewDueChange::parse("soon", "x", "y")), "due");
        assert_eq!(field(NewDueChange::parse("June 2025", " ", "y")), "reason");
        assert_eq!(
            field(NewDueChange::parse("June 2025", "x", "")),
            "approved_by"
        );
    }

    #[test]
    fn the_timeline_is_newest_first_and_ratings_are_dated() {
        let plan = PlanTree::new("Here", "Plan");
        let update = |id: i64, on: Date, rated: &[&str]| StoredUpdate {
            id: UpdateId(id),
            late: false,
            update: ProgressUpdate {
                date: on,
                author: None,
                narrative: format!("Update {id}"),
                ratings: rated
                    .iter()
                    .map(|d| ((*d).to_owned(), "G".to_owned()))
                    .collect(),
            },
        };
        let record = ActionRecord {
            milestones: vec![StoredMilestone {
                id: MilestoneId(1),
                milestone: Milestone {
                    text: "Step".into(),
                    done: Some(PartialDate::Day(date!(2025 - 02 - 01))),
                    ..Milestone::default()
                },
            }],
            updates: vec![
                update(1, date!(2025 - 01 - 01), &["delivery"]),
                update(2, date!(2025 - 02 - 01), &["impact"]),
            ],
            evidence: vec![EvidenceItem {
                id: EvidenceId(9),
                update: UpdateId(2),
                file_name: Some("a.pdf".into()),
                size: Some(2048),
                link: None,
            }],
            due_changes: vec![DueChange {
                changed_on: date!(2025 - 01 - 15),
                from: Some(PartialDate::parse_iso("2025-03").unwrap()),
                from_text: Some("March 2025".into()),
                to: PartialDate::parse_iso("2025-06").unwrap(),
                to_text: None,
                reason: "Delay".into(),
                approved_by: "Board".into(),
                author: None,
            }],
        };
        let timeline = record.timeline(&plan);
        let dates: Vec<String> = timeline.iter().map(HistoryEntry::date_text).collect();
        assert_eq!(
            dates,
            [
                "1 February 2025",
                "1 February 2025",
                "15 January 2025",
                "1 January 2025"
            ]
        );
        assert!(
            matches!(&timeline[0], HistoryEntry::Update { evidence, .. } if evidence.len() == 1)
        );
        assert!(matches!(timeline[1], HistoryEntry::MilestoneDone { .. }));
        let last_set = record.ratings_last_set();
        assert_eq!(last_set["delivery"], date!(2025 - 01 - 01));
        assert_eq!(last_set["impact"], date!(2025 - 02 - 01));
        assert_eq!(record.original_due().as_deref(), Some("March 2025"));
        assert!(record.due_changes[0].slipped());
        assert_eq!(record.evidence[0].size_text().as_deref(), Some("2 KB"));
    }
}
