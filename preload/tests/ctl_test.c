/*
 * ctl_test [strict]: /dev/mapper/control under `dmemu exec`, as a libprop
 * client uses it. Requests are built by hand exactly as libprop sends them.
 * Checks: the ioctl number of this ABI and the other one, the reply mapping
 * (page-aligned, NUL counted, munmap-able, gone afterwards), byte-exact
 * replies, errnos (strict mode: the handler's), dup/dup2/F_DUPFD/close, fork
 * (parent and child on one descriptor at once), stat/lstat/access/statx of the
 * node, fopen, relative paths. Prints TAP lines; exit status = failures.
 * Run against a fresh `dmemu serve` (the first device created gets minor 1).
 */
#include "dmtest.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static const char version_reply[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
	"\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	"<plist version=\"1.0\">\n"
	"<dict>\n"
	"\t<key>command</key>\n"
	"\t<string>version</string>\n"
	"\t<key>version</key>\n"
	"\t<array>\n"
	"\t\t<integer>0x4</integer>\n"
	"\t\t<integer>0x10</integer>\n"
	"\t\t<integer>0x0</integer>\n"
	"\t</array>\n"
	"</dict>\n"
	"</plist>\n";

/* create "t0" on a fresh kernel: DM_EXISTS_FLAG set, minor 1 (dm_dev_create_ioctl). */
static const char create_reply[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
	"\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	"<plist version=\"1.0\">\n"
	"<dict>\n"
	"\t<key>command</key>\n"
	"\t<string>create</string>\n"
	"\t<key>flags</key>\n"
	"\t<integer>0x4</integer>\n"
	"\t<key>minor</key>\n"
	"\t<integer>0x1</integer>\n"
	"\t<key>name</key>\n"
	"\t<string>t0</string>\n"
	"\t<key>version</key>\n"
	"\t<array>\n"
	"\t\t<integer>0x4</integer>\n"
	"\t\t<integer>0x10</integer>\n"
	"\t\t<integer>0x0</integer>\n"
	"\t</array>\n"
	"</dict>\n"
	"</plist>\n";

static int
mapped(const void *p)
{
	unsigned char v;

	return mincore((void *)((uintptr_t)p & ~(uintptr_t)4095), 1, &v) == 0;
}

/* version on fd: 1 if the reply is byte-exact and its mapping goes away with munmap. */
static int
version_ok(int fd)
{
	char *r;
	size_t n;

	if (dmt_ioctl(fd, dmt_request(NULL, "version", -1, NULL), &r, &n) != 0)
		return 0;
	int ok = n == sizeof(version_reply) && memcmp(r, version_reply, n) == 0;
	return munmap(r, n) == 0 && ok;
}

static int
contains(const char *r, const char *s)
{
	return strstr(r, s) != NULL;
}

int
main(int argc, char **argv)
{
	int strict = argc > 1 && strcmp(argv[1], "strict") == 0;
	struct stat st;
	struct statx stx;
	char *r;
	size_t n;
	int fd, fd2, fd3, r0;

	/* ctl_test inherited: descriptor 3 was opened on the control node before execve. */
	if (argc > 1 && strcmp(argv[1], "inherited") == 0) {
		CHECK(fstat(3, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 194,
		    "inherited descriptor 3: the control node");
		CHECK(version_ok(3), "inherited descriptor 3: version byte-exact");
		printf("1..%d\n", dmt_count);
		return dmt_failures;
	}

	/* The ioctl number: _IOWR(0xfd, 0, struct plistref) of this ABI. */
	CHECK(NETBSD_DM_IOCTL == (sizeof(void *) == 8 ? 0xC010FD00ul : 0xC008FD00ul),
	    "NETBSD_DM_IOCTL is 0x%lx for a %zu-byte plistref", (unsigned long)NETBSD_DM_IOCTL,
	    sizeof(struct plistref));

	/* The node, as NetBSD shows it. */
	CHECK(stat("/dev/mapper/control", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 194
	    && minor(st.st_rdev) == 0, "stat: character device 194,0");
	CHECK(lstat("/dev/mapper/control", &st) == 0 && S_ISCHR(st.st_mode), "lstat: character device");
	CHECK(access("/dev/mapper/control", R_OK | W_OK) == 0, "access R_OK|W_OK");
	CHECK(statx(AT_FDCWD, "/dev/mapper/control", 0, STATX_BASIC_STATS, &stx) == 0
	    && S_ISCHR(stx.stx_mode) && stx.stx_rdev_major == 194, "statx: character device 194");
	CHECK(stat("/dev/mapper/nosuch", &st) == -1 && errno == ENOENT, "stat of a missing dm node: ENOENT");

	fd = open("/dev/mapper/control", O_RDWR);
	CHECK(fd >= 0, "open /dev/mapper/control");
	CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 194, "fstat: character device");
	CHECK(open("/dev/mapper/control", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR, "O_DIRECTORY: ENOTDIR");
	{
		char x[16];

		CHECK(read(fd, x, sizeof(x)) == -1 && errno == EIO, "read: EIO (dmstrategy finds no device 0)");
		CHECK(read(fd, x, 0) == 0, "read of 0 bytes: 0");
	}

	/* version: byte-exact, in a fresh page-aligned mapping that munmap removes. */
	r0 = dmt_ioctl(fd, dmt_request(NULL, "version", -1, NULL), &r, &n);
	CHECK(r0 == 0, "version: ioctl returns 0");
	if (r0 == 0) {
		CHECK(n == sizeof(version_reply) && memcmp(r, version_reply, n) == 0,
		    "version: reply byte-exact, pref_len %zu counts the NUL", n);
		CHECK(((uintptr_t)r & 4095) == 0 && mapped(r), "version: reply is a page-aligned mapping");
		r[0] = r[0];	/* writable, as uvm_mmap_anon's */
		CHECK(munmap(r, n) == 0 && !mapped(r), "version: munmap removes the reply mapping");
	}

	/* create, reload, resume, table, remove as libdm sends them. */
	r0 = dmt_ioctl(fd, dmt_request(NULL, "create", -1, "t0"), &r, &n);
	CHECK(r0 == 0 && n == sizeof(create_reply) && memcmp(r, create_reply, n) == 0, "create t0: reply byte-exact");
	if (r0 == 0)
		munmap(r, n);
	r0 = dmt_ioctl(fd, dmt_request(dmt_linear(0, 0x800, "/dev/wd1a 0"), "reload", 0, "t0"), &r, &n);
	CHECK(r0 == 0 && contains(r, "<key>flags</key>\n\t<integer>0x40</integer>"),
	    "reload t0: DM_INACTIVE_PRESENT_FLAG");
	if (r0 == 0)
		munmap(r, n);
	r0 = dmt_ioctl(fd, dmt_request(NULL, "resume", 0, "t0"), &r, &n);
	CHECK(r0 == 0 && contains(r, "<string>resume</string>"), "resume t0");
	if (r0 == 0)
		munmap(r, n);
	r0 = dmt_ioctl(fd, dmt_request(NULL, "table", 0x10, "t0"), &r, &n);
	CHECK(r0 == 0 && contains(r, "<integer>0x800</integer>") && contains(r, "<string>linear</string>"),
	    "table t0: one linear entry of 0x800 sectors");
	if (r0 == 0)
		munmap(r, n);
	r0 = dmt_ioctl(fd, dmt_request(NULL, "remove", -1, "t0"), &r, &n);
	CHECK(r0 == 0, "remove t0");
	if (r0 == 0)
		munmap(r, n);

	/* Errnos. */
	r0 = dmt_ioctl(fd, dmt_request(NULL, "remove", 0x4, "nosuch"), &r, &n);
	if (strict)
		CHECK(r0 == -1 && errno == ENOENT, "strict: remove of a missing device: -1 ENOENT");
	else {
		CHECK(r0 == 0 && contains(r, "<key>flags</key>\n\t<integer>0x0</integer>"),
		    "remove of a missing device: 0, the error only in the reply (no DM_EXISTS_FLAG)");
		if (r0 == 0)
			munmap(r, n);
	}
	{
		struct plistref big = { malloc(200000), 200000 };

		memset(big.pref_plist, ' ', 200000);
		CHECK(ioctl(fd, NETBSD_DM_IOCTL, &big) == -1 && errno == E2BIG, "pref_len 200000: E2BIG");
		big.pref_len = 131072;
		CHECK(ioctl(fd, NETBSD_DM_IOCTL, &big) == -1 && errno == E2BIG, "pref_len 128 KiB: E2BIG");
		free(big.pref_plist);
		big.pref_plist = (void *)16;
		big.pref_len = 100;
		CHECK(ioctl(fd, NETBSD_DM_IOCTL, &big) == -1 && errno == EFAULT, "bad pref_plist: EFAULT");
		CHECK(ioctl(fd, NETBSD_DM_IOCTL, (void *)16) == -1 && errno == EFAULT, "bad plistref pointer: EFAULT");
		CHECK(ioctl(fd, _IOWR(0xfd, 1, struct plistref), &big) == -1 && errno == ENOTTY, "other command: ENOTTY");
	}

	/* The other ABI's number, with its layout. */
	{
		const char *q = dmt_request(NULL, "version", -1, NULL);
		char *low = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS
#ifdef MAP_32BIT
		    | MAP_32BIT
#endif
		    , -1, 0);
		uint32_t p32[2];
		uint64_t p64[2];

		strcpy(low, q);
		p32[0] = (uint32_t)(uintptr_t)low;
		p32[1] = (uint32_t)strlen(q) + 1;
		r0 = ioctl(fd, 0xC008FD00ul, p32);
		CHECK(r0 == 0 && p32[1] == sizeof(version_reply)
		    && memcmp((void *)(uintptr_t)p32[0], version_reply, p32[1]) == 0,
		    "ILP32 number 0xC008FD00 with an 8-byte plistref: reply byte-exact below 4 GiB");
		if (r0 == 0)
			CHECK(munmap((void *)(uintptr_t)p32[0], p32[1]) == 0, "ILP32: munmap of the reply");
		p64[0] = (uint64_t)(uintptr_t)low;
		p64[1] = strlen(q) + 1;
		r0 = ioctl(fd, 0xC010FD00ul, p64);
		CHECK(r0 == 0 && p64[1] == sizeof(version_reply)
		    && memcmp((void *)(uintptr_t)p64[0], version_reply, (size_t)p64[1]) == 0,
		    "LP64 number 0xC010FD00 with a 16-byte plistref: reply byte-exact");
		if (r0 == 0)
			CHECK(munmap((void *)(uintptr_t)p64[0], (size_t)p64[1]) == 0, "LP64: munmap of the reply");
		munmap(low, 8192);
	}

	/* Descriptors: dup, dup2, F_DUPFD, close. */
	fd2 = dup(fd);
	CHECK(fd2 >= 0 && version_ok(fd2), "dup: the copy works");
	CHECK(close(fd) == 0 && version_ok(fd2), "close of the original: the copy still works");
	CHECK(dup2(fd2, 40) == 40 && version_ok(40), "dup2 to 40 works");
	fd3 = fcntl(fd2, F_DUPFD, 60);
	CHECK(fd3 >= 60 && version_ok(fd3), "F_DUPFD works");
	CHECK(close(40) == 0 && close(fd3) == 0, "close of the copies");
	{
		char *rr;
		size_t nn;

		CHECK(dmt_ioctl(40, dmt_request(NULL, "version", -1, NULL), &rr, &nn) == -1 && errno == EBADF,
		    "ioctl on a closed descriptor: EBADF");
	}

	/* fork: parent and child use the inherited descriptor at the same time. */
	{
		pid_t pid = fork();
		int bad = 0, status = 0;

		for (int i = 0; i < 200; i++)
			if (!version_ok(fd2))
				bad++;
		if (pid == 0)
			_exit(bad);
		CHECK(bad == 0, "fork: 200 requests in the parent, byte-exact");
		CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "fork: 200 requests in the child at the same time, byte-exact");
		CHECK(version_ok(fd2), "after fork: the parent's descriptor still works");
	}
	close(fd2);

	/* stdio and relative paths. */
	{
		FILE *f = fopen("/dev/mapper/control", "r+");

		CHECK(f != NULL && version_ok(fileno(f)), "fopen: ioctl on fileno works");
		if (f != NULL)
			fclose(f);
		CHECK(chdir("/dev/mapper") == 0 || chdir("/dev") == 0, "chdir into /dev");
		fd = open("../mapper/./control", O_RDWR);
		CHECK(fd >= 0 && version_ok(fd), "open ../mapper/./control relative to /dev/...");
		if (fd >= 0)
			close(fd);
		fd = openat(AT_FDCWD, "/dev//mapper/control", O_RDWR | O_CLOEXEC);
		CHECK(fd >= 0 && version_ok(fd) && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "openat //, O_CLOEXEC kept");
		if (fd >= 0)
			close(fd);
	}
	printf("1..%d\n", dmt_count);
	return dmt_failures;
}
