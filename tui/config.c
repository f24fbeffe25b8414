/* SPDX-License-Identifier: BSD-2-Clause */
/* The user's TUI settings in $XDG_CONFIG_HOME/sipwatch/config (XDG Base
 * Directory Specification; ~/.config when the variable is unset): the
 * list's columns (which, in what order, how wide) and the width of the
 * ladder's raw pane. A text file of "key = value" lines the user may edit;
 * what cannot be understood is ignored, so a damaged file gives defaults. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mem.h"
#include "tui/tui_int.h"

#define CONFIG_MAX 8192 /* bytes read from the file */

static const struct {
	const char *key;   /* in the file */
	const char *title; /* msgid of the heading */
	bool shown;        /* by default */
} cols[TC_N] = {
    [TC_IDX] = {"idx", N_("Idx"), true},
    [TC_TYPE] = {"type", N_("Type"), true},
    [TC_NAME] = {"name", N_("Account / Dialog"), true},
    [TC_ADDR] = {"address", N_("Address"), true},
    [TC_STATE] = {"state", N_("State"), true},
    [TC_LAST] = {"last", N_("Last"), true},
    [TC_MSGS] = {"msgs", N_("Msgs"), true},
    [TC_BADGE] = {"finding", N_("Finding"), true},
    [TC_FIRST] = {"first", N_("First"), false},
    [TC_UA] = {"user_agent", N_("User-Agent"), false},
    [TC_CALLID] = {"call_id", N_("Call-ID"), false},
};

const char *tui_col_key(enum tui_col c)
{
	return c < TC_N ? cols[c].key : "";
}

const char *tui_col_title(enum tui_col c)
{
	return c < TC_N ? cols[c].title : "";
}

void tui_prefs_defaults(struct sw_tui_prefs *p)
{
	for (int i = 0; i < TC_N; i++)
		p->cols[i] = (struct tui_colpref){.col = (uint8_t)i, .shown = cols[i].shown};
	p->raw_width = 0;
}

static char *config_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	struct sw_buf b = SW_BUF_INIT;
	if (x && x[0] == '/') { /* relative values are to be ignored (XDG) */
		sw_buf_printf(&b, "%s/sipwatch/config", x);
	} else {
		const char *h = getenv("HOME");
		if (!h || !h[0])
			return NULL;
		sw_buf_printf(&b, "%s/.config/sipwatch/config", h);
	}
	return b.p;
}

static int col_by_key(const char *k, size_t n)
{
	for (int i = 0; i < TC_N; i++)
		if (strlen(cols[i].key) == n && strncmp(cols[i].key, k, n) == 0)
			return i;
	return -1;
}

/* "columns = idx:5 type name -address finding:30": the shown columns in
 * order (a width after the colon), hidden ones with a minus; columns the
 * line leaves out keep their default place at the end. */
static void parse_columns(struct sw_tui_prefs *p, const char *v)
{
	struct tui_colpref out[TC_N];
	bool used[TC_N] = {false};
	int n = 0;
	while (*v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (!*v)
			break;
		bool hide = *v == '-';
		if (hide)
			v++;
		const char *k = v;
		while (*v && *v != ' ' && *v != '\t' && *v != ',' && *v != ':')
			v++;
		int c = col_by_key(k, (size_t)(v - k));
		int width = 0;
		if (*v == ':') {
			char *end;
			long w = strtol(v + 1, &end, 10);
			if (end > v + 1 && w >= 0 && w <= TUI_COL_MAXW)
				width = (int)w;
			v = end;
			while (*v && *v != ' ' && *v != '\t' && *v != ',')
				v++;
		}
		if (c < 0 || used[c])
			continue;
		used[c] = true;
		out[n++] = (struct tui_colpref){.col = (uint8_t)c, .shown = !hide, .width = width};
	}
	for (int i = 0; i < TC_N; i++) {
		const struct tui_colpref *d = NULL;
		for (int j = 0; j < TC_N; j++)
			if (p->cols[j].col == i)
				d = &p->cols[j];
		if (!used[i] && d)
			out[n++] = *d;
	}
	if (n == TC_N)
		memcpy(p->cols, out, sizeof out);
}

static void parse(struct sw_tui_prefs *p, char *text)
{
	for (char *line = text; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *eq = strchr(line, '=');
		if (line[0] != '#' && eq) {
			char *k = line, *ke = eq;
			while (*k == ' ' || *k == '\t')
				k++;
			while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
				ke--;
			*ke = '\0';
			char *v = eq + 1;
			if (strcmp(k, "columns") == 0) {
				parse_columns(p, v);
			} else if (strcmp(k, "raw_width") == 0) {
				long w = strtol(v, NULL, 10);
				if (w >= 0 && w <= TUI_COL_MAXW)
					p->raw_width = (int)w;
			}
		}
		line = next;
	}
}

struct sw_tui_prefs *sw_tui_prefs_load(void)
{
	struct sw_tui_prefs *p = sw_calloc(1, sizeof *p);
	tui_prefs_defaults(p);
	p->path = config_path();
	if (!p->path)
		return p;
	int fd = open(p->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return p;
	char *buf = sw_malloc(CONFIG_MAX + 1);
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, CONFIG_MAX - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == CONFIG_MAX)
			break;
	}
	close(fd);
	buf[n] = '\0';
	parse(p, buf);
	free(buf);
	return p;
}

void sw_tui_prefs_free(struct sw_tui_prefs *p)
{
	if (!p)
		return;
	free(p->path);
	free(p);
}

/* mkdir -p of the directory part of path (mode 0700, as XDG asks). */
static int make_dirs(const char *path)
{
	char *d = sw_strdup(path);
	char *slash = strrchr(d, '/');
	if (slash)
		*slash = '\0';
	for (char *s = d + 1; s && *s; s = strchr(s + 1, '/')) {
		char c = *s;
		if (c != '/')
			continue;
		*s = '\0';
		if (mkdir(d, 0700) < 0 && errno != EEXIST) {
			free(d);
			return -1;
		}
		*s = c;
	}
	int rc = (mkdir(d, 0700) < 0 && errno != EEXIST) ? -1 : 0;
	free(d);
	return rc;
}

int tui_prefs_save(const struct sw_tui_prefs *p, char *err, size_t errlen)
{
	if (!p->path) {
		snprintf(err, errlen, "no home directory (set HOME or XDG_CONFIG_HOME)");
		return -1;
	}
	struct sw_buf b = SW_BUF_INIT;
	sw_buf_puts(&b, "# sipwatch settings, written by the interactive view (F10: columns).\n"
	                "# columns: the list's columns in order, -name hidden, name:width\n"
	                "# (no width: automatic). raw_width: the ladder's raw pane (0: automatic).\n");
	sw_buf_puts(&b, "columns =");
	for (int i = 0; i < TC_N; i++) {
		const struct tui_colpref *c = &p->cols[i];
		sw_buf_printf(&b, " %s%s", c->shown ? "" : "-", tui_col_key((enum tui_col)c->col));
		if (c->width)
			sw_buf_printf(&b, ":%d", c->width);
	}
	sw_buf_printf(&b, "\nraw_width = %d\n", p->raw_width);
	struct sw_buf tmp = SW_BUF_INIT;
	sw_buf_printf(&tmp, "%s.tmp", p->path);
	int rc = -1;
	if (make_dirs(p->path) == 0) {
		int fd = open(tmp.p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0) {
			ssize_t w = write(fd, b.p, b.len);
			int cl = close(fd);
			if (w == (ssize_t)b.len && cl == 0 && rename(tmp.p, p->path) == 0)
				rc = 0;
			else
				unlink(tmp.p);
		}
	}
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", p->path, strerror(errno ? errno : EIO));
	sw_buf_free(&tmp);
	sw_buf_free(&b);
	return rc;
}
