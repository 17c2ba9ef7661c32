# tests/names.mk: names and texts whatever the user writes (tests/names/).
#   long.py      1000-character names end to end, against a short-named twin (also ASan/UBSan)
#   reserved.py  every name the headers and generated code use, in every role, compiled as C
#                and C++ and run against a twin with plain names
#   text.py      c_string() literals and comment_text() comments read back exactly
#   paths.py     odd directory names cannot inject code; unportable header names refused
#   outputs.py   -o/--header never overwrite the input or each other; full stdout is an error
NAMES_TESTS = tests/names/long.py tests/names/reserved.py tests/names/text.py \
	tests/names/paths.py tests/names/outputs.py
TESTS += $(NAMES_TESTS)
check_PROGRAMS += tests/names/text_tool
tests_names_text_tool_SOURCES = tests/names/text_tool.c
tests_names_text_tool_CPPFLAGS = -I$(top_srcdir)/gen -I$(top_builddir)/gen
tests_names_text_tool_LDADD = gen/libmorchgen.la
EXTRA_DIST += $(NAMES_TESTS) tests/names/common.py
