//! The reached width of the proved multi-sample s_GF enclosure on a seeded task (the table in
//! proofs/T6-eta-c.md): `cargo run --release --example path_max_width -- SEED N D ALPHA`
//! prints the enclosure, its relative width and the time, at 128 bits and `Budget::for_size`.
use normsharp::problem::tasks::random_positive;
use normsharp::theory::enclosures::flow::{enclose_path_max_multi, Budget};
use rug::Rational;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [s, n, d, a] => s
            .parse::<u64>()
            .ok()
            .zip(n.parse::<usize>().ok())
            .zip(d.parse::<usize>().ok())
            .zip(a.parse::<f64>().ok().and_then(Rational::from_f64)),
        _ => None,
    };
    let Some((((seed, n), d), alpha)) = parsed.filter(|(((_, n), d), a)| *n >= 1 && *d >= 1 && *a > 0) else {
        eprintln!("usage: path_max_width SEED N D ALPHA (N, D ≥ 1, ALPHA > 0)");
        std::process::exit(2);
    };
    let task = random_positive(seed, n, d);
    let start = std::time::Instant::now();
    match enclose_path_max_multi(&task, &alpha, 128, Budget::for_size(n, d)) {
        Ok(s) => println!(
            "{}: s_GF in [{}, {}], relative width {:.2e}, {:.1?}",
            task.name,
            s.lo_decimal(17),
            s.hi_decimal(17),
            s.rel_width(),
            start.elapsed()
        ),
        Err(e) => println!("{}: no enclosure: {e}", task.name),
    }
}
