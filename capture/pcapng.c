/* SPDX-License-Identifier: BSD-2-Clause */
/* Reader for pcapng files (draft-ietf-opsawg-pcapng sections 3-4): Section
 * Header (either byte order, several sections), Interface Description
 * (link type, snaplen, if_tsresol, if_tsoffset), Enhanced, Simple and the
 * obsolete Packet Block (appendix A); other blocks are skipped. Every block's
 * framing is validated before anything in it is used. */
#include "capture/capture_int.h"

#include <inttypes.h>
#include <string.h>

#include "common/mem.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_PB 0x00000002u /* obsolete Packet Block, appendix A */
#define BT_SPB 0x00000003u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_ENDOFOPT 0
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14

/* Smallest valid total length of each block type we parse. */
#define MIN_SHB 28u
#define MIN_IDB 20u
#define MIN_EPB 32u
#define MIN_PB 32u
#define MIN_SPB 16u

bool sw_pcapng_magic(const uint8_t m[4])
{
	return m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a;
}

/* Framing checks of section 3.1, shared by every block. 0 or -1 with why. */
static int check_len(uint32_t len, uint32_t min, char *why, size_t whylen)
{
	if (len < min)
		sw_cap_errf(why, whylen, "block length %u, less than the minimum %u", len, min);
	else if (len % 4)
		sw_cap_errf(why, whylen, "block length %u, not a multiple of 4", len);
	else if (len > SW_MAX_PCAPNG_BLOCK)
		sw_cap_errf(why, whylen, "block length %u, more than the %u-byte limit", len,
		            SW_MAX_PCAPNG_BLOCK);
	else
		return 0;
	return -1;
}

/* Read the rest of a block whose first 8 + npre bytes are consumed (npre
 * of them, after the 8-byte header, are in pre): r->buf receives the block
 * from byte 8 on, trailer included. 0; -1 truncated or -2 bad trailer, with
 * the detail in why. */
static int load_block(struct sw_rd *r, uint32_t len, const uint8_t *pre, size_t npre, char *why,
                      size_t whylen)
{
	size_t body = (size_t)len - 8;
	sw_rd_reserve(r, body);
	if (npre)
		memcpy(r->buf, pre, npre);
	size_t got = npre + sw_src_read(&r->src, r->buf + npre, body - npre);
	if (got < body) {
		sw_cap_errf(why, whylen, "header says %u bytes, %zu present", len, got + 8);
		return -1;
	}
	uint32_t trail = sw_rd32(r->buf + body - 4, r->be);
	if (trail != len) {
		sw_cap_errf(why, whylen, "trailing block length %u differs from the leading %u",
		            trail, len);
		return -2;
	}
	return 0;
}

/* Section Header Block (section 4.1) whose first 12 bytes are in h. Sets the
 * byte order and starts a new interface table. 0, or -1 with why. */
static int load_shb(struct sw_rd *r, const uint8_t h[12], char *why, size_t whylen)
{
	bool be;
	if (sw_rd32(h + 8, true) == BYTE_ORDER_MAGIC) {
		be = true;
	} else if (sw_rd32(h + 8, false) == BYTE_ORDER_MAGIC) {
		be = false;
	} else {
		sw_cap_errf(why, whylen,
		            "bad byte-order magic %02x %02x %02x %02x in section header", h[8],
		            h[9], h[10], h[11]);
		return -1;
	}
	uint32_t len = sw_rd32(h + 4, be);
	if (check_len(len, MIN_SHB, why, whylen) < 0)
		return -1;
	r->be = be;
	char d[120];
	int rc = load_block(r, len, h + 8, 4, d, sizeof d);
	if (rc < 0) {
		sw_cap_errf(why, whylen, "%s section header: %s", rc == -1 ? "truncated" : "bad",
		            d);
		return -1;
	}
	unsigned major = sw_rd16(r->buf + 4, be), minor = sw_rd16(r->buf + 6, be);
	/* 1.0 is the only version; 1.2 was written by a few old tools and
	 * is read as 1.0 by libpcap and Wireshark. The section length (-1 =
	 * unknown) is not needed for reading sequentially. */
	if (major != 1 || (minor != 0 && minor != 2)) {
		sw_cap_errf(why, whylen, "unsupported pcapng version %u.%u", major, minor);
		return -1;
	}
	r->nifs = 0;
	return 0;
}

int sw_pcapng_open(struct sw_rd *r, const uint8_t m[4], char *err, size_t errlen)
{
	uint8_t h[12];
	memcpy(h, m, 4);
	size_t got = sw_src_read(&r->src, h + 4, 8);
	if (got < 8) {
		sw_cap_errf(err, errlen, "truncated pcapng section header (%zu of %u bytes)%s%s",
		            got + 4, MIN_SHB, r->src.state == SW_SRC_DAMAGED ? ": " : "",
		            r->src.state == SW_SRC_DAMAGED ? r->src.error : "");
		return -1;
	}
	r->ifs = sw_calloc(SW_MAX_PCAPNG_IFACES, sizeof *r->ifs);
	char why[200];
	if (load_shb(r, h, why, sizeof why) < 0) {
		sw_cap_errf(err, errlen, "%s%s%s", why, r->src.state == SW_SRC_DAMAGED ? ": " : "",
		            r->src.state == SW_SRC_DAMAGED ? r->src.error : "");
		return -1;
	}
	r->fmt = SW_FMT_PCAPNG;
	r->info->format = "pcapng";
	r->info->linktype = -1; /* until the first Interface Description Block */
	return 0;
}

/* Interface Description Block (section 4.2) in r->buf (from byte 8). */
static void parse_idb(struct sw_rd *r, uint32_t len)
{
	uint32_t idx = r->nifs;
	if (r->nifs < UINT32_MAX)
		r->nifs++;
	if (idx >= SW_MAX_PCAPNG_IFACES)
		return; /* over the limit: its packets are skipped and counted */
	const uint8_t *b = r->buf;
	struct sw_png_if *ifc = &r->ifs[idx];
	memset(ifc, 0, sizeof *ifc);
	ifc->linktype = sw_rd16(b, r->be);
	ifc->snaplen = sw_rd32(b + 4, r->be);
	ifc->exp = 6; /* default resolution: microseconds */
	/* Options (section 3.5): code, length, value padded to 32 bits. A
	 * malformed list ends option parsing; the framing is already valid. */
	size_t pos = 8, end = (size_t)len - 12;
	while (end - pos >= 4) {
		unsigned code = sw_rd16(b + pos, r->be), olen = sw_rd16(b + pos + 2, r->be);
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;
		if (code == OPT_ENDOFOPT || padded > end - pos - 4)
			break;
		const uint8_t *v = b + pos + 4;
		if (code == OPT_IF_TSRESOL && olen == 1) {
			ifc->pow2 = (v[0] & 0x80) != 0;
			ifc->exp = v[0] & 0x7f;
		} else if (code == OPT_IF_TSOFFSET && olen == 8) {
			ifc->tsoffset = (int64_t)sw_rd64(v, r->be);
		}
		pos += 4 + padded;
	}
	if (r->info->linktype < 0)
		r->info->linktype = ifc->linktype;
	/* Finer than a microsecond: worth a nanosecond pcap when saved. */
	if ((!ifc->pow2 && ifc->exp > 6) || (ifc->pow2 && ifc->exp > 19))
		r->info->nanosecond = true;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/* 10^e for e <= 19 (the largest power of ten in 64 bits). */
static uint64_t pow10u(unsigned e)
{
	uint64_t v = 1;
	while (e--)
		v *= 10;
	return v;
}

/* Timestamp units of the interface (if_tsresol) to ns since the epoch,
 * plus if_tsoffset; saturates instead of overflowing. */
static int64_t ts_to_ns(uint64_t t, const struct sw_png_if *ifc)
{
	uint64_t ns;
	unsigned e = ifc->exp;
	if (!ifc->pow2) {
		if (e <= 9) {
			uint64_t mul = pow10u(9 - e);
			ns = t > (uint64_t)INT64_MAX / mul ? (uint64_t)INT64_MAX : t * mul;
		} else {
			ns = e - 9 < 20 ? t / pow10u(e - 9) : 0;
		}
	} else {
		uint64_t sec = e >= 64 ? 0 : t >> e;
		uint64_t frac = e >= 64 ? t : t & ((UINT64_C(1) << e) - 1);
		/* frac / 2^e seconds; keep frac * 1e9 within 64 bits. */
		unsigned fe = e;
		if (fe > 34) {
			frac = fe - 34 >= 64 ? 0 : frac >> (fe - 34);
			fe = 34;
		}
		uint64_t fns = (frac * 1000000000u) >> fe;
		if (sec > (uint64_t)INT64_MAX / 1000000000u)
			ns = (uint64_t)INT64_MAX;
		else
			ns = sec * 1000000000u + fns;
	}
	if (ns > (uint64_t)INT64_MAX)
		ns = (uint64_t)INT64_MAX;
	int64_t off = ifc->tsoffset;
	if (off > INT64_MAX / 1000000000 || off < INT64_MIN / 1000000000)
		off = off > 0 ? INT64_MAX / 1000000000 : INT64_MIN / 1000000000;
	return sat_add((int64_t)ns, off * 1000000000);
}

/* A packet block (EPB, SPB, PB) in r->buf. 1 = frame, 0 = skipped (unknown
 * interface), -1 = damage. */
static int parse_packet(struct sw_rd *r, uint32_t type, uint32_t len, uint64_t off,
                        struct sw_frame *f)
{
	const uint8_t *b = r->buf;
	unsigned long long fno = (unsigned long long)r->frame_no + 1;
	uint32_t ifid, caplen, origlen, avail;
	uint64_t ts = 0;
	const char *name;
	if (type == BT_SPB) {
		name = "simple packet block";
		ifid = 0;
		origlen = sw_rd32(b, r->be);
		avail = len - MIN_SPB;
		/* Section 4.4: captured length is min(original, snaplen); the
		 * block bounds it too. */
		caplen = origlen < avail ? origlen : avail;
	} else {
		name = type == BT_EPB ? "enhanced packet block" : "packet block";
		ifid = type == BT_EPB ? sw_rd32(b, r->be) : sw_rd16(b, r->be);
		ts = (uint64_t)sw_rd32(b + 4, r->be) << 32 | sw_rd32(b + 8, r->be);
		caplen = sw_rd32(b + 12, r->be);
		origlen = sw_rd32(b + 16, r->be);
		avail = len - MIN_EPB;
		if (caplen > avail) {
			sw_rd_damage(
			    r, off,
			    "%s at offset %" PRIu64
			    " (frame %llu): captured length %u exceeds the block (%u bytes)",
			    name, off, fno, caplen, avail);
			return -1;
		}
	}
	r->frame_no++;
	if (ifid >= r->nifs || ifid >= SW_MAX_PCAPNG_IFACES) {
		r->info->skipped++;
		return 0;
	}
	const struct sw_png_if *ifc = &r->ifs[ifid];
	if (type == BT_SPB && ifc->snaplen && caplen > ifc->snaplen)
		caplen = ifc->snaplen;
	f->wirelen = origlen < caplen ? caplen : origlen;
	f->caplen = caplen > SW_MAX_FRAME ? SW_MAX_FRAME : caplen;
	f->data = b + (type == BT_SPB ? 4 : 20);
	/* A Simple Packet Block has no timestamp: it takes the previous
	 * packet's, which keeps it in place when files are merged. */
	f->ts_ns = type == BT_SPB ? r->last_ts : ts_to_ns(ts, ifc);
	r->last_ts = f->ts_ns;
	f->linktype = ifc->linktype;
	f->frame_no = r->frame_no;
	f->offset = off;
	return 1;
}

int sw_pcapng_next(struct sw_rd *r, struct sw_frame *f)
{
	char why[200];
	for (;;) {
		if (r->done)
			return r->info->damaged ? -1 : 0;
		uint64_t off = r->src.offset;
		unsigned long long fno = (unsigned long long)r->frame_no + 1;
		uint8_t h[12];
		size_t got = sw_src_read(&r->src, h, 8);
		if (got == 0 && r->src.state != SW_SRC_DAMAGED) {
			r->done = true;
			return 0;
		}
		if (got < 8) {
			sw_rd_damage(r, off,
			             "truncated block header at offset %" PRIu64
			             " (frame %llu): %zu of 8 bytes present",
			             off, fno, got);
			return -1;
		}
		uint32_t type = sw_rd32(h, r->be);
		if (type == BT_SHB) {
			/* A new section, maybe of the other byte order. */
			got = sw_src_read(&r->src, h + 8, 4);
			if (got < 4) {
				sw_rd_damage(r, off,
				             "truncated section header at offset %" PRIu64
				             " (frame %llu): %zu of %u bytes present",
				             off, fno, got + 8, MIN_SHB);
				return -1;
			}
			if (load_shb(r, h, why, sizeof why) < 0) {
				sw_rd_damage(r, off, "at offset %" PRIu64 " (frame %llu): %s", off,
				             fno, why);
				return -1;
			}
			continue;
		}
		uint32_t len = sw_rd32(h + 4, r->be);
		uint32_t min = type == BT_IDB                    ? MIN_IDB
		               : type == BT_EPB || type == BT_PB ? MIN_EPB
		               : type == BT_SPB                  ? MIN_SPB
		                                                 : 12u;
		if (check_len(len, min, why, sizeof why) < 0) {
			sw_rd_damage(r, off,
			             "bad block (type 0x%08x) at offset %" PRIu64
			             " (frame %llu): %s",
			             type, off, fno, why);
			return -1;
		}
		if (type != BT_IDB && type != BT_EPB && type != BT_PB && type != BT_SPB) {
			/* NRB, ISB, DSB, custom and unknown blocks: skip the
			 * body without buffering it, but check the trailer. */
			uint64_t skip = (uint64_t)len - 12;
			uint64_t done = sw_src_skip(&r->src, skip);
			uint8_t t[4];
			got = done == skip ? sw_src_read(&r->src, t, 4) : 0;
			if (got < 4) {
				sw_rd_damage(r, off,
				             "truncated block at offset %" PRIu64
				             " (frame %llu): header says %u bytes, %" PRIu64
				             " present",
				             off, fno, len, 8 + done + got);
				return -1;
			}
			if (sw_rd32(t, r->be) != len) {
				sw_rd_damage(
				    r, off,
				    "bad block at offset %" PRIu64
				    " (frame %llu): trailing block length %u differs from the "
				    "leading %u",
				    off, fno, sw_rd32(t, r->be), len);
				return -1;
			}
			continue;
		}
		int lb = load_block(r, len, NULL, 0, why, sizeof why);
		if (lb < 0) {
			sw_rd_damage(r, off, "%s block at offset %" PRIu64 " (frame %llu): %s",
			             lb == -1 ? "truncated" : "bad", off, fno, why);
			return -1;
		}
		if (type == BT_IDB) {
			parse_idb(r, len);
			continue;
		}
		int rc = parse_packet(r, type, len, off, f);
		if (rc != 0)
			return rc;
	}
}

int sw_pcapng_read_at(struct sw_rd *r, uint64_t off, uint8_t *buf, size_t cap, uint32_t *caplen)
{
	uint8_t h[28];
	if (off > UINT64_MAX - SW_MAX_PCAPNG_BLOCK)
		return -1;
	ssize_t n = sw_src_pread(&r->src, off, h, sizeof h);
	if (n < (ssize_t)MIN_SPB - 4)
		return -1;
	/* The section's byte order is not known here, but packet block
	 * types are not palindromes: the type field tells. */
	bool be;
	uint32_t t;
	if ((t = sw_rd32(h, false)) == BT_EPB || t == BT_PB || t == BT_SPB)
		be = false;
	else if ((t = sw_rd32(h, true)) == BT_EPB || t == BT_PB || t == BT_SPB)
		be = true;
	else
		return -1;
	uint32_t len = sw_rd32(h + 4, be);
	char why[128];
	if (check_len(len, t == BT_SPB ? MIN_SPB : MIN_EPB, why, sizeof why) < 0)
		return -1;
	uint32_t cl;
	uint64_t data;
	if (t == BT_SPB) {
		uint32_t orig = sw_rd32(h + 8, be);
		cl = orig < len - MIN_SPB ? orig : len - MIN_SPB;
		data = off + 12;
	} else {
		if (n < (ssize_t)sizeof h)
			return -1;
		cl = sw_rd32(h + 20, be);
		if (cl > len - MIN_EPB)
			return -1;
		data = off + 28;
	}
	if (cl > SW_MAX_FRAME)
		cl = SW_MAX_FRAME;
	size_t want = cl < cap ? cl : cap;
	if (sw_src_pread(&r->src, data, buf, want) != (ssize_t)want)
		return -1;
	*caplen = (uint32_t)want;
	return 0;
}
