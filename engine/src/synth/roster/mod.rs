//! The party side: each member's plan, the rows written for them, and the findings
//! a correct cross-check must report on those rows.

mod plan;
mod rows;
mod truth;

pub(crate) use plan::{mistype, plan, DupPlan, IdPlan, Plan};
pub(crate) use rows::{member, member_with, CrossCopy, MemberOutput};
pub(crate) use truth::PairEnd;
