/*
 * test_parts.c - the passes that run in parts on several threads for large
 * profiles (decode/profile_samples.c, agg/aggregate.c values, agg/edges.c)
 * must give exactly what one thread gives: the decoded model, top, traces,
 * peek, tree (text and JSON) and tags (also with -mean and a trimmed graph), the
 * first error in input order with its message and offset, and a clean
 * HD_ERR_NOMEM when an allocation fails inside a worker.  The profiles are
 * built here with the test encoder (support/pbenc.h) in the Go runtime's
 * shape - samples interleaved with the locations and functions they
 * introduce, a numeric bytes label, the string table last - large enough
 * to cross the parts threshold (parts.h; one test at the real threshold,
 * the others with it lowered to stay quick), with labels pprof drops,
 * inlined frames, sequential or scattered ids and unpacked samples.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "heapdoc/heapdoc.h"
#include "parts.h"
#include "pbenc.h"

/* What to build, and what to break. */
struct gen {
	uint32_t n_samples;
	bool scattered_ids; /* location ids far apart: the hashed id map */
	bool some_unpacked; /* every 7th sample's fields one by one */
	uint64_t bad_loc_at;   /* samples with this index reference location 999999999 */
	uint64_t bad_loc_at2;
	uint64_t truncate_at;  /* this sample's packed ids end inside a varint */
};

enum { N_FUNCS = 900, N_LOCS = 2500, STR_FIRST_FUNC = 12 };

static uint64_t rng_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static uint64_t loc_id(const struct gen *g, uint32_t i)
{
	return g->scattered_ids ? (uint64_t)i * 7919 + 1000003 : (uint64_t)i + 1;
}

static void emit_location(struct pbenc *e, const struct gen *g, uint32_t i)
{
	/* every third location has an inlined frame, every fifth two */
	uint64_t fns[3];
	int64_t lines[3];
	size_t n = 1 + (i % 3 == 0) + (i % 5 == 0);
	for (size_t k = 0; k < n; k++) {
		fns[k] = (i * 31 + k * 17) % N_FUNCS + 1;
		lines[k] = (int64_t)(10 + i % 50 + k);
	}
	pbenc_location(e, loc_id(g, i), 1, 0x400000 + (uint64_t)i * 16, fns, lines, n);
}

/* A profile of g->n_samples stacks of 20-44 frames, random walks over a
 * fixed call graph, deterministic. */
static uint8_t *build(const struct gen *g, size_t *len_ret)
{
	struct pbenc e;
	pbenc_init(&e);
	pbenc_value_type(&e, PB_PROFILE_PERIOD_TYPE, 7, 4);
	pbenc_int(&e, PB_PROFILE_PERIOD, 524288);
	pbenc_value_type(&e, PB_PROFILE_SAMPLE_TYPE, 1, 2);
	pbenc_value_type(&e, PB_PROFILE_SAMPLE_TYPE, 3, 4);
	pbenc_value_type(&e, PB_PROFILE_SAMPLE_TYPE, 5, 2);
	pbenc_value_type(&e, PB_PROFILE_SAMPLE_TYPE, 6, 4);
	uint64_t rs = 42;
	uint32_t funcs_out = 0, locs_out = 0;
	uint64_t ids[64];
	for (uint32_t s = 0; s < g->n_samples; s++) {
		/* introduce a few functions and locations before their samples */
		for (int k = 0; k < 2 && funcs_out < N_FUNCS; k++, funcs_out++)
			pbenc_function(&e, funcs_out + 1, STR_FIRST_FUNC + funcs_out,
				       STR_FIRST_FUNC + funcs_out, 11, 0);
		if (s % 3 == 0)
			for (int k = 0; k < 1 && locs_out < N_LOCS; k++, locs_out++)
				emit_location(&e, g, locs_out);
		uint32_t depth = 20 + (uint32_t)(rng_next(&rs) % 25);
		uint32_t at = (uint32_t)(rng_next(&rs) % 40);
		for (uint32_t d = 0; d < depth; d++) {
			ids[d] = loc_id(g, at);
			at = (at * 13 + 1 + (uint32_t)(rng_next(&rs) % 3)) % N_LOCS;
		}
		if (s == g->bad_loc_at || s == g->bad_loc_at2)
			ids[depth / 2] = 999999999;
		int64_t size = (int64_t)(16 << (rng_next(&rs) % 8));
		int64_t count = (int64_t)(1 + rng_next(&rs) % 50);
		int64_t vals[4] = {count, count * size, count / 2, count / 2 * size};
		size_t m = pbenc_begin(&e, PB_PROFILE_SAMPLE);
		if (g->some_unpacked && s % 7 == 3) {
			pbenc_unpacked(&e, PB_SAMPLE_LOCATION_ID, ids, depth);
			pbenc_unpacked(&e, PB_SAMPLE_VALUE, (const uint64_t *)vals, 4);
		} else if (s == g->truncate_at) {
			pbenc_tag(&e, PB_SAMPLE_LOCATION_ID, PB_WT_LEN);
			pbenc_varint(&e, 3);
			uint8_t bad[3] = {0x81, 0x82, 0x83};
			pbenc_raw(&e, bad, 3);
			pbenc_packed(&e, PB_SAMPLE_VALUE, (const uint64_t *)vals, 4);
		} else {
			pbenc_packed(&e, PB_SAMPLE_LOCATION_ID, ids, depth);
			pbenc_packed(&e, PB_SAMPLE_VALUE, (const uint64_t *)vals, 4);
		}
		size_t l = pbenc_begin(&e, PB_SAMPLE_LABEL);
		pbenc_int(&e, PB_LABEL_KEY, 4);
		pbenc_int(&e, PB_LABEL_NUM, size);
		pbenc_end(&e, l);
		if (s % 97 == 5) { /* key only: pprof drops it, leaving a gap */
			l = pbenc_begin(&e, PB_SAMPLE_LABEL);
			pbenc_int(&e, PB_LABEL_KEY, 8);
			pbenc_end(&e, l);
		}
		if (s % 53 == 1) {
			l = pbenc_begin(&e, PB_SAMPLE_LABEL);
			pbenc_int(&e, PB_LABEL_KEY, 8);
			pbenc_int(&e, PB_LABEL_STR, 9);
			pbenc_end(&e, l);
		}
		pbenc_end(&e, m);
	}
	for (; funcs_out < N_FUNCS; funcs_out++)
		pbenc_function(&e, funcs_out + 1, STR_FIRST_FUNC + funcs_out,
			       STR_FIRST_FUNC + funcs_out, 11, 0);
	for (; locs_out < N_LOCS; locs_out++)
		emit_location(&e, g, locs_out);
	pbenc_int(&e, PB_PROFILE_TIME_NANOS, 1700000000000000000);
	pbenc_mapping(&e, 1, 0x400000, 0x800000, 0, 10, 0);
	static const char *const fixed[STR_FIRST_FUNC] = {
		"", "alloc_objects", "count", "alloc_space", "bytes", "inuse_objects",
		"inuse_space", "space", "tag", "blue", "/bin/app", "app.go",
	};
	pbenc_strings(&e, fixed, STR_FIRST_FUNC);
	for (uint32_t f = 0; f < N_FUNCS; f++) {
		char name[48];
		snprintf(name, sizeof(name), "example.com/app/pkg%u.Func%u", f % 37, f);
		pbenc_string(&e, PB_PROFILE_STRING_TABLE, name);
	}
	*len_ret = e.len;
	return e.data; /* pbenc_release would free it: the caller does */
}

static struct hd_profile *parse_with(unsigned threads, const uint8_t *data, size_t len)
{
	hd_set_threads(threads);
	struct hd_profile *p = NULL;
	struct hd_error err = {0};
	if (hd_profile_parse(data, len, NULL, &p, &err) != HD_OK)
		fail_msg("parse with %u threads: %s", threads, err.msg);
	return p;
}

static bool str_eq(struct hd_str a, struct hd_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static void assert_same_model(const struct hd_profile *a, const struct hd_profile *b)
{
	assert_int_equal(a->n_samples, b->n_samples);
	assert_int_equal(a->n_sample_locs, b->n_sample_locs);
	assert_int_equal(a->n_labels, b->n_labels);
	assert_int_equal(a->n_locations, b->n_locations);
	assert_memory_equal(a->sample_locs, b->sample_locs, a->n_sample_locs * sizeof(uint32_t));
	assert_memory_equal(a->values, b->values,
			    a->n_samples * a->n_sample_types * sizeof(int64_t));
	for (uint64_t i = 0; i < a->n_samples; i++) {
		const struct hd_sample *x = &a->samples[i], *y = &b->samples[i];
		assert_int_equal(x->first_loc, y->first_loc);
		assert_int_equal(x->n_locs, y->n_locs);
		assert_int_equal(x->first_label, y->first_label);
		assert_int_equal(x->n_labels, y->n_labels);
	}
	for (uint64_t i = 0; i < a->n_labels; i++) {
		const struct hd_label *x = &a->labels[i], *y = &b->labels[i];
		assert_true(str_eq(x->key, y->key) && str_eq(x->str, y->str) &&
			    str_eq(x->num_unit, y->num_unit));
		assert_int_equal(x->num, y->num);
		assert_int_equal(x->is_num, y->is_num);
	}
}

/* The reports of one view, concatenated: top, peek and tree, as text and
 * JSON, tags as text, and with `traces` the traces too (large: one block
 * per sample). */
static char *reports(const struct hd_profile *p, const struct hd_report_options *o, bool traces)
{
	struct hd_view *v = NULL;
	struct hd_error err = {0};
	if (hd_view_new(p, o, &v, &err) != HD_OK)
		fail_msg("view: %s", err.msg);
	struct hd_top *top = NULL;
	struct hd_peek *peek = NULL, *tree = NULL;
	assert_int_equal(hd_view_top(v, NULL, &top, &err), HD_OK);
	assert_int_equal(hd_view_peek(v, NULL, "Func1[0-9]$", &peek, &err), HD_OK);
	assert_int_equal(hd_view_tree(v, NULL, &tree, &err), HD_OK);
	enum { N_PARTS = 9 };
	char *parts[N_PARTS];
	size_t lens[N_PARTS], total = 1;
	assert_int_equal(hd_render_top_text(v, top, &parts[0], &lens[0], &err), HD_OK);
	assert_int_equal(hd_render_top_json(v, top, &parts[1], &lens[1], &err), HD_OK);
	if (traces) {
		assert_int_equal(hd_render_traces_text(v, &parts[2], &lens[2], &err), HD_OK);
		assert_int_equal(hd_render_traces_json(v, &parts[3], &lens[3], &err), HD_OK);
	} else {
		parts[2] = parts[3] = NULL;
		lens[2] = lens[3] = 0;
	}
	assert_int_equal(hd_render_peek_text(v, peek, &parts[4], &lens[4], &err), HD_OK);
	assert_int_equal(hd_render_peek_json(v, peek, &parts[5], &lens[5], &err), HD_OK);
	assert_int_equal(hd_render_peek_text(v, tree, &parts[6], &lens[6], &err), HD_OK);
	assert_int_equal(hd_render_peek_json(v, tree, &parts[7], &lens[7], &err), HD_OK);
	assert_int_equal(hd_render_tags_text(v, &parts[8], &lens[8], &err), HD_OK);
	if (top->n_rows <= 20) fail_msg("rows %u", top->n_rows);
	assert_true(peek->n_entries > 3);
	assert_true(tree->n_entries > 3);
	for (int i = 0; i < N_PARTS; i++)
		total += lens[i];
	char *all = malloc(total), *w = all;
	assert_non_null(all);
	for (int i = 0; i < N_PARTS; i++) {
		if (lens[i])
			memcpy(w, parts[i], lens[i]);
		w += lens[i];
		hd_report_text_free(parts[i]);
	}
	*w = '\0';
	hd_peek_free(tree);
	hd_peek_free(peek);
	hd_top_free(top);
	hd_view_free(v);
	return all;
}

/* Threads 2 .. max_threads against one thread. */
static void check_same_for_threads(const struct gen *g, unsigned max_threads)
{
	size_t len;
	uint8_t *data = build(g, &len);
	struct hd_profile *one = parse_with(1, data, len);
	/* the profile crosses the threshold: two threads mean two parts */
	hd_set_threads(2);
	assert_true(hd_parts_for(one->n_sample_locs, hd_parts_min_frames()) == 2);
	hd_set_threads(1);
	assert_int_equal(hd_parts_for(one->n_sample_locs, hd_parts_min_frames()), 1);
	struct hd_report_options plain, mean, trimmed;
	hd_report_options_default(&plain);
	hd_report_options_default(&mean);
	mean.mean = true;
	mean.sample_index = "alloc_space";
	hd_report_options_default(&trimmed);
	trimmed.nodecount = 40; /* a masked graph: kept nodes and residual edges */
	trimmed.sort = HD_SORT_CUM;
	const struct hd_report_options *opts[] = {&plain, &mean, &trimmed};
	char *expect[3];
	for (int i = 0; i < 3; i++)
		expect[i] = reports(one, opts[i], false);
	char *expect_traces = reports(one, &plain, true);
	for (unsigned threads = 2; threads <= max_threads; threads++) {
		struct hd_profile *many = parse_with(threads, data, len);
		assert_same_model(one, many);
		char *got = reports(many, &plain, true);
		assert_string_equal(expect_traces, got);
		free(got);
		for (int i = 0; i < 3; i++) {
			got = reports(many, opts[i], false);
			assert_string_equal(expect[i], got);
			free(got);
			/* the graph passes alone, on the single-threaded model */
			got = reports(one, opts[i], false);
			assert_string_equal(expect[i], got);
			free(got);
		}
		hd_profile_free(many);
	}
	free(expect_traces);
	for (int i = 0; i < 3; i++)
		free(expect[i]);
	hd_profile_free(one);
	free(data);
	hd_set_threads(0);
}

/* At the real threshold: 36k samples, ~1.15M frames. */
static void test_same_output_sequential_ids(void **state)
{
	(void)state;
	struct gen g = {.n_samples = 36000, .bad_loc_at = UINT64_MAX,
			.bad_loc_at2 = UINT64_MAX, .truncate_at = UINT64_MAX};
	check_same_for_threads(&g, 2); /* 3 threads would make 2 parts too */
}

/* The other tests lower the threshold (parts of 2^16 frames) to stay
 * quick: the code paths are the same. */
static int small_parts(void **state)
{
	(void)state;
	hd_parts_set_min_frames((uint64_t)1 << 16);
	return 0;
}

static int default_parts(void **state)
{
	(void)state;
	hd_parts_set_min_frames(0);
	return 0;
}

static void test_same_output_scattered_ids_unpacked(void **state)
{
	(void)state;
	struct gen g = {.n_samples = 9000, .scattered_ids = true, .some_unpacked = true,
			.bad_loc_at = UINT64_MAX, .bad_loc_at2 = UINT64_MAX,
			.truncate_at = UINT64_MAX};
	check_same_for_threads(&g, 3);
}

/* The error of each thread count, as "status offset message". */
static void error_for(unsigned threads, const uint8_t *data, size_t len, char *out, size_t cap)
{
	hd_set_threads(threads);
	struct hd_profile *p = NULL;
	struct hd_error err = {0};
	enum hd_status st = hd_profile_parse(data, len, NULL, &p, &err);
	assert_int_not_equal(st, HD_OK);
	assert_null(p);
	snprintf(out, cap, "%d %d %llu %s", (int)st, (int)err.has_offset,
		 (unsigned long long)err.offset, err.msg);
}

static void check_error(const struct gen *g, const char *expect_part)
{
	size_t len;
	uint8_t *data = build(g, &len);
	char one[512], two[512], three[512];
	error_for(1, data, len, one, sizeof(one));
	error_for(2, data, len, two, sizeof(two));
	error_for(3, data, len, three, sizeof(three));
	assert_string_equal(one, two);
	assert_string_equal(one, three);
	assert_non_null(strstr(one, expect_part));
	free(data);
	hd_set_threads(0);
}

static void test_error_in_second_half(void **state)
{
	(void)state;
	struct gen g = {.n_samples = 9000, .bad_loc_at = 7500, .bad_loc_at2 = UINT64_MAX,
			.truncate_at = UINT64_MAX};
	check_error(&g, "sample 7500 references unknown location id 999999999");
}

static void test_first_error_in_input_order(void **state)
{
	(void)state;
	/* an error in each half: the first one is reported */
	struct gen g = {.n_samples = 9000, .bad_loc_at = 8000, .bad_loc_at2 = 1500,
			.truncate_at = UINT64_MAX};
	check_error(&g, "sample 1500 references unknown location id");
	/* a wire error late, an id error early (scattered ids: the id map) */
	struct gen h = {.n_samples = 9000, .scattered_ids = true, .bad_loc_at = 1000,
			.bad_loc_at2 = UINT64_MAX, .truncate_at = 8500};
	check_error(&h, "sample 1000 references unknown location id");
	struct gen t = {.n_samples = 9000, .bad_loc_at = UINT64_MAX,
			.bad_loc_at2 = UINT64_MAX, .truncate_at = 8500};
	check_error(&t, "sample location ids");
}

/* Every allocation of top and of peek failing in turn, with two threads
 * (the edge tables grow inside the workers): HD_ERR_NOMEM or success,
 * never a crash, leak or hang. */
static void test_allocation_failures_with_threads(void **state)
{
	(void)state;
	if (getenv("HD_TSAN_PASS")) /* allocation sweeps: the ASan pass's job */
		skip();
	struct gen g = {.n_samples = 9000, .bad_loc_at = UINT64_MAX,
			.bad_loc_at2 = UINT64_MAX, .truncate_at = UINT64_MAX};
	size_t len;
	uint8_t *data = build(&g, &len);
	struct hd_profile *p = parse_with(2, data, len);
	assert_int_equal(hd_parts_for(p->n_sample_locs, hd_parts_min_frames()), 2);
	struct hd_view *v = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_view_new(p, NULL, &v, &err), HD_OK);
	for (int report = 0; report < 2; report++) {
		bool reached_end = false;
		for (long n = 0; n < 200 && !reached_end; n++) {
			struct hd_top *top = NULL;
			struct hd_peek *peek = NULL;
			hd_alloc_fail_after(n);
			enum hd_status st = report == 0 ? hd_view_top(v, NULL, &top, &err)
						      : hd_view_peek(v, NULL, "Func1", &peek, &err);
			hd_alloc_fail_after(-1);
			if (st == HD_OK)
				reached_end = true;
			else
				assert_int_equal(st, HD_ERR_NOMEM);
			hd_peek_free(peek);
			hd_top_free(top);
		}
		assert_true(reached_end);
	}
	hd_view_free(v);
	/* the decoder's allocations too */
	bool reached_end = false;
	for (long n = 0; n < 100 && !reached_end; n++) {
		struct hd_profile *q = NULL;
		hd_alloc_fail_after(n);
		enum hd_status st = hd_profile_parse(data, len, NULL, &q, &err);
		hd_alloc_fail_after(-1);
		if (st == HD_OK)
			reached_end = true;
		else
			assert_int_equal(st, HD_ERR_NOMEM);
		hd_profile_free(q);
	}
	assert_true(reached_end);
	hd_profile_free(p);
	free(data);
	hd_set_threads(0);
}

static void test_parts_for(void **state)
{
	(void)state;
	hd_set_threads(1);
	assert_int_equal(hd_parts_for(1u << 30, 1000), 1);
	hd_set_threads(2);
	assert_int_equal(hd_parts_for(1999, 1000), 1);
	assert_int_equal(hd_parts_for(2000, 1000), 2);
	hd_set_threads(64);
	assert_int_equal(hd_parts_for(5000, 1000), 5);
	assert_int_equal(hd_parts_for(UINT64_MAX, 1000), HD_PARTS_MAX);
	hd_set_threads(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parts_for),
		cmocka_unit_test(test_same_output_sequential_ids),
		cmocka_unit_test_setup_teardown(test_same_output_scattered_ids_unpacked,
						small_parts, default_parts),
		cmocka_unit_test_setup_teardown(test_error_in_second_half, small_parts,
						default_parts),
		cmocka_unit_test_setup_teardown(test_first_error_in_input_order, small_parts,
						default_parts),
		cmocka_unit_test_setup_teardown(test_allocation_failures_with_threads,
						small_parts, default_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
