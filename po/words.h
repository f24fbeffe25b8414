/* SPDX-License-Identifier: BSD-2-Clause */
/* The analysis's own words inside its results (fact keys and some values,
 * ICMP kinds, evidence labels) in the catalog's language. With no catalog
 * (English) everything comes out as the analysis wrote it. */
#ifndef SW_PO_WORDS_H
#define SW_PO_WORDS_H

#include "common/buf.h"
#include "po/i18n.h"

/* The label of a fact's key ("requests_sent" -> "已发送请求"). */
const char *sw_tr_fact(const struct sw_catalog *c, const char *key);
/* Appends a fact's value: translated when it is one of our words ("yes",
 * an ICMP kind, "3 of 10"), else the value escaped for a terminal. */
void sw_tr_fact_value(const struct sw_catalog *c, const char *key, const char *value,
                      struct sw_buf *out);
/* Appends an evidence or message label ("ICMP port_unreachable",
 * "REGISTER (retransmission 3)", "403 Forbidden (as sent)", "DNS query")
 * with our words translated and the wire's escaped for a terminal. */
void sw_tr_label(const struct sw_catalog *c, const char *label, struct sw_buf *out);

#endif
