/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for capture/ on files: every pcap magic, pcapng in both byte
 * orders with several sections and mixed link types, gzip (concatenated,
 * corrupt), truncation at every byte offset, merging by time, -c, BPF on
 * files, the pcap writer, read_at, and the open errors a user sees. */
#include "tests/unit/capture/capfix.h"

#include <errno.h>
#include <sys/wait.h>

/* ---- packets for filter tests ---- */

/* Ethernet (when eth) + IPv4 + UDP or TCP to/from the given ports. */
static size_t ip_frame(uint8_t *o, bool eth, uint8_t proto, uint16_t sport, uint16_t dport,
                       const char *payload)
{
	size_t n = 0, pl = strlen(payload), l4 = proto == 6 ? 20 : 8;
	if (eth) {
		static const uint8_t e[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
		memcpy(o, e, sizeof e);
		n = sizeof e;
	}
	size_t tot = 20 + l4 + pl;
	uint8_t ip[20] = {0x45,
	                  0,
	                  (uint8_t)(tot >> 8),
	                  (uint8_t)tot,
	                  0,
	                  1,
	                  0x40,
	                  0,
	                  64,
	                  proto,
	                  0,
	                  0,
	                  192,
	                  0,
	                  2,
	                  1,
	                  192,
	                  0,
	                  2,
	                  2};
	memcpy(o + n, ip, 20);
	n += 20;
	uint8_t h[20] = {(uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8),
	                 (uint8_t)dport};
	if (proto == 17) {
		h[4] = (uint8_t)((8 + pl) >> 8);
		h[5] = (uint8_t)(8 + pl);
	} else {
		h[12] = 0x50;
		h[13] = 0x18;
	}
	memcpy(o + n, h, l4);
	n += l4;
	memcpy(o + n, payload, pl);
	return n + pl;
}

/* A 3-record pcap of PAYLOAD[] at 1700000000+i seconds. */
static struct bb pcap3(uint32_t magic, bool be)
{
	struct bb b = {.be = be};
	pcap_file_hdr(&b, magic, 1, 65535);
	for (int i = 0; i < 3; i++)
		pcap_rec(&b, magic == MAGIC_MOD, 1700000000u + (uint32_t)i,
		         magic == MAGIC_NS ? 123456789u + (uint32_t)i : 123456u + (uint32_t)i,
		         PAYLOAD[i], plen(i), plen(i) + 4);
	return b;
}

/* A pcapng: SHB, IDB (Ethernet, ns), 3 EPBs at 1700000000.000000001*(i+1). */
static struct bb pcapng3(bool be)
{
	struct bb b = {0};
	png_shb(&b, be);
	png_idb(&b, 1, 0, 9, false, 0);
	for (int i = 0; i < 3; i++)
		png_epb(&b, 0, UINT64_C(1700000000000000000) + (uint64_t)i + 1, PAYLOAD[i], plen(i),
		        plen(i));
	return b;
}

static void pcap_all_magics(void **state)
{
	struct fx *fx = *state;
	const uint32_t magics[3] = {MAGIC_US, MAGIC_NS, MAGIC_MOD};
	for (int m = 0; m < 3; m++)
		for (int be = 0; be < 2; be++) {
			struct bb b = pcap3(magics[m], be);
			const char *path = write_bb(fx, "m.pcap", &b);
			char err[256] = "";
			struct sw_capture *c = open1(path, NULL, err, sizeof err);
			if (!c)
				fail_msg("magic %08x be=%d: %s", magics[m], be, err);
			const struct sw_capture_source *s = sw_capture_source(c, 0);
			assert_string_equal(s->format, "pcap");
			assert_int_equal(s->nanosecond, m == 1);
			assert_int_equal(s->linktype, SW_LINK_ETHERNET);
			assert_false(s->gzip);
			struct rres r;
			read_all(c, &r);
			assert_int_equal(r.last_rc, SW_CAP_END);
			assert_int_equal(r.n, 3);
			uint64_t off = 24;
			for (int i = 0; i < 3; i++) {
				assert_payload(&r.f[i], i);
				assert_int_equal(r.f[i].wirelen, plen(i) + 4);
				int64_t want = (1700000000 + i) * INT64_C(1000000000) +
				               (m == 1 ? 123456789 + i : (123456 + i) * 1000);
				assert_int_equal(r.f[i].ts, want);
				assert_int_equal(r.f[i].lt, SW_LINK_ETHERNET);
				assert_int_equal(r.f[i].idx, 0);
				assert_int_equal(r.f[i].no, (uint64_t)i + 1);
				assert_int_equal(r.f[i].off, off);
				off += (m == 2 ? 24 : 16) + plen(i);
			}
			assert_int_equal(s->frames, 3);
			assert_int_equal(s->bytes, b.len);
			assert_false(s->damaged);
			assert_string_equal(s->error, "");
			sw_capture_close(c);
			bb_free(&b);
		}
}

static void pcap_header_fields(void **state)
{
	struct fx *fx = *state;
	/* FCS information in the upper bits of the network field. */
	struct bb b = {0};
	pcap_file_hdr(&b, MAGIC_US, 0x14000000u | SW_LINK_LINUX_SLL, 65535);
	pcap_rec(&b, false, 1, 0, PAYLOAD[0], plen(0), plen(0));
	char err[256] = "";
	struct sw_capture *c = open1(write_bb(fx, "fcs.pcap", &b), NULL, err, sizeof err);
	assert_non_null(c);
	assert_int_equal(sw_capture_source(c, 0)->linktype, SW_LINK_LINUX_SLL);
	struct rres r;
	read_all(c, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.f[0].lt, SW_LINK_LINUX_SLL);
	sw_capture_close(c);
	bb_free(&b);

	/* Version 2.2: caplen and len were in the other order. */
	b = (struct bb){0};
	pcap_file_hdr(&b, MAGIC_US, 1, 65535);
	b.p[6] = 2;
	bb_u32(&b, 5);
	bb_u32(&b, 0);
	bb_u32(&b, 1500);    /* wire length first */
	bb_u32(&b, plen(1)); /* then captured */
	bb_put(&b, PAYLOAD[1], plen(1));
	c = open1(write_bb(fx, "v22.pcap", &b), NULL, err, sizeof err);
	assert_non_null(c);
	read_all(c, &r);
	assert_int_equal(r.n, 1);
	assert_payload(&r.f[0], 1);
	assert_int_equal(r.f[0].wirelen, 1500);
	sw_capture_close(c);

	/* Versions other than 2.x. */
	b.p[4] = 3;
	b.p[6] = 0;
	expect_open_error(write_bb(fx, "v30.pcap", &b), "unsupported pcap version 3.0");
	b.p[4] = 1;
	expect_open_error(write_bb(fx, "v10.pcap", &b), "unsupported pcap version 1.0");
	bb_free(&b);
}

static void pcap_record_tolerance(void **state)
{
	struct fx *fx = *state;
	struct bb b = {0};
	pcap_file_hdr(&b, MAGIC_US, 1, 16); /* snaplen 16, records longer */
	pcap_rec(&b, false, 10, 0, PAYLOAD[0], plen(0), plen(0));
	pcap_rec(&b, false, 11, 0, PAYLOAD[1], plen(1), 3); /* wirelen < caplen */
	pcap_rec(&b, false, 12, 0, "", 0, 60);              /* zero-length record */
	pcap_rec(&b, false, 13, 0, PAYLOAD[2], plen(2), plen(2));
	char err[256];
	struct sw_capture *c = open1(write_bb(fx, "tol.pcap", &b), NULL, err, sizeof err);
	assert_non_null(c);
	struct rres r;
	read_all(c, &r);
	assert_int_equal(r.n, 4);
	assert_payload(&r.f[0], 0);
	assert_payload(&r.f[1], 1);
	assert_int_equal(r.f[1].wirelen, plen(1));
	assert_int_equal(r.f[2].caplen, 0);
	assert_int_equal(r.f[2].wirelen, 60);
	assert_int_equal(r.f[2].no, 3);
	assert_payload(&r.f[3], 2);
	assert_false(sw_capture_source(c, 0)->damaged);
	sw_capture_close(c);
	bb_free(&b);
}

/* Open a 1-source capture that must succeed, read it, return the source. */
static const struct sw_capture_source *read_src(struct fx *fx, const char *name, const struct bb *b,
                                                struct rres *r, struct sw_capture **cp)
{
	char err[256] = "";
	struct sw_capture *c = open1(write_bb(fx, name, b), NULL, err, sizeof err);
	if (!c)
		fail_msg("%s: %s", name, err);
	read_all(c, r);
	*cp = c;
	return sw_capture_source(c, 0);
}

static void pcap_record_damage(void **state)
{
	struct fx *fx = *state;
	struct rres r;
	struct sw_capture *c;
	/* caplen over SW_MAX_FRAME at frame 2. */
	struct bb b = {0};
	pcap_file_hdr(&b, MAGIC_US, 1, 65535);
	pcap_rec(&b, false, 1, 0, PAYLOAD[0], plen(0), plen(0));
	size_t off2 = b.len;
	bb_u32(&b, 2);
	bb_u32(&b, 0);
	bb_u32(&b, SW_MAX_FRAME + 1);
	bb_u32(&b, SW_MAX_FRAME + 1);
	bb_put(&b, PAYLOAD[1], plen(1));
	const struct sw_capture_source *s = read_src(fx, "big.pcap", &b, &r, &c);
	assert_int_equal(r.n, 1);
	assert_true(s->damaged);
	assert_int_equal(s->damage_offset, off2);
	char want[200];
	snprintf(want, sizeof want,
	         "bad record at offset %zu (frame 2): header says 262145 bytes, more than the "
	         "262144-byte limit",
	         off2);
	assert_string_equal(s->error, want);
	sw_capture_close(c);
	bb_free(&b);

	/* A record that says 300 bytes when 120 are left. */
	b = (struct bb){0};
	pcap_file_hdr(&b, MAGIC_US, 1, 65535);
	pcap_rec(&b, false, 1, 0, PAYLOAD[0], plen(0), plen(0));
	pcap_rec(&b, false, 2, 0, PAYLOAD[1], plen(1), plen(1));
	size_t off3 = b.len;
	bb_u32(&b, 3);
	bb_u32(&b, 0);
	bb_u32(&b, 300);
	bb_u32(&b, 300);
	uint8_t junk[120];
	memset(junk, 'x', sizeof junk);
	bb_put(&b, junk, sizeof junk);
	s = read_src(fx, "trunc.pcap", &b, &r, &c);
	assert_int_equal(r.n, 2);
	assert_true(s->damaged);
	assert_int_equal(s->damage_offset, off3);
	snprintf(want, sizeof want,
	         "truncated record at offset %zu (frame 3): header says 300 bytes, 120 present",
	         off3);
	assert_string_equal(s->error, want);
	assert_int_equal(s->frames, 2);
	sw_capture_close(c);

	/* The file ends inside a record header. */
	b.len = off3 + 7;
	s = read_src(fx, "trunch.pcap", &b, &r, &c);
	assert_int_equal(r.n, 2);
	snprintf(want, sizeof want,
	         "truncated record header at offset %zu (frame 3): 7 of 16 bytes present", off3);
	assert_string_equal(s->error, want);
	sw_capture_close(c);
	bb_free(&b);
}

/* ---- pcapng ---- */

static void pcapng_blocks(void **state)
{
	struct fx *fx = *state;
	for (int be = 0; be < 2; be++) {
		struct bb b = {0};
		png_shb(&b, be);
		png_idb(&b, 1, 0, 9, false, 0);
		uint8_t body[16] = {1, 0, 4, 0, 192, 0, 2, 1}; /* NRB-ish, skipped */
		png_block(&b, 4, body, sizeof body);
		size_t o1 = b.len;
		png_epb(&b, 0, UINT64_C(1700000000123456789), PAYLOAD[0], plen(0), 1000);
		png_block(&b, 5, body, 12);         /* ISB */
		png_block(&b, 0xBAD, body, 16);     /* custom */
		png_block(&b, 0x40000BAD, body, 8); /* custom, not to copy */
		png_block(&b, 0x0000000A, body, 8); /* DSB */
		png_block(&b, 0x12345678, body, 0); /* unknown, empty */
		size_t o2 = b.len;
		png_pb(&b, 0, UINT64_C(1700000001000000000), PAYLOAD[1], plen(1), plen(1));
		size_t o3 = b.len;
		png_spb(&b, PAYLOAD[2], plen(2), plen(2));
		struct rres r;
		struct sw_capture *c;
		const struct sw_capture_source *s = read_src(fx, "b.pcapng", &b, &r, &c);
		assert_string_equal(s->format, "pcapng");
		assert_true(s->nanosecond);
		assert_int_equal(s->linktype, 1);
		assert_false(s->damaged);
		assert_int_equal(r.n, 3);
		assert_payload(&r.f[0], 0);
		assert_int_equal(r.f[0].wirelen, 1000);
		assert_int_equal(r.f[0].ts, INT64_C(1700000000123456789));
		assert_int_equal(r.f[0].off, o1);
		assert_payload(&r.f[1], 1);
		assert_int_equal(r.f[1].ts, INT64_C(1700000001000000000));
		assert_int_equal(r.f[1].off, o2);
		assert_payload(&r.f[2], 2);
		/* No time stamp in an SPB: the previous packet's. */
		assert_int_equal(r.f[2].ts, INT64_C(1700000001000000000));
		assert_int_equal(r.f[2].off, o3);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(r.f[i].no, (uint64_t)i + 1);
			assert_int_equal(r.f[i].lt, 1);
		}
		assert_int_equal(s->bytes, b.len);
		sw_capture_close(c);
		bb_free(&b);
	}
}

static void pcapng_sections_and_linktypes(void **state)
{
	struct fx *fx = *state;
	struct bb b = {0};
	png_shb(&b, false);
	png_idb(&b, SW_LINK_RAW, 0, -1, false, 0);
	png_epb(&b, 0, 1000000, PAYLOAD[0], plen(0), plen(0)); /* 1 s in us */
	png_shb(&b, true); /* new section, other byte order, new interfaces */
	png_idb(&b, SW_LINK_ETHERNET, 0, -1, false, 0);
	png_idb(&b, SW_LINK_LINUX_SLL2, 0, -1, false, 0);
	png_epb(&b, 1, 2000000, PAYLOAD[1], plen(1), plen(1));
	png_epb(&b, 0, 3000000, PAYLOAD[2], plen(2), plen(2));
	png_shb(&b, false);
	png_epb(&b, 0, 4000000, PAYLOAD[2], plen(2), plen(2)); /* interface 0 unknown now */
	png_idb(&b, SW_LINK_IPV4, 0, -1, false, 0);
	png_epb(&b, 0, 5000000, PAYLOAD[0], plen(0), plen(0));
	struct rres r;
	struct sw_capture *c;
	const struct sw_capture_source *s = read_src(fx, "sec.pcapng", &b, &r, &c);
	assert_false(s->damaged);
	assert_int_equal(s->linktype, SW_LINK_RAW);
	assert_false(s->nanosecond);
	assert_int_equal(r.n, 4);
	const int lt[4] = {SW_LINK_RAW, SW_LINK_LINUX_SLL2, SW_LINK_ETHERNET, SW_LINK_IPV4};
	const int pl[4] = {0, 1, 2, 0};
	const uint64_t no[4] = {1, 2, 3, 5};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(r.f[i].lt, lt[i]);
		assert_payload(&r.f[i], pl[i]);
		assert_int_equal(r.f[i].no, no[i]);
	}
	assert_int_equal(r.f[3].ts, 5 * INT64_C(1000000000));
	assert_int_equal(s->skipped, 1);
	sw_capture_close(c);
	bb_free(&b);
}

static void pcapng_tsresol(void **state)
{
	struct fx *fx = *state;
	struct bb b = {0};
	png_shb(&b, false);
	png_idb(&b, 1, 0, -1, false, 0);        /* default: microseconds */
	png_idb(&b, 1, 0, 0x80 | 10, false, 0); /* 2^-10 s */
	png_idb(&b, 1, 0, 3, true, 1000);       /* ms, +1000 s */
	png_idb(&b, 1, 0, 9, true, -100);       /* ns, -100 s */
	png_idb(&b, 1, 0, 12, false, 0);        /* ps */
	png_epb(&b, 0, UINT64_C(1700000000123456), "a", 1, 1);
	png_epb(&b, 1, (UINT64_C(1700000000) << 10) | 512, "b", 1, 1);
	png_epb(&b, 2, UINT64_C(1700000000123), "c", 1, 1);
	png_epb(&b, 3, UINT64_C(1700000000123456789), "d", 1, 1);
	png_epb(&b, 4, UINT64_C(1700000000123456789), "e", 1, 1);
	struct rres r;
	struct sw_capture *c;
	const struct sw_capture_source *s = read_src(fx, "res.pcapng", &b, &r, &c);
	assert_true(s->nanosecond);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.f[0].ts, INT64_C(1700000000123456000));
	assert_int_equal(r.f[1].ts, INT64_C(1700000000500000000));
	assert_int_equal(r.f[2].ts, INT64_C(1700001000123000000));
	assert_int_equal(r.f[3].ts, INT64_C(1699999900123456789));
	assert_int_equal(r.f[4].ts, INT64_C(1700000000123456));
	sw_capture_close(c);
	bb_free(&b);
}

static void pcapng_unknown_interface_and_spb(void **state)
{
	struct fx *fx = *state;
	struct bb b = {0};
	png_shb(&b, true);
	png_spb(&b, PAYLOAD[0], plen(0), plen(0)); /* before any IDB: skipped */
	png_idb(&b, 1, 8, -1, false, 0);           /* snaplen 8 */
	png_epb(&b, 0, 5, PAYLOAD[1], plen(1), plen(1));
	png_epb(&b, 7, 6, PAYLOAD[1], plen(1), plen(1)); /* unknown interface */
	png_spb(&b, PAYLOAD[2], 8, 40);                  /* 8 of 40 bytes captured */
	struct rres r;
	struct sw_capture *c;
	const struct sw_capture_source *s = read_src(fx, "spb.pcapng", &b, &r, &c);
	assert_false(s->damaged);
	assert_int_equal(s->skipped, 2);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.f[0].no, 2);
	assert_payload(&r.f[0], 1);
	assert_int_equal(r.f[1].no, 4);
	assert_int_equal(r.f[1].caplen, 8);
	assert_int_equal(r.f[1].wirelen, 40);
	assert_memory_equal(r.f[1].data, PAYLOAD[2], 8);
	assert_int_equal(r.f[1].ts, 5000); /* the previous packet's */
	assert_int_equal(s->frames, 2);
	sw_capture_close(c);
	bb_free(&b);
}

static void pcapng_interface_limit(void **state)
{
	struct fx *fx = *state;
	struct bb b = {0};
	png_shb(&b, false);
	for (uint32_t i = 0; i <= SW_MAX_PCAPNG_IFACES; i++)
		png_idb(&b, (uint16_t)(i == 5 ? SW_LINK_RAW : SW_LINK_ETHERNET), 0, -1, false, 0);
	png_epb(&b, 5, 1, PAYLOAD[0], plen(0), plen(0));
	png_epb(&b, SW_MAX_PCAPNG_IFACES, 2, PAYLOAD[1], plen(1), plen(1)); /* over the limit */
	png_epb(&b, SW_MAX_PCAPNG_IFACES - 1, 3, PAYLOAD[2], plen(2), plen(2));
	struct rres r;
	struct sw_capture *c;
	const struct sw_capture_source *s = read_src(fx, "ifs.pcapng", &b, &r, &c);
	assert_false(s->damaged);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.f[0].lt, SW_LINK_RAW);
	assert_int_equal(r.f[1].no, 3);
	assert_int_equal(s->skipped, 1);
	sw_capture_close(c);
	bb_free(&b);
}

/* A file with one good EPB, then `bad` appended by the caller. */
static struct bb png_good_prefix(bool be)
{
	struct bb b = {0};
	png_shb(&b, be);
	png_idb(&b, 1, 0, -1, false, 0);
	png_epb(&b, 0, 1, PAYLOAD[0], plen(0), plen(0));
	return b;
}

static void expect_png_damage(struct fx *fx, struct bb *b, size_t bad_off, const char *what)
{
	struct rres r;
	struct sw_capture *c;
	const struct sw_capture_source *s = read_src(fx, "bad.pcapng", b, &r, &c);
	assert_int_equal(r.n, 1);
	assert_payload(&r.f[0], 0);
	if (!s->damaged || s->damage_offset != bad_off || !strstr(s->error, what) ||
	    !strstr(s->error, "(frame 2)"))
		fail_msg("damaged=%d at %llu (want %zu): \"%s\", want \"%s\"", s->damaged,
		         (unsigned long long)s->damage_offset, bad_off, s->error, what);
	sw_capture_close(c);
}

static void pcapng_malformed_blocks(void **state)
{
	struct fx *fx = *state;
	for (int be = 0; be < 2; be++) {
		struct bb b = png_good_prefix(be);
		size_t at = b.len;
		bb_u32(&b, 6);
		bb_u32(&b, 8);
		bb_u32(&b, 8);
		expect_png_damage(fx, &b, at, "block length 8, less than the minimum 32");
		b.len = at;
		bb_u32(&b, 0x77);
		bb_u32(&b, 8);
		bb_u32(&b, 8);
		expect_png_damage(fx, &b, at, "block length 8, less than the minimum 12");
		b.len = at;
		bb_u32(&b, 0x77);
		bb_u32(&b, 30);
		expect_png_damage(fx, &b, at, "block length 30, not a multiple of 4");
		b.len = at;
		bb_u32(&b, 6);
		bb_u32(&b, 0x7ffffffc);
		expect_png_damage(fx, &b, at, "more than the 16777216-byte limit");
		/* Trailing length differs. */
		b.len = at;
		png_epb(&b, 0, 2, PAYLOAD[1], plen(1), plen(1));
		bb_set32(&b, b.len - 4, 999);
		expect_png_damage(fx, &b, at, "trailing block length 999 differs from the leading");
		b.len = at;
		png_block(&b, 0x99, "abcd", 4);
		bb_set32(&b, b.len - 4, 4);
		expect_png_damage(fx, &b, at, "trailing block length 4");
		/* Captured length beyond the block. */
		b.len = at;
		png_epb(&b, 0, 2, PAYLOAD[1], plen(1), plen(1));
		bb_set32(&b, at + 20, 500);
		expect_png_damage(fx, &b, at, "captured length 500 exceeds the block");
		/* Block running past the end of the file. */
		b.len = at;
		png_epb(&b, 0, 2, PAYLOAD[1], plen(1), plen(1));
		size_t full = b.len;
		b.len -= 10;
		char want[80];
		snprintf(want, sizeof want, "header says %zu bytes, %zu present", full - at,
		         full - at - 10);
		expect_png_damage(fx, &b, at, want);
		/* A section header midway with a bad byte-order magic / version. */
		b.len = at;
		struct bb s2 = {0};
		png_shb(&s2, be);
		s2.p[8] = 0x55;
		bb_put(&b, s2.p, s2.len);
		expect_png_damage(fx, &b, at, "bad byte-order magic");
		b.len = at;
		s2.p[8] = be ? 0x1A : 0x4D;
		s2.p[be ? 13 : 12] = 2;
		bb_put(&b, s2.p, s2.len);
		expect_png_damage(fx, &b, at, "unsupported pcapng version 2.0");
		/* And the same section headers as the first block: open errors. */
		expect_open_error(write_bb(fx, "v2.pcapng", &s2), "unsupported pcapng version 2.0");
		s2.p[8] = 0x55;
		expect_open_error(write_bb(fx, "bom.pcapng", &s2), "bad byte-order magic");
		bb_free(&s2);
		bb_free(&b);
	}
}

/* ---- gzip ---- */

static void gzip_formats(void **state)
{
	struct fx *fx = *state;
	struct bb plain[4] = {pcap3(MAGIC_US, false), pcap3(MAGIC_NS, true), pcapng3(false),
	                      pcapng3(true)};
	for (int k = 0; k < 4; k++) {
		struct rres ref, r;
		struct sw_capture *c;
		read_src(fx, "p", &plain[k], &ref, &c);
		sw_capture_close(c);
		struct bb z = gz_of(&plain[k]);
		const struct sw_capture_source *s = read_src(fx, "p.gz", &z, &r, &c);
		assert_true(s->gzip);
		assert_false(s->damaged);
		assert_int_equal(s->bytes, plain[k].len);
		assert_int_equal(r.n, 3);
		assert_memory_equal(&r, &ref, sizeof r);
		sw_capture_close(c);
		bb_free(&z);
		bb_free(&plain[k]);
	}
}

static void gzip_concatenated(void **state)
{
	struct fx *fx = *state;
	struct bb p = pcapng3(false);
	struct bb z = {0};
	/* Three members cut at odd places (inside a block, inside a header). */
	gz_member(&z, p.p, 5, 1);
	gz_member(&z, p.p + 5, 70, 9);
	gz_member(&z, p.p + 75, p.len - 75, 0);
	struct rres r;
	struct sw_capture *c;
	const struct sw_capture_source *s = read_src(fx, "cat.gz", &z, &r, &c);
	assert_false(s->damaged);
	assert_int_equal(r.n, 3);
	for (int i = 0; i < 3; i++)
		assert_payload(&r.f[i], i);
	sw_capture_close(c);
	/* Zero padding after the last member is ignored, as gzip(1) does. */
	uint8_t zeros[700] = {0};
	bb_put(&z, zeros, sizeof zeros);
	s = read_src(fx, "pad.gz", &z, &r, &c);
	assert_false(s->damaged);
	assert_int_equal(r.n, 3);
	sw_capture_close(c);
	/* Other trailing bytes are damage, after all the frames. */
	bb_put(&z, "junk", 4);
	s = read_src(fx, "junk.gz", &z, &r, &c);
	assert_int_equal(r.n, 3);
	assert_true(s->damaged);
	assert_non_null(strstr(s->error, "garbage after gzip data"));
	assert_int_equal(s->damage_offset, p.len);
	sw_capture_close(c);
	bb_free(&z);
	bb_free(&p);
}

static void gzip_corrupt(void **state)
{
	struct fx *fx = *state;
	struct bb p = pcap3(MAGIC_US, false);
	struct bb z = gz_of(&p);
	/* Bad CRC: every frame is there, then the damage. */
	z.p[z.len - 8] ^= 0xff;
	struct rres r;
	struct sw_capture *c;
	const struct sw_capture_source *s = read_src(fx, "crc.gz", &z, &r, &c);
	assert_int_equal(r.n, 3);
	assert_true(s->damaged);
	assert_non_null(strstr(s->error, "corrupt gzip data"));
	assert_non_null(strstr(s->error, "incorrect data check"));
	sw_capture_close(c);
	z.p[z.len - 8] ^= 0xff;
	/* An invalid deflate block type right at the start: nothing to read. */
	uint8_t keep = z.p[10];
	z.p[10] = 0xff;
	expect_open_error(write_bb(fx, "blk.gz", &z), "corrupt gzip data");
	z.p[10] = keep;
	/* Unknown compression method in the gzip header. */
	z.p[2] = 7;
	expect_open_error(write_bb(fx, "cm.gz", &z), "corrupt gzip data");
	bb_free(&z);
	/* A gzip of nothing, and a gzip of something that is not a capture. */
	struct bb e = {0};
	gz_member(&e, (const uint8_t *)"", 0, 6);
	expect_open_error(write_bb(fx, "empty.gz", &e), "empty file (gzip-compressed)");
	bb_free(&e);
	gz_member(&e, (const uint8_t *)"<?xml version", 13, 6);
	expect_open_error(
	    write_bb(fx, "xml.gz", &e),
	    "not a pcap or pcapng capture (gzip-compressed) (first bytes 3c 3f 78 6d)");
	bb_free(&e);
	bb_free(&p);
}

/* ---- truncation at every byte offset ---- */

/* `full` holds 3 packets ending at ends[0..2]; the file header ends at hdr.
 * Every prefix must give an open error (only inside the header for plain
 * files) or the complete frames before the cut and a damage record unless
 * the cut falls on a record boundary. */
static void truncate_everywhere(struct fx *fx, const struct bb *full, size_t hdr,
                                const size_t *bounds, size_t nbounds, const size_t ends[3], bool gz)
{
	struct bb file = gz ? gz_of(full) : *full;
	for (size_t cut = 0; cut <= file.len; cut++) {
		const char *path = write_file(fx, "cut", file.p, cut);
		char err[512] = "";
		struct sw_capture *c = open1(path, NULL, err, sizeof err);
		if (!c) {
			if (!gz && cut >= hdr)
				fail_msg("cut %zu: open failed: %s", cut, err);
			assert_non_null(strstr(err, path));
			continue;
		}
		struct rres r;
		read_all(c, &r);
		const struct sw_capture_source *s = sw_capture_source(c, 0);
		assert_true(r.n <= 3);
		for (size_t i = 0; i < r.n; i++)
			assert_payload(&r.f[i], (int)i);
		if (gz) {
			assert_int_equal(s->damaged, cut < file.len);
			if (cut + 8 >= file.len)
				assert_int_equal(r.n, 3); /* only the CRC/size trailer is missing */
		} else {
			size_t want = 0;
			while (want < 3 && ends[want] <= cut)
				want++;
			bool boundary = false;
			for (size_t k = 0; k < nbounds; k++)
				boundary = boundary || bounds[k] == cut;
			if (r.n != want || s->damaged == boundary)
				fail_msg("cut %zu: %zu frames (want %zu), damaged %d: %s", cut, r.n,
				         want, s->damaged, s->error);
		}
		if (s->damaged)
			assert_true(s->error[0] != '\0');
		sw_capture_close(c);
	}
	if (gz)
		bb_free(&file);
}

static void truncation_every_offset(void **state)
{
	struct fx *fx = *state;
	for (int gz = 0; gz < 2; gz++) {
		struct bb p = pcap3(MAGIC_NS, false);
		size_t ends[3], bounds[4] = {24}, o = 24;
		for (int i = 0; i < 3; i++) {
			o += 16 + plen(i);
			ends[i] = bounds[i + 1] = o;
		}
		truncate_everywhere(fx, &p, 24, bounds, 4, ends, gz);
		bb_free(&p);

		struct bb g = {0};
		png_shb(&g, gz);
		size_t nb = 0, gb[8];
		size_t hdr = gb[nb++] = g.len;
		png_idb(&g, 1, 0, 9, false, 0);
		gb[nb++] = g.len;
		for (int i = 0; i < 3; i++) {
			png_epb(&g, 0, (uint64_t)i, PAYLOAD[i], plen(i), plen(i));
			ends[i] = gb[nb++] = g.len;
		}
		truncate_everywhere(fx, &g, hdr, gb, nb, ends, gz);
		bb_free(&g);
	}
}

/* ---- merging ---- */

static void merge_by_time_with_ties(void **state)
{
	struct fx *fx = *state;
	struct bb a = {0}, b = {0};
	pcap_file_hdr(&a, MAGIC_US, 1, 65535);
	pcap_rec(&a, false, 1, 0, "a1", 2, 2);
	pcap_rec(&a, false, 3, 0, "a2", 2, 2);
	pcap_rec(&a, false, 5, 0, "a3", 2, 2);
	png_shb(&b, true);
	png_idb(&b, SW_LINK_RAW, 0, 9, false, 0);
	png_epb(&b, 0, 2000000000, "b1", 2, 2);
	png_epb(&b, 0, 3000000000, "b2", 2, 2);
	png_epb(&b, 0, 4000000000, "b3", 2, 2);
	const char *paths[2] = {write_bb(fx, "a.pcap", &a), write_bb(fx, "b.pcapng", &b)};
	for (int order = 0; order < 2; order++) {
		const char *pp[2] = {paths[order], paths[1 - order]};
		struct sw_capture *c;
		char err[256] = "";
		assert_int_equal(sw_capture_open_files(&c, pp, 2, NULL, err, sizeof err), 0);
		assert_int_equal(sw_capture_nsources(c), 2);
		struct rres r;
		read_all(c, &r);
		assert_int_equal(r.n, 6);
		/* Equal time stamps (a2, b2 at 3 s): the lower index first. */
		const char *want = order == 0 ? "a1b1a2b2b3a3" : "a1b1b2a2b3a3";
		for (int i = 0; i < 6; i++) {
			assert_memory_equal(r.f[i].data, want + 2 * i, 2);
			uint32_t idx = (want[2 * i] == 'a') == (order == 0) ? 0 : 1;
			assert_int_equal(r.f[i].idx, idx);
			assert_int_equal(r.f[i].no, (uint64_t)(want[2 * i + 1] - '0'));
			assert_int_equal(r.f[i].lt,
			                 want[2 * i] == 'a' ? SW_LINK_ETHERNET : SW_LINK_RAW);
			if (i)
				assert_true(r.f[i].ts >= r.f[i - 1].ts);
		}
		assert_int_equal(sw_capture_source(c, 0)->frames, 3);
		assert_int_equal(sw_capture_source(c, 1)->frames, 3);
		sw_capture_close(c);
	}
	bb_free(&a);
	bb_free(&b);
}

static void merge_with_damaged_source(void **state)
{
	struct fx *fx = *state;
	struct bb a = {0}, b = {0};
	pcap_file_hdr(&a, MAGIC_US, 1, 65535);
	pcap_rec(&a, false, 1, 0, "a1", 2, 2);
	size_t dmg = a.len;
	pcap_rec(&a, false, 3, 0, "a2", 2, 2);
	a.len -= 1; /* a2 cut short */
	pcap_file_hdr(&b, MAGIC_US, 1, 65535);
	for (uint32_t i = 0; i < 3; i++)
		pcap_rec(&b, false, 2 + 2 * i, 0, "b", 1, 1);
	const char *pp[2] = {write_bb(fx, "a.pcap", &a), write_bb(fx, "b.pcap", &b)};
	struct sw_capture *c;
	char err[256];
	assert_int_equal(sw_capture_open_files(&c, pp, 2, NULL, err, sizeof err), 0);
	struct rres r;
	read_all(c, &r);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.f[0].idx, 0);
	for (int i = 1; i < 4; i++)
		assert_int_equal(r.f[i].idx, 1);
	const struct sw_capture_source *s = sw_capture_source(c, 0);
	assert_true(s->damaged);
	assert_int_equal(s->damage_offset, dmg);
	assert_non_null(strstr(s->error, "truncated record at offset"));
	assert_false(sw_capture_source(c, 1)->damaged);
	sw_capture_close(c);
	bb_free(&a);
	bb_free(&b);
}

static void count_limit(void **state)
{
	struct fx *fx = *state;
	struct bb a = pcap3(MAGIC_US, false), b = pcapng3(false);
	const char *pp[2] = {write_bb(fx, "a.pcap", &a), write_bb(fx, "b.pcapng", &b)};
	struct sw_capture_opts o = {.count = 4};
	struct sw_capture *c;
	char err[256];
	assert_int_equal(sw_capture_open_files(&c, pp, 2, &o, err, sizeof err), 0);
	struct rres r;
	read_all(c, &r);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.last_rc, SW_CAP_END);
	sw_capture_close(c);
	o.count = 100;
	assert_int_equal(sw_capture_open_files(&c, pp, 2, &o, err, sizeof err), 0);
	read_all(c, &r);
	assert_int_equal(r.n, 6);
	sw_capture_close(c);
	/* sw_capture_stop() ends a file capture too. */
	assert_int_equal(sw_capture_open_files(&c, pp, 2, NULL, err, sizeof err), 0);
	assert_false(sw_capture_is_live(c));
	assert_int_equal(sw_capture_fd(c), -1);
	struct sw_frame f;
	assert_int_equal(sw_capture_next(c, &f), SW_CAP_FRAME);
	sw_capture_stop(c);
	assert_int_equal(sw_capture_next(c, &f), SW_CAP_END);
	sw_capture_close(c);
	bb_free(&a);
	bb_free(&b);
}

/* ---- BPF on files ---- */

static void filter_on_files(void **state)
{
	struct fx *fx = *state;
	uint8_t f[4][200];
	size_t n[4];
	n[0] = ip_frame(f[0], true, 17, 5060, 5060, "REGISTER");
	n[1] = ip_frame(f[1], true, 17, 40000, 53, "dns");
	n[2] = ip_frame(f[2], true, 6, 40000, 5060, "REGISTER over TCP");
	n[3] = ip_frame(f[3], true, 17, 5060, 6000, "SIP/2.0 200 OK");
	struct bb a = {0};
	pcap_file_hdr(&a, MAGIC_US, 1, 65535);
	for (int i = 0; i < 4; i++)
		pcap_rec(&a, false, (uint32_t)i, 0, f[i], (uint32_t)n[i], (uint32_t)n[i]);
	const char *pa = write_bb(fx, "f.pcap", &a);
	struct sw_capture_opts o = {.filter = "udp port 5060"};
	char err[512] = "";
	struct sw_capture *c = open1(pa, &o, err, sizeof err);
	assert_non_null(c);
	struct rres r;
	read_all(c, &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.f[0].no, 1);
	assert_int_equal(r.f[1].no, 4);
	struct sw_capture_stats st;
	sw_capture_get_stats(c, &st);
	assert_int_equal(st.filtered_out, 2);
	sw_capture_close(c);

	/* Mixed link types in one pcapng: the filter is compiled per type. */
	struct bb g = {0};
	png_shb(&g, false);
	png_idb(&g, SW_LINK_ETHERNET, 0, -1, false, 0);
	png_idb(&g, SW_LINK_RAW, 0, -1, false, 0);
	png_epb(&g, 1, 1, f[1] + 14, (uint32_t)n[1] - 14, (uint32_t)n[1] - 14);
	png_epb(&g, 0, 2, f[0], (uint32_t)n[0], (uint32_t)n[0]);
	png_epb(&g, 1, 3, f[0] + 14, (uint32_t)n[0] - 14, (uint32_t)n[0] - 14);
	png_epb(&g, 0, 4, f[2], (uint32_t)n[2], (uint32_t)n[2]);
	c = open1(write_bb(fx, "mixed.pcapng", &g), &o, err, sizeof err);
	assert_non_null(c);
	read_all(c, &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.f[0].lt, SW_LINK_ETHERNET);
	assert_int_equal(r.f[1].lt, SW_LINK_RAW);
	assert_int_equal(r.f[1].caplen, n[0] - 14);
	sw_capture_close(c);

	/* A filter that does not compile fails the open with libpcap's words. */
	o.filter = "udp prot 5060";
	assert_null(open1(pa, &o, err, sizeof err));
	assert_non_null(strstr(err, "syntax error"));
	assert_non_null(strstr(err, "udp prot 5060"));
	/* One that does not fit the file's link type names the file. */
	o.filter = "ether host 02:00:00:00:00:01";
	struct bb raw = {0};
	pcap_file_hdr(&raw, MAGIC_US, SW_LINK_RAW, 65535);
	pcap_rec(&raw, false, 1, 0, f[0] + 14, (uint32_t)n[0] - 14, (uint32_t)n[0] - 14);
	const char *pr = write_bb(fx, "raw.pcap", &raw);
	assert_null(open1(pr, &o, err, sizeof err));
	assert_non_null(strstr(err, pr));
	assert_non_null(strstr(err, "RAW"));
	/* ...also when the link type is only known from a pcapng's interface. */
	c = open1(write_bb(fx, "mixed.pcapng", &g), &o, err, sizeof err);
	assert_non_null(c); /* first interface is Ethernet: fine */
	read_all(c, &r);
	assert_int_equal(r.n, 2); /* the raw frames cannot match and are left out */
	assert_non_null(strstr(sw_capture_source(c, 0)->error, "link type 101"));
	assert_false(sw_capture_source(c, 0)->damaged);
	sw_capture_close(c);
	bb_free(&raw);
	bb_free(&a);
	bb_free(&g);
}

/* ---- writer ---- */

static void writer_round_trip(void **state)
{
	struct fx *fx = *state;
	for (int ns = 0; ns < 2; ns++) {
		const char *path = tpath(fx, "w.pcap");
		char err[256] = "";
		struct sw_pcap_writer *w =
		    sw_pcap_writer_open_prec(path, SW_LINK_LINUX_SLL2, 0, ns, err, sizeof err);
		assert_non_null(w);
		struct sw_frame f = {.linktype = SW_LINK_LINUX_SLL2};
		for (int i = 0; i < 3; i++) {
			f.data = (const uint8_t *)PAYLOAD[i];
			f.caplen = plen(i);
			f.wirelen = plen(i) + 100;
			f.ts_ns = INT64_C(1700000000123456789) + i;
			assert_int_equal(sw_pcap_writer_write(w, &f), 0);
		}
		f.linktype = SW_LINK_ETHERNET;
		assert_int_equal(sw_pcap_writer_write(w, &f), -1);
		assert_int_equal(sw_pcap_writer_close(w), 0);
		struct sw_capture *c = open1(path, NULL, err, sizeof err);
		assert_non_null(c);
		assert_int_equal(sw_capture_source(c, 0)->nanosecond, ns);
		struct rres r;
		read_all(c, &r);
		assert_int_equal(r.n, 3);
		for (int i = 0; i < 3; i++) {
			assert_payload(&r.f[i], i);
			assert_int_equal(r.f[i].wirelen, plen(i) + 100);
			assert_int_equal(r.f[i].lt, SW_LINK_LINUX_SLL2);
			assert_int_equal(r.f[i].ts, ns ? INT64_C(1700000000123456789) + i
			                               : INT64_C(1700000000123456000));
		}
		sw_capture_close(c);
	}
	char err[256] = "";
	assert_null(sw_pcap_writer_open("/nonexistent-swcap/x.pcap", 1, 0, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent-swcap/x.pcap: cannot create"));

	/* -w from a capture: the same frames, same precision, first source's
	 * link type; frames of other link types are counted, not written. */
	struct bb g = {0};
	png_shb(&g, false);
	png_idb(&g, SW_LINK_ETHERNET, 0, 9, false, 0);
	png_idb(&g, SW_LINK_RAW, 0, 9, false, 0);
	png_epb(&g, 0, 11, PAYLOAD[0], plen(0), plen(0));
	png_epb(&g, 1, 12, PAYLOAD[1], plen(1), plen(1));
	png_epb(&g, 0, 13, PAYLOAD[2], plen(2), plen(2));
	struct sw_capture *c = open1(write_bb(fx, "in.pcapng", &g), NULL, err, sizeof err);
	assert_non_null(c);
	const char *outp = tpath(fx, "out.pcap");
	assert_int_equal(sw_capture_open_output(c, outp, err, sizeof err), 0);
	struct rres r, back;
	read_all(c, &r);
	struct sw_capture_stats st;
	sw_capture_get_stats(c, &st);
	assert_int_equal(st.written, 2);
	assert_int_equal(st.not_written, 1);
	sw_capture_close(c);
	c = open1(outp, NULL, err, sizeof err);
	assert_non_null(c);
	read_all(c, &back);
	assert_int_equal(back.n, 2);
	assert_memory_equal(back.f[0].data, r.f[0].data, r.f[0].caplen);
	assert_int_equal(back.f[0].ts, 11);
	assert_int_equal(back.f[1].ts, 13);
	assert_memory_equal(back.f[1].data, r.f[2].data, r.f[2].caplen);
	sw_capture_close(c);
	bb_free(&g);

	/* Link type unknown when opened: taken from the first frame. */
	struct sw_pcap_writer *w = sw_pcap_writer_open(outp, -1, 0, err, sizeof err);
	struct sw_frame f = {
	    .linktype = SW_LINK_IPV6, .data = (const uint8_t *)"x", .caplen = 1, .wirelen = 1};
	assert_int_equal(sw_pcap_writer_write(w, &f), 0);
	assert_int_equal(sw_pcap_writer_close(w), 0);
	c = open1(outp, NULL, err, sizeof err);
	assert_non_null(c);
	assert_int_equal(sw_capture_source(c, 0)->linktype, SW_LINK_IPV6);
	sw_capture_close(c);
	/* No frame at all: still a valid, empty capture. */
	w = sw_pcap_writer_open(outp, -1, 0, err, sizeof err);
	assert_int_equal(sw_pcap_writer_close(w), 0);
	c = open1(outp, NULL, err, sizeof err);
	assert_non_null(c);
	read_all(c, &back);
	assert_int_equal(back.n, 0);
	sw_capture_close(c);
}

/* ---- read_at ---- */

static void check_read_at(struct sw_capture *c, const struct rres *r)
{
	uint8_t buf[600];
	uint32_t cl;
	/* Backwards, then forwards: gzip has to start again. */
	for (int k = (int)r->n - 1; k >= 0; k--) {
		const struct rframe *f = &r->f[k];
		assert_int_equal(sw_capture_read_at(c, f->idx, f->off, buf, sizeof buf, &cl), 0);
		assert_int_equal(cl, f->caplen);
		assert_memory_equal(buf, f->data, cl);
	}
	for (size_t k = 0; k < r->n; k++) {
		const struct rframe *f = &r->f[k];
		assert_int_equal(sw_capture_read_at(c, f->idx, f->off, buf, 5, &cl), 0);
		assert_int_equal(cl, 5);
		assert_memory_equal(buf, f->data, 5);
	}
	assert_int_equal(sw_capture_read_at(c, 99, r->f[0].off, buf, sizeof buf, &cl), -1);
	assert_int_equal(sw_capture_read_at(c, 0, 3, buf, sizeof buf, &cl), -1);
	assert_int_equal(sw_capture_read_at(c, 0, 1u << 30, buf, sizeof buf, &cl), -1);
}

static void read_at_files(void **state)
{
	struct fx *fx = *state;
	struct bb ng = {0};
	png_shb(&ng, true);
	png_idb(&ng, 1, 0, -1, false, 0);
	png_epb(&ng, 0, 1, PAYLOAD[0], plen(0), plen(0));
	png_pb(&ng, 0, 2, PAYLOAD[1], plen(1), plen(1));
	png_spb(&ng, PAYLOAD[2], plen(2), plen(2));
	png_shb(&ng, false);
	png_idb(&ng, 1, 0, -1, false, 0);
	png_epb(&ng, 0, 3, PAYLOAD[1], plen(1), plen(1));
	struct bb files[3] = {pcap3(MAGIC_MOD, true), ng, pcap3(MAGIC_NS, false)};
	for (int k = 0; k < 3; k++) {
		for (int gz = 0; gz < 2; gz++) {
			struct bb z = gz ? gz_of(&files[k]) : files[k];
			struct rres r;
			struct sw_capture *c;
			read_src(fx, "ra", &z, &r, &c);
			assert_true(r.n >= 3);
			check_read_at(c, &r);
			sw_capture_close(c);
			if (gz)
				bb_free(&z);
		}
		bb_free(&files[k]);
	}
}

/* ---- open errors ---- */

static void open_errors(void **state)
{
	struct fx *fx = *state;
	expect_open_error(write_file(fx, "empty.pcap", "", 0), "empty file");
	expect_open_error(fx->dir, "is a directory");
	expect_open_error(tpath(fx, "missing.pcap"), "no such file");
	expect_open_error("/dev/zero", "not a pcap or pcapng capture (first bytes 00 00 00 00)");
	expect_open_error(write_file(fx, "x.xml", "<?xml version=\"1.0\"?>", 21),
	                  "not a pcap or pcapng capture (first bytes 3c 3f 78 6d)");
	expect_open_error(write_file(fx, "short", "\xd4\xc3\xb2", 3),
	                  "truncated header: only 3 bytes");
	expect_open_error(write_file(fx, "hdr.pcap", "\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0", 10),
	                  "truncated pcap file header (10 of 24 bytes)");
	expect_open_error(write_file(fx, "hdr.pcapng", "\x0a\x0d\x0d\x0a\x1c\0\0\0", 8),
	                  "truncated pcapng section header");
	expect_open_error(write_file(fx, "x.xz",
	                             "\xfd"
	                             "7zXZ\0",
	                             6),
	                  "xz-compressed");

	char err[256] = "";
	struct sw_capture *c = (struct sw_capture *)1;
	const char *two[2] = {"-", "-"};
	assert_int_equal(sw_capture_open_files(&c, two, 2, NULL, err, sizeof err) < 0, 1);
	assert_null(c);
	assert_non_null(strstr(err, "more than once"));
	assert_true(sw_capture_open_files(&c, two, 0, NULL, err, sizeof err) < 0);
	const char *many[SW_MAX_INPUT_FILES + 1];
	for (size_t i = 0; i <= SW_MAX_INPUT_FILES; i++)
		many[i] = "x";
	assert_true(sw_capture_open_files(&c, many, SW_MAX_INPUT_FILES + 1, NULL, err, sizeof err) <
	            0);
	assert_non_null(strstr(err, "too many capture files"));
	/* The second of two files is bad: the whole open fails, naming it. */
	struct bb a = pcap3(MAGIC_US, false);
	const char *pp[2] = {write_bb(fx, "good.pcap", &a), tpath(fx, "nope.pcap")};
	assert_true(sw_capture_open_files(&c, pp, 2, NULL, err, sizeof err) < 0);
	assert_non_null(strstr(err, "nope.pcap: no such file"));
	bb_free(&a);
}

/* ---- FIFO and stdin ---- */

static pid_t feed(int fd, const struct bb *b)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Small writes with pauses: the reader must cope with short reads. */
		for (size_t o = 0; o < b->len; o += 7) {
			size_t n = b->len - o < 7 ? b->len - o : 7;
			if (write(fd, b->p + o, n) != (ssize_t)n)
				_exit(1);
			if (o % 70 == 0)
				usleep(1000);
		}
		_exit(0);
	}
	return pid;
}

static void fifo_and_stdin(void **state)
{
	struct fx *fx = *state;
	struct bb p = pcapng3(true);
	const char *path = tpath(fx, "fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY);
		if (fd < 0)
			_exit(1);
		pid_t k = feed(fd, &p);
		int st;
		waitpid(k, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
	}
	char err[256] = "";
	struct sw_capture *c = open1(path, NULL, err, sizeof err);
	assert_non_null(c);
	struct rres r;
	read_all(c, &r);
	assert_int_equal(r.n, 3);
	for (int i = 0; i < 3; i++)
		assert_payload(&r.f[i], i);
	uint8_t buf[64];
	uint32_t cl;
	assert_int_equal(sw_capture_read_at(c, 0, r.f[0].off, buf, sizeof buf, &cl), -1);
	sw_capture_close(c);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* stdin, gzip-compressed, through a pipe. */
	struct bb z = gz_of(&p);
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid = feed(pfd[1], &z);
	close(pfd[1]);
	int saved = dup(STDIN_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(pfd[0], STDIN_FILENO), STDIN_FILENO);
	close(pfd[0]);
	c = open1("-", NULL, err, sizeof err);
	assert_non_null(c);
	assert_string_equal(sw_capture_source(c, 0)->name, "-");
	assert_true(sw_capture_source(c, 0)->gzip);
	read_all(c, &r);
	assert_int_equal(r.n, 3);
	assert_int_equal(sw_capture_read_at(c, 0, r.f[0].off, buf, sizeof buf, &cl), -1);
	sw_capture_close(c);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	/* An empty stdin. */
	assert_int_equal(pipe(pfd), 0);
	close(pfd[1]);
	saved = dup(STDIN_FILENO);
	dup2(pfd[0], STDIN_FILENO);
	close(pfd[0]);
	assert_null(open1("-", NULL, err, sizeof err));
	assert_string_equal(err, "stdin: empty file");
	dup2(saved, STDIN_FILENO);
	close(saved);
	bb_free(&z);
	bb_free(&p);
}

/* Records bigger than the 64 KiB read buffer, plain and gzip. */
static void large_records(void **state)
{
	struct fx *fx = *state;
	const uint32_t big = 200000;
	uint8_t *data = malloc(big);
	assert_non_null(data);
	for (uint32_t i = 0; i < big; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	struct bb b = {0};
	pcap_file_hdr(&b, MAGIC_US, 1, 262144);
	pcap_rec(&b, false, 1, 0, data, big, big);
	pcap_rec(&b, false, 2, 0, data + 1, big - 1, big);
	struct bb g = {0};
	png_shb(&g, false);
	png_idb(&g, 1, 0, -1, false, 0);
	png_epb(&g, 0, 1, data, big, big);
	struct bb *in[2] = {&b, &g};
	for (int k = 0; k < 4; k++) {
		struct bb z = k & 1 ? gz_of(in[k / 2]) : *in[k / 2];
		char err[256];
		struct sw_capture *c = open1(write_bb(fx, "big", &z), NULL, err, sizeof err);
		assert_non_null(c);
		struct sw_frame f;
		assert_int_equal(sw_capture_next(c, &f), SW_CAP_FRAME);
		assert_int_equal(f.caplen, big);
		assert_memory_equal(f.data, data, big);
		if (k / 2 == 0) {
			assert_int_equal(sw_capture_next(c, &f), SW_CAP_FRAME);
			assert_int_equal(f.caplen, big - 1);
			assert_memory_equal(f.data, data + 1, big - 1);
		}
		uint8_t *rb = malloc(big);
		uint32_t cl;
		assert_int_equal(sw_capture_read_at(c, 0, f.offset, rb, big, &cl), 0);
		assert_memory_equal(rb, f.data, cl);
		free(rb);
		assert_int_equal(sw_capture_next(c, &f), SW_CAP_END);
		assert_false(sw_capture_source(c, 0)->damaged);
		sw_capture_close(c);
		if (k & 1)
			bb_free(&z);
	}
	bb_free(&b);
	bb_free(&g);
	free(data);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
	    T(pcap_all_magics),
	    T(pcap_header_fields),
	    T(pcap_record_tolerance),
	    T(pcap_record_damage),
	    T(pcapng_blocks),
	    T(pcapng_sections_and_linktypes),
	    T(pcapng_tsresol),
	    T(pcapng_unknown_interface_and_spb),
	    T(pcapng_interface_limit),
	    T(pcapng_malformed_blocks),
	    T(gzip_formats),
	    T(gzip_concatenated),
	    T(gzip_corrupt),
	    T(truncation_every_offset),
	    T(merge_by_time_with_ties),
	    T(merge_with_damaged_source),
	    T(count_limit),
	    T(filter_on_files),
	    T(writer_round_trip),
	    T(read_at_files),
	    T(open_errors),
	    T(fifo_and_stdin),
	    T(large_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
