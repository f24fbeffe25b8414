/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the capture readers alone (pcap, pcapng, either of them
 * gzip-compressed), through sw_capture on a memfd as a user's upload, with
 * three properties checked on every frame:
 *   - its bytes are readable (ASan) and within the named limits;
 *   - sw_capture_read_at() at the frame's offset gives the same bytes (the
 *     TUI and evidence re-read frames this way);
 *   - what -w writes is a capture that reads back as the same frames.
 * Odd-sized inputs are opened twice and merged (the heap, ties, one pending
 * frame per source); sizes divisible by 3 get a BPF filter. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/capture.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TRACKED 200000u

struct seen {
	uint32_t caplen;
	uint64_t hash;
};

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static int memfd_with(const uint8_t *data, size_t size, char *path, size_t pathlen)
{
	int fd = memfd_create("fuzz-reader", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in_path[64], out_path[64];
	int in_fd = memfd_with(data, size, in_path, sizeof in_path);
	if (in_fd < 0)
		return 0;
	int out_fd = memfd_with(NULL, 0, out_path, sizeof out_path);
	if (out_fd < 0) {
		close(in_fd);
		return 0;
	}
	const char *paths[2] = {in_path, in_path};
	struct sw_capture_opts co;
	memset(&co, 0, sizeof co);
	if (size % 3 == 0)
		co.filter = "udp or icmp or ip6 or tcp port 5060";
	struct sw_capture *cap = NULL;
	char err[256];
	size_t nsrc = (size & 1) ? 2 : 1;
	if (sw_capture_open_files(&cap, paths, nsrc, &co, err, sizeof err) != 0) {
		FZ_CHECK(err[0] != '\0'); /* a failed open always says why */
		close(in_fd);
		close(out_fd);
		return 0;
	}
	/* Allocated once: a fresh 3 MB per input costs more than the reading. */
	static struct seen *seen;
	static uint8_t *again;
	if (!seen) {
		seen = malloc(MAX_TRACKED * sizeof *seen);
		again = malloc(SW_MAX_FRAME);
	}
	size_t nseen = 0;
	bool writing = sw_capture_open_output(cap, out_path, err, sizeof err) == 0;
	struct sw_frame f;
	int rc;
	while ((rc = sw_capture_next(cap, &f)) == SW_CAP_FRAME) {
		FZ_CHECK(f.caplen <= SW_MAX_FRAME);
		FZ_CHECK(f.wirelen >= f.caplen);
		FZ_CHECK(f.data != NULL || f.caplen == 0);
		FZ_CHECK(f.file_idx < nsrc);
		FZ_CHECK(f.frame_no >= 1);
		if (f.caplen)
			fz_touch(f.data, f.caplen);
		uint32_t cl = 0;
		if (sw_capture_read_at(cap, f.file_idx, f.offset, again, SW_MAX_FRAME, &cl) == 0) {
			/* A Simple Packet Block may be cut to the interface's
			 * snaplen by the reader, not by read_at: compare the
			 * common prefix. */
			uint32_t n = cl < f.caplen ? cl : f.caplen;
			FZ_CHECK(memcmp(again, f.data, n) == 0);
		}
		if (nseen < MAX_TRACKED && seen)
			seen[nseen++] = (struct seen){f.caplen, fnv(f.data, f.caplen)};
	}
	FZ_CHECK(rc == SW_CAP_END);
	for (size_t i = 0; i < sw_capture_nsources(cap); i++) {
		const struct sw_capture_source *s = sw_capture_source(cap, i);
		FZ_CHECK(memchr(s->error, 0, sizeof s->error) != NULL);
		if (s->damaged)
			FZ_CHECK(s->error[0] != '\0');
	}
	struct sw_capture_stats st;
	sw_capture_get_stats(cap, &st);
	sw_capture_close(cap); /* flushes and closes the -w file */

	/* What -w wrote reads back as the frames written, in order. */
	if (writing && nseen < MAX_TRACKED && st.not_written == 0 && seen) {
		const char *opaths[1] = {out_path};
		struct sw_capture *back = NULL;
		memset(&co, 0, sizeof co);
		FZ_CHECK(sw_capture_open_files(&back, opaths, 1, &co, err, sizeof err) == 0);
		size_t k = 0;
		while (sw_capture_next(back, &f) == SW_CAP_FRAME) {
			FZ_CHECK(k < nseen);
			FZ_CHECK(f.caplen == seen[k].caplen);
			FZ_CHECK(fnv(f.data, f.caplen) == seen[k].hash);
			k++;
		}
		FZ_CHECK(k == nseen);
		FZ_CHECK(!sw_capture_source(back, 0)->damaged);
		sw_capture_close(back);
	}
	close(in_fd);
	close(out_fd);
	return 0;
}
