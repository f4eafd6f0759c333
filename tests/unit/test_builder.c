/*
 * test_builder.c - unit tests of the profile builder (model/builder.h):
 * a built profile has the invariants of a decoded one, strings,
 * functions and locations are interned, ids are 1..n, errors are sticky
 * and reported by finish, writable sample values, many samples without
 * per-sample allocation, and the allocation-failure sweep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "model/builder.h"

static bool str_is(struct hd_str s, const char *c)
{
	return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

/* Builds a two-sample profile; returns the finish status. */
static enum hd_status build_small(struct hd_profile **p, struct hd_error *err)
{
	struct hd_builder *b;
	enum hd_status st = hd_builder_new(&b, err);
	if (st)
		return st;
	hd_builder_add_sample_type(b, hd_str_c("inuse_objects"), hd_str_c("count"));
	hd_builder_add_sample_type(b, hd_str_c("inuse_space"), hd_str_c("bytes"));
	hd_builder_set_period(b, hd_str_c("space"), hd_str_c("bytes"), 524288);
	hd_builder_set_time(b, 42, 7);
	hd_builder_set_default_sample_type(b, hd_str_c("inuse_objects"));
	hd_builder_set_frames(b, hd_str_c("drop"), hd_str_c("keep"));
	hd_builder_set_doc_url(b, hd_str_c("http://x"));
	hd_builder_add_comment(b, hd_str_c("hello"));
	hd_builder_add_memstat(b, hd_str_c("Alloc"), hd_str_c("1"));
	struct hd_mapping m = {.memory_start = 0x1000, .memory_limit = 0x2000,
			       .filename = hd_str_c("/bin/x"), .has_functions = true};
	uint32_t map = hd_builder_add_mapping(b, &m);
	struct hd_function f = {.name = hd_str_c("main.f"), .system_name = hd_str_c("main.f"),
				.filename = hd_str_c("f.go"), .start_line = 3};
	struct hd_function g = f;
	g.name = g.system_name = hd_str_c("main.g");
	uint32_t fi = hd_builder_intern_function(b, &f);
	uint32_t gi = hd_builder_intern_function(b, &g);
	struct hd_line lines[2] = {{gi, 5, 0}, {fi, 9, 2}};
	uint32_t l0 = hd_builder_intern_location(b, map, 0x1100, false, lines, 2);
	uint32_t l1 = hd_builder_intern_location(b, HD_NONE, 0x1200, true, &lines[1], 1);
	uint32_t stack[] = {l0, l1};
	int64_t v0[] = {1, 100}, v1[] = {2, 64};
	struct hd_label labels[2] = {
		{.key = hd_str_c("bytes"), .num = 100, .is_num = true},
		{.key = hd_str_c("kind"), .str = hd_str_c("slice")},
	};
	hd_builder_add_sample(b, stack, 2, v0, labels, 2);
	hd_builder_add_sample(b, &l1, 1, v1, NULL, 0);
	return hd_builder_finish(b, p, err);
}

static void test_build_small(void **state)
{
	(void)state;
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(build_small(&p, &err), HD_OK);
	assert_int_equal(p->format, HD_FORMAT_BUILT);
	assert_int_equal(p->n_sample_types, 2);
	assert_true(str_is(p->sample_types[1].type, "inuse_space"));
	assert_true(str_is(p->period_type.unit, "bytes"));
	assert_int_equal(p->period, 524288);
	assert_int_equal(p->time_nanos, 42);
	assert_int_equal(p->duration_nanos, 7);
	assert_true(str_is(p->default_sample_type, "inuse_objects"));
	assert_int_equal(hd_profile_default_sample_index(p), 0);
	assert_true(str_is(p->drop_frames, "drop"));
	assert_true(str_is(p->doc_url, "http://x"));
	assert_int_equal(p->n_comments, 1);
	assert_int_equal(p->n_memstats, 1);
	assert_true(str_is(p->memstats[0].value, "1"));
	assert_int_equal(p->n_mappings, 1);
	assert_int_equal(p->mappings[0].id, 1);
	assert_true(p->mappings[0].has_functions);
	assert_int_equal(p->n_functions, 2);
	assert_int_equal(p->functions[1].id, 2);
	assert_int_equal(p->functions[0].start_line, 3);
	assert_int_equal(p->n_locations, 2);
	assert_int_equal(p->locations[0].id, 1);
	assert_int_equal(p->locations[1].id, 2);
	assert_int_equal(p->locations[0].mapping, 0);
	assert_int_equal(p->locations[1].mapping, HD_NONE);
	assert_true(p->locations[1].is_folded);
	assert_int_equal(p->locations[0].n_lines, 2);
	assert_int_equal(p->lines[p->locations[0].first_line].function, 1);
	assert_int_equal(p->lines[p->locations[0].first_line + 1].column, 2);
	assert_int_equal(p->n_lines, 3);
	assert_int_equal(p->n_samples, 2);
	assert_int_equal(p->samples[0].n_locs, 2);
	assert_int_equal(p->sample_locs[p->samples[1].first_loc], 1);
	assert_int_equal(hd_profile_sample_values(p, 1)[1], 64);
	assert_int_equal(p->samples[0].n_labels, 2);
	int64_t bytes;
	assert_true(hd_sample_num_label(p, 0, "bytes", &bytes));
	assert_int_equal(bytes, 100);
	assert_true(str_is(p->labels[1].str, "slice"));
	assert_false(p->labels[1].is_num);
	assert_int_equal(p->samples[1].n_labels, 0);
	hd_profile_free(p);
}

static void test_interning(void **state)
{
	(void)state;
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	char buf1[] = "runtime.mallocgc", buf2[] = "runtime.mallocgc";
	struct hd_str a = hd_builder_intern(b, hd_str_c(buf1));
	struct hd_str c = hd_builder_intern(b, hd_str_c(buf2));
	assert_ptr_equal(a.ptr, c.ptr);
	assert_ptr_not_equal(a.ptr, buf1); /* copied */
	buf1[0] = 'X';
	assert_true(str_is(a, "runtime.mallocgc"));
	struct hd_function f = {.name = hd_str_c("f"), .filename = hd_str_c("a.go")};
	uint32_t f1 = hd_builder_intern_function(b, &f);
	assert_int_equal(hd_builder_intern_function(b, &f), f1);
	f.start_line = 1;
	assert_int_not_equal(hd_builder_intern_function(b, &f), f1);
	assert_int_equal(hd_builder_add_function(b, &f), 2); /* add never dedups */
	assert_int_equal(hd_builder_n_functions(b), 3);
	struct hd_line l = {f1, 7, 0};
	uint32_t l1 = hd_builder_intern_location(b, HD_NONE, 0x10, false, &l, 1);
	assert_int_equal(hd_builder_intern_location(b, HD_NONE, 0x10, false, &l, 1), l1);
	l.line = 8;
	assert_int_not_equal(hd_builder_intern_location(b, HD_NONE, 0x10, false, &l, 1), l1);
	assert_int_not_equal(hd_builder_intern_location(b, HD_NONE, 0x10, false, NULL, 0), l1);
	/* Thousands of strings and locations force the tables to grow. */
	char name[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "fn%d", i);
		struct hd_function fi = {.name = hd_str_c(name)};
		uint32_t idx = hd_builder_intern_function(b, &fi);
		struct hd_line li = {idx, i, 0};
		hd_builder_intern_location(b, HD_NONE, (uint64_t)i, false, &li, 1);
	}
	snprintf(name, sizeof(name), "fn%d", 1234);
	struct hd_function again = {.name = hd_str_c(name)};
	assert_int_equal(hd_builder_intern_function(b, &again), 3 + 1234);
	assert_int_equal(hd_builder_n_locations(b), 3 + 5000);
	assert_int_equal(hd_builder_status(b, NULL), HD_OK);
	hd_builder_free(b);
}

static void test_sticky_errors(void **state)
{
	(void)state;
	struct hd_builder *b;
	struct hd_error err;
	assert_int_equal(hd_builder_new(&b, &err), HD_OK);
	uint32_t loc = 0;
	int64_t v = 1;
	/* A sample before any sample type is a caller bug. */
	assert_true(hd_builder_add_sample(b, NULL, 0, &v, NULL, 0) == UINT64_MAX);
	assert_int_equal(hd_builder_status(b, &err), HD_ERR_INTERNAL);
	assert_non_null(strstr(err.msg, "sample added before any sample type"));
	/* Everything after fails quietly; finish reports the first error. */
	assert_false(hd_builder_add_sample_type(b, hd_str_c("x"), hd_str_c("y")));
	assert_int_equal(hd_builder_add_location(b, HD_NONE, 1, false, NULL, 0), HD_NONE);
	hd_builder_fail(b, HD_ERR_LEGACY, "a later failure");
	struct hd_profile *p = NULL;
	assert_int_equal(hd_builder_finish(b, &p, &err), HD_ERR_INTERNAL);
	assert_null(p);
	assert_non_null(strstr(err.msg, "before any sample type"));

	/* Out-of-range indices. */
	assert_int_equal(hd_builder_new(&b, &err), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("x"), hd_str_c("y"));
	assert_true(hd_builder_add_sample(b, &loc, 1, &v, NULL, 0) == UINT64_MAX);
	assert_int_equal(hd_builder_finish(b, &p, &err), HD_ERR_INTERNAL);
	assert_non_null(strstr(err.msg, "sample location index 0 out of range"));
	assert_int_equal(hd_builder_new(&b, &err), HD_OK);
	struct hd_line bad = {5, 1, 0};
	assert_int_equal(hd_builder_add_location(b, HD_NONE, 1, false, &bad, 1), HD_NONE);
	assert_int_equal(hd_builder_finish(b, &p, &err), HD_ERR_INTERNAL);
	assert_non_null(strstr(err.msg, "line function index 5 out of range"));
	assert_int_equal(hd_builder_new(&b, &err), HD_OK);
	assert_int_equal(hd_builder_add_location(b, 3, 1, false, NULL, 0), HD_NONE);
	assert_int_equal(hd_builder_finish(b, &p, &err), HD_ERR_INTERNAL);
	assert_int_equal(hd_builder_new(&b, &err), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("x"), hd_str_c("y"));
	hd_builder_add_sample(b, NULL, 0, &v, NULL, 0);
	assert_false(hd_builder_add_sample_type(b, hd_str_c("late"), hd_str_c("y")));
	assert_int_equal(hd_builder_finish(b, &p, &err), HD_ERR_INTERNAL);
	assert_non_null(strstr(err.msg, "sample type added after samples"));
	/* A caller-reported failure. */
	assert_int_equal(hd_builder_new(&b, &err), HD_OK);
	assert_int_equal(hd_builder_fail(b, HD_ERR_LEGACY, "line %d: bad", 7), HD_ERR_LEGACY);
	assert_int_equal(hd_builder_finish(b, &p, &err), HD_ERR_LEGACY);
	assert_string_equal(err.msg, "line 7: bad");
	hd_builder_free(NULL);
}

static void test_many_samples_and_values(void **state)
{
	(void)state;
	enum { N = 200000 };
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("a"), hd_str_c("count"));
	hd_builder_add_sample_type(b, hd_str_c("b"), hd_str_c("bytes"));
	struct hd_line line = {HD_NONE, 0, 0};
	uint32_t loc = hd_builder_add_location(b, HD_NONE, 1, false, &line, 1);
	for (int64_t i = 0; i < N; i++) {
		int64_t v[2] = {i, 2 * i};
		assert_true(hd_builder_add_sample(b, &loc, 1, v, NULL, 0) == (uint64_t)i);
	}
	/* merge adds into existing samples */
	int64_t *w = hd_builder_sample_values(b, 7);
	w[0] += 1000;
	assert_null(hd_builder_sample_values(b, N));
	assert_int_equal(hd_builder_n_samples(b), N);
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	assert_int_equal(p->n_samples, N);
	assert_int_equal(hd_profile_sample_values(p, 7)[0], 1007);
	assert_int_equal(hd_profile_sample_values(p, N - 1)[1], 2 * (N - 1));
	assert_int_equal(p->n_sample_locs, N);
	assert_int_equal(p->lines[0].function, HD_NONE);
	hd_profile_free(p);
}

static void test_alloc_failure_sweep(void **state)
{
	(void)state;
	long n;
	for (n = 0;; n++) {
		struct hd_profile *p = NULL;
		struct hd_error err;
		hd_alloc_fail_after(n);
		enum hd_status st = build_small(&p, &err);
		hd_alloc_fail_after(-1);
		if (st == HD_OK) {
			hd_profile_free(p);
			break;
		}
		assert_int_equal(st, HD_ERR_NOMEM);
		assert_null(p);
	}
	assert_true(n > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_small),
		cmocka_unit_test(test_interning),
		cmocka_unit_test(test_sticky_errors),
		cmocka_unit_test(test_many_samples_and_values),
		cmocka_unit_test(test_alloc_failure_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
