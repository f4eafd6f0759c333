/*
 * decode_bench.c - measures hd_profile_parse() against the floor of
 * inflating the same file with libdeflate alone: CPU time (best of N),
 * MB/s of decompressed profile.proto and samples/s, in process CPU time.  A benchmark program,
 * not a test: results are reported (docs/internals/decode.md), never
 * gating.  Build: cc -O2 -Iinclude bench/decode_bench.c build/libheapdoc.a
 * -ldeflate -lpcre2-8 -lm; run: decode_bench FILE [REPEAT].
 */
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "heapdoc/heapdoc.h"

/* CPU time of the process: on a loaded machine wall time says little. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: decode_bench FILE [REPEAT]\n");
		return 2;
	}
	int repeat = argc > 2 ? atoi(argv[2]) : 5;
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	unsigned char *data = malloc((size_t)n);
	if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(f);
	bool gz = n > 18 && data[0] == 0x1f && data[1] == 0x8b;
	size_t raw = (size_t)n;
	double inflate_best = 0;
	if (gz) {
		raw = (size_t)data[n - 4] | (size_t)data[n - 3] << 8 | (size_t)data[n - 2] << 16 |
		      (size_t)data[n - 1] << 24;
		struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
		inflate_best = 1e9;
		for (int i = 0; i < repeat; i++) {
			double t0 = now();
			unsigned char *out = malloc(raw);
			size_t got;
			if (libdeflate_gzip_decompress(d, data, (size_t)n, out, raw, &got) !=
			    LIBDEFLATE_SUCCESS) {
				fprintf(stderr, "inflate failed (multi-member or >4GiB?)\n");
				return 1;
			}
			free(out);
			double t = now() - t0;
			if (t < inflate_best)
				inflate_best = t;
		}
		libdeflate_free_decompressor(d);
	}
	double parse_best = 1e9;
	uint64_t samples = 0, locs = 0;
	for (int i = 0; i < repeat; i++) {
		struct hd_profile *p;
		struct hd_error err = {0};
		double t0 = now();
		if (hd_profile_parse(data, (size_t)n, NULL, &p, &err) != HD_OK) {
			fprintf(stderr, "%s: %s\n", argv[1], err.msg);
			return 1;
		}
		samples = p->n_samples;
		locs = p->n_sample_locs;
		hd_profile_free(p);
		double t = now() - t0;
		if (t < parse_best)
			parse_best = t;
	}
	printf("file: %s (%ld bytes%s, %zu bytes of profile)\n", argv[1], n,
	       gz ? " gzip" : "", raw);
	printf("samples: %llu, frames: %llu\n", (unsigned long long)samples,
	       (unsigned long long)locs);
	if (gz)
		printf("inflate only:       %8.1f ms  %7.1f MB/s\n", inflate_best * 1e3,
		       raw / inflate_best / 1e6);
	printf("hd_profile_parse:   %8.1f ms  %7.1f MB/s  %.1f M samples/s\n", parse_best * 1e3,
	       raw / parse_best / 1e6, samples / parse_best / 1e6);
	if (gz)
		printf("decode beyond inflate: %.1f ms (%.0f MB/s of proto); parse/inflate = %.2f\n",
		       (parse_best - inflate_best) * 1e3, raw / (parse_best - inflate_best) / 1e6,
		       parse_best / inflate_best);
	free(data);
	return 0;
}
