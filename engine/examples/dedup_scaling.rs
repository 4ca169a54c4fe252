//! Multi-core scaling probe for deduplication without Python:
//! `cargo run --release -p doichieu-engine --example dedup_scaling [N]`, with
//! RAYON_NUM_THREADS set to the cores to use. Synthetic members, 2% planted
//! duplicates; prints time, candidate pairs and pairs found.

use std::time::Instant;

use doichieu_engine::dedup::{find_duplicates, Config, Person};
use doichieu_engine::values::{Gender, PartialDate};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let surnames = [
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
        "Dương", "Lý",
    ];
    let weights = [38, 11, 10, 7, 3, 2, 5, 2, 2, 2, 2, 1, 1, 1, 1, 1];
    let middles = [
        "Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Đức", "Hữu", "Xuân", "Duy", "Đình", "Quang", "Hoàng", "Kim",
        "Thu",
    ];
    let givens = [
        "Hùng", "Lan", "Tuấn", "Mai", "Dũng", "Hương", "Nam", "Hoa", "Quý", "Phương", "Sơn", "Thảo", "Bình", "Cường",
        "Dung", "Giang", "Hải", "Hạnh", "Huy", "Khánh", "Linh", "Long", "Minh", "Nga", "Phúc", "Quân", "Tâm", "Thắng",
        "Trang", "Vinh", "Anh", "Bảo", "Chi", "Đạt", "Điệp", "Hà", "Hiếu", "Hòa", "Hồng", "Khoa", "Kiên", "Lâm", "Lộc",
        "Luân", "My", "Ngân", "Nhung", "Oanh", "Phong", "Quyên", "Sang", "Thành", "Thịnh", "Thu", "Thủy", "Tiến",
        "Toàn", "Tú", "Uyên", "Việt",
    ];
    let mut state = 7u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as usize
    };
    let total: usize = weights.iter().sum();
    let mut names = Vec::with_capacity(n);
    let mut meta = Vec::with_capacity(n);
    for i in 0..n {
        let mut r = next() % total;
        let mut s = 0;
        while r >= weights[s] {
            r -= weights[s];
            s += 1;
        }
        let male = next() % 2 == 0;
        let middle = if next() % 3 == 0 {
            if male {
                "Văn"
            } else {
                "Thị"
            }
        } else {
            middles[next() % middles.len()]
        };
        names.push(format!("{} {} {}", surnames[s], middle, givens[next() % givens.len()]));
        let d = next() % (77 * 365);
        let cid = format!("0{:02}{}{:02}{:06}", 1 + next() % 96, u8::from(!male), d / 365 % 100, next() % 1_000_000);
        meta.push((
            PartialDate { year: 1930 + (d / 365) as u16, month: 1 + (d / 28 % 12) as u8, day: 1 + (d % 28) as u8 },
            male,
            cid,
            format!("unit {}", i % 500),
        ));
    }
    // 2% duplicates: same person, name upper-cased, in another unit.
    for k in 0..n / 50 {
        let src = next() % n;
        names.push(names[src].to_uppercase());
        let (dob, male, cid, _) = meta[src].clone();
        meta.push((dob, male, cid, format!("unit {}", k % 500 + 500)));
    }
    let people: Vec<Person<'_>> = names
        .iter()
        .zip(&meta)
        .map(|(name, (dob, male, cid, unit))| Person {
            full_name: name,
            date_of_birth: *dob,
            gender: Some(if *male { Gender::Male } else { Gender::Female }),
            citizen_id: Some(cid),
            old_id: None,
            hometown: None,
            party_unit: Some(unit),
            // The probe has no party history: namesakes are told apart by the citizen ID alone.
            ..Person::default()
        })
        .collect();
    let threads = rayon::current_num_threads();
    for _ in 0..2 {
        let t = Instant::now();
        let result = find_duplicates(&people, &Config::default());
        println!(
            "threads={threads} members={} seconds={:.3} candidates={} pairs={} clusters={}",
            people.len(),
            t.elapsed().as_secs_f64(),
            result.candidate_pairs,
            result.pairs.len(),
            result.clusters.iter().map(|c| c.cluster_id).max().map_or(0, |m| m + 1)
        );
    }
}
