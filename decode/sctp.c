/* SPDX-License-Identifier: BSD-2-Clause */
/* SIP over SCTP (RFC 4168): the common header and chunk walk of RFC 9260
 * sections 3.1-3.2, DATA chunks (section 3.3.1) that hold a whole user
 * message (B and E flags) delivered like a datagram, and user messages
 * fragmented over several DATA chunks (section 6.9) reassembled when their
 * TSNs arrive in order. The chunk walk and the reassembly are bounded. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "decode/internal.h"

#define SCTP_DATA 0
#define SCTP_FLAG_B 0x02
#define SCTP_FLAG_E 0x01

/* One fragmented user message of an association direction and stream. */
struct sw_sctp_pending {
	uint32_t next_tsn;    /* TSN the next fragment must carry */
	uint64_t first_frame;
	size_t len;
	uint8_t buf[];        /* SW_MAX_SIP_MSG bytes */
};

struct sctp_key {
	struct sw_addr src, dst;
	uint16_t stream;
};

static struct sctp_key key_of(const struct sw_decode *d, uint16_t stream)
{
	struct sctp_key k;
	memset(&k, 0, sizeof k);
	k.src = d->pkt.src;
	k.dst = d->pkt.dst;
	k.stream = stream;
	return k;
}

/* Fragment handling: B opens, middle and E append when the TSN follows, E
 * delivers. Anything out of order, over the size limit or over the table
 * limit drops the message (counted in sctp_fragments and limit_drops). */
static void fragment(struct sw_decode *d, uint8_t flags, uint32_t tsn, uint16_t stream,
		     const uint8_t *data, size_t dlen)
{
	struct sctp_key k = key_of(d, stream);
	struct sw_sctp_pending *pm = sw_map_get(&d->sctp, &k, sizeof k);
	d->st.sctp_fragments++;
	d->fl_used = true;
	if (flags & SCTP_FLAG_B) {
		if (!pm) {
			if (d->sctp.count >= SW_MAX_SCTP_PENDING) {
				d->st.limit_drops++;
				return;
			}
			pm = sw_malloc(sizeof *pm + SW_MAX_SIP_MSG);
			sw_map_put(&d->sctp, &k, sizeof k, pm);
		}
		pm->len = 0;
		pm->first_frame = d->pkt.frame_no;
	} else if (!pm || tsn != pm->next_tsn) {
		if (pm)
			free(sw_map_take(&d->sctp, &k, sizeof k));
		return;
	}
	if (dlen > SW_MAX_SIP_MSG - pm->len) {
		d->st.sip_oversize++;
		free(sw_map_take(&d->sctp, &k, sizeof k));
		return;
	}
	memcpy(pm->buf + pm->len, data, dlen);
	pm->len += dlen;
	pm->next_tsn = tsn + 1;
	if (!(flags & SCTP_FLAG_E))
		return;
	pm = sw_map_take(&d->sctp, &k, sizeof k);
	d->pkt.first_frame_no = pm->first_frame;
	d->pkt.payload_len = (uint32_t)pm->len;
	sw_dec_datagram(d, pm->buf, pm->len, false);
	free(pm);
}

void sw_sctp_free(struct sw_decode *d)
{
	sw_map_free(&d->sctp);
}


void sw_sctp_decode(struct sw_decode *d, const uint8_t *p, size_t len, bool cut)
{
	if (len < 12) {
		if (cut)
			d->fl_trunc = true;
		else
			d->fl_bad = true;
		return;
	}
	d->pkt.src.port = sw_rd16(p);
	d->pkt.dst.port = sw_rd16(p + 2);
	d->pkt.transport = SW_TP_SCTP;
	size_t off = 12;
	for (unsigned n = 0; off + 4 <= len; n++) {
		if (n == SW_MAX_SCTP_CHUNKS) {
			d->st.limit_drops++;
			d->fl_used = true;
			return;
		}
		uint8_t type = p[off], flags = p[off + 1];
		size_t clen = sw_rd16(p + off + 2);
		if (clen < 4) {
			d->fl_bad = true;
			return;
		}
		bool short_chunk = clen > len - off;
		if (short_chunk && !cut) {
			d->fl_bad = true;
			return;
		}
		if (type == SCTP_DATA) {
			size_t have = short_chunk ? len - off : clen;
			if (have < 16) {
				if (!short_chunk)
					d->fl_bad = true;
				return;
			}
			const uint8_t *data = p + off + 16;
			size_t dlen = have - 16;
			d->pkt.payload_len = (uint32_t)dlen;
			if ((flags & (SCTP_FLAG_B | SCTP_FLAG_E)) != (SCTP_FLAG_B | SCTP_FLAG_E)) {
				if (!short_chunk)
					fragment(d, flags, sw_rd32(p + off + 4), sw_rd16(p + off + 8),
						 data, dlen);
				else
					d->st.sctp_fragments++;
			} else {
				sw_dec_datagram(d, data, dlen, short_chunk);
			}
		}
		if (short_chunk)
			return; /* the rest is not in the capture (already counted) */
		off += (clen + 3) & ~(size_t)3;
	}
}
