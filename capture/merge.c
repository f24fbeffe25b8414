/* SPDX-License-Identifier: BSD-2-Clause */
/* The capture object over files: opens every source (pcap or pcapng per
 * draft-ietf-opsawg-pcap / draft-ietf-opsawg-pcapng, plain or gzip), merges
 * their frames in time order with a min-heap holding one pending frame per
 * source, applies the BPF filter per link type (pcap_offline_filter), and
 * holds the calls shared with live captures (stop, stats, -w, close). */
#include "capture/capture_int.h"
#include "capture/ring.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"

int sw_linktype_to_dlt(int linktype)
{
	/* The two LINKTYPE_ values below 104 that libpcap maps to a
	 * different DLT_ (pcap-common.c); the rest are the same numbers. */
	if (linktype == SW_LINK_RAW)
		return DLT_RAW;
	if (linktype == 100)
		return DLT_ATM_RFC1483;
	return linktype;
}

int sw_dlt_to_linktype(int dlt)
{
	if (dlt == DLT_RAW)
		return SW_LINK_RAW;
	if (dlt == DLT_ATM_RFC1483)
		return 100;
	return dlt;
}

static const char *display_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "stdin" : path;
}

/* ---- BPF filter, compiled once per link type ---- */

/* Index into c->progs of the program for `linktype`, compiling it on first
 * use. Link types are 16-bit, so the table is bounded. */
static size_t prog_index(struct sw_capture *c, int linktype, char *msg, size_t msglen)
{
	for (size_t i = 0; i < c->nprogs; i++)
		if (c->progs[i].linktype == linktype) {
			if (!c->progs[i].ok)
				sw_cap_errf(msg, msglen, "%s", c->progs[i].msg);
			return i;
		}
	c->progs = sw_realloc(c->progs, (c->nprogs + 1) * sizeof *c->progs);
	struct sw_filter_prog *p = &c->progs[c->nprogs];
	memset(p, 0, sizeof *p);
	p->linktype = linktype;
	int snap = c->opts.snaplen > 0 ? c->opts.snaplen : (int)SW_MAX_FRAME;
	pcap_t *dead = pcap_open_dead(sw_linktype_to_dlt(linktype), snap);
	if (!dead) {
		sw_cap_errf(p->msg, sizeof p->msg, "cannot set up libpcap");
	} else if (pcap_compile(dead, &p->prog, c->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		sw_cap_errf(p->msg, sizeof p->msg, "%s", pcap_geterr(dead));
	} else {
		p->ok = true;
	}
	if (!p->ok)
		sw_cap_errf(msg, msglen, "%s", p->msg);
	if (dead)
		pcap_close(dead);
	return c->nprogs++;
}

bool sw_capture_filter_pass(struct sw_capture *c, size_t i, const struct sw_frame *f)
{
	if (!c->filter)
		return true;
	char msg[PCAP_ERRBUF_SIZE];
	msg[0] = '\0';
	size_t k = prog_index(c, f->linktype, msg, sizeof msg);
	if (!c->progs[k].ok) {
		/* A link type met midway (pcapng) that the filter cannot
		 * handle: its frames are left out, and the source says so. */
		struct sw_capture_source *s = &c->srcs[i];
		if (!s->error[0] && msg[0])
			snprintf(s->error, sizeof s->error,
			         "frames of link type %d left out, the filter does not apply: %s",
			         f->linktype, msg);
		return false;
	}
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof h);
	h.caplen = f->caplen;
	h.len = f->wirelen;
	return pcap_offline_filter(&c->progs[k].prog, &h, f->data) != 0;
}

/* Fail the open when the filter does not compile for source i's link type. */
static int check_filter(struct sw_capture *c, size_t i, char *err, size_t errlen)
{
	int lt = c->srcs[i].linktype;
	if (!c->filter || lt < 0)
		return 0;
	char msg[PCAP_ERRBUF_SIZE] = "";
	size_t k = prog_index(c, lt, msg, sizeof msg);
	if (c->progs[k].ok)
		return 0;
	/* Not valid on Ethernet either: a bad expression, not this file's fault. */
	size_t e = lt == SW_LINK_ETHERNET ? k : prog_index(c, SW_LINK_ETHERNET, NULL, 0);
	if (!c->progs[e].ok) {
		sw_cap_errf(err, errlen, "filter \"%s\": %s", c->filter, msg);
		return -1;
	}
	const char *name = pcap_datalink_val_to_name(sw_linktype_to_dlt(lt));
	sw_cap_errf(err, errlen, "%s: filter \"%s\" (link type %s): %s",
	            display_name(c->srcs[i].name), c->filter, name ? name : "unknown", msg);
	return -1;
}

/* ---- time-ordered merge ---- */

static bool heap_less(const struct sw_capture *c, size_t a, size_t b)
{
	int64_t ta = c->pending[a].ts_ns, tb = c->pending[b].ts_ns;
	return ta < tb || (ta == tb && a < b); /* ties go to the lower index */
}

static void heap_push(struct sw_capture *c, size_t src)
{
	size_t k = c->nheap++;
	c->heap[k] = src;
	while (k > 0) {
		size_t parent = (k - 1) / 2;
		if (!heap_less(c, c->heap[k], c->heap[parent]))
			break;
		size_t t = c->heap[k];
		c->heap[k] = c->heap[parent];
		c->heap[parent] = t;
		k = parent;
	}
}

static size_t heap_pop(struct sw_capture *c)
{
	size_t top = c->heap[0];
	c->heap[0] = c->heap[--c->nheap];
	size_t k = 0;
	for (;;) {
		size_t l = 2 * k + 1, r = l + 1, m = k;
		if (l < c->nheap && heap_less(c, c->heap[l], c->heap[m]))
			m = l;
		if (r < c->nheap && heap_less(c, c->heap[r], c->heap[m]))
			m = r;
		if (m == k)
			break;
		size_t t = c->heap[k];
		c->heap[k] = c->heap[m];
		c->heap[m] = t;
		k = m;
	}
	return top;
}

/* Read source i's next frame that passes the filter into c->pending[i]
 * (its bytes stay in that source's buffer). False at the end or damage. */
static bool src_advance(struct sw_capture *c, size_t i)
{
	struct sw_rd *r = &c->rds[i];
	struct sw_frame f;
	while (!c->stopped) {
		int rc = r->fmt == SW_FMT_PCAP ? sw_pcap_next(r, &f) : sw_pcapng_next(r, &f);
		c->srcs[i].bytes = r->src.offset;
		if (rc <= 0)
			return false;
		f.file_idx = (uint32_t)i;
		if (sw_capture_filter_pass(c, i, &f)) {
			c->pending[i] = f;
			return true;
		}
		c->stats.filtered_out++;
	}
	return false;
}

static int files_next(struct sw_capture *c, struct sw_frame *f)
{
	/* The source of the frame returned last is read only now, so that
	 * frame's bytes stayed valid until this call. */
	if (c->advance != SIZE_MAX) {
		size_t i = c->advance;
		c->advance = SIZE_MAX;
		if (src_advance(c, i))
			heap_push(c, i);
	}
	if (c->nheap == 0 || c->stopped)
		return SW_CAP_END;
	size_t i = heap_pop(c);
	*f = c->pending[i];
	c->advance = i;
	c->srcs[i].frames++;
	return SW_CAP_FRAME;
}

/* ---- open ---- */

static const char *compressor_hint(const uint8_t m[4])
{
	if (m[0] == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X')
		return "xz";
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return "zstd";
	if (m[0] == 'B' && m[1] == 'Z' && m[2] == 'h')
		return "bzip2";
	if (m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4)
		return "zip";
	return NULL;
}

static int open_one(struct sw_capture *c, size_t i, const char *path, char *err, size_t errlen)
{
	struct sw_capture_source *info = &c->srcs[i];
	struct sw_rd *r = &c->rds[i];
	const char *name = display_name(path);
	info->name = sw_strdup(path);
	info->linktype = -1;
	r->info = info;
	char why[200];
	if (sw_src_open(&r->src, path, why, sizeof why) != 0) {
		sw_cap_errf(err, errlen, "%s: %s", name, why);
		return -1;
	}
	info->gzip = r->src.gzip;
	uint8_t m[4];
	size_t got = sw_src_read(&r->src, m, sizeof m);
	const char *gz = r->src.gzip ? " (gzip-compressed)" : "";
	if (got < sizeof m && r->src.state == SW_SRC_DAMAGED) {
		sw_cap_errf(err, errlen, "%s: %s", name, r->src.error);
		return -1;
	}
	if (got == 0) {
		sw_cap_errf(err, errlen, "%s: empty file%s", name, gz);
		return -1;
	}
	if (got < sizeof m) {
		sw_cap_errf(err, errlen, "%s: truncated header%s: only %zu bytes", name, gz, got);
		return -1;
	}
	int rc;
	if (sw_pcap_magic(m)) {
		rc = sw_pcap_open(r, m, why, sizeof why);
	} else if (sw_pcapng_magic(m)) {
		rc = sw_pcapng_open(r, m, why, sizeof why);
	} else {
		const char *z = compressor_hint(m);
		if (z)
			sw_cap_errf(err, errlen,
			            "%s: %s-compressed, not supported (decompress it, or use gzip)",
			            name, z);
		else
			sw_cap_errf(
			    err, errlen,
			    "%s: not a pcap or pcapng capture%s (first bytes %02x %02x %02x "
			    "%02x)",
			    name, gz, m[0], m[1], m[2], m[3]);
		return -1;
	}
	if (rc != 0) {
		sw_cap_errf(err, errlen, "%s: %s", name, why);
		return -1;
	}
	info->bytes = r->src.offset;
	return 0;
}

static struct sw_capture *capture_new(size_t n, const struct sw_capture_opts *opts)
{
	struct sw_capture *c = sw_calloc(1, sizeof *c);
	if (opts)
		c->opts = *opts;
	c->opts.filter = NULL; /* the copy below is the one used */
	if (opts && opts->filter && opts->filter[0])
		c->filter = sw_strdup(opts->filter);
	c->fd = -1;
	c->advance = SIZE_MAX;
	c->n = n;
	c->srcs = sw_calloc(n, sizeof *c->srcs);
	return c;
}

int sw_capture_open_files(struct sw_capture **out, const char *const *paths, size_t n,
                          const struct sw_capture_opts *opts, char *err, size_t errlen)
{
	*out = NULL;
	if (n == 0) {
		sw_cap_errf(err, errlen, "no capture file given");
		return -1;
	}
	if (n > SW_MAX_INPUT_FILES) {
		sw_cap_errf(err, errlen, "too many capture files (%zu, at most %u)", n,
		            SW_MAX_INPUT_FILES);
		return -1;
	}
	size_t nstdin = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], "-") == 0 && ++nstdin > 1) {
			sw_cap_errf(err, errlen, "stdin (\"-\") given more than once");
			return -1;
		}
	struct sw_capture *c = capture_new(n, opts);
	c->rds = sw_calloc(n, sizeof *c->rds);
	c->pending = sw_calloc(n, sizeof *c->pending);
	c->heap = sw_calloc(n, sizeof *c->heap);
	for (size_t i = 0; i < n; i++)
		c->rds[i].src.fd = -1;
	for (size_t i = 0; i < n; i++) {
		if (open_one(c, i, paths[i], err, errlen) != 0 ||
		    check_filter(c, i, err, errlen) != 0) {
			sw_capture_close(c);
			return -1;
		}
	}
	/* One pending frame per source; this reads pcapng files up to their
	 * first interface, whose link type the filter must also accept. */
	for (size_t i = 0; i < n; i++) {
		if (src_advance(c, i))
			heap_push(c, i);
		if (check_filter(c, i, err, errlen) != 0) {
			sw_capture_close(c);
			return -1;
		}
	}
	if (c->filter && c->nprogs == 0) {
		/* No link type known anywhere: still reject a bad expression. */
		char msg[PCAP_ERRBUF_SIZE] = "";
		size_t k = prog_index(c, SW_LINK_ETHERNET, msg, sizeof msg);
		if (!c->progs[k].ok) {
			sw_cap_errf(err, errlen, "filter \"%s\": %s", c->filter, msg);
			sw_capture_close(c);
			return -1;
		}
	}
	*out = c;
	return 0;
}

/* ---- calls shared by files and live ---- */

int sw_capture_next(struct sw_capture *c, struct sw_frame *f)
{
	if (c->stopped && !c->hep) /* -L: the frames held for ordering still go out */
		return SW_CAP_END;
	if (c->opts.count && c->delivered >= c->opts.count)
		return SW_CAP_END;
	int rc = c->hep ? sw_hep_rx_next(c, f) : c->live ? sw_live_next(c, f) : files_next(c, f);
	if (rc != SW_CAP_FRAME)
		return rc;
	c->delivered++;
	if (c->out) {
		int rc2;
		if (sw_ring_linktype(c->out) >= 0 && sw_ring_linktype(c->out) != f->linktype) {
			c->stats.not_written++;
		} else if ((rc2 = sw_ring_write(c->out, f, (time_t)(f->ts_ns / 1000000000))) ==
		           SW_RING_FULL) {
			/* tcpdump -G -W: the capture ends after the last file. */
			c->stats.file_limit = true;
			c->stopped = 1;
			return SW_CAP_END;
		} else if (rc2 != SW_RING_OK) {
			sw_cap_errf(c->error, sizeof c->error, "cannot write the -w file: %s",
			            sw_ring_error(c->out));
			return SW_CAP_ERROR;
		} else {
			c->stats.written++;
		}
		c->stats.files_written = sw_ring_files(c->out);
	}
	return SW_CAP_FRAME;
}

int sw_capture_open_output(struct sw_capture *c, const char *path, char *err, size_t errlen)
{
	return sw_capture_open_output_ring(c, path, NULL, err, errlen) < 0 ? -1 : 0;
}

int sw_capture_open_output_ring(struct sw_capture *c, const char *path,
                                const struct sw_ring_opts *ro, char *err, size_t errlen)
{
	if (c->out) {
		sw_cap_errf(err, errlen, "%s: an output file is already open", path);
		return -EINVAL;
	}
	int lt = c->n ? c->srcs[0].linktype : -1;
	bool ns = false;
	for (size_t i = 0; i < c->n; i++)
		ns = ns || c->srcs[i].nanosecond;
	int snap = c->opts.snaplen > 0 ? c->opts.snaplen : (int)SW_MAX_FRAME;
	struct sw_ring_opts o = { 0 };
	if (ro)
		o = *ro;
	/* Live: each frame reaches the file at once (tcpdump -U), so a
	 * reader of a pipe or a killed run loses nothing. */
	o.flush_each = o.flush_each || c->live;
	/* The first file's time: the first frame's (read at open), or now. */
	time_t now = time(NULL);
	if (!c->live && c->nheap)
		now = (time_t)(c->pending[c->heap[0]].ts_ns / 1000000000);
	int errnum = 0;
	c->out = sw_ring_open(path, &o, lt, snap, ns, now, err, errlen, &errnum);
	if (!c->out)
		return errnum > 0 ? -errnum : -EINVAL;
	c->stats.files_written = sw_ring_files(c->out);
	return 0;
}

int sw_capture_close_output(struct sw_capture *c)
{
	if (!c->out)
		return 0;
	int rc = sw_ring_close(c->out);
	c->out = NULL;
	return rc;
}

int sw_capture_fd(const struct sw_capture *c)
{
	if (c->hep)
		return sw_hep_rx_fd(c);
	return c->live ? c->fd : -1;
}

bool sw_capture_is_live(const struct sw_capture *c)
{
	return c->live;
}

void sw_capture_stop(struct sw_capture *c)
{
	/* Async-signal-safe: a store to a sig_atomic_t, and pcap_breakloop()
	 * which sets a flag (and on Linux writes to an eventfd). */
	c->stopped = 1;
	if (c->pcap)
		pcap_breakloop(c->pcap);
}

size_t sw_capture_nsources(const struct sw_capture *c)
{
	return c->n;
}

const struct sw_capture_source *sw_capture_source(const struct sw_capture *c, size_t i)
{
	return i < c->n ? &c->srcs[i] : NULL;
}

void sw_capture_get_stats(struct sw_capture *c, struct sw_capture_stats *st)
{
	*st = c->stats;
	if (c->hep)
		sw_hep_rx_stats(c, st);
	else if (c->live)
		sw_live_stats(c, st);
}

const char *sw_capture_error(const struct sw_capture *c)
{
	return c->error;
}

int sw_capture_read_at(struct sw_capture *c, uint32_t file_idx, uint64_t offset, uint8_t *buf,
                       size_t cap, uint32_t *caplen)
{
	if (c->live || file_idx >= c->n || !buf || !caplen)
		return -1;
	struct sw_rd *r = &c->rds[file_idx];
	if (r->fmt == SW_FMT_PCAP)
		return sw_pcap_read_at(r, offset, buf, cap, caplen);
	if (r->fmt == SW_FMT_PCAPNG)
		return sw_pcapng_read_at(r, offset, buf, cap, caplen);
	return -1;
}

void sw_capture_close(struct sw_capture *c)
{
	if (!c)
		return;
	if (c->out)
		(void)sw_ring_close(c->out);
	if (c->hep)
		sw_hep_rx_close(c);
	if (c->live)
		sw_live_close(c);
	for (size_t i = 0; c->rds && i < c->n; i++) {
		if (c->rds[i].src.raw)
			sw_src_close(&c->rds[i].src);
		free(c->rds[i].buf);
		free(c->rds[i].ifs);
	}
	for (size_t i = 0; i < c->n; i++)
		free((char *)c->srcs[i].name);
	for (size_t i = 0; i < c->nprogs; i++)
		if (c->progs[i].ok)
			pcap_freecode(&c->progs[i].prog);
	free(c->progs);
	free(c->rds);
	free(c->pending);
	free(c->heap);
	free(c->srcs);
	free(c->filter);
	free(c);
}

struct sw_capture *sw_capture_new_live(const char *iface, const struct sw_capture_opts *opts)
{
	struct sw_capture *c = capture_new(1, opts);
	c->live = true;
	c->srcs[0].name = sw_strdup(iface);
	c->srcs[0].format = "live";
	return c;
}

struct sw_capture *sw_capture_new_sources(size_t cap, const struct sw_capture_opts *opts)
{
	struct sw_capture *c = capture_new(cap, opts);
	c->live = true;
	c->n = 0;
	return c;
}
