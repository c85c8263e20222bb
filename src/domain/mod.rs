//! The improvement plan as values: what a plan is made of and the rules that need no data.

mod date;
mod error;
mod plan;
mod rating;
mod report;

pub use date::{Due, PartialDate, parse_uk_due, uk_month_name};
pub use error::{Error, Result};
pub use plan::{
    Action, ActionId, Area, GlossaryEntry, Milestone, Objective, PLAN_FORMAT, Person, PlanId,
    PlanKind, PlanStatus, PlanSummary, PlanTree, ProgressUpdate, Resource,
};
pub use rating::{Dimension, Level, RatingScheme};
pub use report::{OwnerName, RatingTag};
