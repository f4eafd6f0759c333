/*
 * test_trend.c - unit tests of the series analysis (src/lib/analyze/trend.c):
 * collapsing of snapshots no GC changed, the fitted slope and r2, each
 * verdict, the start of growth, the projection to a limit, the error paths,
 * and publication epochs over profiles (hand-built here).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heapdoc/heapdoc.h"

#define MIN_NS 60000000000LL
#define MIB (1024LL * 1024)
#define T0 1700000000000000000LL

/* n points one minute apart starting at T0, distinct epochs. */
static void fill(struct hd_trend_point *p, size_t n, const int64_t *values)
{
	for (size_t i = 0; i < n; i++) {
		p[i].time_nanos = T0 + (int64_t)i * MIN_NS;
		p[i].value = values[i];
		p[i].epoch = (uint32_t)i;
	}
}

static struct hd_trend_series run(const struct hd_trend_point *p, size_t n,
				  const struct hd_trend_options *o)
{
	struct hd_trend_series r;
	struct hd_error err = {0};
	assert_int_equal(hd_trend_series_analyze(p, n, o, &r, NULL, &err), HD_OK);
	return r;
}

static void test_verdict_names(void **state)
{
	(void)state;
	assert_string_equal(hd_trend_verdict_str(HD_TREND_UNKNOWN), "unknown");
	assert_string_equal(hd_trend_verdict_str(HD_TREND_STABLE), "stable");
	assert_string_equal(hd_trend_verdict_str(HD_TREND_GROWING), "growing");
	assert_string_equal(hd_trend_verdict_str(HD_TREND_SHRINKING), "shrinking");
	assert_string_equal(hd_trend_verdict_str(HD_TREND_TRANSIENT), "transient");
}

static void test_linear_growth(void **state)
{
	(void)state;
	int64_t v[10];
	for (int i = 0; i < 10; i++)
		v[i] = 10 * MIB + i * 2 * MIB;
	struct hd_trend_point p[10];
	fill(p, 10, v);
	struct hd_trend_options o;
	hd_trend_options_default(&o);
	o.limit_bytes = (uint64_t)(100 * MIB);
	uint32_t obs[10];
	struct hd_trend_series r;
	assert_int_equal(hd_trend_series_analyze(p, 10, &o, &r, obs, NULL), HD_OK);
	assert_int_equal(r.verdict, HD_TREND_GROWING);
	assert_true(r.timed);
	assert_int_equal(r.n_points, 10);
	assert_int_equal(r.n_observations, 10);
	assert_true(fabs(r.slope_bytes_per_min - 2.0 * MIB) < 1);
	assert_true(fabs(r.growth_slope_bytes_per_min - 2.0 * MIB) < 1);
	assert_true(r.r2 > 0.999999);
	assert_int_equal(r.growth_start, 1);
	assert_true(r.growth_start_time_nanos == T0 + MIN_NS);
	assert_int_equal(obs[9], 9);
	assert_true(r.first_value == 10 * MIB && r.last_value == 28 * MIB);
	assert_true(r.min_value == 10 * MIB && r.max_value == 28 * MIB);
	/* 72 MiB of headroom at 2 MiB/min: 36 minutes after the last point. */
	assert_true(r.has_projection);
	assert_true(fabs(r.minutes_to_limit - 36.0) < 1e-6);
	assert_true(r.limit_time_nanos == T0 + 9 * MIN_NS + 36 * MIN_NS);
	assert_true(r.confidence > 0.99);
}

static void test_flat_is_stable(void **state)
{
	(void)state;
	int64_t v[6] = {50 * MIB, 50 * MIB, 50 * MIB, 50 * MIB, 50 * MIB, 50 * MIB};
	struct hd_trend_point p[6];
	fill(p, 6, v);
	struct hd_trend_series r = run(p, 6, NULL);
	assert_int_equal(r.verdict, HD_TREND_STABLE);
	/* Distinct epochs: six GCs saw the same value - six observations. */
	assert_int_equal(r.n_observations, 6);
	assert_true(r.slope_bytes_per_min == 0);
	assert_true(r.r2 == 1);
	assert_int_equal(r.growth_start, HD_NONE);
	assert_false(r.has_projection);
	assert_true(r.confidence > 0.99);
}

static void test_startup_step_then_plateau_is_stable(void **state)
{
	(void)state;
	int64_t v[8] = {0, 64 * MIB, 64 * MIB, 64 * MIB, 64 * MIB, 64 * MIB, 64 * MIB, 64 * MIB};
	struct hd_trend_point p[8];
	fill(p, 8, v);
	struct hd_trend_series r = run(p, 8, NULL);
	assert_int_equal(r.verdict, HD_TREND_STABLE);
	assert_true(r.recent_slope_bytes_per_min == 0);
	/* A late step that then stays flat is not a leak either. */
	int64_t w[6] = {0, 0, 0, 64 * MIB, 64 * MIB, 64 * MIB};
	fill(p, 6, w);
	r = run(p, 6, NULL);
	assert_int_equal(r.verdict, HD_TREND_STABLE);
}

static void test_growth_after_flat_start(void **state)
{
	(void)state;
	int64_t v[10] = {5 * MIB, 5 * MIB, 5 * MIB, 5 * MIB, 5 * MIB,
			 9 * MIB, 13 * MIB, 17 * MIB, 21 * MIB, 25 * MIB};
	struct hd_trend_point p[10];
	fill(p, 10, v);
	struct hd_trend_series r = run(p, 10, NULL);
	assert_int_equal(r.verdict, HD_TREND_GROWING);
	assert_int_equal(r.growth_start, 5);
	assert_true(r.growth_start_time_nanos == T0 + 5 * MIN_NS);
	/* From the baseline (point 4) on the slope is exactly 4 MiB/min. */
	assert_true(fabs(r.growth_slope_bytes_per_min - 4.0 * MIB) < 1);
	assert_true(r.growth_r2 > 0.9999);
	assert_true(r.slope_bytes_per_min < r.growth_slope_bytes_per_min);
}

static void test_noisy_leak(void **state)
{
	(void)state;
	/* 1 MiB/min with +-0.75 MiB of jitter, as sampling gives. */
	static const double jitter[12] = {0.5, -0.75, 0.25, 0.75, -0.5, 0,
					  0.5, -0.25, -0.75, 0.75, 0.25, -0.5};
	int64_t v[12];
	for (int i = 0; i < 12; i++)
		v[i] = 20 * MIB + (int64_t)((i + jitter[i]) * MIB);
	struct hd_trend_point p[12];
	fill(p, 12, v);
	struct hd_trend_series r = run(p, 12, NULL);
	assert_int_equal(r.verdict, HD_TREND_GROWING);
	assert_true(r.slope_bytes_per_min > 0.8 * MIB && r.slope_bytes_per_min < 1.2 * MIB);
	assert_true(r.r2 > 0.8 && r.r2 < 1);
}

static void test_transient_and_shrinking(void **state)
{
	(void)state;
	int64_t spike[6] = {2 * MIB, 40 * MIB, 80 * MIB, 30 * MIB, 4 * MIB, 2 * MIB};
	struct hd_trend_point p[6];
	fill(p, 6, spike);
	struct hd_trend_series r = run(p, 6, NULL);
	assert_int_equal(r.verdict, HD_TREND_TRANSIENT);
	assert_int_equal(r.growth_start, HD_NONE);

	int64_t down[6] = {60 * MIB, 50 * MIB, 40 * MIB, 30 * MIB, 20 * MIB, 10 * MIB};
	fill(p, 6, down);
	r = run(p, 6, NULL);
	assert_int_equal(r.verdict, HD_TREND_SHRINKING);
	assert_true(fabs(r.slope_bytes_per_min + 10.0 * MIB) < 1);
}

static void test_small_changes_are_stable(void **state)
{
	(void)state;
	/* +512 KiB overall, below the 1 MiB default: sampling noise. */
	int64_t v[6] = {100 * MIB, 100 * MIB + 100000, 100 * MIB + 200000,
			100 * MIB + 300000, 100 * MIB + 400000, 100 * MIB + 524288};
	struct hd_trend_point p[6];
	fill(p, 6, v);
	struct hd_trend_series r = run(p, 6, NULL);
	assert_int_equal(r.verdict, HD_TREND_STABLE);
	assert_true(r.slope_bytes_per_min > 0);
	/* With a smaller threshold the same series is growing. */
	struct hd_trend_options o;
	hd_trend_options_default(&o);
	o.min_change_bytes = 4096;
	o.min_change_fraction = 0;
	r = run(p, 6, &o);
	assert_int_equal(r.verdict, HD_TREND_GROWING);
}

static void test_min_growth_rate(void **state)
{
	(void)state;
	int64_t v[6];
	for (int i = 0; i < 6; i++)
		v[i] = i * 2 * MIB; /* 2 MiB/min = 120 MiB/h */
	struct hd_trend_point p[6];
	fill(p, 6, v);
	struct hd_trend_options o;
	hd_trend_options_default(&o);
	o.min_growth_bytes_per_min = 3.0 * MIB;
	assert_int_equal(run(p, 6, &o).verdict, HD_TREND_STABLE);
	o.min_growth_bytes_per_min = 1.0 * MIB;
	assert_int_equal(run(p, 6, &o).verdict, HD_TREND_GROWING);
}

static void test_same_epoch_collapses(void **state)
{
	(void)state;
	/* parca-many's shape: 8 snapshots of one publication, then 2 new ones. */
	struct hd_trend_point p[10];
	for (int i = 0; i < 10; i++) {
		p[i].time_nanos = T0 + (int64_t)i * 3000000000LL;
		p[i].value = i < 8 ? 48928729 : 143698391 + (i - 8) * 8 * MIB;
		p[i].epoch = i < 8 ? 0 : (uint32_t)(i - 7);
	}
	uint32_t obs[10];
	struct hd_trend_series r;
	assert_int_equal(hd_trend_series_analyze(p, 10, NULL, &r, obs, NULL), HD_OK);
	assert_int_equal(r.n_points, 10);
	assert_int_equal(r.n_observations, 3);
	assert_int_equal(obs[0], 0);
	assert_int_equal(obs[1], 8);
	assert_int_equal(obs[2], 9);
	/* The identical run does not pull the fit down: 3 points, growing. */
	assert_int_equal(r.verdict, HD_TREND_GROWING);
	assert_int_equal(r.growth_start, 8);

	/* One publication seen ten times: no trend can be told. */
	for (int i = 0; i < 10; i++) {
		p[i].value = 48928729;
		p[i].epoch = 0;
	}
	r = run(p, 10, NULL);
	assert_int_equal(r.n_observations, 1);
	assert_int_equal(r.verdict, HD_TREND_UNKNOWN);
	assert_true(r.confidence == 0);

	/* One point. */
	r = run(p, 1, NULL);
	assert_int_equal(r.verdict, HD_TREND_UNKNOWN);
	assert_int_equal(r.n_observations, 1);
}

static void test_untimed_points(void **state)
{
	(void)state;
	int64_t v[5] = {0, 3 * MIB, 6 * MIB, 9 * MIB, 12 * MIB};
	struct hd_trend_point p[5];
	fill(p, 5, v);
	p[2].time_nanos = 0; /* a text profile carries no time */
	struct hd_trend_options o;
	hd_trend_options_default(&o);
	o.limit_bytes = (uint64_t)(100 * MIB);
	o.min_growth_bytes_per_min = 1e12; /* ignored without times */
	struct hd_trend_series r = run(p, 5, &o);
	assert_false(r.timed);
	assert_int_equal(r.verdict, HD_TREND_GROWING);
	/* Per snapshot, then. */
	assert_true(fabs(r.slope_bytes_per_min - 3.0 * MIB) < 1);
	assert_false(r.has_projection);
}

static void test_limit_already_reached(void **state)
{
	(void)state;
	int64_t v[4] = {10 * MIB, 20 * MIB, 30 * MIB, 40 * MIB};
	struct hd_trend_point p[4];
	fill(p, 4, v);
	struct hd_trend_options o;
	hd_trend_options_default(&o);
	o.limit_bytes = (uint64_t)(32 * MIB);
	struct hd_trend_series r = run(p, 4, &o);
	assert_int_equal(r.verdict, HD_TREND_GROWING);
	assert_true(r.has_projection);
	assert_true(r.minutes_to_limit == 0);
	assert_true(r.limit_time_nanos == p[3].time_nanos);
}

static void test_errors(void **state)
{
	(void)state;
	struct hd_trend_series r;
	struct hd_error err = {0};
	struct hd_trend_point p[3] = {{T0, 1, 0}, {T0 + 2, 2, 1}, {T0 + 1, 3, 2}};
	assert_int_equal(hd_trend_series_analyze(p, 0, NULL, &r, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(err.code, HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "no points"));
	assert_int_equal(hd_trend_series_analyze(NULL, 3, NULL, &r, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_trend_series_analyze(p, 3, NULL, &r, NULL, &err), HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "point 2 is earlier than point 1"));
	p[2].time_nanos = T0 + 3;
	struct hd_trend_options o;
	hd_trend_options_default(&o);
	o.min_r2 = 1.5;
	assert_int_equal(hd_trend_series_analyze(p, 3, &o, &r, NULL, &err), HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "min_r2"));
	hd_trend_options_default(&o);
	o.min_change_fraction = NAN;
	assert_int_equal(hd_trend_series_analyze(p, 3, &o, &r, NULL, &err), HD_ERR_USAGE);
	hd_trend_options_default(&o);
	o.min_growth_bytes_per_min = -1;
	assert_int_equal(hd_trend_series_analyze(p, 3, &o, &r, NULL, &err), HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "thresholds"));
	/* A NULL error struct is allowed. */
	assert_int_equal(hd_trend_series_analyze(p, 0, NULL, &r, NULL, NULL), HD_ERR_USAGE);
	/* And the valid call works. */
	hd_trend_options_default(&o);
	assert_int_equal(hd_trend_series_analyze(p, 3, &o, &r, NULL, &err), HD_OK);
}

/* ---- epochs over hand-built profiles ---- */

static struct hd_value_type heap_types[4] = {
	{{"alloc_objects", 13}, {"count", 5}},
	{{"alloc_space", 11}, {"bytes", 5}},
	{{"inuse_objects", 13}, {"count", 5}},
	{{"inuse_space", 11}, {"bytes", 5}},
};

static void make_profile(struct hd_profile *p, struct hd_sample *samples, int64_t *values,
			 uint64_t n_samples)
{
	memset(p, 0, sizeof(*p));
	p->sample_types = heap_types;
	p->n_sample_types = 4;
	p->samples = samples;
	p->n_samples = n_samples;
	p->values = values;
}

static void test_epochs(void **state)
{
	(void)state;
	struct hd_sample s[2] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
	int64_t a[8] = {1, 100, 1, 100, 2, 200, 0, 0};
	int64_t b[8] = {2, 200, 0, 0, 1, 100, 1, 100}; /* same totals, other split */
	int64_t c[8] = {3, 300, 1, 100, 2, 200, 0, 0}; /* one more allocation */
	struct hd_profile pa, pb, pc, pd;
	make_profile(&pa, s, a, 2);
	make_profile(&pb, s, b, 2);
	make_profile(&pc, s, c, 2);
	make_profile(&pd, s, c, 2);
	pd.n_sample_types = 3; /* other sample types: never the same publication */
	const struct hd_profile *ps[5] = {&pa, &pb, &pc, &pc, &pd};
	uint32_t ep[5];
	assert_int_equal(hd_trend_epochs(ps, 5, ep, NULL), HD_OK);
	assert_int_equal(ep[0], 0);
	assert_int_equal(ep[1], 0);
	assert_int_equal(ep[2], 1);
	assert_int_equal(ep[3], 1);
	assert_int_equal(ep[4], 2);

	struct hd_error err = {0};
	assert_int_equal(hd_trend_epochs(ps, 0, ep, &err), HD_ERR_USAGE);
	ps[1] = NULL;
	assert_int_equal(hd_trend_epochs(ps, 5, ep, &err), HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "profile 1 is NULL"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_linear_growth),
		cmocka_unit_test(test_flat_is_stable),
		cmocka_unit_test(test_startup_step_then_plateau_is_stable),
		cmocka_unit_test(test_growth_after_flat_start),
		cmocka_unit_test(test_noisy_leak),
		cmocka_unit_test(test_transient_and_shrinking),
		cmocka_unit_test(test_small_changes_are_stable),
		cmocka_unit_test(test_min_growth_rate),
		cmocka_unit_test(test_same_epoch_collapses),
		cmocka_unit_test(test_untimed_points),
		cmocka_unit_test(test_limit_already_reached),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_epochs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
