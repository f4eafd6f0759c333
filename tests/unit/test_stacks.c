/*
 * test_stacks.c - unit tests of the grouping of a view's samples by
 * identical stacks (src/lib/agg/stacks.c, run by hd_view_new): on a view
 * large enough to be grouped on several threads, the stacks, their summed
 * values and divisors (-mean), their order (first appearance) and the
 * deepest sample are the same for 1, 2 and 3 threads and match a count
 * done the obvious way; zero samples are left out but still count for the
 * depth; an allocation failure in a worker comes back as HD_ERR_NOMEM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "agg/view.h"
#include "common.h"
#include "model/builder.h"

#define N_DISTINCT 3000
#define N_SAMPLES 150000

static uint64_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

/*
 * N_SAMPLES samples drawn from N_DISTINCT stacks (1 to 40 locations, some
 * of them prefixes of others), two sample types; every 11th sample has
 * value 0 in both (left out of the stacks), and the deepest stack, 90
 * locations, appears only with zero values.
 */
static struct hd_profile *make(void)
{
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("alloc_objects"), hd_str_c("count"));
	hd_builder_add_sample_type(b, hd_str_c("alloc_space"), hd_str_c("bytes"));
	uint32_t locs[200];
	char name[32];
	for (uint32_t i = 0; i < 200; i++) {
		struct hd_function f = {0};
		snprintf(name, sizeof(name), "fn%u", i);
		f.name = hd_str_c(name);
		struct hd_line ln = {hd_builder_intern_function(b, &f), 1, 0};
		locs[i] = hd_builder_intern_location(b, HD_NONE, 0x1000 + i, false, &ln, 1);
	}
	static uint32_t stacks[N_DISTINCT][40];
	static uint32_t depth[N_DISTINCT];
	uint64_t seed = 7;
	for (uint32_t d = 0; d < N_DISTINCT; d++) {
		depth[d] = 1 + (uint32_t)(rnd(&seed) % 40);
		for (uint32_t k = 0; k < depth[d]; k++)
			stacks[d][k] = locs[rnd(&seed) % 200];
		if (d > 0 && d % 10 == 0) {
			/* the stack of d - 1 without its leaf */
			depth[d] = depth[d - 1] > 1 ? depth[d - 1] - 1 : 1;
			memcpy(stacks[d], stacks[d - 1] + (depth[d - 1] - depth[d]), depth[d] * 4);
		}
	}
	for (uint32_t s = 0; s < N_SAMPLES; s++) {
		uint32_t d = (uint32_t)(rnd(&seed) % N_DISTINCT);
		int64_t v[2] = {1 + (int64_t)(rnd(&seed) % 5), 16 * (1 + (int64_t)(rnd(&seed) % 1000))};
		if (s % 11 == 0)
			v[0] = v[1] = 0;
		hd_builder_add_sample(b, stacks[d], depth[d], v, NULL, 0);
	}
	uint32_t deep[90];
	for (uint32_t k = 0; k < 90; k++)
		deep[k] = locs[k];
	int64_t zero[2] = {0, 0};
	hd_builder_add_sample(b, deep, 90, zero, NULL, 0);
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	return p;
}

static struct hd_view *view(const struct hd_profile *p, unsigned threads, bool mean)
{
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.sample_index = "alloc_space";
	o.mean = mean;
	hd_set_threads(threads);
	struct hd_view *v;
	assert_int_equal(hd_view_new(p, &o, &v, NULL), HD_OK);
	hd_set_threads(0);
	return v;
}

/* The stacks counted the obvious way: for each sample, look for its stack
 * among those seen before (quadratic, on the distinct stacks only). */
static void check_obvious(const struct hd_view *v)
{
	struct hd_vstack *want = calloc(v->n_samples + 1, sizeof(*want));
	assert_non_null(want);
	uint64_t n = 0;
	uint32_t max = 0;
	for (uint64_t i = 0; i < v->n_samples; i++) {
		const struct hd_vsample *s = &v->samples[i];
		uint32_t f = hd_vsample_frames(v, s);
		max = f > max ? f : max;
		if (s->value == 0 && s->divisor == 0)
			continue;
		uint64_t k = 0;
		while (k < n && !(want[k].n_locs == s->n_locs &&
				  memcmp(want[k].locs, s->locs, (size_t)s->n_locs * 4) == 0))
			k++;
		if (k == n)
			want[n++] = (struct hd_vstack){s->locs, 0, 0, s->n_locs};
		want[k].value += s->value;
		want[k].divisor += s->divisor;
	}
	assert_int_equal(v->n_stacks, n);
	assert_int_equal(v->max_frames, max);
	assert_int_equal(max, 90);
	for (uint64_t k = 0; k < n; k++) {
		assert_int_equal(v->stacks[k].n_locs, want[k].n_locs);
		assert_memory_equal(v->stacks[k].locs, want[k].locs, (size_t)want[k].n_locs * 4);
		assert_int_equal(v->stacks[k].value, want[k].value);
		assert_int_equal(v->stacks[k].divisor, want[k].divisor);
	}
	free(want);
}

static void test_threads_same_stacks(void **state)
{
	(void)state;
	struct hd_profile *p = make();
	for (int mean = 0; mean <= 1; mean++) {
		struct hd_view *one = view(p, 1, mean);
		assert_true(one->n_stacks > N_DISTINCT / 2 && one->n_stacks <= N_DISTINCT);
		check_obvious(one);
		for (unsigned t = 2; t <= 3; t++) {
			struct hd_view *many = view(p, t, mean);
			assert_int_equal(many->n_stacks, one->n_stacks);
			assert_int_equal(many->max_frames, one->max_frames);
			for (uint64_t k = 0; k < one->n_stacks; k++) {
				assert_ptr_equal(many->stacks[k].locs, one->stacks[k].locs);
				assert_int_equal(many->stacks[k].n_locs, one->stacks[k].n_locs);
				assert_int_equal(many->stacks[k].value, one->stacks[k].value);
				assert_int_equal(many->stacks[k].divisor, one->stacks[k].divisor);
			}
			hd_view_free(many);
		}
		hd_view_free(one);
	}
	hd_profile_free(p);
}

/* A failing allocation, in the caller or a worker thread, makes
 * hd_view_new fail with HD_ERR_NOMEM (leaks: the ASan build). */
static void test_allocfail(void **state)
{
	(void)state;
	if (getenv("HD_TSAN_PASS")) /* allocation sweeps: the ASan pass's job */
		skip();
	struct hd_profile *p = make();
	struct hd_report_options o;
	hd_report_options_default(&o);
	hd_set_threads(2);
	long n, ok_at = -1;
	for (n = 0; n < 100000; n++) {
		struct hd_view *v = NULL;
		struct hd_error err = {0};
		hd_alloc_fail_after(n);
		enum hd_status st = hd_view_new(p, &o, &v, &err);
		hd_alloc_fail_after(-1);
		if (st == HD_OK) {
			hd_view_free(v);
			ok_at = n;
			break;
		}
		assert_int_equal(st, HD_ERR_NOMEM);
		assert_int_equal(err.code, HD_ERR_NOMEM);
		assert_null(v);
	}
	hd_set_threads(0);
	assert_true(ok_at > 0);
	hd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_same_stacks),
		cmocka_unit_test(test_allocfail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
