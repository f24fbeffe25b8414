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

/* A text with a count: msgid for n == 1 in English, msgid_plural for any
 * other n; with a catalog, its translation (Chinese has one form). */
const char *sw_trn(const struct sw_catalog *c, const char *msgid, const char *msgid_plural,
                   unsigned long long n) __attribute__((format_arg(2), format_arg(3)));

/* Translation of msgid in a context (gettext's msgctxt), for short words
 * whose translation depends on where they stand: a fact's key, an ICMP
 * kind, a finding's badge. msgid itself when there is none. */
const char *sw_trc(const struct sw_catalog *c, const char *ctx, const char *msgid)
    __attribute__((format_arg(3)));
/* True when sw_trc() has a translation (the word is one of ours). */
bool sw_trc_has(const struct sw_catalog *c, const char *ctx, const char *msgid);

bool sw_catalog_is_zh(const struct sw_catalog *c);

/* Marks a string for extraction by xgettext without translating it. */
#define N_(s) (s)
/* The same, in a context (xgettext --keyword=NC_:1c,2). */
#define NC_(ctx, s) (s)

#endif
