/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: sw_decode_frame() on a sequence of frames of one link
 * type, so that state across frames (IP fragments, TCP streams, SCTP
 * messages, WebSocket, the SIP peer set) is fuzzed too.
 *
 * Input: byte 0 picks the link type (low 4 bits index the supported ones;
 * 10..15 use the byte itself, mostly unsupported types); byte 1 holds
 * options (bit 0: an extra SIP port 5080; bit 1: frames may switch link
 * type). Then records: u16 length (big endian), u8 time step, the frame.
 * Time steps: 0..0xfc times 10 ms, 0xfd one hour on (timeouts), 0xfe one
 * second back, 0xff: next byte is a new link selector (when bit 1 is set).
 * Each frame is copied to a buffer of its exact size, so a read past its
 * end is caught. Every event field is read; sw_decode_finish() ends it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FRAMES 2000u

static const int links[] = {
    SW_LINK_ETHERNET, SW_LINK_NULL, SW_LINK_RAW,        SW_LINK_LOOP, SW_LINK_LINUX_SLL,
    SW_LINK_IPV4,     SW_LINK_IPV6, SW_LINK_LINUX_SLL2, 12,           14,
};

static int pick_link(uint8_t sel)
{
	unsigned i = sel & 15u;
	return i < sizeof links / sizeof links[0] ? links[i] : sel;
}

struct ctx {
	uint64_t events;
};

static void sink(void *user, const struct sw_ev *ev)
{
	struct ctx *c = user;
	c->events++;
	fz_touch_event(ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z = {data, size};
	int linktype = pick_link(fz_u8(&z));
	uint8_t opt = fz_u8(&z);
	static const uint16_t extra[] = {5080, 0};
	struct sw_decode_opts dopts = {.sip_ports = extra};
	struct sw_decode *d = sw_decode_new(opt & 1 ? &dopts : NULL);
	struct ctx c = {0};
	int64_t ts = INT64_C(1700000000) * 1000000000;
	uint64_t frame_no = 0;
	while (z.n >= 3 && frame_no < MAX_FRAMES) {
		uint16_t len = fz_u16(&z);
		uint8_t step = fz_u8(&z);
		if (step == 0xff && (opt & 2)) {
			linktype = pick_link(fz_u8(&z));
		} else if (step == 0xfe) {
			ts -= INT64_C(1000000000);
		} else if (step == 0xfd) {
			ts += INT64_C(3600) * 1000000000;
		} else {
			ts += (int64_t)step * 10000000;
		}
		struct sw_str b = fz_bytes(&z, len);
		uint8_t *copy = malloc(b.len ? b.len : 1);
		if (b.len)
			memcpy(copy, b.p, b.len);
		struct sw_frame f = {
		    .data = copy,
		    .caplen = (uint32_t)b.len,
		    .wirelen = (uint32_t)b.len + (step & 1 ? 0 : (uint32_t)(len - b.len)),
		    .ts_ns = ts,
		    .linktype = linktype,
		    .file_idx = 0,
		    .frame_no = ++frame_no,
		    .offset = (uint64_t)(z.p - data),
		};
		sw_decode_frame(d, &f, sink, &c);
		free(copy);
	}
	sw_decode_finish(d, sink, &c);
	const struct sw_decode_stats *st = sw_decode_get_stats(d);
	FZ_CHECK(st->frames == frame_no);
	FZ_CHECK(st->sip + st->sip_bad + st->icmp_errors + st->keepalives + st->dns <= c.events);
	sw_decode_free(d);
	return 0;
}
