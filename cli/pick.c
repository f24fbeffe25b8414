/* SPDX-License-Identifier: BSD-2-Clause */
/* The list items the artefacts (--ladder, --html, -w --annotate) cover:
 * those the selection names (--aor, --call-id, --select, with the TUI's
 * filter semantics: view/select.h), else every item with a finding, in list
 * order, and the messages of no item when a finding points at them. */
#include <stdlib.h>

#include "cli/cli.h"
#include "common/mem.h"
#include "view/ladder.h"

size_t sw_app_items_with_findings(struct sw_app *app, uint32_t **items)
{
	size_t ni = sw_analyze_nitems(app->an), n = 0;
	uint32_t *v = sw_malloc((ni + 1) * sizeof *v);
	uint8_t *has = sw_calloc(ni + 1, 1);
	bool orphan = false;
	for (size_t i = 0; i < sw_analyze_nfindings(app->an); i++) {
		const struct sw_finding *f = sw_analyze_finding(app->an, i);
		if (!sw_ladder_finding_live(f))
			continue;
		uint32_t it = sw_ladder_finding_item(app->an, f);
		if (it < ni) {
			has[it] = 1;
			continue;
		}
		/* A finding of no item: its evidence may be messages of no item. */
		for (size_t e = 0; e < f->n_evidence && !orphan; e++) {
			struct sw_msg m_rec;
			const struct sw_msg *m = sw_analyze_msg(app->an, f->evidence[e].msg_id, &m_rec);
			orphan = m && m->item == UINT32_MAX;
		}
	}
	for (size_t i = 0; i < ni; i++)
		if (has[i] && sw_analyze_item(app->an, i))
			v[n++] = (uint32_t)i;
	if (orphan)
		v[n++] = SW_LADDER_UNASSIGNED;
	free(has);
	*items = v;
	return n;
}

size_t sw_app_items(struct sw_app *app, uint32_t **items, bool *named)
{
	const struct sw_select *sel = &app->opts->sel;
	*named = !sw_select_empty(sel);
	if (!*named)
		return sw_app_items_with_findings(app, items);
	size_t ni = sw_analyze_nitems(app->an), n = 0;
	uint32_t *v = sw_malloc((ni + 1) * sizeof *v);
	for (size_t i = 0; i < ni; i++)
		if (sw_analyze_item(app->an, i) && sw_select_match(app->an, sel, (uint32_t)i))
			v[n++] = (uint32_t)i;
	*items = v;
	return n;
}
