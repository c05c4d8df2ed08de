//! Helpers shared by the integration tests.

/// The text of every `.rs` file directly under tests/, whitespace removed (for the tests
/// that check every claim has a passing test and a broken-formula test somewhere).
pub fn all_test_sources() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut all = String::new();
    for e in std::fs::read_dir(dir).expect("tests/") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "rs") {
            all += &std::fs::read_to_string(&p).expect("readable");
        }
    }
    all.split_whitespace().collect()
}
