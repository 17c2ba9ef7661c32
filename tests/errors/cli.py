"""cli.py: morchgen's command line and file errors. --help and --version print to stdout and exit
0; a bad command line, an input that cannot be read and an output that cannot be written exit 1
with a message on stderr and leave no file behind. MORCHGEN_FLAGS is deliberately not passed:
the command line is what is tested (see morchtest.FLAGS)."""

import os
import re
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import morchtest  # noqa: E402

GOOD = b"graph g {\n    input x[2];\n    y = x * 2;\n    output y;\n}\n"
BAD = b"graph g {\n    input x[2];\n    output y;\n}\n"


def scratch_run(args, files=(), stdin=b"", prepare=None):
    """Runs morchgen in a fresh directory holding FILES (name -> bytes, None for a directory);
    returns the result and what changed in the directory."""
    with morchtest.Scratch() as d:
        for name, data in dict(files).items():
            path = os.path.join(d, name)
            if data is None:
                os.mkdir(path)
            else:
                with open(path, "wb") as f:
                    f.write(data)
        if prepare:
            prepare(d)
        before = morchtest.snapshot(d)
        result = morchtest.run(args, d, stdin=stdin)
        after = morchtest.snapshot(d)
        if prepare:
            for name in os.listdir(d):
                os.chmod(os.path.join(d, name), 0o700)
    return result, morchtest.changes(before, after)


def expect(result, status, stdout=None, stderr=None):
    """Problems with RESULT: STATUS; STDOUT and STDERR are regexes (None: must be empty)."""
    problems = []
    if result.timed_out or result.status != status:
        problems.append("status: %s, want exit %d" % (result.describe(), status))
    for name, got, want in (("stdout", result.stdout, stdout), ("stderr", result.stderr, stderr)):
        if want is None and got:
            problems.append("%s should be empty, is %r" % (name, got[:300]))
        elif want is not None and not re.search(want.encode(), got):
            problems.append("%s %r does not match %r" % (name, got[:300], want))
    return problems


def failure(result, changed, message):
    """A run that must fail: exit 1, MESSAGE (a regex) on stderr, no stdout, no new file."""
    return expect(result, 1, None, message) + changed


def main():
    report = morchtest.Report()
    ok = {"in.morch": GOOD}

    for flag in ("--help", "-h"):
        r, changed = scratch_run([flag])
        report.check("%s prints usage to stdout, exits 0" % flag,
                     expect(r, 0, r"^Usage: morchgen .*\n(.*\n)*.*--version", None) + changed)
    for flag in ("--version", "-V"):
        r, changed = scratch_run([flag])
        report.check("%s prints the version to stdout, exits 0" % flag,
                     expect(r, 0, r"^morchgen \d+\.\d+(\.\d+)?\n$", None) + changed)
    r, changed = scratch_run(["--help", "in.morch"], ok)
    report.check("--help with an input only prints usage",
                 expect(r, 0, r"^Usage: morchgen ", None) + changed)

    r, changed = scratch_run([], ok)
    report.check("no input file", failure(r, changed, r"^morchgen: no input file\n"))
    r, changed = scratch_run(["in.morch", "in2.morch"], dict(ok, **{"in2.morch": GOOD}))
    report.check("two input files", failure(r, changed, r"^morchgen: more than one input file\n"))
    r, changed = scratch_run(["--bogus", "in.morch"], ok)
    report.check("unknown long option",
                 failure(r, changed, r"--bogus'?\n(.*\n)*Try 'morchgen --help'"))
    r, changed = scratch_run(["-q", "in.morch"], ok)
    report.check("unknown short option",
                 failure(r, changed, r"-- '?q'?\n(.*\n)*Try 'morchgen --help'"))
    r, changed = scratch_run(["in.morch", "-o"], ok)
    report.check("-o without its argument",
                 failure(r, changed, r"'?o'?\n(.*\n)*Try 'morchgen --help'"))
    r, changed = scratch_run(["--emit=asm", "in.morch"], ok)
    report.check("unknown --emit kind",
                 failure(r, changed, r"^morchgen: unknown --emit kind 'asm' \(c, ir or test\)\n"))

    r, changed = scratch_run(["missing.morch"])
    report.check("an input that does not exist",
                 failure(r, changed, r"^morchgen: cannot open 'missing.morch': .+\n"))
    r, changed = scratch_run(["dir.morch"], {"dir.morch": None})
    report.check("a directory as input",
                 failure(r, changed, r"^morchgen: cannot read 'dir.morch': .+\n"))
    if os.geteuid() != 0:
        r, changed = scratch_run(["in.morch"], ok,
                                 prepare=lambda d: os.chmod(os.path.join(d, "in.morch"), 0))
        report.check("an unreadable input",
                     failure(r, changed, r"^morchgen: cannot open 'in.morch': .+\n"))
    else:
        print("skipped: an unreadable input (running as root, who can read anything)")
    # Opens, then fails to read, even for root: address 0 of a process is not mapped.
    if os.path.exists("/proc/self/mem"):
        r, changed = scratch_run(["/proc/self/mem", "-o", "out.c"])
        report.check("an input whose read fails",
                     failure(r, changed, r"^morchgen: cannot read '/proc/self/mem': .+\n"))
    r, changed = scratch_run(["empty.morch"], {"empty.morch": b""})
    report.check("an empty input",
                 failure(r, changed, r"^empty\.morch:1:1: error: syntax error, unexpected end of "
                                     r"file, expecting 'graph'\n"))

    # Outputs that cannot be written: no file at all is left, the other output included.
    r, changed = scratch_run(["in.morch", "-o", "out.c"], dict(ok, **{"out.c": None}))
    report.check("-o names a directory",
                 failure(r, changed, r"^morchgen: cannot write 'out.c': .+\n"))
    r, changed = scratch_run(["in.morch", "-o", "out.c", "--header", "inc"],
                             dict(ok, **{"inc": None}))
    report.check("--header names a directory",
                 failure(r, changed, r"^morchgen: cannot write 'inc': .+\n"))
    r, changed = scratch_run(["in.morch", "-o", "nodir/out.c"], ok)
    report.check("-o in a directory that does not exist",
                 failure(r, changed, r"^morchgen: cannot write 'nodir/out.c': .+\n"))
    r, changed = scratch_run(["in.morch", "--emit=ir", "-o", "ir"], dict(ok, **{"ir": None}))
    report.check("--emit=ir -o names a directory",
                 failure(r, changed, r"^morchgen: cannot write 'ir': .+\n"))

    # Standard input: errors are located in <stdin>.
    r, changed = scratch_run(["-", "-o", "out.c"], stdin=BAD)
    report.check("errors in standard input",
                 failure(r, changed, r"^<stdin>:3:12: error: undefined name 'y'\n"))
    r, changed = scratch_run(["-"], stdin=GOOD)
    report.check("standard input without -o",
                 failure(r, changed, r"^morchgen: reading standard input needs -o OUT.c\n"))
    r, changed = scratch_run(["-", "-o", "out.c"], stdin=GOOD)
    report.check("standard input compiles",
                 expect(r, 0, None, None) +
                 ([] if changed == ["out.c was created", "out.h was created"] else changed))

    # The working case, so the failures above cannot all come from a broken setup.
    r, changed = scratch_run(["in.morch"], ok)
    report.check("a good input writes in.c and in.h",
                 expect(r, 0, None, None) +
                 ([] if changed == ["in.c was created", "in.h was created"] else changed))
    report.finish()


if __name__ == "__main__":
    main()
