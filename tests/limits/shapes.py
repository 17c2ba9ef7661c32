"""Generators of large .morch files, one per shape, each of about n statements. Shared by
scaling.py (the test) and usable by hand: python3 shapes.py SHAPE N > file.morch."""
import sys


def chain(n):
    """a chain of n statements, each using the one before, differentiated at the end"""
    body = ["    v%d = v%d * 0.5 + x;\n" % (i + 1, i) for i in range(n)]
    return ("graph g {\n    input x[4];\n    v0 = x;\n" + "".join(body) +
            "    output v%d;\n    grad v%d wrt x;\n}\n" % (n, n))


def outputs(n):
    """n independent values, all outputs"""
    body = ["    y%d = x * %d;\n" % (i, i) for i in range(n)]
    names = ", ".join("y%d" % i for i in range(n))
    return "graph g {\n    input x[4];\n" + "".join(body) + "    output " + names + ";\n}\n"


def repeated_outputs(n):
    """one value named n times in the output list"""
    return ("graph g {\n    input x[4];\n    y = x * 2;\n    output " +
            ", ".join(["y"] * n) + ";\n}\n")


def repeated_grads(n):
    """n grad(l, x) expressions of the same loss"""
    body = ["    d%d = grad(l, x) * %d;\n" % (i, i) for i in range(n)]
    return ("graph g {\n    input x[4];\n    l = sum(x * x);\n" + "".join(body) +
            "    output d%d;\n}\n" % (n - 1))


def graphs(n):
    """n small graphs in one file"""
    return "".join("graph g%d {\n    input x[4];\n    y = x * %d;\n    output y;\n}\n" % (i, i)
                   for i in range(n))


def wide_sum(n):
    """one statement summing n terms, differentiated"""
    return ("graph g {\n    input x[4];\n    y = sum(" + " + ".join(["x"] * n) + ");\n"
            "    output y;\n    grad y wrt x;\n}\n")


SHAPES = {f.__name__: f for f in (chain, outputs, repeated_outputs, repeated_grads, graphs,
                                  wide_sum)}

if __name__ == "__main__":
    sys.stdout.write(SHAPES[sys.argv[1]](int(sys.argv[2])))
