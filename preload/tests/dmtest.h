/*
 * Shared helpers of the dmemu exec test programs: requests built by hand
 * exactly as NetBSD's libprop externalizes them (prop_dictionary_send_ioctl:
 * the XML, keys in sorted order, unsigned numbers in hex, "</plist>\n", then
 * the NUL that pref_len counts), and TAP-style checks.
 */
#ifndef DMTEST_H
#define DMTEST_H

#define _GNU_SOURCE 1
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

/* sys/sys/plistref.h: what NETBSD_DM_IOCTL points at. */
struct plistref {
	void *pref_plist;
	size_t pref_len;
};

/* sys/dev/dm/netbsd-dm.h: _IOWR(DM_IOCTL, DM_IOCTL_CMD, struct plistref).
 * Linux's _IOWR encodes direction, size, group and number as NetBSD's does. */
#define NETBSD_DM_IOCTL _IOWR(0xfd, 0, struct plistref)

static int dmt_failures, dmt_count;

static __attribute__((unused)) void
dmt_check(int ok, const char *fmt, ...)
{
	va_list ap;

	dmt_count++;
	printf("%s %d - ", ok ? "ok" : "not ok", dmt_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		dmt_failures++;
}

#define CHECK(cond, ...) dmt_check((cond) ? 1 : 0, __VA_ARGS__)

static const char dmt_head[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
	"\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	"<plist version=\"1.0\">\n"
	"<dict>\n";
static const char dmt_version[] =
	"\t<key>version</key>\n"
	"\t<array>\n"
	"\t\t<integer>0x4</integer>\n"
	"\t\t<integer>0x0</integer>\n"
	"\t\t<integer>0x0</integer>\n"
	"\t</array>\n"
	"</dict>\n"
	"</plist>\n";

/*
 * A libdm request: [cmd_data] command [flags] [name] version, the keys in
 * libprop's sorted order. cmd_data is the XML of the array's elements.
 */
static __attribute__((unused)) char *
dmt_request(const char *cmd_data, const char *command, long flags, const char *name)
{
	static char buf[16384];
	int n = snprintf(buf, sizeof(buf), "%s", dmt_head);

	if (cmd_data != NULL)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		    "\t<key>cmd_data</key>\n\t<array>\n%s\t</array>\n", cmd_data);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n,
	    "\t<key>command</key>\n\t<string>%s</string>\n", command);
	if (flags >= 0)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		    "\t<key>flags</key>\n\t<integer>0x%lx</integer>\n", flags);
	if (name != NULL)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		    "\t<key>name</key>\n\t<string>%s</string>\n", name);
	snprintf(buf + n, sizeof(buf) - (size_t)n, "%s", dmt_version);
	return buf;
}

/* One linear table entry as libdm's dm_task_add_target puts it in cmd_data. */
static __attribute__((unused)) char *
dmt_linear(unsigned long start, unsigned long length, const char *params)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
	    "\t\t<dict>\n"
	    "\t\t\t<key>length</key>\n\t\t\t<integer>0x%lx</integer>\n"
	    "\t\t\t<key>params</key>\n\t\t\t<string>%s</string>\n"
	    "\t\t\t<key>start</key>\n\t\t\t<integer>0x%lx</integer>\n"
	    "\t\t\t<key>type</key>\n\t\t\t<string>linear</string>\n"
	    "\t\t</dict>\n", length, params, start);
	return buf;
}

/*
 * ioctl(fd, NETBSD_DM_IOCTL) as prop_dictionary_sendrecv_ioctl does it: the
 * request with its NUL; on success *reply is the kernel's mapping (the caller
 * munmaps it) and *reply_len its length. Returns ioctl's result.
 */
static __attribute__((unused)) int
dmt_ioctl(int fd, const char *req, char **reply, size_t *reply_len)
{
	struct plistref pref;
	int r;

	pref.pref_plist = (void *)(uintptr_t)req;
	pref.pref_len = strlen(req) + 1;
	r = ioctl(fd, NETBSD_DM_IOCTL, &pref);
	if (r == 0) {
		*reply = pref.pref_plist;
		*reply_len = pref.pref_len;
	}
	return r;
}

/* NetBSD's errno number and name for a (Linux) errno, as dmemu replay prints them. */
static __attribute__((unused)) const char *
dmt_nb_errno(int e, int *nb)
{
	static const struct { int linux_no, netbsd_no; const char *name; } t[] = {
		{ EPERM, 1, "EPERM" }, { ENOENT, 2, "ENOENT" }, { EIO, 5, "EIO" },
		{ ENXIO, 6, "ENXIO" }, { E2BIG, 7, "E2BIG" }, { EBADF, 9, "EBADF" },
		{ ENOMEM, 12, "ENOMEM" }, { EFAULT, 14, "EFAULT" }, { EBUSY, 16, "EBUSY" },
		{ EEXIST, 17, "EEXIST" }, { ENODEV, 19, "ENODEV" }, { ENOTDIR, 20, "ENOTDIR" },
		{ EINVAL, 22, "EINVAL" }, { ENOTTY, 25, "ENOTTY" }, { ENOSPC, 28, "ENOSPC" },
		{ EROFS, 30, "EROFS" }, { EAGAIN, 35, "EAGAIN" }, { ENAMETOOLONG, 63, "ENAMETOOLONG" },
		{ ENOSYS, 78, "ENOSYS" }, { EOVERFLOW, 84, "EOVERFLOW" }, { ENOTSUP, 86, "ENOTSUP" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].linux_no == e) {
			*nb = t[i].netbsd_no;
			return t[i].name;
		}
	*nb = e;
	return "?";
}

#endif
