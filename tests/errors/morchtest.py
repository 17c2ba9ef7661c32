"""morchtest.py: what the error tests share: running morchgen in a scratch directory and checking
what it leaves there. Only the standard library, so the tests run with any Python 3."""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

MORCHGEN = os.environ.get("MORCHGEN", "gen/morchgen")
# configure's MORCHGEN_FLAGS (say -O0), through tests/local.mk. run() does not add them: a test
# whose morchgen runs hold at every level puts them in its ARGS. messages.py and cli.py do not:
# they check exact command lines (their own --emit=ir, -o, --header, none at all) and the
# messages of errors found before any code is made. mutate.py does: morchgen must survive any
# input at every level.
FLAGS = shlex.split(os.environ.get("MORCHGEN_FLAGS", ""))
HERE = os.path.dirname(os.path.abspath(__file__))
TOP_SRCDIR = os.environ.get("top_srcdir", os.path.join(HERE, "..", ".."))

# FILE:LINE:COL: error: TEXT
LOCATED = re.compile(rb"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): error: (?P<text>.+)$")


class Result:
    def __init__(self, proc=None, timed_out=False):
        self.timed_out = timed_out
        self.status = proc.returncode if proc else None
        self.stdout = proc.stdout if proc else b""
        self.stderr = proc.stderr if proc else b""

    @property
    def first_line(self):
        return self.stderr.split(b"\n", 1)[0]

    def describe(self):
        if self.timed_out:
            return "timed out"
        if self.status < 0:
            return "killed by signal %d" % -self.status
        return "exit %d" % self.status


def run(args, cwd, stdin=b"", timeout=10):
    """Runs morchgen ARGS in CWD."""
    try:
        proc = subprocess.run([MORCHGEN] + list(args), cwd=cwd, input=stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Result(timed_out=True)
    return Result(proc)


def snapshot(directory):
    """Every file of DIRECTORY with its bytes and modification time."""
    files = {}
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                files[name] = (f.read(), os.stat(path).st_mtime_ns)
        else:
            files[name] = (None, None)
    return files


def changes(before, after):
    """What happened to a directory between two snapshots, as a list of sentences."""
    out = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            out.append("%s was removed" % name)
        elif name not in before:
            out.append("%s was created" % name)
        elif before[name] != after[name]:
            out.append("%s was changed" % name)
    return out


def lines_of(data):
    """The lines of a file as error locations count them: a newline ends a line, so a file that
    ends with one has no extra empty line after it. An empty file has one empty line."""
    lines = data.split(b"\n")
    if len(lines) > 1 and lines[-1] == b"":
        lines.pop()
    return lines


def position_problem(data, line, col):
    """None when LINE:COL is a position of DATA (1-based; one past a line's end is the end of
    that line), else why not."""
    lines = lines_of(data)
    if not 1 <= line <= len(lines):
        return "line %d is not in the file (it has %d)" % (line, len(lines))
    if not 1 <= col <= len(lines[line - 1]) + 1:
        return "column %d is not on line %d (it has %d characters)" % (
            col, line, len(lines[line - 1]))
    return None


class Scratch:
    """A temporary directory, removed at the end of a `with`."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="morch-errors-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


class Report:
    """Collects failures; prints a line per check and exits 1 if any failed."""

    def __init__(self):
        self.failures = 0
        self.checks = 0

    def check(self, name, problems):
        self.checks += 1
        if problems:
            self.failures += 1
            print("FAIL: %s" % name)
            for p in problems:
                print("    %s" % p)
        else:
            print("ok: %s" % name)

    def finish(self):
        print("%d checks, %d failed" % (self.checks, self.failures))
        if self.checks == 0:
            print("no checks ran")
            sys.exit(99)
        sys.exit(1 if self.failures else 0)
