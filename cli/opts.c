/* Command line: tcpdump's capture options (-i -r -w -c -s -Z -D -p -B, a BPF
 * filter as trailing arguments) plus sipwatch's output modes. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/mem.h"

enum {
	OPT_REPORT = 256,
	OPT_TUI,
	OPT_FAIL_ON,
	OPT_LANG,
	OPT_MAX_MESSAGES,
	OPT_VERSION,
	OPT_SIDES,
	OPT_NO_PAIR,
	OPT_HEP_ID,
	OPT_HEP_PASS,
	OPT_HEP_FINDINGS,
	OPT_NO_HEP_FINDINGS,
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
	      "  filter         a BPF filter expression, e.g. \"udp port 5060\"\n"
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
	      "  --fail-on LEVEL  exit 1 when a finding of LEVEL (info, warning, error)\n"
	      "                 or worse exists\n"
	      "  --lang en|zh   language of findings and advice (default: from the locale)\n"
	      "  --max-messages N  keep at most N messages in memory (live: default " SW_STR(SW_LIVE_MAX_MESSAGES) ")\n"
	      "  -q             no summary on stderr\n"
	      "  -h, --help     this help\n"
	      "  --version      version\n"
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
		{ "hep-send", required_argument, NULL, 'H' },
		{ "hep-listen", required_argument, NULL, 'L' },
		{ "hep-id", required_argument, NULL, OPT_HEP_ID },
		{ "hep-pass", required_argument, NULL, OPT_HEP_PASS },
		{ "hep-findings", no_argument, NULL, OPT_HEP_FINDINGS },
		{ "no-hep-findings", no_argument, NULL, OPT_NO_HEP_FINDINGS },
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
	while ((c = getopt_long(argc, argv, "+r:i:w:c:s:Z:B:H:L:pDmjqhV", longs, NULL)) != -1) {
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
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
		case OPT_VERSION:
			printf("sipwatch %s\n", SW_VERSION);
			return -1;
		case '?':
		default:
			if (optopt && optopt < 256)
				fprintf(stderr, "sipwatch: option -%c %s\n", optopt,
					strchr("rwicsZBHL", optopt) ? "needs an argument"
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
	if (o->sides_given && sides_files(o) < 0)
		return SW_EXIT_ERROR;
	if (o->sides_given && o->no_pair) {
		fputs("sipwatch: --sides and --no-pair exclude each other\n", stderr);
		return SW_EXIT_ERROR;
	}
	size_t stdin_count = 0;
	for (size_t i = 0; i < o->nfiles; i++)
		stdin_count += strcmp(o->files[i], "-") == 0;
	if (stdin_count > 1) {
		fputs("sipwatch: stdin (-r -) can be read only once\n", stderr);
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
