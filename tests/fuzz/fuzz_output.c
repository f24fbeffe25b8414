/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: a capture file through the whole command line pipeline
 * (cli/run.c) and its writers: the report (English or Chinese),
 * --messages, --json, --ladder and --html, as main.c drives them. Odd-sized
 * inputs are given twice, so the two-capture pairing runs too. Property: the
 * text outputs hold no byte that a terminal would take as a control (C0 but
 * LF, DEL, C1 raw or as UTF-8, invalid UTF-8, an invisible format control
 * such as a bidi override), whatever the packets carry; the JSON output holds
 * no raw control byte and is valid UTF-8; the HTML page is valid UTF-8 with
 * no control but LF and TAB, its tags are the writer's own and balanced, its
 * attributes known (no on* handler), every '&' starts one of its entities,
 * and it holds no bidi control. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* tab_ok: the HTML page, where a TAB inside <pre> is text, not a control
 * a terminal acts on. */
static void check_terminal_safe(const uint8_t *p, size_t n, bool json, bool tab_ok)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = p[i];
		FZ_CHECK(c >= 0x20 || c == '\n' || (tab_ok && c == '\t'));
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

/* The tags and attributes the HTML writer (cli/out_html.c) emits: any
 * other comes from an escape that failed. */
static const char *const html_tags[] = {
	"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "dl",
	"dt", "dd", "code", "br", "strong", "span", "nav", "ul", "li", "a", "main", "section",
	"article", "p", "table", "caption", "tr", "th", "td", "figure", "figcaption", "svg",
	"text", "line", "g", "title", "rect", "path", "pre", "div", "aside", "button", "footer",
	"script", NULL,
};
static const char *const html_void[] = {"meta", "br", "line", "rect", "path", NULL};
static const char *const html_attrs[] = {
	"lang", "charset", "http-equiv", "content", "name", "id", "class", "href", "hidden",
	"width", "height", "viewbox", "role", "x", "y", "x1", "y1", "x2", "y2", "d", "data-t",
	"tabindex", "text-anchor", "colspan", "type", "aria-label", NULL,
};
static const char *const html_entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;",
                                            "&ndash;", "&rarr;", "&times;", "&hellip;", NULL};

static bool in_list(const char *const *l, const char *p, size_t n)
{
	for (; *l; l++)
		if (strlen(*l) == n && strncasecmp(*l, p, n) == 0)
			return true;
	return false;
}

static void check_html(const uint8_t *p, size_t n)
{
	FZ_CHECK(n > 0);
	check_terminal_safe(p, n, true, true); /* valid UTF-8, no raw control but LF and TAB */
	const char *s = (const char *)p, *end = s + n;
	const char *stack[64];
	size_t depth = 0;
	while (s < end) {
		/* No bidi control anywhere (U+202A..U+202E, U+2066..U+2069). */
		if ((uint8_t)s[0] == 0xE2 && s + 2 < end && (uint8_t)s[1] == 0x80)
			FZ_CHECK(!((uint8_t)s[2] >= 0xAA && (uint8_t)s[2] <= 0xAE));
		if ((uint8_t)s[0] == 0xE2 && s + 2 < end && (uint8_t)s[1] == 0x81)
			FZ_CHECK(!((uint8_t)s[2] >= 0xA6 && (uint8_t)s[2] <= 0xA9));
		if (*s == '&') {
			bool ok = false;
			for (const char *const *e = html_entities; *e && !ok; e++)
				ok = (size_t)(end - s) >= strlen(*e) && strncmp(s, *e, strlen(*e)) == 0;
			FZ_CHECK(ok);
			s++;
			continue;
		}
		if (*s == '>') {
			FZ_CHECK(false); /* a '>' outside a tag: not the writer's */
		}
		if (*s != '<') {
			s++;
			continue;
		}
		if (end - s >= 9 && strncmp(s, "<!DOCTYPE", 9) == 0) {
			s = memchr(s, '>', (size_t)(end - s));
			FZ_CHECK(s != NULL);
			s++;
			continue;
		}
		bool closing = s + 1 < end && s[1] == '/';
		const char *name = s + 1 + closing, *q = name;
		while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9')))
			q++;
		size_t nl = (size_t)(q - name);
		FZ_CHECK(nl > 0 && in_list(html_tags, name, nl));
		/* Attributes: known names, double-quoted values without '<'. */
		while (q < end && *q != '>') {
			if (*q == ' ' || *q == '\n') {
				q++;
				continue;
			}
			if (*q == '/' && q + 1 < end && q[1] == '>') {
				q++;
				continue;
			}
			FZ_CHECK(!closing);
			const char *an = q;
			while (q < end && *q != '=' && *q != ' ' && *q != '>' && *q != '/')
				q++;
			FZ_CHECK(in_list(html_attrs, an, (size_t)(q - an)));
			if (q < end && *q == '=') {
				FZ_CHECK(q + 1 < end && q[1] == '"');
				const char *v = q + 2, *ve = memchr(v, '"', (size_t)(end - v));
				FZ_CHECK(ve != NULL);
				FZ_CHECK(memchr(v, '<', (size_t)(ve - v)) == NULL);
				FZ_CHECK(memchr(v, '>', (size_t)(ve - v)) == NULL);
				q = ve + 1;
			}
		}
		FZ_CHECK(q < end);
		bool selfclose = q > s && q[-1] == '/';
		s = q + 1;
		if (closing) {
			FZ_CHECK(depth > 0);
			depth--;
			FZ_CHECK(strlen(stack[depth]) == nl && strncmp(stack[depth], name, nl) == 0);
			continue;
		}
		if (selfclose || in_list(html_void, name, nl))
			continue;
		/* The style and the script are the writer's own text. */
		if ((nl == 5 && strncmp(name, "style", 5) == 0) ||
		    (nl == 6 && strncmp(name, "script", 6) == 0)) {
			const char *close = nl == 5 ? "</style>" : "</script>";
			const char *c = (const char *)memmem(s, (size_t)(end - s), close, strlen(close));
			FZ_CHECK(c != NULL);
			s = c + strlen(close);
			continue;
		}
		FZ_CHECK(depth < sizeof stack / sizeof *stack);
		for (const char *const *t = html_tags; *t; t++)
			if (strlen(*t) == nl && strncmp(*t, name, nl) == 0)
				stack[depth] = *t;
		depth++;
	}
	FZ_CHECK(depth == 0);
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
	unsigned variant = (unsigned)(size / 2 % 6);
	o.mode = variant == 2 ? SW_MODE_MESSAGES : variant == 5 ? SW_MODE_LADDER : SW_MODE_REPORT;
	o.json = variant == 3;
	o.lang = variant == 1 || size % 4 == 3 ? "zh" : "en";
	o.ladder_utf8 = size % 8 >= 4;
	int html_fd = variant == 4 ? memfd_create("fuzz-html", MFD_CLOEXEC) : -1;
	char html_path[64];
	if (html_fd >= 0) {
		snprintf(html_path, sizeof html_path, "/proc/self/fd/%d", html_fd);
		o.html_path = html_path;
		o.mode = SW_MODE_NONE;
	}
	struct sw_app app;
	char err[512];
	if (sw_app_open(&app, &o, err, sizeof err) < 0) {
		FZ_CHECK(err[0] != '\0');
		check_terminal_safe((const uint8_t *)err, strlen(err), false, false);
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
	} else if (o.mode == SW_MODE_LADDER) {
		sw_out_ladder(&app);
	} else {
		sw_out_summary_text(&app, mem);
	}
	fflush(mem);
	check_terminal_safe((const uint8_t *)text, len, o.json, false);
	if (html_fd >= 0) {
		FZ_CHECK(sw_out_html(&app, o.html_path, NULL, 0, err, sizeof err) == 0);
		off_t hl = lseek(html_fd, 0, SEEK_END);
		FZ_CHECK(hl > 0 && hl < (off_t)(5 << 20));
		uint8_t *page = malloc((size_t)hl);
		FZ_CHECK(pread(html_fd, page, (size_t)hl, 0) == (ssize_t)hl);
		check_html(page, (size_t)hl);
		free(page);
		close(html_fd);
	}
	sw_app_close(&app);
	fclose(mem);
	free(text);
	close(fd);
	return 0;
}
