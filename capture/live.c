/* SPDX-License-Identifier: BSD-2-Clause */
/* Live capture through libpcap (pcap_create(3PCAP), pcap_activate(3PCAP)):
 * immediate mode, non-blocking, with a selectable fd for the caller's poll()
 * loop, nanosecond time stamps where the platform has them, and the kernel's
 * counters from pcap_stats(3PCAP). Frames are in LINKTYPE_ values as files
 * are (draft-ietf-opsawg-pcaplinktype). */
#include "capture/capture_int.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#ifndef SW_LIVE_BUFFER_KIB
#define SW_LIVE_BUFFER_KIB 0 /* libpcap's default */
#endif

/* tcpdump's wording: "eth0: <status> (<libpcap detail>)". */
static void status_msg(char *out, size_t outlen, const char *iface, pcap_t *p, int status,
                       const char *prefix)
{
	const char *detail = pcap_geterr(p);
	const char *st = pcap_statustostr(status);
	if (status == PCAP_ERROR || status == PCAP_WARNING)
		sw_cap_errf(out, outlen, "%s: %s%s", iface, prefix, detail[0] ? detail : st);
	else if (detail[0] && strcmp(detail, st) != 0)
		sw_cap_errf(out, outlen, "%s: %s%s (%s)%s", iface, prefix, st, detail,
		            status == PCAP_ERROR_PERM_DENIED
		                ? "; capturing needs root or CAP_NET_RAW"
		                : "");
	else
		sw_cap_errf(out, outlen, "%s: %s%s%s", iface, prefix, st,
		            status == PCAP_ERROR_PERM_DENIED
		                ? "; capturing needs root or CAP_NET_RAW"
		                : "");
}

int sw_capture_open_live(struct sw_capture **out, const char *iface,
                         const struct sw_capture_opts *opts, char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, eb);
	if (!p) {
		sw_cap_errf(err, errlen, "%s: %s", iface, eb);
		return -1;
	}
	int snap = opts && opts->snaplen > 0 ? opts->snaplen : (int)SW_MAX_FRAME;
	(void)pcap_set_snaplen(p, snap);
	(void)pcap_set_promisc(p, opts ? opts->promisc : 1);
	/* Batches (issue 15): without immediate mode Linux libpcap uses
	 * TPACKET_V3, whose ring holds packets back to back in blocks that the
	 * kernel hands over when full or after the timeout: one wake-up per
	 * block instead of one per packet, and a ring that holds thousands of
	 * SIP packets whatever the snapshot length. SW_LIVE_TIMEOUT_MS bounds
	 * how late a REGISTER is shown on a quiet line. */
	(void)pcap_set_immediate_mode(p, 0);
	(void)pcap_set_timeout(p, SW_LIVE_TIMEOUT_MS);
	/* -B, else the build's default (CMakeLists.txt: 32 MiB; 0 in static
	 * phone builds: libpcap's 2 MiB). */
	int buffer_kib = opts && opts->buffer_kib > 0 ? opts->buffer_kib : SW_LIVE_BUFFER_KIB;
	if (buffer_kib > 0)
		(void)pcap_set_buffer_size(p, buffer_kib > INT_MAX / 1024 ? INT_MAX : buffer_kib * 1024);
	(void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	char warning[256] = "";
	int rc = pcap_activate(p);
	if (rc < 0) {
		status_msg(err, errlen, iface, p, rc, "");
		pcap_close(p);
		return -1;
	}
	if (rc > 0)
		status_msg(warning, sizeof warning, iface, p, rc, "warning: ");
	if (pcap_setnonblock(p, 1, eb) != 0) {
		sw_cap_errf(err, errlen, "%s: cannot set non-blocking mode: %s", iface, eb);
		pcap_close(p);
		return -1;
	}
	int fd = pcap_get_selectable_fd(p);
	if (fd < 0) {
		sw_cap_errf(err, errlen, "%s: no selectable file descriptor", iface);
		pcap_close(p);
		return -1;
	}
	if (opts && opts->filter && opts->filter[0]) {
		bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
		if (pcap_lookupnet(iface, &net, &mask, eb) != 0)
			mask = PCAP_NETMASK_UNKNOWN; /* no IPv4 address: fine */
		struct bpf_program prog;
		if (pcap_compile(p, &prog, opts->filter, 1, mask) != 0) {
			sw_cap_errf(err, errlen, "%s: filter \"%s\": %s", iface, opts->filter,
			            pcap_geterr(p));
			pcap_close(p);
			return -1;
		}
		int set = pcap_setfilter(p, &prog);
		pcap_freecode(&prog);
		if (set != 0) {
			sw_cap_errf(err, errlen, "%s: cannot set filter: %s", iface,
			            pcap_geterr(p));
			pcap_close(p);
			return -1;
		}
	}
	struct sw_capture *c = sw_capture_new_live(iface, opts);
	c->pcap = p;
	c->fd = fd;
	c->srcs[0].linktype = sw_dlt_to_linktype(pcap_datalink(p));
	c->srcs[0].nanosecond = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	if (warning[0]) {
		snprintf(c->srcs[0].error, sizeof c->srcs[0].error, "%s", warning);
		sw_cap_errf(err, errlen, "%s", warning);
	}
	*out = c;
	return 0;
}

int sw_live_next(struct sw_capture *c, struct sw_frame *f)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc = pcap_next_ex(c->pcap, &h, &d);
	if (c->stopped || rc == PCAP_ERROR_BREAK)
		return SW_CAP_END;
	if (rc == 0)
		return SW_CAP_AGAIN;
	if (rc != 1) {
		sw_cap_errf(c->error, sizeof c->error, "%s: %s", c->srcs[0].name,
		            pcap_geterr(c->pcap));
		return SW_CAP_ERROR;
	}
	struct sw_capture_source *s = &c->srcs[0];
	/* With nanosecond precision tv_usec holds nanoseconds. */
	f->ts_ns = (int64_t)h->ts.tv_sec * 1000000000 +
	           (int64_t)h->ts.tv_usec * (s->nanosecond ? 1 : 1000);
	f->data = d;
	f->caplen = h->caplen;
	f->wirelen = h->len < h->caplen ? h->caplen : h->len;
	f->linktype = s->linktype;
	f->file_idx = 0;
	f->frame_no = ++c->live_frames;
	f->offset = 0;
	s->frames++;
	s->bytes += h->caplen;
	return SW_CAP_FRAME;
}

void sw_live_stats(struct sw_capture *c, struct sw_capture_stats *st)
{
	struct pcap_stat ps;
	if (c->pcap && pcap_stats(c->pcap, &ps) == 0) {
		st->received = ps.ps_recv;
		st->dropped = ps.ps_drop;
		st->ifdropped = ps.ps_ifdrop;
	}
}

void sw_live_close(struct sw_capture *c)
{
	if (c->pcap)
		pcap_close(c->pcap);
	c->pcap = NULL;
	c->fd = -1;
}
