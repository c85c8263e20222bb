//! Cell text as people read it: HTML fragments removed, whitespace collapsed, and lists
//! that lost their bullets split back into items.
//!
//! Word processors export table cells with `<ul>`, `<li>` and `<p>` fragments; some keep
//! `•` glyphs and some lose every marker, leaving the items run together. The splitting
//! here is deliberately conservative: a wrong split invents a success measure, a missed
//! one only makes an item longer.

use std::sync::LazyLock;

use regex::Regex;

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)</?[A-Za-z][^<>]*>").expect("valid regex"));
static BLOCK_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(?:p|ul|ol|li|br|div|tr|td|h[1-6])(?-u:\b)[^<>]*>").expect("valid regex")
});
static LIST_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<(?:ul|ol)(?-u:\b)").expect("valid regex"));
static NUMERIC_ENTITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"&#(x[0-9A-Fa-f]{1,6}|[0-9]{1,7});").expect("valid regex"));

/// Bullet glyphs that survive conversion and mark the start of an item.
const BULLETS: [char; 6] = ['•', '➢', '▪', '◦', '●', '■'];

/// Words after which a capitalised word is more likely a name ("the Local Offer") than
/// the start of a new list item.
const FUNCTION_WORDS: [&str; 44] = [
    "a",
    "about",
    "across",
    "all",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "between",
    "both",
    "by",
    "each",
    "every",
    "for",
    "from",
    "has",
    "have",
    "her",
    "his",
    "in",
    "include",
    "includes",
    "including",
    "into",
    "is",
    "its",
    "new",
    "of",
    "on",
    "or",
    "our",
    "over",
    "per",
    "see",
    "than",
    "the",
    "their",
    "through",
    "to",
    "under",
    "via",
    "with",
];

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: [&str; 16] = [
    "e.g", "eg", "i.e", "ie", "etc", "no", "dr", "mr", "mrs", "ms", "st", "vs", "approx", "cf",
    "p", "pp",
];

/// The text of a cell: tags removed, entities decoded, whitespace collapsed.
pub(crate) fn clean(raw: &str) -> String {
    let without_tags = if raw.contains('<') {
        TAG.replace_all(raw, " ")
    } else {
        raw.into()
    };
    collapse(&decode_entities(&without_tags))
}

/// Text made safe to sit in a cell beside HTML fragments: `&`, `<` and `>` as entities,
/// which [`clean`] turns back into the characters.
pub(crate) fn escape(text: &str) -> String {
    if !text.contains(['&', '<', '>']) {
        return text.to_owned();
    }
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Pieces of text as `<p>` paragraphs of a cell, each escaped.
pub(crate) fn paragraphs_html<'a>(pieces: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for piece in pieces {
        out.push_str("<p>");
        out.push_str(&escape(piece));
        out.push_str("</p>");
    }
    out
}

/// Runs of whitespace as one space, trimmed.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let named = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&ndash;", "–")
        .replace("&rsquo;", "’")
        .replace("&amp;", "&");
    NUMERIC_ENTITY
        .replace_all(&named, |caps: &regex::Captures<'_>| {
            let digits = &caps[1];
            let code = match digits.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => digits.parse().ok(),
            };
            code.and_then(char::from_u32)
                .map_or_else(|| caps[0].to_owned(), String::from)
        })
        .into_owned()
}

/// The paragraphs or list items of a cell, in order, each cleaned. A piece that starts
/// in lower case continues the one before it: page breaks and `<p>` wrappers split
/// sentences as often as they separate items.
pub(super) fn blocks(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in BLOCK_TAG.split(raw) {
        let text = clean(piece);
        if text.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(previous) if starts_lowercase(&text) => {
                previous.push(' ');
                previous.push_str(&text);
            }
            _ => out.push(text),
        }
    }
    out
}

/// A cell's paragraphs when it holds several `<p>` or `<li>` items, without joining
/// lower-case pieces: used to split cells that pack several milestones together.
pub(super) fn paragraphs(raw: &str) -> Vec<String> {
    BLOCK_TAG
        .split(raw)
        .map(clean)
        .filter(|text| !text.is_empty())
        .collect()
}

/// Items of a list-like cell (success measures, impact statements): bullets, paragraphs
/// and sentences each become one item; in a list that lost its markers, a capitalised
/// word straight after a lower-case one also starts an item.
pub(super) fn items(raw: &str) -> Vec<String> {
    let flattened_list = LIST_TAG.is_match(raw) && !raw.to_ascii_lowercase().contains("<li");
    let mut out = Vec::new();
    for block in blocks(raw) {
        if block.contains(BULLETS) {
            out.extend(
                block
                    .split(BULLETS)
                    .map(str::trim)
                    .filter(|item| item.chars().any(char::is_alphanumeric))
                    .map(str::to_owned),
            );
            continue;
        }
        for sentence in sentences(&block) {
            if flattened_list {
                out.extend(capital_split(&sentence));
            } else {
                out.push(sentence);
            }
        }
    }
    out.retain(|item| item.chars().any(char::is_alphanumeric));
    out
}

/// Whether the first letter of the text is lower case.
pub(super) fn starts_lowercase(text: &str) -> bool {
    text.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_lowercase)
}

/// Splits after a full stop, question or exclamation mark that is followed by a space
/// and a capital, unless the word before is an abbreviation or an initial.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let end = i + c.len_utf8();
        let Some(rest) = text.get(end..).and_then(|r| r.strip_prefix(' ')) else {
            continue;
        };
        let Some(next) = rest.chars().next() else {
            continue;
        };
        if !(next.is_uppercase() || matches!(next, '“' | '"' | '‘')) {
            continue;
        }
        let before = text.get(start..i).unwrap_or_default();
        let word = before
            .rsplit(|ch: char| ch.is_whitespace() || ch == '(')
            .next()
            .unwrap_or_default()
            .to_lowercase();
        let initial = word.chars().count() == 1;
        if initial || ABBREVIATIONS.contains(&word.as_str()) {
            continue;
        }
        let sentence = text.get(start..end).unwrap_or_default().trim();
        if !sentence.is_empty() {
            out.push(sentence.to_owned());
        }
        start = end;
    }
    let tail = text.get(start..).unwrap_or_default().trim();
    if !tail.is_empty() {
        out.push(tail.to_owned());
    }
    out
}

/// Splits a flattened list where a new item plainly starts: "…for families Priorities
/// outlined…". Names ("the Local Offer", "Family Voice") are left alone.
fn capital_split(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let starts_item = i > 0
            && is_capitalised(word)
            && words
                .get(i + 1)
                .is_some_and(|next| starts_lowercase_word(next))
            && words.get(i - 1).is_some_and(|prev| may_end_item(prev));
        if starts_item && !current.is_empty() {
            out.push(current.join(" "));
            current.clear();
        }
        current.push(word);
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase()
    )
}

fn starts_lowercase_word(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

/// Whether a word can be the last of an item: a lower-case word that is not a function
/// word, a number, an acronym ("EHCPs"), or a closing bracket.
fn may_end_item(word: &str) -> bool {
    if word.ends_with([',', ':', ';', '(', '-', '–', '/', '&']) {
        return false;
    }
    let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
    if FUNCTION_WORDS.contains(&bare.to_lowercase().as_str()) {
        return false;
    }
    let Some(first) = word.chars().next() else {
        return false;
    };
    // A plural acronym ("EHCPs") ends a phrase; a bare one ("SEND") usually starts a
    // name ("SEND Strategy").
    let uppercase = bare.chars().filter(|c| c.is_uppercase()).count();
    let plural_acronym = uppercase >= 2
        && bare.ends_with('s')
        && bare
            .trim_end_matches('s')
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit());
    first.is_lowercase()
        || first.is_ascii_digit()
        || plural_acronym
        || word.ends_with(')')
        || word.ends_with('%')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_entities_are_removed_and_whitespace_collapsed() {
        let raw = r#"<ul style="list-style-type: none"> Do this &amp; that  </ul> <p>then</p>"#;
        assert_eq!(clean(raw), "Do this & that then");
        assert_eq!(clean("a < b and c>d"), "a < b and c>d");
    }

    #[test]
    fn bullet_glyphs_split_items() {
        let raw = "<ul> • First thing. • Second thing. • Third</ul>";
        assert_eq!(items(raw), ["First thing.", "Second thing.", "Third"]);
    }

    #[test]
    fn sentences_split_but_abbreviations_do_not() {
        let raw =
            "Waiting times fell, e.g. in clinics. Parents report more trust. Dr. Smith agreed.";
        assert_eq!(
            items(raw),
            [
                "Waiting times fell, e.g. in clinics.",
                "Parents report more trust.",
                "Dr. Smith agreed."
            ]
        );
    }

    #[test]
    fn a_flattened_list_splits_where_a_new_item_starts() {
        let raw = "<ul> Underperformance challenged for families Priorities outlined to increase confidence in the Local Offer</ul>";
        assert_eq!(
            items(raw),
            [
                "Underperformance challenged for families",
                "Priorities outlined to increase confidence in the Local Offer"
            ]
        );
    }

    #[test]
    fn a_lower_case_paragraph_continues_the_one_before() {
        let raw = "<p>Decisions about annual</p> <p>reviews are made on time</p> <ul> • Next</ul>";
        assert_eq!(
            blocks(raw),
            ["Decisions about annual reviews are made on time", "• Next"]
        );
        assert_eq!(
            paragraphs("<p>Sept 2019</p> <p>Feb 2020</p>"),
            ["Sept 2019", "Feb 2020"]
        );
    }
}
