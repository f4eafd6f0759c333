/*
 * units.c - pprof's unit arithmetic, reimplemented from the behaviour of
 * internal/measurement/measurement.go (Scale, ScaledLabel, Percentage and
 * the UnitTypes table): memory units are binary (kB = 2^10), time units go
 * from ns to hrs, GCU from n*GCU to P*GCU.  Every report number heapdoc
 * prints goes through here, so the text matches `go tool pprof` byte for
 * byte.  Not a general unit library: it knows exactly pprof's table.
 */
#include <math.h>
#include <stdio.h>

#include "agg/units.h"

struct unit {
	const char *canonical;
	const char *aliases[4];
	double factor;
};

struct unit_type {
	const struct unit *units;
	size_t n_units;
	struct unit default_unit;
};

/* measurement.go UnitTypes, in its order (autoScale depends on it). */
static const struct unit memory_units[] = {
	{"B", {"b", "byte"}, 1},
	{"kB", {"kb", "kbyte", "kilobyte"}, 1024.0},
	{"MB", {"mb", "mbyte", "megabyte"}, 1048576.0},
	{"GB", {"gb", "gbyte", "gigabyte"}, 1073741824.0},
	{"TB", {"tb", "tbyte", "terabyte"}, 1099511627776.0},
	{"PB", {"pb", "pbyte", "petabyte"}, 1125899906842624.0},
};
static const struct unit time_units[] = {
	{"ns", {"ns", "nanosecond"}, 1},
	{"us", {"\xce\xbcs", "us", "microsecond"}, 1e3},
	{"ms", {"ms", "millisecond"}, 1e6},
	{"s", {"s", "sec", "second"}, 1e9},
	{"hrs", {"hour", "hr"}, 3.6e12},
};
static const struct unit gcu_units[] = {
	{"n*GCU", {"nanogcu"}, 1e-9},
	{"u*GCU", {"microgcu"}, 1e-6},
	{"m*GCU", {"milligcu"}, 1e-3},
	{"GCU", {"gcu"}, 1},
	{"k*GCU", {"kilogcu"}, 1e3},
	{"M*GCU", {"megagcu"}, 1e6},
	{"G*GCU", {"gigagcu"}, 1e9},
	{"T*GCU", {"teragcu"}, 1e12},
	{"P*GCU", {"petagcu"}, 1e15},
};

static const struct unit_type unit_types[] = {
	{memory_units, HD_ARRAY_SIZE(memory_units), {"B", {"b", "byte"}, 1}},
	{time_units, HD_ARRAY_SIZE(time_units), {"s", {NULL}, 1e9}},
	{gcu_units, HD_ARRAY_SIZE(gcu_units), {"GCU", {NULL}, 1.0}},
};

/*
 * sniffUnit: lower-case, drop one trailing 's' when longer than two bytes
 * ("bytes" -> "byte", but "ms" stays), then look the alias up.  pprof
 * lower-cases with Unicode rules; units are ASCII in practice, so ASCII
 * folding is used here.
 */
static const struct unit *sniff_unit(const struct unit_type *ut, struct hd_str unit)
{
	char low[64];
	if (unit.len == 0 || unit.len >= sizeof(low))
		return NULL;
	for (size_t i = 0; i < unit.len; i++) {
		char c = unit.ptr[i];
		low[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	size_t n = unit.len;
	if (n > 2 && low[n - 1] == 's')
		n--;
	for (size_t u = 0; u < ut->n_units; u++) {
		for (size_t a = 0; a < HD_ARRAY_SIZE(ut->units[u].aliases); a++) {
			const char *alias = ut->units[u].aliases[a];
			if (alias && strlen(alias) == n && memcmp(alias, low, n) == 0)
				return &ut->units[u];
		}
	}
	return NULL;
}

/* autoScale: the largest unit that keeps the value >= 1. */
static bool auto_scale(const struct unit_type *ut, double value, double *v_ret,
		       const char **unit_ret)
{
	double f = 0;
	const char *name = NULL;
	for (size_t u = 0; u < ut->n_units; u++) {
		if (ut->units[u].factor >= f && value / ut->units[u].factor >= 1.0) {
			f = ut->units[u].factor;
			name = ut->units[u].canonical;
		}
	}
	if (f == 0)
		return false;
	*v_ret = value / f;
	*unit_ret = name;
	return true;
}

static bool convert_unit(const struct unit_type *ut, int64_t value, struct hd_str from,
			 const char *to, double *v_ret, const char **unit_ret)
{
	const struct unit *from_unit = sniff_unit(ut, from);
	if (!from_unit)
		return false;
	double v = (double)value * from_unit->factor;
	if (strcmp(to, "minimum") == 0 || strcmp(to, "auto") == 0) {
		if (auto_scale(ut, v, v_ret, unit_ret))
			return true;
		*v_ret = v / ut->default_unit.factor;
		*unit_ret = ut->default_unit.canonical;
		return true;
	}
	const struct unit *to_unit = sniff_unit(ut, hd_str_c(to));
	if (!to_unit) {
		*v_ret = v / ut->default_unit.factor;
		*unit_ret = ut->default_unit.canonical;
		return true;
	}
	*v_ret = v / to_unit->factor;
	*unit_ret = to_unit->canonical;
	return true;
}

double hd_unit_scale(int64_t value, struct hd_str from, const char *to,
		     const char **unit_ret)
{
	if (!to)
		to = "";
	/* pprof scales -value and negates; INT64_MIN stays negative (its
	 * negation overflows) and goes through unchanged, as in Go. */
	bool negate = value < 0 && value != INT64_MIN;
	int64_t v = negate ? -value : value;
	double r;
	for (size_t t = 0; t < HD_ARRAY_SIZE(unit_types); t++) {
		if (convert_unit(&unit_types[t], v, from, to, &r, unit_ret))
			return negate ? -r : r;
	}
	static const char *const silent[] = {"count", "sample", "unit", "minimum", "auto"};
	*unit_ret = to;
	for (size_t i = 0; i < HD_ARRAY_SIZE(silent); i++)
		if (strcmp(to, silent[i]) == 0)
			*unit_ret = "";
	r = (double)v;
	return negate ? -r : r;
}

char *hd_unit_label(char *buf, int64_t value, struct hd_str from, const char *to)
{
	const char *unit;
	double v = hd_unit_scale(value, from, to, &unit);
	char num[64];
	int n = snprintf(num, sizeof(num), "%.2f", v);
	if (n < 0 || (size_t)n >= sizeof(num)) {
		/* Only values beyond 1e60 get here; print them plainly. */
		n = snprintf(num, sizeof(num), "%g", v);
		if (n < 0)
			n = 0;
		if ((size_t)n >= sizeof(num))
			n = (int)sizeof(num) - 1;
	}
	if (n >= 3 && memcmp(num + n - 3, ".00", 3) == 0)
		num[n - 3] = '\0';
	if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0) {
		snprintf(buf, HD_UNIT_LABEL_MAX, "0");
		return buf;
	}
	snprintf(buf, HD_UNIT_LABEL_MAX, "%s%s", num, unit);
	return buf;
}

char *hd_unit_percentage(char *buf, int64_t value, int64_t total)
{
	double ratio = 0;
	if (total != 0)
		ratio = fabs((double)value / (double)total) * 100;
	if (ratio >= 99.95 && ratio <= 100.05)
		snprintf(buf, 32, "  100%%");
	else if (ratio >= 1.0)
		snprintf(buf, 32, "%5.2f%%", ratio);
	else
		snprintf(buf, 32, "%5.2g%%", ratio);
	return buf;
}
