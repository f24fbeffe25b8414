/* SPDX-License-Identifier: BSD-2-Clause */
/* pcapng writer (draft-ietf-opsawg-pcapng sections 4.1, 4.2, 4.3) for
 * -w FILE --annotate and the TUI's "pcapng with findings": one section whose
 * header carries a comment (opt_comment, shb_userappl), one interface per
 * (source, link type) with nanosecond time stamps (if_tsresol 9), and an
 * Enhanced Packet Block per frame with any number of opt_comment options.
 * Blocks are written in host byte order; the byte-order magic tells readers. */
#include "capture/capture_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/mem.h"

#define NG_MAX_IFACES 64u       /* distinct (source, link type) pairs; more are refused */
#define NG_MAX_OPTION 65535u    /* an option's length field is 16 bits */
#define NG_SHB 0x0A0D0D0Au
#define NG_IDB 0x00000001u
#define NG_EPB 0x00000006u
#define NG_OPT_END 0
#define NG_OPT_COMMENT 1
#define NG_SHB_USERAPPL 4
#define NG_IF_TSRESOL 9

struct ng_iface {
	uint32_t file_idx;
	int linktype;
};

struct sw_pcapng_writer {
	FILE *fp;
	bool is_stdout;
	bool failed;
	struct ng_iface ifs[NG_MAX_IFACES];
	size_t nifs;
	struct sw_buf blk; /* the block being built */
};

static void put32(struct sw_buf *b, uint32_t v)
{
	sw_buf_put(b, &v, 4);
}

static void put16(struct sw_buf *b, uint16_t v)
{
	sw_buf_put(b, &v, 2);
}

static void pad4(struct sw_buf *b)
{
	static const char z[4];
	sw_buf_put(b, z, (4 - b->len % 4) % 4);
}

/* An option; values longer than the 16-bit length are cut at a UTF-8
 * boundary (comments are text). */
static void put_opt(struct sw_buf *b, uint16_t code, const void *v, size_t len)
{
	if (len > NG_MAX_OPTION - 3) {
		const unsigned char *s = v;
		len = NG_MAX_OPTION - 3;
		while (len && (s[len] & 0xC0) == 0x80)
			len--;
	}
	put16(b, code);
	put16(b, (uint16_t)len);
	sw_buf_put(b, v, len);
	pad4(b);
}

/* Starts block `type` in w->blk (length patched by end_block). */
static void begin_block(struct sw_pcapng_writer *w, uint32_t type)
{
	sw_buf_reset(&w->blk);
	put32(&w->blk, type);
	put32(&w->blk, 0);
}

static int end_block(struct sw_pcapng_writer *w)
{
	put32(&w->blk, 0);
	uint32_t len = (uint32_t)w->blk.len;
	memcpy(w->blk.p + 4, &len, 4);
	memcpy(w->blk.p + len - 4, &len, 4);
	if (w->failed)
		return -1;
	if (fwrite(w->blk.p, 1, len, w->fp) != len) {
		w->failed = true;
		return -1;
	}
	return 0;
}

struct sw_pcapng_writer *sw_pcapng_writer_open(const char *path, const char *comment,
                                               const char *userappl, char *err, size_t errlen)
{
	struct sw_pcapng_writer *w = sw_calloc(1, sizeof *w);
	w->fp = sw_cap_create(path, &w->is_stdout, err, errlen);
	if (!w->fp) {
		free(w);
		return NULL;
	}
	begin_block(w, NG_SHB);
	put32(&w->blk, 0x1A2B3C4Du);
	put16(&w->blk, 1);
	put16(&w->blk, 0);
	put32(&w->blk, 0xFFFFFFFFu); /* section length: not given */
	put32(&w->blk, 0xFFFFFFFFu);
	if (comment && *comment)
		put_opt(&w->blk, NG_OPT_COMMENT, comment, strlen(comment));
	if (userappl && *userappl)
		put_opt(&w->blk, NG_SHB_USERAPPL, userappl, strlen(userappl));
	put_opt(&w->blk, NG_OPT_END, NULL, 0);
	if (end_block(w) != 0) {
		sw_cap_errf(err, errlen, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
		(void)sw_pcapng_writer_close(w);
		return NULL;
	}
	return w;
}

/* The interface of (source, link type), written before its first packet. */
static int iface_of(struct sw_pcapng_writer *w, const struct sw_frame *f)
{
	for (size_t i = 0; i < w->nifs; i++)
		if (w->ifs[i].file_idx == f->file_idx && w->ifs[i].linktype == f->linktype)
			return (int)i;
	if (w->nifs == NG_MAX_IFACES || f->linktype < 0 || f->linktype > 0xFFFF)
		return -1;
	begin_block(w, NG_IDB);
	put16(&w->blk, (uint16_t)f->linktype);
	put16(&w->blk, 0);
	put32(&w->blk, SW_MAX_FRAME);
	uint8_t res = 9; /* 10^-9 s */
	put_opt(&w->blk, NG_IF_TSRESOL, &res, 1);
	put_opt(&w->blk, NG_OPT_END, NULL, 0);
	if (end_block(w) != 0)
		return -1;
	w->ifs[w->nifs] = (struct ng_iface){f->file_idx, f->linktype};
	return (int)w->nifs++;
}

int sw_pcapng_writer_write(struct sw_pcapng_writer *w, const struct sw_frame *f,
                           const char *const *comments, size_t ncomments)
{
	if (w->failed)
		return -1;
	int ifc = iface_of(w, f);
	if (ifc < 0)
		return -1;
	uint64_t ts = f->ts_ns < 0 ? 0 : (uint64_t)f->ts_ns;
	begin_block(w, NG_EPB);
	put32(&w->blk, (uint32_t)ifc);
	put32(&w->blk, (uint32_t)(ts >> 32));
	put32(&w->blk, (uint32_t)ts);
	put32(&w->blk, f->caplen);
	put32(&w->blk, f->wirelen < f->caplen ? f->caplen : f->wirelen);
	sw_buf_put(&w->blk, f->data, f->caplen);
	pad4(&w->blk);
	for (size_t i = 0; i < ncomments; i++)
		if (comments[i] && *comments[i])
			put_opt(&w->blk, NG_OPT_COMMENT, comments[i], strlen(comments[i]));
	if (ncomments)
		put_opt(&w->blk, NG_OPT_END, NULL, 0);
	return end_block(w);
}

int sw_pcapng_writer_close(struct sw_pcapng_writer *w)
{
	if (!w)
		return 0;
	int rc = w->failed ? -1 : 0;
	if (w->is_stdout) {
		if (fflush(w->fp) != 0)
			rc = -1;
	} else if (fclose(w->fp) != 0) {
		rc = -1;
	}
	sw_buf_free(&w->blk);
	free(w);
	return rc;
}
