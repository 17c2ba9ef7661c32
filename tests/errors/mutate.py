"""mutate.py: morchgen must survive any input. Deterministic mutations of valid .morch files
(byte flips, truncations, token deletions, duplications, swaps and insertions) and a few extreme
inputs (100000 nested parentheses, a 200000-term sum, ...) must each end with exit 0 or 1 within
a time limit, never by a signal or an internal error. Beyond that:
  - exit 1: the first line of stderr is FILE:LINE:COL: error: TEXT, at a position that exists in
    the file, and no output file is left;
  - exit 0: morchgen wrote the .c and the .h, and the first few such .c files compile with
    -std=c99 -Wall -Wextra -Werror.
MORCH_MUTATIONS sets the mutations per seed file (default 120); MORCH_SEED the random seed.
Every run gets configure's MORCHGEN_FLAGS (say -O0): no level may crash on any input."""

import glob
import os
import random
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import morchtest  # noqa: E402

TIME_LIMIT = 20  # seconds for one run; a normal run takes milliseconds
PER_SEED = int(os.environ.get("MORCH_MUTATIONS", "120"))
RANDOM_SEED = int(os.environ.get("MORCH_SEED", "20261125"))
MAX_COMPILES = 12  # successful mutants whose C is compiled

TOKEN = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?\.?|\*\*"
                   rb"|#[^\n]*|\s+|.", re.S)
# Bytes a mutation writes: the language's punctuation, digits, and bytes it must reject.
SPECIAL_BYTES = b"(){}[];,:=+-*/@#.\n\t 0129eE_xNaz\x00\x01\x7f\x80\xc3\xff$\"'\\"
SPECIAL_TOKENS = [b"graph", b"input", b"param", b"output", b"grad", b"wrt", b"**", b"(", b")",
                  b"[", b"]", b"{", b"}", b";", b",", b"=", b":", b"-1", b"0", b"1e999",
                  b"99999999999999999999", b"i32", b"f64", b"sum", b"reshape", b"axis=1",
                  b"keepdims=true", b"grad(", b"[-1]", b"#", b"\n", b"\x00"]


def mutants(data, rng, count):
    """COUNT (label, bytes) mutations of DATA."""
    tokens = TOKEN.findall(data)
    assert b"".join(tokens) == data
    real = [i for i, t in enumerate(tokens) if not t.isspace() and not t.startswith(b"#")]

    def join(ts):
        return b"".join(ts)

    kinds = ["flip", "byte", "truncate", "insert", "delete-line", "cut-range"]
    if len(real) >= 2:  # a file of comments has no tokens to delete or swap
        kinds += ["delete", "duplicate", "swap"]
    out = []
    while len(out) < count:
        kind = rng.choice(kinds)
        if kind == "flip":
            i = rng.randrange(len(data))
            m = bytearray(data)
            m[i] ^= 1 << rng.randrange(8)
            out.append(("flip bit of byte %d" % i, bytes(m)))
        elif kind == "byte":
            i = rng.randrange(len(data))
            b = rng.choice(SPECIAL_BYTES)
            out.append(("byte %d := 0x%02x" % (i, b), data[:i] + bytes([b]) + data[i + 1:]))
        elif kind == "truncate":
            i = rng.randrange(len(data))
            out.append(("truncate at %d" % i, data[:i]))
        elif kind == "delete":
            i = rng.choice(real)
            out.append(("delete token %d %r" % (i, tokens[i]), join(tokens[:i] + tokens[i + 1:])))
        elif kind == "duplicate":
            i = rng.choice(real)
            out.append(("duplicate token %d %r" % (i, tokens[i]),
                        join(tokens[:i + 1] + tokens[i:])))
        elif kind == "swap":
            i, j = sorted(rng.sample(real, 2))
            ts = list(tokens)
            ts[i], ts[j] = ts[j], ts[i]
            out.append(("swap tokens %d and %d" % (i, j), join(ts)))
        elif kind == "insert":
            i = rng.randrange(len(tokens) + 1)
            t = rng.choice(SPECIAL_TOKENS + [tokens[k] for k in real])
            out.append(("insert %r before token %d" % (t, i), join(tokens[:i] + [t] + tokens[i:])))
        elif kind == "delete-line":
            lines = data.split(b"\n")
            i = rng.randrange(len(lines))
            out.append(("delete line %d" % (i + 1), b"\n".join(lines[:i] + lines[i + 1:])))
        else:
            i, j = sorted(rng.sample(range(len(tokens) + 1), 2))
            out.append(("cut tokens %d..%d" % (i, j), join(tokens[:i] + tokens[j:])))
    return out


def extremes():
    """(label, bytes, want) inputs at the limits: deep nesting, long chains, many names. want is
    what the language wants: 0 for a legal graph, else the error message (after "error: ")."""
    def graph(body, decls=b"input x;"):
        return b"graph g {\n    " + decls + b"\n    " + body + b"\n}\n"

    n = 100000
    deep = "expression nested too deeply (the limit is 256 levels)"
    yield "100000 nested parentheses", graph(
        b"y = " + b"(" * n + b"x" + b")" * n + b";\noutput y;"), deep
    yield "100000 unclosed parentheses", graph(b"y = " + b"(" * n + b"x;\noutput y;"), deep
    yield "100000 closing parentheses", graph(
        b"y = x" + b")" * n + b";\noutput y;"), "syntax error, unexpected ')'"
    # chains of + and * nest nothing: any length compiles (tests/limits checks the time it takes)
    yield "100000-term sum", graph(b"y = " + b" + ".join([b"x"] * n) + b";\noutput y;"), 0
    yield "20000-factor product with grad", graph(
        b"y = " + b" * ".join([b"x"] * 20000) + b";\noutput y; grad y wrt x;"), 0
    yield "100000 unary minuses", graph(b"y = " + b"-" * n + b"x;\noutput y;"), deep
    yield "100000-term ** chain", graph(
        b"y = " + b" ** ".join([b"x"] * n) + b";\noutput y;"), deep
    yield "100000 nested calls", graph(
        b"y = " + b"exp(" * n + b"x" + b")" * n + b";\noutput y;"), deep
    yield "100000 nested lists", graph(
        b"y = reshape(x, " + b"[" * n + b"1" + b"]" * n + b");\noutput y;"), deep
    yield "100000 nested braces", b"graph g " + b"{" * n + b"}" * n + b"\n", \
        "syntax error, unexpected '{'"
    yield "1000-term sum", graph(
        b"y = " + b" + ".join([b"x"] * 1000) + b";\noutput y; grad y wrt x;"), 0
    yield "256 nested parentheses (the limit)", graph(
        b"y = " + b"(x + " * 256 + b"x" + b")" * 256 + b";\noutput y; grad y wrt x;"), 0
    yield "3000-statement chain", graph(
        b"".join(b"v%d = v%d * 0.5 + x;\n" % (i + 1, i) for i in range(3000)) +
        b"output v3000; grad v3000 wrt x;", b"input x; v0 = x;"), 0
    yield "6000 names after output", graph(
        b"".join(b"v%d = x * %d;\n" % (i, i) for i in range(6000)) +
        b"output " + b", ".join(b"v%d" % i for i in range(6000)) + b";"), 0
    yield "2000 graphs", b"".join(b"graph g%d { input x; output x; }\n" % i
                                  for i in range(2000)), 0
    yield "a 1 MB name", graph(b"output " + b"x" * (1 << 20) + b";",
                               b"input " + b"x" * (1 << 20) + b";"), \
        "name is longer than 1024 characters (%d)" % (1 << 20)
    yield "a 100000-digit number", graph(b"y = x * " + b"9" * n + b";\noutput y;"), \
        "number '%s... (%d characters)' is out of range" % ("9" * 64, n)
    yield "a 100000-digit dim", b"graph g { input x[" + b"9" * n + b"]; output x; }\n", \
        "dimension '%s... (%d characters)' is too large" % ("9" * 64, n)
    yield "100000 commas", graph(b"output " + b"," * n + b"x;"), \
        "syntax error, unexpected ',', expecting identifier"
    yield "200000 newlines", b"\n" * 200000 + b"graph g { input x; output y; }\n", \
        "undefined name 'y'"
    yield "a 1 MB comment", b"#" + b"c" * (1 << 20) + b"\ngraph g { input x; output x; }\n", 0
    yield "1 MB of NUL bytes", b"\x00" * (1 << 20), "unexpected byte 0x00"
    yield "1 MB of 0xff bytes", b"\xff" * (1 << 20), "unexpected byte 0xff"


def check_output(name, data, result, changed, compiles):
    """Problems with one run on DATA in a directory where only NAME was."""
    problems = []
    if result.timed_out or result.status not in (0, 1):
        return ["status: %s, want exit 0 or 1" % result.describe()]
    for crash in (b"internal error", b"Sanitizer", b"runtime error:"):
        at = result.stderr.find(crash)
        if at >= 0:
            problems.append("stderr reports a crash: %s" % result.stderr[at:at + 2000].decode(
                "utf-8", "replace"))
    stem = name[:-len(".morch")]
    if result.status == 1:
        m = morchtest.LOCATED.match(result.first_line)
        if not m or m.group("file") != name.encode():
            problems.append("first line of stderr is not %s:LINE:COL: error: TEXT: %r" % (
                name, result.first_line[:300]))
        else:
            where = morchtest.position_problem(data, int(m.group("line")), int(m.group("col")))
            if where:
                problems.append("bad error position: %s: %r" % (where, result.first_line[:200]))
        if changed:
            problems.append("failed, yet: %s" % ", ".join(changed))
    else:
        want = ["%s.c was created" % stem, "%s.h was created" % stem]
        if changed != want:
            problems.append("succeeded, but the directory changed so: %s" % ", ".join(changed))
        elif compiles is not None:
            problems += compiles()
    return problems


def run_one(label, data, report, budget, want=None):
    name = "m.morch"
    with morchtest.Scratch() as d:
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        before = morchtest.snapshot(d)
        result = morchtest.run(morchtest.FLAGS + [name], d, timeout=TIME_LIMIT)
        after = morchtest.snapshot(d)
        changed = morchtest.changes(before, after)

        def compiles():
            budget[0] -= 1
            cc = os.environ.get("CC", "cc").split()
            runtime = os.path.join(morchtest.TOP_SRCDIR, "runtime")
            proc = subprocess.run(cc + ["-std=c99", "-Wall", "-Wextra", "-Werror", "-I", runtime,
                                        "-c", "m.c", "-o", "m.o"], cwd=d,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if proc.returncode != 0:
                return ["the generated C does not compile:\n" + proc.stdout.decode()[:2000]]
            return []

        problems = check_output(name, data, result, changed, compiles if budget[0] > 0 else None)
        if want == 0 and result.status != 0:
            problems.append("exit %s, want 0: %r" % (result.status, result.first_line[:200]))
        elif isinstance(want, str) and not result.first_line.endswith(b" error: " + want.encode()):
            problems.append("first line %r, want the error %r" % (result.first_line[:200],
                                                                  want[:200]))
    if problems:
        problems.append("input: %r" % data[:400])
    report.check("%s (%s)" % (label, result.describe()), problems)
    return result


def main():
    report = morchtest.Report()
    seeds = [os.path.join(morchtest.TOP_SRCDIR, "examples", "seed", "seed.morch")]
    seeds += sorted(glob.glob(os.path.join(morchtest.HERE, "valid", "*.morch")))
    budget = [MAX_COMPILES]
    rng = random.Random(RANDOM_SEED)
    for seed in seeds:
        with open(seed, "rb") as f:
            data = f.read()
        base = os.path.basename(seed)
        result = run_one("%s as written" % base, data, report, budget)
        if result.status != 0:
            report.check("%s is a valid seed" % base, ["it does not compile"])
        for label, m in mutants(data, rng, PER_SEED):
            run_one("%s: %s" % (base, label), m, report, budget)
    for label, data, want in extremes():
        run_one(label, data, report, budget, want)
    report.finish()


if __name__ == "__main__":
    main()
