/*
 * dmemu exec: the preload library's internal interface.
 *
 * The library makes a Linux program see the emulated NetBSD /dev of a running
 * `dmemu serve`: /dev/mapper/control (its NETBSD_DM_IOCTL reaches the daemon's
 * control socket) and the disk nodes /dev/mapper/NAME, /dev/rmapper/NAME,
 * /dev/wd1a, /dev/rwd1d ... (their reads, writes and disk ioctls reach the
 * daemon's block-I/O socket; see docs/exec.md and BlockIoProto.java).
 *
 * Every descriptor the program holds on an emulated node is a connected Unix
 * socket: the kernel then does dup, fork and close for us, and the daemon sees
 * the last close as end-of-file. A table indexed by descriptor says which
 * descriptors are emulated (dmemu_wire.c).
 */
#ifndef DMEMU_PRELOAD_H
#define DMEMU_PRELOAD_H

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The next definition of a libc function: looked up once, then cached. */
#define REAL(fn) (__extension__({                                        \
	static __typeof__(&fn) real_;                                    \
	if (real_ == NULL)                                               \
		real_ = (__typeof__(&fn))dmemu_next(#fn);                \
	real_;                                                           \
}))
void *dmemu_next(const char *name);

/* The ioctl numbers (NetBSD sys/dev/dm/netbsd-dm.h, sys/sys/dkio.h). */
#define DM_IOCTL_LP64		0xC010FD00u	/* _IOWR(0xfd, 0, 16-byte plistref) */
#define DM_IOCTL_ILP32		0xC008FD00u	/* _IOWR(0xfd, 0, 8-byte plistref) */
#define DIOCGDISKINFO_LP64	0x4010647Fu	/* _IOR('d', 127, struct plistref) */
#define DIOCGDISKINFO_ILP32	0x4008647Fu
#define NB_IOC_OUT		0x40000000u
#define NB_IOC_IN		0x80000000u
#define NB_IOCPARM_LEN(c)	(((c) >> 16) & 0x1fffu)

/* NetBSD majors (sys/arch/amd64/conf/majors.amd64). */
#define DM_CMAJOR	194

/* What a path names. */
enum dmemu_kind {
	DMEMU_HOST = 0,		/* not ours: the host's file */
	DMEMU_CONTROL = 1,	/* /dev/mapper/control */
	DMEMU_DISK = 2,		/* a dm or disk node served by the block-I/O socket */
	DMEMU_MAYBE_DISK = 3	/* /dev/xxN[a-p]: a disk node if the daemon has the unit */
};

/* One emulated descriptor. */
struct dmemu_fd {
	unsigned char kind;	/* DMEMU_CONTROL or DMEMU_DISK; 0 = not ours */
	unsigned char type;	/* 1 block, 2 character */
	unsigned gen;		/* fork generation of a control connection */
	uint64_t token;		/* the daemon's open file description */
	uint32_t major, minor;	/* NetBSD's, for stat */
	uint64_t ino;		/* the socket's inode: detects a descriptor reused behind our back */
};

/* A node's stat as the daemon reports it. */
struct dmemu_node {
	uint32_t type, major, minor;
};

#define DMEMU_MAXFD 65536

/* dmemu_wire.c */
void dmemu_lock(void);
void dmemu_unlock(void);
struct dmemu_fd *dmemu_entry(int fd);
int dmemu_known(int fd);
void dmemu_forget(int fd);
void dmemu_copy(int from, int to);
void dmemu_forget_range(unsigned first, unsigned last);
int dmemu_classify(int dirfd, const char *path, char *canon, size_t len, char *abs, size_t abslen);
int dmemu_open(int kind, const char *canon, int flags);
int dmemu_stat_node(int kind, const char *canon, struct dmemu_node *n);
int dmemu_control_ioctl(int fd, struct dmemu_fd *e, unsigned long cmd, void *arg);
int dmemu_disk_ioctl(struct dmemu_fd *e, unsigned long cmd, void *arg);
ssize_t dmemu_read(struct dmemu_fd *e, void *buf, size_t n, int positional, int64_t off);
ssize_t dmemu_write(struct dmemu_fd *e, const void *buf, size_t n, int positional, int64_t off);
int64_t dmemu_seek(struct dmemu_fd *e, int64_t off, int whence);
int dmemu_fsync(struct dmemu_fd *e);
void dmemu_closed(uint64_t token);
int dmemu_errno(int netbsd_errno);

#endif
