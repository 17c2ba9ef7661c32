"""outputs.py: morchgen never writes over its input or writes both outputs to one file, whatever
spelling names it: the same string, ./ and dir/.. spellings, a hard or symbolic link, or the
same new path spelled two ways. Each refusal exits 1 with a message and leaves every file of
the directory byte-identical. Writing to a full standard output is an error too."""

import hashlib
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

GOOD = b"graph g {\n    input x[2];\n    y = x * 2;\n    output y;\n}\n"


def checksums(d):
    out = {}
    for root, dirs, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = hashlib.sha256(fh.read()).hexdigest()
        for x in dirs:
            out[os.path.relpath(os.path.join(root, x), d) + "/"] = "dir"
    return out


def refused(d, args, message):
    before = checksums(d)
    p = common.run([common.MORCHGEN] + args, d)
    after = checksums(d)
    err = p.stderr.decode(errors="replace")
    if p.returncode != 1:
        common.fail("morchgen %s: status %d, not 1\n%s" % (" ".join(args), p.returncode, err))
    if message not in err:
        common.fail("morchgen %s: stderr %r lacks %r" % (" ".join(args), err, message))
    if before != after:
        common.fail("morchgen %s changed the directory: %s" % (
            " ".join(args), sorted(set(before.items()) ^ set(after.items()))))


def main():
    with common.Scratch() as d:
        with open(os.path.join(d, "in.morch"), "wb") as f:
            f.write(GOOD)
        with open(os.path.join(d, "in.h"), "wb") as f:
            f.write(GOOD)
        os.mkdir(os.path.join(d, "sub"))
        os.link(os.path.join(d, "in.morch"), os.path.join(d, "hard.c"))
        os.symlink("in.morch", os.path.join(d, "soft.c"))
        with open(os.path.join(d, "old.c"), "wb") as f:
            f.write(b"/* an older C file */\n")
        is_input = "it is the input file"
        cases = [
            (["-o", "in.morch", "in.morch"], "the C file to 'in.morch': " + is_input),
            (["-o", "./in.morch", "in.morch"], is_input),
            (["-o", "sub/../in.morch", "in.morch"], is_input),
            (["-o", "hard.c", "in.morch"], is_input),
            (["-o", "soft.c", "in.morch"], is_input),
            (["-o", "out.c", "--header", "in.morch", "in.morch"], "the header to 'in.morch': "
             + is_input),
            (["-o", "out.c", "--header", "./sub/../in.morch", "in.morch"], is_input),
            (["-o", "in", "in.h"], "the header to 'in.h': " + is_input),  # default header
            (["--emit=ir", "-o", "in.morch", "in.morch"], "the IR to 'in.morch': " + is_input),
            (["--emit=ir", "-o", "./hard.c", "in.morch"], is_input),
            (["-o", "new.c", "--header", "new.c", "in.morch"],
             "the header to 'new.c': it is the C file 'new.c'"),
            (["-o", "new.c", "--header", "./new.c", "in.morch"], "it is the C file"),
            (["-o", "sub/../new.c", "--header", "new.c", "in.morch"], "it is the C file"),
            (["-o", "old.c", "--header", "./old.c", "in.morch"], "it is the C file"),
        ]
        for args, message in cases:
            refused(d, args, message)
        # the spellings are not refused where they name different files
        p = common.run([common.MORCHGEN, "-o", "sub/in.c", "--header", "sub/in.h", "in.morch"], d)
        if p.returncode != 0 or not os.path.exists(os.path.join(d, "sub", "in.h")):
            common.fail("distinct outputs refused: " + p.stderr.decode())
        # a standard output that cannot be written
        if os.path.exists("/dev/full"):
            for args in (["--emit=ir", "in.morch"], ["--dump-after=build", "in.morch"],
                         ["--help"], ["--version"]):
                with open("/dev/full", "wb") as full:
                    import subprocess
                    p = subprocess.run([common.MORCHGEN] + args, cwd=d, stdout=full,
                                       stderr=subprocess.PIPE)
                err = p.stderr.decode()
                if p.returncode != 1 or "error writing standard output" not in err:
                    common.fail("morchgen %s > /dev/full: status %d, stderr %r"
                                % (" ".join(args), p.returncode, err))
        else:
            print("note: no /dev/full; full standard output not tried")
        print("PASS: %d refused outputs" % len(cases))


main()
