//! The plan JSON interchange format (`docs/plan-json.md`).

use crate::domain::{Error, PlanTree, Result};

/// Reads and validates a plan JSON document; errors name the line and column.
pub fn read_plan_json(bytes: &[u8]) -> Result<PlanTree> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let plan: PlanTree = serde_json::from_slice(bytes).map_err(|e| {
        Error::invalid(
            "plan JSON",
            format!("line {}, column {}: {e}", e.line(), e.column()),
        )
    })?;
    plan.validate()?;
    Ok(plan)
}

/// Writes a plan as pretty-printed plan JSON.
pub fn write_plan_json(plan: &PlanTree) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(plan).map_err(|e| Error::Internal(e.into()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_is_reported_with_its_line() {
        let err = read_plan_json(b"{\n  \"title\": \"x\",\n  oops\n}").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn a_minimal_plan_reads_with_defaults() {
        let plan = read_plan_json(br#"{"local_area": "Here", "title": "Plan"}"#).unwrap();
        assert_eq!(plan.version, 1);
        assert_eq!(plan.rating_scheme.name, "BRAG");
        assert_eq!(write_plan_json(&plan).unwrap().last(), Some(&b'\n'));
    }
}
