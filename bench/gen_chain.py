"""gen_chain.py NODES: writes to standard output a valid .morch graph of about NODES operations
for the compile-time benchmark: a long DAG over [64, 16] tensors in which each statement is one
op, cycling through a small matmul, elementwise unary and binary ops with skip connections
(so values are used more than once), and reductions with keepdims, and ending in a scalar loss
with a grad statement, so morchgen differentiates and emits the whole gradient too.
"""
import sys

# One op each; {p} is the previous value, {q} the one three statements back, {r} the one seven
# back (skip connections make it a DAG, not a chain).
STEPS = [
    "{p} @ w",
    "tanh({p})",
    "{p} * v",
    "{p} + {q}",
    "mean({p}, axis=1, keepdims=true)",
    "{q} - {p}",
    "sigmoid({p})",
    "{p} * {r}",
    "max({p}, axis=0, keepdims=true)",
    "{q} + {p}",
    "exp(-{p})",  # two ops: neg, exp
]


def graph(nodes, name="chain"):
    lines = [
        "# %d-op graph written by bench/gen_chain.py for the compile-time benchmark" % nodes,
        "graph %s {" % name,
        "    input x[64, 16];",
        "    param w[16, 16];",
        "    param v[16];",
        "    h0 = tanh(x);",
    ]
    ops, i = 1, 0
    while ops < nodes - 2:
        step = STEPS[i % len(STEPS)]
        i += 1
        prev = lambda k: "h%d" % max(0, i - k)
        lines.append("    h%d = %s;" % (i, step.format(p=prev(1), q=prev(3), r=prev(7))))
        ops += 2 if step.startswith("exp(-") else 1
    lines += [
        "    loss = sum(h%d * h%d);" % (i, i),  # two ops: mul, sum
        "    output loss;",
        "    grad loss wrt w, v;",
        "}",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen_chain.py NODES")
    sys.stdout.write(graph(int(sys.argv[1])))
