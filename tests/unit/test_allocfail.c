/*
 * test_allocfail.c - the fail-the-Nth-allocation sweep over the whole
 * pipeline through the public API: decoding (gzip and raw profile.proto,
 * legacy text), aggregation (pprof's views, top, traces, peek), merging,
 * diagnosis, and every renderer (report text/JSON, folded, flame SVG, proto
 * writer, diagnosis text/JSON/markdown).  For N = 0, 1, 2, ... the
 * (N+1)th allocation of libheapdoc fails (hd_alloc_fail_after(), common.h)
 * until one run succeeds; every failing run must return HD_ERR_NOMEM with
 * the error filled in, write no result, and leave as many live heap blocks
 * as it found (counted by the malloc/free wrappers below; in the ASan build
 * LeakSanitizer does the checking instead).  The inputs are small real and
 * crafted profiles from testdata/.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"

/*
 * Live heap blocks of the whole process.  Without a sanitizer this file
 * interposes malloc and friends (glibc's __libc_* do the work) and counts;
 * ASan replaces malloc itself, so there the count stays 0 and LeakSanitizer
 * reports leaks at exit.
 */
static long live_blocks;

#if defined(__SANITIZE_ADDRESS__)
#define HD_COUNTING 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HD_COUNTING 0
#endif
#endif
#ifndef HD_COUNTING
#define HD_COUNTING 1
#endif

#if HD_COUNTING
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);

void *malloc(size_t size)
{
	void *p = __libc_malloc(size);
	if (p)
		__atomic_add_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
	return p;
}
void *calloc(size_t n, size_t size)
{
	void *p = __libc_calloc(n, size);
	if (p)
		__atomic_add_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
	return p;
}
void *realloc(void *ptr, size_t size)
{
	void *p = __libc_realloc(ptr, size);
	if (!ptr && p)
		__atomic_add_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
	else if (ptr && !p && size == 0)
		__atomic_sub_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
	return p;
}
void free(void *ptr)
{
	if (ptr)
		__atomic_sub_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
	__libc_free(ptr);
}
#endif

static long heap_in_use(void)
{
	return __atomic_load_n(&live_blocks, __ATOMIC_RELAXED);
}

static char *read_file(const char *path, size_t *len_ret)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *d = malloc(cap);
	assert_non_null(d);
	size_t n;
	while ((n = fread(d + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			d = realloc(d, cap);
			assert_non_null(d);
		}
	}
	fclose(f);
	*len_ret = len;
	return d;
}

static const char *srcdir(void)
{
	const char *s = getenv("HD_SRCDIR");
	return s ? s : ".";
}

/* ---- the sweep ---- */

/* One step of the pipeline: returns its status; on HD_OK it has freed
 * everything it made (so the heap check applies to successes too). */
typedef enum hd_status (*step_fn)(void *ctx, struct hd_error *err);

/*
 * Runs `step` with the Nth allocation failing for N = 0.. until it
 * succeeds; returns the number of allocations the successful run made.
 */
static long sweep(const char *name, step_fn step, void *ctx)
{
	/* A first, unhindered run initializes whatever is set up once per
	 * process, so that it does not count as a leak below. */
	struct hd_error err0;
	if (step(ctx, &err0) != HD_OK)
		fail_msg("%s: fails without allocation failures: %s", name, err0.msg);
	for (long n = 0; n < 200000; n++) {
		struct hd_error err;
		memset(&err, 0, sizeof(err));
		long before = heap_in_use();
		hd_alloc_fail_after(n);
		enum hd_status st = step(ctx, &err);
		hd_alloc_fail_after(-1);
		long after = heap_in_use();
		if (before != after)
			fail_msg("%s: allocation %ld failing: %ld heap blocks left behind (leak)", name,
				 n, after - before);
		if (st == HD_OK)
			return n;
		if (st != HD_ERR_NOMEM)
			fail_msg("%s: allocation %ld failing: status %d (%s: %s), want HD_ERR_NOMEM",
				 name, n, (int)st, hd_status_str(st), err.msg);
		if (err.code != HD_ERR_NOMEM || err.msg[0] == '\0')
			fail_msg("%s: allocation %ld failing: error not filled (code %d, msg '%s')",
				 name, n, (int)err.code, err.msg);
	}
	fail_msg("%s: never succeeded", name);
	return -1;
}

/* ---- steps ---- */

struct input {
	const char *data;
	size_t len;
};

static enum hd_status step_parse(void *ctx, struct hd_error *err)
{
	struct input *in = ctx;
	struct hd_profile *p = NULL;
	enum hd_status st = hd_profile_parse(in->data, in->len, NULL, &p, err);
	if (st != HD_OK)
		assert_null(p);
	hd_profile_free(p);
	return st;
}

/* View + top + peek + their text and JSON renderings, at one granularity. */
struct report_ctx {
	const struct hd_profile *profile;
	enum hd_granularity granularity;
};

/* The report renderers share one signature once bound to their inputs. */
enum report_kind { TOP_TEXT, TOP_JSON, TRACES_TEXT, TRACES_JSON, PEEK_TEXT, PEEK_JSON };

static enum hd_status render(enum report_kind kind, const struct hd_view *v,
			     const struct hd_top *top, const struct hd_peek *peek,
			     struct hd_error *err)
{
	char *out = NULL;
	size_t len = 0;
	enum hd_status st = HD_ERR_INTERNAL;
	switch (kind) {
	case TOP_TEXT: st = hd_render_top_text(v, top, &out, &len, err); break;
	case TOP_JSON: st = hd_render_top_json(v, top, &out, &len, err); break;
	case TRACES_TEXT: st = hd_render_traces_text(v, &out, &len, err); break;
	case TRACES_JSON: st = hd_render_traces_json(v, &out, &len, err); break;
	case PEEK_TEXT: st = hd_render_peek_text(v, peek, &out, &len, err); break;
	case PEEK_JSON: st = hd_render_peek_json(v, peek, &out, &len, err); break;
	}
	if (st != HD_OK)
		assert_null(out);
	else
		assert_true(out != NULL && out[len] == '\0');
	hd_report_text_free(out);
	return st;
}

static enum hd_status step_report(void *ctx, struct hd_error *err)
{
	struct report_ctx *rc = ctx;
	struct hd_report_options ro;
	hd_report_options_default(&ro);
	ro.granularity = rc->granularity;
	ro.focus = "main|runtime|\\.";
	/* -tagleaf/-tagroot build a profile of the view's own (tagframes.c) */
	ro.tagleaf = "bytes";
	ro.tagroot = "nokey";
	/* -tagshow/-taghide: another derived profile, and two regexps */
	ro.tagshow = ".";
	ro.taghide = "^nokey$";
	ro.relative_percentages = rc->granularity == HD_GRANULARITY_LINES;
	struct hd_view *v = NULL;
	enum hd_status st = hd_view_new(rc->profile, &ro, &v, err);
	if (st != HD_OK) {
		assert_null(v);
		return st;
	}
	struct hd_top *top = NULL;
	struct hd_peek *peek = NULL;
	st = hd_view_top(v, NULL, &top, err);
	if (st == HD_OK)
		st = hd_view_peek(v, NULL, "main", &peek, err);
	for (int k = TOP_TEXT; st == HD_OK && k <= PEEK_JSON; k++)
		st = render((enum report_kind)k, v, top, peek, err);
	hd_peek_free(peek);
	hd_top_free(top);
	hd_view_free(v);
	return st;
}

static enum hd_status step_folded(void *ctx, struct hd_error *err)
{
	struct hd_flame_options fo;
	hd_flame_options_default(&fo);
	char *out = NULL;
	size_t len;
	enum hd_status st = hd_render_folded(ctx, &fo, &out, &len, err);
	if (st != HD_OK)
		assert_null(out);
	hd_bytes_free(out);
	return st;
}

static enum hd_status step_flame(void *ctx, struct hd_error *err)
{
	struct hd_flame_options fo;
	hd_flame_options_default(&fo);
	char *out = NULL;
	size_t len;
	enum hd_status st = hd_render_flame_svg(ctx, &fo, &out, &len, err);
	if (st != HD_OK)
		assert_null(out);
	hd_bytes_free(out);
	return st;
}

static enum hd_status step_write_proto(void *ctx, struct hd_error *err)
{
	void *out = NULL;
	size_t len;
	enum hd_status st = hd_profile_write_proto(ctx, true, &out, &len, err);
	if (st != HD_OK)
		assert_null(out);
	hd_bytes_free(out);
	return st;
}

static enum hd_status step_merge(void *ctx, struct hd_error *err)
{
	const struct hd_profile *p = ctx;
	struct hd_merge_input in[3] = {
		{p, 1.0, NULL, false}, {p, 2.0, NULL, false}, {p, -1.0, NULL, true}};
	struct hd_profile *m = NULL;
	enum hd_status st = hd_profile_merge(in, 3, &m, err);
	if (st != HD_OK)
		assert_null(m);
	hd_profile_free(m);
	return st;
}

static enum hd_status step_merger(void *ctx, struct hd_error *err)
{
	const struct hd_profile *p = ctx;
	struct hd_merge_input in = {p, 1.0, NULL, false};
	struct hd_merger *mg = NULL;
	struct hd_profile *m = NULL;
	enum hd_status st = hd_merger_new(&mg, err);
	for (int i = 0; st == HD_OK && i < 3; i++)
		st = hd_merger_add(mg, &in, err);
	if (st == HD_OK)
		st = hd_merger_finish(mg, &m, err);
	hd_merger_free(mg);
	hd_profile_free(m);
	return st;
}

static enum hd_status step_diagnose(void *ctx, struct hd_error *err)
{
	const struct hd_profile *const *profiles = ctx;
	const char *paths[2] = {"a.pb.gz", "b.pb.gz"};
	struct hd_diagnose_options o;
	hd_diagnose_options_default(&o);
	struct hd_diagnosis *d = NULL;
	enum hd_status st = hd_diagnose(profiles, 2, paths, &o, &d, err);
	if (st != HD_OK) {
		assert_null(d);
		return st;
	}
	static const enum hd_diagnosis_format formats[] = {HD_DIAG_TEXT, HD_DIAG_JSON,
							   HD_DIAG_MARKDOWN};
	for (size_t i = 0; st == HD_OK && i < HD_ARRAY_SIZE(formats); i++) {
		struct hd_diagnosis_render_options ro = {0};
		char *out = NULL;
		size_t len;
		st = hd_diagnosis_render(d, formats[i], &ro, &out, &len, err);
		if (st != HD_OK)
			assert_null(out);
		free(out);
	}
	hd_diagnosis_free(d);
	return st;
}

/* ---- inputs ---- */

#define MAX_INPUTS 8
static struct {
	char path[1024];
	char *data;
	size_t len;
	struct hd_profile *profile;
} inputs[MAX_INPUTS];
static size_t n_inputs;

static void add_input(const char *path)
{
	if (n_inputs == MAX_INPUTS)
		return;
	size_t len;
	char *d = read_file(path, &len);
	if (!d)
		return;
	struct hd_profile *p = NULL;
	struct hd_error err;
	if (hd_profile_parse(d, len, NULL, &p, &err) != HD_OK)
		fail_msg("%s: %s", path, err.msg);
	snprintf(inputs[n_inputs].path, sizeof(inputs[n_inputs].path), "%s", path);
	inputs[n_inputs].data = d;
	inputs[n_inputs].len = len;
	inputs[n_inputs].profile = p;
	n_inputs++;
}

/* The first file of testdata/profiles/<version>/<scenario>/ named `leaf`. */
static void add_scenario_input(const char *version, const char *leaf)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/testdata/profiles/%s", srcdir(), version);
	DIR *d = opendir(dir);
	if (!d)
		return;
	char best[256] = "";
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(best))
			continue;
		if (!best[0] || strcmp(e->d_name, best) < 0) {
			char probe[1400];
			snprintf(probe, sizeof(probe), "%s/%s/%s", dir, e->d_name, leaf);
			FILE *f = fopen(probe, "rb");
			if (f) {
				fclose(f);
				snprintf(best, sizeof(best), "%s", e->d_name);
			}
		}
	}
	closedir(d);
	if (best[0]) {
		char path[1400];
		snprintf(path, sizeof(path), "%s/%s/%s", dir, best, leaf);
		add_input(path);
	}
}

static int setup(void **state)
{
	(void)state;
	char path[1024];
	snprintf(path, sizeof(path), "%s/testdata/hostile/small.pb.gz", srcdir());
	add_input(path);
	snprintf(path, sizeof(path), "%s/testdata/hostile/small.pb", srcdir());
	add_input(path);
	snprintf(path, sizeof(path), "%s/testdata/hostile/hostile-names.pb.gz", srcdir());
	add_input(path);
	add_scenario_input("go1.26", "01.pb.gz");
	add_scenario_input("go1.22", "02.txt");
	const char *shared = getenv("HD_SHARED");
	if (shared) {
		snprintf(path, sizeof(path), "%s/corpus/pprof-legacy/gobench.heap", shared);
		add_input(path);
	}
	if (n_inputs < 3)
		fail_msg("testdata/hostile inputs missing under %s", srcdir());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_inputs; i++) {
		free(inputs[i].data);
		hd_profile_free(inputs[i].profile);
	}
	return 0;
}

/* ---- tests ---- */

static void test_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_inputs; i++) {
		struct input in = {inputs[i].data, inputs[i].len};
		long n = sweep(inputs[i].path, step_parse, &in);
		assert_true(n > 0); /* decoding allocates: the sweep tested something */
		print_message("decode %s: %ld allocations swept\n", inputs[i].path, n);
	}
}

static void test_render(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_inputs; i++) {
		struct hd_profile *p = inputs[i].profile;
		long a = sweep("folded", step_folded, p);
		long b = sweep("flame svg", step_flame, p);
		long c = sweep("write proto", step_write_proto, p);
		assert_true(a > 0 && b > 0 && c > 0);
		print_message("render %s: folded %ld, flame %ld, proto %ld allocations swept\n",
			      inputs[i].path, a, b, c);
	}
}

static void test_report(void **state)
{
	(void)state;
	static const enum hd_granularity grans[] = {HD_GRANULARITY_FUNCTIONS,
						    HD_GRANULARITY_LINES,
						    HD_GRANULARITY_ADDRESSES};
	for (size_t i = 0; i < n_inputs; i++) {
		for (size_t g = 0; g < HD_ARRAY_SIZE(grans); g++) {
			struct report_ctx rc = {inputs[i].profile, grans[g]};
			long n = sweep("report", step_report, &rc);
			assert_true(n > 0);
			print_message("report %s granularity %d: %ld allocations swept\n",
				      inputs[i].path, (int)grans[g], n);
		}
	}
}

static void test_merge(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_inputs; i++) {
		long a = sweep("merge", step_merge, inputs[i].profile);
		long b = sweep("merger", step_merger, inputs[i].profile);
		assert_true(a > 0 && b > 0);
		print_message("merge %s: %ld, incremental %ld allocations swept\n", inputs[i].path, a, b);
	}
}

static void test_diagnose(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_inputs; i++) {
		const struct hd_profile *two[2] = {inputs[i].profile, inputs[i].profile};
		long a = sweep("diagnose", step_diagnose, two);
		assert_true(a > 0);
		print_message("diagnose+render %s: %ld allocations swept\n", inputs[i].path, a);
	}
}

/* The hook itself: the (n+1)th allocation fails, and every later one. */
static void test_hook(void **state)
{
	(void)state;
	hd_alloc_fail_after(1);
	void *a = hd_malloc(8);
	void *b = hd_malloc(8);
	void *c = hd_calloc(1, 8);
	hd_alloc_fail_after(-1);
	void *d = hd_malloc(8);
	assert_non_null(a);
	assert_null(b);
	assert_null(c);
	assert_non_null(d);
	hd_free(a);
	hd_free(d);
#if HD_COUNTING
	/* and the counter the leak check relies on sees blocks come and go */
	long before = heap_in_use();
	void *x = malloc(10);
	assert_int_equal(heap_in_use(), before + 1);
	x = realloc(x, 100000);
	assert_int_equal(heap_in_use(), before + 1);
	free(x);
	assert_int_equal(heap_in_use(), before);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hook),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_diagnose),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
