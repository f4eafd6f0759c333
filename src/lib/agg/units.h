/*
 * units.h - private interface of units.c: pprof's measurement rules
 * (internal/measurement/measurement.go) for scaling values between units
 * ("bytes" -> "MB"), the value labels of text reports ("1.50MB") and their
 * percentages ("12.34%").  It lives in the aggregate layer, not in render,
 * because the tag filters (-tagfocus=bytes=64kb:) need the same scaling as
 * the renderers; docs/internals/aggregate.md lists the pprof sources.
 */
#ifndef HD_AGG_UNITS_H
#define HD_AGG_UNITS_H

#include "common.h"

/*
 * pprof's -divide_by on one value: int64(float64(x) * Ratio) with Ratio =
 * 1/divide_by, applied only when Ratio > 0 and != 1 (so 0, negative and
 * NaN leave x alone).  Out of int64's range the conversion gives INT64_MIN,
 * as Go's does on amd64.  Reports (hd_view_shown) and written profiles
 * (hd_profile_divide_values) both go through it.
 */
static inline double hd_divide_ratio(double divide_by)
{
	if (divide_by == 0)
		return 0;
	double r = 1 / divide_by;
	return r > 0 && r != 1 ? r : 0; /* 0: values stay as they are */
}

static inline int64_t hd_divide_value(int64_t x, double divide_by)
{
	double r = hd_divide_ratio(divide_by);
	if (r == 0)
		return x;
	double f = (double)x * r;
	if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)f;
}

/* Large enough for any label hd_unit_label() writes with a unit name we
 * know; user-given unit names are cut to fit. */
#define HD_UNIT_LABEL_MAX 96

/*
 * measurement.Scale: value in `from` converted to `to`.  `to` may be
 * "minimum" or "auto" (pick the largest unit keeping the value >= 1), a unit
 * of the same kind as `from` ("kb", "MB", "seconds"), or anything else.
 * *unit_ret receives the unit name to print: a static canonical name ("MB"),
 * `to` itself (when `from` is not a known unit and `to` is not one of
 * count/sample/unit/minimum/auto), or "" (nothing to print).
 */
double hd_unit_scale(int64_t value, struct hd_str from, const char *to,
		     const char **unit_ret);

/*
 * measurement.ScaledLabel: "%.2f" of the scaled value without a trailing
 * ".00", then the unit; "0" for zero.  Writes a NUL-terminated string into
 * buf (HD_UNIT_LABEL_MAX bytes) and returns buf.
 */
char *hd_unit_label(char *buf, int64_t value, struct hd_str from, const char *to);

/*
 * measurement.Percentage: "  100%" for 99.95..100.05, "%5.2f%%" at or above
 * 1, "%5.2g%%" below; 0 when total is 0.  buf holds at least 32 bytes.
 */
char *hd_unit_percentage(char *buf, int64_t value, int64_t total);

#endif /* HD_AGG_UNITS_H */
