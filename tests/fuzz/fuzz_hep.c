/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the HEP decoder (hep/hep.h) on hostile bytes, three ways:
 * the input as one UDP datagram (v1/v2/v3, several v3 packets in a row), as a
 * TCP stream cut by sw_hep_frame() (with its resynchronisation at the next
 * "HEP3"), and every packet that decodes is encoded again (v3) and must
 * decode to the same fields. Properties: every slice lies inside the input,
 * a packet never takes more bytes than given, a framed length is at least the
 * header, and the encoder's output is accepted by the decoder. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "hep/hep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_inside(struct sw_str s, const uint8_t *p, size_t n)
{
	if (!s.len)
		return;
	FZ_CHECK((const uint8_t *)s.p >= p && (const uint8_t *)s.p + s.len <= p + n);
	volatile uint8_t sink = 0;
	for (size_t i = 0; i < s.len; i++)
		sink ^= (uint8_t)s.p[i];
	(void)sink;
}

static void roundtrip(const struct sw_hep_msg *m)
{
	static uint8_t out[SW_HEP_MAX_PACKET];
	size_t n = sw_hep_encode(out, sizeof out, m);
	if (!n)
		return; /* does not fit one packet */
	FZ_CHECK(n >= SW_HEP3_HEADER && n <= SW_HEP_MAX_PACKET);
	FZ_CHECK(sw_hep_frame(out, n) == (long)n);
	struct sw_hep_msg b;
	FZ_CHECK(sw_hep_decode(out, n, &b) == SW_HEP_OK);
	FZ_CHECK(b.used == n && b.version == 3);
	FZ_CHECK(b.ip_proto == m->ip_proto && b.proto_type == m->proto_type);
	FZ_CHECK(b.src.port == m->src.port && b.dst.port == m->dst.port);
	FZ_CHECK(b.ts_sec == m->ts_sec && b.ts_usec == m->ts_usec);
	FZ_CHECK(b.capture_id == m->capture_id);
	FZ_CHECK(b.payload.len == m->payload.len &&
		 (!b.payload.len || memcmp(b.payload.p, m->payload.p, b.payload.len) == 0));
	FZ_CHECK(b.auth_key.len == m->auth_key.len);
	FZ_CHECK(b.correlation.len == m->correlation.len);
	if (m->src.family == b.src.family)
		FZ_CHECK(memcmp(b.src.ip, m->src.ip, m->src.family == 4 ? 4 : 16) == 0);
}

static void one(const uint8_t *p, size_t n, const uint8_t *base, size_t total, size_t *used)
{
	struct sw_hep_msg m;
	int rc = sw_hep_decode(p, n, &m);
	*used = n;
	FZ_CHECK(rc <= 0 && rc > -SW_HEP_N_ERRORS);
	FZ_CHECK(strcmp(sw_hep_error_name(rc), "unknown") != 0);
	if (rc != SW_HEP_OK)
		return;
	FZ_CHECK(m.used >= 1 && m.used <= n);
	FZ_CHECK(m.src.family == 4 || m.src.family == 6);
	FZ_CHECK(m.src.family == m.dst.family);
	FZ_CHECK(m.ts_usec < 1000000u);
	check_inside(m.payload, base, total);
	check_inside(m.auth_key, base, total);
	check_inside(m.correlation, base, total);
	*used = m.used;
	/* the encoder keeps IPv4 and IPv6 as given; the payload must fit */
	roundtrip(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* as a datagram, packet after packet (as the collector reads UDP) */
	for (size_t off = 0; off < size;) {
		size_t used;
		one(data + off, size - off, data, size, &used);
		FZ_CHECK(used >= 1 && used <= size - off);
		off += used;
	}
	/* as a TCP stream */
	size_t off = 0;
	while (off < size) {
		long fl = sw_hep_frame(data + off, size - off);
		if (fl == 0)
			break; /* would wait for more bytes */
		if (fl < 0) {
			const char *nx = sw_memmem((const char *)data + off + 1, size - off - 1, "HEP3", 4);
			if (!nx)
				break;
			off = (size_t)((const uint8_t *)nx - data);
			continue;
		}
		FZ_CHECK(fl >= (long)SW_HEP3_HEADER && (size_t)fl <= size - off);
		size_t used;
		one(data + off, (size_t)fl, data, size, &used);
		off += (size_t)fl;
	}
	return 0;
}
