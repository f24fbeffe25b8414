/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to capture/ (and its unit tests): the -w ring buffer, tcpdump's
 * -C, -G and -W over the pcap writer. */
#ifndef SW_RING_H
#define SW_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "capture/capture.h"

struct sw_ring;

/* File name number `cnt` of the ring, exactly as tcpdump names them
 * (MakeFilename): the -w name, through strftime(3) on the local time t when
 * -G is on; then, when -C is on, the number, zero-padded to the digits of
 * W-1 when -W is given, left off for the first file when it is not
 * ("x.pcap", "x.pcap1", "x.pcap2" ...; -W 10: "x.pcap0" ... "x.pcap9").
 * Returns 0, or -1 when the name is empty or longer than outlen - 1. */
int sw_ring_name(char *out, size_t outlen, const char *pattern, const struct sw_ring_opts *o,
		 time_t t, uint32_t cnt);

/* Opens the first file (its name from the time `now`). linktype < 0: taken
 * from the first frame. NULL with a line in err ("x.pcap: cannot create:
 * Permission denied") and *errnum set to the errno of the failure (0 when
 * it was not a system call's). */
struct sw_ring *sw_ring_open(const char *pattern, const struct sw_ring_opts *o, int linktype,
			     int snaplen, bool nanosecond, time_t now, char *err, size_t errlen,
			     int *errnum);

#define SW_RING_OK 0
#define SW_RING_ERROR (-1) /* a file could not be opened or written: sw_ring_error() */
#define SW_RING_FULL 1     /* -G with -W and no -C: the -W files are done; the frame
			    * was not written (tcpdump stops there) */

/* Writes f, first moving to the next file when -G's interval has passed at
 * time `now` (seconds; the frame's) or the current file is over -C. */
int sw_ring_write(struct sw_ring *r, const struct sw_frame *f, time_t now);
/* The link type of the files (-1 until known). */
int sw_ring_linktype(const struct sw_ring *r);
/* The name of the file being written. */
const char *sw_ring_current(const struct sw_ring *r);
/* Files opened so far (names reused by -W count again). */
uint64_t sw_ring_files(const struct sw_ring *r);
const char *sw_ring_error(const struct sw_ring *r);
/* Closes the current file; -1 if a write to it failed. Frees r. */
int sw_ring_close(struct sw_ring *r);

#endif
