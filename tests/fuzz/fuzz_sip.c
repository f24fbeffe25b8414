/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the SIP wrapper (decode/sip_osip.c over libosip2)
 * through sw_decode_sip(), on one message's bytes. Checks that every slice
 * of the result is readable and that the structural promises of sip.h
 * hold; then that the terminal and JSON escapers make every wire string
 * safe to print (no control byte, no escape sequence). A message the parser
 * rejects goes through the light scan, as the decoder does with it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/sipscan.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sw_decode *dec;

static void check_printable(const struct sw_sip_msg *m)
{
	fz_check_escapers(m->method);
	fz_check_escapers(m->ruri.raw);
	fz_check_escapers(m->reason);
	fz_check_escapers(m->call_id);
	fz_check_escapers(m->cseq_method);
	fz_check_escapers(m->from.uri.raw);
	fz_check_escapers(m->from.display);
	fz_check_escapers(m->to.uri.raw);
	fz_check_escapers(m->user_agent);
	fz_check_escapers(m->server);
	fz_check_escapers(m->warning);
	fz_check_escapers(m->reason_hdr);
	fz_check_escapers(m->www_auth.realm);
	fz_check_escapers(m->authorization.username);
	for (size_t i = 0; i < m->n_contact; i++)
		fz_check_escapers(m->contact[i].uri.raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dec)
		dec = sw_decode_new(NULL); /* one per process: libosip2's tables */
	struct sw_sip_msg msg;
	memset(&msg, 0, sizeof msg);
	const char *why = NULL;
	if (sw_decode_sip(dec, (const char *)data, size, &msg, &why) == 0) {
		fz_touch_sip(&msg);
		/* The message keeps its size: masking overwrites, never cuts. */
		FZ_CHECK(msg.raw.len == size);
		check_printable(&msg);
	} else {
		FZ_CHECK(why != NULL && why[0] != '\0');
		struct sw_sip_light l;
		if (sw_sip_scan_light((const char *)data, size, &l) == 0) {
			FZ_CHECK(fz_within(l.first_line, data, size));
			FZ_CHECK(fz_within(l.call_id, data, size));
			fz_check_escapers(l.first_line);
			fz_check_escapers(l.call_id);
		}
	}
	return 0;
}
