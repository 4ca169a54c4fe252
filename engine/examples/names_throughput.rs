//! Quick throughput probe for the name layer without Python in the way:
//! `cargo run --release -p doichieu-engine --example names_throughput [N]`.
//! The published figures come from benches/ (see BENCHMARKS.md); this is for profiling.

use std::time::Instant;

use doichieu_engine::names::{compare_names_bulk, write_names_bulk, Form};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Đặng", "Bùi"];
    let middles = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Đức", "Hữu"];
    let givens = ["Hùng", "Hưng", "Thuỷ", "Thủy", "Hoà", "Lan", "Tuấn", "Quý", "Nghĩa", "Phương", "Trường", "Thắng"];
    let mut seed = 7u64;
    let mut next = |m: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % m
    };
    // NAMES, LEFT and RIGHT may name files of NUL-separated names (the benches'
    // realistic inputs, dumped from Python) to profile on those instead.
    let from_file =
        |var: &str| std::env::var(var).ok().map(|p| std::fs::read_to_string(p).expect("readable names file"));
    let (names_file, left_file, right_file) = (from_file("NAMES"), from_file("LEFT"), from_file("RIGHT"));
    let generated: Vec<String> = (0..n)
        .map(|i| {
            let s = format!("{} {} {}", surnames[next(10)], middles[next(8)], givens[next(12)]);
            if i % 10 == 0 {
                s.to_uppercase()
            } else {
                s
            }
        })
        .collect();
    fn split(text: &Option<String>) -> Option<Vec<Option<&str>>> {
        text.as_deref().map(|t| t.split('\0').map(Some).collect())
    }
    let refs: Vec<Option<&str>> =
        split(&names_file).unwrap_or_else(|| generated.iter().map(|s| Some(s.as_str())).collect());
    let n = refs.len();
    let left = split(&left_file).unwrap_or_else(|| refs.clone());
    let right = split(&right_file).unwrap_or_else(|| refs.iter().cycle().skip(1).take(n).copied().collect());
    for _ in 0..std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(3) {
        let t = Instant::now();
        let a = write_names_bulk(&refs, Form::Display).unwrap();
        let b = write_names_bulk(&refs, Form::Key).unwrap();
        let e = t.elapsed();
        println!("display+key {n}: {:.1} ms ({} bytes)", e.as_secs_f64() * 1e3, a.data.len() + b.data.len());
        if std::env::var("ONLY_WRITE").is_ok() {
            continue;
        }
        if std::env::var_os("WRITE_ONLY").is_some() {
            continue;
        }
        let t = Instant::now();
        let c = compare_names_bulk(&left, &right).unwrap();
        let e = t.elapsed();
        let pairs = c.kinds.len();
        println!(
            "compare {pairs}: {:.1} ms = {:.2} M pairs/s",
            e.as_secs_f64() * 1e3,
            pairs as f64 / e.as_secs_f64() / 1e6
        );
    }
}
