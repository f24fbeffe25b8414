/* Timestamp formatting (UTC, so reports do not depend on the reader's zone). */
#include "common/timefmt.h"

#include <stdio.h>
#include <time.h>

static void split(int64_t ns, time_t *sec, long *usec)
{
	int64_t s = ns / SW_NS_PER_SEC, r = ns % SW_NS_PER_SEC;
	if (r < 0) {
		r += SW_NS_PER_SEC;
		s--;
	}
	*sec = (time_t)s;
	*usec = (long)(r / 1000);
}

const char *sw_time_iso(int64_t ns, char *buf)
{
	time_t sec;
	long usec;
	struct tm tm;
	split(ns, &sec, &usec);
	if (!gmtime_r(&sec, &tm)) {
		snprintf(buf, SW_TIMESTRLEN, "%lld", (long long)ns);
		return buf;
	}
	snprintf(buf, SW_TIMESTRLEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	return buf;
}

const char *sw_time_hms(int64_t ns, char *buf)
{
	time_t sec;
	long usec;
	struct tm tm;
	split(ns, &sec, &usec);
	if (!gmtime_r(&sec, &tm)) {
		snprintf(buf, SW_TIMESTRLEN, "%lld", (long long)ns);
		return buf;
	}
	snprintf(buf, SW_TIMESTRLEN, "%02d:%02d:%02d.%06ld", tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	return buf;
}
