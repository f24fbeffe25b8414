/* SPDX-License-Identifier: BSD-2-Clause */
/* Which list items (accounts, dialogs, OPTIONS groups) a selection names:
 * the TUI's display filter (/ and F7) and the command line's --aor,
 * --call-id and --select, with one meaning. Every non-empty field must
 * match, as a case-insensitive substring: aor (the account's AOR, a dialog's
 * From or To), callid (a dialog's Call-ID or any Call-ID line of the item's
 * kept texts), addr (any address of the item), method, and text (any field
 * of the item or of its findings' kinds, causes and summaries). */
#ifndef SW_VIEW_SELECT_H
#define SW_VIEW_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/analyze.h"

#define SW_SELECT_MAX 128u                 /* bytes of one field */
#define SW_SELECT_UNASSIGNED (UINT32_MAX - 1) /* pseudo item: messages of no item */

struct sw_select {
	char text[SW_SELECT_MAX];
	char aor[SW_SELECT_MAX];
	char callid[SW_SELECT_MAX];
	char addr[SW_SELECT_MAX];
	char method[SW_SELECT_MAX];
};

/* True when no field is set (everything matches). */
bool sw_select_empty(const struct sw_select *s);
/* The TUI's filter syntax: "aor:X", "callid:X" (or "call-id:X"), "addr:X",
 * "method:X" set that field, anything else is free text. Returns 0, or -1
 * when the value is longer than SW_SELECT_MAX - 1 bytes. */
int sw_select_parse(struct sw_select *s, const char *expr);
/* Does list item `item` (or SW_SELECT_UNASSIGNED) match? */
bool sw_select_match(const struct sw_analyze *an, const struct sw_select *s, uint32_t item);
/* Does finding `fid`, one that belongs to no account or dialog (the view's
 * finding rows), match? Only addr and text can; aor, callid and method
 * exclude it. */
bool sw_select_match_finding(const struct sw_analyze *an, const struct sw_select *s, uint32_t fid);

#endif
