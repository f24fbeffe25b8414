/* SPDX-License-Identifier: BSD-2-Clause */
/* Capture stage: frames from capture files (pcap, pcapng, either gzip-compressed,
 * several merged in time order, or stdin) or from a live interface (libpcap).
 *
 * Ownership: a struct sw_frame returned by sw_capture_next() borrows its bytes
 * from the capture; they stay valid only until the next call on that capture
 * (as with pcap_next_ex(3PCAP)). Copy what must be kept. */
#ifndef SW_CAPTURE_H
#define SW_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Named limits. */
#define SW_MAX_FRAME 262144u        /* largest record accepted (libpcap's MAXIMUM_SNAPLEN) */
#define SW_MAX_INPUT_FILES 64u      /* -r given more often than this is a usage error */
#define SW_MAX_PCAPNG_BLOCK 16777216u /* a pcapng block larger than this is damage */
#define SW_MAX_PCAPNG_IFACES 256u   /* interfaces per pcapng section */
#define SW_LIVE_TIMEOUT_MS 50       /* live: longest a captured packet waits in the kernel ring */

/* Link types (LINKTYPE_* values as stored in capture files). */
enum {
	SW_LINK_NULL = 0,      /* BSD loopback, host-order AF_ */
	SW_LINK_ETHERNET = 1,
	SW_LINK_RAW = 101,     /* raw IPv4/IPv6 */
	SW_LINK_LOOP = 108,    /* OpenBSD loopback, network-order AF_ */
	SW_LINK_LINUX_SLL = 113,
	SW_LINK_IPV4 = 228,
	SW_LINK_IPV6 = 229,
	SW_LINK_LINUX_SLL2 = 276,
};

struct sw_frame {
	const uint8_t *data; /* caplen bytes, borrowed (see above) */
	uint32_t caplen;     /* bytes captured */
	uint32_t wirelen;    /* bytes on the wire (>= caplen when the writer was honest) */
	int64_t ts_ns;       /* capture time, ns since the Unix epoch */
	int linktype;        /* SW_LINK_* or any other LINKTYPE_ value */
	uint32_t file_idx;   /* index of the source (order of -r options; 0 when live) */
	uint64_t frame_no;   /* 1-based record number within its source */
	uint64_t offset;     /* byte offset of the record in the (decompressed) source;
	                      * re-readable with sw_capture_read_at() for seekable files */
};

struct sw_capture_opts {
	int snaplen;             /* -s; 0 = default (262144) */
	bool promisc;            /* live only; default true as tcpdump */
	int buffer_kib;          /* live kernel buffer; 0 = libpcap default */
	const char *filter;      /* BPF expression, may be NULL; applied to files too */
	uint64_t count;          /* -c: stop after this many frames (0 = no limit) */
};

/* Per-source state, for the summary and for error messages. */
struct sw_capture_source {
	const char *name;        /* path as given, "-" for stdin, interface name when live */
	const char *format;      /* "pcap", "pcapng", "live" */
	bool gzip;
	bool nanosecond;         /* pcap: nanosecond magic; pcapng: an interface finer than 1 us;
	                          * live: nanosecond time stamps */
	int linktype;            /* pcap: the file's; pcapng: first interface's (-1 while none);
	                          * live: datalink */
	uint64_t frames;         /* records delivered */
	uint64_t skipped;        /* pcapng: packets on an unknown interface, skipped */
	uint64_t bytes;          /* decompressed bytes consumed */
	bool damaged;            /* reading stopped early at damage */
	uint64_t damage_offset;  /* offset where the damage was found */
	char error[256];         /* what was wrong, "" when fine */
};

/* -w as a ring buffer (tcpdump's -C, -G, -W, -U); all zero: one file. */
#define SW_RING_MAX_FILES 1000000u  /* -C numbers files below this (tcpdump's limit) */
struct sw_ring_opts {
	uint64_t file_bytes;     /* -C: a new file once the current one is larger (0: never) */
	uint32_t seconds;        /* -G: a new file every this many seconds, the name through
	                          * strftime(3) (0: never) */
	uint32_t files;          /* -W: with -C, reuse the names after this many files; with
	                          * -G alone, end the capture after this many (0: no limit) */
	bool flush_each;         /* -U: each frame reaches the file at once (always when live) */
};

struct sw_capture_stats {
	uint64_t received; /* pcap_stats ps_recv (live) */
	uint64_t dropped;  /* ps_drop: dropped by the kernel */
	uint64_t ifdropped;
	uint64_t filtered_out; /* files: frames the BPF filter rejected */
	uint64_t written;      /* frames saved to -w */
	uint64_t not_written;  /* -w: frames of another link type than the file's */
	uint64_t files_written; /* -w: files opened (a ring's reused names count again) */
	bool file_limit;        /* -G -W: the capture ended after the -W-th file */
};

struct sw_capture;

/* Open capture files (paths[i] == "-" is stdin, at most once), merged by
 * timestamp with ties going to the lower index. A file that cannot be opened
 * or is not a capture fails the whole open: returns a negative value with one
 * line in err naming the file and what is wrong ("x.pcap: not a pcap or pcapng
 * capture (first bytes 3c 3f 78 6d)"). Gzip is recognised by content. The
 * first frame of each source is read here (a pcapng's first interface gives
 * its link type); damage found then is reported as damage, not as an error. */
int sw_capture_open_files(struct sw_capture **out, const char *const *paths, size_t n,
			  const struct sw_capture_opts *opts, char *err, size_t errlen);

/* Open a live interface with libpcap (immediate mode, non-blocking). On
 * success err holds pcap_activate()'s warning, if any ("eth0: warning: ..."),
 * or "". */
int sw_capture_open_live(struct sw_capture **out, const char *iface,
			 const struct sw_capture_opts *opts, char *err, size_t errlen);

/* Result codes of sw_capture_next(). */
#define SW_CAP_FRAME 1   /* *f filled */
#define SW_CAP_END 0     /* all sources exhausted, or count reached, or stopped */
#define SW_CAP_AGAIN (-1) /* live: nothing now, poll sw_capture_fd() */
#define SW_CAP_ERROR (-2) /* live: capture failed, or the -w file could not be
                           * written; message in sw_capture_error() */

/* Next frame in time order. A file damaged midway yields its frames up to the
 * damage, is marked damaged in its source record, and the merge goes on with
 * the other files. */
int sw_capture_next(struct sw_capture *c, struct sw_frame *f);

/* -w: from now on save every frame sw_capture_next() returns (those that
 * passed the filter) to a pcap file at `path` ("-" = stdout). Call it after
 * sw_capture_drop_privileges() so that the dropped user creates the file, as
 * tcpdump does. The file's link type is that of the first source. */
int sw_capture_open_output(struct sw_capture *c, const char *path, char *err, size_t errlen);
/* The same as a ring buffer (ro may be NULL: one file). The first file's
 * name takes its time from the first frame (files) or the clock (live).
 * Returns 0, or a negative errno (-EACCES when the directory is not
 * writable, -EINVAL for a name that cannot be made) with a line in err. */
int sw_capture_open_output_ring(struct sw_capture *c, const char *path,
				const struct sw_ring_opts *ro, char *err, size_t errlen);

/* Closes the -w file now (flushed), so that it can be read; later frames
 * are not saved. 0, or -1 when anything failed to reach the file. */
int sw_capture_close_output(struct sw_capture *c);

/* File descriptor to poll(2) for readability (live), or -1 for files. */
int sw_capture_fd(const struct sw_capture *c);
bool sw_capture_is_live(const struct sw_capture *c);
/* Stop: the next sw_capture_next() returns SW_CAP_END (async-signal-safe). */
void sw_capture_stop(struct sw_capture *c);

size_t sw_capture_nsources(const struct sw_capture *c);
const struct sw_capture_source *sw_capture_source(const struct sw_capture *c, size_t i);
void sw_capture_get_stats(struct sw_capture *c, struct sw_capture_stats *st);
const char *sw_capture_error(const struct sw_capture *c);

/* Re-read the record at `offset` of source `file_idx` (plain seekable files
 * only; gzip sources are re-inflated from the start). Copies at most cap bytes
 * into buf, sets *caplen; returns 0 or -1. */
int sw_capture_read_at(struct sw_capture *c, uint32_t file_idx, uint64_t offset,
		       uint8_t *buf, size_t cap, uint32_t *caplen);

/* ---- HEP collector (-L): the stream of HEP agents as a live capture ----
 * Every SIP message an agent sends (HEP v1, v2 or v3, over UDP or TCP) becomes
 * one frame of link type SW_LINK_RAW: an IPv4/IPv6 header and a UDP or TCP
 * header carrying the agent's addresses, ports and transport, then the SIP
 * message; its time is the HEP timestamp. Each agent (capture id and the
 * address it sends from) is one source, named "hep:ID@ADDRESS", created when
 * its first packet arrives; frame_no counts per agent. Malformed packets,
 * wrong auth keys and other payload types are counted and skipped. */
#define SW_HEP_MAX_LISTEN 8u       /* -L given more often is a usage error */
#define SW_HEP_MAX_AGENTS 256u     /* agents kept apart; packets of more are counted, skipped */
#define SW_HEP_MAX_CONNS 128u      /* TCP connections at once (the most idle one goes first) */
#define SW_HEP_CONN_IDLE_MS 60000  /* a connection idle this long may be closed for a new one */
#define SW_HEP_MAX_TCP_FLOWS 4096u /* TCP flows given sequence numbers (then restarted) */
/* The reorder window: agents (Kamailio's workers, several agents at once) send
 * out of time order; each frame is held this long after it arrives and
 * frames are released in timestamp order, earlier when the window is full. */
#define SW_HEP_REORDER_MS 200
#define SW_HEP_REORDER_FRAMES 8192u
#define SW_HEP_REORDER_BYTES (16u << 20)

struct sw_hep_listen_stats {
	uint64_t datagrams;          /* UDP datagrams read */
	uint64_t tcp_bytes;          /* bytes read from TCP connections */
	uint64_t packets;            /* HEP packets well formed */
	uint64_t sip;                /* SIP messages handed on as frames */
	uint64_t logs;               /* protocol type 100 (logs), not analysed */
	uint64_t other_types;        /* other protocol types (RTCP, ...), not analysed */
	uint64_t empty;              /* well formed, no payload bytes */
	uint64_t no_time;            /* without a timestamp: time of arrival used */
	uint64_t malformed;          /* packets rejected: see by_error */
	uint64_t by_error[16];       /* indexed by -enum sw_hep_error (sw_hep_error_name()) */
	uint64_t resyncs;            /* TCP: bytes skipped to the next "HEP3" */
	uint64_t auth_failed;        /* --hep-pass given, key absent or different */
	uint64_t unknown_chunks;     /* vendor or unknown chunks skipped in good packets */
	uint64_t other_transport;    /* IP protocol neither UDP nor TCP: analysed as UDP */
	uint64_t oversize;           /* payload too long for one IP packet */
	uint64_t agents_over_limit;  /* packets of agents past SW_HEP_MAX_AGENTS */
	uint64_t connections;        /* TCP connections accepted */
	uint64_t connections_refused; /* closed at once: SW_HEP_MAX_CONNS busy */
	uint64_t kernel_dropped;     /* UDP datagrams the kernel dropped (SO_RXQ_OVFL) */
	uint64_t reordered;          /* frames released before one that arrived earlier */
	uint64_t late;               /* frames released after a later one (beyond the window) */
};

/* Bind every "udp:ADDR:PORT" / "tcp:ADDR:PORT" in specs (ADDR may be [v6]);
 * auth_key (may be NULL) is the key every packet must carry. opts: the BPF
 * filter applies to the frames built, -c counts them, buffer_kib sizes the
 * UDP receive buffers. 0, or -1 with one line in err. */
int sw_capture_open_hep(struct sw_capture **out, const char *const *specs, size_t n,
			const char *auth_key, const struct sw_capture_opts *opts, char *err,
			size_t errlen);
/* The reorder window's hold time (ms; 0 = release at the next call): for
 * tests and fuzzing. */
void sw_capture_hep_set_window(struct sw_capture *c, int ms);
/* False (and *st untouched) when c is not a HEP collector. */
bool sw_capture_hep_stats(const struct sw_capture *c, struct sw_hep_listen_stats *st);

void sw_capture_close(struct sw_capture *c);

/* tcpdump -D: list interfaces to `out`, numbered; returns 0 or -1 with err. */
int sw_capture_list_interfaces(void *out_file, char *err, size_t errlen);

/* tcpdump -Z: initgroups, setgid, setuid to `user`, failing hard; call after
 * opening the capture (and the -w file) and before parsing any packet.
 * No-op returning 0 when not running as root. */
int sw_capture_drop_privileges(const char *user, char *err, size_t errlen);

/* Pcap writer for -w and for saving selections (F2 in the TUI): classic
 * pcap in host byte order, microsecond magic. Creates (truncates) `path`,
 * "-" = stdout; NULL with a line in err ("x.pcap: cannot create: ...").
 * linktype < 0: taken from the first frame written. */
struct sw_pcap_writer;
struct sw_pcap_writer *sw_pcap_writer_open(const char *path, int linktype, int snaplen,
					   char *err, size_t errlen);
/* The same, with the nanosecond magic (a1b23c4d) when `nanosecond`, so that
 * frames from a nanosecond source keep their precision. */
struct sw_pcap_writer *sw_pcap_writer_open_prec(const char *path, int linktype, int snaplen,
						bool nanosecond, char *err, size_t errlen);
/* Returns 0, or -1 when the frame's link type differs from the file's or
 * the write failed (disk full...). */
int sw_pcap_writer_write(struct sw_pcap_writer *w, const struct sw_frame *f);
/* Flushes and closes (stdout is flushed, not closed); -1 if anything
 * written since the open failed to reach the file. Frees w. */
int sw_pcap_writer_close(struct sw_pcap_writer *w);

/* pcapng writer for annotated captures (-w FILE --annotate, the TUI's
 * "pcapng with findings"): one section whose header carries `comment` and
 * `userappl` (either may be NULL), an interface per (source, link type) with
 * nanosecond time stamps, and per frame any number of comments (UTF-8; each
 * cut at 65532 bytes). Creates (truncates) `path`, "-" = stdout; NULL with a
 * line in err. */
struct sw_pcapng_writer;
struct sw_pcapng_writer *sw_pcapng_writer_open(const char *path, const char *comment,
					       const char *userappl, char *err, size_t errlen);
/* Returns 0, or -1 when the write failed or the frame needs a 65th interface. */
int sw_pcapng_writer_write(struct sw_pcapng_writer *w, const struct sw_frame *f,
			   const char *const *comments, size_t ncomments);
/* Flushes and closes (stdout is flushed only); -1 if any write failed. Frees w. */
int sw_pcapng_writer_close(struct sw_pcapng_writer *w);

#endif
