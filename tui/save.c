/* SPDX-License-Identifier: BSD-2-Clause */
/* F2 / s: save the frames of the chosen messages to a pcap file, after
 * asking for its name. The frames are re-read from the capture by the
 * pipeline's save() callback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "tui/tui_int.h"

struct save_req {
	uint32_t *ids;
	size_t n;
};

static void save_free(void *u)
{
	struct save_req *r = u;
	free(r->ids);
	free(r);
}

static void save_done(struct tui *t, const char *path, void *u)
{
	struct save_req *r = u;
	if (!path[0]) {
		tui_note(t, "%s", tui_tr(t, "Not saved: no file name."));
		return;
	}
	char err[256] = "";
	if (t->src->save(t->src->ctx, r->ids, r->n, path, err, sizeof err) < 0) {
		struct sw_buf b = SW_BUF_INIT;
		tui_wire_c(&b, err[0] ? err : "?");
		tui_note(t, tui_tr(t, "Not saved: %s"), b.p);
		sw_buf_free(&b);
		return;
	}
	struct sw_buf b = SW_BUF_INIT;
	tui_wire_c(&b, path);
	tui_note(t, tui_tr(t, "Saved %zu messages to %s"), r->n, b.p);
	sw_buf_free(&b);
}

void tui_save_ask(struct tui *t, const uint32_t *ids, size_t n)
{
	if (!t->src->save) {
		tui_note(t, "%s", tui_tr(t, "Saving is not available for this input."));
		return;
	}
	if (!n) {
		tui_note(t, "%s", tui_tr(t, "Nothing to save."));
		return;
	}
	struct save_req *r = sw_calloc(1, sizeof *r);
	r->ids = sw_malloc(n * sizeof *r->ids);
	memcpy(r->ids, ids, n * sizeof *ids);
	r->n = n;
	/* Default name from the first message's capture time: the same capture
	 * gives the same name. */
	char name[64] = "sipwatch.pcap";
	const struct sw_msg *m = sw_analyze_msg(t->an, ids[0]);
	if (m) {
		time_t s = (time_t)(m->ts_ns / 1000000000);
		struct tm tm;
		if (gmtime_r(&s, &tm))
			strftime(name, sizeof name, "sipwatch-%Y%m%d-%H%M%S.pcap", &tm);
	}
	char label[160];
	snprintf(label, sizeof label, tui_tr(t, "Save %zu messages to pcap file:"), n);
	tui_push(t, tui_prompt_new(t, label, name, save_done, r, save_free));
}
