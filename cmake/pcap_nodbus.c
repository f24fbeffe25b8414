/* SPDX-License-Identifier: BSD-2-Clause */
/* The D-Bus capture source of libpcap, left out of static builds
 * (cmake/static.cmake): pcap.c asks every source whether a device name is
 * its own and what devices it has; this one has none and owns no name, so
 * pcap-dbus.o and libdbus are not linked. Signatures as in libpcap 1.10's
 * pcap-dbus.h (pcap_if_list_t is libpcap's private list type). */
#include <stddef.h>

struct pcap;
struct pcap_if_list;

int dbus_findalldevs(struct pcap_if_list *devlistp, char *err_str);
struct pcap *dbus_create(const char *device, char *ebuf, int *is_ours);

int dbus_findalldevs(struct pcap_if_list *devlistp, char *err_str)
{
	(void)devlistp;
	(void)err_str;
	return 0;
}

struct pcap *dbus_create(const char *device, char *ebuf, int *is_ours)
{
	(void)device;
	(void)ebuf;
	*is_ours = 0;
	return NULL;
}
