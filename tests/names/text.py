"""text.py: c_string() makes a C string literal of any bytes, and comment_text() text that
stays inside a comment. For every byte value and for sequences that break naive escaping
(trigraphs, a quote, a backslash, an octal escape followed by a digit, the end of a comment),
a C program holding the literal, compiled with -std=c99 -trigraphs -Wall -Wextra -Werror, must
print the original bytes; and a program whose comments hold the escaped texts must preprocess
to nothing but its code."""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

TOOL = os.path.join(common.TOP_BUILDDIR, "tests", "names", "text_tool")
CASES = [bytes(range(1, 256)), b"??/", b"??=define x", b"??'??(??)??!??<??>??-", b'"', b"\\",
         b"\\\n", b"a\\", b"\x01" + b"7", b"\x7f" + b"123", b"*/", b"/*", b"//", b"*\\/",
         b"\n#error INJECTED\n", b"*/ int INJECTED; /*", b"?", b"??", b"???/", b"\xc3\xa9t\xc3\xa9",
         b"\t\r\x0b\x0c", b"plain text", b"x" * 3000]


def tool(mode, data, d):
    p = common.run([TOOL, mode], d, stdin=data)
    if p.returncode != 0:
        common.fail("text_tool %s: status %d %s" % (mode, p.returncode, p.stderr.decode()))
    return p.stdout


def main():
    with common.Scratch() as d:
        lits = [tool("string", c, d) for c in CASES]
        for lit in lits:
            if any(b < 0x20 or b > 0x7e for b in lit) or b"??" in lit:
                common.fail("literal with raw control, non-ASCII bytes or ??: %r" % lit[:80])
        prog = "#include <stdio.h>\n" + "".join(
            "static const char s%d[] = %s;\n" % (i, lit.decode()) for i, lit in enumerate(lits))
        prog += "int main(void)\n{\n" + "".join(
            "\tfwrite(s%d, 1, sizeof s%d - 1, stdout);\n\tputchar(0);\n" % (i, i)
            for i in range(len(lits))) + "\treturn 0;\n}\n"
        with open(os.path.join(d, "lit.c"), "w") as f:
            f.write(prog)
        p = common.run(common.CC + common.CFLAGS + ["-trigraphs", "lit.c", "-o", "lit"], d)
        if p.returncode != 0:
            common.fail("the literals do not compile:\n" + p.stderr.decode()[:3000])
        got = common.run(["./lit"], d).stdout.split(b"\0")[:-1]
        for want, have in zip(CASES, got):
            if want != have:
                common.fail("literal of %r reads back as %r" % (want[:60], have[:60]))
        if len(got) != len(CASES):
            common.fail("%d literals read back, not %d" % (len(got), len(CASES)))
        comments = [tool("comment", c, d) for c in CASES]
        for c in comments:
            if any(b < 0x20 or b > 0x7e for b in c) or b"??" in c or b"*/" in c or b"/*" in c:
                common.fail("comment text with raw bytes, ??, */ or /*: %r" % c[:80])
        prog = "".join("/* %s */\n" % c.decode() for c in comments) + "int main(void) { return 0; }\n"
        with open(os.path.join(d, "com.c"), "w") as f:
            f.write(prog)
        p = common.run(common.CC + common.CFLAGS + ["-trigraphs", "com.c", "-o", "com"], d)
        if p.returncode != 0:
            common.fail("the comments do not compile:\n" + p.stderr.decode()[:3000])
        p = common.run(common.CC + ["-std=c99", "-trigraphs", "-E", "-P", "com.c"], d)
        code = p.stdout.decode().split()
        if code != "int main(void) { return 0; }".split():
            common.fail("the comments leave code behind: %r" % " ".join(code)[:300])
        print("PASS: %d texts as literals and comments" % len(CASES))


main()
