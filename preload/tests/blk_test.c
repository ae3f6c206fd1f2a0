/*
 * blk_test: block I/O on the emulated disk nodes under `dmemu exec`, against
 * a fresh `dmemu serve --strict-errno` whose wd1 is an image file without a
 * label (wd1a = the whole disk). It creates vol0 = "0 2048 linear /dev/wd1a
 * 384" with hand-built libprop requests, then checks stat of the nodes,
 * the disk ioctls, write/pwrite/read/pread/lseek through the block node
 * (any offset: spec_read/spec_write's block loop), physio alignment on the
 * character node, offsets shared by dup and fork, access modes, EBUSY from
 * remove while open, and removal after the last close. It leaves vol0's
 * first 64 KiB as pattern A with bytes 1000..3999 of pattern B, which the
 * JUnit test compares with the image at byte 384 * 512.
 * Prints TAP lines; exit status = failures.
 */
#include "dmtest.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * sys/sys/dkio.h with NetBSD's sys/sys/ioccom.h encoding: IOC_OUT is bit 30
 * (Linux's _IOR sets bit 31, so a NetBSD client must not use Linux's macro).
 */
#define NB_IOR(g, n, t)	(0x40000000ul | ((unsigned long)(sizeof(t) & 0x1fff) << 16) | ((g) << 8) | (n))
#define DIOCGMEDIASIZE	NB_IOR('d', 132, int64_t)
#define DIOCGSECTORSIZE	NB_IOR('d', 133, unsigned int)
#define DIOCGDISKINFO	NB_IOR('d', 127, struct plistref)
#define VOL_BYTES	(2048 * 512)

static unsigned char
pat_a(size_t i)
{
	return (unsigned char)(i * 7 + 3);
}

static unsigned char
pat_b(size_t i)
{
	return (unsigned char)(i * 13 + 5);
}

/* A request on the control node; returns ioctl's result, the reply unmapped. */
static int
control(const char *req)
{
	int fd = open("/dev/mapper/control", O_RDWR), r;
	char *reply;
	size_t n;

	if (fd < 0)
		return -1;
	r = dmt_ioctl(fd, req, &reply, &n);
	if (r == 0)
		munmap(reply, n);
	close(fd);
	return r;
}

static int
node_is(const char *path, int blk, unsigned maj, unsigned min)
{
	struct stat st;

	return stat(path, &st) == 0 && (blk ? S_ISBLK(st.st_mode) : S_ISCHR(st.st_mode))
	    && major(st.st_rdev) == maj && minor(st.st_rdev) == min;
}

int
main(void)
{
	static unsigned char a[65536], b[65536], expect[65536];
	int64_t media = 0;
	unsigned int secsize = 0;
	struct plistref info;
	struct stat st;
	int fd, fd2, rfd, ro;

	for (size_t i = 0; i < sizeof(a); i++) {
		a[i] = pat_a(i);
		expect[i] = a[i];
	}
	for (size_t i = 0; i < 3000; i++) {
		b[i] = pat_b(i);
		expect[1000 + i] = b[i];
	}

	CHECK(control(dmt_request(NULL, "create", -1, "vol0")) == 0, "create vol0");
	CHECK(control(dmt_request(dmt_linear(0, 2048, "/dev/wd1a 384"), "reload", 0, "vol0")) == 0,
	    "reload vol0: 0 2048 linear /dev/wd1a 384");
	CHECK(control(dmt_request(NULL, "resume", 0, "vol0")) == 0, "resume vol0");

	/* The nodes. */
	CHECK(node_is("/dev/mapper/vol0", 1, 169, 1), "stat /dev/mapper/vol0: block 169,1");
	CHECK(node_is("/dev/rmapper/vol0", 0, 194, 1), "stat /dev/rmapper/vol0: character 194,1");
	CHECK(node_is("/dev/wd1a", 1, 0, 16), "stat /dev/wd1a: block 0,16");
	CHECK(node_is("/dev/rwd1d", 0, 3, 19), "stat /dev/rwd1d: character 3,19");
	CHECK(stat("/dev/mapper/vol9", &st) == -1 && errno == ENOENT, "stat of a missing dm device: ENOENT");
	CHECK(open("/dev/mapper/vol9", O_RDONLY) == -1 && errno == ENOENT, "open of a missing dm device: ENOENT");

	fd = open("/dev/mapper/vol0", O_RDWR);
	CHECK(fd >= 0, "open /dev/mapper/vol0 O_RDWR");
	CHECK(fstat(fd, &st) == 0 && S_ISBLK(st.st_mode) && major(st.st_rdev) == 169, "fstat: block device");

	/* The disk ioctls dm answers. */
	CHECK(ioctl(fd, DIOCGMEDIASIZE, &media) == 0 && media == VOL_BYTES, "DIOCGMEDIASIZE: %lld",
	    (long long)media);
	CHECK(ioctl(fd, DIOCGSECTORSIZE, &secsize) == 0 && secsize == 512, "DIOCGSECTORSIZE: %u", secsize);
	CHECK(ioctl(fd, DIOCGDISKINFO, &info) == 0 && strstr(info.pref_plist, "<key>geometry</key>") != NULL
	    && ((char *)info.pref_plist)[info.pref_len - 1] == '\0' && munmap(info.pref_plist, info.pref_len) == 0,
	    "DIOCGDISKINFO: a geometry plist in a mapping");
	CHECK(DIOCGMEDIASIZE == 0x40086484ul && DIOCGDISKINFO == (sizeof(void *) == 8 ? 0x4010647Ful : 0x4008647Ful),
	    "NetBSD's disk ioctl numbers for this ABI");
	CHECK(ioctl(fd, NB_IOR('d', 250, int), &secsize) == -1 && errno == ENOTTY, "another disk ioctl: ENOTTY");

	/* Writes and reads through the block node. */
	CHECK(write(fd, a, sizeof(a)) == (ssize_t)sizeof(a), "write 64 KiB");
	CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)sizeof(a), "the offset moved by 64 KiB");
	CHECK(pwrite(fd, b, 3000, 1000) == 3000, "pwrite 3000 bytes at 1000 (partial blocks)");
	CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)sizeof(a), "pwrite left the offset alone");
	CHECK(fsync(fd) == 0, "fsync");
	{
		static unsigned char got[65536];

		memset(got, 0, sizeof(got));
		CHECK(pread(fd, got, sizeof(got), 0) == (ssize_t)sizeof(got) && memcmp(got, expect, sizeof(got)) == 0,
		    "pread 64 KiB at 0: what was written");
		memset(got, 0, sizeof(got));
		CHECK(lseek(fd, 999, SEEK_SET) == 999 && read(fd, got, 3002) == 3002
		    && memcmp(got, expect + 999, 3002) == 0, "read 3002 bytes at 999");
		CHECK(pread(fd, got, 1000, VOL_BYTES - 100) == 100, "pread across the end: 100 bytes");
		CHECK(pread(fd, got, 512, VOL_BYTES) == 0, "pread at the end: 0 (end of device)");
		CHECK(lseek(fd, 0, SEEK_END) == 0, "SEEK_END counts from the node's size, 0");
		CHECK(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL, "a negative offset on a block node: EINVAL");
	}

	/* dup and fork share the file offset. */
	fd2 = dup(fd);
	CHECK(lseek(fd, 4096, SEEK_SET) == 4096 && lseek(fd2, 0, SEEK_CUR) == 4096, "dup shares the offset");
	{
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			unsigned char x[512];

			_exit(read(fd2, x, 512) == 512 && memcmp(x, expect + 4096, 512) == 0 ? 0 : 1);
		}
		CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "fork: the child reads 512 bytes at 4096 through the inherited descriptor");
		CHECK(lseek(fd, 0, SEEK_CUR) == 4608, "fork: the child's read moved the shared offset");
	}

	/* spec_open: a block node opens once; vol0's table holds /dev/wd1a. */
	CHECK(open("/dev/mapper/vol0", O_RDONLY) == -1 && errno == EBUSY, "a second open of /dev/mapper/vol0: EBUSY");
	CHECK(open("/dev/wd1a", O_RDONLY) == -1 && errno == EBUSY, "open /dev/wd1a, held by vol0's table: EBUSY");
	CHECK(open("/dev/wd0a/../wd1a", O_RDONLY) == -1 && errno == ENOTDIR, "namei: .. after a device node: ENOTDIR");
	CHECK(node_is("/dev/mapper/rvol0", 0, 194, 1), "stat /dev/mapper/rvol0 (LVM's raw spelling): character 194,1");

	/* Access modes. */
	ro = open("/dev/rwd1a", O_RDONLY);
	CHECK(ro >= 0, "open /dev/rwd1a O_RDONLY");
	CHECK(write(ro, a, 512) == -1 && errno == EBADF, "write on O_RDONLY: EBADF");
	{
		unsigned char x[512];

		CHECK(pread(ro, x, 512, 384 * 512 + 512) == 512 && memcmp(x, expect + 512, 512) == 0,
		    "/dev/rwd1a at sector 385 holds vol0's sector 1");
	}
	close(ro);

	/* The character node: physio, the driver checks the alignment. */
	rfd = open("/dev/rmapper/vol0", O_RDONLY);
	CHECK(rfd >= 0, "open /dev/rmapper/vol0");
	{
		int again = open("/dev/mapper/rvol0", O_RDONLY);

		CHECK(again >= 0 && close(again) == 0, "a raw node opens any number of times");
	}
	{
		unsigned char x[4096];

		CHECK(pread(rfd, x, 4096, 0) == 4096 && memcmp(x, expect, 4096) == 0, "raw pread 4096 at 0");
		CHECK(pread(rfd, x, 100, 0) == -1 && errno == EINVAL, "raw pread of 100 bytes: EINVAL");
	}
	{
		unsigned char x[1024], y[3072];
		struct iovec v[2] = { { x, sizeof(x) }, { y, sizeof(y) } };

		CHECK(preadv(rfd, v, 2, 0) == 4096 && memcmp(x, expect, 1024) == 0 && memcmp(y, expect + 1024, 3072) == 0,
		    "raw preadv of two buffers at 0");
	}
	{
		FILE *f = fopen("/dev/rmapper/vol0", "r");
		unsigned char x[4096];

		CHECK(f != NULL && fseek(f, 8192, SEEK_SET) == 0 && fread(x, 1, sizeof(x), f) == sizeof(x)
		    && memcmp(x, expect + 8192, sizeof(x)) == 0, "fopen + fseek + fread of the raw node");
		CHECK(f != NULL && fclose(f) == 0, "fclose");
	}

	/* remove while open is refused; after the last close it works. */
	CHECK(control(dmt_request(NULL, "remove", -1, "vol0")) == -1 && errno == EBUSY,
	    "remove while vol0 is open: EBUSY (strict errno)");
	CHECK(close(fd) == 0 && close(rfd) == 0, "close the block and character descriptors");
	CHECK(control(dmt_request(NULL, "remove", -1, "vol0")) == -1 && errno == EBUSY,
	    "remove while a dup of the block descriptor is open: EBUSY");
	CHECK(close(fd2) == 0, "close the last descriptor");
	CHECK(control(dmt_request(NULL, "remove", -1, "vol0")) == 0, "remove after the last close: 0");
	printf("1..%d\n", dmt_count);
	return dmt_failures;
}
