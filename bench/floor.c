/*
 * The physical floor of writing a conversion's files: no parsing, no
 * rendering, only the filesystem work grecfg's write transaction does
 * (src/write.rs, `commit`), in the same order:
 *
 *   1. each file is staged under a temporary name in the destination
 *      (O_CREAT|O_EXCL, mode 0600), written, given its mode and closed at
 *      once, so at most two descriptors are open whatever the count;
 *   2. one syncfs(2) on the destination's filesystem makes every staged
 *      file durable;
 *   3. every staged file is renamed into place;
 *   4. one fsync(2) of the destination directory makes the renames durable.
 *
 *   floor SRC DEST
 *
 * SRC is a directory of already-rendered files (what grecfg wrote for the
 * same input); DEST is created if missing. The same bytes and modes end up
 * in DEST. Reading SRC stands in for reading the input: a converter has to
 * read as many small files as it writes.
 *
 * Build: gcc -O2 -Wall -Wextra -o floor floor.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what, const char *path)
{
	fprintf(stderr, "floor: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

struct staged {
	char *tmp;
	char *name;
};

/* The whole of a file, in a buffer reused from call to call. */
static size_t slurp(int dirfd, const char *name, char **buf, size_t *cap, mode_t *mode)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open", name);
	struct stat st;
	if (fstat(fd, &st) < 0)
		die("cannot stat", name);
	*mode = st.st_mode & 07777;
	size_t len = 0;
	for (;;) {
		if (len == *cap) {
			*cap = *cap ? *cap * 2 : 65536;
			*buf = realloc(*buf, *cap);
			if (!*buf)
				die("out of memory reading", name);
		}
		ssize_t n = read(fd, *buf + len, *cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("cannot read", name);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return len;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: floor SRC DEST\n");
		return 2;
	}
	const char *src = argv[1], *dest = argv[2];
	if (mkdir(dest, 0755) < 0 && errno != EEXIST)
		die("cannot create", dest);
	int destfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (destfd < 0)
		die("cannot open", dest);
	DIR *d = opendir(src);
	if (!d)
		die("cannot open", src);
	int srcfd = dirfd(d);

	struct staged *files = NULL;
	size_t count = 0, cap = 0;
	char *buf = NULL;
	size_t bufcap = 0;
	pid_t pid = getpid();
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		mode_t mode;
		size_t len = slurp(srcfd, e->d_name, &buf, &bufcap, &mode);
		if (count == cap) {
			cap = cap ? cap * 2 : 1024;
			files = realloc(files, cap * sizeof *files);
			if (!files)
				die("out of memory at", e->d_name);
		}
		char *tmp;
		if (asprintf(&tmp, ".floor-staged-%d-%zu", (int)pid, count) < 0)
			die("out of memory at", e->d_name);
		int fd = openat(destfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			die("cannot create", tmp);
		for (size_t off = 0; off < len;) {
			ssize_t n = write(fd, buf + off, len - off);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				die("cannot write", tmp);
			}
			off += (size_t)n;
		}
		if (fchmod(fd, mode) < 0)
			die("cannot set the mode of", tmp);
		if (close(fd) < 0)
			die("cannot close", tmp);
		files[count].tmp = tmp;
		files[count].name = strdup(e->d_name);
		if (!files[count].name)
			die("out of memory at", e->d_name);
		count++;
	}
	closedir(d);

	if (syncfs(destfd) < 0)
		die("cannot sync the filesystem of", dest);
	for (size_t i = 0; i < count; i++) {
		if (renameat(destfd, files[i].tmp, destfd, files[i].name) < 0)
			die("cannot rename", files[i].tmp);
	}
	if (fsync(destfd) < 0 && errno != EINVAL)
		die("cannot sync", dest);
	close(destfd);
	return 0;
}
