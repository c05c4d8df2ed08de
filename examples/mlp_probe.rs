fn main() {
    let dir = std::path::Path::new("/tmp/mlpfig");
    std::fs::create_dir_all(dir).unwrap();
    let t = std::time::Instant::now();
    println!("{:?} {:?}", normsharp::output::mlp_figures::mlp_figures(dir), t.elapsed());
}
