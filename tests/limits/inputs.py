"""inputs.py: odd and extreme inputs end with a located error or a success, never a crash, and
the deepest expressions allowed compile on a 1 MB stack.

Each check runs morchgen (without MORCHGEN_FLAGS: the expected results hold at every level,
and -O2 and -O0 are run where it matters) in a scratch directory. Standard library only."""

import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "errors"))
import morchtest  # noqa: E402

MB = 1 << 20
STACK = 1 * MB  # the nesting limits hold with an eighth of the usual 8 MB
LIMIT_BYTES = 64 * MB


def small_stack():
    resource.setrlimit(resource.RLIMIT_STACK, (STACK, STACK))


def run(d, data, args, stack=False, stdin=None):
    with open(os.path.join(d, "m.morch"), "wb") as f:
        f.write(data)
    src = ["-"] if stdin is not None else ["m.morch"]
    proc = subprocess.run([morchtest.MORCHGEN] + args + src, cwd=d, input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                          preexec_fn=small_stack if stack else None)
    return proc.returncode, proc.stderr.split(b"\n", 1)[0].decode("utf-8", "replace")


def graph(body, decls="input x;"):
    return ("graph g {\n    %s\n    %s\n    output y;\n}\n" % (decls, body)).encode()


def cases():
    """(label, bytes, want, args, on a small stack): want is 0 or the first line of stderr
    after the file name."""
    eof = "syntax error, unexpected end of file, expecting 'graph'"
    yield "an empty file", b"", "1:1: error: " + eof, [], False
    yield "only whitespace", b"  \n\t\n", "2:2: error: " + eof, [], False
    yield "only a comment", b"# nothing\n", "1:10: error: " + eof, [], False
    ok = b"graph g {\n    input x[3];\n    y = x * 2;\n    output y;\n}\n"
    yield "CRLF line endings", ok.replace(b"\n", b"\r\n"), 0, [], False
    yield "no final newline", ok.rstrip(b"\n"), 0, [], False
    yield "a NUL byte", ok.replace(b"* 2", b"*\0 2"), "3:12: error: unexpected byte 0x00", [], False
    yield "invalid UTF-8", ok.replace(b"* 2", b"\xc3\x28 2"), \
        "3:11: error: unexpected byte 0xc3", [], False
    name = "n" * 1024
    yield "a name of 1024 characters", graph("y = %s * 2;" % name, "input %s;" % name), 0, \
        ["--emit=ir"], False
    yield "a name of 1025 characters", graph("y = x;", "input %s;" % ("n" * 1025)), \
        "2:11: error: name is longer than 1024 characters (1025)", [], False
    yield "a 1 MB line", graph("y = x" + " " * MB + "+ z;"), \
        "3:%d: error: undefined name 'z'" % (MB + 12), [], False
    digits = "7" * 100000
    yield "a 100000-digit number", graph("y = x * %s;" % digits), \
        "3:13: error: number '%s... (100000 characters)' is out of range" % ("7" * 64), [], False
    yield "a 100000-digit dim", graph("y = x;", "input x[%s];" % digits), \
        "2:13: error: dimension '%s... (100000 characters)' is too large" % ("7" * 64), [], False
    # the deepest nesting allowed, each construct, on a small stack, to C at both levels
    deep = {
        "parentheses": "(" * 256 + "x" + ")" * 256,
        "unary minuses": "-" * 256 + "x",
        "a ** chain": " ** ".join(["x"] * 257),
        "calls": "exp(" * 256 + "x" + ")" * 256,
        "sums in parentheses": "(x + " * 256 + "x" + ")" * 256,
    }
    for label, e in deep.items():
        for level in ("-O2", "-O0"):
            yield "256 levels of %s, %s" % (label, level), graph("y = %s;" % e), 0, [level], True
    grads = "grad(" * 8 + "tanh(x * x)" + ", x)" * 8
    for level in ("-O2", "-O0"):
        yield "8 levels of grad(grad(...)), %s" % level, graph("y = %s;" % grads), 0, [level], True
    chain = "y = " + " + ".join(["x"] * 100000) + ";"
    yield "a 100000-term sum with grad", graph(chain + "\n    grad y wrt x;"), 0, ["-O2"], True
    stmts = "".join("v%d = v%d * 0.5 + x;\n    " % (i + 1, i) for i in range(30000))
    yield "a 30000-statement chain", graph(stmts + "y = v30000;\n    grad y wrt x;",
                                           "input x[4];\n    v0 = x;"), 0, ["-O2"], True
    yield "4000 graphs", b"".join(b"graph g%d { input x; output x; }\n" % i
                                  for i in range(4000)), 0, [], False
    # many grad(l, x) of a large l: the graph grows past its bound (about a million nodes)
    loss = "l = " + " + ".join("sum(x * %d)" % i for i in range(1, 3001)) + ";\n    "
    grads = "".join("d%d = grad(l, x);\n    " % i for i in range(300))
    yield "a graph past its node bound", graph(loss + grads + "y = d0;", "input x[4];"), \
        "error: graph 'g' is too large: more than 1048576 IR nodes", [], False


def main():
    report = morchtest.Report()
    with tempfile.TemporaryDirectory(prefix="morch-limits-") as d:
        for label, data, want, args, stack in cases():
            code, first = run(d, data, args, stack)
            problems = []
            if want == 0 and code != 0:
                problems.append("exit %d, want 0: %s" % (code, first[:300]))
            elif want != 0 and (code != 1 or not first.startswith("m.morch:") or
                                not first.endswith(want) or
                                not morchtest.LOCATED.match(first.encode())):
                problems.append("exit %d, first line %r, want exit 1 and %r" % (
                    code, first[:300], want[:300]))
            report.check(label, problems)
        # the size bound, from a file and from standard input: a comment fills the file
        fits = b"graph g { input x; output x; }\n#"
        fits += b"c" * (LIMIT_BYTES - len(fits) - 1) + b"\n"
        code, first = run(d, fits, ["--emit=ir"])
        report.check("a file of exactly 64 MiB", [] if code == 0 else ["exit %d: %s" % (
            code, first[:300])])
        big = fits + b"\n"
        want = "morchgen: 'm.morch' is larger than 64 MiB, the limit for a source file"
        code, first = run(d, big, [])
        report.check("a file of 64 MiB and a byte", [] if (code, first) == (1, want) else [
            "exit %d, first line %r, want %r" % (code, first[:300], want)])
        code, first = run(d, b"", ["--emit=ir"], stdin=big)
        want = want.replace("'m.morch'", "'-'")
        report.check("64 MiB and a byte on standard input", [] if (code, first) == (1, want)
                     else ["exit %d, first line %r, want %r" % (code, first[:300], want)])
        leftovers = [n for n in os.listdir(d) if n not in ("m.morch", "m.c", "m.h")]
        report.check("no temporary files left", [] if not leftovers else [str(leftovers)])
    report.finish()


if __name__ == "__main__":
    main()
