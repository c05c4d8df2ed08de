//! Every claim of the earlier-work family (THEORY.md §4 W, D, A, E, N and §2's UV ↔ PM map)
//! passes through the registry, with finite predicted/measured values and errors.
//! `cargo test --release --test earlier -- --nocapture` prints the tables.

mod common;

use common::{check, check_with};
use normsharp::claims::Settings;

#[test]
fn w1() {
    check("W1");
}
#[test]
fn w2() {
    check("W2");
}
#[test]
fn d1() {
    check("D1");
}
#[test]
fn a1() {
    check("A1");
}
#[test]
fn e1() {
    check("E1");
}
#[test]
fn e1_at_256_bits() {
    let results = check_with("E1", &Settings { precision: 256 });
    let hp: Vec<_> = results.iter().filter(|r| r.task.contains("256 bits")).collect();
    assert_eq!(hp.len(), 2, "a GD and an SGD run at 256 bits");
    assert!(hp.iter().all(|r| r.abs_err.unwrap() < 1e-60), "256-bit identity errors {hp:?}");
}
#[test]
fn e2() {
    check("E2");
}
#[test]
fn e3() {
    check("E3");
}
#[test]
fn n1() {
    check("N1");
}
#[test]
fn uv_pm() {
    check("UV-PM");
}
#[test]
fn uv_pm_at_256_bits() {
    let results = check_with("UV-PM", &Settings { precision: 256 });
    let hp = results.iter().find(|r| r.task.contains("256 bits")).expect("a 256-bit check");
    assert!(hp.abs_err.unwrap() < 1e-60, "256-bit UV ↔ PM difference {:?}", hp.abs_err);
}
