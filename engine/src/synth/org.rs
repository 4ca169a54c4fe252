//! Wards and communes, each with its party cells (chi bộ), sized like the ones in
//! the news: a commune of 757 members in 39 cells, a central ward near 20,000.
//! Members are listed ward by ward, cell by cell, as rosters are.

use rand::RngExt;
use rand_pcg::Pcg64Mcg;
use rustc_hash::FxHashSet;

use super::data::{HAMLET_WORDS, PLACE_WORDS};
use super::rng::{rng, Stream};

/// Average members per ward or commune (Hà Tĩnh: 102,235 members in 69 units).
const WARD_MEAN: f64 = 1_500.0;

pub struct Ward {
    pub name: String,
    pub urban: bool,
}

pub struct Unit {
    /// First member (in roster order) of the cell.
    pub start: u64,
    pub ward: u32,
    pub name: String,
}

pub struct Tree {
    pub wards: Vec<Ward>,
    pub units: Vec<Unit>,
}

/// A standard normal draw (Box–Muller), for log-normal ward sizes.
fn normal(r: &mut Pcg64Mcg) -> f64 {
    let u1: f64 = r.random::<f64>().max(1e-12);
    let u2: f64 = r.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn ward_name(r: &mut Pcg64Mcg, urban: bool, used: &mut FxHashSet<String>, n: usize) -> String {
    let kind = if urban { "Phường" } else { "Xã" };
    for _ in 0..20 {
        let a = PLACE_WORDS[r.random_range(0..PLACE_WORDS.len())];
        let b = PLACE_WORDS[r.random_range(0..PLACE_WORDS.len())];
        if a == b {
            continue;
        }
        let name = format!("{kind} {a} {b}");
        if used.insert(name.clone()) {
            return name;
        }
    }
    // Past the combinations, numbered wards (as Hồ Chí Minh City had).
    let name = format!("{kind} {}", n + 1);
    used.insert(name.clone());
    name
}

/// Names of the cells of one ward: residential cells (hamlets or residential
/// groups), then schools, the health station, the police, the militia and offices.
fn unit_names(r: &mut Pcg64Mcg, count: usize, urban: bool, ward: &str) -> Vec<String> {
    let place = ward.split_once(' ').map_or(ward, |(_, rest)| rest);
    let mut institutions: Vec<String> = vec![
        format!("Chi bộ Trường Tiểu học {place}"),
        format!("Chi bộ Trường THCS {place}"),
        format!("Chi bộ Trường Mầm non {place}"),
        "Chi bộ Trạm Y tế".to_string(),
        format!("Chi bộ Công an {}", if urban { "phường" } else { "xã" }),
        "Chi bộ Quân sự".to_string(),
        "Chi bộ Cơ quan Đảng - Đoàn thể".to_string(),
        "Chi bộ Cơ quan Ủy ban nhân dân".to_string(),
    ];
    let n_inst = (count / 6).min(institutions.len());
    let residential = count - n_inst;
    let mut names = Vec::with_capacity(count);
    let mut used = FxHashSet::default();
    for k in 0..residential {
        let name = if urban || r.random_bool(0.5) {
            format!("Chi bộ {} {}", if urban { "Tổ dân phố" } else { "Thôn" }, k + 1)
        } else {
            let w = HAMLET_WORDS[r.random_range(0..HAMLET_WORDS.len())];
            let candidate = format!("Chi bộ Thôn {w}");
            if used.contains(&candidate) {
                format!("Chi bộ Thôn {w} {}", k + 1)
            } else {
                candidate
            }
        };
        used.insert(name.clone());
        names.push(name);
    }
    names.extend(institutions.drain(..n_inst));
    names
}

impl Tree {
    pub fn new(members: u64, seed: u64) -> Self {
        let mut r = rng(seed, Stream::Tree, 0);
        let ward_count = ((members as f64 / WARD_MEAN).round() as usize).max(1);
        // Log-normal sizes (one big central ward, many small communes), scaled to
        // the member count by largest remainder.
        let weights: Vec<f64> = (0..ward_count).map(|_| (0.6 * normal(&mut r)).exp()).collect();
        let total: f64 = weights.iter().sum();
        let quotas: Vec<f64> = weights.iter().map(|w| w / total * members as f64).collect();
        let mut sizes: Vec<u64> = quotas.iter().map(|q| q.floor() as u64).collect();
        let mut left = members - sizes.iter().sum::<u64>();
        let mut i = 0;
        while left > 0 {
            sizes[i % ward_count] += 1;
            left -= 1;
            i += 1;
        }
        let mut wards = Vec::with_capacity(ward_count);
        let mut units = Vec::new();
        let mut used = FxHashSet::default();
        let mut start = 0u64;
        for (w, &size) in sizes.iter().enumerate() {
            let urban = r.random_bool(0.35);
            let name = ward_name(&mut r, urban, &mut used, w);
            // Cell sizes: mostly 8–40 members, a few large cells of retirees.
            let mut cell_sizes = Vec::new();
            let mut left = size;
            while left > 0 {
                let drawn = if r.random_bool(0.08) { r.random_range(40..120) } else { r.random_range(5..35) };
                let mut s = drawn.min(left);
                // A remainder too small to be a cell stays in this one.
                if left - s < 3 {
                    s = left;
                }
                cell_sizes.push(s);
                left -= s;
            }
            let names = unit_names(&mut r, cell_sizes.len(), urban, &name);
            for (s, unit_name) in cell_sizes.iter().zip(names) {
                units.push(Unit { start, ward: w as u32, name: unit_name });
                start += s;
            }
            wards.push(Ward { name, urban });
        }
        debug_assert_eq!(start, members);
        Tree { wards, units }
    }

    pub fn unit_of(&self, member: u64) -> usize {
        self.units.partition_point(|u| u.start <= member) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_member_has_one_cell_and_sizes_are_realistic() {
        let tree = Tree::new(102_235, 7);
        assert_eq!(tree.wards.len(), 68);
        assert_eq!(tree.units[0].start, 0);
        let mut sizes: Vec<u64> = tree.units.windows(2).map(|w| w[1].start - w[0].start).collect();
        sizes.push(102_235 - tree.units.last().unwrap().start);
        assert_eq!(sizes.iter().sum::<u64>(), 102_235);
        assert!(sizes.iter().all(|&s| s >= 3), "{:?}", sizes.iter().min());
        let mean = 102_235.0 / sizes.len() as f64;
        assert!((15.0..35.0).contains(&mean), "{mean}");
        for w in &tree.units.windows(2).collect::<Vec<_>>() {
            if w[0].ward == w[1].ward {
                assert_ne!(w[0].name, w[1].name);
            }
        }
        assert_eq!(tree.unit_of(0), 0);
        assert_eq!(tree.unit_of(102_234), tree.units.len() - 1);
        let small = Tree::new(10, 1);
        assert_eq!(small.wards.len(), 1);
        assert_eq!(small.units.iter().map(|u| u.ward).max(), Some(0));
    }
}
