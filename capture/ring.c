/* SPDX-License-Identifier: BSD-2-Clause */
/* The -w ring buffer, as tcpdump's -C, -G and -W (tcpdump(1), and its
 * dump_packet_and_trunc): a new file once the current one is larger than -C
 * bytes (checked before each frame, so a file exceeds -C by at most one
 * frame), a new file every -G seconds (the name through strftime(3)), and
 * -W files at most: with -C the names are reused from the first, with -G
 * alone the capture ends after the -W-th file. Times are the frames' own
 * (live: the clock at capture), so reading a file splits it by its time. */
#include "capture/ring.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture_int.h"
#include "common/mem.h"

#define PCAP_FILE_HEADER 24u
#define PCAP_RECORD_HEADER 16u

struct sw_ring {
	char *pattern;
	struct sw_ring_opts o;
	int linktype;
	int snaplen;
	bool nsec;
	struct sw_pcap_writer *w;
	char name[PATH_MAX];
	uint64_t bytes;     /* in the current file, as ftell would say */
	time_t g_start;     /* start of the current -G interval */
	uint32_t g_count;   /* -G intervals ended */
	uint32_t c_count;   /* number of the current file in the -C sequence */
	uint64_t files;
	char error[320];
};

/* Digits of -W's largest number (W-1): tcpdump's getWflagChars. */
static int wdigits(uint32_t files)
{
	int c = 0;
	for (uint32_t x = files ? files - 1 : 0; x > 0; x /= 10)
		c++;
	return c;
}

int sw_ring_name(char *out, size_t outlen, const char *pattern, const struct sw_ring_opts *o,
		 time_t t, uint32_t cnt)
{
	char base[PATH_MAX];
	if (!outlen)
		return -1;
	out[0] = '\0';
	if (o->seconds) {
		struct tm tm;
		if (!localtime_r(&t, &tm))
			return -1;
		/* The -w name is the user's strftime format, as in tcpdump;
		 * strftime reads no arguments, so any format is safe. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		size_t n = strftime(base, sizeof base, pattern, &tm);
#pragma GCC diagnostic pop
		if (n == 0)
			return -1; /* empty, or too long for a path */
	} else {
		int n = snprintf(base, sizeof base, "%s", pattern);
		if (n <= 0 || (size_t)n >= sizeof base)
			return -1;
	}
	int chars = o->files ? wdigits(o->files) : 0;
	int n;
	if (!o->file_bytes || (cnt == 0 && chars == 0))
		n = snprintf(out, outlen, "%s", base);
	else
		n = snprintf(out, outlen, "%s%0*u", base, chars, cnt);
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

/* Opens r->name afresh; on failure r->error says why and *errnum the errno. */
static int open_file(struct sw_ring *r, char *err, size_t errlen, int *errnum)
{
	errno = 0;
	r->w = sw_pcap_writer_open_prec(r->name, r->linktype, r->snaplen, r->nsec, err, errlen);
	if (!r->w) {
		if (errnum)
			*errnum = errno;
		return -1;
	}
	sw_pcap_writer_set_flush(r->w, r->o.flush_each);
	r->bytes = PCAP_FILE_HEADER;
	r->files++;
	return 0;
}

struct sw_ring *sw_ring_open(const char *pattern, const struct sw_ring_opts *o, int linktype,
			     int snaplen, bool nanosecond, time_t now, char *err, size_t errlen,
			     int *errnum)
{
	if (errnum)
		*errnum = 0;
	struct sw_ring *r = sw_calloc(1, sizeof *r);
	r->pattern = sw_strdup(pattern);
	r->o = *o;
	r->linktype = linktype;
	r->snaplen = snaplen;
	r->nsec = nanosecond;
	r->g_start = now;
	if (sw_ring_name(r->name, sizeof r->name, pattern, o, now, 0) < 0) {
		sw_cap_errf(err, errlen, "%s: cannot make a file name of it (empty or too long)",
		            pattern);
		free(r->pattern);
		free(r);
		return NULL;
	}
	if (open_file(r, err, errlen, errnum) < 0) {
		free(r->pattern);
		free(r);
		return NULL;
	}
	return r;
}

/* Closes the current file and opens number cnt, named from g_start. */
static int next_file(struct sw_ring *r, uint32_t cnt)
{
	int rc = 0;
	if (r->w) {
		/* The link type stays that of the first file. */
		if (r->linktype < 0)
			r->linktype = sw_pcap_writer_linktype(r->w);
		if (sw_pcap_writer_close(r->w) < 0) {
			sw_cap_errf(r->error, sizeof r->error, "%s: write failed", r->name);
			rc = -1;
		}
		r->w = NULL;
	}
	if (rc < 0)
		return -1;
	r->c_count = cnt;
	if (sw_ring_name(r->name, sizeof r->name, r->pattern, &r->o, r->g_start, cnt) < 0) {
		sw_cap_errf(r->error, sizeof r->error, "%s: cannot make file name %u of it",
		            r->pattern, cnt);
		return -1;
	}
	char err[320];
	if (open_file(r, err, sizeof err, NULL) < 0) {
		snprintf(r->error, sizeof r->error, "%s", err);
		return -1;
	}
	return 0;
}

int sw_ring_write(struct sw_ring *r, const struct sw_frame *f, time_t now)
{
	if (!r->w)
		return SW_RING_ERROR; /* an earlier rotation failed */
	if (r->o.seconds && now - r->g_start >= (time_t)r->o.seconds) {
		r->g_start = now;
		r->g_count++;
		if (!r->o.file_bytes && r->o.files && r->g_count >= r->o.files) {
			if (r->linktype < 0)
				r->linktype = sw_pcap_writer_linktype(r->w);
			int rc = sw_pcap_writer_close(r->w);
			r->w = NULL;
			if (rc < 0) {
				sw_cap_errf(r->error, sizeof r->error, "%s: write failed", r->name);
				return SW_RING_ERROR;
			}
			return SW_RING_FULL;
		}
		if (next_file(r, 0) < 0)
			return SW_RING_ERROR;
	}
	if (r->o.file_bytes && r->bytes > r->o.file_bytes) {
		uint32_t cnt = r->c_count + 1;
		if (r->o.files && cnt >= r->o.files)
			cnt = 0;
		if (cnt >= SW_RING_MAX_FILES) {
			sw_cap_errf(r->error, sizeof r->error,
			            "%s: too many output files (%u): use -W", r->pattern, cnt);
			return SW_RING_ERROR;
		}
		if (next_file(r, cnt) < 0)
			return SW_RING_ERROR;
	}
	if (sw_pcap_writer_write(r->w, f) != 0) {
		sw_cap_errf(r->error, sizeof r->error, "%s: %s", r->name,
		            sw_pcap_writer_error(r->w)[0] ? sw_pcap_writer_error(r->w)
		                                          : "another link type than the file's");
		return SW_RING_ERROR;
	}
	r->bytes += PCAP_RECORD_HEADER + f->caplen;
	return SW_RING_OK;
}

int sw_ring_linktype(const struct sw_ring *r)
{
	return r->w ? sw_pcap_writer_linktype(r->w) : r->linktype;
}

const char *sw_ring_current(const struct sw_ring *r)
{
	return r->name;
}

uint64_t sw_ring_files(const struct sw_ring *r)
{
	return r->files;
}

const char *sw_ring_error(const struct sw_ring *r)
{
	return r->error;
}

int sw_ring_close(struct sw_ring *r)
{
	if (!r)
		return 0;
	int rc = r->w ? sw_pcap_writer_close(r->w) : 0;
	free(r->pattern);
	free(r);
	return rc;
}
