/* SPDX-License-Identifier: BSD-2-Clause */
/* The text of one row of the list (type, name, addresses, state, badge ...),
 * made from the analysis when the row is drawn or sorted: the list keeps
 * only small rows (tui_row), so a capture of 100,000 phones costs no text
 * until it is on screen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "tui/tui_int.h"

static char *wire_dup(const char *s)
{
	struct sw_buf b = SW_BUF_INIT;
	tui_wire_c(&b, s ? s : "");
	return b.p;
}

static char *strip_sip(const char *uri)
{
	struct sw_buf b = SW_BUF_INIT;
	if (uri && (strncmp(uri, "sip:", 4) == 0))
		uri += 4;
	tui_wire_c(&b, uri ? uri : "-");
	return b.p;
}

static char *pair_text(const char *a, const char *b)
{
	struct sw_buf buf = SW_BUF_INIT;
	char *x = strip_sip(a), *y = strip_sip(b);
	sw_buf_printf(&buf, "%s -> %s", x, y);
	free(x);
	free(y);
	return buf.p;
}

static char *addr_pair(const struct sw_addr *a, const struct sw_addr *b)
{
	char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
	struct sw_buf buf = SW_BUF_INIT;
	sw_buf_printf(&buf, "%s -> %s", a->family ? sw_addr_fmt(a, s1) : "-",
	              b->family ? sw_addr_fmt(b, s2) : "-");
	return buf.p;
}

static void account_cells(struct tui *t, const struct tui_row *r, const struct sw_item *it,
                          struct tui_cells *c)
{
	struct sw_account_buf abuf;
	const struct sw_account *ac = sw_analyze_account(t->an, it->ref, &abuf);
	bool flapping = r->flags & TUI_ROW_FLAPPING;
	snprintf(c->type, sizeof c->type, "REGISTER");
	c->name = strip_sip(ac ? ac->aor : NULL);
	c->addr = ac ? addr_pair(&ac->client, &ac->registrar) : sw_strdup("");
	c->ua = wire_dup(ac ? ac->user_agent : NULL);
	c->callid = sw_strdup("");
	c->first_ns = ac ? ac->first_ns : 0;
	if (!ac)
		return;
	enum sw_reg_state s = ac->state;
	int status = ac->n_changes ? ac->changes[ac->n_changes - 1].status : 0;
	if (flapping) {
		snprintf(c->state, sizeof c->state, "%s", tui_tr(t, "flapping"));
		c->state_role = TR_WARNING;
	} else if (s == SW_REG_FAILED && status) {
		snprintf(c->state, sizeof c->state, "%s %d", tui_tr(t, sw_reg_state_name(s)), status);
	} else {
		snprintf(c->state, sizeof c->state, "%s", tui_tr(t, sw_reg_state_name(s)));
	}
	if (!flapping) {
		if (s == SW_REG_REGISTERED || s == SW_REG_REFRESHING)
			c->state_role = TR_OK;
		else if (s == SW_REG_FAILED || s == SW_REG_EXPIRED)
			c->state_role = TR_ERROR;
		else if (s == SW_REG_REGISTERING)
			c->state_role = TR_WARNING;
	}
}

/* A dialog, an OPTIONS group, or an item retired since the list was built
 * (bounded mode), which shows as OTHER. */
static void dialog_cells(struct tui *t, const struct sw_item *it, struct tui_cells *c)
{
	const struct sw_dialog *d = it ? sw_analyze_dialog(t->an, it->ref) : NULL;
	bool options = it && it->kind == SW_ITEM_OPTIONS;
	c->ua = sw_strdup("");
	c->callid = wire_dup(d && !options ? d->call_id : NULL);
	c->first_ns = d ? d->first_ns : 0;
	if (options && d) {
		snprintf(c->type, sizeof c->type, "OPTIONS");
		c->name = addr_pair(&d->caller, &d->callee);
		c->addr = addr_pair(&d->caller, &d->callee);
		snprintf(c->state, sizeof c->state, tui_tr(t, "%u/%u answered"), d->n_answered,
		         d->n_requests);
		c->state_role = d->n_unanswered ? TR_WARNING : TR_OK;
	} else if (d) {
		struct sw_buf b = SW_BUF_INIT;
		tui_wire_c(&b, d->method);
		snprintf(c->type, sizeof c->type, "%s", b.p);
		sw_buf_free(&b);
		c->name = pair_text(d->from, d->to);
		c->addr = addr_pair(&d->caller, &d->callee);
		const char *sn = tui_tr(t, sw_dialog_state_name(d->state));
		if (d->final_status && (d->state == SW_DLG_FAILED || d->state == SW_DLG_CANCELLED))
			snprintf(c->state, sizeof c->state, "%s %d", sn, d->final_status);
		else
			snprintf(c->state, sizeof c->state, "%s", sn);
		if (d->state == SW_DLG_FAILED)
			c->state_role = TR_ERROR;
		else if (d->state == SW_DLG_CONFIRMED || d->state == SW_DLG_TERMINATED)
			c->state_role = TR_OK;
	} else {
		snprintf(c->type, sizeof c->type, "%s", tui_tr(t, "OTHER"));
		c->name = sw_strdup("-");
		c->addr = sw_strdup("");
	}
}

/* A finding tied to no account or dialog: a row of its own. */
static void finding_cells(struct tui *t, const struct sw_finding *f, struct tui_cells *c)
{
	snprintf(c->type, sizeof c->type, "%s", tui_tr(t, "FINDING"));
	char *summary = sw_finding_summary(t->an, f);
	c->name = wire_dup(summary);
	free(summary);
	struct sw_buf b = SW_BUF_INIT;
	char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
	if (f->client.family || f->server.family)
		sw_buf_printf(&b, "%s -> %s", f->client.family ? sw_addr_fmt(&f->client, s1) : "-",
		              f->server.family ? sw_addr_fmt(&f->server, s2) : "-");
	c->addr = b.p ? b.p : sw_strdup("");
	c->ua = sw_strdup("");
	c->callid = sw_strdup("");
	snprintf(c->state, sizeof c->state, "%s",
	         tui_trc(t, "severity", sw_severity_name(f->severity)));
	c->state_role = tui_sev_role(f->severity);
	c->first_ns = f->first_ns != INT64_MAX ? f->first_ns : 0;
	c->last_ns = f->first_ns != INT64_MAX ? f->last_ns : 0;
	c->sev = (int)f->severity;
	c->resolved = f->resolved;
	snprintf(c->badge, sizeof c->badge, "[%s] %s", tui_sev_letter(f->severity),
	         tui_kind_short(t, sw_kind_name(f->kind)));
}

void tui_row_cells(struct tui *t, const struct tui_row *r, int64_t unassigned_last,
                   struct tui_cells *c)
{
	memset(c, 0, sizeof *c);
	c->sev = -1;
	c->state_role = TR_NORMAL;
	if (r->item == TUI_ITEM_UNASSIGNED) {
		snprintf(c->type, sizeof c->type, "%s", tui_tr(t, "OTHER"));
		c->name = sw_strdup(tui_tr(t, "outside any dialog: malformed, ICMP, keepalives"));
		c->addr = sw_strdup("");
		c->ua = sw_strdup("");
		c->callid = sw_strdup("");
		snprintf(c->state, sizeof c->state, "-");
		c->last_ns = unassigned_last;
		return;
	}
	if (tui_item_is_finding(r->item)) {
		const struct sw_finding *f =
		    sw_analyze_finding(t->an, r->item & ~TUI_ITEM_FINDING_BIT);
		if (f) {
			finding_cells(t, f, c);
			return;
		}
	}
	const struct sw_item *it = sw_analyze_item(t->an, r->item);
	if (it)
		c->last_ns = it->last_ns;
	if (it && it->kind == SW_ITEM_ACCOUNT)
		account_cells(t, r, it, c);
	else
		dialog_cells(t, it, c);
	const struct sw_finding *w =
	    r->worst != UINT32_MAX ? sw_analyze_finding(t->an, r->worst) : NULL;
	if (w) {
		c->sev = (int)w->severity;
		c->resolved = w->resolved;
		snprintf(c->badge, sizeof c->badge, "[%s] %s%s", tui_sev_letter(w->severity),
		         tui_kind_short(t, sw_kind_name(w->kind)),
		         (r->flags & TUI_ROW_MORE) ? " +" : "");
	}
}

void tui_cells_free(struct tui_cells *c)
{
	free(c->name);
	free(c->addr);
	free(c->ua);
	free(c->callid);
	c->name = c->addr = c->ua = c->callid = NULL;
}
