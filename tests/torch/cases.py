"""cases.py: the torch twin of every graph in tests/torch/*.morch.

Each case is one function, registered with @case: given a random source (and the run-time sizes
as keyword arguments) it returns the graph's inputs as numpy arrays, and the twin: a function of
torch tensors, one per input and param, that returns the graph's named values (its outputs and
its grad target). The parity script computes the gradients of the twin with torch.autograd.

  @case("GRAPH", outs="a b", grad="t wrt x y", sizes=[{"N": 1}, ...], graphs=(f32, f64))

`grad` is the graph's grad statement. The f64 graph is GRAPH_f64 (made by the build) unless
`graphs` names both. `known="..."` marks a known divergence from PyTorch, a bug not fixed yet:
the case must then differ (in both precisions), and fails once it matches, so the mark goes.
`program` is the executable in tests/torch that runs the graph (runner unless said).
"""
import numpy as np
import torch
import torch.nn.functional as F

CASES = []


class Case:
    def __init__(self, fn, graph, outs, grad, sizes, graphs, known, program):
        self.make = fn
        self.known = known
        self.program = program
        self.graph = graph
        self.outs = outs.split()
        self.target, self.wrt = None, []
        if grad:
            target, wrt = grad.split(" wrt ")
            self.target, self.wrt = target.strip(), wrt.split()
        self.sizes = sizes or [{}]
        self.graphs = graphs or (graph, graph + "_f64")


def case(graph, outs, grad=None, sizes=None, graphs=None, known=None, program="runner"):
    def register(fn):
        CASES.append(Case(fn, graph, outs, grad, sizes, graphs, known, program))
        return fn
    return register


class Rand:
    """Deterministic inputs of the kinds the cases need."""

    def __init__(self, rng):
        self.rng = rng

    def normal(self, *shape, scale=1.0, loc=0.0):
        return np.asarray(loc + scale * self.rng.standard_normal(shape))

    def uniform(self, lo, hi, *shape):
        return np.asarray(self.rng.uniform(lo, hi, shape))

    def ties(self, *shape):
        """Values from a small set, so equal elements are common."""
        return np.asarray(self.rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0], shape))

    def with_zeros(self, *shape):
        """Normal values with about a third of them exactly 0."""
        x = self.normal(*shape)
        return np.where(self.rng.random(shape) < 0.35, 0.0, x)

    def labels(self, n, c):
        return self.rng.integers(0, c, n).astype(np.int32)


def amax(x, dim=None, keepdim=False):
    return torch.amax(x, dim=tuple(range(x.dim())) if dim is None else dim, keepdim=keepdim)


def amin(x, dim=None, keepdim=False):
    return torch.amin(x, dim=tuple(range(x.dim())) if dim is None else dim, keepdim=keepdim)


def T(x):
    return x.transpose(-1, -2)


def const(like, v):
    return torch.tensor(v, dtype=like.dtype)


# ---- the seed notebook ----

@case("seed", outs="t", grad="t wrt a b", graphs=("seed", "seed64"))
def seed(r):
    a = np.arange(9.0).reshape(3, 3)
    return dict(a=a, b=a / 8), lambda a, b: dict(t=torch.sum(1 / (1 + torch.exp(-a)) @ b))


# ---- elementwise ----

def binary(graph, op, x_shape, y_shape, x=None, y=None):
    """A case z = op(x, y) for random x and y (or the given generators)."""
    def make(r):
        xs = x(r, *x_shape) if x else r.normal(*x_shape)
        ys = y(r, *y_shape) if y else r.normal(*y_shape)
        return dict(x=xs, y=ys), lambda x, y: dict(z=op(x, y))
    make.__name__ = graph
    case(graph, outs="z", grad="z wrt x y")(make)


def away_from_zero(r, *shape):
    return r.uniform(0.5, 2.0, *shape) * r.rng.choice([-1.0, 1.0], shape)


def positive(r, *shape):
    return r.uniform(0.3, 2.0, *shape)


def ties(r, *shape):
    return r.ties(*shape)


binary("add", torch.add, (3, 4), (3, 4))
binary("sub", torch.sub, (3, 4), (3, 4))
binary("mul", torch.mul, (3, 4), (3, 4))
binary("div", torch.div, (3, 4), (3, 4), y=away_from_zero)
binary("add_bcast", torch.add, (3, 1), (4,))
binary("sub_bcast", torch.sub, (2, 3, 4), (3, 1))
binary("mul_bcast", torch.mul, (4,), (2, 3, 1))
binary("div_bcast", torch.div, (2, 1, 4), (3, 1), y=away_from_zero)
binary("maximum_op", torch.maximum, (3, 4), (3, 4), x=ties, y=ties)
binary("minimum_op", torch.minimum, (3, 4), (3, 4), x=ties, y=ties)
binary("maximum_bcast", torch.maximum, (3, 4), (1, 4), x=ties, y=ties)
binary("minimum_bcast", torch.minimum, (2, 1, 4), (3, 1), x=ties, y=ties)
binary("pow_op", torch.pow, (3, 4), (3, 4), x=positive)
binary("pow_fn", torch.pow, (3, 4), (3, 4), x=positive)


@case("pow_bcast", outs="z", grad="z wrt x p")
def pow_bcast(r):
    return dict(x=positive(r, 3, 4), p=r.normal(4)), lambda x, p: dict(z=x ** p)


@case("neg", outs="z", grad="z wrt x")
def neg(r):
    return dict(x=r.normal(3, 4)), lambda x: dict(z=-x)


@case("scalar_mix", outs="z", grad="z wrt x s")
def scalar_mix(r):
    def twin(x, s):
        return dict(z=2 * x - s / x + x * s - 1.5e-1 + .5 * -(x ** 2) + 0.5 * s - x / 4.)
    return dict(x=away_from_zero(r, 3, 4), s=r.normal()), twin


@case("pow_assoc", outs="z", grad="z wrt a b c")
def pow_assoc(r):
    abc = dict(a=r.uniform(0.5, 1.5, 5), b=r.uniform(0.5, 1.5, 5), c=r.normal(5))
    return abc, lambda a, b, c: dict(z=a ** (b ** c))


def unary(graph, op, gen=None):
    def make(r):
        return dict(x=gen(r, 3, 4) if gen else r.normal(3, 4)), lambda x: dict(z=op(x))
    make.__name__ = graph
    case(graph, outs="z", grad="z wrt x")(make)


unary("exp_op", torch.exp)
unary("log_op", torch.log, positive)
unary("sqrt_op", torch.sqrt, positive)
unary("tanh_op", torch.tanh)
unary("sigmoid_op", torch.sigmoid, lambda r, *s: r.normal(*s, scale=3))
unary("relu_op", torch.relu, lambda r, *s: r.with_zeros(*s))
unary("abs_op", torch.abs, lambda r, *s: r.with_zeros(*s))


@case("pow_const", outs="z", grad="z wrt x s")
def pow_const(r):
    def twin(x, s):
        return dict(z=x ** 3 + torch.pow(x, 2) - 2 ** x + torch.pow(x * x + 1, s) + x ** -2)
    return dict(x=away_from_zero(r, 3, 4), s=r.normal()), twin


@case("clamp", outs="z", grad="z wrt x")
def clamp(r):
    def twin(x):
        return dict(z=torch.minimum(torch.maximum(x, const(x, 0)), const(x, 1)))
    return dict(x=r.ties(3, 4) + r.ties(3, 4)), twin


# ---- reductions ----

def reduction(graph, op, gen=None, shape=(2, 3, 4)):
    def make(r):
        return dict(x=gen(r, *shape) if gen else r.normal(*shape)), lambda x: dict(s=op(x))
    make.__name__ = graph
    case(graph, outs="s", grad="s wrt x")(make)


ALL3 = (0, 1, 2)
reduction("sum_all", lambda x: x.sum())
reduction("sum_axis", lambda x: x.sum(dim=1))
reduction("sum_neg_keep", lambda x: x.sum(dim=-1, keepdim=True))
reduction("sum_keep_all", lambda x: x.sum(dim=ALL3, keepdim=True))
reduction("mean_all", lambda x: x.mean())
reduction("mean_axis", lambda x: x.mean(dim=0))
reduction("mean_neg_keep", lambda x: x.mean(dim=-2, keepdim=True))
reduction("max_all", amax, ties, (3, 4))
reduction("max_axis", lambda x: amax(x, 1), ties)
reduction("max_neg_keep", lambda x: amax(x, -1, keepdim=True), ties)
reduction("min_all", amin, ties, (3, 4))
reduction("min_axis", lambda x: amin(x, -3), ties)
reduction("min_keep", lambda x: amin(x, 2, keepdim=True), ties)
reduction("max_keep_all", lambda x: amax(x, ALL3, keepdim=True), ties)
reduction("softmax_last", lambda x: torch.softmax(x, -1), shape=(3, 5))
reduction("softmax_axis0", lambda x: torch.softmax(x, 0), shape=(3, 5))
reduction("softmax_3d", lambda x: torch.softmax(x, 1))
reduction("log_softmax_last", lambda x: torch.log_softmax(x, -1), shape=(3, 5))
reduction("log_softmax_3d", lambda x: torch.log_softmax(x, -2))
reduction("logsumexp_last", lambda x: torch.logsumexp(x, -1), shape=(3, 5))
reduction("logsumexp_3d", lambda x: torch.logsumexp(x, 0))
reduction("logsumexp_1d", lambda x: torch.logsumexp(x, -1), shape=(6,))


@case("stable_1000", outs="s l e t", grad="t wrt x")
def stable_1000(r):
    def twin(x):
        s, l, e = torch.softmax(x, -1), torch.log_softmax(x, 0), torch.logsumexp(x, 1)
        return dict(s=s, l=l, e=e, t=torch.sum(s * l) + torch.sum(e))
    return dict(x=r.normal(3, 5, loc=1000.0)), twin


# ---- matmul, transpose, reshape ----

def matmul(graph, a, b, names="a b"):
    na, nb = names.split()

    def make(r):
        return {na: r.normal(*a), nb: r.normal(*b)}, lambda **t: dict(c=t[na] @ t[nb])
    make.__name__ = graph
    case(graph, outs="c", grad="c wrt " + names)(make)


matmul("mm_2d", (3, 4), (4, 5))
matmul("mm_1d_2d", (4,), (4, 5), "v b")
matmul("mm_2d_1d", (3, 4), (4,), "a v")
matmul("mm_1d_1d", (4,), (4,), "u v")
matmul("mm_3d", (2, 3, 4), (2, 4, 5))
matmul("mm_3d_2d", (2, 3, 4), (4, 5))
matmul("mm_2d_3d", (3, 4), (2, 4, 5))
matmul("mm_batch_bcast", (1, 3, 4), (2, 4, 5))
matmul("mm_3d_1d", (2, 3, 4), (4,), "a v")
matmul("mm_1d_3d", (3,), (2, 3, 5), "v b")


@case("mm_chain", outs="d", grad="d wrt a b c")
def mm_chain(r):
    abc = dict(a=r.normal(3, 4), b=r.normal(4, 2), c=r.normal(2, 5))
    return abc, lambda a, b, c: dict(d=((a @ b) * 2) @ c - a @ (b @ c))


@case("transpose_2d", outs="t", grad="t wrt x")
def transpose_2d(r):
    return dict(x=r.normal(3, 4)), lambda x: dict(t=T(x))


@case("transpose_3d", outs="t", grad="t wrt x")
def transpose_3d(r):
    return dict(x=r.normal(2, 3, 4)), lambda x: dict(t=T(x))


@case("mm_transposed", outs="c", grad="c wrt a b")
def mm_transposed(r):
    def twin(a, b):
        return dict(c=T(a) @ T(b) + T(b @ a) + T(a) @ T(T(T(b))))
    return dict(a=r.normal(4, 3), b=r.normal(5, 4)), twin


@case("reshape_infer", outs="r", grad="r wrt x")
def reshape_infer(r):
    return dict(x=r.normal(2, 3, 4)), lambda x: dict(r=x.reshape(4, -1))


@case("reshape_flat", outs="r", grad="r wrt x")
def reshape_flat(r):
    return dict(x=r.normal(2, 3, 4)), lambda x: dict(r=x.reshape(-1))


@case("reshape_use", outs="r s", grad="s wrt x w")
def reshape_use(r):
    def twin(x, w):
        rr = x.reshape(3, -1, 2) * w.reshape(3, 2, 2)
        return dict(r=rr, s=rr.sum().reshape(1, 1))
    return dict(x=r.normal(2, 6), w=r.normal(3, 4)), twin


# ---- symbolic dims ----

@case("sym_affine", outs="y l", grad="l wrt x w b", sizes=[dict(N=1), dict(N=3), dict(N=7)])
def sym_affine(r, N):
    def twin(x, w, b):
        y = x @ w + b
        return dict(y=y, l=torch.mean(y * y))
    return dict(x=r.normal(N, 4), w=r.normal(4, 3), b=r.normal(3)), twin


@case("sym_reduce", outs="m r s", grad="s wrt x v",
      sizes=[dict(N=1, M=1), dict(N=3, M=5), dict(N=6, M=2)])
def sym_reduce(r, N, M):
    def twin(x, v):
        m = x.mean(dim=0) * v
        rr = amax(x, 1) - x.mean()
        return dict(m=m, r=rr, s=m.sum() + (rr * rr).sum())
    return dict(x=r.ties(N, M) + r.ties(N, M), v=r.normal(M)), twin


@case("sym_reshape", outs="a f s", grad="s wrt x",
      sizes=[dict(N=1, M=1), dict(N=2, M=3), dict(N=5, M=2)])
def sym_reshape(r, N, M):
    def twin(x):
        a, f = x.reshape(N, -1), x.reshape(-1)
        b = a.reshape(N, M, 2)
        s = (a * a).sum() + torch.exp(f).sum() / 2 + (b * x.reshape(N, M, -1)).sum()
        return dict(a=a, f=f, s=s)
    return dict(x=r.normal(N, 2, M)), twin


@case("sym_batch", outs="q", grad="q wrt x w",
      sizes=[dict(B=1, N=1), dict(B=2, N=3), dict(B=3, N=2)])
def sym_batch(r, B, N):
    def twin(x, w):
        y = (x @ w).reshape(B, -1)
        return dict(q=torch.softmax(y, -1).reshape(B, N, N) @ x)
    return dict(x=r.normal(B, N, 3), w=r.normal(3, N)), twin


# ---- labels ----

def ce_twin(logits, y):
    return dict(l=F.cross_entropy(logits, y.long()))


@case("ce", outs="l", grad="l wrt logits")
def ce(r):
    return dict(logits=r.normal(5, 4, scale=2), y=r.labels(5, 4)), ce_twin


@case("ce_sym", outs="l", grad="l wrt logits",
      sizes=[dict(N=1, C=1), dict(N=1, C=3), dict(N=4, C=2), dict(N=9, C=5)])
def ce_sym(r, N, C):
    return dict(logits=r.normal(N, C, scale=2), y=r.labels(N, C)), ce_twin


@case("ce_large", outs="l", grad="l wrt logits")
def ce_large(r):
    def twin(logits, y):
        return dict(l=3 * F.cross_entropy(logits, y.long()))
    return dict(logits=r.normal(4, 3, loc=1000.0, scale=3), y=r.labels(4, 3)), twin


# ---- upstream gradients, grad(y, x), second derivatives ----

@case("upstream", outs="z", grad="z wrt x w")
def upstream(r):
    return dict(x=r.normal(4, 3), w=r.normal(3, 2)), lambda x, w: dict(z=torch.tanh(x @ w))


@case("unused_wrt", outs="t", grad="t wrt unused w")
def unused_wrt(r):
    xw = dict(x=r.normal(3), w=r.normal(3), unused=r.normal(2))
    return xw, lambda x, w, unused: dict(t=torch.sum(x * w))


def grad_of(y, x):
    """grad(y, x) as morch defines it, kept differentiable."""
    return torch.autograd.grad(y, x, create_graph=True)[0]


@case("grad_expr", outs="f g")
def grad_expr(r):
    def twin(x, w):
        f = torch.sum(x ** 3 * w) + torch.sum(x) * torch.sum(w)
        return dict(f=f, g=grad_of(f, x))
    return dict(x=r.normal(4), w=r.normal(4)), twin


@case("hvp", outs="f g h", grad="h wrt x w")
def hvp(r):
    def twin(x, v, w):
        f = torch.sum(torch.tanh(w @ x)) + torch.sum(x * x * x) / 6
        g = grad_of(f, x)
        return dict(f=f, g=g, h=torch.sum(g * v))
    return dict(x=r.normal(4), v=r.normal(4), w=r.normal(4, 4)), twin


@case("grad_of_grad_vec", outs="g z", grad="z wrt x w")
def grad_of_grad_vec(r):
    def twin(x, w):
        f = torch.sum(torch.sigmoid(w @ x) * x)
        g = grad_of(f, w)
        return dict(g=g, z=g * w + grad_of(f, x))
    return dict(x=r.normal(3), w=r.normal(3, 3)), twin


# ---- models ----

def mlp_params(r):
    return dict(w1=r.normal(4, 8, scale=0.5), b1=r.normal(8, scale=0.1),
                w2=r.normal(8, 3, scale=0.5), b2=r.normal(3, scale=0.1))


@case("mlp_tiny", outs="loss logits", grad="loss wrt w1 b1 w2 b2",
      sizes=[dict(N=1), dict(N=6), dict(N=16)])
def mlp_tiny(r, N):
    def twin(x, y, w1, b1, w2, b2):
        logits = torch.relu(x @ w1 + b1) @ w2 + b2
        return dict(loss=F.cross_entropy(logits, y.long()), logits=logits)
    return dict(x=r.normal(N, 4), y=r.labels(N, 3), **mlp_params(r)), twin


@case("mlp_softmax", outs="loss p", grad="loss wrt w1 b1 w2 b2",
      sizes=[dict(N=1), dict(N=5)])
def mlp_softmax(r, N):
    def twin(x, onehot, w1, b1, w2, b2):
        logits = torch.tanh(x @ w1 + b1) @ w2 + b2
        loss = -torch.mean(torch.sum(onehot * torch.log_softmax(logits, -1), dim=1))
        return dict(loss=loss, p=torch.softmax(logits, -1))
    onehot = np.eye(3)[r.labels(N, 3)]
    return dict(x=r.normal(N, 4), onehot=onehot, **mlp_params(r)), twin


@case("logreg_binary", outs="loss p", grad="loss wrt w b",
      sizes=[dict(N=1, D=1), dict(N=5, D=3), dict(N=8, D=2)])
def logreg_binary(r, N, D):
    def twin(x, y, w, b):
        p = torch.sigmoid(x @ w + b)
        return dict(loss=-torch.mean(y * torch.log(p) + (1 - y) * torch.log(1 - p)), p=p)
    y = r.labels(N, 2).astype(np.float64)
    return dict(x=r.normal(N, D), y=y, w=r.normal(D), b=r.normal()), twin


# ---- the examples' graphs as they ship (f64 twins made by the build) ----

def digits(r, n):
    """Stand-ins for the 8x8 digits: pixels in [0, 1], labels 0..9."""
    return dict(x=r.uniform(0, 1, n, 64), y=r.labels(n, 10))


@case("mlp", outs="loss logits", grad="loss wrt w1 b1 w2 b2", sizes=[dict(N=1), dict(N=32)])
def example_mlp(r, N):
    def twin(x, y, w1, b1, w2, b2):
        logits = torch.relu(x @ w1 + b1) @ w2 + b2
        return dict(loss=F.cross_entropy(logits, y.long()), logits=logits)
    params = dict(w1=r.normal(64, 32, scale=0.2), b1=r.normal(32, scale=0.1),
                  w2=r.normal(32, 10, scale=0.2), b2=r.normal(10, scale=0.1))
    return dict(digits(r, N), **params), twin


@case("logreg", outs="loss logits", grad="loss wrt w b", sizes=[dict(N=1), dict(N=32)])
def example_logreg(r, N):
    def twin(x, y, w, b):
        logits = x @ w + b
        return dict(loss=F.cross_entropy(logits, y.long()), logits=logits)
    return dict(digits(r, N), w=r.normal(64, 10, scale=0.2), b=r.normal(10, scale=0.1)), twin


# ---- written from the documentation alone, called without reflection ----

@case("least_squares", outs="cost r", grad="cost wrt w b", program="readme_run")
def least_squares(r):
    def twin(x, y, w, b):
        res = x @ w + b - y
        return dict(cost=torch.mean(res * res) + 0.01 * torch.sum(w * w), r=res)
    return dict(x=r.normal(6, 3), y=r.normal(6, 2), w=r.normal(3, 2), b=r.normal()), twin


@case("least_squares_n", outs="cost", grad="cost wrt w b", program="readme_run",
      sizes=[dict(N=1, D=1), dict(N=4, D=3), dict(N=10, D=2)])
def least_squares_n(r, N, D):
    def twin(x, y, w, b):
        res = x @ w + b - y
        return dict(cost=torch.mean(res * res))
    return dict(x=r.normal(N, D), y=r.normal(N, 2), w=r.normal(D, 2), b=r.normal(2)), twin


@case("residuals", outs="r", grad="r wrt w b", program="readme_run")
def residuals(r):
    def twin(x, y, w, b):
        return dict(r=x @ w + b - y)
    return dict(x=r.normal(4, 3), y=r.normal(4, 2), w=r.normal(3, 2), b=r.normal(2)), twin


# ---- second derivatives: g = grad(sum(op(x) * w), x), differentiated again ----

def second(graph, f, x=None, w=None, extra=None):
    """f(x, w) is the scalar whose gradient in x the graph takes."""
    def make(r):
        inputs = dict(x=x(r) if x else r.normal(3, 4), w=w(r) if w else r.normal(3, 4))
        inputs.update(extra(r) if extra else {})

        def twin(x, w, **more):
            return dict(g=grad_of(f(x, w, **more), x))
        return inputs, twin
    make.__name__ = graph
    case(graph, outs="g", grad="g wrt x w")(make)


second("d2_exp", lambda x, w: torch.sum(torch.exp(x) * w))
second("d2_log", lambda x, w: torch.sum(torch.log(x) * w), x=lambda r: positive(r, 3, 4))
second("d2_sqrt", lambda x, w: torch.sum(torch.sqrt(x) * w), x=lambda r: positive(r, 3, 4))
second("d2_tanh", lambda x, w: torch.sum(torch.tanh(x) * w))
second("d2_sigmoid", lambda x, w: torch.sum(torch.sigmoid(x) * w))
second("d2_relu", lambda x, w: torch.sum(torch.relu(x) * w), x=lambda r: r.with_zeros(3, 4))
second("d2_abs", lambda x, w: torch.sum(torch.abs(x) * w), x=lambda r: r.with_zeros(3, 4))
second("d2_div", lambda x, w: torch.sum(w / x + x / w),
       x=lambda r: away_from_zero(r, 3, 4), w=lambda r: away_from_zero(r, 3, 4))
second("d2_pow", lambda x, w: torch.sum(x ** w + w ** x),
       x=lambda r: positive(r, 3, 4), w=lambda r: positive(r, 3, 4))
second("d2_maximum", lambda x, w: torch.sum(torch.maximum(x, w) * w + torch.minimum(x, w) * x),
       x=lambda r: r.ties(3, 4), w=lambda r: r.ties(3, 4))
second("d2_max", lambda x, w: torch.sum(amax(x, 1) * w) + torch.sum(amin(x, 1, True) * x),
       x=lambda r: r.ties(3, 4), w=lambda r: r.normal(3))
second("d2_mean", lambda x, w: torch.mean(torch.mean(x * x, dim=0) * w), w=lambda r: r.normal(4))
second("d2_softmax", lambda x, w: torch.sum(torch.softmax(x, -1) * w))
second("d2_log_softmax", lambda x, w: torch.sum(torch.log_softmax(x, 0) * w))
second("d2_logsumexp", lambda x, w: torch.sum(torch.logsumexp(x, -1) * w), w=lambda r: r.normal(3))
second("d2_cross_entropy", lambda x, w, y: F.cross_entropy(x * w, y.long()),
       extra=lambda r: dict(y=r.labels(3, 4)))
second("d2_matmul", lambda x, w: torch.sum(torch.tanh(x @ w)), w=lambda r: r.normal(4, 2))
second("d2_views", lambda x, w: torch.sum(T(x).reshape(6, 2) * w * x.reshape(-1, 2)),
       w=lambda r: r.normal(6, 2))
second("d2_bcast", lambda x, w: torch.sum((x * w) ** 2 - x / (w * w + 1)),
       x=lambda r: r.normal(3, 1), w=lambda r: r.normal(4))


@case("d3", outs="h", grad="h wrt x v")
def d3(r):
    def twin(x, v):
        g = grad_of(torch.sum(torch.exp(x) * x * x * torch.tanh(x)), x)
        return dict(h=torch.sum(grad_of(torch.sum(g * v), x)))
    return dict(x=r.normal(3), v=r.normal(3)), twin


# ---- corners ----

@case("outputs_alias", outs="z s x y", grad="s wrt s x")
def outputs_alias(r):
    return dict(x=r.normal(3), s=r.normal()), lambda x, s: dict(z=x, s=s, x=x, y=x)


@case("input_target", outs="x", grad="x wrt x")
def input_target(r):
    return dict(x=r.normal(2, 3)), lambda x: dict(x=x)


@case("scalar_reduce", outs="a r f", grad="f wrt s")
def scalar_reduce(r):
    def twin(s):
        a = s.sum() + s.mean() * amax(s) - amin(s, keepdim=True)
        rr = (s * a).reshape(1, 1)
        return dict(a=a, r=rr, f=rr.reshape(-1) + s)
    return dict(s=r.normal()), twin


@case("size_one_axes", outs="m p t", grad="t wrt x v")
def size_one_axes(r):
    def twin(x, v):
        m = amax(x, 1) + amin(x, -1) * v.sum()
        p = torch.softmax(x, -1) + torch.log_softmax(v, -1) + torch.logsumexp(x, -1, keepdim=True)
        q = torch.softmax(v, -1) * x
        return dict(m=m, p=p, t=m.sum() + (p * x).sum() + q.sum())
    return dict(x=r.normal(3, 1), v=r.normal(1)), twin


@case("all_tied", outs="t", grad="t wrt x")
def all_tied(r):
    def twin(x):
        return dict(t=torch.sum(amax(x) + amin(x, 0, keepdim=True)))
    return dict(x=np.full((2, 3), 0.75)), twin


@case("logsumexp_keep", outs="s", grad="s wrt x")
def logsumexp_keep(r):
    return dict(x=r.normal(2, 3, 4)), lambda x: dict(s=torch.logsumexp(x, 1, keepdim=True))


@case("softmax_1d", outs="s", grad="s wrt x")
def softmax_1d(r):
    return dict(x=r.normal(5)), lambda x: dict(s=torch.softmax(x, 0) * torch.log_softmax(x, 0))


@case("sym_broadcast", outs="z", grad="z wrt x y w",
      sizes=[dict(N=1, M=1, K=1), dict(N=3, M=2, K=4), dict(N=2, M=5, K=1)])
def sym_broadcast(r, N, M, K):
    return (dict(x=r.normal(N, 1), y=r.normal(M), w=r.normal(M, K)),
            lambda x, y, w: dict(z=(x + y) @ w))


@case("mm_self", outs="y", grad="y wrt x")
def mm_self(r):
    return dict(x=r.normal(3, 3)), lambda x: dict(y=x @ x + T(x) @ x + x @ T(x))


@case("liveness", outs="a c f t", grad="t wrt x")
def liveness(r):
    def twin(x):
        a = torch.exp(x / 4)
        b = T(a) @ a
        c = b - T(b) + a
        d = torch.softmax(c, -1) * a + torch.relu(c - a)
        e = d.reshape(2, 8)
        f = T(e.reshape(4, 4)) @ d + a * b
        return dict(a=a, c=c, f=f, t=torch.sum(f * x) + torch.sum(a) + amax(T(c)))
    return dict(x=r.normal(4, 4)), twin


@case("output_order", outs="c a b", grad="c wrt x")
def output_order(r):
    def twin(x):
        a = x * 2
        b = a + 1
        return dict(c=a * b, a=a, b=b)
    return dict(x=r.normal(2, 2)), twin


def zeros_and_positives(r, *shape):
    """Exact zeros in every other element, the rest in (0.5, 2)."""
    x = r.uniform(0.5, 2, *shape)
    x.reshape(-1)[::2] = 0
    return x


@case("pow_zero_base", outs="z", grad="z wrt x y")
def pow_zero_base(r):
    x = zeros_and_positives(r, 2, 3)
    return dict(x=x, y=r.uniform(1.2, 2, 2, 3)), lambda x, y: dict(z=x ** y)


@case("pow_zero_exponent", outs="z", grad="z wrt x")
def pow_zero_exponent(r):
    return dict(x=zeros_and_positives(r, 2, 3)), lambda x: dict(z=x ** 0 + torch.pow(x, 0) * x)


@case("shared_sinks", outs="y t", grad="t wrt x u v")
def shared_sinks(r):
    def twin(x, u, v):
        y = torch.exp(x)
        return dict(y=y, t=y + torch.sum(u + v))
    return dict(x=r.normal(), u=r.normal(3), v=r.normal(3)), twin


@case("big", outs="c s m t", grad="t wrt a b p")
def big(r):
    def twin(a, b, p):
        c = torch.tanh(a @ b / 8)
        s = torch.softmax(p, -1)
        m = amax(p, 1) + p.mean(dim=0, keepdim=True) @ T(p)
        return dict(c=c, s=s, m=m, t=torch.sum(c * c) + torch.sum(s * p) + torch.sum(m))
    return dict(a=r.normal(37, 65), b=r.normal(65, 29), p=r.normal(5, 300)), twin
