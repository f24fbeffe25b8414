/* SPDX-License-Identifier: BSD-2-Clause */
/* JSON fields shared by the writers: each appends ,"key":value (docs/json.md). */
#include "cli/cli.h"

#include "common/timefmt.h"

void sw_json_time(struct sw_buf *b, const char *key, int64_t ns)
{
	char t[SW_TIMESTRLEN];
	sw_buf_put_key(b, key);
	if (ns == INT64_MAX || ns == INT64_MIN || ns == 0) {
		sw_buf_puts(b, "null");
		return;
	}
	sw_buf_putc(b, '"');
	sw_buf_puts(b, sw_time_iso(ns, t));
	sw_buf_putc(b, '"');
}

void sw_json_cstr(struct sw_buf *b, const char *key, const char *s)
{
	sw_buf_put_key(b, key);
	sw_buf_put_json_str(b, s ? sw_str_c(s) : SW_STR_NULL);
}

void sw_json_endpoint(struct sw_buf *b, const char *key, const struct sw_addr *a)
{
	char s[SW_ADDRSTRLEN];
	sw_buf_put_key(b, key);
	if (!a->family) {
		sw_buf_puts(b, "null");
		return;
	}
	sw_buf_putc(b, '"');
	sw_buf_puts(b, sw_addr_fmt(a, s));
	sw_buf_putc(b, '"');
}

void sw_json_lit(struct sw_buf *b, const char *key, const char *lit)
{
	sw_buf_put_key(b, key);
	sw_buf_putc(b, '"');
	sw_buf_puts(b, lit);
	sw_buf_putc(b, '"');
}

void sw_json_uint(struct sw_buf *b, const char *key, uint64_t v)
{
	sw_buf_put_key(b, key);
	sw_buf_put_u64(b, v);
}

void sw_json_secs(struct sw_buf *b, const char *key, int64_t ns)
{
	sw_buf_put_key(b, key);
	if (ns < 0) {
		sw_buf_putc(b, '-');
		ns = -ns;
	}
	int64_t ms = ns / 1000000;
	sw_buf_put_u64(b, (uint64_t)(ms / 1000));
	char frac[4] = { '.', (char)('0' + ms / 100 % 10), (char)('0' + ms / 10 % 10),
			 (char)('0' + ms % 10) };
	sw_buf_put(b, frac, 4);
}
