/* SPDX-License-Identifier: BSD-2-Clause */
/* Words the analysis leaves in English because they are also identifiers
 * (fact keys, ICMP kinds, the labels of evidence frames), put in the
 * catalog's language for the report and the TUI. English output keeps them
 * as they are: scripts and docs/findings.md name the same keys. */
#include "po/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"

/* Every fact key the analysis writes (sw_fnd_fact), for xgettext: the
 * catalog translates them in the context "fact". A key missing here keeps
 * its English name, which the Chinese output tests catch. */
static const char *const fact_keys[] __attribute__((unused)) = {
    NC_("fact", "accepted_user_agent"), NC_("fact", "accounts"),
    NC_("fact", "actual"),              NC_("fact", "answered_with"),
    NC_("fact", "answered_within"),     NC_("fact", "answers_changed"),
    NC_("fact", "attempts_in_60s"),     NC_("fact", "auth_username"),
    NC_("fact", "changed_messages"),    NC_("fact", "client"),
    NC_("fact", "clock_offset"),        NC_("fact", "cycles"),
    NC_("fact", "declared"),            NC_("fact", "delivered_to_phone"),
    NC_("fact", "delivered_to_server"), NC_("fact", "detail"),
    NC_("fact", "device_switches"),     NC_("fact", "direction"),
    NC_("fact", "dns_server"),          NC_("fact", "examples"),
    NC_("fact", "expires"),             NC_("fact", "fields"),
    NC_("fact", "fragmented"),          NC_("fact", "frames"),
    NC_("fact", "from"),                NC_("fact", "gap"),
    NC_("fact", "granted_expires"),     NC_("fact", "icmp"),
    NC_("fact", "icmp_from"),           NC_("fact", "lapsed_at"),
    NC_("fact", "local"),               NC_("fact", "lost_after"),
    NC_("fact", "lost_to_phone"),       NC_("fact", "lost_to_server"),
    NC_("fact", "mac"),                 NC_("fact", "method"),
    NC_("fact", "min_expires"),         NC_("fact", "mtu"),
    NC_("fact", "name"),                NC_("fact", "new_local"),
    NC_("fact", "new_public"),          NC_("fact", "note"),
    NC_("fact", "of_accounts"),         NC_("fact", "old_local"),
    NC_("fact", "old_public"),          NC_("fact", "options_unanswered"),
    NC_("fact", "other_devices"),       NC_("fact", "phone"),
    NC_("fact", "phone_keepalives"),    NC_("fact", "pinger"),
    NC_("fact", "ports"),               NC_("fact", "protocols"),
    NC_("fact", "public"),              NC_("fact", "queries"),
    NC_("fact", "realm"),               NC_("fact", "reason"),
    NC_("fact", "received"),            NC_("fact", "refresh"),
    NC_("fact", "refused"),             NC_("fact", "registered"),
    NC_("fact", "rejections"),          NC_("fact", "requested_expires"),
    NC_("fact", "requests_sent"),       NC_("fact", "resets"),
    NC_("fact", "result"),              NC_("fact", "retry_after"),
    NC_("fact", "returned"),            NC_("fact", "sent"),
    NC_("fact", "server"),              NC_("fact", "server_alive"),
    NC_("fact", "server_header"),       NC_("fact", "size"),
    NC_("fact", "status"),              NC_("fact", "title"),
    NC_("fact", "transport"),           NC_("fact", "unanswered"),
    NC_("fact", "user_agent"),          NC_("fact", "via_sent_by"),
    NC_("fact", "waited"),              NC_("fact", "warning"),
    NC_("fact", "window_min"),
    /* alg.rewrite/path_diff: one fact per rewritten header (pair_findings.c) */
    NC_("fact", "via"),                 NC_("fact", "contact"),
    NC_("fact", "sdp_c"),               NC_("fact", "sdp_o"),
    NC_("fact", "sdp_m"),               NC_("fact", "content_length"),
    NC_("fact", "request_line"),        NC_("fact", "status_line"),
    NC_("fact", "record_route"),        NC_("fact", "other"),
};

/* Values of facts that are our words rather than the wire's. */
static const char *const fact_values[] __attribute__((unused)) = {
    NC_("fact value", "yes"),
    NC_("fact value", "no"),
    NC_("fact value", "server -> phone"),
    NC_("fact value", "phone -> server"),
    NC_("fact value", "several status codes"),
};

/* decode.c sw_icmp_kind_name(): "ICMP port_unreachable" in labels and the
 * fact "icmp". */
static const char *const icmp_kinds[] __attribute__((unused)) = {
    NC_("icmp", "port_unreachable"), NC_("icmp", "host_unreachable"),
    NC_("icmp", "net_unreachable"),  NC_("icmp", "admin_prohibited"),
    NC_("icmp", "proto_unreachable"), NC_("icmp", "frag_needed"),
    NC_("icmp", "time_exceeded"),    NC_("icmp", "reassembly_time_exceeded"),
    NC_("icmp", "other"),
};

/* Whole labels of evidence frames that are ours (analyze/
 * sw_an_evidence calls), and the words in brackets after a wire label. */
static const char *const labels[] __attribute__((unused)) = {
    NC_("label", "keepalive"),
    NC_("label", "DNS query"),
    NC_("label", "DNS no records"),
    NC_("label", "DNS error"),
    NC_("label", "ICMP (answer)"),
    NC_("label", "ICMP fragmentation needed"),
    NC_("label", "Via received"),
    NC_("label", "first fragment"),
    NC_("label", "lost"),
    NC_("label", "as sent"),
    NC_("label", "as received"),
    NC_("label", "answer"),
    NC_("label", "retransmission"),
    NC_("label", "retransmission after the answer"),
};

const char *sw_tr_fact(const struct sw_catalog *c, const char *key)
{
	return sw_trc(c, "fact", key);
}

void sw_tr_fact_value(const struct sw_catalog *c, const char *key, const char *value,
                      struct sw_buf *out)
{
	if (!value)
		return;
	if (c) {
		unsigned long long a, b;
		int n = 0;
		if (strcmp(key, "icmp") == 0 && sw_trc_has(c, "icmp", value)) {
			sw_buf_puts(out, sw_trc(c, "icmp", value));
			return;
		}
		if (sw_trc_has(c, "fact value", value)) {
			sw_buf_puts(out, sw_trc(c, "fact value", value));
			return;
		}
		/* "3 of 10" (changed_messages, in English when the analysis
		 * ran without the catalog) */
		if (sscanf(value, "%llu of %llu%n", &a, &b, &n) == 2 && value[n] == '\0') {
			sw_buf_printf(out, sw_tr(c, "%llu of %llu"), a, b);
			return;
		}
	}
	sw_buf_put_text(out, sw_str_c(value));
}

/* The base of a label (before any bracket): one of our labels, "ICMP
 * <kind>", or the wire's (a method, a status line), escaped. */
static void label_base(const struct sw_catalog *c, const char *p, size_t len, struct sw_buf *out)
{
	char tmp[96];
	if (c && len < sizeof tmp) {
		memcpy(tmp, p, len);
		tmp[len] = '\0';
		if (sw_trc_has(c, "label", tmp)) {
			sw_buf_puts(out, sw_trc(c, "label", tmp));
			return;
		}
		if (len > 5 && memcmp(tmp, "ICMP ", 5) == 0 && sw_trc_has(c, "icmp", tmp + 5)) {
			sw_buf_printf(out, "ICMP %s", sw_trc(c, "icmp", tmp + 5));
			return;
		}
	}
	sw_buf_put_text(out, sw_str_make(p, len));
}

void sw_tr_label(const struct sw_catalog *c, const char *label, struct sw_buf *out)
{
	if (!label)
		return;
	size_t len = strlen(label);
	/* "X (words)": the words are ours when the catalog knows them
	 * ("retransmission 3" by its number). */
	const char *open = len && label[len - 1] == ')' ? strstr(label, " (") : NULL;
	while (open && strstr(open + 1, " ("))
		open = strstr(open + 1, " (");
	if (c && open && open > label) {
		const char *in = open + 2;
		size_t inlen = (size_t)(label + len - 1 - in);
		char w[64];
		unsigned n = 0;
		int used = 0;
		if (inlen < sizeof w) {
			memcpy(w, in, inlen);
			w[inlen] = '\0';
			if (sw_trc_has(c, "label", w)) {
				label_base(c, label, (size_t)(open - label), out);
				sw_buf_printf(out, sw_tr(c, " (%s)"), sw_trc(c, "label", w));
				return;
			}
			if (sscanf(w, "retransmission %u%n", &n, &used) == 1 && w[used] == '\0') {
				label_base(c, label, (size_t)(open - label), out);
				sw_buf_printf(out, sw_tr(c, " (retransmission %u)"), n);
				return;
			}
		}
	}
	label_base(c, label, len, out);
}
