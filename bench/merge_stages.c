/*
 * merge_stages.c - the two stages of `heapdoc merge` on one thread, timed
 * apart: hd_profile_parse() of each input (inflate and decode), then
 * hd_merger_add() of it, then hd_merger_finish().  Prints the CPU time of
 * each stage summed over the inputs.  Run under callgrind it gives the
 * instruction counts of docs/internals/merge.md ("where the instructions
 * go"), which a busy machine cannot disturb:
 *   valgrind --tool=callgrind bench/out/merge_stages F1 ... F10
 *   (the first 10 files of bench/out/series100; 20 seconds)
 * A benchmark helper, not part of libheapdoc or the heapdoc program; it
 * sets glibc's thresholds as the program does for multi-input loads
 * (src/cli/cmd_merge.c).  Build:
 *   cc -O2 -Iinclude bench/merge_stages.c build/libheapdoc.a \
 *      $(pkg-config --libs libdeflate libpcre2-8 zlib) -lpthread -lm -o bench/out/merge_stages
 * usage: merge_stages PROFILE...
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "heapdoc/heapdoc.h"

#include "bench_util.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: merge_stages PROFILE...\n");
		return 2;
	}
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	hd_set_threads(1);
	struct hd_error err;
	struct hd_merger *m;
	if (hd_merger_new(&m, &err) != HD_OK) {
		fprintf(stderr, "merge_stages: %s\n", err.msg);
		return 1;
	}
	double parse = 0, add = 0;
	for (int i = 1; i < argc; i++) {
		size_t len;
		char *data = bench_slurp(argv[i], &len);
		if (!data) {
			fprintf(stderr, "merge_stages: cannot read %s\n", argv[i]);
			return 1;
		}
		struct hd_profile *p;
		double t0 = bench_thread_now();
		if (hd_profile_parse(data, len, NULL, &p, &err) != HD_OK) {
			fprintf(stderr, "merge_stages: %s: %s\n", argv[i], err.msg);
			return 1;
		}
		double t1 = bench_thread_now();
		struct hd_merge_input in;
		memset(&in, 0, sizeof(in));
		in.profile = p;
		in.scale = 1;
		if (hd_merger_add(m, &in, &err) != HD_OK) {
			fprintf(stderr, "merge_stages: %s: %s\n", argv[i], err.msg);
			return 1;
		}
		double t2 = bench_thread_now();
		parse += t1 - t0;
		add += t2 - t1;
		hd_profile_free(p);
		free(data);
	}
	struct hd_profile *r;
	double t0 = bench_thread_now();
	if (hd_merger_finish(m, &r, &err) != HD_OK) {
		fprintf(stderr, "merge_stages: finish: %s\n", err.msg);
		return 1;
	}
	double t1 = bench_thread_now();
	printf("%d inputs, CPU s: parse %.3f, add %.3f, finish %.3f, total %.3f\n", argc - 1,
	       parse, add, t1 - t0, parse + add + (t1 - t0));
	hd_profile_free(r);
	hd_merger_free(m);
	return 0;
}
