/*
 * bench_util.h - what the benchmark helpers (bench/stages.c,
 * bench/merge_stages.c) share: the calling thread's CPU time and reading a
 * whole file.  Not part of libheapdoc.
 */
#ifndef HD_BENCH_UTIL_H
#define HD_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* CPU time of the calling thread, in seconds. */
static inline double bench_thread_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The whole file (malloc'ed, *len_ret bytes), or NULL if it cannot be read. */
static inline char *bench_slurp(const char *path, size_t *len_ret)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *d = NULL;
	long n;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (d = malloc(n > 0 ? (size_t)n : 1)) && fread(d, 1, (size_t)n, f) == (size_t)n) {
		*len_ret = (size_t)n;
	} else {
		free(d);
		d = NULL;
	}
	fclose(f);
	return d;
}

#endif /* HD_BENCH_UTIL_H */
