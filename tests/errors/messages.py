"""messages.py: every case of tests/errors/cases (see tests/errors/README.md) must fail the way
CONTRACT.md A3 says: exit status exactly 1, the expected FILE:LINE:COL: error: TEXT as the first
line of stderr, nothing on stdout, no file created (neither the outputs nor temporaries), and
older output files left byte for byte and with their modification time. MORCHGEN_FLAGS is
deliberately not passed: each case runs its exact command lines (see morchtest.FLAGS)."""

import os
import re
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import morchtest  # noqa: E402

CASES = os.path.join(morchtest.TOP_SRCDIR, "tests", "errors", "cases")
OLD_TIME = 1000000000  # 2001: an output "from an earlier build"
OLD_TEXT = b"/* an older output that a failed run must leave alone */\n"


def read_case(path):
    """The case's directives and the bytes morchgen is to read."""
    with open(path, "rb") as f:
        data = f.read()
    directives = {}
    for line in data.split(b"\n"):
        m = re.search(rb"# (expect|options|args): (.*)$", line)
        if m:
            directives[m.group(1).decode()] = m.group(2).decode("ascii")
        elif not line.startswith(b"#"):
            break  # directives sit in the leading comment
    options = directives.get("options", "").split()
    for o in options:
        if o not in ("escapes", "no-final-newline"):
            raise ValueError("unknown option '%s'" % o)
    if "escapes" in options:
        data = re.sub(rb"\\(x[0-9a-fA-F]{2}|\\)",
                      lambda m: b"\\" if m.group(1) == b"\\" else bytes([int(m.group(1)[1:], 16)]),
                      data)
    if "no-final-newline" in options:
        if not data.endswith(b"\n"):
            raise ValueError("no-final-newline, but the file has no final newline")
        data = data[:-1]
    if "expect" not in directives:
        raise ValueError("no '# expect: LINE:COL: error: TEXT' line")
    return directives["expect"], directives.get("args", "").split(), data


def check_run(result, want_first, stdout_allowed=False):
    problems = []
    if result.timed_out or result.status != 1:
        problems.append("status: %s, want exit 1" % result.describe())
    if result.first_line != want_first:
        problems.append("stderr's first line:\n      got  %s\n      want %s" % (
            result.first_line.decode("utf-8", "replace"), want_first.decode()))
    for crash in (b"internal error", b"Sanitizer", b"runtime error:"):
        if crash in result.stderr:
            problems.append("stderr reports a crash: %s" % result.stderr.decode("utf-8", "replace"))
    if result.stdout and not stdout_allowed:
        problems.append("stdout is not empty: %r" % result.stdout[:200])
    return problems


def check_case(path):
    name = os.path.basename(path)
    try:
        expect, args, data = read_case(path)
    except ValueError as e:
        return ["bad case file: %s" % e]
    m = re.match(r"^(\d+):(\d+): error: .+$", expect)
    if not m:
        return ["bad expect line '%s': want LINE:COL: error: TEXT" % expect]
    where = morchtest.position_problem(data, int(m.group(1)), int(m.group(2)))
    if where:
        return ["the expected position is not in the file: %s" % where]
    want = ("%s:%s" % (name, expect)).encode()
    stem = name[:-len(".morch")]
    problems = []

    def attempt(label, olds, extra):
        with morchtest.Scratch() as d:
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            for old in olds:
                p = os.path.join(d, old)
                with open(p, "wb") as f:
                    f.write(OLD_TEXT)
                os.utime(p, (OLD_TIME, OLD_TIME))
            before = morchtest.snapshot(d)
            result = morchtest.run(args + extra + [name], d)
            after = morchtest.snapshot(d)
        for p in check_run(result, want) + morchtest.changes(before, after):
            problems.append("%s: %s" % (label, p))

    attempt("in an empty directory", [], [])
    attempt("over older outputs", [stem + ".c", stem + ".h"], [])
    attempt("with -o and --header", ["out.c", "out.h"], ["-o", "out.c", "--header", "out.h"])
    attempt("with --emit=ir", [], ["--emit=ir"])
    attempt("with --emit=ir -o", [stem + ".ir"], ["--emit=ir", "-o", stem + ".ir"])
    return problems


def main():
    report = morchtest.Report()
    names = sorted(n for n in os.listdir(CASES) if n.endswith(".morch"))
    for n in names:
        report.check(n, check_case(os.path.join(CASES, n)))
    report.finish()


if __name__ == "__main__":
    main()
