/* SPDX-License-Identifier: BSD-2-Clause */
/* Message catalogs for user-facing text (findings, advice, report, TUI).
 * English is the source language; the Chinese catalog is po/zh_CN.po, compiled
 * by msgfmt at build time and embedded in the binary, so a phone without
 * installed locales still gets Chinese advice. A catalog is immutable once
 * loaded; pass it explicitly to whoever formats text. */
#ifndef SW_PO_I18N_H
#define SW_PO_I18N_H

#include <stdbool.h>

struct sw_catalog;

/* Pick the catalog for `lang` ("en", "zh", "zh_CN.UTF-8" ...), or from the
 * environment when lang is NULL (LANGUAGE, LC_ALL, LC_MESSAGES, LANG: the
 * first that is set and non-empty decides; "zh*" selects Chinese). Returns
 * NULL for English. The caller owns it (sw_catalog_free). */
const struct sw_catalog *sw_catalog_pick(const char *lang);

/* Frees a catalog from sw_catalog_pick (NULL is fine). */
void sw_catalog_free(const struct sw_catalog *c);

/* Translation of msgid, or msgid itself when there is none. */
const char *sw_tr(const struct sw_catalog *c, const char *msgid) __attribute__((format_arg(2)));

bool sw_catalog_is_zh(const struct sw_catalog *c);

/* Marks a string for extraction by xgettext without translating it. */
#define N_(s) (s)

#endif
