//! Pairs into people: union–find over pairs above the threshold, strongest first.
//! A pair below the strong threshold may join two lone records but never grows a
//! cluster, so one weak link cannot chain two people (and their duplicates) together.

use super::{ClusterMember, Config, DuplicatePair, Person};
use crate::vocabulary::DuplicateType;

struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect(), size: vec![1; n] }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}

pub(crate) fn cluster(people: &[Person<'_>], pairs: &[DuplicatePair], config: &Config) -> Vec<ClusterMember> {
    let mut order: Vec<&DuplicatePair> = pairs.iter().collect();
    order.sort_by(|x, y| y.probability.total_cmp(&x.probability).then((x.a, x.b).cmp(&(y.a, y.b))));
    let mut uf = UnionFind::new(people.len());
    for p in order {
        let strong = p.probability >= config.strong_threshold || p.kind == DuplicateType::DuplicateCitizenId;
        let (ra, rb) = (uf.find(p.a), uf.find(p.b));
        if ra == rb {
            continue;
        }
        if strong || uf.size[ra] + uf.size[rb] <= 2 {
            uf.union(ra, rb);
        }
    }
    // Type of each cluster: the most specific type among its pairs.
    let mut kind_of_root: rustc_hash::FxHashMap<usize, DuplicateType> = Default::default();
    for p in pairs {
        let root = uf.find(p.a);
        if root == uf.find(p.b) {
            let entry = kind_of_root.entry(root).or_insert(p.kind);
            *entry = (*entry).min(p.kind);
        }
    }
    let mut roots: Vec<(usize, usize)> = Vec::new(); // (root, smallest member) in member order
    let mut cluster_of_root: rustc_hash::FxHashMap<usize, usize> = Default::default();
    let mut members = Vec::new();
    for i in 0..people.len() {
        let root = uf.find(i);
        if uf.size[root] < 2 {
            continue;
        }
        let next_id = cluster_of_root.len();
        let id = *cluster_of_root.entry(root).or_insert_with(|| {
            roots.push((root, i));
            next_id
        });
        members.push(ClusterMember { cluster_id: id, member: i, kind: kind_of_root[&root] });
    }
    members
}
