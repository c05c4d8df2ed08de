#!/usr/bin/env python3
"""Ratios of normsharp's criterion benches to their peers (benches/peers.py), as a markdown
table. Reads target/criterion/<group>/<function>/<id>/new/estimates.json (mean point
estimate, ns) and the peers' JSON (ns per operation).

Usage: python3 benches/ratios.py PEERS.json
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def criterion(path):
    f = os.path.join(ROOT, "target", "criterion", *path.split("/"), "new", "estimates.json")
    if not os.path.exists(f):
        return None
    with open(f) as fh:
        return json.load(fh)["mean"]["point_estimate"]


def fmt(ns):
    if ns is None:
        return "—"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def main():
    peers = json.load(open(sys.argv[1]))
    rows = []
    sizes = ["n1_d4", "n20_d50", "n200_d500"]
    for s in sizes:
        ours = criterion(f"gd_f64/one_step/{s}")
        for peer in ("numpy", "jax"):
            rows.append((f"SW GD step f64, {s}", "gd_f64", f"{peer}", ours, peers.get(f"{peer}/sw_gd_one_step/{s}")))
    rows.append(("SW GD step f64, n500_d1000 (target: ≤ 1.3× the two matvecs)", "gd_f64", "normsharp gd_f64/two_matvecs (faer Xβ + Xᵀr)", criterion("gd_f64/one_step/n500_d1000"), criterion("gd_f64/two_matvecs/n500_d1000")))
    for s in sizes:
        ours = criterion(f"gd_mpfr256/one_step/{s}")
        rows.append((f"SW GD step 256 bits, {s}", "gd_mpfr256", "mpmath (256 bits)", ours, peers.get(f"mpmath256/sw_gd_one_step/{s}")))
    for s in sizes:
        rows.append((f"SW GD step, {s}", "gd_qd", "normsharp gd_mpfr256", criterion(f"gd_qd/one_step/{s}"), criterion(f"gd_mpfr256/one_step/{s}")))
        rows.append((f"SW GD step, {s}", "gd_dd", "normsharp gd_mpfr128", criterion(f"gd_dd/one_step/{s}"), criterion(f"gd_mpfr128/one_step/{s}")))
    for n in (20, 40):
        rows.append((f"min-λ_max SDP, n{n}_d50", "sdp/min_sharpness_sdp", "cvxpy + Clarabel", criterion(f"sdp/min_sharpness_sdp/n{n}_d50"), peers.get(f"cvxpy_clarabel/min_sharpness_sdp/n{n}_d50")))
    for sign in ("Nonnegative", "Signed"):
        rows.append((f"min-ℓ1 LP {sign.lower()}, n80_d200", "lp/min_l1_solve_repair_certify", "cvxpy + Clarabel", criterion(f"lp/min_l1_solve_repair_certify/n80_d200_{sign}"), peers.get(f"cvxpy_clarabel/min_l1/n80_d200_{sign}")))
        rows.append((f"min-trace LP {sign.lower()}, n80_d200", "lp/min_trace_solve_repair_certify", "cvxpy + Clarabel", criterion(f"lp/min_trace_solve_repair_certify/n80_d200_{sign}"), peers.get(f"cvxpy_clarabel/min_trace/n80_d200_{sign}")))
    print("| operation | normsharp bench | normsharp | peer | peer time | peer / normsharp |")
    print("| --- | --- | --- | --- | --- | --- |")
    for op, bench, peer, ours, theirs in rows:
        ratio = f"{theirs / ours:.2f}×" if ours and theirs else "—"
        print(f"| {op} | `{bench}` | {fmt(ours)} | {peer} | {fmt(theirs)} | {ratio} |")


if __name__ == "__main__":
    main()
