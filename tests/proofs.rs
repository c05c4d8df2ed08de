//! Every derived claim has a proof file `proofs/<id>.md` whose header names it, and every
//! proof names a claim the registry has.

use normsharp::claims::registry;
use std::path::Path;

fn named_claim(text: &str) -> Option<String> {
    text.lines().find_map(|l| l.trim().strip_prefix("Claim:").map(|id| id.trim().to_string()))
}

#[test]
fn every_derived_claim_has_a_proof() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("proofs");
    for c in registry().iter().filter(|c| c.derived) {
        let path = dir.join(format!("{}.md", c.id));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("derived claim {} has no proof file {}", c.id, path.display()));
        assert_eq!(named_claim(&text).as_deref(), Some(c.id), "{} must name its claim", path.display());
        assert!(text.lines().count() > 10, "{} is too short to be a proof", path.display());
    }
}

#[test]
fn every_proof_names_a_registered_claim() {
    let ids: Vec<&str> = registry().iter().map(|c| c.id).collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("proofs");
    for entry in std::fs::read_dir(dir).expect("proofs/ exists") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "md") && path.file_name().is_some_and(|n| n != "README.md") {
            let text = std::fs::read_to_string(&path).expect("readable");
            let id = named_claim(&text).unwrap_or_else(|| panic!("{} names no claim (a line `Claim: <id>`)", path.display()));
            assert!(ids.contains(&id.as_str()), "{} proves {id}, which the registry lacks", path.display());
            assert_eq!(path.file_stem().and_then(|s| s.to_str()), Some(id.as_str()), "file name must be the claim id");
        }
    }
}
