/* SPDX-License-Identifier: BSD-2-Clause */
/* Command line: tcpdump's capture options (-i -r -w -c -s -Z -D -p -B, a BPF
 * filter as trailing arguments) plus sipwatch's output modes. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/mem.h"

#define SW_MAX_RING_BYTES (1ull << 40)     /* -C: 1 TiB per file at most */
#define SW_MAX_ROTATE_SECONDS (366u * 86400u) /* -G: a year at most */

enum {
	OPT_REPORT = 256,
	OPT_TUI,
	OPT_FAIL_ON,
	OPT_LANG,
	OPT_MAX_MESSAGES,
	OPT_VERSION,
	OPT_SIDES,
	OPT_NO_PAIR,
	OPT_THREADS,
	OPT_HEP_ID,
	OPT_HEP_PASS,
	OPT_HEP_FINDINGS,
	OPT_NO_HEP_FINDINGS,
	OPT_IGNORE_RESOLVED,
	OPT_HTML,
	OPT_LADDER,
	OPT_WIDTH,
	OPT_ANNOTATE,
	OPT_AOR,
	OPT_CALL_ID,
	OPT_SELECT,
};

static void usage(FILE *fp)
{
	fputs("Usage: sipwatch [options] -r FILE [-r FILE]... [filter]\n"
	      "       sipwatch [options] -i INTERFACE [filter]\n"
	      "       sipwatch [options] -L udp|tcp:ADDR:PORT [filter]\n"
	      "Diagnose SIP registration failures from packet captures.\n"
	      "\n"
	      "Input (as tcpdump):\n"
	      "  -r FILE        read a capture: pcap or pcapng, gzip-compressed or not; \"-\" is\n"
	      "                 stdin; repeat to merge several files in time order\n"
	      "  --sides PHONE,SERVER  two captures of one path, taken next to the phone\n"
	      "                 and at the server: match every message across them\n"
	      "                 (two -r files are paired anyway, roles detected)\n"
	      "  --no-pair      analyse two -r files as merged only, without pairing\n"
	      "  -i INTERFACE   capture live on INTERFACE (e.g. eth2.1, any)\n"
	      "  -w FILE        also save the captured packets to FILE (pcap)\n"
	      "  --annotate     with -w: write a pcapng of the selected items (or all)\n"
	      "                 with each finding as a comment on its evidence frames\n"
	      "  -c COUNT       stop after COUNT packets\n"
	      "  -s SNAPLEN     bytes to capture per packet (default 262144)\n"
	      "  -Z USER        drop privileges to USER after opening the capture\n"
	      "                 (live capture as root drops to \"nobody\" unless -Z root;\n"
	      "                 without a \"nobody\" user it warns and stays root)\n"
	      "  -p             do not put the interface into promiscuous mode\n"
	      "  -B KIB         kernel capture buffer size in KiB\n"
	      "  -D             list the interfaces available for capture\n"
	      "  -L, --hep-listen udp|tcp:ADDR:PORT  receive HEP v2/v3 from capture agents\n"
	      "                 (Kamailio siptrace, sngrep -H, heplify ...) and analyse it as\n"
	      "                 a live capture; repeat for several addresses\n"
	      "  -U             write each packet to -w at once (always so when live)\n"
	      "  -C SIZE        -w: start a new file once the current one is over SIZE\n"
	      "                 million bytes (k, m, g: KiB, MiB, GiB); x.pcap, x.pcap1, ...\n"
	      "  -G SECONDS     -w: start a new file every SECONDS, the name through\n"
	      "                 strftime (-w 'sip-%H%M%S.pcap')\n"
	      "  -W N           -w: at most N files: with -C the names are reused in a ring\n"
	      "                 (x.pcap0 ...), with -G alone the capture ends after N\n"
	      "  -n             accepted: sipwatch resolves no names, addresses stay numeric\n"
	      "  -e             --messages and --json: MAC addresses and VLANs too\n"
	      "  -v             --messages: each SIP message in full under its line\n"
	      "  filter         a BPF filter expression, e.g. \"udp port 5060\"; options\n"
	      "                 may come after it, as with tcpdump\n"
	      "\n"
	      "HEP (HOMER), see docs/hep.md:\n"
	      "  -H, --hep-send udp|tcp:HOST:PORT  send every SIP message (live or from -r,\n"
	      "                 with its capture time) and every finding to a HEP collector\n"
	      "  --hep-id N     capture agent id sent (default 2001)\n"
	      "  --hep-pass KEY auth key sent with -H, and required from agents with -L\n"
	      "  --no-hep-findings  with -H, send the SIP messages only (findings are sent\n"
	      "                 as HEP logs by default)\n"
	      "\n"
	      "Output:\n"
	      "  (default)      interactive view on a terminal, report otherwise\n"
	      "  --report       accounts, their story and each finding with evidence and advice\n"
	      "  -m, --messages one line per SIP message\n"
	      "  -j, --json     newline-delimited JSON (messages, registrations, dialogs,\n"
	      "                 findings, summary); see docs/json.md\n"
	      "  --tui          interactive view even when not detected as a terminal\n"
	      "  --html FILE    one self-contained HTML page: the report, the ladders,\n"
	      "                 the messages (\"-\" = stdout)\n"
	      "  --ladder[=utf8]  text ladder of each selected account or dialog, ASCII\n"
	      "                 or box-drawing; --width N columns (default 100)\n"
	      "  --aor TEXT, --call-id TEXT, --select FILTER  the accounts and dialogs\n"
	      "                 the ladders, --html and --annotate cover (FILTER: the\n"
	      "                 TUI's syntax: aor:, callid:, addr:, method: or any text);\n"
	      "                 default: those with findings\n"
	      "  --fail-on LEVEL  exit 1 when a finding of LEVEL (info, warning, error)\n"
	      "                 or worse exists\n"
	      "  --ignore-resolved  --fail-on skips findings resolved in the capture (the\n"
	      "                 account registered fine afterwards)\n"
	      "  --lang en|zh   language of findings and advice (default: from the locale)\n"
	      "  --max-messages N  keep at most N messages in memory (live: default " SW_STR(SW_LIVE_MAX_MESSAGES) ")\n"
	      "  --threads N    1: read, decode, analyse and write on one thread; 2: read,\n"
	      "                 decode and parse SIP on a second one (default: 2 where there\n"
	      "                 are two or more CPUs, 1 otherwise and in the phone build;\n"
	      "                 the interactive view uses 1); the output is the same\n"
	      "  -q             no summary on stderr; with --fail-on, nothing at all: only\n"
	      "                 the exit status\n"
	      "  -h, --help     this help\n"
	      "  -V, --version  version, commit, and the libraries' versions\n"
	      "\n"
	      "Exit status: 0 analysis done, 1 --fail-on matched, 2 bad usage or unreadable input.\n",
	      fp);
}

static int parse_num(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || !*s || *end || s[0] == '-' || v > max) {
		fprintf(stderr, "sipwatch: invalid number for %s: '%s'\n", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* -C SIZE: millions of bytes (tcpdump), or KiB, MiB, GiB with a k, m, g
 * suffix (either case); above 0 and at most SW_MAX_RING_BYTES. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t unit = 1000000u;
	if (end != s && *end && !end[1]) {
		switch (*end) {
		case 'k': case 'K': unit = 1024u; end++; break;
		case 'm': case 'M': unit = 1024u * 1024u; end++; break;
		case 'g': case 'G': unit = 1024u * 1024u * 1024u; end++; break;
		default: break;
		}
	}
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > SW_MAX_RING_BYTES / unit) {
		fprintf(stderr, "sipwatch: invalid size for -C: '%s' (millions of bytes, or a number "
				"with k, m or g)\n", s);
		return -1;
	}
	*out = v * unit;
	return 0;
}

/* --sides PHONE,SERVER (split at the first comma): without -r they are the
 * two inputs; with -r, the -r files must be exactly those two. */
static int sides_files(struct sw_opts *o)
{
	char *comma = strchr(o->sides, ',');
	if (!comma || comma == o->sides || !comma[1]) {
		fprintf(stderr, "sipwatch: --sides takes PHONE,SERVER (two capture files), not '%s'\n",
			o->sides);
		return -1;
	}
	*comma = '\0';
	const char *ph = o->sides, *sv = comma + 1;
	if (strcmp(ph, sv) == 0) {
		fputs("sipwatch: --sides names the same file twice\n", stderr);
		return -1;
	}
	if (!o->nfiles) {
		o->files[0] = ph;
		o->files[1] = sv;
		o->nfiles = 2;
		o->phone_file = 0;
		return 0;
	}
	if (o->nfiles != 2 || !((strcmp(o->files[0], ph) == 0 && strcmp(o->files[1], sv) == 0) ||
				(strcmp(o->files[0], sv) == 0 && strcmp(o->files[1], ph) == 0))) {
		fputs("sipwatch: with --sides, give no -r or exactly the same two files\n", stderr);
		return -1;
	}
	o->phone_file = strcmp(o->files[0], ph) == 0 ? 0 : 1;
	return 0;
}

int sw_opts_parse(struct sw_opts *o, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "messages", no_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "report", no_argument, NULL, OPT_REPORT },
		{ "tui", no_argument, NULL, OPT_TUI },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "max-messages", required_argument, NULL, OPT_MAX_MESSAGES },
		{ "sides", required_argument, NULL, OPT_SIDES },
		{ "no-pair", no_argument, NULL, OPT_NO_PAIR },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "hep-send", required_argument, NULL, 'H' },
		{ "hep-listen", required_argument, NULL, 'L' },
		{ "hep-id", required_argument, NULL, OPT_HEP_ID },
		{ "hep-pass", required_argument, NULL, OPT_HEP_PASS },
		{ "hep-findings", no_argument, NULL, OPT_HEP_FINDINGS },
		{ "no-hep-findings", no_argument, NULL, OPT_NO_HEP_FINDINGS },
		{ "ignore-resolved", no_argument, NULL, OPT_IGNORE_RESOLVED },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "ladder", optional_argument, NULL, OPT_LADDER },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "annotate", no_argument, NULL, OPT_ANNOTATE },
		{ "aor", required_argument, NULL, OPT_AOR },
		{ "call-id", required_argument, NULL, OPT_CALL_ID },
		{ "select", required_argument, NULL, OPT_SELECT },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	o->fail_on = -1;
	o->user = "nobody";
	o->hep_id = 2001;
	uint64_t v = 0;
	int c;
	opterr = 0;
	optind = 1;
	/* GNU order, as tcpdump on Linux: options may follow the filter. */
	while ((c = getopt_long(argc, argv, "r:i:w:c:s:Z:B:C:G:W:H:L:pDmjqhVnvUe", longs, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (o->nfiles == SW_MAX_INPUT_FILES) {
				fprintf(stderr, "sipwatch: at most %u capture files\n",
					SW_MAX_INPUT_FILES);
				return SW_EXIT_ERROR;
			}
			o->files[o->nfiles++] = optarg;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'w':
			o->write_path = optarg;
			break;
		case 'c':
			if (parse_num("-c", optarg, UINT64_MAX, &v) || v == 0) {
				if (v == 0)
					fprintf(stderr, "sipwatch: -c needs a count above 0\n");
				return SW_EXIT_ERROR;
			}
			o->count = v;
			break;
		case 's':
			if (parse_num("-s", optarg, SW_MAX_FRAME, &v))
				return SW_EXIT_ERROR;
			o->snaplen = (int)v;
			break;
		case 'B':
			if (parse_num("-B", optarg, 4u << 20, &v))
				return SW_EXIT_ERROR;
			o->buffer_kib = (int)v;
			break;
		case 'Z':
			o->user = optarg;
			o->user_given = true;
			break;
		case 'p':
			o->no_promisc = true;
			break;
		case 'n':
			o->numeric = true; /* nothing is ever resolved */
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'U':
			o->packet_buffered = true;
			break;
		case 'e':
			o->link_header = true;
			break;
		case 'C':
			if (parse_size(optarg, &o->ring.file_bytes) < 0)
				return SW_EXIT_ERROR;
			break;
		case 'G':
			if (parse_num("-G", optarg, SW_MAX_ROTATE_SECONDS, &v))
				return SW_EXIT_ERROR;
			if (v == 0) {
				fputs("sipwatch: -G needs a number of seconds above 0\n", stderr);
				return SW_EXIT_ERROR;
			}
			o->ring.seconds = (uint32_t)v;
			break;
		case 'W':
			if (parse_num("-W", optarg, SW_RING_MAX_FILES, &v))
				return SW_EXIT_ERROR;
			if (v == 0) {
				fputs("sipwatch: -W needs a number of files above 0\n", stderr);
				return SW_EXIT_ERROR;
			}
			o->ring.files = (uint32_t)v;
			break;
		case 'D':
			o->list_ifaces = true;
			break;
		case 'm':
			o->mode = SW_MODE_MESSAGES;
			break;
		case 'j':
			o->json = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case OPT_REPORT:
			o->mode = SW_MODE_REPORT;
			break;
		case OPT_TUI:
			o->mode = SW_MODE_TUI;
			break;
		case OPT_FAIL_ON:
			o->fail_on = sw_severity_parse(optarg);
			if (o->fail_on < 0) {
				fprintf(stderr,
					"sipwatch: --fail-on takes info, warning or error, not '%s'\n",
					optarg);
				return SW_EXIT_ERROR;
			}
			break;
		case OPT_LANG:
			if (strncmp(optarg, "en", 2) != 0 && strncmp(optarg, "zh", 2) != 0) {
				fprintf(stderr, "sipwatch: --lang takes en or zh, not '%s'\n", optarg);
				return SW_EXIT_ERROR;
			}
			o->lang = optarg;
			break;
		case OPT_MAX_MESSAGES:
			if (parse_num("--max-messages", optarg, UINT32_MAX - 2, &v))
				return SW_EXIT_ERROR;
			o->max_messages = (size_t)v;
			break;
		case OPT_SIDES:
			if (o->sides_given) {
				fputs("sipwatch: --sides given twice\n", stderr);
				return SW_EXIT_ERROR;
			}
			o->sides_given = true;
			free(o->sides);
			o->sides = sw_strdup(optarg);
			break;
		case OPT_NO_PAIR:
			o->no_pair = true;
			break;
		case OPT_THREADS:
			if (parse_num("--threads", optarg, 1024, &v))
				return SW_EXIT_ERROR;
			if (v == 0) {
				fputs("sipwatch: --threads takes 1 or more\n", stderr);
				return SW_EXIT_ERROR;
			}
			o->threads = v > 2 ? 2 : (unsigned)v;
			break;
		case 'H':
			if (o->hep_send) {
				fputs("sipwatch: -H given twice\n", stderr);
				return SW_EXIT_ERROR;
			}
			o->hep_send = optarg;
			break;
		case 'L':
			if (o->nhep_listen == SW_HEP_MAX_LISTEN) {
				fprintf(stderr, "sipwatch: at most %u -L addresses\n",
					SW_HEP_MAX_LISTEN);
				return SW_EXIT_ERROR;
			}
			o->hep_listen[o->nhep_listen++] = optarg;
			break;
		case OPT_HEP_ID:
			if (parse_num("--hep-id", optarg, UINT32_MAX, &v))
				return SW_EXIT_ERROR;
			o->hep_id = (uint32_t)v;
			break;
		case OPT_HEP_PASS:
			o->hep_pass = optarg;
			break;
		case OPT_HEP_FINDINGS:
			o->no_hep_findings = false;
			break;
		case OPT_NO_HEP_FINDINGS:
			o->no_hep_findings = true;
			break;
		case OPT_IGNORE_RESOLVED:
			o->ignore_resolved = true;
			break;
		case OPT_HTML:
			o->html_path = optarg;
			break;
		case OPT_LADDER:
			if (optarg && strcmp(optarg, "utf8") != 0 && strcmp(optarg, "ascii") != 0) {
				fprintf(stderr, "sipwatch: --ladder takes =ascii or =utf8, not '%s'\n",
					optarg);
				return SW_EXIT_ERROR;
			}
			o->mode = SW_MODE_LADDER;
			o->ladder_utf8 = optarg && strcmp(optarg, "utf8") == 0;
			break;
		case OPT_WIDTH:
			if (parse_num("--width", optarg, 1000, &v))
				return SW_EXIT_ERROR;
			if (v < 60) {
				fputs("sipwatch: --width needs 60 columns or more\n", stderr);
				return SW_EXIT_ERROR;
			}
			o->width = (int)v;
			break;
		case OPT_ANNOTATE:
			o->annotate = true;
			break;
		case OPT_AOR:
		case OPT_CALL_ID:
		case OPT_SELECT: {
			const char *pre = c == OPT_AOR ? "aor:" : c == OPT_CALL_ID ? "callid:" : "";
			char expr[SW_SELECT_MAX + 16];
			snprintf(expr, sizeof expr, "%s%s", pre, optarg);
			if (strlen(optarg) >= SW_SELECT_MAX || sw_select_parse(&o->sel, expr) < 0) {
				fprintf(stderr, "sipwatch: a selection is at most %u bytes\n",
					SW_SELECT_MAX - 1);
				return SW_EXIT_ERROR;
			}
			break;
		}
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
		case OPT_VERSION:
			sw_version_print(stdout);
			return -1;
		case '?':
		default:
			if (optopt && optopt < 256)
				fprintf(stderr, "sipwatch: option -%c %s\n", optopt,
					strchr("rwicsZBCGWHL", optopt) ? "needs an argument"
								  : "is not known");
			else
				fprintf(stderr, "sipwatch: unknown option '%s'\n", argv[optind - 1]);
			fputs("Try 'sipwatch --help'.\n", stderr);
			return SW_EXIT_ERROR;
		}
	}
	/* Trailing arguments: a BPF filter, joined as tcpdump does. */
	if (optind < argc) {
		struct sw_buf b = SW_BUF_INIT;
		for (int i = optind; i < argc; i++) {
			if (i > optind)
				sw_buf_putc(&b, ' ');
			sw_buf_puts(&b, argv[i]);
		}
		o->filter = b.p;
	}
	if (o->list_ifaces)
		return 0;
	if (o->iface && (o->nfiles || o->sides_given)) {
		fputs("sipwatch: use either -i or -r, not both\n", stderr);
		return SW_EXIT_ERROR;
	}
	if (o->nhep_listen && (o->iface || o->nfiles || o->sides_given)) {
		fputs("sipwatch: -L receives from HEP agents: give it without -i or -r\n", stderr);
		return SW_EXIT_ERROR;
	}
	if (!o->iface && !o->nfiles && !o->sides_given && !o->nhep_listen) {
		fputs("sipwatch: nothing to read: give -r FILE, -i INTERFACE or -L udp:ADDR:PORT\n"
		      "Try 'sipwatch --help'.\n",
		      stderr);
		return SW_EXIT_ERROR;
	}
	if (o->annotate && !o->write_path) {
		fputs("sipwatch: --annotate needs -w FILE (the pcapng to write)\n", stderr);
		return SW_EXIT_ERROR;
	}
	if (o->sides_given && sides_files(o) < 0)
		return SW_EXIT_ERROR;
	if (o->sides_given && o->no_pair) {
		fputs("sipwatch: --sides and --no-pair exclude each other\n", stderr);
		return SW_EXIT_ERROR;
	}
	if ((o->ring.file_bytes || o->ring.seconds || o->ring.files) && !o->write_path) {
		fputs("sipwatch: -C, -G and -W split the -w file: give -w FILE\n", stderr);
		return SW_EXIT_ERROR;
	}
	if (o->ring.files && !o->ring.file_bytes && !o->ring.seconds) {
		fputs("sipwatch: -W counts the files of -C or -G: give one of them\n", stderr);
		return SW_EXIT_ERROR;
	}
	if ((o->ring.file_bytes || o->ring.seconds) && strcmp(o->write_path, "-") == 0) {
		fputs("sipwatch: -C and -G need a file name with -w, not standard output\n", stderr);
		return SW_EXIT_ERROR;
	}
	o->ring.flush_each = o->packet_buffered;
	size_t stdin_count = 0;
	for (size_t i = 0; i < o->nfiles; i++)
		stdin_count += strcmp(o->files[i], "-") == 0;
	if (stdin_count > 1) {
		fputs("sipwatch: stdin (-r -) can be read only once\n", stderr);
		return SW_EXIT_ERROR;
	}
	if (o->annotate && stdin_count && o->nfiles > 1) {
		fputs("sipwatch: --annotate reads its input twice: stdin (-r -) only alone\n", stderr);
		return SW_EXIT_ERROR;
	}
	return 0;
}

void sw_opts_free(struct sw_opts *o)
{
	free(o->filter);
	o->filter = NULL;
	free(o->sides);
	o->sides = NULL;
}

#ifndef SW_THREADS_DEFAULT
#define SW_THREADS_DEFAULT 2 /* cli/CMakeLists.txt: 1 in static (phone) builds */
#endif

unsigned sw_opts_threads(const struct sw_opts *o)
{
	if (o->mode == SW_MODE_TUI)
		return 1; /* the view pumps the pipeline from its own loop */
	if (o->threads)
		return o->threads;
	if (SW_THREADS_DEFAULT < 2)
		return 1;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n >= 2 ? 2 : 1;
}
