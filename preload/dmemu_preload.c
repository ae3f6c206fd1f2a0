/*
 * dmemu exec: the libc entry points the preload library replaces.
 *
 * Each one asks whether its path or descriptor is an emulated node
 * (dmemu_classify, dmemu_entry) and otherwise calls the next definition
 * (REAL). Both ABIs of glibc are covered: the LFS "64" names, the fortified
 * __open_2/__read_chk family, the pre-2.33 __xstat family and statx.
 */
#include "dmemu_preload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

/* Declared by older glibc headers only. */
int __xstat(int, const char *, struct stat *);
int __lxstat(int, const char *, struct stat *);
int __fxstat(int, int, struct stat *);
int __fxstatat(int, int, const char *, struct stat *, int);
int __xstat64(int, const char *, struct stat64 *);
int __lxstat64(int, const char *, struct stat64 *);
int __fxstat64(int, int, struct stat64 *);
int __fxstatat64(int, int, const char *, struct stat64 *, int);
int __open_2(const char *, int);
int __open64_2(const char *, int);
int __openat_2(int, const char *, int);
int __openat64_2(int, const char *, int);
ssize_t __read_chk(int, void *, size_t, size_t);
ssize_t __pread_chk(int, void *, size_t, off_t, size_t);
ssize_t __pread64_chk(int, void *, size_t, off64_t, size_t);
int fcntl64(int, int, ...);

/* ------------------------------------------------------------ open */

/* open of a path: the emulated node, or -2 for "the host's file". */
static int
emulated_open(int dirfd, const char *path, int flags)
{
	char canon[4096], abs[4096];
	struct dmemu_node n;
	int kind = dmemu_classify(dirfd, path, canon, sizeof(canon), abs, sizeof(abs));

	if (kind == DMEMU_HOST)
		return -2;
	if (kind == DMEMU_MAYBE_DISK) {
		if (dmemu_stat_node(kind, canon, &n) != 0) {
			if (errno == 0)
				return -2;
			return -1;
		}
		kind = DMEMU_DISK;
	}
	return dmemu_open(kind, kind == DMEMU_CONTROL ? canon : abs, flags);
}

static int
host_opened(int fd)
{
	if (fd >= 0 && dmemu_known(fd)) {
		dmemu_lock();
		dmemu_forget(fd);
		dmemu_unlock();
	}
	return fd;
}

#define OPEN_MODE(flags, mode) do {                                     \
	if ((flags) & (O_CREAT | __O_TMPFILE)) {                        \
		va_list ap;                                             \
		va_start(ap, flags);                                    \
		mode = (mode_t)va_arg(ap, int);                         \
		va_end(ap);                                             \
	}                                                               \
} while (0)

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	OPEN_MODE(flags, mode);
	fd = emulated_open(AT_FDCWD, path, flags);
	return fd != -2 ? fd : host_opened(REAL(open)(path, flags, mode));
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	OPEN_MODE(flags, mode);
	fd = emulated_open(AT_FDCWD, path, flags);
	return fd != -2 ? fd : host_opened(REAL(open64)(path, flags, mode));
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	OPEN_MODE(flags, mode);
	fd = emulated_open(dirfd, path, flags);
	return fd != -2 ? fd : host_opened(REAL(openat)(dirfd, path, flags, mode));
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	OPEN_MODE(flags, mode);
	fd = emulated_open(dirfd, path, flags);
	return fd != -2 ? fd : host_opened(REAL(openat64)(dirfd, path, flags, mode));
}

int
__open_2(const char *path, int flags)
{
	int fd = emulated_open(AT_FDCWD, path, flags);

	return fd != -2 ? fd : host_opened(REAL(__open_2)(path, flags));
}

int
__open64_2(const char *path, int flags)
{
	int fd = emulated_open(AT_FDCWD, path, flags);

	return fd != -2 ? fd : host_opened(REAL(__open64_2)(path, flags));
}

int
__openat_2(int dirfd, const char *path, int flags)
{
	int fd = emulated_open(dirfd, path, flags);

	return fd != -2 ? fd : host_opened(REAL(__openat_2)(dirfd, path, flags));
}

int
__openat64_2(int dirfd, const char *path, int flags)
{
	int fd = emulated_open(dirfd, path, flags);

	return fd != -2 ? fd : host_opened(REAL(__openat64_2)(dirfd, path, flags));
}

/* ------------------------------------------------------------ stdio */

static int
mode_flags(const char *mode)
{
	int f = mode[0] == 'r' ? O_RDONLY : O_WRONLY | O_CREAT;

	if (strchr(mode, '+') != NULL)
		f = (f & ~O_ACCMODE) | O_RDWR;
	if (strchr(mode, 'e') != NULL)
		f |= O_CLOEXEC;
	if (strchr(mode, 'x') != NULL)
		f |= O_EXCL;
	return f;
}

static ssize_t
cookie_read(void *c, char *buf, size_t n)
{
	return read((int)(intptr_t)c, buf, n);
}

static ssize_t
cookie_write(void *c, const char *buf, size_t n)
{
	return write((int)(intptr_t)c, buf, n);
}

static int
cookie_seek(void *c, off64_t *off, int whence)
{
	off64_t r = lseek64((int)(intptr_t)c, *off, whence);

	if (r < 0)
		return -1;
	*off = r;
	return 0;
}

static int
cookie_close(void *c)
{
	return close((int)(intptr_t)c);
}

/*
 * A stream on an emulated node. The control node gets an ordinary stream
 * (its descriptor is what ioctl needs); a disk node a cookie stream whose
 * reads and writes come back through read/write below (glibc's own stdio
 * calls the kernel directly).
 */
static FILE *
emulated_fopen(const char *path, const char *mode, int *host)
{
	cookie_io_functions_t io = { cookie_read, cookie_write, cookie_seek, cookie_close };
	int fd = emulated_open(AT_FDCWD, path, mode_flags(mode));
	FILE *f;

	*host = fd == -2;
	if (fd < 0)
		return NULL;
	if (dmemu_entry(fd) != NULL && dmemu_entry(fd)->kind == DMEMU_CONTROL)
		f = fdopen(fd, mode);
	else
		f = fopencookie((void *)(intptr_t)fd, mode, io);
	if (f == NULL) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return f;
}

FILE *
fopen(const char *path, const char *mode)
{
	int host;
	FILE *f = emulated_fopen(path, mode, &host);

	return host ? REAL(fopen)(path, mode) : f;
}

FILE *
fopen64(const char *path, const char *mode)
{
	int host;
	FILE *f = emulated_fopen(path, mode, &host);

	return host ? REAL(fopen64)(path, mode) : f;
}

/* ------------------------------------------------------------ descriptors */

int
close(int fd)
{
	struct dmemu_fd *e = dmemu_entry(fd);
	uint64_t token = e != NULL && e->kind == DMEMU_DISK ? e->token : 0;
	int r;

	if (dmemu_known(fd)) {
		dmemu_lock();
		dmemu_forget(fd);
		dmemu_unlock();
	}
	r = REAL(close)(fd);
	if (r == 0 && token != 0)
		dmemu_closed(token);	/* the last close reaches the device before we return */
	return r;
}

int
close_range(unsigned first, unsigned last, int flags)
{
	int r = REAL(close_range)(first, last, flags);

	if (r == 0 && (flags & CLOSE_RANGE_CLOEXEC) == 0) {
		dmemu_lock();
		dmemu_forget_range(first, last);
		dmemu_unlock();
	}
	return r;
}

int
dup(int fd)
{
	int r = REAL(dup)(fd);

	if (r >= 0) {
		dmemu_lock();
		dmemu_copy(fd, r);
		dmemu_unlock();
	}
	return r;
}

static int
dup_to(int old, int new, int flags, int three)
{
	int r;

	dmemu_lock();
	if (old != new)
		dmemu_forget(new);	/* also our request connection, if the program takes its number */
	dmemu_unlock();
	r = three ? REAL(dup3)(old, new, flags) : REAL(dup2)(old, new);
	if (r >= 0) {
		dmemu_lock();
		dmemu_copy(old, r);
		dmemu_unlock();
	}
	return r;
}

int
dup2(int old, int new)
{
	return dup_to(old, new, 0, 0);
}

int
dup3(int old, int new, int flags)
{
	return dup_to(old, new, flags, 1);
}

static int
do_fcntl(int fd, int cmd, void *arg, int sixty_four)
{
	int r = sixty_four ? REAL(fcntl64)(fd, cmd, arg) : REAL(fcntl)(fd, cmd, arg);

	if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) {
		dmemu_lock();
		dmemu_copy(fd, r);
		dmemu_unlock();
	}
	return r;
}

int
fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(fd, cmd, arg, 0);
}

int
fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(fd, cmd, arg, 1);
}

/* ------------------------------------------------------------ stat */

/* The attributes of a device node as NetBSD shows them (root's, no size). */
#define FILL_STAT(st, n, path_hash) do {                                         \
	memset((st), 0, sizeof(*(st)));                                          \
	(st)->st_mode = ((n)->type == 1 ? S_IFBLK : S_IFCHR) | 0600;             \
	(st)->st_nlink = 1;                                                      \
	(st)->st_rdev = makedev((n)->major, (n)->minor);                         \
	(st)->st_ino = (path_hash);                                              \
	(st)->st_blksize = 2048;                                                 \
} while (0)

static unsigned long
node_hash(const struct dmemu_node *n)
{
	return 0x10000ul + (unsigned long)n->type * 0x1000000ul + n->major * 0x10000ul + n->minor;
}

/*
 * stat of a path: 1 and *n filled for an emulated node, 0 for the host's
 * file, -1 with errno for an emulated path that does not exist.
 */
static int
path_node(int dirfd, const char *path, struct dmemu_node *n)
{
	char canon[4096];
	int kind = dmemu_classify(dirfd, path, canon, sizeof(canon), NULL, 0);

	if (kind == DMEMU_HOST)
		return 0;
	if (dmemu_stat_node(kind, canon, n) == 0)
		return 1;
	return errno == 0 ? 0 : -1;
}

static int
fd_node(int fd, struct dmemu_node *n)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	if (e == NULL)
		return 0;
	n->type = e->type;
	n->major = e->major;
	n->minor = e->minor;
	return 1;
}

#define STAT_BY_PATH(dirfd, path, st, real_call) do {                         \
	struct dmemu_node n_;                                                    \
	int k_ = path_node((dirfd), (path), &n_);                                \
	if (k_ < 0)                                                              \
		return -1;                                                       \
	if (k_ == 0)                                                             \
		return (real_call);                                              \
	FILL_STAT((st), &n_, node_hash(&n_));                                    \
	return 0;                                                                \
} while (0)

#define STAT_BY_FD(fd, st, real_call) do {                                    \
	struct dmemu_node n_;                                                    \
	if (!fd_node((fd), &n_))                                                 \
		return (real_call);                                              \
	FILL_STAT((st), &n_, node_hash(&n_));                                    \
	return 0;                                                                \
} while (0)

int stat(const char *p, struct stat *st) { STAT_BY_PATH(AT_FDCWD, p, st, REAL(stat)(p, st)); }
int lstat(const char *p, struct stat *st) { STAT_BY_PATH(AT_FDCWD, p, st, REAL(lstat)(p, st)); }
int fstat(int fd, struct stat *st) { STAT_BY_FD(fd, st, REAL(fstat)(fd, st)); }
int stat64(const char *p, struct stat64 *st) { STAT_BY_PATH(AT_FDCWD, p, st, REAL(stat64)(p, st)); }
int lstat64(const char *p, struct stat64 *st) { STAT_BY_PATH(AT_FDCWD, p, st, REAL(lstat64)(p, st)); }
int fstat64(int fd, struct stat64 *st) { STAT_BY_FD(fd, st, REAL(fstat64)(fd, st)); }

int
fstatat(int dirfd, const char *p, struct stat *st, int flags)
{
	if ((flags & AT_EMPTY_PATH) && p[0] == '\0')
		STAT_BY_FD(dirfd, st, REAL(fstatat)(dirfd, p, st, flags));
	STAT_BY_PATH(dirfd, p, st, REAL(fstatat)(dirfd, p, st, flags));
}

int
fstatat64(int dirfd, const char *p, struct stat64 *st, int flags)
{
	if ((flags & AT_EMPTY_PATH) && p[0] == '\0')
		STAT_BY_FD(dirfd, st, REAL(fstatat64)(dirfd, p, st, flags));
	STAT_BY_PATH(dirfd, p, st, REAL(fstatat64)(dirfd, p, st, flags));
}

int __xstat(int v, const char *p, struct stat *st) { STAT_BY_PATH(AT_FDCWD, p, st, REAL(__xstat)(v, p, st)); }
int __lxstat(int v, const char *p, struct stat *st) { STAT_BY_PATH(AT_FDCWD, p, st, REAL(__lxstat)(v, p, st)); }
int __fxstat(int v, int fd, struct stat *st) { STAT_BY_FD(fd, st, REAL(__fxstat)(v, fd, st)); }
int __xstat64(int v, const char *p, struct stat64 *st) { STAT_BY_PATH(AT_FDCWD, p, st, REAL(__xstat64)(v, p, st)); }
int __lxstat64(int v, const char *p, struct stat64 *st) { STAT_BY_PATH(AT_FDCWD, p, st, REAL(__lxstat64)(v, p, st)); }
int __fxstat64(int v, int fd, struct stat64 *st) { STAT_BY_FD(fd, st, REAL(__fxstat64)(v, fd, st)); }

int
__fxstatat(int v, int dirfd, const char *p, struct stat *st, int flags)
{
	STAT_BY_PATH(dirfd, p, st, REAL(__fxstatat)(v, dirfd, p, st, flags));
}

int
__fxstatat64(int v, int dirfd, const char *p, struct stat64 *st, int flags)
{
	STAT_BY_PATH(dirfd, p, st, REAL(__fxstatat64)(v, dirfd, p, st, flags));
}

int
statx(int dirfd, const char *p, int flags, unsigned mask, struct statx *stx)
{
	struct dmemu_node n;
	int k;

	if ((flags & AT_EMPTY_PATH) && p[0] == '\0')
		k = fd_node(dirfd, &n);
	else
		k = path_node(dirfd, p, &n);
	if (k < 0)
		return -1;
	if (k == 0)
		return REAL(statx)(dirfd, p, flags, mask, stx);
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_GID | STATX_INO;
	stx->stx_mode = (unsigned short)((n.type == 1 ? S_IFBLK : S_IFCHR) | 0600);
	stx->stx_nlink = 1;
	stx->stx_ino = node_hash(&n);
	stx->stx_blksize = 2048;
	stx->stx_rdev_major = n.major;
	stx->stx_rdev_minor = n.minor;
	return 0;
}

/* The emulated nodes belong to root, and the program is root to the emulated kernel. */
int
access(const char *p, int mode)
{
	struct dmemu_node n;
	int k = path_node(AT_FDCWD, p, &n);

	return k < 0 ? -1 : k > 0 ? 0 : REAL(access)(p, mode);
}

int
faccessat(int dirfd, const char *p, int mode, int flags)
{
	struct dmemu_node n;
	int k = path_node(dirfd, p, &n);

	return k < 0 ? -1 : k > 0 ? 0 : REAL(faccessat)(dirfd, p, mode, flags);
}

int
euidaccess(const char *p, int mode)
{
	struct dmemu_node n;
	int k = path_node(AT_FDCWD, p, &n);

	return k < 0 ? -1 : k > 0 ? 0 : REAL(euidaccess)(p, mode);
}

int
eaccess(const char *p, int mode)
{
	return euidaccess(p, mode);
}

/* ------------------------------------------------------------ I/O */

/*
 * read/write on the control node: dmread/dmwrite -> physio -> dmstrategy,
 * which finds no device for minor 0 and fails the buf with EIO.
 */
static ssize_t
control_rw(size_t n)
{
	if (n == 0)
		return 0;
	errno = EIO;
	return -1;
}

ssize_t
read(int fd, void *buf, size_t n)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	if (e == NULL)
		return REAL(read)(fd, buf, n);
	if (e->kind == DMEMU_CONTROL)
		return control_rw(n);
	return dmemu_read(e, buf, n, 0, 0);
}

ssize_t
__read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	if (e == NULL)
		return REAL(__read_chk)(fd, buf, n, buflen);
	return read(fd, buf, n < buflen ? n : buflen);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	if (e == NULL)
		return REAL(write)(fd, buf, n);
	if (e->kind == DMEMU_CONTROL)
		return control_rw(n);
	return dmemu_write(e, buf, n, 0, 0);
}

static ssize_t
do_pread(int fd, void *buf, size_t n, int64_t off, int sixty_four)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	if (e == NULL)
		return sixty_four ? REAL(pread64)(fd, buf, n, (off64_t)off) : REAL(pread)(fd, buf, n, (off_t)off);
	if (e->kind == DMEMU_CONTROL)
		return control_rw(n);
	return dmemu_read(e, buf, n, 1, off);
}

static ssize_t
do_pwrite(int fd, const void *buf, size_t n, int64_t off, int sixty_four)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	if (e == NULL)
		return sixty_four ? REAL(pwrite64)(fd, buf, n, (off64_t)off) : REAL(pwrite)(fd, buf, n, (off_t)off);
	if (e->kind == DMEMU_CONTROL)
		return control_rw(n);
	return dmemu_write(e, buf, n, 1, off);
}

ssize_t pread(int fd, void *b, size_t n, off_t o) { return do_pread(fd, b, n, o, 0); }
ssize_t pread64(int fd, void *b, size_t n, off64_t o) { return do_pread(fd, b, n, o, 1); }
ssize_t pwrite(int fd, const void *b, size_t n, off_t o) { return do_pwrite(fd, b, n, o, 0); }
ssize_t pwrite64(int fd, const void *b, size_t n, off64_t o) { return do_pwrite(fd, b, n, o, 1); }

ssize_t
__pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	if (dmemu_entry(fd) == NULL)
		return REAL(__pread_chk)(fd, buf, n, off, buflen);
	return do_pread(fd, buf, n < buflen ? n : buflen, off, 0);
}

ssize_t
__pread64_chk(int fd, void *buf, size_t n, off64_t off, size_t buflen)
{
	if (dmemu_entry(fd) == NULL)
		return REAL(__pread64_chk)(fd, buf, n, off, buflen);
	return do_pread(fd, buf, n < buflen ? n : buflen, off, 1);
}

/* readv/writev and the positional forms: one transfer per buffer, stopping short as the kernel's uio does. */
static ssize_t
vector_io(struct dmemu_fd *e, const struct iovec *iov, int cnt, int writing, int positional, int64_t off)
{
	ssize_t total = 0;

	if (cnt < 0 || cnt > 1024) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < cnt; i++) {
		ssize_t r;

		if (iov[i].iov_len == 0)
			continue;
		if (e->kind == DMEMU_CONTROL)
			r = control_rw(iov[i].iov_len);
		else if (writing)
			r = dmemu_write(e, iov[i].iov_base, iov[i].iov_len, positional, off + total);
		else
			r = dmemu_read(e, iov[i].iov_base, iov[i].iov_len, positional, off + total);
		if (r < 0)
			return total > 0 ? total : -1;
		total += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return total;
}

ssize_t
readv(int fd, const struct iovec *iov, int cnt)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	return e == NULL ? REAL(readv)(fd, iov, cnt) : vector_io(e, iov, cnt, 0, 0, 0);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	return e == NULL ? REAL(writev)(fd, iov, cnt) : vector_io(e, iov, cnt, 1, 0, 0);
}

ssize_t
preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	return e == NULL ? REAL(preadv)(fd, iov, cnt, off) : vector_io(e, iov, cnt, 0, 1, off);
}

ssize_t
pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	return e == NULL ? REAL(pwritev)(fd, iov, cnt, off) : vector_io(e, iov, cnt, 1, 1, off);
}

ssize_t
preadv64(int fd, const struct iovec *iov, int cnt, off64_t off)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	return e == NULL ? REAL(preadv64)(fd, iov, cnt, off) : vector_io(e, iov, cnt, 0, 1, off);
}

ssize_t
pwritev64(int fd, const struct iovec *iov, int cnt, off64_t off)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	return e == NULL ? REAL(pwritev64)(fd, iov, cnt, off) : vector_io(e, iov, cnt, 1, 1, off);
}

off_t
lseek(int fd, off_t off, int whence)
{
	struct dmemu_fd *e = dmemu_entry(fd);
	int64_t r;

	if (e == NULL)
		return REAL(lseek)(fd, off, whence);
	r = e->kind == DMEMU_CONTROL ? 0 : dmemu_seek(e, off, whence);
	if (r > 0 && (int64_t)(off_t)r != r) {
		errno = EOVERFLOW;
		return -1;
	}
	return (off_t)r;
}

off64_t
lseek64(int fd, off64_t off, int whence)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	if (e == NULL)
		return REAL(lseek64)(fd, off, whence);
	return e->kind == DMEMU_CONTROL ? 0 : dmemu_seek(e, off, whence);
}

int
fsync(int fd)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	if (e == NULL)
		return REAL(fsync)(fd);
	return e->kind == DMEMU_CONTROL ? 0 : dmemu_fsync(e);
}

int
fdatasync(int fd)
{
	struct dmemu_fd *e = dmemu_entry(fd);

	if (e == NULL)
		return REAL(fdatasync)(fd);
	return e->kind == DMEMU_CONTROL ? 0 : dmemu_fsync(e);
}

/* ------------------------------------------------------------ ioctl */

int
ioctl(int fd, unsigned long cmd, ...)
{
	struct dmemu_fd *e = dmemu_entry(fd);
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	/* The descriptor-level ioctls (Linux numbers) act on the socket itself. */
	if (e == NULL || cmd == FIOCLEX || cmd == FIONCLEX || cmd == FIONBIO || cmd == FIOASYNC)
		return REAL(ioctl)(fd, cmd, arg);
	if (e->kind == DMEMU_CONTROL)
		return dmemu_control_ioctl(fd, e, cmd, arg);
	return dmemu_disk_ioctl(e, cmd, arg);
}
