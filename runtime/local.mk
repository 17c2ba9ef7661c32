# runtime/: libmorchrt, what generated code and its callers link against.
lib_LTLIBRARIES += runtime/libmorchrt.la
runtime_libmorchrt_la_SOURCES = runtime/morchrt.c runtime/morchrt.h
runtime_libmorchrt_la_LDFLAGS = -version-info 0:0:0
include_HEADERS += runtime/morchrt.h
