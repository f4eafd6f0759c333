/*
 * test_merge_threads.c - unit tests of the ordered loader (hd_loader,
 * src/lib/agg/merge_load.c) that feeds `heapdoc merge` and every report
 * with several sources or bases: for 1, 2, 3 and 8 threads it hands out
 * exactly the profiles a sequential hd_profile_parse gives, in input
 * order, and a merge fed by it is byte-identical to the sequential merge
 * (generated bench-like series and the Go profiles of testdata); reads run
 * at most threads + 1 inputs ahead; the first failing input in input order
 * is the one reported whatever the threads decoded after it; small inputs
 * and --threads 1 create no thread, a small first input before large ones
 * does not keep them on one; a fail-the-Nth-allocation sweep over
 * the threaded path ends every run in HD_ERR_NOMEM or the right result.
 * ("threads" in the name: make check-tsan runs it under ThreadSanitizer.)
 */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "common.h"
#include "agg/merge.h"
#include "model/builder.h"

/* ---- inputs: generated series and testdata profiles ---- */

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Snapshot `snap` of a simulated process, shaped like bench/gen's series:
 * the four heap sample types, a `bytes` label, stacks over a fixed call
 * graph (some locations with an inlined second line), samples that stay
 * from one snapshot to the next with growing values, a few new ones each
 * time.  gzip profile.proto in *data_ret (malloc).
 */
static void gen_snapshot(unsigned snap, unsigned n_samples, void **data_ret, size_t *len_ret)
{
	enum { N_FUNCS = 120, N_LOCS = 300 };
	static const char *types[4] = {"alloc_objects", "alloc_space", "inuse_objects",
				       "inuse_space"};
	static const char *units[4] = {"count", "bytes", "count", "bytes"};
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	for (int i = 0; i < 4; i++)
		hd_builder_add_sample_type(b, hd_str_c(types[i]), hd_str_c(units[i]));
	hd_builder_set_period(b, hd_str_c("space"), hd_str_c("bytes"), 524288);
	hd_builder_set_time(b, 1700000000000000000 + (int64_t)snap * 1000000000, 1000000000);
	struct hd_mapping m = {0};
	/* ASLR: every snapshot's binary at another address */
	m.memory_start = 0x400000 + (uint64_t)(snap % 3) * 0x1000000;
	m.memory_limit = m.memory_start + 0x800000;
	m.filename = hd_str_c("/usr/bin/server");
	m.build_id = hd_str_c("f00dfeed");
	uint32_t mi = hd_builder_add_mapping(b, &m);
	uint32_t fns[N_FUNCS], locs[N_LOCS];
	for (unsigned i = 0; i < N_FUNCS; i++) {
		char name[64], file[64];
		snprintf(name, sizeof(name), "example.com/pkg%u.Func%u", i % 7, i);
		snprintf(file, sizeof(file), "/src/pkg%u/file%u.go", i % 7, i % 11);
		struct hd_function f = {0};
		f.name = hd_str_c(name);
		f.system_name = f.name;
		f.filename = hd_str_c(file);
		f.start_line = (int64_t)i * 10;
		fns[i] = hd_builder_intern_function(b, &f);
	}
	for (unsigned i = 0; i < N_LOCS; i++) {
		struct hd_line ln[2] = {{.function = fns[i % N_FUNCS], .line = (int64_t)i + 3},
					{.function = fns[(i * 7) % N_FUNCS], .line = (int64_t)i}};
		locs[i] = hd_builder_add_location(b, mi, m.memory_start + 0x1000 + i * 0x40, false,
						  ln, i % 5 == 0 ? 2 : 1);
	}
	unsigned total = n_samples + snap * 3;
	for (unsigned s = 0; s < total; s++) {
		uint64_t r = 0x9e3779b97f4a7c15ull * (s + 1);
		uint32_t stack[40];
		uint32_t depth = 4 + (uint32_t)(rng_next(&r) % 30);
		for (uint32_t d = 0; d < depth; d++)
			stack[d] = locs[rng_next(&r) % N_LOCS];
		int64_t size = (int64_t)16 << (rng_next(&r) % 8);
		int64_t count = 1 + (int64_t)((s + snap) % 5);
		int64_t v[4] = {count * (snap + 1), count * size * (snap + 1), count, count * size};
		if (s % 17 == 3)
			v[2] = v[3] = 0; /* freed */
		struct hd_label lab = {.key = hd_str_c("bytes"), .num = size, .is_num = true};
		hd_builder_add_sample(b, stack, depth, v, &lab, 1);
	}
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	void *bytes;
	size_t len;
	assert_int_equal(hd_profile_write_proto(p, true, &bytes, &len, NULL), HD_OK);
	hd_profile_free(p);
	void *copy_ = malloc(len);
	assert_non_null(copy_);
	memcpy(copy_, bytes, len);
	hd_bytes_free(bytes);
	*data_ret = copy_;
	*len_ret = len;
}

struct input {
	void *data;
	size_t len;
	bool missing; /* the read callback fails, as for a missing file */
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends every .pb.gz of testdata/profiles/<version>/<scenario>/ (sorted)
 * to in[]; returns the new count. */
static size_t add_testdata(struct input *in, size_t n, size_t cap, const char *version)
{
	const char *src = getenv("HD_SRCDIR");
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/testdata/profiles/%s", src ? src : ".", version);
	DIR *d = opendir(dir);
	if (!d)
		return n;
	char *names[64];
	size_t nn = 0;
	struct dirent *e;
	while ((e = readdir(d)) && nn < 64)
		if (e->d_name[0] != '.')
			names[nn++] = strdup(e->d_name);
	closedir(d);
	qsort(names, nn, sizeof(*names), cmp_names);
	for (size_t i = 0; i < nn; i++) {
		for (int k = 1; k <= 6 && n < cap; k++) {
			char path[1400];
			snprintf(path, sizeof(path), "%s/%s/%02d.pb.gz", dir, names[i], k);
			FILE *f = fopen(path, "rb");
			if (!f)
				continue;
			char *buf = malloc(1 << 20);
			assert_non_null(buf);
			size_t len = fread(buf, 1, 1 << 20, f);
			fclose(f);
			in[n++] = (struct input){buf, len, false};
		}
		free(names[i]);
	}
	return n;
}

static void free_inputs(struct input *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(in[i].data);
}

/* ---- the read callback: records where and how far ahead it runs ---- */

struct ctx {
	const struct input *in;
	pthread_t main_thread;
	atomic_size_t reads;
	atomic_size_t delivered; /* inputs the test has received */
	atomic_size_t max_ahead; /* max of index - delivered over reads */
	atomic_bool off_main;    /* a read ran on another thread */
};

static void ctx_init(struct ctx *c, const struct input *in)
{
	c->in = in;
	c->main_thread = pthread_self();
	atomic_init(&c->reads, 0);
	atomic_init(&c->delivered, 0);
	atomic_init(&c->max_ahead, 0);
	atomic_init(&c->off_main, false);
}

static enum hd_status read_cb(void *vctx, size_t i, void **data_ret, size_t *len_ret,
			      struct hd_error *err)
{
	struct ctx *c = vctx;
	size_t ahead = i - atomic_load(&c->delivered);
	size_t m = atomic_load(&c->max_ahead);
	while (ahead > m && !atomic_compare_exchange_weak(&c->max_ahead, &m, ahead))
		;
	if (!pthread_equal(pthread_self(), c->main_thread))
		atomic_store(&c->off_main, true);
	atomic_fetch_add(&c->reads, 1);
	const struct input *in = &c->in[i];
	if (in->missing)
		return hd_error_set(err, HD_ERR_IO, "No such file or directory");
	void *d = malloc(in->len ? in->len : 1);
	if (!d)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	memcpy(d, in->data, in->len);
	*data_ret = d;
	*len_ret = in->len;
	return HD_OK;
}

/* ---- expected results, the sequential way ---- */

static void proto_of(const struct hd_profile *p, void **data, size_t *len)
{
	assert_int_equal(hd_profile_write_proto(p, false, data, len, NULL), HD_OK);
}

static bool same_proto(const struct hd_profile *a, const void *data, size_t len)
{
	void *d;
	size_t l;
	proto_of(a, &d, &l);
	bool same = l == len && memcmp(d, data, l) == 0;
	hd_bytes_free(d);
	return same;
}

/* Inputs [0, n_src) summed, [n_src, n) subtracted with pprof::base. */
static struct hd_profile *merge_sequential(const struct input *in, size_t n, size_t n_src)
{
	struct hd_merger *m;
	assert_int_equal(hd_merger_new(&m, NULL), HD_OK);
	for (size_t i = 0; i < n; i++) {
		struct hd_profile *p;
		assert_int_equal(hd_profile_parse(in[i].data, in[i].len, NULL, &p, NULL), HD_OK);
		struct hd_merge_input mi = {p, i < n_src ? 1 : -1, NULL, i >= n_src};
		assert_int_equal(hd_merger_add(m, &mi, NULL), HD_OK);
		hd_profile_free(p);
	}
	struct hd_profile *out;
	assert_int_equal(hd_merger_finish(m, &out, NULL), HD_OK);
	hd_merger_free(m);
	return out;
}

/* The same through a loader; any error is returned (result NULL). */
static enum hd_status merge_loaded(size_t n, size_t n_src, struct ctx *c,
				   struct hd_profile **out)
{
	*out = NULL;
	struct hd_loader *l = NULL;
	struct hd_merger *m = NULL;
	struct hd_error err = {0};
	enum hd_status st = hd_loader_new(n, read_cb, c, NULL, 0, &l, &err);
	if (st == HD_OK)
		st = hd_merger_new(&m, &err);
	for (size_t i = 0; i < n && st == HD_OK; i++) {
		struct hd_profile *p;
		st = hd_loader_next(l, &p, &err);
		if (st != HD_OK) {
			assert_null(p);
			break;
		}
		atomic_fetch_add(&c->delivered, 1);
		struct hd_merge_input mi = {p, i < n_src ? 1 : -1, NULL, i >= n_src};
		st = hd_merger_add(m, &mi, &err);
		hd_profile_free(p);
	}
	if (st == HD_OK)
		st = hd_merger_finish(m, out, &err);
	if (st != HD_OK)
		assert_int_equal(err.code, st);
	hd_merger_free(m);
	hd_loader_free(l);
	return st;
}

/* ---- tests ---- */

static const unsigned thread_counts[] = {1, 2, 3, 8};

static void test_same_profiles_in_order(void **state)
{
	(void)state;
	struct input in[120];
	size_t n = 0;
	for (unsigned s = 0; s < 24; s++, n++)
		gen_snapshot(s, 600, &in[n].data, &in[n].len), in[n].missing = false;
	n = add_testdata(in, n, 120, "go1.26");
	assert_true(n > 30);
	/* the sequential answers */
	void *want[120];
	size_t want_len[120];
	for (size_t i = 0; i < n; i++) {
		struct hd_profile *p;
		assert_int_equal(hd_profile_parse(in[i].data, in[i].len, NULL, &p, NULL), HD_OK);
		proto_of(p, &want[i], &want_len[i]);
		hd_profile_free(p);
	}
	hd_loader_set_parallel_min(0);
	for (size_t t = 0; t < HD_ARRAY_SIZE(thread_counts); t++) {
		hd_set_threads(thread_counts[t]);
		struct ctx c;
		ctx_init(&c, in);
		struct hd_loader *l;
		assert_int_equal(hd_loader_new(n, read_cb, &c, NULL, 0, &l, NULL), HD_OK);
		for (size_t i = 0; i < n; i++) {
			struct hd_profile *p;
			assert_int_equal(hd_loader_next(l, &p, NULL), HD_OK);
			atomic_fetch_add(&c.delivered, 1);
			assert_true(same_proto(p, want[i], want_len[i]));
			hd_profile_free(p);
			if (i == 0 && thread_counts[t] > 1) {
				/* A worker reads input 1 on its own. */
				for (int w = 0; w < 2000 && atomic_load(&c.reads) < 2; w++)
					nanosleep(&(struct timespec){0, 5000000}, NULL);
				assert_true(atomic_load(&c.off_main));
			}
		}
		struct hd_profile *p = (struct hd_profile *)1;
		struct hd_error err = {0};
		assert_int_equal(hd_loader_next(l, &p, &err), HD_ERR_USAGE);
		assert_null(p);
		hd_loader_free(l);
		assert_int_equal(atomic_load(&c.reads), n);
		assert_true(atomic_load(&c.max_ahead) <= thread_counts[t] + 1);
		if (thread_counts[t] == 1)
			assert_false(atomic_load(&c.off_main));
	}
	for (size_t i = 0; i < n; i++)
		hd_bytes_free(want[i]);
	free_inputs(in, n);
	hd_set_threads(0);
	hd_loader_set_parallel_min((uint64_t)1 << 20);
}

static void test_merge_equals_sequential(void **state)
{
	(void)state;
	struct input in[140];
	size_t n = 0;
	for (unsigned s = 0; s < 30; s++, n++)
		gen_snapshot(s, 800, &in[n].data, &in[n].len), in[n].missing = false;
	n = add_testdata(in, n, 140, "go1.22");
	size_t n_src = n;
	/* bases: the last snapshots again, subtracted (as -diff_base) */
	for (unsigned s = 20; s < 30; s++, n++)
		gen_snapshot(s, 800, &in[n].data, &in[n].len), in[n].missing = false;
	struct hd_profile *want = merge_sequential(in, n, n_src);
	struct hd_profile *want_sum = merge_sequential(in, n_src, n_src);
	void *wd, *ws;
	size_t wl, wsl;
	proto_of(want, &wd, &wl);
	proto_of(want_sum, &ws, &wsl);
	hd_loader_set_parallel_min(0);
	for (size_t t = 0; t < HD_ARRAY_SIZE(thread_counts); t++) {
		hd_set_threads(thread_counts[t]);
		struct ctx c;
		ctx_init(&c, in);
		struct hd_profile *got;
		assert_int_equal(merge_loaded(n, n_src, &c, &got), HD_OK);
		assert_true(same_proto(got, wd, wl));
		hd_profile_free(got);
		ctx_init(&c, in);
		assert_int_equal(merge_loaded(n_src, n_src, &c, &got), HD_OK);
		assert_true(same_proto(got, ws, wsl));
		hd_profile_free(got);
	}
	hd_bytes_free(wd);
	hd_bytes_free(ws);
	hd_profile_free(want);
	hd_profile_free(want_sum);
	free_inputs(in, n);
	hd_set_threads(0);
	hd_loader_set_parallel_min((uint64_t)1 << 20);
}

/*
 * 100 inputs (five generated snapshots over and over); input bad[0] is
 * broken as `how` says, and so are the later bad[] ones in other ways.
 * The loader must deliver 0..bad[0]-1 and then bad[0]'s own error.
 */
static void check_first_error(struct input *in, size_t n, size_t first_bad,
			      const struct hd_error *want)
{
	for (size_t t = 0; t < HD_ARRAY_SIZE(thread_counts); t++) {
		hd_set_threads(thread_counts[t]);
		struct ctx c;
		ctx_init(&c, in);
		struct hd_loader *l;
		assert_int_equal(hd_loader_new(n, read_cb, &c, NULL, 0, &l, NULL), HD_OK);
		for (size_t i = 0; i < first_bad; i++) {
			struct hd_profile *p;
			assert_int_equal(hd_loader_next(l, &p, NULL), HD_OK);
			atomic_fetch_add(&c.delivered, 1);
			hd_profile_free(p);
		}
		struct hd_profile *p = (struct hd_profile *)1;
		struct hd_error err = {0};
		assert_int_equal(hd_loader_next(l, &p, &err), want->code);
		assert_null(p);
		assert_int_equal(err.code, want->code);
		assert_string_equal(err.msg, want->msg);
		assert_int_equal(err.has_offset, want->has_offset);
		assert_int_equal(err.offset, want->offset);
		/* nothing more after an error */
		assert_int_equal(hd_loader_next(l, &p, &err), HD_ERR_USAGE);
		hd_loader_free(l);
		assert_true(atomic_load(&c.reads) <= first_bad + thread_counts[t] + 2);
	}
}

static void test_first_error_in_input_order(void **state)
{
	(void)state;
	enum { N = 100 };
	struct input gen[5];
	for (unsigned s = 0; s < 5; s++)
		gen_snapshot(s, 400, &gen[s].data, &gen[s].len);
	struct input in[N];
	for (size_t i = 0; i < N; i++)
		in[i] = (struct input){gen[i % 5].data, gen[i % 5].len, false};
	/* truncated gzip, a corrupt byte in the middle, and "missing" */
	size_t trunc_len = gen[1].len / 2;
	char *corrupt = malloc(gen[2].len);
	assert_non_null(corrupt);
	memcpy(corrupt, gen[2].data, gen[2].len);
	corrupt[gen[2].len / 2] ^= 0x55;
	struct hd_error want_trunc = {0}, want_missing = {0}, want_corrupt = {0};
	struct hd_profile *p = NULL;
	assert_int_not_equal(hd_profile_parse(gen[1].data, trunc_len, NULL, &p, &want_trunc),
			     HD_OK);
	assert_int_not_equal(hd_profile_parse(corrupt, gen[2].len, NULL, &p, &want_corrupt),
			     HD_OK);
	hd_error_set(&want_missing, HD_ERR_IO, "No such file or directory");
	hd_loader_set_parallel_min(0);

	/* the 57th input is truncated; the 70th is missing, the last corrupt */
	in[56].len = trunc_len;
	in[69].missing = true;
	in[99] = (struct input){corrupt, gen[2].len, false};
	check_first_error(in, N, 56, &want_trunc);
	/* a missing file before a corrupt one */
	in[56].len = gen[1].len;
	in[40].missing = true;
	in[41] = (struct input){corrupt, gen[2].len, false};
	check_first_error(in, N, 40, &want_missing);
	/* only the last input is bad */
	in[40] = (struct input){gen[0].data, gen[0].len, false};
	in[41] = (struct input){gen[1].data, gen[1].len, false};
	in[69].missing = false;
	check_first_error(in, N, 99, &want_corrupt);
	/* the first one is */
	in[0].missing = true;
	check_first_error(in, N, 0, &want_missing);

	free(corrupt);
	for (unsigned s = 0; s < 5; s++)
		free(gen[s].data);
	hd_set_threads(0);
	hd_loader_set_parallel_min((uint64_t)1 << 20);
}

static void test_small_inputs_use_one_thread(void **state)
{
	(void)state;
	struct input in[40];
	size_t n = add_testdata(in, 0, 40, "go1.26");
	assert_true(n >= 20);
	/* 20 x ~1 KB is far below the threshold: no thread */
	hd_set_threads(2);
	struct ctx c;
	ctx_init(&c, in);
	struct hd_profile *got;
	assert_int_equal(merge_loaded(n, n, &c, &got), HD_OK);
	hd_profile_free(got);
	assert_false(atomic_load(&c.off_main));
	/* --threads 1 never starts one, whatever the size */
	hd_loader_set_parallel_min(0);
	hd_set_threads(1);
	ctx_init(&c, in);
	assert_int_equal(merge_loaded(n, n, &c, &got), HD_OK);
	hd_profile_free(got);
	assert_false(atomic_load(&c.off_main));
	assert_true(atomic_load(&c.max_ahead) <= 2);
	/* and neither does max_threads 1 */
	hd_set_threads(4);
	ctx_init(&c, in);
	struct hd_loader *l;
	assert_int_equal(hd_loader_new(n, read_cb, &c, NULL, 1, &l, NULL), HD_OK);
	for (size_t i = 0; i < n; i++) {
		struct hd_profile *p;
		assert_int_equal(hd_loader_next(l, &p, NULL), HD_OK);
		hd_profile_free(p);
	}
	hd_loader_free(l);
	assert_false(atomic_load(&c.off_main));
	/* max_threads 2 under a process-wide cap of 1 (the heapdoc program's
	 * way of keeping each decode on one thread): a worker runs */
	hd_set_threads(1);
	ctx_init(&c, in);
	assert_int_equal(hd_loader_new(n, read_cb, &c, NULL, 2, &l, NULL), HD_OK);
	for (size_t i = 0; i < n; i++) {
		struct hd_profile *p;
		assert_int_equal(hd_loader_next(l, &p, NULL), HD_OK);
		atomic_fetch_add(&c.delivered, 1);
		hd_profile_free(p);
		for (int w = 0; i == 0 && w < 2000 && atomic_load(&c.reads) < 2; w++)
			nanosleep(&(struct timespec){0, 5000000}, NULL);
	}
	hd_loader_free(l);
	assert_true(atomic_load(&c.off_main));
	assert_true(atomic_load(&c.max_ahead) <= 3);
	/* A small first input does not keep large ones on one thread: the
	 * estimate is made again after each input. */
	struct input mixed[11];
	mixed[0] = in[0];
	for (unsigned k = 1; k < 11; k++)
		gen_snapshot(k, 600, &mixed[k].data, &mixed[k].len), mixed[k].missing = false;
	assert_true(mixed[0].len * 10 < mixed[1].len * 3);
	hd_loader_set_parallel_min(mixed[1].len * 3);
	hd_set_threads(2);
	ctx_init(&c, mixed);
	assert_int_equal(hd_loader_new(11, read_cb, &c, NULL, 0, &l, NULL), HD_OK);
	for (size_t i = 0; i < 11; i++) {
		struct hd_profile *p;
		assert_int_equal(hd_loader_next(l, &p, NULL), HD_OK);
		atomic_fetch_add(&c.delivered, 1);
		hd_profile_free(p);
		if (i == 0)
			assert_int_equal(atomic_load(&c.reads), 1); /* no thread yet */
		for (int w = 0; i == 1 && w < 2000 && atomic_load(&c.reads) < 3; w++)
			nanosleep(&(struct timespec){0, 5000000}, NULL);
	}
	hd_loader_free(l);
	assert_true(atomic_load(&c.off_main));
	free_inputs(mixed + 1, 10);
	free_inputs(in, n);
	hd_set_threads(0);
	hd_loader_set_parallel_min((uint64_t)1 << 20);
}

static void test_usage_errors(void **state)
{
	(void)state;
	struct hd_loader *l;
	struct hd_error err = {0};
	assert_int_equal(hd_loader_new(1, NULL, NULL, NULL, 0, &l, &err), HD_ERR_USAGE);
	assert_int_equal(hd_loader_new(1, read_cb, NULL, NULL, 0, NULL, &err), HD_ERR_USAGE);
	struct hd_profile *p;
	assert_int_equal(hd_loader_next(NULL, &p, &err), HD_ERR_USAGE);
	assert_int_equal(hd_loader_new(0, read_cb, NULL, NULL, 0, &l, &err), HD_OK);
	assert_int_equal(hd_loader_next(l, &p, &err), HD_ERR_USAGE);
	assert_int_equal(hd_loader_next(l, NULL, &err), HD_ERR_USAGE);
	hd_loader_free(l);
	hd_loader_free(NULL);
}

/* Every allocation of the threaded path may fail, in a worker or in the
 * caller: each run ends in HD_ERR_NOMEM or in the sequential result. */
static void sweep(unsigned threads)
{
	struct input in[6];
	for (unsigned s = 0; s < 6; s++)
		gen_snapshot(s, 60, &in[s].data, &in[s].len), in[s].missing = false;
	struct hd_profile *want = merge_sequential(in, 6, 4);
	void *wd;
	size_t wl;
	proto_of(want, &wd, &wl);
	hd_profile_free(want);
	hd_loader_set_parallel_min(0);
	hd_set_threads(threads);
	long n;
	for (n = 0;; n++) {
		struct ctx c;
		ctx_init(&c, in);
		struct hd_profile *got = NULL;
		hd_alloc_fail_after(n);
		enum hd_status st = merge_loaded(6, 4, &c, &got);
		hd_alloc_fail_after(-1);
		if (st == HD_OK) {
			assert_true(same_proto(got, wd, wl));
			hd_profile_free(got);
			break;
		}
		assert_int_equal(st, HD_ERR_NOMEM);
		assert_null(got);
		assert_true(n < 100000);
	}
	assert_true(n > 20);
	hd_bytes_free(wd);
	free_inputs(in, 6);
	hd_set_threads(0);
	hd_loader_set_parallel_min((uint64_t)1 << 20);
}

static void test_alloc_failure_sweep_one_thread(void **state)
{
	(void)state;
	if (getenv("HD_TSAN_PASS")) /* allocation sweeps: the ASan pass's job */
		skip();
	sweep(1);
}

static void test_alloc_failure_sweep_threads(void **state)
{
	(void)state;
	if (getenv("HD_TSAN_PASS")) /* allocation sweeps: the ASan pass's job */
		skip();
	sweep(2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_profiles_in_order),
		cmocka_unit_test(test_merge_equals_sequential),
		cmocka_unit_test(test_first_error_in_input_order),
		cmocka_unit_test(test_small_inputs_use_one_thread),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_alloc_failure_sweep_one_thread),
		cmocka_unit_test(test_alloc_failure_sweep_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
