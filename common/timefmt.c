/* SPDX-License-Identifier: BSD-2-Clause */
/* Timestamp formatting (UTC, so reports do not depend on the reader's zone).
 * The civil date comes from days since the epoch by integer arithmetic
 * (H. Hinnant's days_from_civil inverse), not gmtime(): this runs for every
 * message and every time field printed. */
#include "common/timefmt.h"

#include <string.h>

static void split(int64_t ns, int64_t *sec, long *usec)
{
	int64_t s = ns / SW_NS_PER_SEC, r = ns % SW_NS_PER_SEC;
	if (r < 0) {
		r += SW_NS_PER_SEC;
		s--;
	}
	*sec = s;
	*usec = (long)(r / 1000);
}

/* Proleptic Gregorian date of a day count since 1970-01-01. */
static void civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static char *digits(char *p, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

const char *sw_time_iso(int64_t ns, char *buf)
{
	int64_t sec, y;
	long usec;
	unsigned mo, d;
	split(ns, &sec, &usec);
	int64_t days = sec / 86400, sod = sec % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	civil(days, &y, &mo, &d);
	char *p = buf;
	if (y < 0 || y > 9999) {
		/* outside what 4 digits hold: a broken clock, say so plainly */
		memcpy(p, "????", 4);
		p += 4;
	} else {
		p = digits(p, (unsigned)y, 4);
	}
	*p++ = '-';
	p = digits(p, mo, 2);
	*p++ = '-';
	p = digits(p, d, 2);
	*p++ = 'T';
	p = digits(p, (unsigned)(sod / 3600), 2);
	*p++ = ':';
	p = digits(p, (unsigned)(sod / 60 % 60), 2);
	*p++ = ':';
	p = digits(p, (unsigned)(sod % 60), 2);
	*p++ = '.';
	p = digits(p, (unsigned)usec, 6);
	*p++ = 'Z';
	*p = '\0';
	return buf;
}

const char *sw_time_hms(int64_t ns, char *buf)
{
	char iso[SW_TIMESTRLEN];
	sw_time_iso(ns, iso);
	/* "YYYY-MM-DDT" is 11 characters; the rest without the 'Z' */
	size_t n = strlen(iso + 11) - 1;
	memcpy(buf, iso + 11, n);
	buf[n] = '\0';
	return buf;
}
