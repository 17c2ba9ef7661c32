/* npy_test.c: the .npy reader and writer. Round trips; headers as numpy writes them (versions
 * 1.0 and 2.0); and every kind of file it must refuse, each with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "npy.h"

static const char scratch[] = "npy_test-scratch.npy";

/* Writes a .npy file by hand: version major.0, the dict padded to end on a multiple of 64 (as
 * numpy does), then `data_bytes` bytes of data. */
static void write_raw(int major, const char *dict, const void *data, size_t data_bytes)
{
	FILE *f = fopen(scratch, "wb");
	assert_non_null(f);
	size_t pre = major == 1 ? 10 : 12, n = strlen(dict);
	size_t hlen = n + 1 + (64 - (pre + n + 1) % 64) % 64;
	fwrite("\x93NUMPY", 1, 6, f);
	fputc(major, f);
	fputc(0, f);
	for (size_t i = 0; i < pre - 8; i++)
		fputc((int)(hlen >> (8 * i) & 0xff), f);
	fputs(dict, f);
	for (size_t i = n + 1; i < hlen; i++)
		fputc(' ', f);
	fputc('\n', f);
	if (data_bytes)
		fwrite(data, 1, data_bytes, f);
	assert_int_equal(fclose(f), 0);
}

static void expect_rejected(const char *why)
{
	npy_array a;
	char err[512];
	assert_false(npy_read(scratch, &a, err, sizeof err));
	if (!strstr(err, why))
		fail_msg("message '%s' does not say '%s'", err, why);
	assert_non_null(strstr(err, scratch)); /* names the file */
	assert_null(a.data);
	npy_free(&a);
}

static void round_trip_each_type(void **state)
{
	(void)state;
	const float f[6] = { 1.5f, -2, 0, 3.25f, 1e-30f, -1e30f };
	const double d = 2.718281828459045;
	const int32_t i[4] = { 0, -1, 2147483647, -2147483647 - 1 };
	const int64_t s23[] = { 2, 3 }, s4[] = { 4 };
	char err[512];
	npy_array a;

	assert_true(npy_write(scratch, NPY_F4, 2, s23, f, err, sizeof err));
	assert_true(npy_read(scratch, &a, err, sizeof err));
	assert_int_equal(a.dtype, NPY_F4);
	assert_int_equal(a.rank, 2);
	assert_int_equal(a.shape[0], 2);
	assert_int_equal(a.shape[1], 3);
	assert_int_equal(a.count, 6);
	assert_memory_equal(a.data, f, sizeof f);
	npy_free(&a);

	assert_true(npy_write(scratch, NPY_F8, 0, NULL, &d, err, sizeof err));
	assert_true(npy_read(scratch, &a, err, sizeof err));
	assert_int_equal(a.dtype, NPY_F8);
	assert_int_equal(a.rank, 0);
	assert_int_equal(a.count, 1);
	assert_memory_equal(a.data, &d, sizeof d);
	npy_free(&a);

	assert_true(npy_write(scratch, NPY_I4, 1, s4, i, err, sizeof err));
	assert_true(npy_read(scratch, &a, err, sizeof err));
	assert_int_equal(a.dtype, NPY_I4);
	assert_int_equal(a.rank, 1);
	assert_int_equal(a.shape[0], 4);
	assert_memory_equal(a.data, i, sizeof i);
	npy_free(&a);
}

/* The exact bytes numpy 1.24 writes for np.save(f, np.float32([[1, 2]])). */
static void writes_what_numpy_writes(void **state)
{
	(void)state;
	const float v[2] = { 1, 2 };
	const int64_t shape[] = { 1, 2 };
	char err[512], buf[256];
	assert_true(npy_write(scratch, NPY_F4, 2, shape, v, err, sizeof err));
	FILE *f = fopen(scratch, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	static const char header[] = "\x93NUMPY\x01\x00\x76\x00"
		"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }";
	assert_int_equal(n, 128 + 8);
	assert_memory_equal(buf, header, sizeof header - 1);
	assert_int_equal(buf[127], '\n');
	assert_int_equal(buf[126], ' ');
	assert_memory_equal(buf + 128, v, sizeof v);
}

static void reads_what_numpy_writes(void **state)
{
	(void)state;
	const int32_t v[3] = { 7, 8, 9 };
	char err[512];
	npy_array a;
	/* 1-d shapes come with a trailing comma; keys in any order; version 2.0 too */
	write_raw(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", v, sizeof v);
	assert_true(npy_read(scratch, &a, err, sizeof err));
	assert_int_equal(a.shape[0], 3);
	assert_memory_equal(a.data, v, sizeof v);
	npy_free(&a);
	write_raw(2, "{'shape': (3,), 'fortran_order': False, 'descr': '<i4'}", v, sizeof v);
	assert_true(npy_read(scratch, &a, err, sizeof err));
	assert_int_equal(a.rank, 1);
	npy_free(&a);
	write_raw(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 1, 1), }", v, sizeof v);
	assert_true(npy_read(scratch, &a, err, sizeof err));
	assert_int_equal(a.rank, 3);
	npy_free(&a);
}

static void rejects_other_types_and_orders(void **state)
{
	(void)state;
	const double d[2] = { 1, 2 };
	write_raw(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", d, sizeof d);
	expect_rejected("unsupported dtype");
	write_raw(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", d, 4);
	expect_rejected("unsupported dtype");
	write_raw(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", d, sizeof d);
	expect_rejected("unsupported dtype");
	write_raw(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", d, sizeof d);
	expect_rejected("unsupported dtype");
	write_raw(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", d,
	          sizeof d);
	expect_rejected("'descr'");
	write_raw(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (1, 2), }", d, sizeof d);
	expect_rejected("Fortran");
}

static void rejects_malformed_headers(void **state)
{
	(void)state;
	const float v[3] = { 1, 2, 3 };
	write_raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", v, sizeof v);
	expect_rejected("'shape'");
	write_raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }", v, sizeof v);
	expect_rejected("'shape'");
	write_raw(1, "{'descr': '<f4', 'fortran_order': False}", v, sizeof v);
	expect_rejected("lacks");
	write_raw(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", v,
	          sizeof v);
	expect_rejected("repeated");
	write_raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}", v,
	          sizeof v);
	expect_rejected("unexpected");
	write_raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } junk", v, sizeof v);
	expect_rejected("after the header");
	npy_array a;
	char err[512];
	write_raw(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", v, sizeof v);
	assert_true(npy_read(scratch, &a, err, sizeof err)); /* 3.0 is 2.0 with a utf-8 header */
	npy_free(&a);
	write_raw(4, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", v, sizeof v);
	expect_rejected("version");
}

static void rejects_wrong_sizes(void **state)
{
	(void)state;
	const float v[4] = { 1, 2, 3, 4 };
	write_raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", v, 8);
	expect_rejected("truncated data");
	write_raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", v, sizeof v);
	expect_rejected("trailing");
	FILE *f = fopen(scratch, "wb");
	assert_non_null(f);
	fputs("not numpy at all", f);
	fclose(f);
	expect_rejected("not a .npy file");
	remove(scratch);
	expect_rejected("cannot open");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_each_type),
		cmocka_unit_test(writes_what_numpy_writes),
		cmocka_unit_test(reads_what_numpy_writes),
		cmocka_unit_test(rejects_other_types_and_orders),
		cmocka_unit_test(rejects_malformed_headers),
		cmocka_unit_test(rejects_wrong_sizes),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	remove(scratch);
	return failed;
}
