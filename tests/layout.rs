//! The shape of the house: no source file over 600 lines, and no module that imports a
//! module importing it back (at the level of rooms, `src/<room>/`, and of files).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("readable dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` → "a::b"; `src/lib.rs` → "".
fn module_path(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src").with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib" || l == "main") {
        parts.pop();
    }
    parts.join("::")
}

fn sources() -> (PathBuf, Vec<PathBuf>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    (src, files)
}

#[test]
fn no_source_file_over_600_lines() {
    const MAX_LINES: usize = 600;
    let (_, files) = sources();
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).expect("readable").lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over 600 lines: {long:?}");
}

/// The modules each module names through `crate::…` (the longest known prefix).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let (src, files) = sources();
    let modules: BTreeSet<String> = files.iter().map(|f| module_path(&src, f)).collect();
    let mut graph = BTreeMap::new();
    for f in &files {
        let me = module_path(&src, f);
        // Code only: doc links and comments name modules without importing them.
        let text: String = std::fs::read_to_string(f)
            .expect("readable")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut deps = BTreeSet::new();
        for (i, _) in text.match_indices("crate::") {
            let rest: String = text[i + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            let segs: Vec<&str> = rest.split("::").filter(|s| !s.is_empty()).collect();
            // The longest prefix that is a module.
            let target = (1..=segs.len()).rev().map(|k| segs[..k].join("::")).find(|p| modules.contains(p));
            if let Some(t) = target {
                if t != me && !me.starts_with(&format!("{t}::")) && !t.starts_with(&format!("{me}::")) {
                    deps.insert(t);
                }
            }
        }
        graph.insert(me, deps);
    }
    graph
}

fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(1) => {
                let start = stack.iter().position(|s| s == n).unwrap_or(0);
                let mut c = stack[start..].to_vec();
                c.push(n.to_string());
                return Some(c);
            }
            Some(2) => return None,
            _ => {}
        }
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if let Some(c) = visit(n, graph, &mut state, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_module_cycles_between_files() {
    let g = imports();
    assert_eq!(cycle(&g), None, "a cycle of imports between modules");
}

#[test]
fn no_module_cycles_between_rooms() {
    let mut rooms: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let room = |m: &str| m.split("::").next().unwrap_or("").to_string();
    for (m, deps) in imports() {
        let r = room(&m);
        let entry = rooms.entry(r.clone()).or_default();
        for d in deps {
            if room(&d) != r && !r.is_empty() {
                entry.insert(room(&d));
            }
        }
    }
    assert_eq!(cycle(&rooms), None, "a cycle of imports between rooms: {rooms:?}");
}
