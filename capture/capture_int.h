/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to capture/: the byte source, the per-file readers (pcap, pcapng)
 * and the capture object shared by merge.c, live.c and writer.c.
 * Nothing outside capture/ includes this header. */
#ifndef SW_CAPTURE_INT_H
#define SW_CAPTURE_INT_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <pcap/pcap.h>
#include <zlib.h>

#include "capture/capture.h"

/* ---- source.c: sequential byte source (file, FIFO, stdin; plain or gzip) ---- */

#define SW_SRC_BUF 65536u /* read(2) and inflate chunk */

enum { SW_SRC_OK = 0, SW_SRC_EOF = 1, SW_SRC_DAMAGED = 2 };

struct sw_src {
	int fd;
	bool own_fd;  /* false for stdin */
	bool regular; /* a regular file opened by path: pread / reopen possible */
	bool gzip;    /* content starts with 1f 8b */
	int state;    /* SW_SRC_*: OK until the data runs out or goes bad */
	char *path;   /* owned copy, for re-opening (read_at on gzip) */
	uint8_t *raw; /* raw bytes from the fd */
	size_t raw_len, raw_pos;
	bool raw_eof;
	uint64_t raw_read; /* raw bytes read from the fd so far */
	z_stream zs;       /* gzip only */
	bool zinit;
	bool in_member; /* inside a gzip member (its end not seen yet) */
	bool zero_tail; /* zero padding after the last member */
	uint8_t *out;   /* gzip: inflated bytes not yet handed out */
	size_t out_len, out_pos;
	uint64_t offset;    /* decompressed bytes handed out (= offset of the next byte) */
	char error[160];    /* why state is SW_SRC_DAMAGED */
	struct sw_src *aux; /* gzip read_at: second stream over the same file */
};

/* Open `path` ("-" = stdin). On failure returns -1 with a short reason in err
 * ("no such file", "permission denied", "is a directory", ...) without the
 * path, which the caller adds. Gzip is detected from the first two bytes. */
int sw_src_open(struct sw_src *s, const char *path, char *err, size_t errlen);
/* Copy up to n bytes to dst; returns the count. Fewer than n only at the end
 * of data: then s->state says whether it was a clean end or damage. */
size_t sw_src_read(struct sw_src *s, void *dst, size_t n);
/* Discard up to n bytes; returns the count (short as sw_src_read). */
uint64_t sw_src_skip(struct sw_src *s, uint64_t n);
/* Random access for sw_capture_read_at(): n bytes at decompressed offset
 * `off` (pread on plain files, re-inflation on gzip files). Returns the count
 * read, or -1 when the source cannot be re-read (stdin, FIFO, error). */
ssize_t sw_src_pread(struct sw_src *s, uint64_t off, void *buf, size_t n);
void sw_src_close(struct sw_src *s);

/* Byte-order helpers over untrusted bytes (no casts onto file memory). */
static inline uint16_t sw_rd16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}
static inline uint32_t sw_rd32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	          : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}
static inline uint64_t sw_rd64(const uint8_t *p, bool be)
{
	return be ? (uint64_t)sw_rd32(p, true) << 32 | sw_rd32(p + 4, true)
	          : (uint64_t)sw_rd32(p + 4, false) << 32 | sw_rd32(p, false);
}

/* ---- per-file readers ---- */

enum { SW_FMT_PCAP = 1, SW_FMT_PCAPNG = 2 };

struct sw_png_if {
	int linktype;
	uint32_t snaplen;
	bool pow2; /* if_tsresol: 2^-exp seconds instead of 10^-exp */
	uint8_t exp;
	int64_t tsoffset; /* if_tsoffset, seconds */
};

struct sw_rd {
	struct sw_src src;
	struct sw_capture_source *info; /* the public per-source record */
	int fmt;
	uint8_t *buf;      /* record / block bytes; frames borrow from here */
	size_t bufcap;     /* grows only up to SW_MAX_FRAME / SW_MAX_PCAPNG_BLOCK */
	uint64_t frame_no; /* packet records read so far */
	bool done;         /* clean end or damage seen: no more reads */
	/* pcap */
	bool be; /* file byte order is big endian (both formats) */
	bool nsec;
	bool modified;  /* Kuznetzov a1b2cd34: 24-byte record headers */
	bool swap_lens; /* version < 2.3: caplen and len swapped */
	uint32_t snaplen;
	int linktype;
	/* pcapng: current section */
	struct sw_png_if *ifs; /* SW_MAX_PCAPNG_IFACES entries */
	uint32_t nifs;         /* IDBs seen in this section (may exceed the table) */
	int64_t last_ts;       /* for Simple Packet Blocks, which carry none */
};

/* Grow r->buf to at least n bytes (callers check n against the limits). */
void sw_rd_reserve(struct sw_rd *r, size_t n);
/* Stop reading r: mark the source damaged at `offset` with a message; when
 * the byte source itself is damaged (gzip), its reason is appended. */
void sw_rd_damage(struct sw_rd *r, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* pcapfile.c. `magic` holds the first 4 bytes, already consumed. Returns 0 or
 * -1 with the reason in err (no file name). */
bool sw_pcap_magic(const uint8_t m[4]);
int sw_pcap_open(struct sw_rd *r, const uint8_t m[4], char *err, size_t errlen);
/* 1 = frame in *f (borrowing r->buf), 0 = clean end, -1 = damage (recorded). */
int sw_pcap_next(struct sw_rd *r, struct sw_frame *f);
int sw_pcap_read_at(struct sw_rd *r, uint64_t off, uint8_t *buf, size_t cap, uint32_t *caplen);

/* pcapng.c, same conventions. */
bool sw_pcapng_magic(const uint8_t m[4]);
int sw_pcapng_open(struct sw_rd *r, const uint8_t m[4], char *err, size_t errlen);
int sw_pcapng_next(struct sw_rd *r, struct sw_frame *f);
int sw_pcapng_read_at(struct sw_rd *r, uint64_t off, uint8_t *buf, size_t cap, uint32_t *caplen);

/* ---- the capture object ---- */

struct sw_filter_prog {
	int linktype;
	bool ok; /* compiled; otherwise frames of this link type are dropped */
	struct bpf_program prog;
	char msg[PCAP_ERRBUF_SIZE]; /* libpcap's reason when !ok */
};

struct sw_capture {
	bool live;
	volatile sig_atomic_t stopped; /* set by sw_capture_stop(), maybe from a signal handler */
	struct sw_capture_opts opts;
	char *filter;       /* owned copy of opts.filter */
	uint64_t delivered; /* frames returned by sw_capture_next() */
	struct sw_capture_stats stats;
	char error[320];

	size_t n;
	struct sw_capture_source *srcs;
	/* files */
	struct sw_rd *rds;
	struct sw_frame *pending; /* one per source, borrowing that source's buffer */
	size_t *heap;             /* indices of sources with a pending frame */
	size_t nheap;
	size_t advance; /* source whose frame was last returned, or SIZE_MAX */
	struct sw_filter_prog *progs;
	size_t nprogs;
	/* live */
	pcap_t *pcap;
	int fd;
	uint64_t live_frames;

	struct sw_ring *out; /* -w (capture/ring.h) */
	struct sw_hep_rx *hep;      /* -L: the HEP collector (hep_listen.c), else NULL */
};

/* live.c */
int sw_live_next(struct sw_capture *c, struct sw_frame *f);
void sw_live_stats(struct sw_capture *c, struct sw_capture_stats *st);
void sw_live_close(struct sw_capture *c);

/* merge.c: a capture object with one source record named `iface`. */
struct sw_capture *sw_capture_new_live(const char *iface, const struct sw_capture_opts *opts);
/* merge.c: a live capture object with room for `cap` source records, none
 * used yet (c->n grows as sources appear; the records never move). */
struct sw_capture *sw_capture_new_sources(size_t cap, const struct sw_capture_opts *opts);
/* merge.c: the BPF filter (if any) on frame f of source i. */
bool sw_capture_filter_pass(struct sw_capture *c, size_t i, const struct sw_frame *f);

/* hep_listen.c */
struct sw_hep_rx;
int sw_hep_rx_next(struct sw_capture *c, struct sw_frame *f);
int sw_hep_rx_fd(const struct sw_capture *c);
void sw_hep_rx_stats(struct sw_capture *c, struct sw_capture_stats *st);
void sw_hep_rx_close(struct sw_capture *c);

/* writer.c: flush after every frame (live -w, like tcpdump -U); the file's
 * link type (-1 until the first frame when opened with -1); the last write
 * error ("" when none). */
void sw_pcap_writer_set_flush(struct sw_pcap_writer *w, bool each_frame);
int sw_pcap_writer_linktype(const struct sw_pcap_writer *w);
const char *sw_pcap_writer_error(const struct sw_pcap_writer *w);

/* LINKTYPE_ (files) <-> DLT_ (libpcap API) for the few values that differ. */
int sw_linktype_to_dlt(int linktype);
int sw_dlt_to_linktype(int dlt);

/* snprintf that never fails the caller (truncates). */
void sw_cap_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A capture file to write: stdout for "-" (*is_stdout set), else path
 * created or truncated (0644, close-on-exec). NULL with err set
 * ("PATH: cannot create: ...") and errno kept from open() on failure. */
FILE *sw_cap_create(const char *path, bool *is_stdout, char *err, size_t errlen);

#endif
