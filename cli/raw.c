/* SPDX-License-Identifier: BSD-2-Clause */
/* The text of a kept message record, for the TUI's message screen and the
 * HTML report (the kept copy, else the frame re-read from the capture file
 * and decoded again: whole-datagram messages, malformed SIP, the packet an
 * ICMP error quotes). */
#include <stdlib.h>

#include "cli/cli.h"
#include "common/mem.h"

struct raw_sink {
	struct sw_buf *out;
	int found;
};

static void raw_event(void *user, const struct sw_ev *ev)
{
	struct raw_sink *k = user;
	struct sw_str s = SW_STR_NULL;
	if (ev->type == SW_EV_SIP)
		s = ev->u.sip->raw;
	else if (ev->type == SW_EV_SIP_BAD)
		s = ev->u.bad.raw;
	else if (ev->type == SW_EV_ICMP)
		s = ev->u.icmp.quoted_payload;
	if (k->found || !s.len)
		return;
	sw_buf_put(k->out, s.p, s.len);
	k->found = 1;
}

int sw_app_raw(struct sw_app *app, const struct sw_msg *m, struct sw_buf *out)
{
	if (m->raw) {
		sw_buf_put(out, m->raw, m->raw_len);
		return 0;
	}
	if (sw_capture_is_live(app->cap) || m->kind == SW_MSG_KEEPALIVE)
		return -1;
	uint8_t *buf = sw_malloc(SW_MAX_FRAME);
	uint32_t caplen = 0;
	int rc = -1;
	if (sw_capture_read_at(app->cap, m->file_idx, m->offset, buf, SW_MAX_FRAME, &caplen) == 0) {
		const struct sw_capture_source *s = sw_capture_source(app->cap, m->file_idx);
		struct sw_frame f = { .data = buf, .caplen = caplen, .wirelen = caplen,
				      .ts_ns = m->ts_ns, .linktype = s->linktype,
				      .file_idx = m->file_idx, .frame_no = m->frame_no,
				      .offset = m->offset };
		struct raw_sink k = { out, 0 };
		struct sw_decode *d = sw_decode_new(NULL);
		sw_decode_frame(d, &f, raw_event, &k);
		sw_decode_finish(d, raw_event, &k);
		sw_decode_free(d);
		rc = k.found ? 0 : -1;
	}
	free(buf);
	return rc;
}

