/*
 * libdmemusparse: the three host file calls Java 17 lacks, for org.dmemu.dev.disk.HostSparse.
 *
 *   open0(path)            open(2) O_RDWR|O_CLOEXEC        -> fd, or -errno
 *   seek0(fd, pos, data)   lseek(2) SEEK_DATA / SEEK_HOLE  -> offset, or -errno (ENXIO: none)
 *   punch0(fd, pos, len)   fallocate(2) PUNCH_HOLE|KEEP_SIZE -> 0, or errno
 *   close0(fd)             close(2)                        -> 0, or errno
 *
 * The library keeps no state; the Java side owns the descriptors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <linux/falloc.h>
#include <string.h>
#include <unistd.h>

JNIEXPORT jint JNICALL
Java_org_dmemu_dev_disk_HostSparse_open0(JNIEnv *env, jclass cls, jbyteArray path)
{
	char buf[4096];
	jsize n = (*env)->GetArrayLength(env, path);

	(void)cls;
	if (n <= 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	(*env)->GetByteArrayRegion(env, path, 0, n, (jbyte *)buf);
	buf[n] = '\0';
	if (memchr(buf, '\0', (size_t)n) != NULL)
		return -EINVAL;
	int fd = open(buf, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

JNIEXPORT jlong JNICALL
Java_org_dmemu_dev_disk_HostSparse_seek0(JNIEnv *env, jclass cls, jint fd, jlong pos, jboolean data)
{
	(void)env;
	(void)cls;
	off_t r = lseek(fd, (off_t)pos, data ? SEEK_DATA : SEEK_HOLE);
	return r < 0 ? -(jlong)errno : (jlong)r;
}

JNIEXPORT jint JNICALL
Java_org_dmemu_dev_disk_HostSparse_punch0(JNIEnv *env, jclass cls, jint fd, jlong pos, jlong len)
{
	(void)env;
	(void)cls;
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)pos, (off_t)len) < 0)
		return errno;
	return 0;
}

JNIEXPORT jint JNICALL
Java_org_dmemu_dev_disk_HostSparse_close0(JNIEnv *env, jclass cls, jint fd)
{
	(void)env;
	(void)cls;
	return close(fd) < 0 ? errno : 0;
}
