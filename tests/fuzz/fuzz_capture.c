/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the bytes of one capture file -> capture reader (pcap,
 * pcapng, gzip) -> every decoder -> SIP wrapper -> analysis -> findings.
 * The input is handed to the reader as a file (memfd), as a user's upload. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "capture/capture.h"
#include "decode/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *user, const struct sw_ev *ev)
{
	struct sw_msg_note note;
	sw_analyze_event(user, ev, &note);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-capture", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	const char *paths[1] = {path};
	struct sw_capture_opts co;
	memset(&co, 0, sizeof co);
	struct sw_capture *cap = NULL;
	char err[256];
	if (sw_capture_open_files(&cap, paths, 1, &co, err, sizeof err) == 0) {
		struct sw_decode *dec = sw_decode_new(NULL);
		struct sw_analyze_opts ao;
		memset(&ao, 0, sizeof ao);
		ao.keep_messages = true;
		ao.keep_raw = true;
		ao.max_messages = 64;
		struct sw_analyze *an = sw_analyze_new(&ao);
		struct sw_frame f;
		int64_t last = 0;
		while (sw_capture_next(cap, &f) == SW_CAP_FRAME) {
			if (f.ts_ns > last)
				last = f.ts_ns;
			sw_analyze_tick(an, f.ts_ns);
			sw_decode_frame(dec, &f, sink, an);
		}
		sw_decode_finish(dec, sink, an);
		sw_analyze_finish(an, last);
		sw_analyze_free(an);
		sw_decode_free(dec);
		sw_capture_close(cap);
	}
	close(fd);
	return 0;
}
