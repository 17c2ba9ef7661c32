"""torch_bench.py: the PyTorch side of `make bench`, eager mode on the CPU with one thread.

Prints lines for bench/run.py: `RESULT <key> <microseconds per call>`, `INFO <key> <value>`
(the torch version and the BLAS library the process loaded), or `SKIP <reason>` and exit
status 0 when torch cannot be imported. Timing is bench/timer.h's: a loop sized to ~0.2 s,
repeated 5 times (3 for slow calls), median time per call.
"""
import sys
import time

LOOP_S = 0.2
REPS = 5


def bench(fn):
    t0 = time.perf_counter()
    fn()
    once = time.perf_counter() - t0
    iters = 1
    if once < LOOP_S:
        n = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            t = time.perf_counter() - t0
            if t >= LOOP_S / 4:
                iters = max(1, int(n * LOOP_S / t))
                break
            n *= 2
    reps = 3 if once > 2 * LOOP_S else REPS
    per_call = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        per_call.append((time.perf_counter() - t0) / iters)
    per_call.sort()
    return per_call[reps // 2] * 1e6


def result(key, us):
    print("RESULT %s %.6g" % (key, us), flush=True)


def loaded_blas():
    """The BLAS and LAPACK shared objects mapped into this process."""
    libs = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            name = path.rsplit("/", 1)[-1]
            if ("blas" in name or "lapack" in name or "mkl" in name) and path not in libs:
                libs.append(path)
    return libs


def main():
    try:
        import torch
        import torch.nn.functional as F
    except ImportError as e:
        print("SKIP cannot import torch with %s: %s" % (sys.executable, e))
        return 0
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print("INFO torch.version %s" % torch.__version__)
    print("INFO torch.threads %d" % torch.get_num_threads())
    # torch resolves BLAS lazily: one matmul maps the library before /proc/self/maps is read.
    torch.ones(8, 8) @ torch.ones(8, 8)
    print("INFO torch.blas %s" % (" ".join(loaded_blas()) or "none mapped"))
    print("INFO torch.blas_info %s" % next(
        (w.split("=")[1].rstrip(",") for w in torch.__config__.show().split() if w.startswith("BLAS_INFO=")), "?"))

    # 1. the seed graph
    for n in (3, 64, 256, 1024):  # as BENCH_SEED_SIZES in bench/local.mk
        a = (torch.rand(n, n) * 4 - 2).requires_grad_()
        b = (torch.rand(n, n) * 2 - 1).requires_grad_()

        def forward():
            with torch.no_grad():
                return torch.sum((1 / (1 + torch.exp(-a))) @ b)

        def grad():
            a.grad = b.grad = None
            t = torch.sum((1 / (1 + torch.exp(-a))) @ b)
            t.backward()
            return t

        result("seed.torch.fwd.%d" % n, bench(forward))
        result("seed.torch.grad.%d" % n, bench(grad))

    # 2. the MLP training step
    batch, nin, nhid, nout = 64, 784, 128, 10
    x = torch.rand(batch, nin)
    y = torch.arange(batch) * 7 % nout
    a1, a2 = (6 / nin) ** 0.5, (6 / nhid) ** 0.5
    w1 = ((torch.rand(nin, nhid) * 2 - 1) * a1).requires_grad_()
    b1 = torch.zeros(nhid, requires_grad=True)
    w2 = ((torch.rand(nhid, nout) * 2 - 1) * a2).requires_grad_()
    b2 = torch.zeros(nout, requires_grad=True)
    opt = torch.optim.SGD([w1, b1, w2, b2], lr=1e-3)

    def mlp_loss():
        h = torch.relu(x @ w1 + b1)
        return F.cross_entropy(h @ w2 + b2, y)

    def mlp_forward():
        with torch.no_grad():
            return mlp_loss()

    def mlp_step():
        opt.zero_grad(set_to_none=True)
        loss = mlp_loss()
        loss.backward()
        opt.step()
        return loss

    result("mlp.torch.fwd", bench(mlp_forward))
    result("mlp.torch.step", bench(mlp_step))

    # 3. the elementwise chain over 16M floats
    n = 16777216
    x = torch.rand(n) * 2 - 1
    y = torch.rand(n) * 2 - 1
    z, t1, t2, t3 = (torch.empty(n) for _ in range(4))

    def chain():
        return (x + y) * (x - y) + 0.5 * x * y

    def chain_out():  # every result into a buffer allocated once, as the generated code does
        torch.mul(torch.add(x, y, out=t1), torch.sub(x, y, out=t2), out=t1)
        torch.mul(torch.mul(x, 0.5, out=t3), y, out=t3)
        return torch.add(t1, t3, out=z)

    def chain_sum():
        return torch.sum((x + y) * (x - y) + 0.5 * x * y)

    with torch.no_grad():
        result("stream.torch.chain", bench(chain))
        result("stream.torch.chain_out", bench(chain_out))
        result("stream.torch.sum", bench(chain_sum))
    return 0


if __name__ == "__main__":
    sys.exit(main())
