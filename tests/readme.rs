//! README's claims table is the registry's: regenerate it with
//! `cargo run --release -- verify --family 20 --seed 1 --markdown` and paste it between the
//! markers. Every column but the family counts is compared with the registry and a fresh
//! verification, so the two cannot drift.

use normsharp::claims::{registry, verify_outcomes, Formulas, Settings};
use normsharp::output::report::claims_markdown;

fn rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| claim |"))
        .map(|l| l.trim_matches('|').split(" | ").map(|c| c.trim().to_string()).collect())
        .collect()
}

#[test]
fn readme_claims_table_matches_the_registry() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let start = readme.find("<!-- claims-table:start -->").expect("start marker");
    let end = readme.find("<!-- claims-table:end -->").expect("end marker");
    let in_readme = rows(&readme[start..end]);
    let outcomes = verify_outcomes(&Formulas::default(), &Settings::default());
    let fresh = rows(&claims_markdown(&registry(), &outcomes, &[]));
    assert_eq!(in_readme.len(), fresh.len(), "README has {} claims, the registry {}", in_readme.len(), fresh.len());
    for (a, b) in in_readme.iter().zip(&fresh) {
        // All columns but the last (family counts from a seeded run).
        assert_eq!(a[..a.len() - 1], b[..b.len() - 1], "README row differs from the registry:\n{a:?}\n{b:?}");
        let fam = &a[a.len() - 1];
        assert!(fam == "—" || fam.contains('/'), "family column of {}: {fam}", a[0]);
    }
}
