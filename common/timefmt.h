/* SPDX-License-Identifier: BSD-2-Clause */
/* Capture timestamps: nanoseconds since the Unix epoch, UTC. */
#ifndef SW_COMMON_TIMEFMT_H
#define SW_COMMON_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define SW_NS_PER_SEC INT64_C(1000000000)
#define SW_NS_PER_MS INT64_C(1000000)

/* "2024-05-01T10:20:30.123456Z" (microseconds); buf of SW_TIMESTRLEN. */
#define SW_TIMESTRLEN 64
const char *sw_time_iso(int64_t ns, char *buf);
/* "10:20:30.123456" for compact tables. */
const char *sw_time_hms(int64_t ns, char *buf);

#endif
