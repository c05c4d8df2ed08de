use normsharp::{dynamics::*, model::Sw, task::*};
use std::time::Instant;
fn main() {
    for (t, a, s) in [(canonical_four(), 1e-3, 15.86), (canonical_multi(), 0.1, 9.15), (canonical_four(), 1.0, 181.6)] {
        let d = t.design::<f64>(());
        let t0 = Instant::now();
        let mut cfg = GdConfig::until_loss(0.002 / s, 1e-18);
        cfg.record_every = 1;
        cfg.max_steps = 2_000_000;
        let run = run_gd(&Problem { model: &Sw, design: &d, design64: &d }, &a, &cfg, &mut NoObserver);
        println!("{} {a}: {:?} steps {} outcome {:?}", t.name, t0.elapsed(), run.steps, run.outcome);
    }
}
