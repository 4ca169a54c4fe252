//! Sheet names Excel accepts, made from any text (a ward's name): at most 31
//! characters, none of `[]:*?/\`, no apostrophe at either end, and no two alike
//! (Excel compares them without case).

use std::collections::HashSet;

/// Excel's longest sheet name, in characters.
pub const MAX_SHEET_NAME_CHARS: usize = 31;
/// What stands for a character a sheet name may not hold.
const REPLACEMENT: char = '-';
/// What a name becomes when nothing of it is left.
const EMPTY: &str = "-";
/// English Excel keeps this name for itself.
const RESERVED: &str = "history";

/// The names given so far in one workbook.
#[derive(Default)]
pub struct SheetNames {
    taken: HashSet<String>,
}

impl SheetNames {
    /// A name for `wanted` followed by `suffix` (" 2" for a list's second
    /// part), cut so the suffix stays whole; when the name is already taken,
    /// " (2)", " (3)", … is put before the end until it is not.
    pub fn name(&mut self, wanted: &str, suffix: &str) -> String {
        let base = clean(wanted);
        let mut candidate = fit(&base, suffix);
        let mut n = 1;
        while self.taken.contains(&fold(&candidate)) || fold(&candidate) == RESERVED {
            n += 1;
            candidate = fit(&base, &format!("{suffix} ({n})"));
        }
        self.taken.insert(fold(&candidate));
        candidate
    }
}

fn fold(name: &str) -> String {
    name.to_lowercase()
}

/// `wanted` with every character a sheet name may not hold replaced, blanks
/// around it and apostrophes at its ends taken off.
fn clean(wanted: &str) -> String {
    let replaced: String = wanted
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() { REPLACEMENT } else { c })
        .collect();
    let trimmed = replaced.trim_matches(|c: char| c.is_whitespace() || c == '\'');
    if trimmed.is_empty() {
        EMPTY.to_string()
    } else {
        trimmed.to_string()
    }
}

/// `base` cut so that `base` and `suffix` together fit, with no apostrophe or
/// blank left at the cut.
fn fit(base: &str, suffix: &str) -> String {
    let room = MAX_SHEET_NAME_CHARS.saturating_sub(suffix.chars().count());
    let cut: String = base.chars().take(room).collect();
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || c == '\'');
    let cut = if cut.is_empty() { EMPTY } else { cut };
    format!("{cut}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(name: &str) -> bool {
        let n = name.chars().count();
        (1..=MAX_SHEET_NAME_CHARS).contains(&n)
            && !name.contains(['[', ']', ':', '*', '?', '/', '\\'])
            && !name.starts_with('\'')
            && !name.ends_with('\'')
    }

    #[test]
    fn forbidden_characters_are_replaced_and_ends_trimmed() {
        let mut names = SheetNames::default();
        assert_eq!(names.name("Phường 1/2 [cũ]: A*B?C\\D", ""), "Phường 1-2 -cũ-- A-B-C-D");
        assert_eq!(names.name("  'Xã Tân Hoà'  ", ""), "Xã Tân Hoà");
        assert_eq!(names.name("", ""), "-");
        assert_eq!(names.name("''", ""), "- (2)");
    }

    #[test]
    fn long_names_are_cut_to_31_characters_keeping_the_suffix() {
        let mut names = SheetNames::default();
        let long = "Phường Nguyễn Thái Bình thuộc thành phố Hồ Chí Minh";
        let first = names.name(long, "");
        assert_eq!(first.chars().count(), MAX_SHEET_NAME_CHARS);
        assert!(long.starts_with(&first));
        let part = names.name(long, " 12");
        assert!(part.ends_with(" 12") && part.chars().count() <= MAX_SHEET_NAME_CHARS, "{part}");
    }

    #[test]
    fn names_are_unique_without_regard_to_case() {
        let mut names = SheetNames::default();
        let long = "x".repeat(40);
        let got = [
            names.name("Phường An", ""),
            names.name("PHƯỜNG AN", ""),
            names.name("phường an", ""),
            names.name(&long, ""),
            names.name(&format!("{long}y"), ""),
            names.name("History", ""),
        ];
        assert_eq!(got[..3], ["Phường An", "PHƯỜNG AN (2)", "phường an (3)"]);
        assert_eq!(got[3], "x".repeat(31));
        assert_eq!(got[4], format!("{} (2)", "x".repeat(27)));
        assert_eq!(got[5], "History (2)");
        let folded: HashSet<String> = got.iter().map(|n| fold(n)).collect();
        assert_eq!(folded.len(), got.len());
        assert!(got.iter().all(|n| valid(n)), "{got:?}");
    }
}
