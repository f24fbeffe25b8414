/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the HEP collector (-L, capture/hep_listen.c) end to end on
 * a real loopback socket: the input, cut into datagrams at each "HEP3" and at
 * every 0x01/0x02 byte after a "\n\n" (so v2 packets come too), is sent to a
 * UDP listener opened once; every frame the collector builds is checked
 * (raw IPv4/IPv6 with consistent lengths, source within the agents) and then
 * decoded and analysed as sipwatch does. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "capture/capture.h"
#include "decode/decode.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sw_capture *cap;
static int tx = -1;
static struct sockaddr_in to;

static void on_event(void *user, const struct sw_ev *ev)
{
	sw_analyze_event(user, ev, NULL);
}

static void setup(void)
{
	/* a free port: bind 0, read it, close, listen there */
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &al) != 0)
		abort();
	close(s);
	char spec[64], err[256];
	snprintf(spec, sizeof spec, "udp:127.0.0.1:%u", ntohs(a.sin_port));
	const char *specs[1] = { spec };
	if (sw_capture_open_hep(&cap, specs, 1, NULL, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "fuzz_hep_listen: %s\n", err);
		abort();
	}
	sw_capture_hep_set_window(cap, 0); /* frames out at once, in order */
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	to = a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!cap)
		setup();
	/* cut the input into datagrams */
	size_t start = 0;
	for (size_t i = 1; i <= size; i++) {
		bool cut = i == size || (i + 4 <= size && memcmp(data + i, "HEP3", 4) == 0) ||
			   (i >= 2 && data[i - 1] == '\n' && data[i - 2] == '\n' &&
			    (data[i] == 1 || data[i] == 2));
		if (!cut)
			continue;
		if (i - start <= 65000)
			(void)sendto(tx, data + start, i - start, 0, (struct sockaddr *)&to, sizeof to);
		start = i;
	}
	struct sw_decode *dec = sw_decode_new(NULL);
	struct sw_analyze_opts ao;
	memset(&ao, 0, sizeof ao);
	ao.max_messages = 1000;
	struct sw_analyze *an = sw_analyze_new(&ao);
	struct sw_frame f;
	int64_t last = 0;
	for (int n = 0; n < 10000; n++) {
		int rc = sw_capture_next(cap, &f);
		if (rc != SW_CAP_FRAME)
			break;
		FZ_CHECK(f.linktype == SW_LINK_RAW);
		FZ_CHECK(f.file_idx < sw_capture_nsources(cap));
		FZ_CHECK(f.caplen == f.wirelen && f.caplen >= 28);
		if ((f.data[0] >> 4) == 4)
			FZ_CHECK(((uint32_t)f.data[2] << 8 | f.data[3]) == f.caplen);
		else
			FZ_CHECK((f.data[0] >> 4) == 6 &&
				 ((uint32_t)f.data[4] << 8 | f.data[5]) + 40 == f.caplen);
		if (f.ts_ns > last)
			last = f.ts_ns;
		sw_analyze_tick(an, f.ts_ns);
		sw_decode_frame(dec, &f, on_event, an);
	}
	sw_decode_finish(dec, on_event, an);
	sw_analyze_finish(an, last);
	sw_analyze_free(an);
	sw_decode_free(dec);
	return 0;
}
