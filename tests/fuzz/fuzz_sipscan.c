/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the small parsers of decode/ that run before (or
 * instead of) libosip2 on every payload: SIP recognition, stream framing
 * (RFC 3261 section 18.3), the light scan used on ICMP-quoted and rejected
 * messages, keepalive classification (RFC 5626, STUN), WebSocket frame
 * headers and HTTP Upgrade (RFC 6455), DNS (RFC 1035) and the IPv6
 * extension header walk. Each result is checked against the input's
 * bounds and against the other functions' view of the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/internal.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;

	bool looks = sw_sip_looks_like(p, size);
	size_t hdr_len = 0;
	int64_t clen = -1;
	long fl = sw_sip_frame_scan(p, size, &hdr_len, &clen);
	FZ_CHECK(fl >= -2);
	FZ_CHECK(fl <= (long)size);
	FZ_CHECK(hdr_len <= size);
	FZ_CHECK(sw_sip_frame_len(p, size) == fl);
	if (fl > 0) {
		FZ_CHECK(hdr_len > 0 && hdr_len <= (size_t)fl);
		FZ_CHECK(clen < 0 || (uint64_t)hdr_len + (uint64_t)clen == (uint64_t)fl ||
		         clen == 0);
		/* A complete message stays complete with more bytes after it
		 * (streams append); its length does not change. */
		if (size < 65536) {
			char *more = malloc(size + 4);
			memcpy(more, p, size);
			memcpy(more + size, "\r\n\r\n", 4);
			FZ_CHECK(sw_sip_frame_len(more, size + 4) == fl);
			free(more);
		}
	}

	size_t crlf = sw_sip_crlf_run(p, size);
	FZ_CHECK(crlf <= size);

	struct sw_sip_light l;
	memset(&l, 0, sizeof l);
	if (sw_sip_scan_light(p, size, &l) == 0) {
		FZ_CHECK(fz_within(l.first_line, p, size));
		FZ_CHECK(fz_within(l.method, p, size));
		FZ_CHECK(fz_within(l.call_id, p, size));
		FZ_CHECK(fz_within(l.branch, p, size));
		FZ_CHECK(l.is_request || (l.status >= 0 && l.status <= 999));
	}
	(void)looks;

	enum sw_keepalive_kind kind;
	for (int flow = 0; flow < 2; flow++)
		if (sw_keepalive_classify(data, size, flow, &kind))
			FZ_CHECK(kind >= SW_KA_CRLF_PING && kind <= SW_KA_OTHER);

	struct sw_ws_frame wf;
	int wr = sw_ws_parse_header(data, size, &wf);
	FZ_CHECK(wr >= -1 && wr <= 1);
	if (wr == 1)
		FZ_CHECK(wf.hdr_len >= 2 && wf.hdr_len <= 14 && wf.hdr_len <= size);
	FZ_CHECK(sw_http_header_len(data, size) <= size);
	(void)sw_ws_is_upgrade(data, size);

	struct sw_dns dns;
	if (sw_dns_parse(data, size, &dns) == 0) {
		FZ_CHECK(memchr(dns.qname, 0, sizeof dns.qname) != NULL);
		FZ_CHECK(dns.n_addrs <= SW_DNS_MAX_ANSWERS);
		for (const char *q = dns.qname; *q; q++)
			FZ_CHECK((uint8_t)*q > 0x20 && (uint8_t)*q < 0x7f);
	}

	if (size) {
		uint8_t nh = data[0];
		long off = sw_ipv6_walk(data + 1, size - 1, &nh);
		FZ_CHECK(off >= -2 && off <= (long)(size - 1));
	}
	return 0;
}
