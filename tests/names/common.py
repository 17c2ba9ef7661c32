"""common.py: what the tests of tests/names share: running morchgen and the C compiler in a
scratch directory, and the environment make check sets (tests/local.mk)."""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile

MORCHGEN = os.environ.get("MORCHGEN", "gen/morchgen")
FLAGS = shlex.split(os.environ.get("MORCHGEN_FLAGS", ""))
CC = shlex.split(os.environ.get("CC", "cc") or "cc")
TOP_SRCDIR = os.environ.get("top_srcdir", ".")
TOP_BUILDDIR = os.environ.get("top_builddir", ".")
RUNTIME = os.path.join(TOP_SRCDIR, "runtime")
CFLAGS = ["-std=c99", "-O1", "-Wall", "-Wextra", "-Werror"]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def run(args, cwd, stdin=None, timeout=600):
    """Runs ARGS in CWD; returns the CompletedProcess (bytes)."""
    return subprocess.run(args, cwd=cwd, input=stdin, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)


def morchgen(args, cwd, flags=True):
    """Runs morchgen (with configure's MORCHGEN_FLAGS unless flags is false); fails the test when
    it does not succeed."""
    p = run([MORCHGEN] + (FLAGS if flags else []) + list(args), cwd)
    if p.returncode != 0:
        fail("morchgen %s: status %d\n%s" % (" ".join(args), p.returncode,
                                             p.stderr.decode(errors="replace")[:3000]))
    return p


def compile_c(cwd, sources, out=None, extra=(), what=None):
    """Compiles (and links when OUT is given) with the warnings the generated code must pass."""
    args = CC + CFLAGS + list(extra) + ["-I" + RUNTIME, "-I."]
    if "-c" in extra or "-fsyntax-only" in extra:
        args += list(sources)
    elif out:
        args += list(sources) + ["-DHAVE_CONFIG_H", "-I" + TOP_BUILDDIR,
                                 os.path.join(RUNTIME, "morchrt.c"), "-o", out, "-lm"]
    else:
        args += ["-c"] + list(sources)  # the object is kept
    p = run(args, cwd)
    if p.returncode != 0:
        fail("%s does not compile: %s\n%s" % (what or " ".join(sources), " ".join(args),
                                              p.stderr.decode(errors="replace")[:4000]))


def sanitizers_work(cwd):
    """Whether the compiler links and runs a program with ASan and UBSan here."""
    with open(os.path.join(cwd, "probe.c"), "w") as f:
        f.write("int main(void) { return 0; }\n")
    p = run(CC + SANITIZE + ["probe.c", "-o", "probe"], cwd)
    return p.returncode == 0 and run(["./probe"], cwd).returncode == 0


class Scratch:
    """A temporary directory, removed afterwards."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="morch-names.")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)
