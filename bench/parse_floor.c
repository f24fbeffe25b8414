/* SPDX-License-Identifier: BSD-2-Clause */
/* The parse floor (issue 15): read a capture with libpcap and parse every SIP
 * message in it with libosip2, nothing else. What sipwatch --report costs
 * above this is decoding, analysis and output.
 *
 *   parse_floor FILE      prints "frames=N sip=N parsed=N failed=N"
 *
 * Link layers: Ethernet (with 802.1Q tags), Linux cooked (SLL) and raw IP;
 * IPv4 and IPv6 without extension headers; UDP and TCP, one message per
 * payload (the bench captures: bench/gen_register.c). A payload counts as SIP
 * when it starts with "SIP/2.0 " or an upper-case method and a space. Every
 * header is read within the captured length; nothing here is sipwatch code.
 * Bench only: built by bench/run.sh, not by CMake. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <osipparser2/osip_parser.h>
#include <pcap/pcap.h>

struct floor_stats {
	int linktype;
	unsigned long long frames, sip, parsed, failed;
};

/* RFC 3261 section 7: a status line or a request line's method. */
static bool looks_sip(const uint8_t *p, size_t len)
{
	if (len >= 8 && memcmp(p, "SIP/2.0 ", 8) == 0)
		return true;
	size_t i = 0;
	while (i < len && i < 32 && p[i] >= 'A' && p[i] <= 'Z')
		i++;
	return i >= 3 && i < len && p[i] == ' ';
}

static void parse_one(struct floor_stats *st, const uint8_t *p, size_t len)
{
	if (!looks_sip(p, len))
		return;
	st->sip++;
	osip_message_t *m;
	if (osip_message_init(&m) != 0) {
		st->failed++;
		return;
	}
	if (osip_message_parse(m, (const char *)p, len) == 0)
		st->parsed++;
	else
		st->failed++;
	osip_message_free(m);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *p)
{
	struct floor_stats *st = (struct floor_stats *)user;
	size_t len = h->caplen, off = 0;
	uint16_t et = 0;
	st->frames++;
	switch (st->linktype) {
	case DLT_EN10MB:
		if (len < 14)
			return;
		et = (uint16_t)(p[12] << 8 | p[13]);
		off = 14;
		while ((et == 0x8100 || et == 0x88a8) && len >= off + 4) {
			et = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (len < 16)
			return;
		et = (uint16_t)(p[14] << 8 | p[15]);
		off = 16;
		break;
	case DLT_RAW:
		if (len < 1)
			return;
		et = (p[0] >> 4) == 6 ? 0x86dd : 0x0800;
		break;
	default:
		return;
	}
	uint8_t proto;
	if (et == 0x0800) {
		if (len < off + 20)
			return;
		size_t ihl = (size_t)(p[off] & 0x0f) * 4;
		if (ihl < 20 || len < off + ihl || (p[off + 6] & 0x3f) || p[off + 7])
			return; /* fragments are not reassembled here */
		proto = p[off + 9];
		off += ihl;
	} else if (et == 0x86dd) {
		if (len < off + 40)
			return;
		proto = p[off + 6];
		off += 40;
	} else {
		return;
	}
	if (proto == 17) {
		if (len < off + 8)
			return;
		off += 8;
	} else if (proto == 6) {
		if (len < off + 20)
			return;
		size_t doff = (size_t)(p[off + 12] >> 4) * 4;
		if (doff < 20 || len < off + doff)
			return;
		off += doff;
	} else {
		return;
	}
	parse_one(st, p + off, len - off);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: parse_floor FILE\n");
		return 2;
	}
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(argv[1], err);
	if (!pc) {
		fprintf(stderr, "parse_floor: %s\n", err);
		return 2;
	}
	parser_init();
	struct floor_stats st = { .linktype = pcap_datalink(pc) };
	if (pcap_loop(pc, -1, on_packet, (u_char *)&st) == PCAP_ERROR)
		fprintf(stderr, "parse_floor: %s\n", pcap_geterr(pc));
	pcap_close(pc);
	printf("frames=%llu sip=%llu parsed=%llu failed=%llu\n", st.frames, st.sip, st.parsed,
	       st.failed);
	return 0;
}
