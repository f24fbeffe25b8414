/* SPDX-License-Identifier: BSD-2-Clause */
/* The HEP agent's sending side: one socket to the collector, never blocking
 * the caller. UDP: each packet is one send(2), a full socket buffer drops it.
 * TCP: packets are written whole, in order, through a queue bounded in bytes;
 * while the collector is slow or away the queue fills, then packets are
 * dropped (counted); a connection that fails is retried after a back-off
 * doubling from SW_HEP_BACKOFF_MIN_MS to SW_HEP_BACKOFF_MAX_MS, and a packet
 * cut by the failure is given up (a new connection starts on a packet
 * boundary, as HEP over TCP is framed by each packet's length). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/mem.h"
#include "hep/hep.h"

enum { ST_DOWN = 0, ST_CONNECTING, ST_UP };

struct sw_hep_sender {
	char *spec;
	bool tcp;
	int fd;
	int state;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	/* TCP queue: whole packets in [head, tail); `pkt` is the start of the
	 * packet `head` is in (head > pkt after a partial write). */
	uint8_t *q;
	size_t qcap, qmax, head, tail, pkt;
	int64_t retry_at_ms;
	int backoff_ms;
	struct sw_hep_send_stats st;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int sw_hep_parse_spec(const char *spec, bool *tcp, char *host, size_t hostcap, uint16_t *port,
		      char *err, size_t errlen)
{
	if (strncasecmp(spec, "udp:", 4) == 0)
		*tcp = false;
	else if (strncasecmp(spec, "tcp:", 4) == 0)
		*tcp = true;
	else {
		snprintf(err, errlen, "'%s': give udp:HOST:PORT or tcp:HOST:PORT", spec);
		return -1;
	}
	const char *h = spec + 4, *colon = strrchr(h, ':');
	if (!colon || colon == h || !colon[1]) {
		snprintf(err, errlen, "'%s': give udp:HOST:PORT or tcp:HOST:PORT", spec);
		return -1;
	}
	size_t hlen = (size_t)(colon - h);
	if (h[0] == '[') {
		if (hlen < 3 || h[hlen - 1] != ']') {
			snprintf(err, errlen, "'%s': unbalanced [ ] around the address", spec);
			return -1;
		}
		h++;
		hlen -= 2;
	}
	if (hlen + 1 > hostcap) {
		snprintf(err, errlen, "'%s': host name too long", spec);
		return -1;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	uint64_t v;
	if (sw_parse_u64(sw_str_c(colon + 1), 65535, &v) != 0 || v == 0) {
		snprintf(err, errlen, "'%s': the port must be a number from 1 to 65535", spec);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

static void go_down(struct sw_hep_sender *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->state = ST_DOWN;
	s->retry_at_ms = now_ms() + s->backoff_ms;
	s->backoff_ms = s->backoff_ms * 2 > SW_HEP_BACKOFF_MAX_MS ? SW_HEP_BACKOFF_MAX_MS
								   : s->backoff_ms * 2;
	/* The packet being written was cut: the next connection starts at
	 * the following one. */
	if (s->head > s->pkt) {
		size_t end = s->pkt + (size_t)(s->q[s->pkt + 4] << 8 | s->q[s->pkt + 5]);
		s->head = s->pkt = end;
		s->st.errors++;
	}
}

static void start_connect(struct sw_hep_sender *s)
{
	s->fd = socket(s->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		go_down(s);
		return;
	}
	if (connect(s->fd, (struct sockaddr *)&s->addr, s->addrlen) == 0) {
		s->state = ST_UP;
		s->st.connects++;
		s->backoff_ms = SW_HEP_BACKOFF_MIN_MS;
	} else if (errno == EINPROGRESS) {
		s->state = ST_CONNECTING;
	} else {
		go_down(s);
	}
}

int sw_hep_sender_open(struct sw_hep_sender **out, const char *spec, size_t queue_bytes,
		       char *err, size_t errlen)
{
	*out = NULL;
	bool tcp;
	char host[256];
	uint16_t port;
	if (sw_hep_parse_spec(spec, &tcp, host, sizeof host, &port, err, errlen) != 0)
		return -1;
	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
	char ps[8];
	snprintf(ps, sizeof ps, "%u", port);
	int rc = getaddrinfo(host, ps, &hints, &ai);
	if (rc != 0 || !ai) {
		snprintf(err, errlen, "'%s': cannot resolve %s: %s", spec, host,
			 rc ? gai_strerror(rc) : "no address");
		return -1;
	}
	struct sw_hep_sender *s = sw_calloc(1, sizeof *s);
	s->spec = sw_strdup(spec);
	s->tcp = tcp;
	s->fd = -1;
	memcpy(&s->addr, ai->ai_addr, ai->ai_addrlen);
	s->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	s->qmax = queue_bytes ? queue_bytes : SW_HEP_SEND_QUEUE;
	if (s->qmax < SW_HEP_MAX_PACKET)
		s->qmax = SW_HEP_MAX_PACKET; /* one packet always fits */
	s->backoff_ms = SW_HEP_BACKOFF_MIN_MS;
	if (!tcp) {
		s->fd = socket(s->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&s->addr, s->addrlen) != 0) {
			snprintf(err, errlen, "'%s': %s", spec, strerror(errno));
			sw_hep_sender_close(s);
			return -1;
		}
		s->state = ST_UP;
	} else {
		start_connect(s);
	}
	*out = s;
	return 0;
}

/* Write queued bytes while the socket takes them. */
static void write_queue(struct sw_hep_sender *s)
{
	while (s->state == ST_UP && s->head < s->tail) {
		ssize_t n = send(s->fd, s->q + s->head, s->tail - s->head, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				go_down(s);
			break;
		}
		s->head += (size_t)n;
		/* count the packets now written whole */
		while (s->pkt < s->head) {
			size_t end = s->pkt + (size_t)(s->q[s->pkt + 4] << 8 | s->q[s->pkt + 5]);
			if (end > s->head)
				break;
			s->pkt = end;
			s->st.sent++;
		}
	}
	if (s->head == s->tail)
		s->head = s->tail = s->pkt = 0;
	s->st.queued = s->tail - s->head;
}

void sw_hep_sender_poll(struct sw_hep_sender *s)
{
	if (!s->tcp)
		return;
	if (s->state == ST_DOWN && now_ms() >= s->retry_at_ms)
		start_connect(s);
	if (s->state == ST_CONNECTING) {
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };
		if (poll(&p, 1, 0) <= 0)
			return;
		int e = 0;
		socklen_t el = sizeof e;
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0 || e != 0) {
			go_down(s);
			return;
		}
		s->state = ST_UP;
		s->st.connects++;
		s->backoff_ms = SW_HEP_BACKOFF_MIN_MS;
	}
	write_queue(s);
}

static void enqueue(struct sw_hep_sender *s, const uint8_t *p, size_t n)
{
	if (s->tail + n > s->qcap && s->head > 0) {
		/* compact: keep [pkt, tail) at the front */
		memmove(s->q, s->q + s->pkt, s->tail - s->pkt);
		s->head -= s->pkt;
		s->tail -= s->pkt;
		s->pkt = 0;
	}
	if (s->tail + n > s->qcap) {
		size_t cap = s->qcap ? s->qcap : 65536;
		while (cap < s->tail + n)
			cap *= 2;
		if (cap > s->qmax + SW_HEP_MAX_PACKET)
			cap = s->qmax + SW_HEP_MAX_PACKET;
		s->q = sw_realloc(s->q, cap);
		s->qcap = cap;
	}
	memcpy(s->q + s->tail, p, n);
	s->tail += n;
	s->st.queued = s->tail - s->head;
	if (s->st.queued > s->st.queue_max)
		s->st.queue_max = s->st.queued;
}

void sw_hep_sender_send(struct sw_hep_sender *s, const uint8_t *pkt, size_t len)
{
	if (len < SW_HEP3_HEADER || len > SW_HEP_MAX_PACKET)
		return;
	if (!s->tcp) {
		for (;;) {
			if (send(s->fd, pkt, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len) {
				s->st.sent++;
			} else if (errno == EINTR) {
				continue;
			} else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
				s->st.dropped++;
			} else {
				/* ECONNREFUSED: an ICMP error for an earlier packet */
				s->st.errors++;
			}
			return;
		}
	}
	sw_hep_sender_poll(s);
	if (s->tail - s->head + len > s->qmax) {
		s->st.dropped++;
		return;
	}
	enqueue(s, pkt, len);
	write_queue(s);
}

int sw_hep_sender_drain(struct sw_hep_sender *s, int timeout_ms)
{
	if (!s->tcp)
		return 0;
	int64_t end = now_ms() + timeout_ms;
	for (;;) {
		sw_hep_sender_poll(s);
		if (s->head == s->tail)
			return 0;
		int64_t left = end - now_ms();
		if (left <= 0)
			return -1;
		if (s->state == ST_DOWN) {
			int64_t w = s->retry_at_ms - now_ms();
			if (w > left)
				return -1; /* the next try comes too late */
			struct timespec ts = { (time_t)(w > 0 ? w : 0) / 1000,
					       (long)((w > 0 ? w : 0) % 1000) * 1000000 };
			nanosleep(&ts, NULL);
			continue;
		}
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };
		(void)poll(&p, 1, (int)(left > 100 ? 100 : left));
	}
}

bool sw_hep_sender_wait_room(struct sw_hep_sender *s, size_t need, int timeout_ms)
{
	if (!s->tcp)
		return true;
	int64_t end = now_ms() + timeout_ms;
	for (;;) {
		sw_hep_sender_poll(s);
		if (s->tail - s->head + need <= s->qmax)
			return true;
		int64_t left = end - now_ms();
		if (s->state != ST_UP || left <= 0)
			return false;
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };
		(void)poll(&p, 1, (int)(left > 100 ? 100 : left));
	}
}

void sw_hep_sender_stats(const struct sw_hep_sender *s, struct sw_hep_send_stats *st)
{
	*st = s->st;
}

const char *sw_hep_sender_spec(const struct sw_hep_sender *s)
{
	return s->spec;
}

bool sw_hep_sender_is_tcp(const struct sw_hep_sender *s)
{
	return s->tcp;
}

void sw_hep_sender_close(struct sw_hep_sender *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->q);
	free(s->spec);
	free(s);
}
