/* SPDX-License-Identifier: BSD-2-Clause */
/* Item selection (view/select.h), moved from the TUI's list filter. */
#include "view/select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "view/ladder.h"

bool sw_select_empty(const struct sw_select *f)
{
	return !f->text[0] && !f->aor[0] && !f->callid[0] && !f->addr[0] && !f->method[0];
}

int sw_select_parse(struct sw_select *f, const char *text)
{
	static const struct {
		const char *prefix;
		size_t off;
	} pf[] = {{"aor:", offsetof(struct sw_select, aor)},
	          {"callid:", offsetof(struct sw_select, callid)},
	          {"call-id:", offsetof(struct sw_select, callid)},
	          {"addr:", offsetof(struct sw_select, addr)},
	          {"method:", offsetof(struct sw_select, method)}};
	char *dst = f->text;
	for (size_t i = 0; i < sizeof pf / sizeof pf[0]; i++) {
		size_t pl = strlen(pf[i].prefix);
		if (strncasecmp(text, pf[i].prefix, pl) == 0) {
			dst = (char *)f + pf[i].off;
			text += pl;
			break;
		}
	}
	if (strlen(text) >= SW_SELECT_MAX)
		return -1;
	snprintf(dst, SW_SELECT_MAX, "%s", text);
	return 0;
}

static bool has(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

/* Whether f's summary (made now: findings keep no texts) holds needle. */
static bool summary_has(const struct sw_analyze *an, const struct sw_finding *f, const char *needle)
{
	char *s = sw_finding_summary(an, f);
	bool yes = has(s, needle);
	free(s);
	return yes;
}

static bool has_addr(const struct sw_addr *a, const char *needle)
{
	char s[SW_ADDRSTRLEN];
	return a->family && has(sw_addr_fmt(a, s), needle);
}

/* Call-ID of the item's messages (accounts keep no Call-ID of their own):
 * look at the Call-ID / i header lines of the kept texts. */
static bool callid_in_msgs(const struct sw_analyze *an, const struct sw_item *it, const char *needle)
{
	size_t nm = it->n_ids;
	size_t nl = strlen(needle);
	for (size_t j = 0; j < nm; j++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(an, it->msgs[j], &m_rec);
		if (!m || !m->raw)
			continue;
		const char *p = m->raw, *end = m->raw + m->raw_len;
		while (p < end) {
			const char *eol = memchr(p, '\n', (size_t)(end - p));
			if (!eol)
				eol = end;
			if (eol == p || (eol == p + 1 && *p == '\r'))
				break; /* end of headers */
			size_t ll = (size_t)(eol - p);
			bool cid = (ll > 8 && strncasecmp(p, "Call-ID:", 8) == 0) ||
			           (ll > 2 && strncasecmp(p, "i:", 2) == 0);
			if (cid) {
				for (size_t k = 0; k + nl <= ll; k++)
					if (strncasecmp(p + k, needle, nl) == 0)
						return true;
			}
			p = eol + 1;
		}
	}
	return false;
}

static bool findings_text(const struct sw_analyze *an, uint32_t item, const char *needle)
{
	for (size_t i = 0; i < sw_analyze_nfindings(an); i++) {
		const struct sw_finding *f = sw_analyze_finding(an, i);
		if (!sw_ladder_finding_live(f) || sw_ladder_finding_item(an, f) != item)
			continue;
		if (has(sw_kind_name(f->kind), needle) || has(sw_finding_cause(f), needle) || summary_has(an, f, needle))
			return true;
	}
	return false;
}

static bool unassigned_match(const struct sw_analyze *an, const struct sw_select *f)
{
	if (f->aor[0] || f->callid[0] || f->method[0])
		return false;
	size_t nm = sw_analyze_nmsgs(an);
	for (size_t id = 0; id < nm; id++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(an, (uint32_t)id, &m_rec);
		if (!m || m->item != UINT32_MAX)
			continue;
		bool ok = true;
		if (f->addr[0])
			ok = has_addr(&m->src, f->addr) || has_addr(&m->dst, f->addr);
		if (ok && f->text[0])
			ok =
			    has(m->label, f->text) || has(m->raw, f->text) || has("OTHER", f->text);
		if (ok)
			return true;
	}
	return false;
}

bool sw_select_match_finding(const struct sw_analyze *an, const struct sw_select *f, uint32_t fid)
{
	if (sw_select_empty(f))
		return true;
	const struct sw_finding *fd = sw_analyze_finding(an, fid);
	if (!fd || f->aor[0] || f->callid[0] || f->method[0])
		return false;
	if (f->addr[0] && !has_addr(&fd->client, f->addr) && !has_addr(&fd->server, f->addr))
		return false;
	return !f->text[0] || has(sw_kind_name(fd->kind), f->text) ||
	       has(sw_finding_cause(fd), f->text) || summary_has(an, fd, f->text);
}

bool sw_select_match(const struct sw_analyze *an, const struct sw_select *f, uint32_t item)
{
	if (!f->text[0] && !f->aor[0] && !f->callid[0] && !f->addr[0] && !f->method[0])
		return true;
	if (item == SW_SELECT_UNASSIGNED)
		return unassigned_match(an, f);
	const struct sw_item *it = sw_analyze_item(an, item);
	if (!it)
		return false;
	const struct sw_account *ac = NULL;
	const struct sw_dialog *d = NULL;
	struct sw_account_buf abuf;
	if (it->kind == SW_ITEM_ACCOUNT)
		ac = sw_analyze_account(an, it->ref, &abuf);
	else
		d = sw_analyze_dialog(an, it->ref);
	if (f->aor[0]) {
		bool ok =
		    ac ? has(ac->aor, f->aor) : d && (has(d->from, f->aor) || has(d->to, f->aor));
		if (!ok)
			return false;
	}
	if (f->callid[0]) {
		bool ok = (d && has(d->call_id, f->callid)) || callid_in_msgs(an, it, f->callid);
		if (!ok)
			return false;
	}
	if (f->addr[0]) {
		bool ok = false;
		if (ac) {
			ok = has_addr(&ac->client, f->addr) || has_addr(&ac->registrar, f->addr);
			for (size_t i = 0; !ok && i < ac->n_public; i++)
				ok = has_addr(&ac->public_addrs[i].addr, f->addr);
		} else if (d) {
			ok = has_addr(&d->caller, f->addr) || has_addr(&d->callee, f->addr);
		}
		if (!ok)
			return false;
	}
	const char *method = ac ? "REGISTER" : (d ? d->method : "OTHER");
	if (f->method[0] && !has(method, f->method))
		return false;
	if (f->text[0]) {
		const char *x = f->text;
		bool ok = has(method, x) || findings_text(an, item, x);
		if (!ok && ac) {
			ok = has(ac->aor, x) || has(ac->user_agent, x) || has(ac->server, x) ||
			     has(ac->contact, x) || has(sw_reg_state_name(ac->state), x) ||
			     has_addr(&ac->client, x) || has_addr(&ac->registrar, x);
			for (size_t i = 0; !ok && i < ac->n_public; i++)
				ok = has_addr(&ac->public_addrs[i].addr, x);
		}
		if (!ok && d)
			ok = has(d->call_id, x) || has(d->from, x) || has(d->to, x) ||
			     has(sw_dialog_state_name(d->state), x) || has_addr(&d->caller, x) ||
			     has_addr(&d->callee, x);
		if (!ok)
			ok = callid_in_msgs(an, it, x);
		if (!ok)
			return false;
	}
	return true;
}

