use normsharp::{predictions as pred, task::*};
use std::time::Instant;
fn main() {
    for (t, a) in [(canonical_four(), 1e-3), (canonical_four(), 1.0), (canonical_multi(), 0.1)] {
        let d = t.design::<f64>(());
        let t0 = Instant::now();
        let gf = pred::beta_gf(&d, &a).unwrap();
        let t1 = t0.elapsed();
        let s = pred::gf_path_sharpness_max(&d, a, &gf).unwrap();
        println!("{} {a}: gf {:?} path {:?} s={s}", t.name, t1, t0.elapsed());
    }
}
