//! Pairs into people: union–find over pairs above the threshold, strongest first.
//! A pair below the strong threshold may join two lone records but never grows a
//! cluster, so one weak link cannot chain two people (and their duplicates) together.
//! Two people on one citizen number (`CITIZEN_ID_SHARED`) are never joined.

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
    let mut order: Vec<&DuplicatePair> = pairs.iter().filter(|p| p.kind.is_one_person()).collect();
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
    numbered(&mut uf, pairs.iter().map(|p| (p.a, p.b, p.kind)))
}

/// The connected components of `edges` over `n` members, every edge joining
/// (no guard: the edges are pairs already clustered once), numbered and typed
/// as `cluster` does.
pub fn components(n: usize, edges: &[(usize, usize, DuplicateType)]) -> Vec<ClusterMember> {
    let mut uf = UnionFind::new(n);
    for &(a, b, _) in edges.iter().filter(|&&(_, _, kind)| kind.is_one_person()) {
        uf.union(a, b);
    }
    numbered(&mut uf, edges.iter().copied())
}

/// Members of every group of two or more, in member order; groups numbered from
/// 0 in the order of their smallest member, each typed by the most specific type
/// among the pairs inside it.
fn numbered(uf: &mut UnionFind, pairs: impl Iterator<Item = (usize, usize, DuplicateType)>) -> Vec<ClusterMember> {
    let mut kind_of_root: rustc_hash::FxHashMap<usize, DuplicateType> = Default::default();
    for (a, b, kind) in pairs.filter(|&(_, _, kind)| kind.is_one_person()) {
        let root = uf.find(a);
        if root == uf.find(b) {
            let entry = kind_of_root.entry(root).or_insert(kind);
            *entry = (*entry).min(kind);
        }
    }
    let mut cluster_of_root: rustc_hash::FxHashMap<usize, usize> = Default::default();
    let mut members = Vec::new();
    for i in 0..uf.parent.len() {
        let root = uf.find(i);
        if uf.size[root] < 2 {
            continue;
        }
        let next_id = cluster_of_root.len();
        let id = *cluster_of_root.entry(root).or_insert(next_id);
        members.push(ClusterMember { cluster_id: id, member: i, kind: kind_of_root[&root] });
    }
    members
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_numbered_by_their_smallest_member_and_typed_by_the_most_specific_pair() {
        use DuplicateType::*;
        let edges = [
            (5, 6, DuplicatePerson),
            (1, 2, TransferDuplicate),
            (2, 3, DuplicatePerson),
            (8, 9, DuplicatePerson),
            (3, 7, DuplicateCitizenId),
        ];
        let got: Vec<(usize, usize, DuplicateType)> =
            components(10, &edges).into_iter().map(|m| (m.cluster_id, m.member, m.kind)).collect();
        assert_eq!(
            got,
            [
                (0, 1, DuplicateCitizenId),
                (0, 2, DuplicateCitizenId),
                (0, 3, DuplicateCitizenId),
                (1, 5, DuplicatePerson),
                (1, 6, DuplicatePerson),
                (0, 7, DuplicateCitizenId),
                (2, 8, DuplicatePerson),
                (2, 9, DuplicatePerson),
            ]
        );
        assert!(components(4, &[]).is_empty());
        // Two people on one number are never joined, nor type a cluster.
        let edges = [(0, 1, CitizenIdShared), (1, 2, DuplicatePerson), (2, 3, CitizenIdShared)];
        let got: Vec<(usize, usize, DuplicateType)> =
            components(4, &edges).into_iter().map(|m| (m.cluster_id, m.member, m.kind)).collect();
        assert_eq!(got, [(0, 1, DuplicatePerson), (0, 2, DuplicatePerson)]);
    }
}
