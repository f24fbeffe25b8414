/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for capture/ that need root: live capture on a veth pair in a
 * network namespace created for the test (and deleted after), -c, -w, stop
 * from a signal handler, libpcap errors, tcpdump -D style listing, and
 * dropping privileges as tcpdump -Z. Each skips cleanly when not root or
 * when namespaces are not available. Addresses: 192.0.2.0/24 (TEST-NET-1)
 * inside the namespace only. */
#include "tests/unit/capture/capfix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

struct netns_fx {
	struct fx fx; /* temp dir (must be first: fx_teardown frees through it) */
	bool ready;
	char ns[64];
	int orig_ns; /* our original network namespace, to return to */
};

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int ns_setup(void **state)
{
	struct netns_fx *n = calloc(1, sizeof *n);
	assert_non_null(n);
	void *fxs;
	fx_setup(&fxs);
	n->fx = *(struct fx *)fxs;
	free(fxs);
	n->orig_ns = -1;
	*state = n;
	if (geteuid() != 0)
		return 0;
	/* Cross builds run this under qemu-user (CMAKE_CROSSCOMPILING_EMULATOR),
	 * which does not emulate the packet socket ioctls libpcap needs:
	 * live capture on the target is tested on an emulated machine
	 * (tools/cross/qemu-system/run.sh). */
	const char *emu = getenv("SW_EMULATOR");
	if (emu && *emu) {
		static bool said;
		if (!said)
			print_message("live capture skipped: running under %s, which does not "
			              "emulate the packet socket ioctls\n", emu);
		said = true;
		return 0;
	}
	snprintf(n->ns, sizeof n->ns, "swcap-test-%d", (int)getpid());
	if (run("ip netns add %s 2>/dev/null", n->ns) != 0)
		return 0;
	/* swv0 has 192.0.2.1 and a static neighbour 192.0.2.2 behind it, so
	 * a datagram to .2 leaves through swv0 without ARP. */
	if (run("ip -n %s link add name swv0 type veth peer name swv1 && "
	        "ip -n %s link set swv0 up && ip -n %s link set swv1 up && "
	        "ip -n %s link set lo up && "
	        "ip -n %s addr add 192.0.2.1/24 dev swv0 && "
	        "ip -n %s neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev swv0 nud permanent",
	        n->ns, n->ns, n->ns, n->ns, n->ns, n->ns) != 0) {
		run("ip netns del %s", n->ns);
		return 0;
	}
	char path[128];
	snprintf(path, sizeof path, "/run/netns/%s", n->ns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	n->orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || n->orig_ns < 0 || setns(fd, CLONE_NEWNET) != 0) {
		if (fd >= 0)
			close(fd);
		run("ip netns del %s", n->ns);
		return 0;
	}
	close(fd);
	n->ready = true;
	return 0;
}

static int ns_teardown(void **state)
{
	struct netns_fx *n = *state;
	if (n->orig_ns >= 0) {
		(void)setns(n->orig_ns, CLONE_NEWNET);
		close(n->orig_ns);
	}
	if (n->ns[0])
		run("ip netns del %s 2>/dev/null", n->ns);
	struct fx *fx = malloc(sizeof *fx);
	assert_non_null(fx);
	*fx = n->fx;
	void *p = fx;
	fx_teardown(&p);
	free(n);
	return 0;
}

static void send_udp(uint16_t port, const char *payload)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
	assert_int_equal(inet_pton(AF_INET, "192.0.2.2", &to.sin_addr), 1);
	assert_int_equal(sendto(s, payload, strlen(payload), 0, (struct sockaddr *)&to, sizeof to),
	                 (ssize_t)strlen(payload));
	close(s);
}

/* Next frame, polling the capture's fd; SW_CAP_AGAIN after `ms` idle. */
static int next_wait(struct sw_capture *c, struct sw_frame *f, int ms)
{
	for (;;) {
		int rc = sw_capture_next(c, f);
		if (rc != SW_CAP_AGAIN)
			return rc;
		struct pollfd p = {.fd = sw_capture_fd(c), .events = POLLIN};
		int pr = poll(&p, 1, ms);
		if (pr == 0)
			return SW_CAP_AGAIN;
		if (pr < 0 && errno != EINTR)
			return SW_CAP_ERROR;
	}
}

static const char REG[] = "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1\r\n";

static void live_capture_veth(void **state)
{
	struct netns_fx *n = *state;
	if (!n->ready)
		skip();
	struct sw_capture_opts o = {.promisc = true, .filter = "udp port 5060", .count = 2};
	struct sw_capture *c;
	char err[512] = "x";
	assert_int_equal(sw_capture_open_live(&c, "swv0", &o, err, sizeof err), 0);
	assert_string_equal(err, ""); /* no warning */
	assert_true(sw_capture_is_live(c));
	assert_true(sw_capture_fd(c) >= 0);
	const struct sw_capture_source *s = sw_capture_source(c, 0);
	assert_string_equal(s->name, "swv0");
	assert_string_equal(s->format, "live");
	assert_int_equal(s->linktype, SW_LINK_ETHERNET);
	/* -w after open: the file appears now. */
	const char *wpath = tpath(&n->fx, "live.pcap");
	assert_int_equal(sw_capture_open_output(c, wpath, err, sizeof err), 0);
	assert_int_equal(access(wpath, F_OK), 0);
	struct sw_frame f;
	assert_int_equal(sw_capture_next(c, &f), SW_CAP_AGAIN);

	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	send_udp(53, "not this one");
	send_udp(5060, REG);
	send_udp(5060, REG);
	send_udp(5060, "third, beyond -c");
	assert_int_equal(next_wait(c, &f, 3000), SW_CAP_FRAME);
	assert_int_equal(f.caplen, 14 + 20 + 8 + strlen(REG));
	assert_int_equal(f.wirelen, f.caplen);
	assert_memory_equal(f.data + 42, REG, strlen(REG));
	assert_int_equal(f.linktype, SW_LINK_ETHERNET);
	assert_int_equal(f.frame_no, 1);
	assert_int_equal(f.file_idx, 0);
	int64_t t0 = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	assert_true(f.ts_ns >= t0 - 1000000000 && f.ts_ns < t0 + 10 * INT64_C(1000000000));
	assert_int_equal(next_wait(c, &f, 3000), SW_CAP_FRAME);
	assert_int_equal(f.frame_no, 2);
	/* -c 2 reached. */
	assert_int_equal(sw_capture_next(c, &f), SW_CAP_END);
	struct sw_capture_stats st;
	sw_capture_get_stats(c, &st);
	assert_true(st.received >= 2);
	assert_int_equal(st.written, 2);
	uint8_t buf[16];
	uint32_t cl;
	assert_int_equal(sw_capture_read_at(c, 0, 0, buf, sizeof buf, &cl), -1);
	bool ns = s->nanosecond;
	sw_capture_close(c);

	/* What -w saved reads back: two REGISTERs, same precision. */
	c = open1(wpath, NULL, err, sizeof err);
	assert_non_null(c);
	assert_int_equal(sw_capture_source(c, 0)->nanosecond, ns);
	struct rres r;
	read_all(c, &r);
	assert_int_equal(r.n, 2);
	assert_memory_equal(r.f[1].data + 42, REG, strlen(REG));
	sw_capture_close(c);
}

static struct sw_capture *to_stop; /* for the signal handler only */

static void on_alarm(int sig)
{
	(void)sig;
	sw_capture_stop(to_stop);
}

static void live_stop_from_signal(void **state)
{
	struct netns_fx *n = *state;
	if (!n->ready)
		skip();
	struct sw_capture_opts o = {.promisc = false};
	struct sw_capture *c;
	char err[512];
	assert_int_equal(sw_capture_open_live(&c, "swv0", &o, err, sizeof err), 0);
	to_stop = c;
	struct sigaction sa = {.sa_handler = on_alarm};
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	struct itimerval it = {.it_value = {.tv_usec = 100000}};
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	struct sw_frame f;
	int rc, rounds = 0;
	/* Nothing is sent: we wait until the handler stops the capture. */
	while ((rc = next_wait(c, &f, 200)) != SW_CAP_END && rounds++ < 50)
		;
	assert_int_equal(rc, SW_CAP_END);
	assert_int_equal(sw_capture_next(c, &f), SW_CAP_END);
	signal(SIGALRM, SIG_DFL);
	sw_capture_close(c);
	to_stop = NULL;
}

static void live_errors(void **state)
{
	struct netns_fx *n = *state;
	if (geteuid() != 0)
		skip();
	struct sw_capture *c = (struct sw_capture *)1;
	char err[512] = "";
	assert_int_equal(sw_capture_open_live(&c, "swcapnosuch0", NULL, err, sizeof err) < 0, 1);
	assert_null(c);
	assert_non_null(strstr(err, "swcapnosuch0: "));
	assert_null(strchr(err, '\n'));
	if (!n->ready)
		return;
	struct sw_capture_opts o = {.filter = "udp prot 5060"};
	assert_true(sw_capture_open_live(&c, "swv0", &o, err, sizeof err) < 0);
	assert_non_null(strstr(err, "swv0: filter \"udp prot 5060\""));
	assert_non_null(strstr(err, "syntax error"));
}

static void list_interfaces(void **state)
{
	struct netns_fx *n = *state;
	if (!n->ready)
		skip(); /* inside our namespace the list is known: lo, swv0, swv1 */
	FILE *out = tmpfile();
	assert_non_null(out);
	char err[256] = "";
	assert_int_equal(sw_capture_list_interfaces(out, err, sizeof err), 0);
	rewind(out);
	char line[256];
	bool lo = false, veth = false;
	int num = 0;
	while (fgets(line, sizeof line, out)) {
		char want[16];
		snprintf(want, sizeof want, "%d.", ++num);
		assert_true(strncmp(line, want, strlen(want)) == 0);
		if (strstr(line, ".lo [Up, Running, Loopback]\n"))
			lo = true;
		if (strstr(line, ".swv0 [Up, Running, Connected]\n"))
			veth = true;
	}
	fclose(out);
	if (!lo || !veth)
		fail_msg("lo %d, swv0 %d not listed as expected", lo, veth);
}

static void drop_privileges(void **state)
{
	struct netns_fx *n = *state;
	if (geteuid() != 0)
		skip();
	char err[256] = "";
	assert_int_equal(sw_capture_drop_privileges("swcap-no-such-user", err, sizeof err), -1);
	assert_string_equal(err,
	                    "cannot drop privileges to user 'swcap-no-such-user': no such user");
	assert_int_equal(geteuid(), 0);
	struct passwd *pw = getpwnam("nobody");
	if (!pw)
		skip();
	uid_t nobody = pw->pw_uid;
	/* A root-only file that the dropped process must not open. */
	struct bb b = {0};
	pcap_file_hdr(&b, MAGIC_US, 1, 65535);
	const char *secret = write_bb(&n->fx, "secret.pcap", &b);
	bb_free(&b);
	assert_int_equal(chmod(secret, 0600), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char e[512] = "";
		if (sw_capture_drop_privileges("nobody", e, sizeof e) != 0)
			_exit(10);
		if (getuid() != nobody || geteuid() != nobody || setuid(0) == 0)
			_exit(11);
		gid_t groups[4];
		if (getgroups(4, groups) < 0)
			_exit(12);
		/* Not root any more: a second call is a no-op. */
		if (sw_capture_drop_privileges("root", e, sizeof e) != 0)
			_exit(13);
		struct sw_capture *c;
		const char *p[1] = {secret};
		if (sw_capture_open_files(&c, p, 1, NULL, e, sizeof e) == 0)
			_exit(14);
		_exit(strstr(e, "secret.pcap: permission denied") ? 0 : 15);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, ns_setup, ns_teardown)
	const struct CMUnitTest tests[] = {
	    T(live_capture_veth), T(live_stop_from_signal), T(live_errors),
	    T(list_interfaces),   T(drop_privileges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
