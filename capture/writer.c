/* SPDX-License-Identifier: BSD-2-Clause */
/* Classic pcap writer (draft-ietf-opsawg-pcap sections 4-5) for -w and for
 * saving selections: one link type per file, the microsecond or nanosecond
 * magic in host byte order, to a path or to stdout. */
#include "capture/capture_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/mem.h"

struct sw_pcap_writer {
	FILE *fp;
	bool is_stdout;
	bool nsec;
	bool flush_each;
	bool header_done;
	int linktype; /* -1: from the first frame */
	uint32_t snaplen;
	bool failed; /* a write failed; the file is incomplete */
	char error[128];
};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* host byte order: the magic tells readers which */
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static int emit(struct sw_pcap_writer *w, const void *p, size_t n)
{
	if (w->failed)
		return -1;
	errno = 0;
	if (n && fwrite(p, 1, n, w->fp) != n) {
		w->failed = true;
		snprintf(w->error, sizeof w->error, "%s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

static int write_header(struct sw_pcap_writer *w)
{
	uint8_t h[24];
	put32(h, w->nsec ? 0xa1b23c4du : 0xa1b2c3d4u);
	put16(h + 4, 2);
	put16(h + 6, 4);
	put32(h + 8, 0);  /* thiszone: always UTC */
	put32(h + 12, 0); /* sigfigs */
	put32(h + 16, w->snaplen);
	put32(h + 20, (uint32_t)w->linktype & 0xffffu);
	w->header_done = true;
	return emit(w, h, sizeof h);
}

FILE *sw_cap_create(const char *path, bool *is_stdout, char *err, size_t errlen)
{
	*is_stdout = strcmp(path, "-") == 0;
	if (*is_stdout)
		return stdout;
	FILE *fp = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		fp = fdopen(fd, "wb");
		if (!fp)
			close(fd);
	}
	if (!fp) {
		int e = errno;
		sw_cap_errf(err, errlen, "%s: cannot create: %s", path, strerror(e));
		errno = e;
	}
	return fp;
}

struct sw_pcap_writer *sw_pcap_writer_open_prec(const char *path, int linktype, int snaplen,
                                                bool nanosecond, char *err, size_t errlen)
{
	struct sw_pcap_writer *w = sw_calloc(1, sizeof *w);
	w->nsec = nanosecond;
	w->linktype = linktype < 0 ? -1 : linktype;
	w->snaplen = snaplen > 0 ? (uint32_t)snaplen : SW_MAX_FRAME;
	w->fp = sw_cap_create(path, &w->is_stdout, err, errlen);
	if (!w->fp) {
		int e = errno; /* for the caller: EACCES after a privilege drop */
		free(w);
		errno = e;
		return NULL;
	}
	if (w->linktype >= 0 && write_header(w) != 0) {
		sw_cap_errf(err, errlen, "%s: cannot write: %s", path, w->error);
		(void)sw_pcap_writer_close(w);
		return NULL;
	}
	return w;
}

struct sw_pcap_writer *sw_pcap_writer_open(const char *path, int linktype, int snaplen, char *err,
                                           size_t errlen)
{
	return sw_pcap_writer_open_prec(path, linktype, snaplen, false, err, errlen);
}

int sw_pcap_writer_write(struct sw_pcap_writer *w, const struct sw_frame *f)
{
	if (!w->header_done) {
		w->linktype = f->linktype;
		if (write_header(w) != 0)
			return -1;
	}
	if (f->linktype != w->linktype || w->failed)
		return -1;
	/* Times before 1970 or after 2106 do not fit the unsigned 32-bit
	 * seconds field: clamp rather than wrap. */
	int64_t ns = f->ts_ns < 0 ? 0 : f->ts_ns;
	uint64_t sec = (uint64_t)ns / 1000000000u, sub = (uint64_t)ns % 1000000000u;
	if (sec > UINT32_MAX) {
		sec = UINT32_MAX;
		sub = 999999999u;
	}
	uint8_t h[16];
	put32(h, (uint32_t)sec);
	put32(h + 4, (uint32_t)(w->nsec ? sub : sub / 1000u));
	put32(h + 8, f->caplen);
	put32(h + 12, f->wirelen < f->caplen ? f->caplen : f->wirelen);
	if (emit(w, h, sizeof h) != 0 || emit(w, f->data, f->caplen) != 0)
		return -1;
	if (w->flush_each && fflush(w->fp) != 0) {
		w->failed = true;
		snprintf(w->error, sizeof w->error, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

int sw_pcap_writer_close(struct sw_pcap_writer *w)
{
	if (!w)
		return 0;
	/* A file with no frame at all still gets a header, so that it is a
	 * valid (empty) capture; Ethernet when nothing said otherwise. */
	if (!w->header_done) {
		if (w->linktype < 0)
			w->linktype = SW_LINK_ETHERNET;
		(void)write_header(w);
	}
	int rc = w->failed ? -1 : 0;
	if (w->is_stdout) {
		if (fflush(w->fp) != 0)
			rc = -1;
	} else if (fclose(w->fp) != 0) {
		rc = -1;
	}
	free(w);
	return rc;
}

void sw_pcap_writer_set_flush(struct sw_pcap_writer *w, bool each_frame)
{
	w->flush_each = each_frame;
	if (each_frame)
		fflush(w->fp);
}

int sw_pcap_writer_linktype(const struct sw_pcap_writer *w)
{
	return w->linktype;
}

const char *sw_pcap_writer_error(const struct sw_pcap_writer *w)
{
	return w->error;
}
