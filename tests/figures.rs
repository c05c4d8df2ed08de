//! `figures::generate` writes every figure as a PNG and an SVG (with the embedded font, no
//! system fonts), and the data beside them as CSV.

#[test]
fn every_figure_is_written_as_png_and_svg() {
    let dir = std::env::temp_dir().join(format!("normsharp-figures-{}", std::process::id()));
    let stems = normsharp::output::figures::generate(&dir).expect("figures");
    assert!(stems.len() >= 10, "{stems:?}");
    let mut files: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    for stem in &stems {
        let pngs: Vec<&String> = files.iter().filter(|f| f.starts_with(stem.as_str()) && f.ends_with(".png")).collect();
        let svgs: Vec<&String> = files.iter().filter(|f| f.starts_with(stem.as_str()) && f.ends_with(".svg")).collect();
        assert!(!pngs.is_empty() && pngs.len() == svgs.len(), "{stem}: {files:?}");
        for p in pngs {
            let bytes = std::fs::read(dir.join(p)).unwrap();
            assert!(bytes.len() > 10_000 && bytes.starts_with(b"\x89PNG"), "{p} is not a drawn PNG");
        }
        for s in svgs {
            let text = std::fs::read_to_string(dir.join(s)).unwrap();
            assert!(text.contains("<svg") && text.contains("learning rate") || text.contains("step"), "{s}");
        }
    }
    assert!(files.iter().any(|f| f.ends_with(".csv")));
    std::fs::remove_dir_all(&dir).ok();
}
