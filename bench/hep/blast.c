/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * blast - HEP v3 load for the sipwatch -L benchmark (bench/hep/run.sh).
 *
 *   blast -r RATE -n N [-t] HOST PORT
 *
 * Sends N SIP messages as HEP v3 packets at RATE messages per second (UDP,
 * paced with sendmmsg in 1 ms slices) or as fast as TCP takes them (-t,
 * RATE ignored). The traffic is N/4 phones registering: REGISTER, 401 with a
 * Digest challenge, REGISTER with credentials, 200 OK, each phone with its own
 * address and Call-ID, timestamps advancing at RATE (the capture time sipwatch
 * runs its timers on). Prints "sent=N seconds=S rate=R".
 * Written for the benchmark only: no dependency but libc.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static size_t put_chunk(uint8_t *p, uint16_t type, const void *v, size_t n)
{
	uint16_t len = (uint16_t)(n + 6);
	p[0] = 0;
	p[1] = 0;
	p[2] = (uint8_t)(type >> 8);
	p[3] = (uint8_t)type;
	p[4] = (uint8_t)(len >> 8);
	p[5] = (uint8_t)len;
	memcpy(p + 6, v, n);
	return 6 + n;
}

static size_t hep(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp,
		  uint64_t ts_us, const char *sip, size_t len)
{
	size_t o = 6;
	uint8_t b1;
	uint16_t b2;
	uint32_t b4;
	b1 = 2;
	o += put_chunk(out + o, 1, &b1, 1);
	b1 = 17;
	o += put_chunk(out + o, 2, &b1, 1);
	b4 = htonl(src);
	o += put_chunk(out + o, 3, &b4, 4);
	b4 = htonl(dst);
	o += put_chunk(out + o, 4, &b4, 4);
	b2 = htons(sp);
	o += put_chunk(out + o, 7, &b2, 2);
	b2 = htons(dp);
	o += put_chunk(out + o, 8, &b2, 2);
	b4 = htonl((uint32_t)(ts_us / 1000000));
	o += put_chunk(out + o, 9, &b4, 4);
	b4 = htonl((uint32_t)(ts_us % 1000000));
	o += put_chunk(out + o, 10, &b4, 4);
	b1 = 1;
	o += put_chunk(out + o, 11, &b1, 1);
	b4 = htonl(2001);
	o += put_chunk(out + o, 12, &b4, 4);
	o += put_chunk(out + o, 15, sip, len);
	memcpy(out, "HEP3", 4);
	out[4] = (uint8_t)(o >> 8);
	out[5] = (uint8_t)o;
	return o;
}

/* Message i of the traffic into out; its HEP length. */
static size_t message(uint8_t *out, uint64_t i, uint64_t ts_us)
{
	char sip[1400];
	uint64_t ph = i / 4;
	unsigned step = (unsigned)(i % 4);
	uint32_t phone = 0x0a010000u + (uint32_t)(ph % 60000) + 2, reg = 0x0a00000au;
	char pip[16];
	snprintf(pip, sizeof pip, "10.1.%u.%u", (phone >> 8) & 255, phone & 255);
	unsigned user = (unsigned)(ph % 100000) + 100000;
	int n;
	const char *auth = step >= 2 ? "Authorization: Digest username=\"u\", realm=\"bench\", "
				       "nonce=\"abcdef0123456789\", uri=\"sip:10.0.0.10\", "
				       "response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5\r\n"
				     : "";
	if (step == 0 || step == 2)
		n = snprintf(sip, sizeof sip,
			     "REGISTER sip:10.0.0.10 SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK%llu-%u;rport\r\n"
			     "Max-Forwards: 70\r\nFrom: <sip:%u@10.0.0.10>;tag=%llu\r\n"
			     "To: <sip:%u@10.0.0.10>\r\nCall-ID: %llu@%s\r\nCSeq: %u REGISTER\r\n"
			     "Contact: <sip:%u@%s:5060>\r\n%sExpires: 3600\r\n"
			     "User-Agent: Yealink SIP-T46S 66.86.0.15\r\nContent-Length: 0\r\n\r\n",
			     pip, (unsigned long long)ph, step, user, (unsigned long long)ph, user,
			     (unsigned long long)ph, pip, step / 2 + 1, user, pip, auth);
	else
		n = snprintf(sip, sizeof sip,
			     "SIP/2.0 %s\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK%llu-%u;rport=5060\r\n"
			     "From: <sip:%u@10.0.0.10>;tag=%llu\r\nTo: <sip:%u@10.0.0.10>;tag=s%llu\r\n"
			     "Call-ID: %llu@%s\r\nCSeq: %u REGISTER\r\n%s%s"
			     "Server: bench registrar\r\nContent-Length: 0\r\n\r\n",
			     step == 1 ? "401 Unauthorized" : "200 OK", pip, (unsigned long long)ph,
			     step - 1, user, (unsigned long long)ph, user, (unsigned long long)ph,
			     (unsigned long long)ph, pip, step / 2 + 1,
			     step == 1 ? "WWW-Authenticate: Digest realm=\"bench\", "
					 "nonce=\"abcdef0123456789\", algorithm=MD5\r\n"
				       : "",
			     step == 3 ? "Contact: <sip:x@10.1.0.2:5060>;expires=3600\r\n" : "");
	bool from_phone = step == 0 || step == 2;
	return hep(out, from_phone ? phone : reg, from_phone ? reg : phone, 5060, 5060, ts_us, sip,
		   (size_t)n);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double rate = 50000;
	uint64_t n = 200000;
	int tcp = 0, c;
	while ((c = getopt(argc, argv, "r:n:t")) != -1) {
		if (c == 'r')
			rate = atof(optarg);
		else if (c == 'n')
			n = strtoull(optarg, NULL, 10);
		else if (c == 't')
			tcp = 1;
		else
			return 2;
	}
	if (optind + 2 != argc) {
		fprintf(stderr, "usage: blast -r RATE -n N [-t] HOST PORT\n");
		return 2;
	}
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[optind + 1])) };
	inet_pton(AF_INET, argv[optind], &to.sin_addr);
	int s = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&to, sizeof to) != 0) {
		perror("connect");
		return 1;
	}
	enum { BATCH = 64 };
	static uint8_t buf[BATCH][2048];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	uint64_t ts0 = 1700000000ull * 1000000, i = 0;
	double t0 = now();
	while (i < n) {
		/* how many messages are due by now */
		double el = now() - t0;
		uint64_t due = tcp ? n : (uint64_t)(el * rate) + 1;
		if (due > n)
			due = n;
		if (i >= due) {
			struct timespec ts = { 0, 200000 };
			nanosleep(&ts, NULL);
			continue;
		}
		unsigned k = 0;
		for (; k < BATCH && i + k < due; k++) {
			size_t len = message(buf[k], i + k, ts0 + (uint64_t)((double)(i + k) * 1e6 / rate));
			iov[k].iov_base = buf[k];
			iov[k].iov_len = len;
			memset(&mm[k], 0, sizeof mm[k]);
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
		}
		if (tcp) {
			for (unsigned j = 0; j < k; j++)
				if (send(s, iov[j].iov_base, iov[j].iov_len, MSG_NOSIGNAL) != (ssize_t)iov[j].iov_len) {
					perror("send");
					return 1;
				}
			i += k;
		} else {
			int r = sendmmsg(s, mm, k, 0);
			if (r > 0)
				i += (uint64_t)r;
		}
	}
	double el = now() - t0;
	printf("sent=%llu seconds=%.3f rate=%.0f\n", (unsigned long long)n, el, (double)n / el);
	close(s);
	return 0;
}
