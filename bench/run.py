"""run.py: runs every benchmark of `make bench` in one go and prints one table with absolute
times and ratios. make passes the built drivers, morchgen, the compiler and the flags:

    run.py --builddir B --srcdir S --morchgen M --cc CC --cflags FLAGS --python PY
           [--cc-timeout SECONDS] [--nodes 100,280,1000,1400,5000]
           [--cblas-libs LIBS] [--openmp-cflags FLAGS]

The C drivers (bench/seed, mlp, stream, matmul, vecfn; the optional mlp-blas, matmul-omp,
mlp-omp, stream-omp) and bench/torch_bench.py print `RESULT key microseconds` lines; this
script only runs them (the --openmp builds once per thread count), times the compiler, and
formats. The last two options only say why optional rows are missing.
Only the standard library is used, so it runs with any Python 3.
"""
import argparse
import datetime
import os
import re
import resource
import signal
import subprocess
import sys
import time

SEED_SIZES = (3, 64, 256, 1024)  # as BENCH_SEED_SIZES in bench/local.mk
STREAM_N = 16777216
VEC_N = 1048576  # as in bench/vecfuncs.morch
# bench/products.morch: form, n, what it computes, element type
MM_FORMS = [("n64", 64, "a @ b", "f32"), ("n128", 128, "a @ b", "f32"), ("n256", 256, "a @ b", "f32"),
            ("n512", 512, "a @ b", "f32"), ("n1024", 1024, "a @ b", "f32"),
            ("tb512", 512, "a @ transpose(b)", "f32"), ("ta512", 512, "transpose(a) @ b", "f32"),
            ("d512", 512, "a @ b", "f64")]
# bench/vecfn.c: function, input range, the libm loop
VEC_FUNCS = [("exp", "[-80, 80)", "expf(x)"), ("log", "[0.001, 1000)", "logf(x)"),
             ("tanh", "[-9, 9)", "tanhf(x)"), ("sigmoid", "[-20, 20)", "1 / (1 + expf(-x))")]
# The --openmp rows: the driver, the key it times (the serial build's key too), the row's label,
# and the checks of the serial build's row.
OMP_ROWS = [("matmul-omp", "mm.gen.n512", "matmul c = a @ b, n = 512 f32", ["mm.n512.sampled", "mm.n512.vs_blas"]),
            ("mlp-omp", "mlp.gen.step", "MLP training step (batch 64)", ["mlp.loss_finite"]),
            ("stream-omp", "stream.gen.chain", "elementwise chain z, 16M floats", [])]
TOL = 1e-3  # the largest relative difference a CHECK line may show


def bench_env(torch=False, threads=None):
    """The environment of every run: OpenBLAS picks a slow kernel with these two set. BLAS runs
    on one thread (for torch and the C drivers that call CBLAS); OpenMP on `threads` if given."""
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OPENBLAS_NUM_THREADS"] = "1"  # torch.set_num_threads does not reach OpenBLAS
    if torch:
        env["OMP_NUM_THREADS"] = "1"
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)
    return env


def thread_counts():
    """1, 2, 4, ... up to the number of cores, and the number of cores itself."""
    cores = os.cpu_count() or 1
    counts = {cores}
    t = 1
    while t < cores:
        counts.add(t)
        t *= 2
    return sorted(counts)


def rel_diff(a, b):
    """|a - b| / |b| of two numbers printed by drivers (strings); inf when one is missing."""
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return float("inf")
    return abs(a - b) / max(abs(b), 1e-30)


def run_driver(cmd, results, info, checks, env):
    """Runs one driver, printing its progress to stderr, and collects what it reports."""
    print("bench: running %s" % " ".join(cmd), file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, universal_newlines=True, env=env)
    for line in proc.stdout.splitlines():
        words = line.split(None, 2)
        if len(words) == 3 and words[0] == "RESULT":
            results[words[1]] = float(words[2])
        elif len(words) == 3 and words[0] == "INFO":
            info[words[1]] = words[2]
        elif len(words) == 3 and words[0] == "CHECK":
            checks[words[1]] = float(words[2])
        elif words and words[0] == "SKIP":
            info["skip"] = line[5:]
    if proc.returncode != 0:
        print("bench: %s failed with status %d" % (cmd[0], proc.returncode), file=sys.stderr)
    return proc.returncode


def us(v):
    """A time in microseconds, three significant digits or more."""
    if v is None:
        return "-"
    if v >= 1000:
        return "%.0f" % v
    if v >= 100:
        return "%.1f" % v
    if v >= 1:
        return "%.2f" % v
    return "%.3f" % v


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    r = a / b
    return "%.2f" % r if r >= 0.1 else "%.3f" % r


def gflops(n, t_us):
    """GFLOP/s of an n x n x n product (2 n^3 flops) taking t_us microseconds."""
    return 2.0 * n ** 3 / (t_us * 1e3) if t_us else None


def num(v, fmt="%.2f"):
    return "-" if v is None else fmt % v


def row(cells, widths):
    return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))


def table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    out = [row(header, widths), row(["-" * w for w in widths], widths)]
    out += [row(r, widths) for r in rows]
    return "\n".join("    " + line for line in out)


def first_line(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "?"


def machine():
    model = "?"
    try:
        out = subprocess.run(["lscpu"], stdout=subprocess.PIPE, universal_newlines=True).stdout
        model = re.search(r"^Model name:\s*(.*)$", out, re.M).group(1)
    except (OSError, AttributeError):
        pass
    return "%s, %d cores" % (model, os.cpu_count() or 0)


def run_timed(cmd, timeout):
    """Wall and CPU seconds (user + system, with children) of a command, or (None, None) when it
    ran longer than timeout: then its whole process group (cc and cc1) is killed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, start_new_session=True)
    try:
        status = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return None, None
    wall = time.perf_counter() - t0
    if status != 0:
        raise subprocess.CalledProcessError(status, cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compile_bench(args, nodes_list):
    """Per graph size: IR nodes, morchgen seconds (best of 3), C lines, cc -O2 -c seconds."""
    sys.path.insert(0, os.path.join(args.srcdir, "bench"))
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import gen_chain

    rows = []
    for nodes in nodes_list:
        base = os.path.join(args.builddir, "bench", "compile-%d" % nodes)
        with open(base + ".morch", "w") as f:
            f.write(gen_chain.graph(nodes))
        print("bench: morchgen on a %d-op graph" % nodes, file=sys.stderr, flush=True)
        gen_s = []
        try:
            for _ in range(3):
                t0 = time.perf_counter()
                subprocess.run([args.morchgen, "-o", base + ".c", base + ".morch"], check=True)
                gen_s.append(time.perf_counter() - t0)
            ir = subprocess.run([args.morchgen, "--emit=ir", base + ".morch"], check=True,
                                stdout=subprocess.PIPE, universal_newlines=True).stdout
        except subprocess.CalledProcessError:
            rows.append([nodes, "morchgen failed"] + [""] * 6)
            continue
        ir_nodes = len(re.findall(r"^\s*%\d+ =", ir, re.M)) or "?"
        with open(base + ".c") as f:
            c_lines = sum(1 for _ in f)
        print("bench: %s -O2 -c on it (stopped after %g s)" % (args.cc, args.cc_timeout),
              file=sys.stderr, flush=True)
        cmd = args.cc.split() + ["-O2", "-I" + os.path.join(args.srcdir, "runtime"),
                                 "-c", base + ".c", "-o", base + ".o"]
        cc_s, cc_cpu = run_timed(cmd, args.cc_timeout)
        if cc_s is None:
            cc_cell, cc_node, total = "> %g" % args.cc_timeout, "> %.1f" % (args.cc_timeout * 1e3 / nodes), "-"
        else:
            cc_cell = "%.2f (cpu %.2f)" % (cc_s, cc_cpu)
            cc_node, total = "%.2f" % (cc_cpu * 1e3 / nodes), "%.2f" % (min(gen_s) + cc_s)
        rows.append([nodes, ir_nodes, "%.3f" % min(gen_s), "%.3f" % (min(gen_s) * 1e3 / nodes),
                     c_lines, cc_cell, cc_node, total])
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--builddir", required=True)
    p.add_argument("--srcdir", required=True)
    p.add_argument("--morchgen", required=True)
    p.add_argument("--cc", required=True)
    p.add_argument("--cflags", required=True)
    p.add_argument("--python", default="")
    p.add_argument("--cc-timeout", type=float, default=60)
    p.add_argument("--nodes", default="100,280,1000,1400,5000")
    p.add_argument("--cblas-libs", default="")
    p.add_argument("--openmp-cflags", default="-fopenmp")
    args = p.parse_args()
    bdir = os.path.join(args.builddir, "bench")

    results, info, checks = {}, {}, {}
    status = 0
    for prog in ("seed", "mlp", "stream", "vecfn"):
        status |= run_driver([os.path.join(bdir, prog)], results, info, checks, bench_env())
    mm_info = {}
    status |= run_driver([os.path.join(bdir, "matmul")], results, mm_info, checks, bench_env())

    # --blas: the MLP generated with --blas, linked with CBLAS; its loss must be the serial one's.
    no_cblas = "no CBLAS: configure found none and CBLAS_LIBS is empty (make bench CBLAS_LIBS=-lopenblas)"
    blas_results, blas_info, blas_skip = {}, {}, None
    if os.path.exists(os.path.join(bdir, "mlp-blas")):
        blas_checks = {}
        status |= run_driver([os.path.join(bdir, "mlp-blas")], blas_results, blas_info, blas_checks, bench_env())
        for k, v in blas_checks.items():
            checks[k.replace("mlp.", "mlp.blas.", 1)] = v
        checks["mlp.blas.loss0"] = rel_diff(blas_info.get("mlp.loss0"), info.get("mlp.loss0"))
    else:
        blas_skip = no_cblas if not args.cblas_libs else "bench/mlp-blas was not built"

    # --openmp: each build once per thread count, timing only its row's key; its results are
    # checked against the serial build's (matmul: in the driver; MLP: loss; chain: checksum).
    omp_results, omp_skip = {}, None
    try:
        with open(os.path.join(bdir, "openmp")) as f:
            have_openmp = f.read().strip() == "yes"
    except OSError:
        have_openmp = False
    if not have_openmp:
        omp_skip = "%s cannot build an OpenMP program with %s (make bench BENCH_OPENMP_CFLAGS=...)" % (
            args.cc, args.openmp_cflags)
    else:
        for prog, key, _, _ in OMP_ROWS:
            exe = os.path.join(bdir, prog)
            if not os.path.exists(exe):
                continue
            for t in thread_counts():
                res, inf, chk = {}, {}, {}
                status |= run_driver([exe, key], res, inf, chk, bench_env(threads=t))
                if key in res:
                    omp_results[(key, t)] = res[key]
                for k, v in chk.items():
                    checks["omp%d.%s" % (t, k)] = v
                if "mlp.loss0" in inf:
                    checks["omp%d.mlp.loss0" % t] = rel_diff(inf["mlp.loss0"], info.get("mlp.loss0"))
                if "stream.z_sum" in inf:
                    checks["omp%d.stream.z_sum" % t] = rel_diff(inf["stream.z_sum"], info.get("stream.z_sum"))
    torch_info = {}
    if args.python:
        run_driver([args.python, os.path.join(args.srcdir, "bench", "torch_bench.py")],
                   results, torch_info, checks, bench_env(torch=True))
    else:
        torch_info["skip"] = "no Python (configure found none: set PYTHON3)"
    compile_rows = compile_bench(args, [int(n) for n in args.nodes.split(",")])
    R = results.get

    # ---- the report ----
    print()
    print("morch benchmarks, %s" % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"))
    print("machine:  %s; %s" % (machine(), first_line(args.cc.split() + ["--version"])))
    print("C flags:  %s  (generated and hand-written C alike; make bench BENCH_CFLAGS=... to change)" % args.cflags)
    if "skip" in torch_info:
        print("torch:    not run: %s" % torch_info["skip"])
    else:
        blas = torch_info.get("torch.blas", "?")
        kind = ("OpenBLAS" if "openblas" in blas else "reference BLAS (netlib)" if "/blas/" in blas
                else "unknown BLAS")
        print("torch:    %s eager, CPU, %s thread(s); BLAS the process loaded: %s" % (
            torch_info.get("torch.version", "?"), torch_info.get("torch.threads", "?"), kind))
        print("          (/proc/self/maps: %s)" % ", ".join(blas.split()))
    print("timing:   median of 5 loops of ~0.2 s (3 loops for calls over 0.4 s); times in us per call")
    print("ratios:   A/B of times in sections 1-4 (below 1: morch is faster); sections 5-7 say which way")
    bad = ["%s (%.2g)" % (k, v) for k, v in sorted(checks.items()) if not v <= TOL]
    print("checks:   %s" % ("FAILED: " + ", ".join(bad) if bad else
                            "morch's results match the hand-written C, libm, CBLAS and the serial build"
                            " (relative difference <= %g)" % TOL))

    def failed(*keys):
        """Whether a check of a row failed: its time is then shown as 'wrong', not as a number."""
        return any(k in checks and not checks[k] <= TOL for k in keys)

    def blas_ok(key):
        """A time of the --blas MLP, or None when its loss differs from the serial build's."""
        return None if failed("mlp.blas.loss0", "mlp.blas.loss_finite") else blas_results.get(key)

    def blas_us(key):
        return "wrong" if blas_ok(key) is None and key in blas_results else us(blas_ok(key))

    print("\n1. seed graph t = sum(1 / (1 + exp(-a)) @ b), a, b [n, n] f32")
    print("\n  forward (us)")
    print(table(["n", "morch", "hand C", "torch", "morch/hand", "morch/torch"],
                [[n, us(R("seed.gen.fwd.%d" % n)), us(R("seed.hand.fwd.%d" % n)),
                  us(R("seed.torch.fwd.%d" % n)),
                  ratio(R("seed.gen.fwd.%d" % n), R("seed.hand.fwd.%d" % n)),
                  ratio(R("seed.gen.fwd.%d" % n), R("seed.torch.fwd.%d" % n))] for n in SEED_SIZES]))
    print("\n  forward + gradient wrt a and b (us): morch G_grad; hand C; hand C with dc = 1 folded; torch forward + backward")
    print(table(["n", "morch", "hand C", "hand dc=1", "torch", "morch/hand", "morch/hand dc=1", "morch/torch"],
                [[n, us(R("seed.gen.grad.%d" % n)), us(R("seed.hand.grad.%d" % n)),
                  us(R("seed.hand.grad1.%d" % n)), us(R("seed.torch.grad.%d" % n)),
                  ratio(R("seed.gen.grad.%d" % n), R("seed.hand.grad.%d" % n)),
                  ratio(R("seed.gen.grad.%d" % n), R("seed.hand.grad1.%d" % n)),
                  ratio(R("seed.gen.grad.%d" % n), R("seed.torch.grad.%d" % n))] for n in SEED_SIZES]))
    print("\n  (forward + gradient) / forward")
    print(table(["n", "morch G_grad/G_forward", "hand C", "hand dc=1", "torch (fwd+bwd)/fwd"],
                [[n, ratio(R("seed.gen.grad.%d" % n), R("seed.gen.fwd.%d" % n)),
                  ratio(R("seed.hand.grad.%d" % n), R("seed.hand.fwd.%d" % n)),
                  ratio(R("seed.hand.grad1.%d" % n), R("seed.hand.fwd.%d" % n)),
                  ratio(R("seed.torch.grad.%d" % n), R("seed.torch.fwd.%d" % n))] for n in SEED_SIZES]))

    print("\n2. MLP 784-128-10 (ReLU, cross_entropy), batch 64: training step = gradient + SGD update")
    print(table(["", "morch", "torch", "morch/torch"],
                [["forward (us)", us(R("mlp.gen.fwd")), us(R("mlp.torch.fwd")),
                  ratio(R("mlp.gen.fwd"), R("mlp.torch.fwd"))],
                 ["training step (us)", us(R("mlp.gen.step")), us(R("mlp.torch.step")),
                  ratio(R("mlp.gen.step"), R("mlp.torch.step"))],
                 ["step / forward", ratio(R("mlp.gen.step"), R("mlp.gen.fwd")),
                  ratio(R("mlp.torch.step"), R("mlp.torch.fwd")), ""]] +
                ([] if blas_skip else
                 [["forward, --blas (us)", blas_us("mlp.gen.fwd"), us(R("mlp.torch.fwd")),
                   ratio(blas_ok("mlp.gen.fwd"), R("mlp.torch.fwd"))],
                  ["training step, --blas (us)", blas_us("mlp.gen.step"), us(R("mlp.torch.step")),
                   ratio(blas_ok("mlp.gen.step"), R("mlp.torch.step"))]])))
    print("   morch/torch: time ratio, below 1 = morch faster; --blas rows: the MLP generated with --blas, CBLAS on one thread")
    if blas_skip:
        print("   --blas rows: not run: %s" % blas_skip)

    print("\n3. elementwise z = (x + y) * (x - y) + 0.5 * x * y, x, y of %d floats" % STREAM_N)
    print("   GB/s counts bytes read + written: 12 per element for the triad and z, 8 for sum(z)")
    triad = R("stream.triad")

    def bw(key, per_elem):
        t = R(key)
        gbs = per_elem * STREAM_N / (t * 1e-6) / 1e9 if t else None
        tgbs = 12 * STREAM_N / (triad * 1e-6) / 1e9 if triad else None
        return [us(t), "%.1f" % gbs if gbs else "-", "%.0f%%" % (100 * gbs / tgbs) if gbs and tgbs else "-"]

    print(table(["", "time (us)", "GB/s", "% of triad"],
                [["STREAM triad a = b + s*c (C)"] + bw("stream.triad", 12),
                 ["z: morch G_forward"] + bw("stream.gen.chain", 12),
                 ["z: hand C, one loop"] + bw("stream.hand.chain", 12),
                 ["z: torch eager"] + bw("stream.torch.chain", 12),
                 ["z: torch, out= buffers"] + bw("stream.torch.chain_out", 12),
                 ["sum(z): morch G_forward"] + bw("stream.gen.sum", 8),
                 ["sum(z): hand C, one loop"] + bw("stream.hand.sum", 8),
                 ["sum(z): torch eager"] + bw("stream.torch.sum", 8)]))
    if "stream.ws_bytes" in info:
        print("   morch workspace for these graphs: %.0f MB" % (int(info["stream.ws_bytes"]) / 1e6))

    print("\n4. compile time of a generated DAG (bench/gen_chain.py: matmuls, elementwise ops, reductions over")
    print("   [64, 16]; with its gradient); morchgen best of 3, then one %s -O2 -c on its output" % args.cc)
    print(table(["ops", "IR nodes", "morchgen (s)", "ms/op", "C lines", "cc -O2 (s, wall)", "cpu ms/op", "total (s)"],
                compile_rows))

    print("\n5. matmul c = op(a) @ op(b), square [n, n], bench/products.morch: morch G_forward against")
    print("   cblas_sgemm / cblas_dgemm, one thread; GFLOP/s = 2 n^3 / time, higher is better;")
    print("   morch/cblas = morch's GFLOP/s over cblas's (1 = BLAS speed, higher is better)")
    mm_rows = []
    for form, n, expr, dtype in MM_FORMS:
        g, b = R("mm.gen." + form), R("mm.blas." + form)
        if failed("mm.%s.sampled" % form, "mm.%s.vs_blas" % form):
            mm_rows.append([expr, n, dtype, "wrong", us(b), "wrong", num(gflops(n, b), "%.1f"), "-"])
            continue
        mm_rows.append([expr, n, dtype, us(g), us(b), num(gflops(n, g), "%.1f"), num(gflops(n, b), "%.1f"),
                        ratio(b, g)])
    print(table(["product", "n", "type", "morch (us)", "cblas (us)", "morch GFLOP/s", "cblas GFLOP/s",
                 "morch/cblas"], mm_rows))
    if "skip" in mm_info:
        print("   cblas: not run: %s" % mm_info["skip"])
    elif "mm.blas_lib" in mm_info:
        print("   cblas: %s" % mm_info["mm.blas_lib"])

    print("\n6. vector functions y = f(x) over %d floats, bench/vecfuncs.morch: morch G_forward against a" % VEC_N)
    print("   libm loop with the same flags; elements/ns higher is better; morch/libm = morch's")
    print("   elements/ns over libm's (above 1: morch faster); ulp = largest difference from libm, in")
    print("   float ulps of libm's value")
    vec_rows = []
    for fn, rng, libm in VEC_FUNCS:
        g, l = R("vec.gen." + fn), R("vec.libm." + fn)
        bad = failed("vec." + fn)
        vec_rows.append([fn, rng, libm, "wrong" if bad else us(g), us(l),
                         "wrong" if bad else num(VEC_N / (g * 1e3) if g else None, "%.3f"),
                         num(VEC_N / (l * 1e3) if l else None, "%.3f"), "-" if bad else ratio(l, g),
                         info.get("vec.%s.ulp" % fn, "-")])
    print(table(["f", "x in", "libm loop", "morch (us)", "libm (us)", "morch el/ns", "libm el/ns",
                 "morch/libm", "ulp"], vec_rows))

    counts = thread_counts()
    print("\n7. --openmp scaling on %d cores: the graph generated with --openmp, built with %s, run with" % (
        os.cpu_count() or 1, args.openmp_cflags))
    print("   OMP_NUM_THREADS = T; serial = the build without --openmp (sections 2, 3, 5);")
    print("   speedup = serial time / time with T threads, higher is better")
    if omp_skip:
        print("   not run: %s" % omp_skip)
    else:
        omp_rows = []
        for _, key, label, serial_checks in OMP_ROWS:
            cells = [label, "wrong" if failed(*serial_checks) else us(R(key))]
            for t in counts:  # a thread count whose result differs from the serial one's
                if failed(*[k for k in checks if k.startswith("omp%d.%s" % (t, key.split(".")[0]))]):
                    omp_results.pop((key, t), None)
            cells += [us(omp_results.get((key, t))) for t in counts]
            cells += ["-" if failed(*serial_checks) else ratio(R(key), omp_results.get((key, t)))
                      for t in counts]
            omp_rows.append(cells)
        print(table(["graph", "serial (us)"] + ["T=%d (us)" % t for t in counts] +
                    ["speedup T=%d" % t for t in counts], omp_rows))
    return status


if __name__ == "__main__":
    sys.exit(main())
