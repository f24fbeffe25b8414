/* SPDX-License-Identifier: BSD-2-Clause */
/* --version and -V, as tcpdump's: sipwatch's version and the commit it was
 * built from, then the version of each library it runs with, asked of the
 * library itself where it can say (pcap_lib_version(3PCAP), curses_version(3X),
 * zlibVersion()). libosip2 has no such call: its version is the one built
 * against, with the file name of the parser library actually loaded. */
#include <curses.h>
#include <limits.h>
#include <link.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli/cli.h"
#include "sw_commit.h"

#ifndef SW_OSIP_VERSION
#define SW_OSIP_VERSION "unknown"
#endif

const char *sw_version(void)
{
	return SW_VERSION;
}

const char *sw_version_commit(void)
{
	return SW_COMMIT;
}

struct lib_search {
	const char *prefix; /* "libosipparser2.so" */
	char path[PATH_MAX];
};

static int find_lib(struct dl_phdr_info *info, size_t size, void *user)
{
	struct lib_search *s = user;
	const char *name = info->dlpi_name;
	if (!name || !name[0])
		return 0;
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (strncmp(base, s->prefix, strlen(s->prefix)) != 0)
		return 0;
	snprintf(s->path, sizeof s->path, "%s", name);
	return 1;
}

/* The file name a shared library resolves to ("libosipparser2.so.15.0.0"),
 * or "" when it is not loaded as one (a static build). */
static void loaded_file(const char *prefix, char *out, size_t outlen)
{
	struct lib_search s = { .prefix = prefix };
	out[0] = '\0';
	if (!dl_iterate_phdr(find_lib, &s))
		return;
	char real[PATH_MAX];
	const char *p = realpath(s.path, real) ? real : s.path;
	const char *base = strrchr(p, '/');
	snprintf(out, outlen, "%s", base ? base + 1 : p);
}

void sw_version_print(FILE *fp)
{
	fprintf(fp, "sipwatch %s (commit %s)\n", SW_VERSION, SW_COMMIT);
	fprintf(fp, "%s\n", pcap_lib_version());
	char osip[NAME_MAX + 1];
	loaded_file("libosipparser2.so", osip, sizeof osip);
	fprintf(fp, "libosip2 %s (%s)\n", SW_OSIP_VERSION,
		osip[0] ? osip : "linked statically");
	fprintf(fp, "%s\n", curses_version());
	fprintf(fp, "zlib %s\n", zlibVersion());
}
