/*
 * trend_text.c - the text view of a trend report: the verdict on the
 * process total first, then sites and owners ranked (growing first), each
 * with its growth rate, fit, start and series, then the runtime.MemStats
 * breakdown when the caller has one.  It is what a person reads during an
 * incident; JSON (trend_json.c) is for machines.  The report itself is made
 * by src/lib/analyze/trend.c.
 */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "analyze/trend.h"

/* Length of the valid UTF-8 sequence at s (not overlong, no surrogates), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp, min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls and bidi overrides/isolates are not shown raw either. */
	if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return n;
}

void hd_trend_put_terminal(struct hd_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		size_t n = utf8_len(s);
		if (n == 0 || (n == 1 && (*s < 0x20 || *s == 0x7f))) {
			hd_buf_printf(b, "\\x%02x", *s);
			s++;
			continue;
		}
		hd_buf_append(b, s, n);
		s += n;
	}
}

void hd_trend_put_json(struct hd_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	hd_buf_putc(b, '"');
	while (*s) {
		if (*s == '"' || *s == '\\') {
			hd_buf_putc(b, '\\');
			hd_buf_putc(b, (char)*s++);
			continue;
		}
		if (*s < 0x20 || *s == 0x7f) {
			hd_buf_printf(b, "\\u%04x", *s++);
			continue;
		}
		size_t n = *s < 0x80 ? 1 : utf8_len(s);
		if (n == 0 && (*s & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80 && s[0] == 0xc2)
			n = 2; /* C1 controls are valid UTF-8: JSON may carry them */
		if (n == 0) {
			hd_buf_append(b, "\\ufffd", 6);
			s++;
			continue;
		}
		hd_buf_append(b, s, n);
		s += n;
	}
	hd_buf_putc(b, '"');
}

void hd_trend_fmt_bytes(char *out, size_t cap, double bytes)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double a = fabs(bytes);
	size_t u = 0;
	while (a >= 1024 && u + 1 < HD_ARRAY_SIZE(units)) {
		a /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, cap, "%s%.0f B", bytes < 0 ? "-" : "", a);
	else
		snprintf(out, cap, "%s%.1f %s", bytes < 0 ? "-" : "", a, units[u]);
}

void hd_trend_fmt_time(char *out, size_t cap, int64_t nanos)
{
	if (nanos <= 0) {
		snprintf(out, cap, "unknown time");
		return;
	}
	time_t sec = (time_t)(nanos / 1000000000LL);
	struct tm tm;
	if (!gmtime_r(&sec, &tm)) {
		snprintf(out, cap, "unknown time");
		return;
	}
	char d[32];
	strftime(d, sizeof(d), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out, cap, "%s.%03d UTC", d, (int)(nanos / 1000000 % 1000));
}

void hd_trend_fmt_minutes(char *out, size_t cap, double minutes)
{
	if (!isfinite(minutes) || minutes > 1e9)
		snprintf(out, cap, "never at this rate");
	else if (minutes < 1)
		snprintf(out, cap, "%.0fs", minutes * 60);
	else if (minutes < 120)
		snprintf(out, cap, "%.1f min", minutes);
	else if (minutes < 2880)
		snprintf(out, cap, "%.1f h", minutes / 60);
	else
		snprintf(out, cap, "%.1f days", minutes / 1440);
}

/* Short series cell: "0", "512K", "1.2M", "3.0G". */
static void short_bytes(char *out, size_t cap, int64_t v)
{
	double a = fabs((double)v);
	const char *sign = v < 0 ? "-" : "";
	if (a < 1024)
		snprintf(out, cap, "%s%.0f", sign, a);
	else if (a < 1024.0 * 1024)
		snprintf(out, cap, "%s%.0fK", sign, a / 1024);
	else if (a < 1024.0 * 1024 * 1024)
		snprintf(out, cap, "%s%.1fM", sign, a / (1024.0 * 1024));
	else
		snprintf(out, cap, "%s%.1fG", sign, a / (1024.0 * 1024 * 1024));
}

static void put_frame(struct hd_buf *b, const struct hd_frame *f)
{
	hd_trend_put_terminal(b, f->function);
	if (f->file[0]) {
		hd_buf_append(b, "  ", 2);
		hd_trend_put_terminal(b, f->file);
		if (f->line > 0)
			hd_buf_printf(b, ":%lld", (long long)f->line);
	}
}

static void put_rate(struct hd_buf *b, double rate, bool timed)
{
	char s[32];
	hd_trend_fmt_bytes(s, sizeof(s), rate);
	hd_buf_printf(b, "%s%s/%s", rate >= 0 ? "+" : "", s, timed ? "min" : "snapshot");
}

static void put_series(struct hd_buf *b, const int64_t *v, size_t n)
{
	hd_buf_printf(b, "      series:");
	for (size_t j = 0; j < n; j++) {
		char s[32];
		short_bytes(s, sizeof(s), v[j]);
		hd_buf_printf(b, " %s", s);
	}
	hd_buf_putc(b, '\n');
}

static void put_row(struct hd_buf *b, const struct hd_trend_report *r, const struct hd_trend_row *row,
		    size_t rank, bool site)
{
	const struct hd_trend_series *t = &row->trend;
	hd_buf_printf(b, "%3zu. %-9s  ", rank, hd_trend_verdict_str(t->verdict));
	put_frame(b, &row->site);
	hd_buf_putc(b, '\n');
	char v[32];
	hd_trend_fmt_bytes(v, sizeof(v), (double)t->last_value);
	hd_buf_append(b, "      ", 6);
	hd_trend_put_terminal(b, r->sample_type);
	hd_buf_printf(b, " %s; ", v);
	bool growing = t->verdict == HD_TREND_GROWING;
	put_rate(b, growing ? t->growth_slope_bytes_per_min : t->slope_bytes_per_min, t->timed);
	hd_buf_printf(b, ", r2 %.2f over %u observation%s", growing ? t->growth_r2 : t->r2,
		      t->n_observations, t->n_observations == 1 ? "" : "s");
	if (growing) {
		char tm[48];
		hd_trend_fmt_time(tm, sizeof(tm), t->growth_start_time_nanos);
		hd_buf_printf(b, "; growing since snapshot %u", t->growth_start + 1);
		if (t->growth_start_time_nanos)
			hd_buf_printf(b, " (%s)", tm);
	}
	hd_buf_putc(b, '\n');
	if (site && (row->kind != HD_KIND_UNKNOWN || (row->summary && row->summary[0]))) {
		hd_buf_printf(b, "      kind %s", hd_kind_str(row->kind));
		if (row->map_impl != HD_MAP_IMPL_NONE)
			hd_buf_printf(b, " (%s)", hd_map_impl_str(row->map_impl));
		if (row->summary && row->summary[0]) {
			hd_buf_printf(b, ": ");
			hd_trend_put_terminal(b, row->summary);
		}
		hd_buf_putc(b, '\n');
		if (growing && row->n_advice) {
			hd_buf_printf(b, "      advice: ");
			hd_trend_put_terminal(b, row->advice[0]);
			hd_buf_putc(b, '\n');
		}
	}
	if (site && strcmp(row->owner.function, row->site.function) != 0) {
		hd_buf_printf(b, "      owner ");
		put_frame(b, &row->owner);
		hd_buf_putc(b, '\n');
	}
	if (row->has_projection) {
		char lim[32], m[48];
		hd_trend_fmt_bytes(lim, sizeof(lim), (double)r->limit_bytes);
		hd_trend_fmt_minutes(m, sizeof(m), row->minutes_to_limit);
		hd_buf_printf(b, "      at this rate the process reaches the %s limit in %s\n", lim, m);
	}
	put_series(b, row->series, r->n_snapshots);
}

static void put_table(struct hd_buf *b, const struct hd_trend_report *r,
		      const struct hd_trend_row *rows, size_t n, size_t max, bool site)
{
	size_t growing = 0;
	for (size_t i = 0; i < n; i++)
		growing += rows[i].trend.verdict == HD_TREND_GROWING;
	size_t shown = max && max < n ? max : n;
	hd_buf_printf(b, "\n%s (%s frame), growing first: %zu growing of %zu", site ? "sites" : "owners",
		      site ? "leaf" : "first non-standard-library", growing, n);
	if (shown < n)
		hd_buf_printf(b, ", top %zu shown", shown);
	hd_buf_printf(b, "\n");
	for (size_t i = 0; i < shown; i++)
		put_row(b, r, &rows[i], i + 1, site);
}

static void put_header(struct hd_buf *b, const struct hd_trend_report *r)
{
	size_t n = r->n_snapshots;
	char t0[48], t1[48];
	hd_trend_fmt_time(t0, sizeof(t0), r->times[0]);
	hd_trend_fmt_time(t1, sizeof(t1), r->times[n - 1]);
	hd_buf_printf(b, "heapdoc trend: %zu snapshot%s, %zu GC publication%s, %s .. %s, ", n,
		      n == 1 ? "" : "s", r->n_observations, r->n_observations == 1 ? "" : "s", t0, t1);
	/* the sample type's name comes from the profile: untrusted */
	hd_trend_put_terminal(b, r->sample_type);
	hd_buf_putc(b, '\n');
	/* Runs of snapshots no GC changed. */
	for (size_t j = 0; j < n;) {
		size_t k = j;
		while (k + 1 < n && r->epochs[k + 1] == r->epochs[j])
			k++;
		if (k > j)
			hd_buf_printf(b, "  snapshots %zu-%zu are identical (no GC published new data "
					 "between them): one observation\n",
				      j + 1, k + 1);
		j = k + 1;
	}
	const struct hd_trend_series *t = &r->total;
	char a[32], z[32];
	hd_trend_fmt_bytes(a, sizeof(a), (double)t->first_value);
	hd_trend_fmt_bytes(z, sizeof(z), (double)t->last_value);
	hd_buf_printf(b, "total: %s, %s -> %s, ", hd_trend_verdict_str(t->verdict), a, z);
	bool growing = t->verdict == HD_TREND_GROWING;
	put_rate(b, growing ? t->growth_slope_bytes_per_min : t->slope_bytes_per_min, t->timed);
	hd_buf_printf(b, " (r2 %.2f)", growing ? t->growth_r2 : t->r2);
	if (growing)
		hd_buf_printf(b, " since snapshot %u", t->growth_start + 1);
	hd_buf_putc(b, '\n');
	if (r->limit_bytes) {
		char lim[32], m[48], at[48];
		hd_trend_fmt_bytes(lim, sizeof(lim), (double)r->limit_bytes);
		if (t->has_projection) {
			hd_trend_fmt_minutes(m, sizeof(m), t->minutes_to_limit);
			hd_trend_fmt_time(at, sizeof(at), t->limit_time_nanos);
			hd_buf_printf(b, "limit %s: reached in %s (%s) at the current rate\n", lim, m,
				      at);
		} else {
			hd_buf_printf(b, "limit %s: no projection (the total is not growing%s)\n",
				      lim, t->timed ? "" : ", or the snapshots have no times");
		}
	}
}

static void put_memstats(struct hd_buf *b, const struct hd_trend_report *r,
			 const struct hd_memstats *m, const char *name)
{
	char s[32], s2[32], s3[32];
	hd_buf_printf(b, "\nruntime.MemStats");
	if (name) {
		hd_buf_printf(b, " (");
		hd_trend_put_terminal(b, name);
		hd_buf_printf(b, ")");
	}
	hd_buf_printf(b, ":\n");
	hd_trend_fmt_bytes(s, sizeof(s), (double)m->sys);
	hd_trend_fmt_bytes(s2, sizeof(s2), (double)(m->sys - (m->heap_released < m->sys ? m->heap_released : m->sys)));
	hd_buf_printf(b, "  obtained from the OS (Sys)   %s; about %s resident (Sys - HeapReleased)\n", s, s2);
	hd_trend_fmt_bytes(s, sizeof(s), (double)m->heap_inuse);
	hd_trend_fmt_bytes(s2, sizeof(s2), (double)m->heap_alloc);
	hd_buf_printf(b, "  heap in use (HeapInuse)      %s; live objects (HeapAlloc) %s in %llu objects\n",
		      s, s2, (unsigned long long)m->heap_objects);
	hd_trend_fmt_bytes(s, sizeof(s), (double)m->heap_idle);
	hd_trend_fmt_bytes(s2, sizeof(s2), (double)m->heap_released);
	hd_buf_printf(b, "  heap idle (HeapIdle)         %s; returned to the OS (HeapReleased) %s\n", s, s2);
	hd_trend_fmt_bytes(s, sizeof(s), (double)m->stack_inuse);
	hd_trend_fmt_bytes(s2, sizeof(s2), (double)m->stack_sys);
	hd_buf_printf(b, "  goroutine stacks             %s in use of %s\n", s, s2);
	hd_trend_fmt_bytes(s3, sizeof(s3), (double)m->next_gc);
	hd_buf_printf(b, "  GC                           %llu cycles (%llu forced), %.2f%% of CPU since start, next at %s\n",
		      (unsigned long long)m->num_gc, (unsigned long long)m->num_forced_gc,
		      m->gc_cpu_fraction * 100, s3);
	if (m->has_max_rss) {
		hd_trend_fmt_bytes(s, sizeof(s), (double)m->max_rss);
		hd_buf_printf(b, "  peak RSS (MaxRSS)            %s\n", s);
	}
	struct hd_memstats_part parts[HD_MEMSTATS_PARTS];
	size_t np;
	int64_t inuse = -1;
	if (strcmp(r->sample_type, "inuse_space") == 0)
		inuse = r->totals[r->n_snapshots - 1];
	hd_memstats_breakdown(m, inuse, parts, &np);
	hd_buf_printf(b, "  where Sys goes, largest first:\n");
	for (size_t i = 0; i < np; i++) {
		hd_trend_fmt_bytes(s, sizeof(s), (double)parts[i].bytes);
		hd_buf_printf(b, "    %10s  %s (%s)%s: %s\n", s, parts[i].name, parts[i].source,
			      parts[i].resident ? "" : ", not resident", parts[i].why);
	}
}

enum hd_status hd_trend_render_text_buf(const struct hd_trend_report *r,
					const struct hd_trend_render_options *o, struct hd_buf *b)
{
	put_header(b, r);
	put_table(b, r, r->sites, r->n_sites, o->max_rows, true);
	if (o->show_owners)
		put_table(b, r, r->owners, r->n_owners, o->max_rows, false);
	if (o->memstats)
		put_memstats(b, r, o->memstats, o->memstats_name);
	return b->failed ? HD_ERR_NOMEM : HD_OK;
}
