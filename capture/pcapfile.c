/* SPDX-License-Identifier: BSD-2-Clause */
/* Reader for classic pcap files (draft-ietf-opsawg-pcap sections 4-5): the
 * microsecond and nanosecond magics in either byte order, and Kuznetzov's
 * "modified pcap" (magic a1b2cd34, 24-byte record headers), with every
 * record checked against the bytes really present. */
#include "capture/capture_int.h"

#include <inttypes.h>
#include <string.h>

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_MAGIC_MOD 0xa1b2cd34u /* Kuznetzov patched libpcap */
#define PCAP_FILE_HDR 24u
#define PCAP_REC_HDR 16u
#define PCAP_MOD_REC_HDR 24u /* + ifindex(4) protocol(2) pkt_type(1) pad(1) */

static bool known_magic(uint32_t m)
{
	return m == PCAP_MAGIC_US || m == PCAP_MAGIC_NS || m == PCAP_MAGIC_MOD;
}

bool sw_pcap_magic(const uint8_t m[4])
{
	return known_magic(sw_rd32(m, true)) || known_magic(sw_rd32(m, false));
}

int sw_pcap_open(struct sw_rd *r, const uint8_t m[4], char *err, size_t errlen)
{
	uint8_t h[PCAP_FILE_HDR];
	memcpy(h, m, 4);
	size_t got = sw_src_read(&r->src, h + 4, sizeof h - 4);
	if (got < sizeof h - 4) {
		if (r->src.state == SW_SRC_DAMAGED)
			sw_cap_errf(err, errlen, "truncated pcap file header (%zu of %u bytes): %s",
			            got + 4, PCAP_FILE_HDR, r->src.error);
		else
			sw_cap_errf(err, errlen, "truncated pcap file header (%zu of %u bytes)",
			            got + 4, PCAP_FILE_HDR);
		return -1;
	}
	r->be = known_magic(sw_rd32(h, true));
	uint32_t magic = sw_rd32(h, r->be);
	r->nsec = magic == PCAP_MAGIC_NS;
	r->modified = magic == PCAP_MAGIC_MOD;
	unsigned major = sw_rd16(h + 4, r->be), minor = sw_rd16(h + 6, r->be);
	/* Every writer since 1998 says 2.4; 2.2 and 2.3 differ only in the
	 * order of caplen and len (handled below), anything else is unknown. */
	if (major != 2 || minor < 2) {
		sw_cap_errf(err, errlen, "unsupported pcap version %u.%u", major, minor);
		return -1;
	}
	r->swap_lens = minor < 3;
	r->snaplen = sw_rd32(h + 16, r->be);
	/* The upper bits of the network field carry FCS information. */
	r->linktype = (int)(sw_rd32(h + 20, r->be) & 0xffffu);
	r->info->format = "pcap";
	r->info->nanosecond = r->nsec;
	r->info->linktype = r->linktype;
	r->fmt = SW_FMT_PCAP;
	return 0;
}

/* Decode a record header into the frame fields; the caller reads the data. */
static void rec_hdr(const struct sw_rd *r, const uint8_t *h, struct sw_frame *f)
{
	uint32_t sec = sw_rd32(h, r->be), frac = sw_rd32(h + 4, r->be);
	uint32_t caplen = sw_rd32(h + 8, r->be), len = sw_rd32(h + 12, r->be);
	if (r->swap_lens && caplen > len) {
		uint32_t t = caplen;
		caplen = len;
		len = t;
	}
	/* ts_sec is unsigned (draft-ietf-opsawg-pcap section 5): good to 2106. */
	f->ts_ns = (int64_t)sec * 1000000000 + (int64_t)frac * (r->nsec ? 1 : 1000);
	f->caplen = caplen;
	/* A wire length shorter than what was captured is a writer bug. */
	f->wirelen = len < caplen ? caplen : len;
	f->linktype = r->linktype;
}

int sw_pcap_next(struct sw_rd *r, struct sw_frame *f)
{
	if (r->done)
		return r->info->damaged ? -1 : 0;
	uint8_t h[PCAP_MOD_REC_HDR];
	size_t hlen = r->modified ? PCAP_MOD_REC_HDR : PCAP_REC_HDR;
	uint64_t off = r->src.offset;
	unsigned long long fno = (unsigned long long)r->frame_no + 1;
	size_t got = sw_src_read(&r->src, h, hlen);
	if (got < hlen) {
		if (got == 0 && r->src.state != SW_SRC_DAMAGED) {
			r->done = true; /* clean end at a record boundary */
			return 0;
		}
		if (got == 0)
			sw_rd_damage(r, off, "record at offset %" PRIu64 " (frame %llu) unreadable",
			             off, fno);
		else
			sw_rd_damage(r, off,
			             "truncated record header at offset %" PRIu64
			             " (frame %llu): %zu of %zu bytes present",
			             off, fno, got, hlen);
		return -1;
	}
	rec_hdr(r, h, f);
	if (f->caplen > SW_MAX_FRAME) {
		sw_rd_damage(r, off,
		             "bad record at offset %" PRIu64
		             " (frame %llu): header says %u bytes, more than the %u-byte limit",
		             off, fno, f->caplen, SW_MAX_FRAME);
		return -1;
	}
	sw_rd_reserve(r, f->caplen);
	got = sw_src_read(&r->src, r->buf, f->caplen);
	if (got < f->caplen) {
		sw_rd_damage(r, off,
		             "truncated record at offset %" PRIu64
		             " (frame %llu): header says %u bytes, %zu present",
		             off, fno, f->caplen, got);
		return -1;
	}
	r->frame_no++;
	f->data = r->buf;
	f->frame_no = r->frame_no;
	f->offset = off;
	return 1;
}

int sw_pcap_read_at(struct sw_rd *r, uint64_t off, uint8_t *buf, size_t cap, uint32_t *caplen)
{
	uint8_t h[PCAP_MOD_REC_HDR];
	size_t hlen = r->modified ? PCAP_MOD_REC_HDR : PCAP_REC_HDR;
	if (off < PCAP_FILE_HDR || off > UINT64_MAX - hlen)
		return -1;
	if (sw_src_pread(&r->src, off, h, hlen) != (ssize_t)hlen)
		return -1;
	struct sw_frame f;
	rec_hdr(r, h, &f);
	if (f.caplen > SW_MAX_FRAME)
		return -1;
	size_t n = f.caplen < cap ? f.caplen : cap;
	if (sw_src_pread(&r->src, off + hlen, buf, n) != (ssize_t)n)
		return -1;
	*caplen = (uint32_t)n;
	return 0;
}
