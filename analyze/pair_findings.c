/* SPDX-License-Identifier: BSD-2-Clause */
/* The findings drawn from the pair analysis: nat.return_path_blocked
 * (path_loss) when most of what the server sent to the phone left the server
 * and never arrived while the phone's messages got through, and alg.rewrite
 * (path_diff) when the path changed SIP beyond what NAT traversal does
 * (docs/findings.md). RFC 3261 section 18.2.2 (responses sent back to the
 * request's source); RFC 3581 (rport, the NAT's return path). */
#include <stdio.h>
#include <string.h>

#include "analyze/pair_int.h"
#include "common/buf.h"

#define LOSS_MIN 3u                  /* lost server messages that make a pattern */

static void evidence(struct sw_finding *f, uint32_t file, uint64_t frame, int64_t ts,
		     uint32_t msg_id, const char *label)
{
	sw_fnd_evidence_at(f, file, frame, ts, msg_id, label);
}

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

#define MAX_FINDING_ACCOUNTS 16u

/* nat.return_path_blocked / path_loss: most of what the server sent to the
 * phone (at least LOSS_MIN messages) left the server and never arrived,
 * while the phone's messages reached the server. */
void sw_pair_loss_findings(struct sw_analyze *a, struct sw_pair *p)
{
	const struct sw_pair_summary *s = &p->sum;
	uint32_t lost = s->lost[SW_DIR_TO_PHONE], ok = s->delivered[SW_DIR_TO_PHONE];
	if (lost < LOSS_MIN || lost < ok)
		return;
	uint32_t accts[MAX_FINDING_ACCOUNTS];
	size_t na = 0;
	for (size_t i = 0; i < p->nl; i++) {
		const struct sw_pair_loss *l = &p->l[i];
		if (l->dir != SW_DIR_TO_PHONE)
			continue;
		size_t k;
		for (k = 0; k < na && accts[k] != l->account; k++)
			;
		if (k == na && na < MAX_FINDING_ACCOUNTS)
			accts[na++] = l->account;
	}
	/* the phone's requests that these responses answer, as the phone sent them */
	struct sw_map reqs;
	sw_map_init(&reqs, NULL);
	const struct pfile *sf = &p->f[p->sf];
	for (size_t i = 0; i < sf->n; i++) {
		const struct prec *r = &sf->r[i];
		if (r->loss != UINT32_MAX && p->l[r->loss].dir == SW_DIR_TO_PHONE && r->reqkey &&
		    reqs.count < 4096)
			sw_map_put(&reqs, &r->reqkey, sizeof r->reqkey, (void *)r);
	}
	char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN], s3[SW_ADDRSTRLEN];
	for (size_t k = 0; k < na; k++) {
		const struct sw_pair_loss *first = NULL;
		uint32_t n = 0;
		bool created;
		struct sw_finding *f = sw_fnd_open(a, SW_K_NAT_RETURN_PATH_BLOCKED, SW_C_PATH_LOSS, 0,
						   accts[k], UINT32_MAX, SW_SEV_ERROR, &created);
		f->suspected = false;
		for (size_t i = 0; i < p->nl; i++) {
			const struct sw_pair_loss *l = &p->l[i];
			if (l->dir != SW_DIR_TO_PHONE || l->account != accts[k])
				continue;
			if (!first)
				first = l;
			n++;
			char lab[48];
			snprintf(lab, sizeof lab, "%.36s (lost)", l->label);
			evidence(f, l->copy.file_idx, l->copy.frame_no, l->copy.ts_ns, l->copy.msg_id,
				 lab);
		}
		const struct pfile *pf = &p->f[p->pf];
		for (size_t i = 0; i < pf->n; i++) {
			const struct prec *r = &pf->r[i];
			if (!r->is_request || r->account != accts[k] ||
			    !sw_map_get(&reqs, &r->keya, sizeof r->keya))
				continue;
			char lab[48];
			if (r->copy_no)
				snprintf(lab, sizeof lab, "%.20s (retransmission %u)", r->label,
					 r->copy_no);
			else
				snprintf(lab, sizeof lab, "%s", r->label);
			evidence(f, p->pf, r->frame_no, r->ts_ns, r->msg_id, lab);
		}
		/* the phone's endpoint behind the public one the server answered */
		struct sw_addr inside = first->copy.dst;
		for (size_t i = 0; i < p->nmap; i++)
			if (p->map[i].role == SW_SIDE_PHONE &&
			    sw_addr_eq(&p->map[i].ep[p->sf], &first->copy.dst))
				inside = p->map[i].ep[p->pf];
		f->client = inside;
		f->server = first->copy.src;
		sw_fnd_fact(f, "direction", "server -> phone");
		sw_fnd_fact(f, "lost_to_phone", "%u", n);
		sw_fnd_fact(f, "delivered_to_phone", "%u", ok);
		sw_fnd_fact(f, "lost_to_server", "%u", s->lost[SW_DIR_TO_SERVER]);
		sw_fnd_fact(f, "delivered_to_server", "%u", s->delivered[SW_DIR_TO_SERVER]);
		sw_fnd_fact(f, "phone", "%s", sw_addr_fmt(&inside, s1));
		sw_fnd_fact(f, "public", "%s", sw_addr_fmt(&first->copy.dst, s2));
		f->variant = sw_addr_eq(&inside, &first->copy.dst) ? TV_NO_NAT : TV_DEFAULT;
		sw_fnd_fact(f, "server", "%s", sw_addr_fmt(&first->copy.src, s3));
		sw_fnd_fact(f, "clock_offset", "%+.6f s", secs(s->offset.offset_ns));
		sw_fnd_publish(a, f);
	}
	sw_map_free(&reqs);
}

struct fieldfact {
	const char *field, *key;
};

static const struct fieldfact field_facts[] = {
	{ "Via", "via" },
	{ "Contact", "contact" },
	{ "SDP c=", "sdp_c" },
	{ "SDP o=", "sdp_o" },
	{ "SDP m=", "sdp_m" },
	{ "Content-Length", "content_length" },
	{ "User-Agent", "user_agent" },
	{ "Request-Line", "request_line" },
	{ "Status-Line", "status_line" },
	{ "Record-Route", "record_route" },
	{ NULL, "other" },
};

static const char *fact_key(const char *field)
{
	size_t i;
	for (i = 0; field_facts[i].field; i++)
		if (strcmp(field_facts[i].field, field) == 0)
			break;
	return field_facts[i].key;
}

/* alg.rewrite / path_diff: the path changed SIP beyond what NAT traversal
 * does. One finding per account, with the first before/after of each field. */
void sw_pair_diff_findings(struct sw_analyze *a, struct sw_pair *p)
{
	uint32_t accts[MAX_FINDING_ACCOUNTS];
	size_t na = 0;
	for (size_t i = 0; i < p->nm; i++) {
		const struct sw_pair_match *m = &p->m[i];
		if (!m->rewrites)
			continue;
		size_t k;
		for (k = 0; k < na && accts[k] != m->account; k++)
			;
		if (k == na && na < MAX_FINDING_ACCOUNTS)
			accts[na++] = m->account;
	}
	for (size_t k = 0; k < na; k++) {
		bool created, translated = false;
		struct sw_finding *f = sw_fnd_open(a, SW_K_ALG_REWRITE, SW_C_PATH_DIFF, 0, accts[k],
						   UINT32_MAX, SW_SEV_WARNING, &created);
		f->suspected = false;
		struct sw_buf fields = SW_BUF_INIT;
		uint32_t changed = 0, total = 0;
		for (size_t i = 0; i < p->nm; i++) {
			const struct sw_pair_match *m = &p->m[i];
			if (m->account != accts[k])
				continue;
			total++;
			if (!m->rewrites)
				continue;
			changed++;
			int snd = m->dir == SW_DIR_TO_SERVER ? SW_SIDE_PHONE : SW_SIDE_SERVER;
			for (int s = 0; s < 2; s++) {
				const struct sw_pair_copy *c = &m->copy[s == 0 ? snd : 1 - snd];
				char lab[48];
				snprintf(lab, sizeof lab, "%.30s (%s)", m->label,
					 s == 0 ? "as sent" : "as received");
				evidence(f, c->file_idx, c->frame_no, c->ts_ns, c->msg_id, lab);
			}
			if (!f->client.family) {
				f->client = m->copy[SW_SIDE_PHONE].src;
				f->server = m->copy[SW_SIDE_PHONE].dst;
				if (m->dir == SW_DIR_TO_PHONE) {
					f->client = m->copy[SW_SIDE_PHONE].dst;
					f->server = m->copy[SW_SIDE_PHONE].src;
				}
			}
			for (size_t d = 0; d < m->n_diffs; d++) {
				const struct sw_pair_diff *x = &m->diffs[d];
				if (x->cls != SW_DIFF_REWRITE)
					continue;
				translated |= x->nat_translated;
				const char *key = fact_key(x->field);
				bool seen = false;
				for (size_t q = 0; q < f->n_facts; q++)
					seen |= strcmp(f->facts[q].key, key) == 0;
				if (seen || f->n_facts + 2 >= SW_FINDING_MAX_FACTS)
					continue;
				bool other = strcmp(key, "other") == 0;
				const char *absent = sw_an_tr(a, N_("(absent)"));
				sw_fnd_fact(f, key, "%s%s%s => %s", other ? x->field : "",
					    other ? ": " : "", x->before ? x->before : absent,
					    x->after ? x->after : absent);
				if (fields.len < 160)
					sw_buf_printf(&fields, "%s%s", fields.len ? ", " : "", x->field);
			}
		}
		sw_fnd_fact(f, "changed_messages", sw_an_tr(a, N_("%u of %u")), changed, total);
		sw_fnd_fact(f, "fields", "%s", fields.p ? fields.p : "-");
		f->variant = translated ? TV_TRANSLATED : TV_DEFAULT;
		sw_buf_free(&fields);
		sw_fnd_publish(a, f);
	}
}

