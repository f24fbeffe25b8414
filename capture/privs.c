/* SPDX-License-Identifier: BSD-2-Clause */
/* Privileges and interfaces, as tcpdump -Z and -D: drop root to a named
 * user after the capture is opened (initgroups(3), setgid(2), setuid(2),
 * then prove root cannot be regained), and list capture devices with the
 * flags of pcap_findalldevs(3PCAP). */
#include "capture/capture_int.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"

int sw_capture_drop_privileges(const char *user, char *err, size_t errlen)
{
	if (geteuid() != 0)
		return 0;
	if (!user || !user[0]) {
		sw_cap_errf(err, errlen, "cannot drop privileges: no user name given");
		return -1;
	}
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		sw_cap_errf(err, errlen, "cannot drop privileges to user '%s': %s", user,
		            errno && errno != ENOENT && errno != ESRCH ? strerror(errno)
		                                                       : "no such user");
		return -1;
	}
	/* getpwnam's storage is static: copy before the next libc call. */
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	/* Order matters: groups and gid need root, so they go before uid. */
	if (initgroups(user, gid) != 0) {
		sw_cap_errf(err, errlen, "cannot drop privileges to user '%s': initgroups: %s",
		            user, strerror(errno));
		return -1;
	}
	if (setgid(gid) != 0) {
		sw_cap_errf(err, errlen, "cannot drop privileges to user '%s': setgid(%lu): %s",
		            user, (unsigned long)gid, strerror(errno));
		return -1;
	}
	if (setuid(uid) != 0) {
		sw_cap_errf(err, errlen, "cannot drop privileges to user '%s': setuid(%lu): %s",
		            user, (unsigned long)uid, strerror(errno));
		return -1;
	}
	if (uid != 0 && (setuid(0) == 0 || geteuid() == 0 || getegid() != gid)) {
		sw_cap_errf(err, errlen,
		            "cannot drop privileges to user '%s': root can still be regained",
		            user);
		return -1;
	}
	return 0;
}

int sw_capture_list_interfaces(void *out_file, char *err, size_t errlen)
{
	FILE *out = out_file ? out_file : stdout;
	pcap_if_t *devs = NULL;
	char eb[PCAP_ERRBUF_SIZE] = "";
	if (pcap_findalldevs(&devs, eb) != 0) {
		sw_cap_errf(err, errlen, "cannot list interfaces: %s", eb);
		return -1;
	}
	if (!devs) {
		sw_cap_errf(
		    err, errlen,
		    "no interfaces available for capture (it may need root or CAP_NET_RAW)");
		return -1;
	}
	static const struct {
		bpf_u_int32 flag;
		const char *name;
	} flags[] = {
	    {PCAP_IF_UP, "Up"},
	    {PCAP_IF_RUNNING, "Running"},
	    {PCAP_IF_LOOPBACK, "Loopback"},
	    {PCAP_IF_WIRELESS, "Wireless"},
	};
	struct sw_buf b = SW_BUF_INIT;
	int i = 0;
	for (pcap_if_t *d = devs; d; d = d->next) {
		sw_buf_reset(&b);
		sw_buf_printf(&b, "%d.", ++i);
		/* Names and descriptions come from drivers: escape them. */
		sw_buf_put_text(&b, sw_str_c(d->name));
		if (d->description) {
			sw_buf_puts(&b, " (");
			sw_buf_put_text(&b, sw_str_c(d->description));
			sw_buf_putc(&b, ')');
		}
		/* As tcpdump: any flag at all gives a bracket, "none" when no
		 * named one is set; then the connection status where it applies. */
		if (d->flags != 0) {
			const char *sep = " [";
			for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
				if (d->flags & flags[k].flag) {
					sw_buf_puts(&b, sep);
					sw_buf_puts(&b, flags[k].name);
					sep = ", ";
				}
			if (sep[0] == ' ') {
				sw_buf_puts(&b, " [none");
				sep = ", ";
			}
			const char *conn = NULL;
			bool wifi = (d->flags & PCAP_IF_WIRELESS) != 0;
			switch (d->flags & PCAP_IF_CONNECTION_STATUS) {
			case PCAP_IF_CONNECTION_STATUS_UNKNOWN:
				conn = wifi ? "Association status unknown"
				            : "Connection status unknown";
				break;
			case PCAP_IF_CONNECTION_STATUS_CONNECTED:
				conn = wifi ? "Associated" : "Connected";
				break;
			case PCAP_IF_CONNECTION_STATUS_DISCONNECTED:
				conn = wifi ? "Not associated" : "Disconnected";
				break;
			default: /* not applicable (loopback, pseudo-devices) */
				break;
			}
			if (conn) {
				sw_buf_puts(&b, sep);
				sw_buf_puts(&b, conn);
			}
			sw_buf_putc(&b, ']');
		}
		fprintf(out, "%s\n", b.p);
	}
	sw_buf_free(&b);
	pcap_freealldevs(devs);
	return fflush(out) == 0 ? 0 : -1;
}
