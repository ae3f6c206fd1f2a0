/*
 * dmemu exec: the descriptor table and the two daemon protocols.
 *
 * Control socket (ControlServer.java): request = u32 cmd, u32 len, the bytes
 * at pref_plist; reply = i32 errno, u32 len, the copied-out plist with its NUL.
 * Block-I/O socket (BlockIoProto.java): 32-byte request header (op, arg,
 * token, offset, count, payload length), 16-byte reply header (errno, payload
 * length, value). All integers big-endian; errnos are NetBSD's.
 *
 * Requests on an open disk node go over one private connection per process
 * (reconnected after fork), so a parent and a child never read each other's
 * replies; the program's descriptor itself only holds the open file alive.
 */
#include "dmemu_preload.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <dirent.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static struct dmemu_fd table[DMEMU_MAXFD];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned generation;		/* bumped in every forked child */
static int req_fd = -1;			/* this process's block-I/O request connection */
static uint64_t req_ino;
static unsigned req_gen;
static char control_path[108], bio_path[108], log_dir[4096];
static unsigned log_hint;

void *
dmemu_next(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (p == NULL) {
		static const char msg[] = "dmemu preload: a libc function is missing\n";
		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	return p;
}

void dmemu_lock(void) { pthread_mutex_lock(&lock); }
void dmemu_unlock(void) { pthread_mutex_unlock(&lock); }

static void before_fork(void) { pthread_mutex_lock(&lock); }
static void parent_after_fork(void) { pthread_mutex_unlock(&lock); }

static void
child_after_fork(void)
{
	/* The parent's request connection stays the parent's. */
	generation++;
	if (req_fd >= 0)
		REAL(close)(req_fd);
	req_fd = -1;
	pthread_mutex_unlock(&lock);
}

static void
copy_env(const char *name, char *dst, size_t len)
{
	const char *v = getenv(name);

	if (v != NULL && strlen(v) < len)
		strcpy(dst, v);
}

static void adopt_inherited(void);

__attribute__((constructor)) static void
dmemu_init(void)
{
	copy_env("DMEMU_CONTROL", control_path, sizeof(control_path));
	copy_env("DMEMU_BLOCKIO", bio_path, sizeof(bio_path));
	copy_env("DMEMU_EXEC_LOG", log_dir, sizeof(log_dir));
	pthread_atfork(before_fork, parent_after_fork, child_after_fork);
	if (control_path[0] != '\0')
		adopt_inherited();
}

/* ------------------------------------------------------------ descriptors */

static uint64_t
inode_of(int fd)
{
	struct stat st;

	if (REAL(fstat)(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return 0;
	return (uint64_t)st.st_ino;
}

/*
 * The entry of an emulated descriptor, or NULL. An entry whose socket is gone
 * (closed by close_range, a raw system call ...) is dropped here.
 */
struct dmemu_fd *
dmemu_entry(int fd)
{
	struct dmemu_fd *e;

	if (fd < 0 || fd >= DMEMU_MAXFD || table[fd].kind == 0)
		return NULL;
	e = &table[fd];
	if (inode_of(fd) != e->ino) {
		memset(e, 0, sizeof(*e));
		return NULL;
	}
	return e;
}

/* Whether fd has anything to forget (no lock needed to ask). */
int
dmemu_known(int fd)
{
	return fd == req_fd || (fd >= 0 && fd < DMEMU_MAXFD && table[fd].kind != 0);
}

void
dmemu_forget(int fd)
{
	if (fd == req_fd)
		req_fd = -1;
	if (fd >= 0 && fd < DMEMU_MAXFD)
		memset(&table[fd], 0, sizeof(table[fd]));
}

void
dmemu_copy(int from, int to)
{
	if (to < 0 || to >= DMEMU_MAXFD || from == to)
		return;
	if (from >= 0 && from < DMEMU_MAXFD)
		table[to] = table[from];
	else
		memset(&table[to], 0, sizeof(table[to]));
}

void
dmemu_forget_range(unsigned first, unsigned last)
{
	for (unsigned fd = first; fd <= last && fd < DMEMU_MAXFD; fd++)
		dmemu_forget((int)fd);
}

/* ------------------------------------------------------------ paths */

static int
is_disk_name(const char *n)
{
	const char *p = n;

	if (*p == 'r')
		p++;
	if (*p < 'a' || *p > 'z')
		return 0;
	while (*p >= 'a' && *p <= 'z')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return p[0] >= 'a' && p[0] <= 'p' && p[1] == '\0';
}

/*
 * What `path` (relative to dirfd) names, judged lexically: canon gets the
 * absolute path with "", "." and ".." resolved, abs (if not NULL) the
 * absolute path as spelled.
 */
int
dmemu_classify(int dirfd, const char *path, char *canon, size_t len, char *abs, size_t abslen)
{
	char buf[4096];
	size_t o = 0;

	if (path == NULL || path[0] == '\0' || control_path[0] == '\0')
		return DMEMU_HOST;
	if (path[0] != '/') {
		if (dirfd == AT_FDCWD) {
			if (getcwd(buf, sizeof(buf)) == NULL)
				return DMEMU_HOST;
		} else {
			char link[64];
			ssize_t n;

			snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
			n = readlink(link, buf, sizeof(buf) - 1);
			if (n < 0)
				return DMEMU_HOST;
			buf[n] = '\0';
		}
		if (strncmp(buf, "/dev", 4) != 0 || (buf[4] != '\0' && buf[4] != '/'))
			return DMEMU_HOST;
		if (strlen(buf) + strlen(path) + 2 > sizeof(buf))
			return DMEMU_HOST;
		strcat(buf, "/");
		strcat(buf, path);
	} else {
		if (strncmp(path, "/", 1) != 0 || strlen(path) >= sizeof(buf))
			return DMEMU_HOST;
		strcpy(buf, path);
	}
	if (abs != NULL) {
		if (strlen(buf) >= abslen)
			return DMEMU_HOST;
		strcpy(abs, buf);	/* as spelled: the daemon's namei judges it */
	}
	/* Collapse components into canon. */
	for (char *s = buf; *s != '\0';) {
		char *c;
		size_t n;

		while (*s == '/')
			s++;
		c = s;
		while (*s != '\0' && *s != '/')
			s++;
		n = (size_t)(s - c);
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			while (o > 0 && canon[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			continue;
		}
		if (o + n + 2 > len)
			return DMEMU_HOST;
		canon[o++] = '/';
		memcpy(canon + o, c, n);
		o += n;
	}
	if (o == 0)
		canon[o++] = '/';
	canon[o] = '\0';
	if (strcmp(canon, "/dev/mapper/control") == 0)
		return DMEMU_CONTROL;
	if (strncmp(canon, "/dev/mapper/", 12) == 0 || strncmp(canon, "/dev/rmapper/", 13) == 0)
		return DMEMU_DISK;
	if (strncmp(canon, "/dev/", 5) == 0 && strchr(canon + 5, '/') == NULL && is_disk_name(canon + 5))
		return DMEMU_MAYBE_DISK;
	return DMEMU_HOST;
}

/* ------------------------------------------------------------ sockets */

static uint64_t
random64(void)
{
	uint64_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&v;
	return v != 0 ? v : 1;
}

/*
 * A connection to the daemon. A descriptor handed to the program is bound to
 * an abstract name first ("dmemu-ctl-" or "dmemu-bio-" and 16 hex digits, the
 * latter the open file's token), so that a program exec'd with it inherited
 * can tell it is ours (adopt_inherited).
 */
static int
connect_to(const char *path, int cloexec, const char *kind, uint64_t id)
{
	struct sockaddr_un a;
	int s;

	if (path[0] == '\0')
		return -1;
	s = socket(AF_UNIX, SOCK_STREAM | (cloexec ? SOCK_CLOEXEC : 0), 0);
	if (s < 0)
		return -1;
	if (kind != NULL) {
		char name[40];
		int n = snprintf(name, sizeof(name), "dmemu-%s-%016llx", kind, (unsigned long long)id);

		memset(&a, 0, sizeof(a));
		a.sun_family = AF_UNIX;
		memcpy(a.sun_path + 1, name, (size_t)n);
		if (bind(s, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n)) != 0) {
			REAL(close)(s);
			return -1;
		}
	}
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	strncpy(a.sun_path, path, sizeof(a.sun_path) - 1);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) != 0) {
		REAL(close)(s);
		return -1;
	}
	return s;
}

static int
send_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
recv_all(int fd, void *p, size_t n)
{
	char *c = p;

	while (n > 0) {
		ssize_t r = recv(fd, c, n, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

static void
put32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

static void
put64(unsigned char *b, uint64_t v)
{
	put32(b, (uint32_t)(v >> 32));
	put32(b + 4, (uint32_t)v);
}

static uint32_t
get32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t
get64(const unsigned char *b)
{
	return (uint64_t)get32(b) << 32 | get32(b + 4);
}

/* One block-I/O frame: returns the NetBSD errno (EIO if the daemon is gone). */
struct bio_reply {
	int error;
	uint64_t value;
	uint32_t len;
};

static int
bio_call(int fd, uint32_t op, uint32_t arg, uint64_t token, uint64_t off, uint32_t count,
    const void *payload, uint32_t plen, void *out, uint32_t outmax, struct bio_reply *r)
{
	unsigned char h[32], rh[16];

	put32(h, op);
	put32(h + 4, arg);
	put64(h + 8, token);
	put64(h + 16, off);
	put32(h + 24, count);
	put32(h + 28, plen);
	r->error = 5;
	r->value = 0;
	r->len = 0;
	if (send_all(fd, h, sizeof(h)) != 0 || (plen > 0 && send_all(fd, payload, plen) != 0))
		return -1;
	if (recv_all(fd, rh, sizeof(rh)) != 0)
		return -1;
	r->error = (int)get32(rh);
	r->len = get32(rh + 4);
	r->value = get64(rh + 8);
	if (r->len > outmax) {
		/* Never expected: read and drop the excess. */
		char junk[512];
		uint32_t left = r->len - outmax;

		if (outmax > 0 && recv_all(fd, out, outmax) != 0)
			return -1;
		while (left > 0) {
			uint32_t n = left < sizeof(junk) ? left : (uint32_t)sizeof(junk);

			if (recv_all(fd, junk, n) != 0)
				return -1;
			left -= n;
		}
		r->len = outmax;
		return 0;
	}
	return r->len > 0 ? recv_all(fd, out, r->len) : 0;
}

/* This process's request connection (call with the lock held). */
static int
request_fd(void)
{
	if (req_fd >= 0 && req_gen == generation && inode_of(req_fd) == req_ino)
		return req_fd;
	req_fd = connect_to(bio_path, 1, NULL, 0);
	if (req_fd < 0)
		return -1;
	/* Keep it out of the way of programs that expect the lowest free number. */
	int high = REAL(fcntl)(req_fd, F_DUPFD_CLOEXEC, 512);
	if (high >= 0) {
		REAL(close)(req_fd);
		req_fd = high;
	}
	req_ino = inode_of(req_fd);
	req_gen = generation;
	return req_fd;
}

#define BIO_STAT 1
#define BIO_OPEN 2
#define BIO_READ 3
#define BIO_WRITE 4
#define BIO_SEEK 5
#define BIO_IOCTL 6
#define BIO_FSYNC 7
#define BIO_CLOSED 8
#define BIO_MAX (1024u * 1024u)

static void
node_from(const unsigned char *b, struct dmemu_node *n)
{
	n->type = get32(b);
	n->major = get32(b + 4);
	n->minor = get32(b + 8);
}

/*
 * stat of a node by path: 0, or -1 with errno. A DMEMU_MAYBE_DISK path the
 * daemon does not know answers ENOENT with errno set to 0 ("the host's").
 */
int
dmemu_stat_node(int kind, const char *canon, struct dmemu_node *n)
{
	unsigned char b[12];
	struct bio_reply r;
	int fd, rc;

	if (kind == DMEMU_CONTROL) {
		n->type = 2;
		n->major = DM_CMAJOR;
		n->minor = 0;
		return 0;
	}
	dmemu_lock();
	fd = request_fd();
	rc = fd < 0 ? -1 : bio_call(fd, BIO_STAT, 0, 0, 0, 0, canon, (uint32_t)strlen(canon), b, sizeof(b), &r);
	if (rc != 0 && fd >= 0) {
		REAL(close)(fd);
		req_fd = -1;
	}
	dmemu_unlock();
	if (rc != 0) {
		errno = kind == DMEMU_MAYBE_DISK ? 0 : ENXIO;
		return -1;
	}
	if (r.error != 0) {
		errno = kind == DMEMU_MAYBE_DISK && r.error == 2 ? 0 : dmemu_errno(r.error);
		return -1;
	}
	node_from(b, n);
	return 0;
}

/* open of an emulated node: the new descriptor or -1 with errno. */
int
dmemu_open(int kind, const char *canon, int flags)
{
	unsigned char b[12];
	struct bio_reply r;
	struct dmemu_node n;
	uint64_t token;
	int s, acc = flags & O_ACCMODE;
	uint32_t fflag = acc == O_RDONLY ? 1 : acc == O_WRONLY ? 2 : 3;

	if (flags & O_DIRECTORY) {
		errno = ENOTDIR;
		return -1;
	}
	token = random64();
	s = connect_to(kind == DMEMU_CONTROL ? control_path : bio_path, (flags & O_CLOEXEC) != 0,
	    kind == DMEMU_CONTROL ? "ctl" : "bio", token);
	if (s < 0) {
		errno = ENXIO;
		return -1;
	}
	if (s >= DMEMU_MAXFD) {
		REAL(close)(s);
		errno = EMFILE;
		return -1;
	}
	if (kind == DMEMU_CONTROL) {
		n.type = 2;
		n.major = DM_CMAJOR;
		n.minor = 0;
		r.value = 0;
	} else {
		/* The token is ours: it names the connection (connect_to) and the open file. */
		if (bio_call(s, BIO_OPEN, fflag, token, 0, 0, canon, (uint32_t)strlen(canon), b, sizeof(b), &r) != 0) {
			REAL(close)(s);
			errno = EIO;
			return -1;
		}
		if (r.error != 0) {
			REAL(close)(s);
			errno = dmemu_errno(r.error);
			return -1;
		}
		node_from(b, &n);
	}
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		REAL(close)(s);
		errno = EEXIST;
		return -1;
	}
	dmemu_lock();
	table[s].kind = (unsigned char)(kind == DMEMU_CONTROL ? DMEMU_CONTROL : DMEMU_DISK);
	table[s].type = (unsigned char)n.type;
	table[s].gen = generation;
	table[s].token = r.value;
	table[s].major = n.major;
	table[s].minor = n.minor;
	table[s].ino = inode_of(s);
	dmemu_unlock();
	return s;
}

/* ------------------------------------------------------------ user memory */

/* copyin/copyout: EFAULT instead of a crash for a bad user pointer. */
static int
user_copy(void *dst, const void *src, size_t n, int to_user)
{
	struct iovec local, remote;
	ssize_t r;

	if (n == 0)
		return 0;
	local.iov_base = to_user ? (void *)(uintptr_t)src : dst;
	local.iov_len = n;
	remote.iov_base = to_user ? dst : (void *)(uintptr_t)src;
	remote.iov_len = n;
	r = to_user ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
	    : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (r == (ssize_t)n)
		return 0;
	if (r < 0 && (errno == ENOSYS || errno == EPERM)) {
		memcpy(dst, src, n);	/* no process_vm_*: trust the pointer */
		return 0;
	}
	return -1;
}

/* The struct plistref of either layout. */
static int
get_pref(unsigned long cmd, void *arg, uint64_t *ptr, uint64_t *len)
{
	if (cmd == DM_IOCTL_ILP32 || cmd == DIOCGDISKINFO_ILP32) {
		uint32_t p[2];

		if (user_copy(p, arg, sizeof(p), 0) != 0)
			return -1;
		*ptr = p[0];
		*len = p[1];
	} else {
		uint64_t p[2];

		if (user_copy(p, arg, sizeof(p), 0) != 0)
			return -1;
		*ptr = p[0];
		*len = p[1];
	}
	return 0;
}

/*
 * prop_dictionary_copyout_ioctl: a fresh anonymous mapping holding the reply
 * (its NUL included), pref_plist and pref_len set. ILP32 layout: the mapping
 * must be addressable with 32 bits.
 */
static int
put_pref(unsigned long cmd, void *arg, const void *data, size_t len)
{
	int ilp32 = cmd == DM_IOCTL_ILP32 || cmd == DIOCGDISKINFO_ILP32;
	int extra = 0;
	void *m;

#ifdef MAP_32BIT
	if (ilp32 && sizeof(void *) == 8)
		extra = MAP_32BIT;
#endif
	m = mmap(NULL, len == 0 ? 1 : len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
	if (m == MAP_FAILED) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(m, data, len);
	if (ilp32) {
		uint32_t p[2] = { (uint32_t)(uintptr_t)m, (uint32_t)len };

		if (user_copy(arg, p, sizeof(p), 1) == 0)
			return 0;
	} else {
		uint64_t p[2] = { (uint64_t)(uintptr_t)m, (uint64_t)len };

		if (user_copy(arg, p, sizeof(p), 1) == 0)
			return 0;
	}
	munmap(m, len == 0 ? 1 : len);
	errno = EFAULT;
	return -1;
}

/* ------------------------------------------------------------ the log */

static const char *
nb_errname(int e)
{
	static const char *const names[] = {
		[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO",
		[6] = "ENXIO", [7] = "E2BIG", [9] = "EBADF", [12] = "ENOMEM", [13] = "EACCES",
		[14] = "EFAULT", [15] = "ENOTBLK", [16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV",
		[19] = "ENODEV", [20] = "ENOTDIR", [21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE",
		[24] = "EMFILE", [25] = "ENOTTY", [27] = "EFBIG", [28] = "ENOSPC", [29] = "ESPIPE",
		[30] = "EROFS", [32] = "EPIPE", [34] = "ERANGE", [35] = "EAGAIN", [45] = "EOPNOTSUPP",
		[63] = "ENAMETOOLONG", [78] = "ENOSYS", [79] = "EFTYPE", [84] = "EOVERFLOW",
		[86] = "ENOTSUP",
	};

	if (e > 0 && e < (int)(sizeof(names) / sizeof(names[0])) && names[e] != NULL)
		return names[e];
	return "E?";
}

static void
write_file(const char *path, const void *p, size_t n)
{
	int fd = REAL(open)(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return;
	(void)!REAL(write)(fd, p, n);
	REAL(close)(fd);
}

/* --log: NNNNNN.request (the bytes at pref_plist); returns the number or 0. */
static unsigned
log_request(const void *p, size_t n)
{
	char path[4200];

	if (log_dir[0] == '\0')
		return 0;
	for (unsigned tries = 0; tries < 1000000; tries++) {
		unsigned k = ++log_hint;
		int fd;

		snprintf(path, sizeof(path), "%s/%06u.request", log_dir, k);
		fd = REAL(open)(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			if (errno == EEXIST)
				continue;
			return 0;
		}
		(void)!REAL(write)(fd, p, n);
		REAL(close)(fd);
		return k;
	}
	return 0;
}

/* NNNNNN.reply: the copied-out bytes, or "errno N NAME". */
static void
log_reply(unsigned k, int error, const void *p, size_t n)
{
	char path[4200];

	if (k == 0)
		return;
	snprintf(path, sizeof(path), "%s/%06u.reply", log_dir, k);
	if (error != 0) {
		char line[64];
		int m = snprintf(line, sizeof(line), "errno %d %s\n", error, nb_errname(error));

		write_file(path, line, (size_t)m);
	} else {
		write_file(path, p, n);
	}
}

/* ------------------------------------------------------------ ioctl */

/* A fork's child gets its own control connection, on the same descriptor. */
static int
control_fd(int fd, struct dmemu_fd *e)
{
	int s, flags;

	if (e->gen == generation)
		return fd;
	s = connect_to(control_path, 1, "ctl", random64());
	if (s < 0)
		return -1;
	flags = REAL(fcntl)(fd, F_GETFD);
	if (REAL(dup3)(s, fd, (flags >= 0 && (flags & FD_CLOEXEC)) ? O_CLOEXEC : 0) < 0) {
		REAL(close)(s);
		return -1;
	}
	REAL(close)(s);
	e->gen = generation;
	e->ino = inode_of(fd);
	return fd;
}

/* ioctl on /dev/mapper/control: 0, or -1 with errno. */
int
dmemu_control_ioctl(int fd, struct dmemu_fd *e, unsigned long cmd, void *arg)
{
	static const size_t max_frame = 128 * 1024 + 4096;	/* ControlServer.MAX_FRAME */
	uint64_t ptr = 0, len = 0;
	unsigned char h[8];
	char *req = NULL, *rep = NULL;
	uint32_t rlen = 0;
	int err, c, plist = cmd == DM_IOCTL_LP64 || cmd == DM_IOCTL_ILP32;
	unsigned k;

	if (plist) {
		if (get_pref(cmd, arg, &ptr, &len) != 0) {
			errno = EFAULT;
			return -1;
		}
		if (len > max_frame) {
			errno = E2BIG;	/* what the kernel's copyin answers for >= 128 KiB */
			return -1;
		}
		req = malloc(len ? len : 1);
		if (req == NULL) {
			errno = ENOMEM;
			return -1;
		}
		if (user_copy(req, (void *)(uintptr_t)ptr, len, 0) != 0) {
			free(req);
			errno = EFAULT;
			return -1;
		}
	}
	k = log_request(req, len);
	dmemu_lock();
	c = control_fd(fd, e);
	/* The kernel is LP64: an ILP32 request is translated, as compat_netbsd32 does. */
	put32(h, plist ? DM_IOCTL_LP64 : (uint32_t)cmd);
	put32(h + 4, (uint32_t)len);
	if (c < 0 || send_all(c, h, 8) != 0 || (len > 0 && send_all(c, req, len) != 0)
	    || recv_all(c, h, 8) != 0) {
		dmemu_unlock();
		free(req);
		errno = EIO;
		return -1;
	}
	err = (int)get32(h);
	rlen = get32(h + 4);
	if (rlen > 0) {
		rep = malloc(rlen);
		if (rep == NULL || recv_all(c, rep, rlen) != 0) {
			dmemu_unlock();
			free(req);
			free(rep);
			errno = EIO;
			return -1;
		}
	}
	dmemu_unlock();
	free(req);
	log_reply(k, err, rep, rlen);
	if (err != 0) {
		free(rep);
		errno = dmemu_errno(err);
		return -1;
	}
	if (plist && put_pref(cmd, arg, rep, rlen) != 0) {
		free(rep);
		return -1;
	}
	free(rep);
	return 0;
}

/* A disk ioctl on a dm or disk node: the argument copied in and out as the kernel does. */
int
dmemu_disk_ioctl(struct dmemu_fd *e, unsigned long cmd, void *arg)
{
	uint32_t c = (uint32_t)cmd, n = NB_IOCPARM_LEN(c);
	unsigned char in[8192], *out;
	struct bio_reply r;
	int fd, rc, pref = c == DIOCGDISKINFO_LP64 || c == DIOCGDISKINFO_ILP32;

	if (c == DIOCGDISKINFO_ILP32)
		c = DIOCGDISKINFO_LP64;
	if (n > sizeof(in))
		n = sizeof(in);
	if ((c & NB_IOC_IN) && n > 0 && user_copy(in, arg, n, 0) != 0) {
		errno = EFAULT;
		return -1;
	}
	out = malloc(BIO_MAX);
	if (out == NULL) {
		errno = ENOMEM;
		return -1;
	}
	dmemu_lock();
	fd = request_fd();
	rc = fd < 0 ? -1 : bio_call(fd, BIO_IOCTL, c, e->token, 0, 0, in, (c & NB_IOC_IN) ? n : 0, out, BIO_MAX, &r);
	dmemu_unlock();
	if (rc != 0 || r.error != 0) {
		free(out);
		errno = rc != 0 ? EIO : dmemu_errno(r.error);
		return -1;
	}
	if (pref) {
		rc = put_pref(cmd, arg, out, r.len);
	} else if ((c & NB_IOC_OUT) && n > 0) {
		if (r.len < n)
			memset(out + r.len, 0, n - r.len);
		rc = user_copy(arg, out, n, 1);
		if (rc != 0)
			errno = EFAULT;
	}
	free(out);
	return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ read/write */

static ssize_t
transfer(struct dmemu_fd *e, int op, void *buf, size_t n, int positional, int64_t off)
{
	size_t done = 0;

	do {
		uint32_t chunk = n - done > BIO_MAX ? BIO_MAX : (uint32_t)(n - done);
		struct bio_reply r;
		int fd, rc;

		dmemu_lock();
		fd = request_fd();
		if (op == BIO_READ)
			rc = fd < 0 ? -1 : bio_call(fd, BIO_READ, positional ? 1 : 0, e->token,
			    (uint64_t)(off + (int64_t)done), chunk, NULL, 0, (char *)buf + done, chunk, &r);
		else
			rc = fd < 0 ? -1 : bio_call(fd, BIO_WRITE, positional ? 1 : 0, e->token,
			    (uint64_t)(off + (int64_t)done), 0, (char *)buf + done, chunk, NULL, 0, &r);
		if (rc != 0 && fd >= 0) {
			REAL(close)(fd);
			req_fd = -1;
		}
		dmemu_unlock();
		if (rc != 0 || r.error != 0) {
			if (done > 0)
				break;
			errno = rc != 0 ? EIO : dmemu_errno(r.error);
			return -1;
		}
		done += (size_t)r.value;
		if (r.value < chunk)
			break;
	} while (done < n);
	return (ssize_t)done;
}

ssize_t
dmemu_read(struct dmemu_fd *e, void *buf, size_t n, int positional, int64_t off)
{
	return transfer(e, BIO_READ, buf, n, positional, off);
}

ssize_t
dmemu_write(struct dmemu_fd *e, const void *buf, size_t n, int positional, int64_t off)
{
	return transfer(e, BIO_WRITE, (void *)(uintptr_t)buf, n, positional, off);
}

static int
simple_call(struct dmemu_fd *e, uint32_t op, uint32_t arg, int64_t off, uint64_t *value)
{
	struct bio_reply r;
	int fd, rc;

	dmemu_lock();
	fd = request_fd();
	rc = fd < 0 ? -1 : bio_call(fd, op, arg, e->token, (uint64_t)off, 0, NULL, 0, NULL, 0, &r);
	dmemu_unlock();
	if (rc != 0 || r.error != 0) {
		errno = rc != 0 ? EIO : dmemu_errno(r.error);
		return -1;
	}
	*value = r.value;
	return 0;
}

int64_t
dmemu_seek(struct dmemu_fd *e, int64_t off, int whence)
{
	uint64_t v;

	if (whence < 0 || whence > 2) {
		errno = EINVAL;
		return -1;
	}
	return simple_call(e, BIO_SEEK, (uint32_t)whence, off, &v) == 0 ? (int64_t)v : -1;
}

int
dmemu_fsync(struct dmemu_fd *e)
{
	uint64_t v;

	return simple_call(e, BIO_FSYNC, 0, 0, &v);
}

/* After a close: lets the daemon run the device's close now if it was the last one. */
void
dmemu_closed(uint64_t token)
{
	struct dmemu_fd e;
	uint64_t v;
	int saved = errno;

	memset(&e, 0, sizeof(e));
	e.token = token;
	(void)simple_call(&e, BIO_CLOSED, 0, 0, &v);
	errno = saved;
}

/*
 * After execve: the emulated descriptors this program inherited are sockets
 * bound to our abstract names; take them back into the table. A control
 * connection may still be in use by the parent: it is replaced at first use.
 */
static void
adopt_inherited(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct sockaddr_un a;
		socklen_t len = sizeof(a);
		size_t off = offsetof(struct sockaddr_un, sun_path) + 1;
		char *end;
		int fd = (int)strtol(de->d_name, &end, 10);
		int ctl;
		uint64_t id;

		if (*end != '\0' || fd < 0 || fd >= DMEMU_MAXFD || fd == dirfd(d))
			continue;
		if (getsockname(fd, (struct sockaddr *)&a, &len) != 0 || a.sun_family != AF_UNIX
		    || len != off + 26 || a.sun_path[0] != '\0')
			continue;
		if (memcmp(a.sun_path + 1, "dmemu-ctl-", 10) == 0)
			ctl = 1;
		else if (memcmp(a.sun_path + 1, "dmemu-bio-", 10) == 0)
			ctl = 0;
		else
			continue;
		{
			char hex[17];

			memcpy(hex, a.sun_path + 11, 16);
			hex[16] = '\0';
			id = strtoull(hex, NULL, 16);
		}
		memset(&table[fd], 0, sizeof(table[fd]));
		table[fd].ino = inode_of(fd);
		if (ctl) {
			table[fd].kind = DMEMU_CONTROL;
			table[fd].type = 2;
			table[fd].major = DM_CMAJOR;
			table[fd].gen = generation - 1;
		} else {
			unsigned char b[12];
			struct bio_reply r;
			struct dmemu_node n;
			int rq = request_fd();

			if (rq < 0 || bio_call(rq, BIO_STAT, 0, id, 0, 0, NULL, 0, b, sizeof(b), &r) != 0 || r.error != 0)
				continue;	/* closed meanwhile, or not the daemon's: leave it alone */
			node_from(b, &n);
			table[fd].kind = DMEMU_DISK;
			table[fd].type = (unsigned char)n.type;
			table[fd].major = n.major;
			table[fd].minor = n.minor;
			table[fd].token = id;
		}
	}
	closedir(d);
}

/* ------------------------------------------------------------ errno */

/* A NetBSD errno as this (Linux) program spells it. */
int
dmemu_errno(int e)
{
	if (e > 0 && e <= 34 && e != 26 && e != 31 && e != 33)
		return e;	/* the classic numbers agree */
	switch (e) {
	case 26: return ETXTBSY;
	case 31: return EMLINK;
	case 33: return EDOM;
	case 35: return EAGAIN;
	case 36: return EINPROGRESS;
	case 45: return EOPNOTSUPP;
	case 55: return ENOBUFS;
	case 60: return ETIMEDOUT;
	case 63: return ENAMETOOLONG;
	case 66: return ENOTEMPTY;
	case 78: return ENOSYS;
	case 79: return EINVAL;		/* EFTYPE has no Linux spelling */
	case 84: return EOVERFLOW;
	case 85: return EILSEQ;
	case 86: return ENOTSUP;
	case 87: return ECANCELED;
	default: return EIO;
	}
}
