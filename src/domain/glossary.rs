//! The glossary: abbreviations found in the plan's own text, their definitions (the
//! plan's, or a standard one to start from), and text split so pages can mark each
//! abbreviation up with its expansion.

use std::collections::{BTreeMap, HashMap};

use super::{Error, GlossaryEntry, PlanTree, Result};

/// Abbreviations every SEND plan uses, with a definition to start from.
pub const KNOWN_TERMS: [(&str, &str); 52] = [
    ("ADHD", "Attention deficit hyperactivity disorder"),
    ("AP", "Alternative provision"),
    ("APP", "Accelerated progress plan"),
    ("AR", "Additional resource required"),
    ("ASD", "Autism spectrum disorder"),
    ("BRAG", "Blue, red, amber, green (a progress rating)"),
    ("CAMHS", "Child and adolescent mental health services"),
    ("CCG", "Clinical commissioning group"),
    ("CDC", "Child development centre"),
    ("CQC", "Care Quality Commission"),
    ("CSC", "Children's social care"),
    ("CYP", "Children and young people"),
    ("DCO", "Designated clinical officer"),
    ("DCS", "Director of children's services"),
    ("DfE", "Department for Education"),
    ("DMO", "Designated medical officer"),
    ("DPH", "Director of public health"),
    ("EHC", "Education, health and care"),
    ("EHCNA", "Education, health and care needs assessment"),
    ("EHCP", "Education, health and care plan"),
    ("EP", "Educational psychologist"),
    ("ER", "Existing resource"),
    ("EY", "Early years"),
    ("FE", "Further education"),
    ("GP", "General practitioner"),
    ("HNA", "Health needs assessment"),
    ("HWBB", "Health and wellbeing board"),
    ("ICB", "Integrated care board"),
    ("ICS", "Integrated care system"),
    ("JSNA", "Joint strategic needs assessment"),
    ("KPI", "Key performance indicator"),
    ("LA", "Local authority"),
    ("LAC", "Looked after children"),
    ("MDT", "Multi-disciplinary team"),
    ("NEET", "Not in education, employment or training"),
    ("NHS", "National Health Service"),
    ("NHSE", "NHS England"),
    ("NICE", "National Institute for Health and Care Excellence"),
    ("OT", "Occupational therapy"),
    ("PCF", "Parent carer forum"),
    ("PfA", "Preparing for adulthood"),
    ("RAG", "Red, amber, green (a progress rating)"),
    ("SALT", "Speech and language therapy"),
    ("SEMH", "Social, emotional and mental health"),
    ("SEN", "Special educational needs"),
    ("SEN2", "The annual SEN2 return of EHC plans to the DfE"),
    ("SENCO", "Special educational needs co-ordinator"),
    ("SEND", "Special educational needs and disabilities"),
    ("SENDIASS", "SEND information, advice and support service"),
    ("SEF", "Self-evaluation framework"),
    ("VCS", "Voluntary and community sector"),
    ("WSOA", "Written statement of action"),
];

/// Words written in capitals that are not abbreviations.
const NOT_ABBREVIATIONS: [&str; 24] = [
    "A", "AND", "THE", "OF", "FOR", "TO", "IN", "ON", "WITH", "AREA", "ONE", "TWO", "THREE",
    "FOUR", "FIVE", "ACTION", "PLAN", "NOT", "ALL", "OUR", "WE", "II", "III", "IV",
];

/// A term found in the plan's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundTerm {
    /// "EHCP".
    pub term: String,
    /// How many times the plan's text uses it.
    pub uses: usize,
    /// The plan's own definition.
    pub definition: Option<String>,
    /// A standard definition to start from, when the plan has none.
    pub suggestion: Option<&'static str>,
}

/// A piece of text, with the expansion when it is an abbreviation the glossary defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The text as written.
    pub text: String,
    /// The definition, for `<abbr title>`.
    pub expansion: Option<String>,
}

/// The standard definition of a term, if it is one of the [`KNOWN_TERMS`].
pub fn known_definition(term: &str) -> Option<&'static str> {
    KNOWN_TERMS
        .iter()
        .find(|(t, _)| *t == term)
        .map(|(_, d)| *d)
}

/// Whether a word looks like an abbreviation: two capitals in a row (EHCP, SEN2, NHSE),
/// or a known mixed-case term (`DfE`, `PfA`).
pub fn is_abbreviation(word: &str) -> bool {
    if NOT_ABBREVIATIONS.contains(&word) || word.chars().count() > 12 {
        return false;
    }
    if known_definition(word).is_some() {
        return true;
    }
    let chars: Vec<char> = word.chars().collect();
    chars.first().is_some_and(char::is_ascii_uppercase)
        && chars
            .windows(2)
            .any(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase())
        && chars.iter().all(char::is_ascii_alphanumeric)
}

/// The term a word stands for: itself, or without a plural "s" ("EHCPs" → "EHCP").
fn term_of(word: &str) -> Option<String> {
    if let Some(single) = word.strip_suffix('s')
        && single.len() >= 2
        && is_abbreviation(single)
    {
        return Some(single.to_owned());
    }
    is_abbreviation(word).then(|| word.to_owned())
}

/// Splits text into words (letters and digits) and what lies between.
fn words(text: &str) -> Vec<(bool, &str)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (at, c) in text.char_indices() {
        let word_char = c.is_ascii_alphanumeric();
        if word_char != in_word && at > start {
            pieces.push((in_word, &text[start..at]));
            start = at;
        }
        in_word = word_char;
    }
    if start < text.len() {
        pieces.push((in_word, &text[start..]));
    }
    pieces
}

/// Checks a glossary term: one word of letters and digits.
pub fn check_term(term: &str) -> Result<String> {
    let term = term.trim();
    if term.is_empty()
        || term.chars().count() > 20
        || !term
            .chars()
            .all(|c| c.is_alphanumeric() || "&/'-".contains(c))
    {
        return Err(Error::invalid(
            "term",
            "a term is one word of letters and digits, like EHCP",
        ));
    }
    Ok(term.to_owned())
}

impl PlanTree {
    /// Every text of the plan a reader sees: titles, actions, milestones, updates,
    /// KPIs, voice, meetings and boards.
    fn texts(&self) -> Vec<&str> {
        let mut texts: Vec<&str> = vec![self.title.as_str()];
        for area in &self.areas {
            texts.push(&area.title);
            texts.extend(area.heading.as_deref());
            texts.extend(area.sponsor.as_deref());
            texts.extend(area.delivery_partners.iter().map(String::as_str));
            for objective in &area.objectives {
                texts.push(&objective.text);
                texts.extend(objective.impact_statements.iter().map(String::as_str));
                texts.extend(objective.success_measures.iter().map(String::as_str));
                for action in &objective.actions {
                    texts.push(&action.text);
                    texts.extend(action.success_measures.iter().map(String::as_str));
                    texts.extend(action.notes.iter().map(String::as_str));
                    texts.extend(action.milestones.iter().map(|m| m.text.as_str()));
                    texts.extend(action.updates.iter().map(|u| u.narrative.as_str()));
                }
            }
        }
        for person in &self.people {
            texts.extend(person.role.as_deref());
            texts.extend(person.organisation.as_deref());
        }
        for kpi in &self.kpis {
            texts.push(&kpi.name);
            texts.extend(kpi.source.as_deref());
        }
        texts.extend(self.voice.iter().map(|q| q.text.as_str()));
        for entry in &self.you_said_we_did {
            texts.push(&entry.you_said);
            texts.push(&entry.we_did);
            texts.extend(entry.reason.as_deref());
        }
        for board in &self.boards {
            texts.push(&board.name);
            texts.extend(board.purpose.as_deref());
            texts.extend(board.chair.as_deref());
        }
        for meeting in &self.meetings {
            texts.push(&meeting.purpose);
            texts.extend(meeting.notes.as_deref());
            texts.extend(meeting.decisions.iter().map(String::as_str));
            texts.extend(meeting.actions_agreed.iter().map(|a| a.text.as_str()));
        }
        texts
    }

    /// The abbreviations the plan uses and those its glossary defines, alphabetically,
    /// each with the plan's definition or a standard one to start from.
    pub fn find_abbreviations(&self) -> Vec<FoundTerm> {
        let mut uses: BTreeMap<String, usize> = BTreeMap::new();
        for text in self.texts() {
            for (is_word, word) in words(text) {
                if is_word && let Some(term) = term_of(word) {
                    *uses.entry(term).or_default() += 1;
                }
            }
        }
        for entry in &self.glossary {
            uses.entry(entry.term.clone()).or_default();
        }
        let defined: HashMap<&str, &str> = self
            .glossary
            .iter()
            .map(|e| (e.term.as_str(), e.definition.as_str()))
            .collect();
        let mut found: Vec<FoundTerm> = uses
            .into_iter()
            .map(|(term, uses)| FoundTerm {
                definition: defined.get(term.as_str()).map(|d| (*d).to_owned()),
                suggestion: known_definition(&term),
                term,
                uses,
            })
            .collect();
        found.sort_by_key(|t| t.term.to_lowercase());
        found
    }

    /// Text split at the abbreviations the plan defines (its glossary first, then the
    /// standard terms), so that pages can show each with its expansion.
    pub fn abbreviate(&self, text: &str) -> Vec<Segment> {
        abbreviate(text, &self.glossary)
    }
}

/// Text split at the abbreviations `glossary` or the standard terms define.
pub fn abbreviate(text: &str, glossary: &[GlossaryEntry]) -> Vec<Segment> {
    let lookup = |word: &str| -> Option<String> {
        let exact = |term: &str| {
            glossary
                .iter()
                .find(|e| e.term == term)
                .map(|e| e.definition.clone())
                .or_else(|| known_definition(term).map(str::to_owned))
        };
        exact(word).or_else(|| exact(&term_of(word)?))
    };
    let mut segments: Vec<Segment> = Vec::new();
    for (is_word, piece) in words(text) {
        let expansion = if is_word && is_abbreviation_or_plural(piece) {
            lookup(piece)
        } else {
            None
        };
        match (segments.last_mut(), &expansion) {
            (Some(last), None) if last.expansion.is_none() => last.text.push_str(piece),
            _ => segments.push(Segment {
                text: piece.to_owned(),
                expansion,
            }),
        }
    }
    segments
}

fn is_abbreviation_or_plural(word: &str) -> bool {
    term_of(word).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_capitals_and_known_terms_are_abbreviations() {
        for yes in ["EHCP", "SEN2", "DfE", "NHSE", "SENDIASS", "PfA"] {
            assert!(is_abbreviation(yes), "{yes}");
        }
        for no in ["Plan", "THE", "A", "e", "Ofsted", "I"] {
            assert!(!is_abbreviation(no), "{no}");
        }
        assert_eq!(term_of("EHCPs").as_deref(), Some("EHCP"));
    }

    #[test]
    fn the_plan_text_is_searched_and_definitions_come_from_the_plan_first() {
        let mut plan = PlanTree::new("Northshire", "Our SEND WSOA");
        plan.glossary.push(GlossaryEntry {
            term: "SEND".into(),
            definition: "Our own words".into(),
        });
        plan.glossary.push(GlossaryEntry {
            term: "ZZQ".into(),
            definition: "Defined but unused".into(),
        });

        let found = plan.find_abbreviations();

        let terms: Vec<&str> = found.iter().map(|f| f.term.as_str()).collect();
        assert_eq!(terms, ["SEND", "WSOA", "ZZQ"]);
        assert_eq!(found[0].definition.as_deref(), Some("Our own words"));
        assert_eq!(found[1].definition, None);
        assert_eq!(found[1].suggestion, Some("Written statement of action"));
        assert_eq!(found[2].uses, 0);
    }

    #[test]
    fn text_is_split_at_defined_abbreviations() {
        let glossary = [GlossaryEntry {
            term: "EHCP".into(),
            definition: "Education, health and care plan".into(),
        }];

        let segments = abbreviate("New EHCPs, and the XYZ review.", &glossary);

        let texts: Vec<&str> = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["New ", "EHCPs", ", and the XYZ review."]);
        assert_eq!(
            segments[1].expansion.as_deref(),
            Some("Education, health and care plan")
        );
        assert!(
            segments[2].expansion.is_none(),
            "an unknown term stays plain"
        );
        assert_eq!(abbreviate("", &glossary), []);
    }
}
