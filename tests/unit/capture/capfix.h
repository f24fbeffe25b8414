/* SPDX-License-Identifier: BSD-2-Clause */
/* Test helpers for capture/: build pcap, pcapng and gzip files byte by byte
 * in a temporary directory, and read every frame of a capture back. Included
 * by the capture test programs only (static functions, one copy each). */
#ifndef SW_TEST_CAPFIX_H
#define SW_TEST_CAPFIX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "capture/capture.h"

/* ---- byte builder ---- */

struct bb {
	uint8_t *p;
	size_t len, cap;
	bool be; /* multi-byte fields big endian */
};

static inline void bb_put(struct bb *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	if (n)
		memcpy(b->p + b->len, d, n);
	b->len += n;
}

static inline void bb_u8(struct bb *b, uint8_t v)
{
	bb_put(b, &v, 1);
}

static inline void bb_u16(struct bb *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)(b->be ? v >> 8 : v), (uint8_t)(b->be ? v : v >> 8)};
	bb_put(b, x, 2);
}

static inline void bb_set32(struct bb *b, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->p[at + (size_t)i] = (uint8_t)(b->be ? v >> (24 - 8 * i) : v >> (8 * i));
}

static inline void bb_u32(struct bb *b, uint32_t v)
{
	uint8_t x[4] = {0};
	bb_put(b, x, 4);
	bb_set32(b, b->len - 4, v);
}

static inline void bb_u64(struct bb *b, uint64_t v)
{
	if (b->be) {
		bb_u32(b, (uint32_t)(v >> 32));
		bb_u32(b, (uint32_t)v);
	} else {
		bb_u32(b, (uint32_t)v);
		bb_u32(b, (uint32_t)(v >> 32));
	}
}

static inline void bb_pad4(struct bb *b)
{
	while (b->len % 4)
		bb_u8(b, 0);
}

static inline void bb_free(struct bb *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* ---- classic pcap ---- */

#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du
#define MAGIC_MOD 0xa1b2cd34u

static inline void pcap_file_hdr(struct bb *b, uint32_t magic, uint32_t network, uint32_t snaplen)
{
	bb_u32(b, magic);
	bb_u16(b, 2);
	bb_u16(b, 4);
	bb_u32(b, 0);
	bb_u32(b, 0);
	bb_u32(b, snaplen);
	bb_u32(b, network);
}

static inline void pcap_rec(struct bb *b, bool modified, uint32_t sec, uint32_t frac,
                            const void *data, uint32_t caplen, uint32_t wirelen)
{
	bb_u32(b, sec);
	bb_u32(b, frac);
	bb_u32(b, caplen);
	bb_u32(b, wirelen);
	if (modified) {
		bb_u32(b, 2); /* ifindex */
		bb_u16(b, 0x0800);
		bb_u8(b, 0);
		bb_u8(b, 0);
	}
	bb_put(b, data, caplen);
}

/* ---- pcapng ---- */

static inline size_t png_begin(struct bb *b, uint32_t type)
{
	size_t at = b->len;
	bb_u32(b, type);
	bb_u32(b, 0);
	return at;
}

static inline void png_end(struct bb *b, size_t at)
{
	bb_pad4(b);
	uint32_t len = (uint32_t)(b->len - at + 4);
	bb_set32(b, at + 4, len);
	bb_u32(b, len);
}

static inline void png_shb(struct bb *b, bool be)
{
	b->be = be;
	size_t at = png_begin(b, 0x0A0D0D0Au);
	bb_u32(b, 0x1A2B3C4Du);
	bb_u16(b, 1);
	bb_u16(b, 0);
	bb_u64(b, UINT64_MAX); /* section length unknown (-1) */
	png_end(b, at);
}

/* tsresol < 0: no option (microseconds). */
static inline void png_idb(struct bb *b, uint16_t linktype, uint32_t snaplen, int tsresol,
                           bool has_off, int64_t tsoffset)
{
	size_t at = png_begin(b, 1);
	bb_u16(b, linktype);
	bb_u16(b, 0);
	bb_u32(b, snaplen);
	if (tsresol >= 0) {
		bb_u16(b, 9);
		bb_u16(b, 1);
		bb_u8(b, (uint8_t)tsresol);
		bb_pad4(b);
	}
	if (has_off) {
		bb_u16(b, 14);
		bb_u16(b, 8);
		bb_u64(b, (uint64_t)tsoffset);
	}
	if (tsresol >= 0 || has_off) {
		bb_u16(b, 0);
		bb_u16(b, 0);
	}
	png_end(b, at);
}

static inline void png_epb(struct bb *b, uint32_t ifid, uint64_t ts, const void *data,
                           uint32_t caplen, uint32_t origlen)
{
	size_t at = png_begin(b, 6);
	bb_u32(b, ifid);
	bb_u32(b, (uint32_t)(ts >> 32));
	bb_u32(b, (uint32_t)ts);
	bb_u32(b, caplen);
	bb_u32(b, origlen);
	bb_put(b, data, caplen);
	png_end(b, at);
}

static inline void png_pb(struct bb *b, uint16_t ifid, uint64_t ts, const void *data,
                          uint32_t caplen, uint32_t origlen)
{
	size_t at = png_begin(b, 2);
	bb_u16(b, ifid);
	bb_u16(b, 0);
	bb_u32(b, (uint32_t)(ts >> 32));
	bb_u32(b, (uint32_t)ts);
	bb_u32(b, caplen);
	bb_u32(b, origlen);
	bb_put(b, data, caplen);
	png_end(b, at);
}

static inline void png_spb(struct bb *b, const void *data, uint32_t datalen, uint32_t origlen)
{
	size_t at = png_begin(b, 3);
	bb_u32(b, origlen);
	bb_put(b, data, datalen);
	png_end(b, at);
}

static inline void png_block(struct bb *b, uint32_t type, const void *body, size_t n)
{
	size_t at = png_begin(b, type);
	bb_put(b, body, n);
	png_end(b, at);
}

/* ---- gzip ---- */

static inline void gz_member(struct bb *out, const uint8_t *p, size_t n, int level)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(
	    deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	uLong bound = deflateBound(&zs, (uLong)n) + 64;
	uint8_t *tmp = malloc(bound);
	assert_non_null(tmp);
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	zs.next_out = tmp;
	zs.avail_out = (uInt)bound;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	bb_put(out, tmp, bound - zs.avail_out);
	deflateEnd(&zs);
	free(tmp);
}

static inline struct bb gz_of(const struct bb *plain)
{
	struct bb z = {0};
	gz_member(&z, plain->p, plain->len, 6);
	return z;
}

/* ---- temporary directory and files ---- */

struct fx {
	char dir[64];
	char path[8][256]; /* scratch for tpath() */
	int next;
};

static inline int fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	snprintf(fx->dir, sizeof fx->dir, "/tmp/swcap-test-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	*state = fx;
	return 0;
}

static inline int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static inline int fx_teardown(void **state)
{
	struct fx *fx = *state;
	nftw(fx->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static inline const char *tpath(struct fx *fx, const char *name)
{
	char *p = fx->path[fx->next++ % 8];
	size_t d = strlen(fx->dir), n = strlen(name);
	assert_true(d + 1 + n < sizeof fx->path[0]);
	memcpy(p, fx->dir, d);
	p[d] = '/';
	memcpy(p + d + 1, name, n + 1);
	return p;
}

static inline const char *write_file(struct fx *fx, const char *name, const void *p, size_t n)
{
	const char *path = tpath(fx, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	if (n)
		assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

static inline const char *write_bb(struct fx *fx, const char *name, const struct bb *b)
{
	return write_file(fx, name, b->p, b->len);
}

/* ---- reading back ---- */

struct rframe {
	uint8_t data[600];
	uint32_t caplen, wirelen;
	int64_t ts;
	int lt;
	uint32_t idx;
	uint64_t no, off;
};

struct rres {
	size_t n;
	int last_rc;
	struct rframe f[64];
};

static inline void read_all(struct sw_capture *c, struct rres *r)
{
	memset(r, 0, sizeof *r);
	struct sw_frame f;
	int rc;
	while ((rc = sw_capture_next(c, &f)) == SW_CAP_FRAME) {
		assert_true(r->n < 64);
		assert_true(f.caplen <= sizeof r->f[0].data);
		struct rframe *o = &r->f[r->n++];
		if (f.caplen)
			memcpy(o->data, f.data, f.caplen);
		o->caplen = f.caplen;
		o->wirelen = f.wirelen;
		o->ts = f.ts_ns;
		o->lt = f.linktype;
		o->idx = f.file_idx;
		o->no = f.frame_no;
		o->off = f.offset;
	}
	r->last_rc = rc;
	/* The end is sticky. */
	assert_int_equal(sw_capture_next(c, &f), rc);
}

static inline struct sw_capture *open1(const char *path, const struct sw_capture_opts *o, char *err,
                                       size_t errlen)
{
	struct sw_capture *c = NULL;
	const char *paths[1] = {path};
	if (sw_capture_open_files(&c, paths, 1, o, err, errlen) != 0)
		return NULL;
	assert_non_null(c);
	return c;
}

/* Open must fail with one line that names the file and contains `what`. */
static inline void expect_open_error(const char *path, const char *what)
{
	char err[512] = "";
	struct sw_capture *c = open1(path, NULL, err, sizeof err);
	if (c) {
		sw_capture_close(c);
		fail_msg("%s: opened, expected error containing \"%s\"", path, what);
	}
	if (!strstr(err, path) || !strstr(err, what) || strchr(err, '\n'))
		fail_msg("error \"%s\" should name %s and contain \"%s\"", err, path, what);
}

/* Three frames of different sizes, used by the format and truncation tests. */
static const char *const PAYLOAD[3] = {
    "REGISTER sip:example.com SIP/2.0",
    "SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest",
    "REGISTER sip:example.com SIP/2.0\r\nAuthorization: Digest x=1",
};

static inline uint32_t plen(int i)
{
	return (uint32_t)strlen(PAYLOAD[i]);
}

static inline void assert_payload(const struct rframe *f, int i)
{
	assert_int_equal(f->caplen, plen(i));
	assert_memory_equal(f->data, PAYLOAD[i], plen(i));
}

#endif
