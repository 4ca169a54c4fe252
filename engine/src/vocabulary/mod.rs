//! The vocabulary: every value the engine writes for people to read or for other
//! programs to key on, each defined once with its stable code and its titles.
//!
//! One file per concept. Every term has a code (the string files, tables and the
//! gRPC verifier carry; never changed once published), a Vietnamese title and an
//! English title. The bindings export all of it (`doichieu._engine.vocabulary`),
//! and the Python constants, work lists and report labels are built from it, so
//! a title is corrected here and nowhere else.

/// Defines one concept's enum from its table of terms (variant, code, Vietnamese
/// title, English title), in the order the concept ranks them: the enum's `Ord`
/// is that order.
macro_rules! terms {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $code:literal, $vi:literal, $en:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $(#[$variant_meta])* $variant, )* }

        impl $name {
            /// Every term, in order.
            pub const ALL: [$name; [$( $code ),*].len()] = [ $( $name::$variant, )* ];

            /// The stable code.
            pub const fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $code, )* }
            }

            pub const fn title_vi(self) -> &'static str {
                match self { $( $name::$variant => $vi, )* }
            }

            pub const fn title_en(self) -> &'static str {
                match self { $( $name::$variant => $en, )* }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $( $code => Some($name::$variant), )* _ => None }
            }
        }

        impl $crate::vocabulary::Term for $name {
            fn all() -> &'static [$name] {
                &$name::ALL
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn title_vi(self) -> &'static str {
                $name::title_vi(self)
            }
            fn title_en(self) -> &'static str {
                $name::title_en(self)
            }
        }
    };
}

pub mod block_kinds;
pub mod codes;
pub mod duplicate_types;
pub mod fields;
pub mod match_kinds;
pub mod owners;
pub mod roster_checks;
pub mod severities;
pub mod statuses;
pub mod verdicts;

pub use block_kinds::{BlockKind, SkippedBlock};
pub use codes::{Code, Message, Phrase};
pub use duplicate_types::DuplicateType;
pub use fields::{Column, Field, POPULATION, POPULATION_COLUMNS, ROSTER, ROSTER_COLUMNS};
pub use match_kinds::MatchKind;
pub use owners::Owner;
pub use roster_checks::{RosterCheck, RosterFields};
pub use severities::Severity;
pub use statuses::Status;
pub use verdicts::Verdict;

/// What every term of the vocabulary has, for code that handles all concepts alike
/// (the bindings' export, the tests).
pub trait Term: Copy + Sized + 'static {
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn title_vi(self) -> &'static str;
    fn title_en(self) -> &'static str;
}

/// A term as plain data: (code, Vietnamese title, English title).
pub type TermRow = (&'static str, &'static str, &'static str);

/// Each concept's name as the bindings export it, and its terms in order.
pub fn concepts() -> Vec<(&'static str, Vec<TermRow>)> {
    fn terms<T: Term>() -> Vec<TermRow> {
        T::all().iter().map(|t| (t.code(), t.title_vi(), t.title_en())).collect()
    }
    vec![
        ("verdicts", terms::<Verdict>()),
        ("severities", terms::<Severity>()),
        ("owners", terms::<Owner>()),
        ("duplicate_types", terms::<DuplicateType>()),
        ("match_kinds", terms::<MatchKind>()),
        ("statuses", terms::<Status>()),
        ("fields", terms::<Field>()),
        ("roster_checks", terms::<RosterCheck>()),
        ("block_kinds", terms::<BlockKind>()),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn check<T: Term + PartialEq + std::fmt::Debug>(from_code: fn(&str) -> Option<T>) {
        let mut codes = HashSet::new();
        for &term in T::all() {
            assert!(codes.insert(term.code()), "{} twice", term.code());
            assert_eq!(from_code(term.code()), Some(term), "{}", term.code());
            assert!(!term.title_vi().trim().is_empty(), "{}: no Vietnamese title", term.code());
            assert!(!term.title_en().trim().is_empty(), "{}: no English title", term.code());
        }
        assert_eq!(from_code(""), None);
        assert_eq!(from_code("no such code"), None);
    }

    #[test]
    fn every_concept_has_unique_codes_titles_and_round_trips() {
        check(Verdict::from_code);
        check(Severity::from_code);
        check(Owner::from_code);
        check(DuplicateType::from_code);
        check(MatchKind::from_code);
        check(Status::from_code);
        check(Field::from_code);
        check(RosterCheck::from_code);
        check(BlockKind::from_code);
    }

    #[test]
    fn the_export_holds_every_term() {
        let exported = concepts();
        let names: HashSet<&str> = exported.iter().map(|(name, _)| *name).collect();
        assert_eq!(names.len(), exported.len());
        let count = |name: &str| exported.iter().find(|(n, _)| *n == name).map(|(_, terms)| terms.len());
        assert_eq!(count("verdicts"), Some(Verdict::ALL.len()));
        assert_eq!(count("match_kinds"), Some(MatchKind::ALL.len()));
        assert_eq!(count("fields"), Some(Field::ALL.len()));
        assert_eq!(count("block_kinds"), Some(BlockKind::ALL.len()));
    }
}
