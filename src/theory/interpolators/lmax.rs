//! PLACEHOLDER (replaced this session by the structured interior-point solver).
pub struct LmaxProblem<'a> { pub x: &'a [f64], pub n: usize, pub d: usize, pub y: &'a [f64], pub signed: bool }
pub struct LmaxSolution { pub t: f64, pub beta: Vec<f64>, pub w: Vec<f64>, pub nu: Vec<f64>, pub z: Vec<f64>, pub iterations: usize, pub converged: bool, pub primal_objective: f64, pub dual_objective: f64 }
pub fn solve(_p: &LmaxProblem, _tol: f64, _max_iter: usize) -> Result<LmaxSolution, String> { Err("not yet".into()) }
