//! The one period detector: a ring of recent iterates (as f64) and the test "the last 2p
//! states repeat after p steps, to a relative tolerance", used by the GD loop ([`crate::dynamics::gd`])
//! and by the long-run classification ([`crate::dynamics::classify`]).

use crate::numeric::real::Real;
use crate::numeric::vector::within;

/// Largest period detected.
pub const MAX_PERIOD: usize = 64;
/// The GD loop looks for a period (and checkpoints θ) every this many steps. A check costs
/// ~10² distance tests of θ: at n = 1, d = 4 (an 11 ns step) checks every 64 steps took 24% of
/// the run (profiled, 2026-12-05); 16 times fewer checks take 16 times less, and the bench
/// `gd_f64/run_10000_steps` shows no cost over the bare step. A period is found at most this
/// many steps later.
pub const PERIOD_CHECK_EVERY: u64 = 1024;

/// Ring buffer of recent iterates (as f64) for period detection.
#[derive(Debug, Clone)]
pub struct History {
    /// `SLOTS` states of `p` entries each, one flat buffer (slot i at `i·p..(i+1)·p`).
    states: Vec<f64>,
    p: usize,
    next: usize,
    filled: usize,
    /// A candidate orbit (period, a state on it, the step of that state).
    candidate: Option<(usize, Vec<f64>, u64)>,
}

/// Slots in the ring: the period test at step k reads states k − 3·[`MAX_PERIOD`] + 1 ..= k.
const SLOTS: usize = 3 * MAX_PERIOD + 1;
/// The states a check at step k reads are θ_{k−WINDOW+1} ..= θ_k: only these need pushing.
pub const WINDOW: u64 = SLOTS as u64;

/// Where the ring stood, to undo pushes that are then replayed ([`History::rewind`]).
#[derive(Debug, Clone, Copy)]
pub struct RingMark {
    next: usize,
    filled: usize,
}

/// A candidate orbit is confirmed only if, this many steps later, the iterate at the same
/// phase is still within tolerance of it (a slowly decaying oscillation is not an orbit).
pub const CONFIRM_AFTER: u64 = 4096;

impl History {
    /// A ring for states of p parameters.
    pub fn new(p: usize) -> Self {
        History { states: vec![0.0; SLOTS * p], p, next: 0, filled: 0, candidate: None }
    }
    /// Record θ (as f64).
    #[inline(always)]
    pub fn push<T: Real>(&mut self, theta: &[T]) {
        let at = self.next * self.p;
        for (s, t) in self.states[at..at + self.p].iter_mut().zip(theta) {
            *s = t.to_f64();
        }
        self.next += 1;
        if self.next == SLOTS {
            self.next = 0;
        }
        self.filled = (self.filled + 1).min(SLOTS);
    }
    /// The ring's position now.
    pub fn mark(&self) -> RingMark {
        RingMark { next: self.next, filled: self.filled }
    }
    /// Back to `mark`: the states pushed since are dropped. Slots they overwrote are not
    /// restored, so the caller must push the same states again (the GD loop replays the same
    /// steps, with the same bits) before the ring is read; at most `SLOTS` pushes may be undone.
    pub fn rewind(&mut self, mark: RingMark) {
        (self.next, self.filled) = (mark.next, mark.filled);
    }
    /// State j steps back (0 = newest; j < `SLOTS`). No division: the period test calls
    /// this ~10² times per check.
    #[inline(always)]
    pub fn back(&self, j: usize) -> &[f64] {
        assert!(j < SLOTS, "the ring holds {SLOTS} states");
        let slot = if j < self.next { self.next - 1 - j } else { self.next + SLOTS - 1 - j };
        let at = slot * self.p;
        &self.states[at..at + self.p]
    }
    /// Smallest p in 2..=64 such that the last 2p states repeat after p steps (to `tol`
    /// relative), and the orbit is not a slow drift (its states differ by > 100·tol).
    pub fn period(&self, tol: f64) -> Option<usize> {
        if self.filled < 7 {
            return None;
        }
        let scale = 1.0 + self.back(0).iter().map(|v| v * v).sum::<f64>().sqrt();
        let eps = tol * scale;
        // A slow drift: every step moves by ≤ 100·tol (each test leaves at its first far pair).
        if (0..MAX_PERIOD.min(self.filled - 1)).all(|j| within(self.back(j), self.back(j + 1), 100.0 * eps)) {
            return None;
        }
        (2..=MAX_PERIOD).find(|&p| 3 * p < self.filled && (0..2 * p).all(|j| within(self.back(j), self.back(j + p), eps)))
    }
    /// At step k (the newest state is θ_k): a period confirmed over ≥ [`CONFIRM_AFTER`]
    /// steps, updating the candidate orbit.
    pub fn confirmed_period(&mut self, k: u64, tol: f64) -> Option<usize> {
        let found = self.period(tol);
        if let (Some((p, state, kc)), Some(pn)) = (&self.candidate, found) {
            if *p == pn && k - kc >= CONFIRM_AFTER {
                let j = ((k - kc) % *p as u64) as usize;
                let scale = 1.0 + state.iter().map(|v| v * v).sum::<f64>().sqrt();
                if within(self.back(j), state, tol * scale) {
                    return Some(pn);
                }
                self.candidate = None;
            } else if *p == pn {
                return None;
            }
        }
        self.candidate = found.map(|p| (p, self.back(0).to_vec(), k));
        None
    }
}

impl History {
    /// Smallest p in 1..=[`MAX_PERIOD`] such that the last 2p states repeat after p steps to
    /// `tol` relative (p = 1: a fixed point). Used on the observed window of a long run.
    pub fn period_or_fixed(&self, tol: f64) -> Option<usize> {
        (1..=MAX_PERIOD).find(|&q| {
            2 * q < self.filled
                && (0..2 * q).all(|j| {
                    let a = self.back(j);
                    let s = 1.0 + a.iter().map(|x| x * x).sum::<f64>().sqrt();
                    within(a, self.back(j + q), tol * s)
                })
        })
    }
}
