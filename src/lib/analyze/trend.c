/*
 * trend.c - series analysis: given one quantity per heap snapshot (a site's
 * inuse_space, a process total), collapse the snapshots no GC changed, fit a
 * least-squares line, and decide growing / stable / shrinking / transient,
 * with the start of the growth and the time left until a limit.  Pure
 * computation on caller memory, no allocation and no I/O.  The per-site and
 * per-owner report over whole profiles (hd_trend_analyze) is in
 * trend_report.c.  The thresholds and their reasons are in
 * docs/internals/trend.md.
 */
#include <math.h>
#include <stdlib.h>

#include "common.h"

#define NANOS_PER_MIN 60e9

const char *hd_trend_verdict_str(enum hd_trend_verdict verdict)
{
	switch (verdict) {
	case HD_TREND_UNKNOWN: return "unknown";
	case HD_TREND_STABLE: return "stable";
	case HD_TREND_GROWING: return "growing";
	case HD_TREND_SHRINKING: return "shrinking";
	case HD_TREND_TRANSIENT: return "transient";
	}
	return "unknown";
}

void hd_trend_options_default(struct hd_trend_options *o)
{
	memset(o, 0, sizeof(*o));
	/*
	 * One sampled object at the default MemProfileRate (512 KiB) can move
	 * a site's scaled inuse by about that much between two GCs; demand
	 * twice that before calling a change real.
	 */
	o->min_change_bytes = 1u << 20;
	o->min_change_fraction = 0.05;
	o->min_r2 = 0.6;
	o->min_growth_bytes_per_min = 0;
	o->limit_bytes = 0;
}

/* A fit of y = a + b*x over a range of observations. */
struct fit {
	double slope;
	double r2;
};

/*
 * The observations are the points that start a new publication: point 0, and
 * every point whose epoch or value differs from its predecessor's.  They are
 * walked in place (no copy), so the analysis allocates nothing.
 */
struct series_view {
	const struct hd_trend_point *points;
	size_t n;
	bool timed;
};

static bool is_observation(const struct series_view *v, size_t i)
{
	return i == 0 || v->points[i].epoch != v->points[i - 1].epoch ||
	       v->points[i].value != v->points[i - 1].value;
}

static double x_of(const struct series_view *v, size_t i)
{
	if (!v->timed)
		return (double)i;
	return (double)(v->points[i].time_nanos - v->points[0].time_nanos) / NANOS_PER_MIN;
}

/*
 * Least squares over observations [from, to) (ordinals).  Sums are taken
 * around the means (two passes) so that large byte values do not lose
 * precision.  A flat series fits perfectly (r2 = 1); fewer than two
 * observations give slope 0, r2 1.
 */
static struct fit fit_line(const struct series_view *v, size_t from, size_t to)
{
	struct fit f = {0, 1};
	if (to < from + 2)
		return f;
	double mx = 0, my = 0;
	size_t k = 0, cnt = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (!is_observation(v, i))
			continue;
		if (k >= from && k < to) {
			mx += x_of(v, i);
			my += (double)v->points[i].value;
			cnt++;
		}
		k++;
	}
	mx /= (double)cnt;
	my /= (double)cnt;
	double sxx = 0, sxy = 0, syy = 0;
	k = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (!is_observation(v, i))
			continue;
		if (k >= from && k < to) {
			double dx = x_of(v, i) - mx, dy = (double)v->points[i].value - my;
			sxx += dx * dx;
			sxy += dx * dy;
			syy += dy * dy;
		}
		k++;
	}
	if (sxx <= 0)
		return f; /* every x equal: no slope can be told */
	f.slope = sxy / sxx;
	f.r2 = syy <= 0 ? 1 : (sxy * sxy) / (sxx * syy);
	if (f.r2 > 1)
		f.r2 = 1;
	return f;
}

static bool bad_threshold(double v)
{
	return isnan(v) || v < 0 || isinf(v);
}

static enum hd_status check_input(const struct hd_trend_point *points, size_t n,
				  const struct hd_trend_options *o, struct hd_error *err)
{
	if (!points || n == 0)
		return hd_error_set(err, HD_ERR_USAGE, "trend: no points to analyse");
	if (n > UINT32_MAX)
		return hd_error_set(err, HD_ERR_LIMIT, "trend: more than %u points",
				    (unsigned)UINT32_MAX);
	if (isnan(o->min_r2) || o->min_r2 < 0 || o->min_r2 > 1)
		return hd_error_set(err, HD_ERR_USAGE, "trend: min_r2 must be within 0..1");
	if (bad_threshold(o->min_change_fraction) || bad_threshold(o->min_growth_bytes_per_min))
		return hd_error_set(err, HD_ERR_USAGE,
				    "trend: thresholds must be finite and not negative");
	for (size_t i = 1; i < n; i++) {
		if (points[i].time_nanos && points[i - 1].time_nanos &&
		    points[i].time_nanos < points[i - 1].time_nanos)
			return hd_error_set(err, HD_ERR_USAGE,
					    "trend: point %zu is earlier than point %zu", i, i - 1);
	}
	return HD_OK;
}

enum hd_status hd_trend_series_analyze(const struct hd_trend_point *points, size_t n_points,
				       const struct hd_trend_options *options,
				       struct hd_trend_series *result_ret,
				       uint32_t *observations_ret, struct hd_error *err)
{
	struct hd_trend_options defaults;
	if (!options) {
		hd_trend_options_default(&defaults);
		options = &defaults;
	}
	enum hd_status st = check_input(points, n_points, options, err);
	if (st != HD_OK)
		return st;

	struct hd_trend_series r;
	memset(&r, 0, sizeof(r));
	r.n_points = (uint32_t)n_points;
	r.growth_start = HD_NONE;
	struct series_view v = {points, n_points, true};
	for (size_t i = 0; i < n_points; i++)
		if (points[i].time_nanos == 0)
			v.timed = false;
	r.timed = v.timed;

	/* Observation ordinal -> value and first point, walked on demand below. */
	size_t m = 0;
	for (size_t i = 0; i < n_points; i++) {
		if (!is_observation(&v, i))
			continue;
		if (observations_ret)
			observations_ret[m] = (uint32_t)i;
		m++;
	}
	r.n_observations = (uint32_t)m;

	r.first_value = points[0].value;
	r.last_value = points[n_points - 1].value;
	r.min_value = r.max_value = points[0].value;
	for (size_t i = 1; i < n_points; i++) {
		if (points[i].value < r.min_value)
			r.min_value = points[i].value;
		if (points[i].value > r.max_value)
			r.max_value = points[i].value;
	}

	struct fit all = fit_line(&v, 0, m);
	r.slope_bytes_per_min = all.slope;
	r.r2 = all.r2;
	size_t recent_n = m / 2 < 2 ? 2 : m / 2;
	if (recent_n > m)
		recent_n = m;
	r.recent_slope_bytes_per_min = fit_line(&v, m - recent_n, m).slope;

	if (m < 2) {
		r.verdict = HD_TREND_UNKNOWN;
		goto out;
	}

	double largest = fabs((double)r.max_value) > fabs((double)r.min_value)
				 ? fabs((double)r.max_value)
				 : fabs((double)r.min_value);
	double thresh = (double)options->min_change_bytes;
	if (options->min_change_fraction * largest > thresh)
		thresh = options->min_change_fraction * largest;
	double first = (double)r.first_value, last = (double)r.last_value;
	double peak = (double)r.max_value;
	double nobs_weight = (double)(m - 1) / 5.0;
	if (nobs_weight > 1)
		nobs_weight = 1;

	/* Transient: a significant rise, and at least half of it given back. */
	double rise = peak - first, drop = peak - last;
	if (rise >= thresh && drop >= thresh && drop >= 0.5 * rise) {
		r.verdict = HD_TREND_TRANSIENT;
		r.confidence = nobs_weight;
		goto out;
	}

	/*
	 * Growing: the series was last at its minimum at observation kmin; the
	 * growth under way starts at kmin + 1.  It counts when the net rise is
	 * significant, the line fits (over everything, or from the baseline
	 * kmin on), the recent half is still rising - a step at start-up
	 * followed by a plateau is not a leak - and the last value is higher
	 * than anything before the baseline.
	 */
	size_t kmin = 0, kmin_point = 0, next_point = HD_NONE;
	double ymin = 0;
	{
		size_t k = 0;
		for (size_t i = 0; i < n_points; i++) {
			if (!is_observation(&v, i))
				continue;
			if (k == 0 || (double)points[i].value <= ymin) {
				ymin = (double)points[i].value;
				kmin = k;
				kmin_point = i;
			}
			k++;
		}
		for (size_t i = kmin_point + 1; i < n_points; i++)
			if (is_observation(&v, i)) {
				next_point = i;
				break;
			}
	}
	/* The highest value before the baseline: a series that fell back to
	 * its minimum and climbed again only as high as it had been already
	 * (a buffer held once or twice depending on when the GC ran, a cache
	 * emptied and refilled) is going back and forth, not growing. */
	bool prior = false;
	double prior_peak = 0;
	for (size_t i = 0; i < kmin_point; i++) {
		if (!is_observation(&v, i))
			continue;
		if (!prior || (double)points[i].value > prior_peak)
			prior_peak = (double)points[i].value;
		prior = true;
	}
	bool new_high = !prior || last > prior_peak;
	double min_slope = v.timed ? options->min_growth_bytes_per_min : 0;
	if (last - first >= thresh && all.slope > 0 && kmin + 1 < m) {
		struct fit since = fit_line(&v, kmin, m);
		bool fits = all.r2 >= options->min_r2 ||
			    (m - kmin >= 3 && since.r2 >= options->min_r2 && last - ymin >= thresh);
		double rate = since.slope;
		/*
		 * Still rising: the recent half has a real slope, or - for the
		 * staircase a sampled slow leak draws, where the last steps
		 * can be flat - the series rose at least twice and the last
		 * rise is in the recent half.  A single step (start-up burst)
		 * followed by a plateau is neither.
		 */
		size_t rises = 0, last_rise = 0, k = 0;
		int64_t prev = 0;
		for (size_t i = 0; i < n_points; i++) {
			if (!is_observation(&v, i))
				continue;
			if (k > 0 && points[i].value > prev) {
				rises++;
				last_rise = k;
			}
			prev = points[i].value;
			k++;
		}
		bool still = (r.recent_slope_bytes_per_min > 0 &&
			      r.recent_slope_bytes_per_min >= 0.2 * all.slope) ||
			     (rises >= 2 && last_rise >= m / 2);
		if (fits && still && new_high && rate > 0 && rate >= min_slope) {
			r.verdict = HD_TREND_GROWING;
			r.growth_start = (uint32_t)next_point;
			r.growth_start_time_nanos = points[next_point].time_nanos;
			r.growth_slope_bytes_per_min = rate;
			r.growth_r2 = since.r2;
			double q = all.r2 > since.r2 ? all.r2 : since.r2;
			r.confidence = nobs_weight * q;
			if (options->limit_bytes && v.timed) {
				double headroom = (double)options->limit_bytes - last;
				r.has_projection = true;
				r.minutes_to_limit = headroom > 0 ? headroom / rate : 0;
				double ns = r.minutes_to_limit * NANOS_PER_MIN;
				int64_t last_t = points[n_points - 1].time_nanos;
				/*
				 * Saturates past INT64_MAX.  Compared in double:
				 * a profile's time may be negative, and
				 * INT64_MAX - last_t would overflow; below
				 * 9.2e18 both the conversion and the sum fit.
				 */
				r.limit_time_nanos = ns >= 9.2e18 || (double)last_t + ns >= 9.2e18
							     ? INT64_MAX
							     : last_t + (int64_t)ns;
			}
			goto out;
		}
	}

	/* Shrinking: the mirror image, without the start point. */
	if (first - last >= thresh && all.slope < 0 && all.r2 >= options->min_r2 &&
	    r.recent_slope_bytes_per_min < 0) {
		r.verdict = HD_TREND_SHRINKING;
		r.confidence = nobs_weight * all.r2;
		goto out;
	}

	r.verdict = HD_TREND_STABLE;
	r.confidence = nobs_weight;
out:
	*result_ret = r;
	return HD_OK;
}

/* Sum of every sample's value of sample type t. */
static int64_t type_total(const struct hd_profile *p, uint32_t t)
{
	uint64_t sum = 0; /* unsigned: wraps instead of overflowing, equality still works */
	for (uint64_t s = 0; s < p->n_samples; s++)
		sum += (uint64_t)p->values[s * p->n_sample_types + t];
	return (int64_t)sum;
}

static bool same_types(const struct hd_profile *a, const struct hd_profile *b)
{
	if (a->n_sample_types != b->n_sample_types)
		return false;
	for (uint32_t t = 0; t < a->n_sample_types; t++)
		if (!hd_str_eq(a->sample_types[t].type, b->sample_types[t].type) ||
		    !hd_str_eq(a->sample_types[t].unit, b->sample_types[t].unit))
			return false;
	return true;
}

enum hd_status hd_trend_epochs(const struct hd_profile *const *profiles, size_t n,
			       uint32_t *epochs_ret, struct hd_error *err)
{
	if (!profiles || n == 0 || !epochs_ret)
		return hd_error_set(err, HD_ERR_USAGE, "trend: no profiles");
	for (size_t i = 0; i < n; i++)
		if (!profiles[i])
			return hd_error_set(err, HD_ERR_USAGE, "trend: profile %zu is NULL", i);
	uint32_t epoch = 0;
	epochs_ret[0] = 0;
	for (size_t i = 1; i < n; i++) {
		const struct hd_profile *a = profiles[i - 1], *b = profiles[i];
		bool same = same_types(a, b);
		for (uint32_t t = 0; same && t < a->n_sample_types; t++)
			same = type_total(a, t) == type_total(b, t);
		if (!same)
			epoch++;
		epochs_ret[i] = epoch;
	}
	return HD_OK;
}
