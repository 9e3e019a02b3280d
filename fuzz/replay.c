/*
 * Replays fuzz inputs through a libFuzzer target without libFuzzer, so the
 * ordinary test run (and its sanitizers) covers every saved corpus file.
 * Arguments are files or directories (not recursive).  A missing or empty
 * corpus is an error: a replay that ran nothing proves nothing.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX (16 * 1024 * 1024)

static int
replay_file(const char *path)
{
	FILE *f;
	uint8_t *buf;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %m\n", path);
		return -1;
	}
	if ((buf = malloc(REPLAY_MAX)) == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, REPLAY_MAX, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int
replay_dir(const char *dir, size_t *count)
{
	struct dirent *de;
	char path[4096];
	DIR *d;
	int r = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %m\n", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (replay_file(path) != 0)
			r = -1;
		else
			(*count)++;
	}
	closedir(d);
	return r;
}

int
main(int argc, char **argv)
{
	struct stat st;
	size_t count = 0;
	int i, r = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %m\n", argv[i]);
			r = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) != 0)
				r = -1;
		} else if (replay_file(argv[i]) == 0)
			count++;
		else
			r = -1;
	}
	printf("replay: %zu inputs\n", count);
	return r == 0 && count > 0 ? 0 : 1;
}
