//! Editing a plan's rating key. History is append-only, so a rating once given cannot be
//! rewritten to another code: a level or dimension still used by any current rating,
//! update or cycle snapshot cannot be removed (its label, meaning, colour and "complete"
//! can still change). Removing it is refused with what uses it.

use std::collections::BTreeMap;

use super::{Dimension, Error, Level, RatingScheme, Result};

/// How many ratings use each (dimension key, level code), codes upper-cased.
pub type RatingsInUse = BTreeMap<(String, String), usize>;

/// Counts the ratings in some rating maps (current, historical, frozen).
pub fn ratings_in_use<'a>(
    maps: impl IntoIterator<Item = &'a BTreeMap<String, String>>,
) -> RatingsInUse {
    let mut used = RatingsInUse::new();
    for map in maps {
        for (dimension, code) in map {
            *used
                .entry((dimension.clone(), code.to_ascii_uppercase()))
                .or_default() += 1;
        }
    }
    used
}

fn field<'a>(pairs: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    pairs.get(name).map_or("", |v| v.trim())
}

fn valid_colour(raw: &str) -> bool {
    raw.len() == 7 && raw.starts_with('#') && raw[1..].chars().all(|c| c.is_ascii_hexdigit())
}

fn key_from_label(label: &str) -> String {
    let mut key = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    key.trim_end_matches('_').to_owned()
}

impl RatingScheme {
    /// Reads the editor's form: `name`, then rows `level-N-code|label|meaning|colour|complete`
    /// and `dimension-N-key|label|levels`. A row left blank is skipped, which is how
    /// a level or dimension is removed and how the spare rows add new ones.
    pub fn from_form(pairs: &[(String, String)]) -> Result<Self> {
        let map: BTreeMap<String, String> = pairs.iter().cloned().collect();
        let rows = |prefix: &str| -> Vec<usize> {
            let mut rows: Vec<usize> = map
                .keys()
                .filter_map(|k| k.strip_prefix(prefix)?.split_once('-')?.0.parse().ok())
                .collect();
            rows.sort_unstable();
            rows.dedup();
            rows
        };
        let name = field(&map, "name");
        if name.is_empty() {
            return Err(Error::invalid("name", "Enter a name for the rating key"));
        }
        let mut levels = Vec::new();
        for i in rows("level-") {
            let get = |f: &str| field(&map, &format!("level-{i}-{f}"));
            let (code, label) = (get("code"), get("label"));
            if code.is_empty() && label.is_empty() {
                continue;
            }
            let at = format!("level-{i}-code");
            if code.is_empty() || code.chars().count() > 3 {
                return Err(Error::invalid(
                    at,
                    "Enter a code of 1 to 3 characters, like G",
                ));
            }
            if label.is_empty() {
                return Err(Error::invalid(
                    format!("level-{i}-label"),
                    format!("Enter a label for {code}"),
                ));
            }
            let colour = get("colour");
            if !colour.is_empty() && !valid_colour(colour) {
                return Err(Error::invalid(
                    format!("level-{i}-colour"),
                    "Enter a colour as # and six hex digits, like #00703c",
                ));
            }
            levels.push(Level {
                code: code.to_owned(),
                label: label.to_owned(),
                meaning: get("meaning").to_owned(),
                colour: colour.to_owned(),
                complete: !get("complete").is_empty(),
            });
        }
        let mut dimensions = Vec::new();
        for i in rows("dimension-") {
            let get = |f: &str| field(&map, &format!("dimension-{i}-{f}"));
            let (key, label) = (get("key"), get("label"));
            if key.is_empty() && label.is_empty() {
                continue;
            }
            if label.is_empty() {
                return Err(Error::invalid(
                    format!("dimension-{i}-label"),
                    "Enter what is rated, like Impact",
                ));
            }
            let key = if key.is_empty() {
                key_from_label(label)
            } else {
                key.to_owned()
            };
            dimensions.push(Dimension {
                key,
                label: label.to_owned(),
                levels: get("levels")
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
            });
        }
        let scheme = Self {
            name: name.to_owned(),
            levels,
            dimensions,
        };
        scheme.validate()?;
        Ok(scheme)
    }

    /// Refuses a new key that would leave a rating in use without its level or
    /// dimension.
    pub fn check_keeps(&self, used: &RatingsInUse) -> Result<()> {
        let mut orphans = Vec::new();
        for ((dimension, code), count) in used {
            let ratings = if *count == 1 { "rating" } else { "ratings" };
            match self.dimension(dimension) {
                None => orphans.push(format!(
                    "the dimension {dimension:?} is used by {count} {ratings}"
                )),
                Some(d) => {
                    let allowed = self.level(code).is_some()
                        && (d.levels.is_empty()
                            || d.levels.iter().any(|c| c.eq_ignore_ascii_case(code)));
                    if !allowed {
                        orphans.push(format!(
                            "{code} in {} is used by {count} {ratings}",
                            d.label
                        ));
                    }
                }
            }
        }
        if orphans.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid(
                "rating_scheme",
                format!(
                    "Ratings already given cannot be rewritten, so this key must keep them: {}",
                    orphans.join("; ")
                ),
            ))
        }
    }

    /// The preset with this name's code: `rag`, `brag`, `brag-p`, `time-relative`.
    pub fn preset(code: &str) -> Result<Self> {
        match code {
            "rag" => Ok(Self::rag()),
            "brag" => Ok(Self::brag()),
            "brag-p" => Ok(Self::brag_p()),
            "time-relative" => Ok(Self::time_relative()),
            _ => Err(Error::invalid("preset", "Choose a preset from the list")),
        }
    }

    /// The presets with their codes, for the picker.
    pub fn preset_choices() -> Vec<(&'static str, Self)> {
        ["rag", "brag", "brag-p", "time-relative"]
            .into_iter()
            .filter_map(|code| Self::preset(code).ok().map(|s| (code, s)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_form_reads_levels_and_dimensions_and_skips_blank_rows() {
        let scheme = RatingScheme::from_form(&pairs(&[
            ("name", "Our key"),
            ("level-0-code", "B"),
            ("level-0-label", "Blue"),
            ("level-0-complete", "yes"),
            ("level-0-colour", "#1d70b8"),
            ("level-1-code", "R"),
            ("level-1-label", "Red"),
            ("level-2-code", ""),
            ("level-2-label", ""),
            ("dimension-0-key", ""),
            ("dimension-0-label", "Family impact"),
            ("dimension-0-levels", "B, R"),
            ("dimension-1-label", ""),
        ]))
        .unwrap();
        assert_eq!(scheme.levels.len(), 2);
        assert!(scheme.levels[0].complete && !scheme.levels[1].complete);
        assert_eq!(scheme.dimensions[0].key, "family_impact");
        assert_eq!(scheme.dimensions[0].levels, ["B", "R"]);
    }

    #[test]
    fn bad_rows_name_their_field() {
        let err = RatingScheme::from_form(&pairs(&[
            ("name", "Key"),
            ("level-0-code", "G"),
            ("level-0-label", "Green"),
            ("level-0-colour", "green"),
            ("dimension-0-label", "Progress"),
        ]))
        .unwrap_err();
        assert!(matches!(err, Error::Invalid { ref field, .. } if field == "level-0-colour"));
        let err = RatingScheme::from_form(&pairs(&[("name", " ")])).unwrap_err();
        assert!(matches!(err, Error::Invalid { ref field, .. } if field == "name"));
    }

    #[test]
    fn a_level_in_use_cannot_be_removed_but_can_be_relabelled() {
        let current = BTreeMap::from([("delivery".to_owned(), "a".to_owned())]);
        let used = ratings_in_use([&current, &current]);
        assert_eq!(used[&("delivery".to_owned(), "A".to_owned())], 2);

        let mut relabelled = RatingScheme::brag();
        relabelled.levels[2].label = "Orange".into();
        relabelled.check_keeps(&used).unwrap();

        let err = RatingScheme::brag_p().check_keeps(&used).unwrap_err();
        assert!(
            err.to_string()
                .contains("\"delivery\" is used by 2 ratings"),
            "{err}"
        );

        let mut without_amber = RatingScheme::brag();
        without_amber.levels.remove(2);
        let err = without_amber.check_keeps(&used).unwrap_err();
        assert!(err.to_string().contains("A in Progress"), "{err}");
    }

    #[test]
    fn presets_are_found_by_code() {
        assert_eq!(RatingScheme::preset("brag-p").unwrap().name, "BRAG(P)");
        assert!(RatingScheme::preset("rainbow").is_err());
        assert_eq!(RatingScheme::preset_choices().len(), 4);
    }
}
