//! The Fellegi–Sunter model: m and u probabilities per field level, u estimated
//! on random pairs, m learned by expectation–maximisation on the candidate pairs
//! (as Splink does), and a term-frequency adjustment so that agreeing on a rare
//! name counts for more than agreeing on "Nguyễn Văn Hùng".

use rustc_hash::FxHashMap;

use super::levels::{Field, Pattern, FIELDS};

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// P(level | same person), per field and level.
    pub m: Vec<Vec<f64>>,
    /// P(level | different people).
    pub u: Vec<Vec<f64>>,
    /// Prior probability that a candidate pair is the same person.
    pub lambda: f64,
    /// EM iterations actually run.
    pub iterations: usize,
}

const FLOOR: f64 = 1e-6;

/// Weight of the prior m, in pairs.
const PRIOR_PSEUDO_PAIRS: f64 = 20.0;

impl Model {
    /// Starting m values: what a person who knows the data would guess. EM moves
    /// them; these only decide where it starts.
    pub fn prior() -> Model {
        let m = vec![
            vec![0.81, 0.06, 0.06, 0.04, 0.015, 0.01, 0.003, 0.002],
            vec![0.88, 0.05, 0.05, 0.02],
            vec![0.98, 0.02],
            vec![0.95, 0.05],
            // Citizen ID: held at this value, not learned (see `train`). A person
            // entered twice keeps the number but for a typing slip; a second number
            // that differs in more than one digit is almost never the same person.
            vec![0.90, 0.098, 0.002],
            // Old identity-card number: kept on file, mistyped now and then.
            vec![0.90, 0.07, 0.03],
            // Party card: a transfer or a second entry copies it; a card typed
            // with a slip lands one level down.
            vec![0.90, 0.08, 0.02],
            // Admission date: copied with the card, retyped now and then.
            vec![0.85, 0.05, 0.05, 0.05],
        ];
        let u = FIELDS.iter().map(|f| vec![1.0 / f.levels().len() as f64; f.levels().len()]).collect();
        Model { m, u, lambda: 1e-3, iterations: 0 }
    }

    /// u from the levels of pairs drawn at random (almost all different people).
    pub fn estimate_u(&mut self, random_patterns: &[Pattern]) {
        for f in FIELDS {
            let i = f.index();
            let mut counts = vec![1.0; f.levels().len()]; // add-one: no level is impossible
            for p in random_patterns {
                if let Some(l) = p[i] {
                    counts[l as usize] += 1.0;
                }
            }
            let total: f64 = counts.iter().sum();
            self.u[i] = counts.iter().map(|c| (c / total).max(FLOOR)).collect();
        }
    }

    /// Learns m for `fields` (and λ) by EM over candidate-pair patterns, u held
    /// fixed. Only `fields` enter the likelihood: a session trained on pairs that
    /// were blocked on a field must leave that field out, or it learns nothing
    /// but the blocking rule (Splink trains the same way).
    pub fn train_m(&mut self, patterns: &FxHashMap<Pattern, u64>, fields: &[Field], max_iterations: usize) {
        self.train_m_with(patterns, fields, fields, max_iterations);
    }

    /// As `train_m`, with fields that only help tell matches apart (`evidence`,
    /// e.g. the full name when pairs were blocked on the given name) beside the
    /// fields whose m is learned (`learn`).
    pub fn train_m_with(
        &mut self,
        patterns: &FxHashMap<Pattern, u64>,
        evidence: &[Field],
        learn: &[Field],
        max_iterations: usize,
    ) {
        let entries: Vec<(&Pattern, f64)> = patterns.iter().map(|(p, c)| (p, *c as f64)).collect();
        let total: f64 = entries.iter().map(|(_, c)| c).sum();
        if total == 0.0 {
            return;
        }
        let mut lambda = self.lambda.max(0.01);
        // The prior counts as a few pseudo-pairs (a Dirichlet prior): with only a
        // handful of training pairs, EM would otherwise call every unseen level
        // impossible.
        let prior = Model::prior();
        for iteration in 0..max_iterations {
            let mut m_counts: Vec<Vec<f64>> =
                prior.m.iter().map(|levels| levels.iter().map(|p| p * PRIOR_PSEUDO_PAIRS).collect()).collect();
            let mut matched = 0.0;
            for (pattern, count) in &entries {
                let p = self.probability_over(pattern, evidence, lambda);
                let w = p * count;
                matched += w;
                for f in learn {
                    if let Some(l) = pattern[f.index()] {
                        m_counts[f.index()][l as usize] += w;
                    }
                }
            }
            let mut change: f64 = 0.0;
            for f in learn {
                let levels = &m_counts[f.index()];
                let sum: f64 = levels.iter().sum::<f64>();
                if sum <= FLOOR {
                    continue; // no evidence for this field: keep what we had
                }
                let new: Vec<f64> = levels.iter().map(|c| (c / sum).max(FLOOR)).collect();
                change = self.m[f.index()].iter().zip(&new).map(|(a, b)| (a - b).abs()).fold(change, f64::max);
                self.m[f.index()] = new;
            }
            let new_lambda = (matched / total).clamp(FLOOR, 1.0 - FLOOR);
            change = change.max((lambda - new_lambda).abs());
            lambda = new_lambda;
            self.iterations += 1;
            if change < 1e-5 && iteration > 0 {
                break;
            }
        }
    }

    /// λ alone, m and u fixed: the share of candidate pairs that are one person.
    pub fn train_lambda(&mut self, patterns: &FxHashMap<Pattern, u64>, max_iterations: usize) {
        let total: f64 = patterns.values().map(|c| *c as f64).sum();
        if total == 0.0 {
            return;
        }
        for _ in 0..max_iterations {
            let matched: f64 =
                patterns.iter().map(|(p, c)| self.probability_over(p, &FIELDS, self.lambda) * *c as f64).sum();
            let new_lambda = (matched / total).clamp(FLOOR, 1.0 - FLOOR);
            let done = (new_lambda - self.lambda).abs() < 1e-7;
            self.lambda = new_lambda;
            if done {
                break;
            }
        }
    }

    /// Bits of evidence a field level contributes; `tf` replaces u for an exact
    /// name agreement by how common that name is.
    pub fn weight(&self, field: Field, level: u8, tf: Option<f64>) -> f64 {
        let i = field.index();
        let m = self.m[i][level as usize];
        let u = match (field, level, tf) {
            (Field::Name, 0, Some(freq)) => freq.max(FLOOR),
            _ => self.u[i][level as usize],
        };
        (m / u).log2()
    }

    pub fn prior_weight(&self) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2()
    }

    fn probability_over(&self, pattern: &Pattern, fields: &[Field], lambda: f64) -> f64 {
        let w: f64 = (lambda / (1.0 - lambda)).log2()
            + fields.iter().filter_map(|f| pattern[f.index()].map(|l| self.weight(*f, l, None))).sum::<f64>();
        probability(w)
    }

    #[cfg(test)]
    fn probability_of(&self, pattern: &Pattern) -> f64 {
        self.probability_over(pattern, &FIELDS, self.lambda)
    }
}

/// Match weight (bits) to probability.
pub fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn em_separates_two_populations() {
        // 1,000 true duplicates agreeing on everything, 100,000 strangers agreeing by chance.
        let same: Pattern = [Some(0), Some(0), Some(0), Some(0), Some(0), None, None, None];
        let strangers: Pattern = [Some(7), Some(3), Some(1), Some(1), Some(2), None, None, None];
        let name_only: Pattern = [Some(0), Some(3), Some(0), Some(1), Some(2), None, None, None];
        let mut counts = FxHashMap::default();
        counts.insert(same, 1_000);
        counts.insert(strangers, 100_000);
        counts.insert(name_only, 5_000);
        let mut model = Model::prior();
        model.estimate_u(&vec![strangers; 1000].into_iter().chain(vec![name_only; 50]).collect::<Vec<_>>());
        model.train_m(&counts, &FIELDS, 50);
        model.train_lambda(&counts, 50);
        assert!(model.probability_of(&same) > 0.99);
        assert!(model.probability_of(&strangers) < 0.01);
        assert!(model.probability_of(&name_only) < 0.5);
        assert!(model.iterations > 1);
    }

    #[test]
    fn rare_names_weigh_more() {
        let model = Model::prior();
        let common = model.weight(Field::Name, 0, Some(0.01));
        let rare = model.weight(Field::Name, 0, Some(0.00001));
        assert!(rare > common + 9.0);
    }
}
