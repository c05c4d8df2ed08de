#!/usr/bin/env python3
"""The peers of normsharp's criterion benches, on the same sizes (issue 9).

Creates its own virtual environment under target/peers-venv (numpy, jax[cpu], mpmath,
cvxpy with Clarabel), then times:
  * one SW GD step w <- w*(1 - 2*eta*g), g = X^T(X(w*w) - y)/n, in f64 with numpy and with
    JAX (jit, x64, lax.fori_loop), at n1_d4, n20_d50, n200_d500;
  * the same step in mpmath at 256 bits (n1_d4, n20_d50; one step at n200_d500);
  * cvxpy + Clarabel: min lambda_max(X diag(beta) X^T) s.t. X beta = y, beta >= 0 at n20_d50,
    n40_d50, and min ||beta||_1 and min sum ||X_{:,i}||^2 |beta_i| s.t. X beta = y (beta >= 0, and
    signed) at n80_d200.
Tasks have the distribution of normsharp's `random_positive` (X_ij = k/8, k uniform in
1..=16, a 3-sparse nonnegative teacher, y = X beta*), seeded; n1_d4 is x = (1,2,3,4), y = 1.
Prints one JSON object: {"peer/op/id": nanoseconds per operation, ...}.

Usage: python3 benches/peers.py [--out FILE]
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "peers-venv")
PACKAGES = ["numpy", "jax[cpu]", "mpmath", "cvxpy", "clarabel"]


def ensure_venv():
    """Re-executes this script inside target/peers-venv (created and filled on first use)."""
    py = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        subprocess.check_call([py, "-m", "pip", "install", "--quiet", *PACKAGES])
    os.execv(py, [py, os.path.abspath(__file__), *sys.argv[1:]])


def task(seed, n, d):
    import numpy as np
    if n == 1 and d == 4:
        return np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([1.0])
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 17, size=(n, d)) / 8.0
    teacher = np.zeros(d)
    teacher[rng.choice(d, size=min(3, d), replace=False)] = rng.integers(1, 9, size=min(3, d)) / 4.0
    return x, x @ teacher


SIZES = [(1, 4, 0), (20, 50, 1), (200, 500, 2)]


def per_op(f, min_time=1.0, reps=1):
    """Seconds per call of f (which does `reps` operations), best of 3 rounds of >= min_time/3."""
    f()
    best = float("inf")
    for _ in range(3):
        calls, t0 = 0, time.perf_counter()
        while True:
            f()
            calls += 1
            dt = time.perf_counter() - t0
            if dt >= min_time / 3:
                break
        best = min(best, dt / (calls * reps))
    return best * 1e9


def gd_numpy(out):
    import numpy as np
    for n, d, seed in SIZES:
        x, y = task(seed, n, d)
        eta, w = 1e-4, np.full(d, 0.1)
        state = {"w": w}

        def step():
            w = state["w"]
            r = x @ (w * w) - y
            g = x.T @ r / n
            state["w"] = w * (1.0 - 2.0 * eta * g)
        out[f"numpy/sw_gd_one_step/n{n}_d{d}"] = per_op(step)


def gd_jax(out):
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax import lax
    for n, d, seed in SIZES:
        x, y = task(seed, n, d)
        xj, yj = jnp.asarray(x), jnp.asarray(y)
        steps = 10_000 if n * d < 10_000 else 1_000

        @jax.jit
        def run(w, eta):
            def body(_, w):
                r = xj @ (w * w) - yj
                g = xj.T @ r / n
                return w * (1.0 - 2.0 * eta * g)
            return lax.fori_loop(0, steps, body, w)
        w0 = jnp.full(d, 0.1)
        f = lambda: run(w0, 1e-4).block_until_ready()
        out[f"jax/sw_gd_one_step/n{n}_d{d}"] = per_op(f, reps=steps)


def gd_mpmath(out):
    import mpmath
    mpmath.mp.prec = 256
    mpf = mpmath.mpf
    for n, d, seed in SIZES:
        x, y = task(seed, n, d)
        xm = [[mpf(v) for v in row] for row in x]
        ym = [mpf(v) for v in y]
        eta, two = mpf("1e-4"), mpf(2)
        state = {"w": [mpf("0.1")] * d}

        def step():
            w = state["w"]
            beta = [wi * wi for wi in w]
            r = [mpmath.fdot(row, beta) - yi for row, yi in zip(xm, ym)]
            g = [mpmath.fdot((xm[i][j] for i in range(n)), r) / n for j in range(d)]
            state["w"] = [wi * (1 - two * eta * gi) for wi, gi in zip(w, g)]
        out[f"mpmath256/sw_gd_one_step/n{n}_d{d}"] = per_op(step, min_time=1.0 if n * d < 10_000 else 0.0)


def sdp_lp(out):
    import cvxpy as cp
    import numpy as np
    for n in (20, 40):
        x, y = task(2, n, 50)
        beta = cp.Variable(50, nonneg=True)
        m = x @ cp.diag(beta) @ x.T
        prob = cp.Problem(cp.Minimize(cp.lambda_max((m + m.T) / 2)), [x @ beta == y])
        out[f"cvxpy_clarabel/min_sharpness_sdp/n{n}_d50"] = per_op(lambda: prob.solve(solver=cp.CLARABEL), min_time=2.0)
    x, y = task(1, 80, 200)
    for label, nonneg in (("Nonnegative", True), ("Signed", False)):
        beta = cp.Variable(200, nonneg=nonneg)
        prob = cp.Problem(cp.Minimize(cp.norm1(beta)), [x @ beta == y])
        out[f"cvxpy_clarabel/min_l1/n80_d200_{label}"] = per_op(lambda: prob.solve(solver=cp.CLARABEL), min_time=2.0)
        # The trace LP: min sum_i ||X_{:,i}||^2 |beta_i| s.t. X beta = y.
        wts = (x * x).sum(axis=0)
        beta = cp.Variable(200, nonneg=nonneg)
        prob = cp.Problem(cp.Minimize(wts @ cp.abs(beta)), [x @ beta == y])
        out[f"cvxpy_clarabel/min_trace/n80_d200_{label}"] = per_op(lambda: prob.solve(solver=cp.CLARABEL), min_time=2.0)
    del np


def main():
    ensure_venv()
    out = {}
    for part in (gd_numpy, gd_jax, gd_mpmath, sdp_lp):
        part(out)
        print(f"peers: {part.__name__} done", file=sys.stderr)
    text = json.dumps(out, indent=1, sort_keys=True)
    if "--out" in sys.argv:
        with open(sys.argv[sys.argv.index("--out") + 1], "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
