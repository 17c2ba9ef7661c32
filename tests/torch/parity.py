#!/usr/bin/python3
"""parity.py: every graph of tests/torch/*.morch against PyTorch, in float32 and float64.

For each case of cases.py, at each of its sizes: writes random inputs (seeded by the case, so
runs repeat) as .npy files, runs the generated code through tests/torch/runner, computes the
same values and gradients with the torch twin and torch.autograd, and compares them, outputs
of both G_forward and G_grad included. Float32 results must agree to a relative 1e-5, float64
ones to 1e-12, each with an absolute floor of a tenth of that for values near zero. Exits 77
(skipped) without torch, 1 on any mismatch.

  parity.py [CASE...]    only the named cases; -v prints every comparison
"""
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

try:
    import torch
except ImportError:
    print("SKIP: python3-torch not installed")
    sys.exit(77)
try:
    import numpy as np
except ImportError:
    print("SKIP: python3-numpy not installed")
    sys.exit(77)

sys.dont_write_bytecode = True  # the source tree may be read-only (make distcheck)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402  (after the skip checks: it imports torch)

PRECISIONS = {  # name: numpy type, torch type, relative tolerance
    "f32": (np.float32, torch.float32, 1e-5),
    "f64": (np.float64, torch.float64, 1e-12),
}

VERBOSE = False


def program_path(name):
    build = os.environ.get("top_builddir") or os.path.join(os.path.dirname(__file__), "..", "..")
    return os.path.join(build, "tests", "torch", name)


def to_numpy(t):
    """torch 1.13 returns some zero gradients (abs twice differentiated) as storage-less
    'efficient zero tensors', whose .numpy() reads freed memory: make them real first."""
    t = t.detach()
    if getattr(t, "_is_zerotensor", lambda: False)():
        t = torch.zeros(t.shape, dtype=t.dtype)
    return t.numpy()


def mismatch(name, got, want, rtol):
    """None when got matches want, else a line describing the worst element."""
    want = to_numpy(want)
    if got.shape != want.shape:
        return "%s: shape %s, torch has %s" % (name, got.shape, want.shape)
    if got.dtype != want.dtype:
        return "%s: dtype %s, torch has %s" % (name, got.dtype, want.dtype)
    if got.size == 0:
        return None
    g, w = got.astype(np.float64), want.astype(np.float64)
    both_nan = np.isnan(g) & np.isnan(w)
    same_inf = np.isinf(w) & (g == w)
    err = np.abs(g - w)
    bound = rtol * np.maximum(np.abs(g), np.abs(w)) + rtol / 10
    bad = ~(both_nan | same_inf | (err <= bound))
    if VERBOSE:
        finite = np.isfinite(err) & (bound > 0)
        worst = (err[finite] / bound[finite]).max() if finite.any() else 0.0
        print("    %-10s %-14s worst error/tolerance %.3g" % (name, got.shape, worst))
    if not bad.any():
        return None
    i = np.unravel_index(np.argmax(np.where(bad, np.nan_to_num(err, nan=np.inf), -1)), got.shape)
    return "%s%s: got %r, torch %r (%d of %d elements differ)" % (
        name, list(i), g[i].item(), w[i].item(), bad.sum(), got.size)


def run_case(c, prec, sizes, workdir):
    """Runs one case at one precision and sizes; returns a list of problems (empty if ok)."""
    np_t, torch_t, rtol = PRECISIONS[prec]
    graph = c.graphs[0 if prec == "f32" else 1]
    seed = zlib.crc32(("%s %s" % (c.graph, sorted(sizes.items()))).encode())
    r = cases.Rand(np.random.default_rng(seed))
    inputs, twin = c.make(r, **sizes)

    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    tensors = {}
    for name, value in inputs.items():
        a = np.array(value, order="C", dtype=np.int32 if value.dtype.kind in "iu" else np_t)
        np.save(os.path.join(workdir, name + ".npy"), a)
        t = torch.from_numpy(a.copy())
        tensors[name] = t.requires_grad_() if a.dtype.kind == "f" else t

    want = twin(**tensors)
    expect = {"out_" + o: want[o] for o in c.outs}
    if c.target:
        target = want[c.target]
        upstream = None
        if target.dim() > 0:
            up = np.array(r.normal(*target.shape), order="C", dtype=np_t)
            np.save(os.path.join(workdir, "up_%s.npy" % c.target), up)
            upstream = torch.from_numpy(up)
        wrt = [tensors[w] for w in c.wrt]
        grads = torch.autograd.grad(target, wrt, grad_outputs=upstream, allow_unused=True)
        for w, x, g in zip(c.wrt, wrt, grads):
            expect["d_" + w] = torch.zeros_like(x) if g is None else g
        expect.update({"gout_" + o: want[o] for o in c.outs})

    args = [program_path(c.program), graph, workdir] + ["%s=%d" % kv for kv in sizes.items()]
    run = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    if run.returncode != 0:
        return ["runner failed (status %d): %s" % (run.returncode, run.stderr.strip())]
    written = {f[:-4] for f in os.listdir(workdir) if f[:-4] not in inputs and f.endswith(".npy")}
    written.discard("up_%s" % c.target)
    problems = []
    if written != set(expect):
        problems.append("runner wrote %s, expected %s" % (sorted(written), sorted(expect)))
    for name in sorted(set(expect) & written):
        m = mismatch(name, np.load(os.path.join(workdir, name + ".npy")), expect[name], rtol)
        if m:
            problems.append(m)
    return problems


def check_coverage(selected):
    """Every graph the runner knows has a case, so a graph added to a .morch is not forgotten."""
    listed = subprocess.run([program_path("runner"), "--list"], stdout=subprocess.PIPE,
                            universal_newlines=True, check=True).stdout.split()
    covered = {g for c in cases.CASES for g in c.graphs if c.program == "runner"}
    missing = sorted(set(listed) - covered)
    unknown = sorted(g for c in selected for g in c.graphs
                     if c.program == "runner" and g not in listed)
    problems = []
    if missing:
        problems.append("graphs without a torch case: " + " ".join(missing))
    if unknown:
        problems.append("cases without a graph: " + " ".join(unknown))
    return problems


def check(c, workdir):
    """Runs one case in both precisions at all its sizes; prints its verdict, returns failures."""
    verdicts, details, failures = [], [], 0
    for prec in PRECISIONS:
        bad = []
        for sizes in c.sizes:
            where = " ".join("%s=%d" % kv for kv in sizes.items())
            if VERBOSE:
                print("  %s %s %s" % (c.graph, prec, where))
            for p in run_case(c, prec, sizes, workdir):
                bad.append("%s%s: %s" % (prec, " " + where if where else "", p))
        details += bad
        crashed = any("runner failed" in b for b in bad)
        if c.known and bad and not crashed:
            verdicts.append(prec + " differs (known)")
        elif c.known and not bad:
            verdicts.append(prec + " MATCHES: remove known= from its case")
            failures += 1
        else:
            verdicts.append(prec + (" MISMATCH" if bad else " ok"))
            failures += bool(bad)
    word = "FAIL" if failures else "XFAIL" if c.known else "ok"
    sizes = "" if c.sizes == [{}] else "  (%d sizes)" % len(c.sizes)
    print("%-5s %-18s %s%s" % (word, c.graph, ", ".join(verdicts), sizes))
    if c.known:
        print("      known bug: " + c.known)
    for d in details:
        print("      " + d)
    return failures


def main(argv):
    global VERBOSE
    VERBOSE = "-v" in argv
    names = [a for a in argv if a != "-v"]
    selected = [c for c in cases.CASES if not names or c.graph in names]
    if names and len(selected) != len(names):
        print("unknown case among: " + " ".join(names))
        return 2
    torch.set_num_threads(1)  # the machine is shared; these tensors are tiny
    failed = 0
    for p in check_coverage(selected) if not names else []:
        print("FAIL  " + p)
        failed += 1
    top = tempfile.mkdtemp(prefix="morch-torch-")
    try:
        for c in selected:
            failed += check(c, os.path.join(top, "case"))
    finally:
        shutil.rmtree(top, ignore_errors=True)
    known = sum(bool(c.known) for c in selected)
    print("%d case(s), %d failure(s), %d known bug(s)" % (len(selected), failed, known))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
