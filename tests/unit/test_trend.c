/*
 * test_trend.c - unit tests of the series analysis (src/lib/analyze/trend.c):
 * collapsing of snapshots no GC changed, the fitted slope and r2, each
 * verdict, the start of growth, the projection to a limit, the error paths,
 * publication epochs, the per-site/per-owner report over hand-built profiles
 * and its text/JSON rendering, an allocation-failure sweep, and the parca
 * series of ../shared/corpus (skipped when absent).
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

#include "common.h" /* hd_alloc_fail_after */
#include "heapdoc/heapdoc.h"

#define MIN_NS 60000000000LL
#define MIB (1024LL * 1024)
#define T0 1700000000000000000LL
#define S_(x) {x, sizeof(x) - 1}

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

/*
 * Back and forth: a 1 MiB buffer held once or twice depending on when the
 * GC ran (the live leak server's churn under load) ends on a rise from its
 * last minimum that fits a line, but only to where it had been already.
 * So does a cache emptied and refilled to the same size.  Neither grows;
 * the same shapes ending above the earlier peak do.
 */
static void test_back_and_forth_is_not_growth(void **state)
{
	(void)state;
	struct hd_trend_point p[8];
	int64_t flip[8] = {MIB, 2 * MIB, MIB, MIB, MIB, MIB, 2 * MIB, 2 * MIB};
	fill(p, 8, flip);
	assert_int_equal(run(p, 8, NULL).verdict, HD_TREND_STABLE);
	int64_t saw[7] = {2 * MIB, 4 * MIB, 6 * MIB, 2 * MIB, 2 * MIB, 4 * MIB, 6 * MIB};
	fill(p, 7, saw);
	assert_int_equal(run(p, 7, NULL).verdict, HD_TREND_STABLE);
	int64_t up[8] = {MIB, 2 * MIB, MIB, MIB, MIB, MIB, 2 * MIB, 3 * MIB};
	fill(p, 8, up);
	struct hd_trend_series r = run(p, 8, NULL);
	assert_int_equal(r.verdict, HD_TREND_GROWING);
	assert_int_equal(r.growth_start, 6);
	int64_t saw_up[8] = {2 * MIB, 4 * MIB, 6 * MIB, 2 * MIB, 2 * MIB, 4 * MIB, 6 * MIB,
			     8 * MIB};
	fill(p, 8, saw_up);
	assert_int_equal(run(p, 8, NULL).verdict, HD_TREND_GROWING);
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

/* A profile's times may be negative (time_nanos is a signed field): the
 * projection saturates instead of computing INT64_MAX - last_t, which
 * overflowed (UBSan halts on the old code). */
static void test_limit_negative_times(void **state)
{
	(void)state;
	int64_t v[4] = {10 * MIB, 20 * MIB, 30 * MIB, 40 * MIB};
	struct hd_trend_point p[4];
	fill(p, 4, v);
	for (int i = 0; i < 4; i++)
		p[i].time_nanos = -4 + i; /* -4 .. -1 ns: 10 MiB per nanosecond */
	struct hd_trend_options o;
	hd_trend_options_default(&o);
	o.limit_bytes = (uint64_t)1 << 62;
	struct hd_trend_series r = run(p, 4, &o);
	assert_int_equal(r.verdict, HD_TREND_GROWING);
	assert_true(r.has_projection);
	/* 2^62 bytes at 10 MiB/ns is about 4.4e11 ns after -1 */
	double want = ((double)((int64_t)1 << 62) - 40.0 * MIB) / (10.0 * MIB) - 1;
	assert_true(fabs((double)r.limit_time_nanos - want) < 2);
	/* near INT64_MIN, one byte per microsecond: the limit is about 9.2e21
	 * ns away, so the time saturates (INT64_MAX - last_t overflowed) */
	for (int i = 0; i < 4; i++) {
		p[i].time_nanos = INT64_MIN + 1 + (int64_t)i * 1000;
		p[i].value = 10 * MIB + i;
	}
	o.min_change_bytes = 0;
	o.min_change_fraction = 0;
	o.min_growth_bytes_per_min = 0;
	o.limit_bytes = (uint64_t)INT64_MAX;
	r = run(p, 4, &o);
	assert_int_equal(r.verdict, HD_TREND_GROWING);
	assert_true(r.has_projection);
	assert_true(r.limit_time_nanos == INT64_MAX);
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


/* ---- hd_trend_analyze over hand-built profiles ---- */

#define NFN 6
static struct hd_function fns[NFN] = {
	{1, S_("main.leak"), S_("main.leak"), S_("/app/main.go"), 0},
	{2, S_("bytes.growSlice"), S_("bytes.growSlice"), S_("/go/src/bytes/buffer.go"), 0},
	{3, S_("main.handler"), S_("main.handler"), S_("/app/main.go"), 0},
	{4, S_("runtime.main"), S_("runtime.main"), S_("/go/src/runtime/proc.go"), 0},
	{5, S_("main.table"), S_("main.table"), S_("/app/main.go"), 0},
	{6, S_("main.\x1b[31mevil"), S_("x"), S_("/app/evil.go"), 0},
};
static struct hd_line lines_[NFN] = {
	{0, 10, 0}, {1, 20, 0}, {2, 30, 0}, {3, 40, 0}, {4, 50, 0}, {5, 60, 0},
};
static struct hd_location locs[NFN] = {
	{1, 0, HD_NONE, 0, 1, false}, {2, 0, HD_NONE, 1, 1, false}, {3, 0, HD_NONE, 2, 1, false},
	{4, 0, HD_NONE, 3, 1, false}, {5, 0, HD_NONE, 4, 1, false}, {6, 0, HD_NONE, 5, 1, false},
};
/* Stacks, leaf first: leak<-runtime.main; growSlice<-handler<-runtime.main;
 * table<-runtime.main; evil<-runtime.main; evil again (always 0);
 * growSlice<-table<-runtime.main (the same library line, another owner). */
static uint32_t stacks[] = {0, 3, 1, 2, 3, 4, 3, 5, 3, 1, 4, 3};
#define NS 6
static struct hd_sample samples5[NS] = {
	{0, 0, 2, 0}, {2, 0, 3, 0}, {5, 0, 2, 0}, {7, 0, 2, 0}, {7, 0, 1, 0}, {9, 0, 3, 0},
};

struct snapset {
	struct hd_profile p[4];
	int64_t values[4][NS * 4];
};

/* Snapshot j: leak = 10 MiB * (j+1), growSlice 5 MiB under the handler and
 * 2 MiB under the table, table 8 MiB, evil 1 MiB. */
static void build_series(struct snapset *ss, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		struct hd_profile *p = &ss->p[j];
		memset(p, 0, sizeof(*p));
		p->sample_types = heap_types;
		p->n_sample_types = 4;
		p->samples = samples5;
		p->n_samples = NS;
		p->sample_locs = stacks;
		p->n_sample_locs = sizeof(stacks) / sizeof(stacks[0]);
		p->locations = locs;
		p->n_locations = NFN;
		p->lines = lines_;
		p->n_lines = NFN;
		p->functions = fns;
		p->n_functions = NFN;
		p->time_nanos = T0 + (int64_t)j * MIN_NS;
		int64_t inuse[NS] = {10 * MIB * (int64_t)(j + 1), 5 * MIB, 8 * MIB, 1 * MIB, 0,
				     2 * MIB};
		for (int s = 0; s < NS; s++) {
			int64_t *v = &ss->values[j][s * 4];
			v[0] = 100 + (int64_t)j; /* alloc_objects: grows every publication */
			v[1] = 2 * inuse[s] + (int64_t)j;
			v[2] = inuse[s] / 1024;
			v[3] = inuse[s];
		}
		p->values = ss->values[j];
	}
}

static const struct hd_trend_row *find_row(const struct hd_trend_row *rows, size_t n,
					   const char *fn)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].site.function, fn) == 0)
			return &rows[i];
	return NULL;
}

static void test_analyze_sites_and_owners(void **state)
{
	(void)state;
	struct snapset ss;
	build_series(&ss, 4);
	struct hd_trend_snapshot snaps[4];
	for (int j = 0; j < 4; j++)
		snaps[j] = (struct hd_trend_snapshot){&ss.p[j], 0, j == 3 ? "last.pb.gz" : NULL};
	struct hd_trend_options o;
	hd_trend_options_default(&o);
	/* Total at the end: 40+5+8+1+2 = 56 MiB; 20 MiB of headroom. */
	o.limit_bytes = (uint64_t)(76 * MIB);
	struct hd_trend_report *r = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_trend_analyze(snaps, 4, &o, NULL, &r, &err), HD_OK);
	assert_string_equal(r->sample_type, "inuse_space");
	assert_int_equal(r->n_snapshots, 4);
	assert_int_equal(r->n_observations, 4);
	assert_true(r->times[2] == T0 + 2 * MIN_NS);
	assert_null(r->names[0]);
	assert_string_equal(r->names[3], "last.pb.gz");
	assert_true(r->totals[0] == 26 * MIB && r->totals[3] == 56 * MIB);
	assert_int_equal(r->total.verdict, HD_TREND_GROWING);
	assert_true(r->total.has_projection);
	assert_true(fabs(r->total.minutes_to_limit - 2.0) < 1e-9);

	/* Five sites (the all-zero sample is left out), the leak first. */
	assert_int_equal(r->n_sites, 5);
	const struct hd_trend_row *leak = &r->sites[0];
	assert_string_equal(leak->site.function, "main.leak");
	assert_string_equal(leak->site.file, "/app/main.go");
	assert_int_equal(leak->site.line, 10);
	assert_int_equal(leak->trend.verdict, HD_TREND_GROWING);
	assert_true(fabs(leak->trend.growth_slope_bytes_per_min - 10.0 * MIB) < 1);
	assert_true(leak->series[0] == 10 * MIB && leak->series[3] == 40 * MIB);
	assert_true(leak->inuse_bytes == 40 * MIB && leak->alloc_bytes == 80 * MIB + 3);
	assert_true(leak->inuse_objects == 40 * 1024 && leak->alloc_objects == 103);
	assert_int_equal(leak->n_stack, 2);
	assert_string_equal(leak->stack[0], "main.leak");
	assert_string_equal(leak->stack[1], "runtime.main");
	assert_true(leak->has_projection);
	assert_true(fabs(leak->minutes_to_limit - 2.0) < 1e-9);
	/* The rest are stable, ranked by size: table 8, growSlice 5 and 2, evil 1. */
	assert_string_equal(r->sites[1].site.function, "main.table");
	assert_string_equal(r->sites[2].site.function, "bytes.growSlice");
	assert_string_equal(r->sites[2].owner.function, "main.handler");
	/* A library leaf under another owner is another site (diagnose's grouping). */
	assert_string_equal(r->sites[3].site.function, "bytes.growSlice");
	assert_string_equal(r->sites[3].owner.function, "main.table");
	assert_true(r->sites[3].series[3] == 2 * MIB);
	assert_string_equal(r->sites[4].site.function, "main.\x1b[31mevil");
	for (size_t i = 1; i < 5; i++) {
		assert_int_equal(r->sites[i].trend.verdict, HD_TREND_STABLE);
		assert_false(r->sites[i].has_projection);
	}
	/* bytes.growSlice is stdlib: its owner is main.handler. */
	const struct hd_trend_row *grow = find_row(r->sites, r->n_sites, "bytes.growSlice");
	assert_string_equal(grow->owner.function, "main.handler");
	assert_int_equal(grow->owner.line, 30);
	assert_string_equal(leak->owner.function, "main.leak");
	/* Owners: leak, table (8 + 2), handler, evil. */
	assert_int_equal(r->n_owners, 4);
	assert_string_equal(r->owners[0].site.function, "main.leak");
	assert_string_equal(r->owners[1].site.function, "main.table");
	assert_true(r->owners[1].series[0] == 10 * MIB);
	assert_non_null(find_row(r->owners, r->n_owners, "main.handler"));
	assert_null(find_row(r->owners, r->n_owners, "bytes.growSlice"));

	/* Text: ranked, escaped, projected. */
	char *out = NULL;
	size_t len = 0;
	struct hd_trend_render_options ro = {0, true, NULL, NULL};
	assert_int_equal(hd_trend_render(r, HD_TREND_TEXT, &ro, &out, &len, &err), HD_OK);
	assert_int_equal(strlen(out), len);
	assert_non_null(strstr(out, "heapdoc trend: 4 snapshots, 4 GC publications, "
				    "2023-11-14 22:13:20.000 UTC .. 2023-11-14 22:16:20.000 UTC, "
				    "inuse_space\n"));
	assert_non_null(strstr(out, "total: growing, 26.0 MiB -> 56.0 MiB, +10.0 MiB/min (r2 1.00) "
				    "since snapshot 2\n"));
	assert_non_null(strstr(out, "limit 76.0 MiB: reached in 2.0 min (2023-11-14 22:18:20.000 "
				    "UTC) at the current rate\n"));
	assert_non_null(strstr(out, "  1. growing    main.leak  /app/main.go:10\n"
				    "      inuse_space 40.0 MiB; +10.0 MiB/min, r2 1.00 over 4 "
				    "observations; growing since snapshot 2 (2023-11-14 22:14:20.000 "
				    "UTC)\n"));
	assert_non_null(strstr(out, "      series: 10.0M 20.0M 30.0M 40.0M\n"));
	assert_non_null(strstr(out, "main.\\x1b[31mevil"));
	assert_null(strstr(out, "\x1b"));
	assert_non_null(strstr(out, "      owner main.handler  /app/main.go:30\n"));
	assert_non_null(strstr(out, "owners (first non-standard-library frame), growing first: "
				    "1 growing of 4\n"));
	free(out);

	/* JSON: the contract fields, escaped. */
	assert_int_equal(hd_trend_render(r, HD_TREND_JSON, NULL, &out, &len, &err), HD_OK);
	assert_non_null(strstr(out, "\"findings\": [\n  {\"scope\": \"site\", \"site\": "
				    "{\"function\": \"main.leak\", \"file\": \"/app/main.go\", "
				    "\"line\": 10}, \"owner\": {\"function\": \"main.leak\", "
				    "\"file\": \"/app/main.go\", \"line\": 10}, \"stack\": "
				    "[\"main.leak\", \"runtime.main\"], \"inuse_bytes\": 41943040, "
				    "\"alloc_bytes\": 83886083, \"inuse_objects\": 40960, "
				    "\"alloc_objects\": 103, \"series\": [10485760, 20971520, "
				    "31457280, 41943040], \"verdict\": \"growing\", \"timed\": true, "
				    "\"n_observations\": 4, \"slope_bytes_per_min\": 10485760.0, "
				    "\"r2\": 1.0000"));
	assert_non_null(strstr(out, "\"growth_start\": {\"index\": 1, \"time_nanos\": "
				    "1700000060000000000}"));
	/* Site findings carry diagnose's view; owner findings do not. */
	assert_non_null(strstr(out, "\"minutes_to_limit\": 2.00, \"kind\": \""));
	assert_null(strstr(strstr(out, "{\"scope\": \"owner\""), "\"kind\""));
	assert_non_null(strstr(out, "main.\\u001b[31mevil"));
	assert_non_null(strstr(out, "{\"scope\": \"owner\", \"site\": {\"function\": \"main.handler\""));
	assert_non_null(strstr(out, "\"memstats\": null}\n"));
	assert_non_null(strstr(out, "\"limit_bytes\": 79691776,"));
	free(out);
	assert_int_equal(hd_trend_render(r, (enum hd_trend_format)7, NULL, &out, &len, &err),
			 HD_ERR_USAGE);
	hd_trend_report_free(r);
	hd_trend_report_free(NULL);
}

static void test_analyze_options_and_errors(void **state)
{
	(void)state;
	struct snapset ss;
	build_series(&ss, 3);
	struct hd_trend_snapshot snaps[3];
	for (int j = 0; j < 3; j++)
		snaps[j] = (struct hd_trend_snapshot){&ss.p[j], 0, "x"};
	struct hd_trend_report *r = NULL;
	struct hd_error err = {0};
	/* Another sample type by name; a time override. */
	snaps[2].time_nanos = T0 + 10 * MIN_NS;
	assert_int_equal(hd_trend_analyze(snaps, 3, NULL, "alloc_space", &r, &err), HD_OK);
	assert_string_equal(r->sample_type, "alloc_space");
	assert_true(r->times[2] == T0 + 10 * MIN_NS);
	assert_true(r->sites[0].series[0] == 20 * MIB);
	hd_trend_report_free(r);
	assert_int_equal(hd_trend_analyze(snaps, 3, NULL, "cpu", &r, &err), HD_ERR_INCOMPATIBLE);
	assert_string_equal(err.msg, "trend: profile 'x' has no sample type cpu");
	assert_int_equal(hd_trend_analyze(snaps, 0, NULL, NULL, &r, &err), HD_ERR_USAGE);
	snaps[1].profile = NULL;
	assert_int_equal(hd_trend_analyze(snaps, 3, NULL, NULL, &r, &err), HD_ERR_USAGE);
	snaps[1].profile = &ss.p[1];
	/* Times going back: refused by the series analysis. */
	snaps[2].time_nanos = T0 - MIN_NS;
	assert_int_equal(hd_trend_analyze(snaps, 3, NULL, NULL, &r, &err), HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "earlier than"));
}

static void test_analyze_alloc_failures(void **state)
{
	(void)state;
	struct snapset ss;
	build_series(&ss, 3);
	struct hd_trend_snapshot snaps[3];
	for (int j = 0; j < 3; j++)
		snaps[j] = (struct hd_trend_snapshot){&ss.p[j], 0, "snap"};
	bool done = false;
	for (long n = 0; n < 10000 && !done; n++) {
		struct hd_trend_report *r = NULL;
		struct hd_error err = {0};
		hd_alloc_fail_after(n);
		enum hd_status st = hd_trend_analyze(snaps, 3, NULL, NULL, &r, &err);
		if (st == HD_OK) {
			char *out = NULL;
			size_t len;
			enum hd_status rs = hd_trend_render(r, HD_TREND_JSON, NULL, &out, &len, &err);
			if (rs == HD_OK) {
				done = true;
				free(out);
			} else {
				assert_int_equal(rs, HD_ERR_NOMEM);
			}
			hd_trend_report_free(r);
		} else {
			assert_int_equal(st, HD_ERR_NOMEM);
			assert_string_equal(err.msg, "out of memory");
		}
		hd_alloc_fail_after(-1);
	}
	assert_true(done);
}

/* ../shared/corpus/parca-many: 8 identical snapshots, then 2 more. */
static void test_parca_many(void **state)
{
	(void)state;
	const char *shared = getenv("HD_SHARED");
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/corpus/parca-many", shared ? shared : "../shared");
	static const char *const names[10] = {
		"1644509272337470000", "1644509275338070000", "1644509278338696000",
		"1644509281339135000", "1644509284338649000", "1644509287338709000",
		"1644509290338056000", "1644509293338714000", "1644509296350592000",
		"1644509299337903000",
	};
	struct hd_profile *ps[10] = {NULL};
	struct hd_trend_snapshot snaps[10];
	for (int i = 0; i < 10; i++) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/%s.pb.gz", dir, names[i]);
		FILE *f = fopen(path, "rb");
		if (!f) {
			printf("SKIP: %s not found (set HD_SHARED)\n", path);
			for (int k = 0; k < i; k++)
				hd_profile_free(ps[k]);
			skip();
		}
		static char buf[1 << 20];
		size_t len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		struct hd_error err = {0};
		assert_int_equal(hd_profile_parse(buf, len, NULL, &ps[i], &err), HD_OK);
		snaps[i] = (struct hd_trend_snapshot){ps[i], 0, names[i]};
	}
	struct hd_trend_report *r = NULL;
	assert_int_equal(hd_trend_analyze(snaps, 10, NULL, NULL, &r, NULL), HD_OK);
	/* The identical run is one observation; so are the last two. */
	assert_int_equal(r->n_observations, 2);
	for (int i = 0; i < 10; i++)
		assert_int_equal(r->epochs[i], i < 8 ? 0 : 1);
	assert_int_equal(r->total.n_observations, 2);
	for (int i = 0; i < 8; i++)
		assert_true(r->totals[i] == 48928729);
	assert_true(r->totals[8] == 143698391 && r->totals[9] == 143698391);
	assert_int_equal(r->total.verdict, HD_TREND_GROWING);
	assert_int_equal(r->total.growth_start, 8);
	/* The top site is badger's skiplist arena, new in snapshot 9. */
	assert_string_equal(r->sites[0].site.function, "github.com/dgraph-io/badger/v3/skl.newArena");
	assert_int_equal(r->sites[0].trend.n_observations, 2);
	for (size_t i = 0; i < r->n_sites; i++)
		assert_true(r->sites[i].trend.n_observations <= 2);
	hd_trend_report_free(r);
	for (int i = 0; i < 10; i++)
		hd_profile_free(ps[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_linear_growth),
		cmocka_unit_test(test_flat_is_stable),
		cmocka_unit_test(test_startup_step_then_plateau_is_stable),
		cmocka_unit_test(test_back_and_forth_is_not_growth),
		cmocka_unit_test(test_growth_after_flat_start),
		cmocka_unit_test(test_noisy_leak),
		cmocka_unit_test(test_transient_and_shrinking),
		cmocka_unit_test(test_small_changes_are_stable),
		cmocka_unit_test(test_min_growth_rate),
		cmocka_unit_test(test_same_epoch_collapses),
		cmocka_unit_test(test_untimed_points),
		cmocka_unit_test(test_limit_already_reached),
		cmocka_unit_test(test_limit_negative_times),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_epochs),
		cmocka_unit_test(test_analyze_sites_and_owners),
		cmocka_unit_test(test_analyze_options_and_errors),
		cmocka_unit_test(test_analyze_alloc_failures),
		cmocka_unit_test(test_parca_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
