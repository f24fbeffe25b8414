/* SPDX-License-Identifier: BSD-2-Clause */
/* Byte source for capture files: a path, a FIFO or stdin, plain or
 * gzip-compressed (RFC 1952, concatenated members as gzip(1) writes them),
 * read sequentially through a buffer; corrupt or truncated compression is
 * reported as damage at a known offset. Also the reader helpers shared by
 * pcapfile.c and pcapng.c (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng). */
#include "capture/capture_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mem.h"

void sw_cap_errf(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (n < 0)
		err[0] = '\0';
}

static const char *errno_text(int e)
{
	switch (e) {
	case ENOENT:
		return "no such file";
	case EACCES:
	case EPERM:
		return "permission denied";
	case EISDIR:
		return "is a directory";
	case ENOTDIR:
		return "a path component is not a directory";
	default:
		return strerror(e);
	}
}

static void src_damage(struct sw_src *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void src_damage(struct sw_src *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(s->error, sizeof s->error, fmt, ap);
	va_end(ap);
	if (n < 0)
		s->error[0] = '\0';
	s->state = SW_SRC_DAMAGED;
}

/* One read(2) appending to the raw buffer; 1 = data, 0 = end of file,
 * -1 = read error (source damaged). EAGAIN (a non-blocking stdin) waits. */
static int raw_fill(struct sw_src *s)
{
	if (s->raw_pos == s->raw_len)
		s->raw_pos = s->raw_len = 0;
	if (s->raw_len == SW_SRC_BUF)
		return 1;
	for (;;) {
		ssize_t n = read(s->fd, s->raw + s->raw_len, SW_SRC_BUF - s->raw_len);
		if (n > 0) {
			s->raw_len += (size_t)n;
			s->raw_read += (uint64_t)n;
			return 1;
		}
		if (n == 0) {
			s->raw_eof = true;
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
			(void)poll(&pfd, 1, -1);
			continue;
		}
		src_damage(s, "read error at byte %llu: %s", (unsigned long long)s->raw_read,
		           strerror(errno));
		s->raw_eof = true;
		return -1;
	}
}

int sw_src_open(struct sw_src *s, const char *path, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	struct stat st;
	if (strcmp(path, "-") == 0) {
		s->fd = STDIN_FILENO;
		if (fstat(s->fd, &st) != 0) {
			sw_cap_errf(err, errlen, "cannot read stdin: %s", strerror(errno));
			return -1;
		}
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0) {
			sw_cap_errf(err, errlen, "%s", errno_text(errno));
			return -1;
		}
		s->own_fd = true;
		if (fstat(s->fd, &st) != 0) {
			sw_cap_errf(err, errlen, "%s", errno_text(errno));
			close(s->fd);
			return -1;
		}
		s->regular = S_ISREG(st.st_mode);
	}
	if (S_ISDIR(st.st_mode)) {
		sw_cap_errf(err, errlen, "is a directory");
		if (s->own_fd)
			close(s->fd);
		return -1;
	}
	s->path = sw_strdup(path);
	s->raw = sw_malloc(SW_SRC_BUF);
	/* Gzip is recognised by content, so look at the first two raw bytes
	 * (a pipe may hand them over one at a time). */
	while (s->raw_len < 2 && !s->raw_eof)
		if (raw_fill(s) < 0)
			break;
	if (s->raw_len >= 2 && s->raw[0] == 0x1f && s->raw[1] == 0x8b) {
		s->gzip = true;
		s->out = sw_malloc(SW_SRC_BUF);
		/* 16 + MAX_WBITS: gzip wrapper only, so a zlib or raw deflate
		 * stream is not mistaken for one. */
		if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK) {
			sw_cap_errf(err, errlen, "cannot initialise zlib");
			sw_src_close(s);
			return -1;
		}
		s->zinit = true;
	}
	return 0;
}

/* Compressed bytes consumed so far (for messages). */
static uint64_t gz_raw_offset(const struct sw_src *s)
{
	return s->raw_read - (s->raw_len - s->raw_pos);
}

/* Inflate until some output is available or the stream ends / breaks. */
static void gz_fill(struct sw_src *s)
{
	s->out_pos = s->out_len = 0;
	while (s->state == SW_SRC_OK && s->out_len == 0) {
		if (s->raw_pos == s->raw_len) {
			if (!s->raw_eof && raw_fill(s) < 0)
				return;
			if (s->raw_pos == s->raw_len) {
				if (s->in_member)
					src_damage(s,
					           "truncated gzip stream (compressed data ends at "
					           "byte %llu)",
					           (unsigned long long)s->raw_read);
				else
					s->state = SW_SRC_EOF;
				return;
			}
		}
		if (!s->in_member) {
			/* Between members: another member, or zero padding up
			 * to the end (gzip(1) ignores it too). */
			if (s->zero_tail || s->raw[s->raw_pos] == 0) {
				s->zero_tail = true;
				while (s->raw_pos < s->raw_len && s->raw[s->raw_pos] == 0)
					s->raw_pos++;
				if (s->raw_pos < s->raw_len) {
					src_damage(
					    s, "garbage after gzip data at compressed byte %llu",
					    (unsigned long long)gz_raw_offset(s));
					return;
				}
				continue;
			}
			if (inflateReset(&s->zs) != Z_OK) {
				src_damage(s, "zlib reset failed");
				return;
			}
			s->in_member = true;
		}
		s->zs.next_in = s->raw + s->raw_pos;
		s->zs.avail_in = (uInt)(s->raw_len - s->raw_pos);
		s->zs.next_out = s->out;
		s->zs.avail_out = SW_SRC_BUF;
		int rc = inflate(&s->zs, Z_NO_FLUSH);
		s->raw_pos = s->raw_len - s->zs.avail_in;
		s->out_len = SW_SRC_BUF - s->zs.avail_out;
		if (rc == Z_STREAM_END) {
			s->in_member = false;
		} else if (rc == Z_OK || rc == Z_BUF_ERROR) {
			/* Z_BUF_ERROR: no progress without more input; loop reads it. */
		} else {
			/* What was inflated before the error is still handed out. */
			src_damage(s, "corrupt gzip data at compressed byte %llu: %s",
			           (unsigned long long)gz_raw_offset(s),
			           s->zs.msg ? s->zs.msg : "inflate failed");
		}
	}
}

/* Make buffered bytes available; returns a pointer and count (0 = none left). */
static size_t src_avail(struct sw_src *s, const uint8_t **p)
{
	if (s->gzip) {
		if (s->out_pos == s->out_len && s->state == SW_SRC_OK)
			gz_fill(s);
		*p = s->out + s->out_pos;
		return s->out_len - s->out_pos;
	}
	if (s->raw_pos == s->raw_len && s->state == SW_SRC_OK) {
		if (s->raw_eof || raw_fill(s) == 0)
			s->state = SW_SRC_EOF;
	}
	*p = s->raw + s->raw_pos;
	return s->raw_len - s->raw_pos;
}

static void src_consume(struct sw_src *s, size_t n)
{
	if (s->gzip)
		s->out_pos += n;
	else
		s->raw_pos += n;
	s->offset += n;
}

size_t sw_src_read(struct sw_src *s, void *dst, size_t n)
{
	size_t got = 0;
	while (got < n) {
		const uint8_t *p;
		size_t a = src_avail(s, &p);
		if (a == 0)
			break;
		if (a > n - got)
			a = n - got;
		memcpy((uint8_t *)dst + got, p, a);
		src_consume(s, a);
		got += a;
	}
	return got;
}

uint64_t sw_src_skip(struct sw_src *s, uint64_t n)
{
	uint64_t done = 0;
	while (done < n) {
		const uint8_t *p;
		size_t a = src_avail(s, &p);
		if (a == 0)
			break;
		if (a > n - done)
			a = (size_t)(n - done);
		src_consume(s, a);
		done += a;
	}
	return done;
}

ssize_t sw_src_pread(struct sw_src *s, uint64_t off, void *buf, size_t n)
{
	if (!s->regular || off > (uint64_t)INT64_MAX)
		return -1;
	if (!s->gzip) {
		size_t got = 0;
		while (got < n) {
			ssize_t r = pread(s->fd, (uint8_t *)buf + got, n - got, (off_t)(off + got));
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -1;
			if (r == 0)
				break;
			got += (size_t)r;
		}
		return (ssize_t)got;
	}
	/* Gzip cannot seek: a second stream over the file is moved forward,
	 * and started again from the beginning to go back. A stream that met
	 * damage still holds what it inflated before it: reading on from it
	 * serves the frames up to the damage (starting again each time made
	 * every re-read near the damage inflate the whole file again). */
	if (s->aux && s->aux->offset > off) {
		sw_src_close(s->aux);
		free(s->aux);
		s->aux = NULL;
	}
	if (!s->aux) {
		char e[128];
		s->aux = sw_malloc(sizeof *s->aux);
		int rc = sw_src_open(s->aux, s->path, e, sizeof e);
		if (rc == 0 && !s->aux->gzip)
			sw_src_close(s->aux); /* the file was replaced meanwhile */
		if (rc != 0 || !s->aux->gzip) {
			free(s->aux);
			s->aux = NULL;
			return -1;
		}
	}
	uint64_t gap = off - s->aux->offset;
	if (sw_src_skip(s->aux, gap) != gap)
		return -1;
	return (ssize_t)sw_src_read(s->aux, buf, n);
}

void sw_src_close(struct sw_src *s)
{
	if (s->aux) {
		sw_src_close(s->aux);
		free(s->aux);
		s->aux = NULL;
	}
	if (s->zinit)
		inflateEnd(&s->zs);
	s->zinit = false;
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->raw);
	free(s->out);
	free(s->path);
	s->raw = s->out = NULL;
	s->path = NULL;
}

/* ---- reader helpers ---- */

void sw_rd_reserve(struct sw_rd *r, size_t n)
{
	if (n <= r->bufcap && r->buf)
		return; /* (a zero-length record still gets a non-NULL pointer) */
	/* Double, so growing records cost log(n) reallocations; never past
	 * the block limit (callers have checked n against it). */
	size_t cap = r->bufcap ? r->bufcap : 2048;
	while (cap < n)
		cap *= 2;
	if (cap > SW_MAX_PCAPNG_BLOCK)
		cap = n;
	r->buf = sw_realloc(r->buf, cap);
	r->bufcap = cap;
}

void sw_rd_damage(struct sw_rd *r, uint64_t offset, const char *fmt, ...)
{
	char msg[sizeof r->info->error];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	if (r->src.state == SW_SRC_DAMAGED) {
		/* Both parts, cut to fit: the record's problem, then the stream's. */
		size_t room = sizeof r->info->error;
		int k = snprintf(r->info->error, room, "%s", msg);
		if (k >= 0 && (size_t)k + 2 < room)
			snprintf(r->info->error + k, room - (size_t)k, "; %s", r->src.error);
	} else {
		snprintf(r->info->error, sizeof r->info->error, "%s", msg);
	}
	r->info->damaged = true;
	r->info->damage_offset = offset;
	r->done = true;
}
