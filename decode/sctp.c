/* SIP over SCTP (RFC 4168): the common header and chunk walk of RFC 9260
 * sections 3.1-3.2, DATA chunks (section 3.3.1) that hold a whole user
 * message (B and E flags) delivered like a datagram. Fragmented user
 * messages are counted and skipped; the chunk walk is bounded. */
#include <string.h>

#include "decode/internal.h"

#define SCTP_DATA 0
#define SCTP_FLAG_B 0x02
#define SCTP_FLAG_E 0x01

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
				d->st.sctp_fragments++;
				d->fl_used = true;
			} else {
				sw_dec_datagram(d, data, dlen, short_chunk);
			}
		}
		if (short_chunk)
			return; /* the rest is not in the capture (already counted) */
		off += (clen + 3) & ~(size_t)3;
	}
}
