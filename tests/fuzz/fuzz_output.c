/* libFuzzer target: a capture file through the whole command line pipeline
 * (cli/run.c) and its writers: the report (English or Chinese),
 * --messages and --json, as main.c drives them. Odd-sized inputs are given
 * twice, so the two-capture pairing runs too. Property: the text outputs
 * hold no byte that a terminal would take as a control (C0 but LF, DEL,
 * C1 raw or as UTF-8, invalid UTF-8, an invisible format control such as a
 * bidi override), whatever the packets carry; the JSON output holds no raw
 * control byte and is valid UTF-8. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Length of the valid UTF-8 sequence at p (no surrogates, no overlongs),
 * or 0; its code point in *out. */
static size_t utf8_seq(const uint8_t *p, size_t n, uint32_t *out)
{
	uint8_t c = p[0];
	size_t len = c < 0x80                 ? 1
	             : c >= 0xC2 && c <= 0xDF ? 2
	             : c >= 0xE0 && c <= 0xEF ? 3
	             : c >= 0xF0 && c <= 0xF4 ? 4
	                                      : 0;
	if (!len || len > n)
		return 0;
	uint32_t cp = len == 1 ? c : c & (0x3F >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*out = cp;
	return len;
}

static void check_terminal_safe(const uint8_t *p, size_t n, bool json)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = p[i];
		FZ_CHECK(c >= 0x20 || c == '\n');
		FZ_CHECK(c != 0x7F);
		uint32_t cp = 0;
		size_t l = utf8_seq(p + i, n - i, &cp);
		FZ_CHECK(l > 0); /* valid UTF-8 */
		FZ_CHECK(!sw_cp_invisible(cp)); /* no bidi override, no zero-width */
		if (!json && l == 2)
			FZ_CHECK(!(c == 0xC2 && p[i + 1] <= 0x9F)); /* no C1 */
		i += l;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-output", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct sw_opts o;
	memset(&o, 0, sizeof o);
	o.fail_on = -1;
	o.user = "nobody";
	o.files[0] = o.files[1] = path;
	o.nfiles = (size & 1) ? 2 : 1;
	unsigned variant = (unsigned)(size / 2 % 4);
	o.mode = variant == 2 ? SW_MODE_MESSAGES : SW_MODE_REPORT;
	o.json = variant == 3;
	o.lang = variant == 1 ? "zh" : "en";
	struct sw_app app;
	char err[512];
	if (sw_app_open(&app, &o, err, sizeof err) < 0) {
		FZ_CHECK(err[0] != '\0');
		check_terminal_safe((const uint8_t *)err, strlen(err), false);
		sw_app_close(&app);
		close(fd);
		return 0;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	app.out = mem;
	app.print_messages = o.mode == SW_MODE_MESSAGES || o.json;
	sw_app_run(&app);
	if (o.json) {
		sw_out_pair_json(&app);
		for (size_t i = 0; i < sw_analyze_nfindings(app.an); i++)
			sw_out_finding_json(&app, sw_analyze_finding(app.an, i));
		sw_out_end_json(&app);
	} else if (o.mode == SW_MODE_REPORT) {
		sw_out_report(&app);
	} else {
		sw_out_summary_text(&app, mem);
	}
	fflush(mem);
	check_terminal_safe((const uint8_t *)text, len, o.json);
	sw_app_close(&app);
	fclose(mem);
	free(text);
	close(fd);
	return 0;
}
