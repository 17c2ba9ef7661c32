"""paths.py: file names and the command line cannot inject code into the generated files. An
input in directories named with */, a newline and #error, quotes, ??/ (a trigraph), a backslash
and non-ASCII bytes compiles with -std=c99 -trigraphs -Wall -Wextra -Werror, and the C left
after preprocessing holds none of the injected text. Header names that #include "..." cannot
carry portably are refused: exit 1, nothing written."""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

GOOD = b"graph g {\n    input x[2];\n    y = x * 2;\n    output y;\n}\n"
DIRS = [b"x*", b"\n#error INJECTED_A\n", b" int INJECTED_B; ", b"q\"'", b"t??", b"b\\",
        b"\xc3\xa9\t", b"e??", b"end*"]
BAD_HEADERS = [b'h".h', b"h'.h", b"h\\.h", b"h??=.h", b"h\n.h", b"h\t.h", b"h\xc3\xa9.h", b"h\x7f.h"]


def main():
    with common.Scratch() as d:
        db = d.encode()
        path = db
        for name in DIRS:
            path = os.path.join(path, name)
            os.mkdir(path)
        src = os.path.join(path, b"g.morch")
        with open(src, "wb") as f:
            f.write(GOOD)
        out = os.path.join(db, b"out.c")
        p = common.run([common.MORCHGEN.encode(), b"-o", out, os.path.relpath(src, db)], d)
        if p.returncode != 0:
            common.fail("morchgen on the odd path: " + p.stderr.decode(errors="replace"))
        for name in (b"out.c", b"out.h"):
            text = open(os.path.join(db, name), "rb").read()
            if any(b > 0x7e or (b < 0x20 and b not in b"\n\t") for b in text) or b"??" in text:
                common.fail("%s holds raw control or non-ASCII bytes or ??" % name.decode())
        common.compile_c(d, ["out.c"], extra=["-trigraphs"], what="out.c from the odd path")
        p = common.run(common.CC + ["-std=c99", "-trigraphs", "-E", "-P", "-I" + common.RUNTIME,
                                    "out.c"], d)
        if p.returncode != 0 or b"INJECTED" in p.stdout:
            common.fail("the path reached the code: " + p.stderr.decode(errors="replace"))
        # the header may live in an odd directory: only its file name is #included
        hdr = os.path.join(path, b"ok.h")
        p = common.run([common.MORCHGEN.encode(), b"-o", out, b"--header", hdr, src], d)
        if p.returncode != 0:
            common.fail("header in the odd directory: " + p.stderr.decode(errors="replace"))
        if b'#include "ok.h"' not in open(out, "rb").read():
            common.fail("out.c does not include ok.h by its file name")
        for bad in BAD_HEADERS:
            os.mkdir(os.path.join(db, b"empty"))
            e = os.path.join(db, b"empty")
            p = common.run([common.MORCHGEN.encode(), b"-o", b"c.c", b"--header", bad, src], e)
            err = p.stderr.decode(errors="replace")
            if p.returncode != 1 or "cannot #include the header" not in err or os.listdir(e):
                common.fail("header %r: status %d, %r, files %r" % (bad, p.returncode, err,
                                                                    os.listdir(e)))
            os.rmdir(e)
        print("PASS: odd paths escaped, %d header names refused" % len(BAD_HEADERS))


main()
