/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests that run over every capture under a folder (SW_PCAPS): calls
 * fn(path, ctx) for each .pcap, .pcapng and .gz file, at most 4 folders
 * deep, hidden names skipped. Header only: each test program its own copy. */
#ifndef SW_TESTS_UNIT_WALK_H
#define SW_TESTS_UNIT_WALK_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void sw_test_walk(const char *dir, void (*fn)(const char *path, void *ctx), void *ctx,
			 int depth)
{
	DIR *d = opendir(dir);
	if (!d || depth > 4) {
		if (d)
			closedir(d);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat sb;
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			sw_test_walk(path, fn, ctx, depth + 1);
			continue;
		}
		const char *x = strrchr(e->d_name, '.');
		if (x && (!strcmp(x, ".pcap") || !strcmp(x, ".pcapng") || !strcmp(x, ".gz")))
			fn(path, ctx);
	}
	closedir(d);
}

#endif
