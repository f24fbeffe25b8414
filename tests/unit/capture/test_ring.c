/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for the -w ring (capture/ring.c) with a clock of our own:
 * tcpdump's file names for -C, -G and -W, rotation by size before a frame,
 * by time, the -G -W end, and names that cannot be made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>

#include "capture/ring.h"

static void name_is(const char *pattern, uint64_t c, uint32_t g, uint32_t w, time_t t,
		    uint32_t cnt, const char *want)
{
	struct sw_ring_opts o = { .file_bytes = c, .seconds = g, .files = w };
	char out[256];
	assert_int_equal(sw_ring_name(out, sizeof out, pattern, &o, t, cnt), 0);
	assert_string_equal(out, want);
}

static void test_names(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	time_t t = 1795631748; /* 2026-11-25 18:35:48 UTC */
	/* -C alone: the name, then name1, name2 ... */
	name_is("x.pcap", 1000, 0, 0, t, 0, "x.pcap");
	name_is("x.pcap", 1000, 0, 0, t, 7, "x.pcap7");
	/* -C -W: padded to the digits of W-1, from 0 */
	name_is("x.pcap", 1000, 0, 10, t, 0, "x.pcap0");
	name_is("x.pcap", 1000, 0, 11, t, 3, "x.pcap03");
	name_is("x.pcap", 1000, 0, 1, t, 0, "x.pcap");
	/* -G: strftime, no number; a literal % stays without -G */
	name_is("s-%H%M%S.pcap", 0, 60, 0, t, 0, "s-183548.pcap");
	name_is("s-%H.pcap", 0, 0, 0, t, 0, "s-%H.pcap");
	name_is("s-%H.pcap", 1000, 60, 100, t, 5, "s-18.pcap05");
	/* Names that cannot be made */
	struct sw_ring_opts o = { .seconds = 1 };
	char out[16];
	assert_int_equal(sw_ring_name(out, sizeof out, "%p", &o, t, 0) == 0 ? 0 : -1, 0);
	assert_int_equal(sw_ring_name(out, sizeof out, "", &o, t, 0), -1);
	assert_int_equal(sw_ring_name(out, sizeof out, "a-much-too-long-name.pcap", &o, t, 0), -1);
}

static struct sw_frame frame(uint8_t *buf, uint32_t len, time_t sec)
{
	memset(buf, 0xab, len);
	return (struct sw_frame){ .data = buf, .caplen = len, .wirelen = len,
				  .ts_ns = (int64_t)sec * 1000000000, .linktype = 1 };
}

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/swring.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static long fsize(const char *name)
{
	char p[128];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fclose(f);
	return n;
}

static void test_size_ring(void **state)
{
	(void)state;
	char pat[128], err[256];
	snprintf(pat, sizeof pat, "%s/r.pcap", dir);
	struct sw_ring_opts o = { .file_bytes = 200, .files = 3 };
	int e;
	struct sw_ring *r = sw_ring_open(pat, &o, 1, 65535, false, 1000, err, sizeof err, &e);
	assert_non_null(r);
	uint8_t buf[100];
	/* 24 + 2 * (16 + 100) = 256 > 200 after two frames: the third
	 * starts r.pcap1; five files' worth wraps to r.pcap0 again. */
	for (int i = 0; i < 10; i++) {
		struct sw_frame f = frame(buf, 100, 1000 + i);
		assert_int_equal(sw_ring_write(r, &f, 1000 + i), SW_RING_OK);
	}
	assert_int_equal(sw_ring_files(r), 5);
	assert_string_equal(strrchr(sw_ring_current(r), '/') + 1, "r.pcap1");
	assert_int_equal(sw_ring_close(r), 0);
	assert_int_equal(fsize("r.pcap0"), 24 + 2 * 116);
	assert_int_equal(fsize("r.pcap1"), 24 + 2 * 116);
	assert_int_equal(fsize("r.pcap2"), 24 + 2 * 116);
	assert_int_equal(fsize("r.pcap"), -1);
	assert_int_equal(fsize("r.pcap3"), -1);
}

static void test_time_ring_ends(void **state)
{
	(void)state;
	char pat[128], err[256];
	snprintf(pat, sizeof pat, "%s/t-%%S.pcap", dir);
	setenv("TZ", "UTC", 1);
	tzset();
	struct sw_ring_opts o = { .seconds = 10, .files = 2 };
	int e;
	struct sw_ring *r = sw_ring_open(pat, &o, 1, 65535, false, 600, err, sizeof err, &e);
	assert_non_null(r);
	uint8_t buf[40];
	struct sw_frame f = frame(buf, 40, 600);
	assert_int_equal(sw_ring_write(r, &f, 600), SW_RING_OK);
	assert_int_equal(sw_ring_write(r, &f, 609), SW_RING_OK);  /* same file */
	assert_int_equal(sw_ring_write(r, &f, 613), SW_RING_OK);  /* t-13.pcap */
	assert_int_equal(sw_ring_write(r, &f, 622), SW_RING_OK);
	assert_int_equal(sw_ring_write(r, &f, 623), SW_RING_FULL); /* third file: the end */
	assert_int_equal(sw_ring_close(r), 0);
	assert_int_equal(fsize("t-00.pcap"), 24 + 2 * 56);
	assert_int_equal(fsize("t-13.pcap"), 24 + 2 * 56);
	assert_int_equal(fsize("t-23.pcap"), -1);
}

static void test_open_errors(void **state)
{
	(void)state;
	char err[256];
	struct sw_ring_opts o = { 0 };
	int e = 0;
	assert_null(sw_ring_open("/nonexistent-dir/x.pcap", &o, 1, 100, false, 0, err, sizeof err,
				 &e));
	assert_int_equal(e, ENOENT);
	assert_non_null(strstr(err, "/nonexistent-dir/x.pcap: cannot create"));
	o.seconds = 5;
	assert_null(sw_ring_open("", &o, 1, 100, false, 0, err, sizeof err, &e));
	assert_non_null(strstr(err, "cannot make a file name"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_size_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_ring_ends, setup, teardown),
		cmocka_unit_test(test_open_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
