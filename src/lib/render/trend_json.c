/*
 * trend_json.c - the JSON form of a trend report, and hd_trend_render(), the
 * entry point of both trend renderers.  The document extends the diagnose
 * contract (profiles, findings with site/owner/stack/verdict/series) with
 * the trend figures - slope_bytes_per_min, r2, growth start, projection -
 * and the MemStats breakdown.  Every field is listed in
 * docs/internals/trend.md; output is deterministic (the report is ranked
 * with total order; numbers are printed with fixed precision).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analyze/trend.h"

static void put_str(struct hd_buf *b, const char *s)
{
	if (!s)
		hd_buf_append(b, "null", 4);
	else
		hd_trend_put_json(b, s);
}

/* Doubles with fixed precision; non-finite values (never expected) as 0. */
static void put_num(struct hd_buf *b, double v, int decimals)
{
	if (!isfinite(v))
		v = 0;
	hd_buf_printf(b, "%.*f", decimals, v);
}

static void put_frame(struct hd_buf *b, const struct hd_frame *f)
{
	hd_buf_printf(b, "{\"function\": ");
	put_str(b, f->function);
	hd_buf_printf(b, ", \"file\": ");
	put_str(b, f->file);
	hd_buf_printf(b, ", \"line\": %lld}", (long long)f->line);
}

static void put_series_fields(struct hd_buf *b, const struct hd_trend_series *t)
{
	hd_buf_printf(b, "\"verdict\": \"%s\", \"timed\": %s, \"n_observations\": %u, ",
		      hd_trend_verdict_str(t->verdict), t->timed ? "true" : "false",
		      t->n_observations);
	hd_buf_printf(b, "\"slope_bytes_per_min\": ");
	put_num(b, t->slope_bytes_per_min, 1);
	hd_buf_printf(b, ", \"r2\": ");
	put_num(b, t->r2, 4);
	hd_buf_printf(b, ", \"recent_slope_bytes_per_min\": ");
	put_num(b, t->recent_slope_bytes_per_min, 1);
	hd_buf_printf(b, ", \"growth_slope_bytes_per_min\": ");
	put_num(b, t->growth_slope_bytes_per_min, 1);
	hd_buf_printf(b, ", \"growth_r2\": ");
	put_num(b, t->growth_r2, 4);
	if (t->growth_start != HD_NONE)
		hd_buf_printf(b, ", \"growth_start\": {\"index\": %u, \"time_nanos\": %lld}",
			      t->growth_start, (long long)t->growth_start_time_nanos);
	else
		hd_buf_printf(b, ", \"growth_start\": null");
	hd_buf_printf(b, ", \"first\": %lld, \"last\": %lld, \"min\": %lld, \"max\": %lld",
		      (long long)t->first_value, (long long)t->last_value, (long long)t->min_value,
		      (long long)t->max_value);
	hd_buf_printf(b, ", \"confidence\": ");
	put_num(b, t->confidence, 3);
}

static void put_int_array(struct hd_buf *b, const int64_t *v, size_t n)
{
	hd_buf_putc(b, '[');
	for (size_t j = 0; j < n; j++)
		hd_buf_printf(b, "%s%lld", j ? ", " : "", (long long)v[j]);
	hd_buf_putc(b, ']');
}

static void put_row(struct hd_buf *b, const struct hd_trend_report *r, const struct hd_trend_row *row,
		    bool site, bool first)
{
	hd_buf_printf(b, "%s\n  {\"scope\": \"%s\", \"site\": ", first ? "" : ",",
		      site ? "site" : "owner");
	put_frame(b, &row->site);
	hd_buf_printf(b, ", \"owner\": ");
	put_frame(b, &row->owner);
	hd_buf_printf(b, ", \"stack\": [");
	for (size_t i = 0; i < row->n_stack; i++) {
		if (i)
			hd_buf_append(b, ", ", 2);
		put_str(b, row->stack[i]);
	}
	hd_buf_printf(b, "], \"inuse_bytes\": %lld, \"alloc_bytes\": %lld, \"inuse_objects\": %lld, "
			 "\"alloc_objects\": %lld, \"series\": ",
		      (long long)row->inuse_bytes, (long long)row->alloc_bytes,
		      (long long)row->inuse_objects, (long long)row->alloc_objects);
	put_int_array(b, row->series, r->n_snapshots);
	hd_buf_printf(b, ", ");
	put_series_fields(b, &row->trend);
	hd_buf_printf(b, ", \"minutes_to_limit\": ");
	if (row->has_projection)
		put_num(b, row->minutes_to_limit, 2);
	else
		hd_buf_append(b, "null", 4);
	if (site) {
		/* diagnose's view of the same site */
		hd_buf_printf(b, ", \"kind\": \"%s\", \"map_impl\": ", hd_kind_str(row->kind));
		if (row->map_impl == HD_MAP_IMPL_NONE)
			hd_buf_append(b, "null", 4);
		else
			hd_buf_printf(b, "\"%s\"", hd_map_impl_str(row->map_impl));
		hd_buf_printf(b, ", \"summary\": ");
		put_str(b, row->summary ? row->summary : "");
		const char *const *lists[2] = {row->evidence, row->advice};
		size_t counts[2] = {row->n_evidence, row->n_advice};
		static const char *const keys[2] = {"evidence", "advice"};
		for (int k = 0; k < 2; k++) {
			hd_buf_printf(b, ", \"%s\": [", keys[k]);
			for (size_t i = 0; i < counts[k]; i++) {
				if (i)
					hd_buf_append(b, ", ", 2);
				put_str(b, lists[k][i]);
			}
			hd_buf_putc(b, ']');
		}
	}
	hd_buf_putc(b, '}');
}

static void put_memstats(struct hd_buf *b, const struct hd_trend_report *r,
			 const struct hd_memstats *m, const char *name)
{
	hd_buf_printf(b, "{\"source\": ");
	put_str(b, name);
	hd_buf_printf(b,
		      ", \"sys\": %llu, \"heap_sys\": %llu, \"heap_inuse\": %llu, \"heap_alloc\": %llu"
		      ", \"heap_idle\": %llu, \"heap_released\": %llu, \"heap_objects\": %llu"
		      ", \"stack_inuse\": %llu, \"stack_sys\": %llu, \"next_gc\": %llu"
		      ", \"num_gc\": %llu, \"num_forced_gc\": %llu, \"gc_cpu_fraction\": ",
		      (unsigned long long)m->sys, (unsigned long long)m->heap_sys,
		      (unsigned long long)m->heap_inuse, (unsigned long long)m->heap_alloc,
		      (unsigned long long)m->heap_idle, (unsigned long long)m->heap_released,
		      (unsigned long long)m->heap_objects, (unsigned long long)m->stack_inuse,
		      (unsigned long long)m->stack_sys, (unsigned long long)m->next_gc,
		      (unsigned long long)m->num_gc, (unsigned long long)m->num_forced_gc);
	put_num(b, m->gc_cpu_fraction, 6);
	if (m->has_max_rss)
		hd_buf_printf(b, ", \"max_rss\": %llu", (unsigned long long)m->max_rss);
	else
		hd_buf_printf(b, ", \"max_rss\": null");
	struct hd_memstats_part parts[HD_MEMSTATS_PARTS];
	size_t np;
	int64_t inuse = -1;
	if (strcmp(r->sample_type, "inuse_space") == 0)
		inuse = r->totals[r->n_snapshots - 1];
	hd_memstats_breakdown(m, inuse, parts, &np);
	hd_buf_printf(b, ", \"breakdown\": [");
	for (size_t i = 0; i < np; i++) {
		hd_buf_printf(b, "%s\n   {\"name\": ", i ? "," : "");
		put_str(b, parts[i].name);
		hd_buf_printf(b, ", \"source\": ");
		put_str(b, parts[i].source);
		hd_buf_printf(b, ", \"bytes\": %llu, \"resident\": %s, \"why\": ",
			      (unsigned long long)parts[i].bytes, parts[i].resident ? "true" : "false");
		put_str(b, parts[i].why);
		hd_buf_putc(b, '}');
	}
	hd_buf_printf(b, "]}");
}

enum hd_status hd_trend_render_json_buf(const struct hd_trend_report *r,
					const struct hd_trend_render_options *o, struct hd_buf *b)
{
	hd_buf_printf(b, "{\"sample_type\": ");
	put_str(b, r->sample_type);
	hd_buf_printf(b, ",\n \"profiles\": [");
	for (size_t j = 0; j < r->n_snapshots; j++) {
		hd_buf_printf(b, "%s\n  {\"path\": ", j ? "," : "");
		put_str(b, r->names[j]);
		hd_buf_printf(b, ", \"time_nanos\": %lld, \"epoch\": %u, \"total\": %lld}",
			      (long long)r->times[j], r->epochs[j], (long long)r->totals[j]);
	}
	hd_buf_printf(b, "],\n \"n_observations\": %zu,\n \"limit_bytes\": ", r->n_observations);
	if (r->limit_bytes)
		hd_buf_printf(b, "%llu", (unsigned long long)r->limit_bytes);
	else
		hd_buf_append(b, "null", 4);
	hd_buf_printf(b, ",\n \"total\": {\"series\": ");
	put_int_array(b, r->totals, r->n_snapshots);
	hd_buf_printf(b, ", ");
	put_series_fields(b, &r->total);
	hd_buf_printf(b, ", \"minutes_to_limit\": ");
	if (r->total.has_projection) {
		put_num(b, r->total.minutes_to_limit, 2);
		hd_buf_printf(b, ", \"limit_time_nanos\": %lld", (long long)r->total.limit_time_nanos);
	} else {
		hd_buf_append(b, "null", 4);
	}
	hd_buf_printf(b, "},\n \"findings\": [");
	for (size_t i = 0; i < r->n_sites; i++)
		put_row(b, r, &r->sites[i], true, i == 0);
	for (size_t i = 0; i < r->n_owners; i++)
		put_row(b, r, &r->owners[i], false, i == 0 && r->n_sites == 0);
	hd_buf_printf(b, "],\n \"memstats\": ");
	if (o->memstats)
		put_memstats(b, r, o->memstats, o->memstats_name);
	else
		hd_buf_append(b, "null", 4);
	hd_buf_printf(b, "}\n");
	return b->failed ? HD_ERR_NOMEM : HD_OK;
}

enum hd_status hd_trend_render(const struct hd_trend_report *report, enum hd_trend_format format,
			       const struct hd_trend_render_options *options, char **out_ret,
			       size_t *len_ret, struct hd_error *err)
{
	struct hd_trend_render_options defaults;
	if (!options) {
		memset(&defaults, 0, sizeof(defaults));
		options = &defaults;
	}
	if (!report || !out_ret)
		return hd_error_set(err, HD_ERR_USAGE, "trend: nothing to render");
	struct hd_buf b = HD_BUF_INIT;
	enum hd_status st;
	switch (format) {
	case HD_TREND_TEXT:
		st = hd_trend_render_text_buf(report, options, &b);
		break;
	case HD_TREND_JSON:
		st = hd_trend_render_json_buf(report, options, &b);
		break;
	default:
		return hd_error_set(err, HD_ERR_USAGE, "trend: unknown output format %d", (int)format);
	}
	if (st != HD_OK || b.failed) {
		hd_buf_release(&b);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	size_t len = b.len;
	char *out = hd_buf_detach(&b, &len);
	if (!out) {
		/* An empty buffer never happens (the header is always written). */
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	*out_ret = out;
	if (len_ret)
		*len_ret = len;
	return HD_OK;
}
