/*
 * ctl_replay FILE: the request items of a `dmemu replay` file, sent by a C
 * program through open("/dev/mapper/control") + ioctl(NETBSD_DM_IOCTL) under
 * `dmemu exec`, output in replay's format (the reply without its NUL, or
 * "errno N NAME"). As replay does, pref_len is the document's length (no
 * NUL). Every reply mapping is checked and munmapped. A file with % directives
 * exits 3 (not a control-only case); a broken reply mapping exits 4.
 */
#include "dmtest.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		return NULL;
	b = malloc((size_t)n + 1);
	if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n)
		return NULL;
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

int
main(int argc, char **argv)
{
	size_t len, pos = 0;
	char *b;
	int fd;

	if (argc != 2 || (b = slurp(argv[1], &len)) == NULL) {
		fprintf(stderr, "usage: ctl_replay FILE\n");
		return 2;
	}
	fd = open("/dev/mapper/control", O_RDWR);
	if (fd < 0) {
		perror("/dev/mapper/control");
		return 1;
	}
	while (pos < len) {
		char *eol = memchr(b + pos, '\n', len - pos);
		size_t end = eol ? (size_t)(eol - b) : len, s = pos;
		struct plistref pref;
		char *endtag;

		while (s < end && (b[s] == ' ' || b[s] == '\t' || b[s] == '\r'))
			s++;
		if (s == end || b[s] == '#') {
			pos = eol ? end + 1 : len;
			continue;
		}
		if (b[s] == '%')
			return 3;
		endtag = strstr(b + s, "</plist>");
		if (endtag == NULL)
			return 2;
		pref.pref_plist = b + s;
		pref.pref_len = (size_t)(endtag - (b + s)) + strlen("</plist>");
		if (ioctl(fd, NETBSD_DM_IOCTL, &pref) != 0) {
			int nb;
			const char *name = dmt_nb_errno(errno, &nb);

			printf("errno %d %s\n", nb, name);
		} else {
			char *r = pref.pref_plist;
			size_t n = pref.pref_len;

			if (n == 0 || r[n - 1] != '\0' || strlen(r) != n - 1 || ((uintptr_t)r & 4095) != 0) {
				fprintf(stderr, "ctl_replay: reply is not a NUL-terminated page-aligned mapping\n");
				return 4;
			}
			fwrite(r, 1, n - 1, stdout);
			if (munmap(r, n) != 0) {
				perror("munmap");
				return 4;
			}
		}
		pos = (size_t)(endtag - b) + strlen("</plist>");
		eol = memchr(b + pos, '\n', len - pos);
		pos = eol ? (size_t)(eol - b) + 1 : len;
	}
	fflush(stdout);
	return close(fd) == 0 ? 0 : 1;
}
