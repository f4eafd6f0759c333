/*
 * stages.c - times the stages of `heapdoc top` on one profile through the
 * public API (read, hd_profile_parse, hd_view_new, hd_view_top, text
 * rendering), best of N runs each, to tell which stage a change moved.
 * Times are process CPU time (user + system, all threads), which a busy
 * machine disturbs far less than wall time; the wall time of each stage
 * (best of N too), which is what using several threads shortens; and the
 * CPU time of the calling thread alone, which with parts of equal size is
 * the critical path a second idle core would give as wall time - a figure
 * a busy machine cannot inflate the way it inflates wall time.
 * A benchmark helper for bench/run.sh and docs/internals/performance.md,
 * not part of libheapdoc or the heapdoc program; built by bench/run.sh:
 *   cc -O2 -Iinclude bench/stages.c build/libheapdoc.a $(pkg-config --libs
 *      libdeflate libpcre2-8) -lpthread -lm -o bench/out/stages
 * usage: stages PROFILE [RUNS [THREADS]]   (THREADS: hd_set_threads, default 0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "heapdoc/heapdoc.h"

#include "bench_util.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: stages PROFILE [RUNS [THREADS]]\n");
		return 2;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	if (argc > 3)
		hd_set_threads((unsigned)atoi(argv[3]));
	double best[4] = {1e9, 1e9, 1e9, 1e9}, best_wall[4] = {1e9, 1e9, 1e9, 1e9};
	double best_main[4] = {1e9, 1e9, 1e9, 1e9};
	size_t len;
	char *data = bench_slurp(argv[1], &len);
	if (!data) {
		fprintf(stderr, "stages: cannot read %s\n", argv[1]);
		return 1;
	}
	uint64_t samples = 0, locs = 0;
	double wall0 = clock_s(CLOCK_MONOTONIC);
	for (int r = 0; r < runs; r++) {
		struct hd_error err;
		struct hd_profile *p = NULL;
		struct hd_view *v = NULL;
		struct hd_top *top = NULL;
		char *out = NULL;
		size_t out_len;
		double t0 = now(), w0 = clock_s(CLOCK_MONOTONIC), m0 = bench_thread_now();
		if (hd_profile_parse(data, len, NULL, &p, &err) != HD_OK) {
			fprintf(stderr, "stages: %s: %s\n", argv[1], err.msg);
			return 1;
		}
		double t1 = now(), w1 = clock_s(CLOCK_MONOTONIC), m1 = bench_thread_now();
		if (hd_view_new(p, NULL, &v, &err) != HD_OK) {
			fprintf(stderr, "stages: view: %s\n", err.msg);
			return 1;
		}
		double t2 = now(), w2 = clock_s(CLOCK_MONOTONIC), m2 = bench_thread_now();
		if (hd_view_top(v, NULL, &top, &err) != HD_OK) {
			fprintf(stderr, "stages: top: %s\n", err.msg);
			return 1;
		}
		double t3 = now(), w3 = clock_s(CLOCK_MONOTONIC), m3 = bench_thread_now();
		if (hd_render_top_text(v, top, &out, &out_len, &err) != HD_OK) {
			fprintf(stderr, "stages: render: %s\n", err.msg);
			return 1;
		}
		double t4 = now(), w4 = clock_s(CLOCK_MONOTONIC), m4 = bench_thread_now();
		double d[4] = {t1 - t0, t2 - t1, t3 - t2, t4 - t3};
		double dw[4] = {w1 - w0, w2 - w1, w3 - w2, w4 - w3};
		double dm[4] = {m1 - m0, m2 - m1, m3 - m2, m4 - m3};
		for (int i = 0; i < 4; i++) {
			if (dm[i] < best_main[i])
				best_main[i] = dm[i];
			if (d[i] < best[i])
				best[i] = d[i];
			if (dw[i] < best_wall[i])
				best_wall[i] = dw[i];
		}
		samples = p->n_samples;
		locs = p->n_sample_locs;
		hd_report_text_free(out);
		hd_top_free(top);
		hd_view_free(v);
		hd_profile_free(p);
	}
	double wall = (clock_s(CLOCK_MONOTONIC) - wall0) / runs;
	printf("%s: %llu samples, %llu frames, %u threads; CPU s, best of %d: parse %.3f, "
	       "view %.3f, top %.3f, render %.3f; wall s, best: parse %.3f, view %.3f, "
	       "top %.3f, render %.3f; calling thread's CPU s, best: parse %.3f, view %.3f, "
	       "top %.3f, render %.3f; wall per run %.3f\n",
	       argv[1], (unsigned long long)samples, (unsigned long long)locs, hd_threads(),
	       runs, best[0], best[1], best[2], best[3], best_wall[0], best_wall[1],
	       best_wall[2], best_wall[3], best_main[0], best_main[1], best_main[2],
	       best_main[3], wall);
	free(data);
	return 0;
}
