#!/usr/bin/python3
"""runner_check.py: the parity runner's own checks, on the hand-written graphs of
broken_graphs.c: that it runs a correct graph, and stops with a message on a write past an
output, a gradient or the workspace, a changed input, results that depend on what the buffers
held before the call, and arguments that do not fit the graph.
Needs numpy only; exits 77 (skipped) without it."""
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("SKIP: python3-numpy not installed")
    sys.exit(77)

BUILD = os.environ.get("top_builddir") or os.path.join(os.path.dirname(__file__), "..", "..")
RUNNER = os.path.join(BUILD, "tests", "torch", "runner_selftest")
failures = 0


def run(work, *args):
    p = subprocess.run([RUNNER] + list(args[:1]) + [work] + list(args[1:]),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    return p.returncode, p.stderr.strip()


def expect(what, work, args, status, message=""):
    global failures
    got, err = run(work, *args)
    ok = got == status and message in err
    failures += not ok
    print("%s %s" % ("ok  " if ok else "FAIL", what))
    if not ok:
        print("     status %d (want %d), stderr: %s (want '%s')" % (got, status, err, message))


def files(work, **arrays):
    for f in os.listdir(work):
        os.remove(os.path.join(work, f))
    for name, a in arrays.items():
        np.save(os.path.join(work, name + ".npy"), a)


def main():
    global failures
    work = tempfile.mkdtemp(prefix="morch-runner-")
    try:
        x = np.float32([1, -2, 3.5])
        up = np.float32([0.5, 1, -1])
        files(work, x=x, up_y=up)
        expect("a correct graph runs", work, ["ok_twice"], 0)
        for name, want in [("out_y", 2 * x), ("gout_y", 2 * x), ("d_x", 2 * up)]:
            got = np.load(os.path.join(work, name + ".npy"))
            good = got.dtype == np.float32 and np.array_equal(got, want)
            failures += not good
            print("%s %s.npy holds what the graph computed" % ("ok  " if good else "FAIL", name))
        expect("a write past an output", work, ["output_overflow"], 1,
               "output_overflow_forward wrote past the end of y")
        expect("a write past a gradient", work, ["grad_overflow"], 1,
               "grad_overflow_grad wrote past the end of x")
        expect("a changed input", work, ["input_changed"], 1,
               "input_changed_forward changed its input x")
        expect("a write past the workspace", work, ["workspace_overflow"], 1,
               "workspace_overflow_forward wrote past the end of the workspace")
        expect("a workspace read before it is written", work, ["workspace_read"], 1,
               "workspace_read_forward: y depends on what the buffers held before the call")
        expect("a gradient accumulated, not overwritten", work, ["grad_accumulated"], 1,
               "grad_accumulated_grad: x depends on what the buffers held before the call")
        expect("an unknown graph", work, ["nonesuch"], 1, "no graph named 'nonesuch'")

        files(work, up_y=up)
        expect("a missing input file", work, ["ok_twice"], 1, "x.npy: cannot open")
        files(work, x=x)
        expect("a missing upstream file", work, ["ok_twice"], 1, "up_y.npy: cannot open")
        files(work, x=x.astype(np.float64), up_y=up)
        expect("an input of the wrong type", work, ["ok_twice"], 1,
               "dtype <f8, but x of ok_twice is <f4")
        files(work, x=np.float32([1, 2, 3, 4]), up_y=up)
        expect("an input of the wrong shape", work, ["ok_twice"], 1,
               "shape [4], but x of ok_twice is [3]")
        files(work, x=np.float32(1), up_y=up)
        expect("a scalar for a vector", work, ["ok_twice"], 1, "shape [], but x of ok_twice is [3]")

        files(work, x=np.ones((2, 2), np.float32))
        expect("sizes given", work, ["sized", "N=2"], 0)
        expect("a wrong size", work, ["sized", "N=3"], 1, "shape [2, 2], but x of sized is [3, 2]")
        expect("a missing size", work, ["sized"], 1, "missing size N=VALUE")
        expect("a size below 1", work, ["sized", "N=0"], 1, "not an integer at least 1")
        expect("an unknown size", work, ["sized", "N=2", "M=2"], 1, "'M=2' is not a size")
        expect("a size given twice", work, ["sized", "N=2", "N=2"], 1, "given twice")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
