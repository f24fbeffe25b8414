/* SPDX-License-Identifier: BSD-2-Clause */
/* The HEP collector (-L): UDP sockets and TCP listeners in one epoll set, whose
 * descriptor is the capture's pollable fd. Each HEP packet (hep/hep.h decodes
 * it; v1/v2/v3 on UDP, v3 framed by its length on TCP) that carries SIP becomes
 * a raw IP frame (RFC 791 / RFC 8200 header, RFC 768 UDP or RFC 9293 TCP header
 * with the agent's addresses and ports, checksums computed) timed by the HEP
 * timestamp, so the decoder, the analysis and -w see it as a capture.
 *
 * Untrusted peers: a TCP connection's buffer grows only as bytes arrive, to at
 * most one packet (SW_HEP_MAX_PACKET); a stream that loses its framing is
 * resynchronised at the next "HEP3"; connections, agents and TCP flows have
 * named limits (capture.h); everything rejected is counted. */
#include "capture/capture_int.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "common/map.h"
#include "common/mem.h"
#include "common/str.h"
#include "hep/hep.h"

#define EV_BATCH 64
#define UDP_READS_PER_EVENT 64   /* datagrams read from one socket before looking at others */
#define CONN_BUF_MIN 4096u
#define FRAME_HDR_MAX (40u + 20u) /* IPv6 + TCP */
#define UDP_BUF_DEFAULT (32u << 20) /* kernel memory, used only while the analysis lags */

enum { TAG_LISTENER = 1, TAG_CONN = 2, TAG_TIMER = 3 };

struct hep_lis {
	int fd;
	bool tcp;
	uint32_t ovfl; /* last SO_RXQ_OVFL value seen */
};

struct hep_conn {
	int fd;                /* -1 when the slot is free */
	struct sw_addr peer;
	uint8_t *buf;
	size_t cap, len, off;  /* bytes [off, len) not yet framed */
	int64_t last_ms;
};

struct hep_agent {
	uint32_t capture_id;
	struct sw_addr ip; /* port 0 */
};

struct tcp_flow {
	uint32_t next_seq;
};

/* A frame held in the reorder window (capture.h): released in HEP
 * timestamp order once it is due, or earlier when the window is full. */
struct held {
	int64_t ts;
	uint64_t seq;   /* arrival order: ties keep it */
	int64_t due_ms; /* monotonic ms */
	uint32_t agent;
	uint32_t len;
	uint8_t data[];
};

struct sw_hep_rx {
	int epfd;
	struct hep_lis lis[SW_HEP_MAX_LISTEN];
	size_t nlis;
	struct hep_conn conns[SW_HEP_MAX_CONNS];
	struct epoll_event evs[EV_BATCH];
	int nev, iev;
	/* what is being handed out: a datagram (cur_lis >= 0) or a connection's
	 * buffer (cur_conn >= 0) */
	int cur_lis, cur_conn;
	int udp_li, udp_reads; /* listener read again before the other events */
	uint8_t *dgram;
	size_t dlen, doff;
	struct sw_addr dpeer;
	uint8_t *frame;
	char *auth;
	size_t authlen;
	struct hep_agent agents[SW_HEP_MAX_AGENTS];
	struct sw_map flows;
	uint16_t ip_id;
	/* the reorder window: a min-heap on (ts, seq) */
	struct held **heap;
	size_t nheld, held_bytes;
	uint64_t seq;
	struct held *out;     /* the frame returned last: freed at the next call */
	int64_t last_ts;      /* time of the frame released last */
	uint64_t max_seq;     /* latest arrival released so far, + 1 */
	int window_ms;        /* SW_HEP_REORDER_MS, or as set for tests */
	bool drained;         /* stopped: the sockets were read one last time */
	int tfd;              /* timerfd, readable when the oldest held frame is due */
	int64_t armed_ms;
	struct sw_hep_listen_stats st;
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sockaddr_to_addr(const struct sockaddr_storage *ss, struct sw_addr *a)
{
	memset(a, 0, sizeof *a);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		a->family = 4;
		memcpy(a->ip, &in->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(&in6->sin6_addr, mapped, 12) == 0) {
			a->family = 4;
			memcpy(a->ip, (const uint8_t *)&in6->sin6_addr + 12, 4);
		} else {
			a->family = 6;
			memcpy(a->ip, &in6->sin6_addr, 16);
		}
	}
}

/* ---- frames ---- */

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)(p[n - 1] << 8);
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Sequence number for the next segment of a TCP flow (per direction, over
 * all agents: the decoder reassembles by addresses), then advance it. */
static uint32_t flow_seq(struct sw_hep_rx *rx, const struct sw_hep_msg *m, size_t plen,
			 uint32_t *ack)
{
	uint8_t k[38], r[38];
	memset(k, 0, sizeof k);
	k[0] = m->src.family;
	memcpy(k + 1, m->src.ip, 16);
	put16(k + 17, m->src.port);
	memcpy(k + 19, m->dst.ip, 16);
	put16(k + 35, m->dst.port);
	memset(r, 0, sizeof r);
	r[0] = m->src.family;
	memcpy(r + 1, m->dst.ip, 16);
	put16(r + 17, m->dst.port);
	memcpy(r + 19, m->src.ip, 16);
	put16(r + 35, m->src.port);
	struct tcp_flow *fl = sw_map_get(&rx->flows, k, sizeof k);
	if (!fl) {
		if (rx->flows.count >= SW_HEP_MAX_TCP_FLOWS) {
			sw_map_free(&rx->flows);
			sw_map_init(&rx->flows, free);
		}
		fl = sw_malloc(sizeof *fl);
		fl->next_seq = 1;
		sw_map_put(&rx->flows, k, sizeof k, fl);
	}
	struct tcp_flow *rev = sw_map_get(&rx->flows, r, sizeof r);
	*ack = rev ? rev->next_seq : 0;
	uint32_t seq = fl->next_seq;
	fl->next_seq += (uint32_t)plen;
	return seq;
}

/* Build the frame for m in rx->frame; its length, or 0 when the payload does
 * not fit one IP packet. */
static size_t build_frame(struct sw_hep_rx *rx, const struct sw_hep_msg *m)
{
	bool tcp = m->ip_proto == 6 || m->ip_proto == 22; /* 22: Kamailio's mark for TLS */
	size_t l4 = tcp ? 20 : 8, plen = m->payload.len;
	bool v6 = m->src.family == 6;
	size_t iph = v6 ? 40 : 20;
	if (plen + l4 + (v6 ? 0 : iph) > 65535)
		return 0;
	uint8_t *f = rx->frame, *t = f + iph;
	memcpy(t + l4, m->payload.p, plen);
	uint32_t acc;
	if (v6) {
		memset(f, 0, 40);
		f[0] = 0x60;
		put16(f + 4, (uint32_t)(l4 + plen));
		f[6] = tcp ? 6 : 17;
		f[7] = 64;
		memcpy(f + 8, m->src.ip, 16);
		memcpy(f + 24, m->dst.ip, 16);
		acc = sum16(f + 8, 32, 0);
	} else {
		memset(f, 0, 20);
		f[0] = 0x45;
		put16(f + 2, (uint32_t)(20 + l4 + plen));
		put16(f + 4, rx->ip_id++);
		f[6] = 0x40; /* DF */
		f[8] = 64;
		f[9] = tcp ? 6 : 17;
		memcpy(f + 12, m->src.ip, 4);
		memcpy(f + 16, m->dst.ip, 4);
		put16(f + 10, fold(sum16(f, 20, 0)));
		acc = sum16(f + 12, 8, 0);
	}
	acc += (uint32_t)(tcp ? 6 : 17) + (uint32_t)(l4 + plen);
	memset(t, 0, l4);
	put16(t, m->src.port);
	put16(t + 2, m->dst.port);
	if (tcp) {
		uint32_t ack;
		put32(t + 4, flow_seq(rx, m, plen, &ack));
		put32(t + 8, ack);
		t[12] = 0x50;
		t[13] = ack ? 0x18 : 0x08; /* PSH (+ACK) */
		put16(t + 14, 65535);
		put16(t + 16, fold(sum16(t, l4 + plen, acc)));
	} else {
		put16(t + 4, (uint32_t)(8 + plen));
		uint16_t c = fold(sum16(t, l4 + plen, acc));
		put16(t + 6, c ? c : 0xffff);
	}
	return iph + l4 + plen;
}

/* ---- agents ---- */

static int agent_index(struct sw_capture *c, struct sw_hep_rx *rx, uint32_t capture_id,
		       const struct sw_addr *peer)
{
	for (size_t i = 0; i < c->n; i++)
		if (rx->agents[i].capture_id == capture_id && sw_ip_eq(&rx->agents[i].ip, peer))
			return (int)i;
	if (c->n >= SW_HEP_MAX_AGENTS)
		return -1;
	size_t i = c->n++;
	rx->agents[i].capture_id = capture_id;
	rx->agents[i].ip = *peer;
	rx->agents[i].ip.port = 0;
	char ip[SW_IPSTRLEN], name[SW_IPSTRLEN + 32];
	sw_ip_fmt(peer, ip);
	snprintf(name, sizeof name, peer->family == 6 ? "hep:%u@[%s]" : "hep:%u@%s", capture_id, ip);
	struct sw_capture_source *s = &c->srcs[i];
	memset(s, 0, sizeof *s);
	s->name = sw_strdup(name);
	s->format = "hep";
	s->linktype = SW_LINK_RAW;
	return (int)i;
}

static bool held_less(const struct held *a, const struct held *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void heap_push(struct sw_hep_rx *rx, struct held *h)
{
	size_t k = rx->nheld++;
	rx->heap[k] = h;
	while (k > 0 && held_less(rx->heap[k], rx->heap[(k - 1) / 2])) {
		struct held *t = rx->heap[k];
		rx->heap[k] = rx->heap[(k - 1) / 2];
		rx->heap[(k - 1) / 2] = t;
		k = (k - 1) / 2;
	}
}

static struct held *heap_pop(struct sw_hep_rx *rx)
{
	struct held *top = rx->heap[0];
	rx->heap[0] = rx->heap[--rx->nheld];
	for (size_t k = 0;;) {
		size_t l = 2 * k + 1, r = l + 1, m = k;
		if (l < rx->nheld && held_less(rx->heap[l], rx->heap[m]))
			m = l;
		if (r < rx->nheld && held_less(rx->heap[r], rx->heap[m]))
			m = r;
		if (m == k)
			break;
		struct held *t = rx->heap[k];
		rx->heap[k] = rx->heap[m];
		rx->heap[m] = t;
		k = m;
	}
	return top;
}

/* One HEP packet from `peer`, decoded; when it carries SIP its frame joins
 * the reorder window. 1 when a frame was held, 0 when none (counted). */
static int take_packet(struct sw_capture *c, const uint8_t *p, size_t len,
		       const struct sw_addr *peer, size_t *used)
{
	struct sw_hep_rx *rx = c->hep;
	struct sw_hep_msg m;
	int rc = sw_hep_decode(p, len, &m);
	if (rc != SW_HEP_OK) {
		rx->st.malformed++;
		rx->st.by_error[-rc < 16 ? -rc : 0]++;
		*used = len; /* the rest of this datagram cannot be trusted */
		return 0;
	}
	*used = m.used;
	rx->st.packets++;
	rx->st.unknown_chunks += m.unknown_chunks;
	if (rx->auth && !(m.auth_key.len == rx->authlen &&
			  memcmp(m.auth_key.p, rx->auth, rx->authlen) == 0)) {
		rx->st.auth_failed++;
		return 0;
	}
	if (m.proto_type == SW_HEP_PT_LOG) {
		rx->st.logs++;
		return 0;
	}
	if (m.proto_type != SW_HEP_PT_SIP) {
		rx->st.other_types++;
		return 0;
	}
	if (m.payload.len == 0) {
		rx->st.empty++;
		return 0;
	}
	if (m.ip_proto != 6 && m.ip_proto != 17 && m.ip_proto != 22)
		rx->st.other_transport++;
	int ai = agent_index(c, rx, m.has_capture_id ? m.capture_id : 0, peer);
	if (ai < 0) {
		rx->st.agents_over_limit++;
		return 0;
	}
	size_t flen = build_frame(rx, &m);
	if (!flen) {
		rx->st.oversize++;
		return 0;
	}
	int64_t ts;
	if (m.has_time) {
		ts = (int64_t)m.ts_sec * 1000000000 + (int64_t)m.ts_usec * 1000;
	} else {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		ts = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
		rx->st.no_time++;
	}
	struct sw_frame fr;
	memset(&fr, 0, sizeof fr);
	fr.data = rx->frame;
	fr.caplen = fr.wirelen = (uint32_t)flen;
	fr.ts_ns = ts;
	fr.linktype = SW_LINK_RAW;
	fr.file_idx = (uint32_t)ai;
	if (!sw_capture_filter_pass(c, (size_t)ai, &fr)) {
		c->stats.filtered_out++;
		return 0;
	}
	struct held *h = sw_malloc(sizeof *h + flen);
	h->ts = ts;
	h->seq = rx->seq++;
	h->due_ms = mono_ms() + rx->window_ms;
	h->agent = (uint32_t)ai;
	h->len = (uint32_t)flen;
	memcpy(h->data, rx->frame, flen);
	heap_push(rx, h);
	rx->held_bytes += flen;
	rx->st.sip++;
	return 1;
}

/* ---- sockets ---- */

static void conn_close(struct sw_hep_rx *rx, struct hep_conn *k)
{
	if (k->fd < 0)
		return;
	epoll_ctl(rx->epfd, EPOLL_CTL_DEL, k->fd, NULL);
	close(k->fd);
	if (k->len > k->off) {
		/* a packet cut by the end of the connection */
		rx->st.malformed++;
		rx->st.by_error[-SW_HEP_E_SHORT]++;
	}
	free(k->buf);
	memset(k, 0, sizeof *k);
	k->fd = -1;
}

static void do_accept(struct sw_hep_rx *rx, int lfd)
{
	for (int n = 0; n < 16; n++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		int64_t now = mono_ms();
		struct hep_conn *slot = NULL, *idlest = NULL;
		for (size_t i = 0; i < SW_HEP_MAX_CONNS; i++) {
			struct hep_conn *k = &rx->conns[i];
			if (k->fd < 0) {
				slot = k;
				break;
			}
			if (!idlest || k->last_ms < idlest->last_ms)
				idlest = k;
		}
		if (!slot && idlest && now - idlest->last_ms >= SW_HEP_CONN_IDLE_MS) {
			conn_close(rx, idlest);
			slot = idlest;
		}
		if (!slot) {
			close(fd);
			rx->st.connections_refused++;
			continue;
		}
		slot->fd = fd;
		sockaddr_to_addr(&ss, &slot->peer);
		slot->last_ms = now;
		struct epoll_event ev = { .events = EPOLLIN };
		ev.data.u64 = (uint64_t)TAG_CONN << 32 | (uint64_t)(slot - rx->conns);
		if (epoll_ctl(rx->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			slot->fd = -1;
			continue;
		}
		rx->st.connections++;
	}
}

/* Read one datagram from listener li; true when rx->dgram holds one. */
static bool read_datagram(struct sw_hep_rx *rx, int li)
{
	struct hep_lis *l = &rx->lis[li];
	struct sockaddr_storage ss;
	struct iovec iov = { rx->dgram, SW_HEP_MAX_PACKET };
	union {
		char buf[CMSG_SPACE(sizeof(uint32_t))];
		struct cmsghdr align;
	} cb;
	struct msghdr mh = { .msg_name = &ss, .msg_namelen = sizeof ss, .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = cb.buf,
			     .msg_controllen = sizeof cb.buf };
	ssize_t n = recvmsg(l->fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return false;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
			uint32_t v;
			memcpy(&v, CMSG_DATA(cm), sizeof v);
			rx->st.kernel_dropped += (uint32_t)(v - l->ovfl);
			l->ovfl = v;
		}
	rx->st.datagrams++;
	rx->dlen = (size_t)n;
	rx->doff = 0;
	sockaddr_to_addr(&ss, &rx->dpeer);
	return true;
}

/* Read what a connection has; false when it closed. */
static bool read_conn(struct sw_hep_rx *rx, struct hep_conn *k)
{
	if (k->off > 0 && k->off == k->len)
		k->off = k->len = 0;
	if (k->len == k->cap) {
		if (k->off > 0) {
			memmove(k->buf, k->buf + k->off, k->len - k->off);
			k->len -= k->off;
			k->off = 0;
		} else {
			/* full and no packet complete: grow, only as bytes arrive */
			size_t cap = k->cap ? k->cap * 2 : CONN_BUF_MIN;
			if (cap > SW_HEP_MAX_PACKET)
				cap = SW_HEP_MAX_PACKET;
			if (cap == k->cap) { /* cannot happen: sw_hep_frame bounds a packet */
				conn_close(rx, k);
				return false;
			}
			k->buf = sw_realloc(k->buf, cap);
			k->cap = cap;
		}
	}
	ssize_t n = recv(k->fd, k->buf + k->len, k->cap - k->len, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		conn_close(rx, k);
		return false;
	}
	if (n > 0) {
		k->len += (size_t)n;
		k->last_ms = mono_ms();
		rx->st.tcp_bytes += (uint64_t)n;
	}
	return true;
}

/* Next packet from the bytes being read; 1 = a frame was held, 0 = none left. */
static int drain_current(struct sw_capture *c)
{
	struct sw_hep_rx *rx = c->hep;
	while (rx->cur_lis >= 0 && rx->doff < rx->dlen) {
		size_t used;
		int r = take_packet(c, rx->dgram + rx->doff, rx->dlen - rx->doff, &rx->dpeer, &used);
		rx->doff += used ? used : rx->dlen - rx->doff;
		if (r)
			return 1;
	}
	rx->cur_lis = -1;
	while (rx->cur_conn >= 0) {
		struct hep_conn *k = &rx->conns[rx->cur_conn];
		if (k->fd < 0 || k->off >= k->len)
			break;
		long fl = sw_hep_frame(k->buf + k->off, k->len - k->off);
		if (fl == 0)
			break; /* wait for more bytes */
		if (fl < 0) {
			/* lost framing: skip to the next "HEP3" (keep a tail that
			 * may be its start) */
			rx->st.malformed++;
			rx->st.by_error[-SW_HEP_E_VERSION]++;
			rx->st.resyncs++;
			const char *nx = sw_memmem((const char *)k->buf + k->off + 1,
						   k->len - k->off - 1, "HEP3", 4);
			if (nx) {
				k->off = (size_t)((const uint8_t *)nx - k->buf);
			} else {
				size_t keep = k->len - k->off - 1 < 3 ? k->len - k->off - 1 : 3;
				k->off = k->len - keep;
			}
			continue;
		}
		size_t used;
		int r = take_packet(c, k->buf + k->off, (size_t)fl, &k->peer, &used);
		k->off += (size_t)fl;
		if (r)
			return 1;
	}
	rx->cur_conn = -1;
	return 0;
}

/* Read sockets until one packet is held (1) or nothing is waiting (0). */
static int pull(struct sw_capture *c)
{
	struct sw_hep_rx *rx = c->hep;
	for (;;) {
		if (drain_current(c))
			return 1;
		/* the datagram is used up: the same socket first, a bounded number of times */
		if (rx->udp_reads > 0) {
			rx->udp_reads--;
			if (read_datagram(rx, rx->udp_li)) {
				rx->cur_lis = rx->udp_li;
				continue;
			}
			rx->udp_reads = 0;
		}
		if (rx->iev < rx->nev) {
			struct epoll_event *ev = &rx->evs[rx->iev++];
			uint32_t tag = (uint32_t)(ev->data.u64 >> 32);
			int idx = (int)(ev->data.u64 & 0xffffffffu);
			if (tag == TAG_LISTENER && rx->lis[idx].tcp) {
				do_accept(rx, rx->lis[idx].fd);
			} else if (tag == TAG_LISTENER) {
				if (read_datagram(rx, idx)) {
					rx->cur_lis = idx;
					rx->udp_li = idx;
					rx->udp_reads = UDP_READS_PER_EVENT;
				}
			} else if (tag == TAG_CONN && idx < (int)SW_HEP_MAX_CONNS &&
				   rx->conns[idx].fd >= 0) {
				if (read_conn(rx, &rx->conns[idx]))
					rx->cur_conn = idx;
			} else if (tag == TAG_TIMER) {
				uint64_t ticks;
				(void)!read(rx->tfd, &ticks, sizeof ticks);
				rx->armed_ms = 0;
			}
			continue;
		}
		rx->nev = epoll_wait(rx->epfd, rx->evs, EV_BATCH, 0);
		rx->iev = 0;
		rx->udp_reads = 0;
		if (rx->nev <= 0) {
			rx->nev = 0;
			return 0;
		}
	}
}

/* Wake the caller's poll() when the oldest held frame is due. */
static void arm_timer(struct sw_hep_rx *rx)
{
	if (!rx->nheld || rx->tfd < 0 || rx->armed_ms == rx->heap[0]->due_ms)
		return;
	int64_t due = rx->heap[0]->due_ms;
	struct itimerspec its;
	memset(&its, 0, sizeof its);
	its.it_value.tv_sec = (time_t)(due / 1000);
	its.it_value.tv_nsec = (long)(due % 1000) * 1000000;
	if (timerfd_settime(rx->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		rx->armed_ms = due;
}

int sw_hep_rx_next(struct sw_capture *c, struct sw_frame *f)
{
	struct sw_hep_rx *rx = c->hep;
	free(rx->out);
	rx->out = NULL;
	if (c->stopped) {
		/* Ctrl-C: what has already arrived (in the sockets, once, up to a
		 * window's worth) and what is held goes out, in order; then the end */
		if (!rx->drained) {
			rx->drained = true;
			while (rx->nheld < SW_HEP_REORDER_FRAMES &&
			       rx->held_bytes < SW_HEP_REORDER_BYTES && pull(c))
				;
		}
		if (!rx->nheld)
			return SW_CAP_END;
	} else {
		/* take in what is waiting, within the window's bounds */
		for (int n = 0; n < 256 && rx->nheld < SW_HEP_REORDER_FRAMES &&
				rx->held_bytes < SW_HEP_REORDER_BYTES;
		     n++)
			if (!pull(c))
				break;
		if (!rx->nheld)
			return SW_CAP_AGAIN;
	}
	if (!c->stopped && rx->heap[0]->due_ms > mono_ms() && rx->nheld < SW_HEP_REORDER_FRAMES &&
	    rx->held_bytes < SW_HEP_REORDER_BYTES) {
		arm_timer(rx);
		return SW_CAP_AGAIN;
	}
	struct held *h = heap_pop(rx);
	rx->held_bytes -= h->len;
	rx->out = h;
	if (h->seq + 1 < rx->max_seq)
		rx->st.reordered++; /* a later arrival went out before it */
	else
		rx->max_seq = h->seq + 1;
	if (h->ts < rx->last_ts)
		rx->st.late++;
	else
		rx->last_ts = h->ts;
	struct sw_capture_source *s = &c->srcs[h->agent];
	memset(f, 0, sizeof *f);
	f->data = h->data;
	f->caplen = f->wirelen = h->len;
	f->ts_ns = h->ts;
	f->linktype = SW_LINK_RAW;
	f->file_idx = h->agent;
	f->frame_no = ++s->frames;
	s->bytes += h->len;
	arm_timer(rx);
	return SW_CAP_FRAME;
}

int sw_hep_rx_fd(const struct sw_capture *c)
{
	return c->hep->epfd;
}

void sw_hep_rx_stats(struct sw_capture *c, struct sw_capture_stats *st)
{
	st->received = c->hep->st.packets;
	st->dropped = c->hep->st.kernel_dropped;
}

void sw_capture_hep_set_window(struct sw_capture *c, int ms)
{
	if (c->hep)
		c->hep->window_ms = ms < 0 ? 0 : ms;
}

bool sw_capture_hep_stats(const struct sw_capture *c, struct sw_hep_listen_stats *st)
{
	if (!c->hep)
		return false;
	*st = c->hep->st;
	return true;
}

void sw_hep_rx_close(struct sw_capture *c)
{
	struct sw_hep_rx *rx = c->hep;
	if (!rx)
		return;
	for (size_t i = 0; i < SW_HEP_MAX_CONNS; i++)
		if (rx->conns[i].fd >= 0) {
			close(rx->conns[i].fd);
			free(rx->conns[i].buf);
		}
	for (size_t i = 0; i < rx->nlis; i++)
		close(rx->lis[i].fd);
	if (rx->epfd >= 0)
		close(rx->epfd);
	if (rx->tfd >= 0)
		close(rx->tfd);
	for (size_t i = 0; i < rx->nheld; i++)
		free(rx->heap[i]);
	free(rx->heap);
	free(rx->out);
	sw_map_free(&rx->flows);
	free(rx->dgram);
	free(rx->frame);
	free(rx->auth);
	free(rx);
	c->hep = NULL;
}

static int open_listener(struct sw_hep_rx *rx, const char *spec, int buffer_kib, char *err,
			 size_t errlen)
{
	bool tcp;
	char host[256];
	uint16_t port;
	if (sw_hep_parse_spec(spec, &tcp, host, sizeof host, &port, err, errlen) != 0)
		return -1;
	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	char ps[8];
	snprintf(ps, sizeof ps, "%u", port);
	int rc = getaddrinfo(host[0] ? host : NULL, ps, &hints, &ai);
	if (rc != 0 || !ai) {
		sw_cap_errf(err, errlen, "'%s': cannot resolve %s: %s", spec, host,
			    rc ? gai_strerror(rc) : "no address");
		return -1;
	}
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0) {
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (ai->ai_family == AF_INET6) /* [::] takes IPv4 too */
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &(int){ 0 }, sizeof(int));
	}
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || (tcp && listen(fd, 64) != 0)) {
		sw_cap_errf(err, errlen, "'%s': cannot listen: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	if (!tcp) {
		int sz = buffer_kib > 0 ? buffer_kib * 1024 : (int)UDP_BUF_DEFAULT;
		/* as root beyond net.core.rmem_max, else up to it */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) != 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
		(void)setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
	}
	size_t i = rx->nlis++;
	rx->lis[i].fd = fd;
	rx->lis[i].tcp = tcp;
	struct epoll_event ev = { .events = EPOLLIN };
	ev.data.u64 = (uint64_t)TAG_LISTENER << 32 | i;
	if (epoll_ctl(rx->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		sw_cap_errf(err, errlen, "'%s': %s", spec, strerror(errno));
		return -1;
	}
	return 0;
}

int sw_capture_open_hep(struct sw_capture **out, const char *const *specs, size_t n,
			const char *auth_key, const struct sw_capture_opts *opts, char *err,
			size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (n == 0 || n > SW_HEP_MAX_LISTEN) {
		sw_cap_errf(err, errlen, "give 1 to %u HEP listen addresses", SW_HEP_MAX_LISTEN);
		return -1;
	}
	struct sw_capture *c = sw_capture_new_sources(SW_HEP_MAX_AGENTS, opts);
	struct sw_hep_rx *rx = sw_calloc(1, sizeof *rx);
	c->hep = rx;
	rx->epfd = epoll_create1(EPOLL_CLOEXEC);
	rx->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	rx->heap = sw_calloc(SW_HEP_REORDER_FRAMES, sizeof *rx->heap);
	rx->window_ms = SW_HEP_REORDER_MS;
	rx->cur_lis = rx->cur_conn = -1;
	for (size_t i = 0; i < SW_HEP_MAX_CONNS; i++)
		rx->conns[i].fd = -1;
	sw_map_init(&rx->flows, free);
	rx->dgram = sw_malloc(SW_HEP_MAX_PACKET);
	rx->frame = sw_malloc(FRAME_HDR_MAX + SW_HEP_MAX_PACKET);
	if (auth_key) {
		rx->auth = sw_strdup(auth_key);
		rx->authlen = strlen(auth_key);
	}
	struct epoll_event tev = { .events = EPOLLIN };
	tev.data.u64 = (uint64_t)TAG_TIMER << 32;
	if (rx->epfd < 0 || rx->tfd < 0 || epoll_ctl(rx->epfd, EPOLL_CTL_ADD, rx->tfd, &tev) != 0) {
		sw_cap_errf(err, errlen, "epoll: %s", strerror(errno));
		sw_capture_close(c);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (open_listener(rx, specs[i], opts ? opts->buffer_kib : 0, err, errlen) != 0) {
			sw_capture_close(c);
			return -1;
		}
	if (c->filter) {
		/* compile now: a bad expression is a usage error, not silence */
		struct sw_frame probe = { .data = (const uint8_t *)"", .linktype = SW_LINK_RAW };
		(void)sw_capture_filter_pass(c, 0, &probe);
		for (size_t i = 0; i < c->nprogs; i++)
			if (!c->progs[i].ok) {
				sw_cap_errf(err, errlen, "filter \"%s\": %s", c->filter,
					    c->progs[i].msg);
				sw_capture_close(c);
				return -1;
			}
	}
	*out = c;
	return 0;
}
