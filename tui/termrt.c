/* SPDX-License-Identifier: BSD-2-Clause */
/* Built-in terminfo entries and C.UTF-8 LC_CTYPE (termrt.h). The bundle is
 * a gzip'd tar made at build time (tui/CMakeLists.txt, termrt.cmake):
 * terminfo/<first letter>/<name> and locale/C.UTF-8/LC_CTYPE. It is
 * inflated only when one of them is needed, into memory freed before the
 * view starts. */
#include "tui/termrt.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/mem.h"

extern const unsigned char sw_termrt_tgz[];
extern const unsigned long sw_termrt_tgz_len;
extern const char sw_termrt_names[];

#define TAR_BLOCK 512u
#define RT_MAX_BUNDLE (4u << 20) /* bytes inflated at most */

const char *tui_rt_terminals(void)
{
	return sw_termrt_names;
}

static void errf(char *err, size_t errlen, const char *what, const char *detail)
{
	snprintf(err, errlen, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
}

static int inflate_bundle(struct tui_rt *rt)
{
	if (rt->tar)
		return 0;
	if (sw_termrt_tgz_len == 0)
		return -1;
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -1;
	size_t cap = 256u << 10, len = 0;
	unsigned char *out = sw_malloc(cap);
	z.next_in = (unsigned char *)sw_termrt_tgz;
	z.avail_in = (uInt)sw_termrt_tgz_len;
	int rc;
	do {
		if (len == cap) {
			if (cap >= RT_MAX_BUNDLE)
				break;
			cap *= 2;
			out = sw_realloc(out, cap);
		}
		z.next_out = out + len;
		z.avail_out = (uInt)(cap - len);
		rc = inflate(&z, Z_NO_FLUSH);
		len = cap - z.avail_out;
	} while (rc == Z_OK);
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		return -1;
	}
	rt->tar = out;
	rt->tar_len = len;
	return 0;
}

/* The member named `name` in the tar (ustar/GNU headers, regular files). */
static const unsigned char *tar_find(const struct tui_rt *rt, const char *name, size_t *size)
{
	size_t off = 0;
	while (off + TAR_BLOCK <= rt->tar_len) {
		const unsigned char *h = rt->tar + off;
		if (h[0] == '\0')
			break; /* end of archive */
		char n[101];
		memcpy(n, h, 100);
		n[100] = '\0';
		char sz[13];
		memcpy(sz, h + 124, 12);
		sz[12] = '\0';
		size_t s = (size_t)strtoull(sz, NULL, 8);
		size_t data = off + TAR_BLOCK;
		if (s > rt->tar_len - data)
			break;
		const char *base = n;
		if (strncmp(base, "./", 2) == 0)
			base += 2;
		if ((h[156] == '0' || h[156] == '\0') && strcmp(base, name) == 0) {
			*size = s;
			return rt->tar + data;
		}
		off = data + (s + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	}
	return NULL;
}

/* Terminal names come from the environment: letters, digits, - . + _ only. */
static bool term_name_ok(const char *term)
{
	if (!term || !term[0] || strlen(term) > 64)
		return false;
	for (const char *p = term; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("-.+_", *p)))
			return false;
	return true;
}

static bool entry_in(const char *dir, size_t dirlen, const char *term)
{
	char p[1024];
	struct stat st;
	/* letter directories, and the hexadecimal ones of case-folding systems */
	snprintf(p, sizeof p, "%.*s/%c/%s", (int)dirlen, dir, term[0], term);
	if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
		return true;
	snprintf(p, sizeof p, "%.*s/%02x/%s", (int)dirlen, dir, (unsigned char)term[0], term);
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool entry_in_list(const char *list, const char *term)
{
	while (list && *list) {
		const char *end = strchr(list, ':');
		size_t n = end ? (size_t)(end - list) : strlen(list);
		if (n == 0) {
			/* an empty element stands for the system's directories */
			if (entry_in("/etc/terminfo", 13, term) || entry_in("/lib/terminfo", 13, term) ||
			    entry_in("/usr/share/terminfo", 19, term))
				return true;
		} else if (entry_in(list, n, term)) {
			return true;
		}
		list = end ? end + 1 : NULL;
	}
	return false;
}

bool tui_rt_system_has_terminfo(const char *term)
{
	if (!term_name_ok(term))
		return false;
	const char *ti = getenv("TERMINFO");
	if (ti && *ti && entry_in(ti, strlen(ti), term))
		return true;
	const char *home = getenv("HOME");
	char hp[512];
	if (home && *home) {
		snprintf(hp, sizeof hp, "%s/.terminfo", home);
		if (entry_in(hp, strlen(hp), term))
			return true;
	}
	return entry_in_list(getenv("TERMINFO_DIRS"), term) ||
	       entry_in_list("/etc/terminfo:/lib/terminfo:/usr/share/terminfo", term);
}

bool tui_rt_has_terminfo(struct tui_rt *rt, const char *term)
{
	if (!term_name_ok(term) || inflate_bundle(rt) < 0)
		return false;
	char name[96];
	size_t size;
	snprintf(name, sizeof name, "terminfo/%c/%s", term[0], term);
	return tar_find(rt, name, &size) != NULL;
}

static void remember(struct tui_rt *rt, const char *path)
{
	if (rt->nmade < TUI_RT_MAX_PATHS)
		rt->made[rt->nmade++] = sw_strdup(path);
}

static int make_dir(struct tui_rt *rt)
{
	if (rt->dir[0])
		return 0;
	const char *bases[] = {getenv("TMPDIR"), "/tmp", "/dev/shm", "/var/tmp"};
	for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
		if (!bases[i] || bases[i][0] != '/')
			continue;
		snprintf(rt->dir, sizeof rt->dir, "%s/sipwatch-rt.XXXXXX", bases[i]);
		if (mkdtemp(rt->dir))
			return 0;
	}
	rt->dir[0] = '\0';
	return -1;
}

/* Writes member `name` as rt->dir/name (directories made on the way). */
static int extract(struct tui_rt *rt, const char *name, char *path, size_t pathlen,
		   char *err, size_t errlen)
{
	size_t size;
	const unsigned char *data;
	if (inflate_bundle(rt) < 0 || !(data = tar_find(rt, name, &size))) {
		errf(err, errlen, "not built in", name);
		return -1;
	}
	if (make_dir(rt) < 0) {
		errf(err, errlen, "no writable temporary directory", strerror(errno));
		return -1;
	}
	snprintf(path, pathlen, "%s/%s", rt->dir, name);
	for (char *s = path + strlen(rt->dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		int rc = mkdir(path, 0700);
		if (rc == 0)
			remember(rt, path);
		*s = '/';
		if (rc != 0 && errno != EEXIST) {
			errf(err, errlen, "cannot write the temporary directory", strerror(errno));
			return -1;
		}
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		errf(err, errlen, "cannot write the temporary directory", strerror(errno));
		return -1;
	}
	remember(rt, path);
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			errf(err, errlen, "cannot write the temporary directory", strerror(errno));
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd) == 0 ? 0 : -1;
}

int tui_rt_terminfo(struct tui_rt *rt, const char *term, char *err, size_t errlen)
{
	char name[96], path[512];
	if (!term_name_ok(term)) {
		errf(err, errlen, "no terminal name", NULL);
		return -1;
	}
	snprintf(name, sizeof name, "terminfo/%c/%s", term[0], term);
	if (extract(rt, name, path, sizeof path, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/terminfo", rt->dir);
	if (!rt->set_terminfo) {
		const char *old = getenv("TERMINFO");
		rt->old_terminfo = old ? sw_strdup(old) : NULL;
		rt->set_terminfo = true;
	}
	setenv("TERMINFO", path, 1);
	return 0;
}

int tui_rt_utf8_locale(struct tui_rt *rt, char *err, size_t errlen)
{
	char path[512];
	if (extract(rt, "locale/C.UTF-8/LC_CTYPE", path, sizeof path, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/locale", rt->dir);
	if (!rt->set_locpath) {
		const char *old = getenv("LOCPATH");
		rt->old_locpath = old ? sw_strdup(old) : NULL;
		rt->set_locpath = true;
	}
	setenv("LOCPATH", path, 1);
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		errf(err, errlen, "the C library did not take the built-in C.UTF-8", NULL);
		return -1;
	}
	return 0;
}

static void restore(const char *name, bool set, char **old)
{
	if (!set)
		return;
	if (*old)
		setenv(name, *old, 1);
	else
		unsetenv(name);
	free(*old);
	*old = NULL;
}

void tui_rt_done(struct tui_rt *rt)
{
	/* Deepest first: files and directories in the reverse of their making. */
	while (rt->nmade > 0) {
		char *p = rt->made[--rt->nmade];
		if (unlink(p) != 0)
			rmdir(p);
		free(p);
	}
	if (rt->dir[0])
		rmdir(rt->dir);
	rt->dir[0] = '\0';
	restore("TERMINFO", rt->set_terminfo, &rt->old_terminfo);
	restore("LOCPATH", rt->set_locpath, &rt->old_locpath);
	rt->set_terminfo = rt->set_locpath = false;
	free(rt->tar);
	rt->tar = NULL;
	rt->tar_len = 0;
}
