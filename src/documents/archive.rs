//! Zip archives (DOCX, XLSX, ODS) opened with limits, so a damaged or hostile file
//! gives a clear error instead of exhausting memory.
//!
//! A zip bomb declares small sizes or a few entries and inflates to gigabytes. So before
//! any reader sees the archive, every entry is inflated into a counting sink that stops
//! at the limit: the declared sizes are never trusted, and memory stays flat.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::domain::{Error, Result};

/// Most entries an office document is allowed: real ones have tens to a few hundred.
pub const MAX_ENTRIES: usize = 5_000;
/// Most bytes one entry may inflate to.
pub const MAX_ENTRY_BYTES: u64 = 200 * 1024 * 1024;
/// Most bytes all entries together may inflate to.
pub const MAX_TOTAL_BYTES: u64 = 400 * 1024 * 1024;

/// A zip archive in memory that passed the limits.
pub struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    what: &'static str,
    inflated: u64,
}

impl<'a> Archive<'a> {
    /// Opens the archive and inflates every entry once (into nothing) to check the sizes.
    /// `what` names the format in errors: "Word document".
    pub fn open(bytes: &'a [u8], what: &'static str) -> Result<Self> {
        let damaged = |e: &dyn std::fmt::Display| {
            Error::invalid(
                "file",
                format!("is not a readable {what}: the zip archive is damaged ({e})"),
            )
        };
        let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
        if zip.len() > MAX_ENTRIES {
            return Err(Error::invalid(
                "file",
                format!(
                    "is not a readable {what}: its archive holds {} files, more than the {MAX_ENTRIES} allowed",
                    zip.len()
                ),
            ));
        }
        let mut total: u64 = 0;
        for index in 0..zip.len() {
            let mut entry = zip.by_index(index).map_err(|e| damaged(&e))?;
            let name = entry
                .name()
                .map_or_else(|_| format!("entry {index}"), std::borrow::Cow::into_owned);
            let inflated = std::io::copy(
                &mut (&mut entry).take(MAX_ENTRY_BYTES + 1),
                &mut std::io::sink(),
            )
            .map_err(|e| damaged(&format!("{name}: {e}")))?;
            if inflated > MAX_ENTRY_BYTES {
                return Err(too_big(what, &name));
            }
            total += inflated;
            if total > MAX_TOTAL_BYTES {
                return Err(Error::invalid(
                    "file",
                    format!(
                        "is not a readable {what}: it would unpack to more than {} MB",
                        MAX_TOTAL_BYTES / (1024 * 1024)
                    ),
                ));
            }
        }
        Ok(Self {
            zip,
            what,
            inflated: total,
        })
    }

    /// How many bytes every entry unpacks to, together.
    pub fn inflated(&self) -> u64 {
        self.inflated
    }

    /// Whether the archive has an entry of this name.
    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// An entry's bytes, at most `limit` of them; `None` when there is no such entry.
    pub fn read(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        let what = self.what;
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let entry = self.zip.by_index(index).map_err(|e| {
            Error::invalid(
                "file",
                format!("is not a readable {what}: {name} is damaged ({e})"),
            )
        })?;
        let mut out = Vec::new();
        entry.take(limit + 1).read_to_end(&mut out).map_err(|e| {
            Error::invalid(
                "file",
                format!("is not a readable {what}: {name} is damaged ({e})"),
            )
        })?;
        if out.len() as u64 > limit {
            return Err(too_big(what, name));
        }
        Ok(Some(out))
    }

    /// The archive's bytes, for a reader that opens it again (calamine).
    pub fn into_bytes(self) -> &'a [u8] {
        self.zip.into_inner().into_inner()
    }
}

fn too_big(what: &str, name: &str) -> Error {
    Error::invalid(
        "file",
        format!(
            "is not a readable {what}: {name} would unpack to more than {} MB",
            MAX_ENTRY_BYTES / (1024 * 1024)
        ),
    )
}

/// Whether the bytes start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut out);
        for (name, body) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(body).unwrap();
        }
        writer.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn an_entry_is_read_within_its_limit_and_refused_beyond_it() {
        let bytes = zip_of(&[("a.xml", b"0123456789")]);
        let mut archive = Archive::open(&bytes, "Word document").unwrap();
        assert!(archive.has("a.xml"));
        assert_eq!(archive.read("a.xml", 10).unwrap().unwrap().len(), 10);
        assert!(archive.read("missing.xml", 10).unwrap().is_none());
        let err = archive.read("a.xml", 9).unwrap_err().to_string();
        assert!(err.contains("would unpack to more than"), "{err}");
    }

    #[test]
    fn damaged_archives_are_refused_in_words() {
        let mut bytes = zip_of(&[("a.xml", b"hello hello hello")]);
        let end = bytes.len();
        bytes.truncate(end - 10);
        let err = Archive::open(&bytes, "Word document")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("is not a readable Word document"), "{err}");
    }
}
