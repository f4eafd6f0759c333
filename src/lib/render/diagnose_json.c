/*
 * diagnose_json.c - the JSON form of a diagnosis, the contract other tools
 * and heapdoc's own tests parse: one object {"go": {...}, "profiles": [...],
 * "notes": [...], "findings": [...]} with the fields listed in
 * docs/internals/diagnose.md.  Integers are exact; every string from a
 * profile goes through the JSON escaper (names are untrusted).  Also the
 * format dispatcher hd_diagnosis_render().
 */
#include <math.h>
#include <stdio.h>

#include "common.h"
#include "render/diagnose_render.h"
#include "render/escape.h"

static void str(struct hd_buf *b, const char *s)
{
	if (!s)
		hd_buf_append(b, "null", 4);
	else
		hd_buf_put_json_string(b, s, strlen(s));
}

static void frame(struct hd_buf *b, const struct hd_frame *f)
{
	hd_buf_append(b, "{\"function\": ", 13);
	str(b, f->function ? f->function : "");
	hd_buf_append(b, ", \"file\": ", 10);
	str(b, f->file ? f->file : "");
	hd_buf_printf(b, ", \"line\": %lld}", (long long)f->line);
}

static void str_array(struct hd_buf *b, const char *const *items, size_t n)
{
	hd_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			hd_buf_append(b, ", ", 2);
		str(b, items[i]);
	}
	hd_buf_putc(b, ']');
}

static void num(struct hd_buf *b, double v)
{
	if (!isfinite(v))
		v = 0;
	hd_buf_printf(b, "%.6g", v);
}

static void estimate(struct hd_buf *b, const struct hd_estimate *e)
{
	hd_buf_append(b, "{\"unit\": ", 9);
	str(b, e->unit ? e->unit : "");
	hd_buf_printf(b,
		      ", \"count_min\": %llu, \"count_max\": %llu, \"unit_size_min\": %llu, "
		      "\"unit_size_max\": %llu, \"containers\": %llu, \"growth_steps\": %llu, "
		      "\"largest_bytes\": %llu, \"prealloc_n\": %llu, \"savings_bytes\": %lld, "
		      "\"summary\": ",
		      (unsigned long long)e->count_min, (unsigned long long)e->count_max,
		      (unsigned long long)e->unit_size_min, (unsigned long long)e->unit_size_max,
		      (unsigned long long)e->containers, (unsigned long long)e->growth_steps,
		      (unsigned long long)e->largest_bytes, (unsigned long long)e->prealloc_n,
		      (long long)e->savings_bytes);
	str(b, e->summary);
	hd_buf_putc(b, '}');
}

static void finding(struct hd_buf *b, const struct hd_finding *f)
{
	hd_buf_append(b, "{\"site\": ", 9);
	frame(b, &f->site);
	hd_buf_append(b, ", \"owner\": ", 11);
	frame(b, &f->owner);
	hd_buf_append(b, ", \"stack\": ", 11);
	str_array(b, f->stack, f->n_stack);
	hd_buf_printf(b, ", \"kind\": \"%s\", \"map_impl\": ", hd_kind_str(f->kind));
	if (f->map_impl == HD_MAP_IMPL_NONE)
		hd_buf_append(b, "null", 4);
	else
		hd_buf_printf(b, "\"%s\"", hd_map_impl_str(f->map_impl));
	hd_buf_printf(b,
		      ", \"verdict\": \"%s\", \"pattern\": \"%s\", \"inuse_bytes\": %lld, "
		      "\"alloc_bytes\": %lld, \"inuse_objects\": %lld, \"alloc_objects\": %lld, "
		      "\"series\": [",
		      hd_verdict_str(f->verdict), f->pattern ? f->pattern : "",
		      (long long)f->inuse_bytes, (long long)f->alloc_bytes,
		      (long long)f->inuse_objects, (long long)f->alloc_objects);
	for (size_t k = 0; k < f->n_series; k++)
		hd_buf_printf(b, "%s%lld", k ? ", " : "", (long long)f->series[k]);
	hd_buf_putc(b, ']');
	if (f->has_trend) {
		hd_buf_append(b, ", \"slope_bytes_per_min\": ", 25);
		num(b, f->slope_bytes_per_min);
		hd_buf_append(b, ", \"r2\": ", 8);
		num(b, f->r2);
	}
	hd_buf_append(b, ", \"estimate\": ", 14);
	estimate(b, &f->estimate);
	hd_buf_append(b, ", \"sizes\": [", 12);
	for (size_t i = 0; i < f->n_sizes; i++) {
		const struct hd_size_row *r = &f->sizes[i];
		hd_buf_printf(b,
			      "%s{\"size\": %llu, \"alloc_objects\": %lld, \"alloc_bytes\": %lld, "
			      "\"inuse_objects\": %lld, \"inuse_bytes\": %lld, \"role\": ",
			      i ? ", " : "", (unsigned long long)r->size, (long long)r->alloc_objects,
			      (long long)r->alloc_bytes, (long long)r->inuse_objects,
			      (long long)r->inuse_bytes);
		str(b, r->role ? r->role : "");
		hd_buf_putc(b, '}');
	}
	hd_buf_append(b, "], \"evidence\": ", 15);
	str_array(b, f->evidence, f->n_evidence);
	hd_buf_append(b, ", \"advice\": ", 12);
	str_array(b, f->advice, f->n_advice);
	hd_buf_append(b, ", \"confidence\": ", 16);
	num(b, round(f->confidence * 100) / 100);
	if (f->source_line) {
		hd_buf_append(b, ", \"source_line\": ", 17);
		str(b, f->source_line);
	}
	hd_buf_putc(b, '}');
}

void hd_render_diagnosis_json(struct hd_buf *b, const struct hd_diagnosis *d)
{
	hd_buf_append(b, "{\"go\": {\"map_impl\": ", 20);
	if (d->map_impl == HD_MAP_IMPL_NONE)
		hd_buf_append(b, "null", 4);
	else
		hd_buf_printf(b, "\"%s\"", hd_map_impl_str(d->map_impl));
	hd_buf_append(b, ", \"evidence\": ", 14);
	str(b, d->map_impl_evidence ? d->map_impl_evidence : "");
	if (d->go_minor > 0)
		hd_buf_printf(b, ", \"version\": \"go1.%d\"", d->go_minor);
	hd_buf_append(b, "},\n \"profiles\": [", 17);
	for (size_t k = 0; k < d->n_profiles; k++) {
		const struct hd_diagnosed_profile *p = &d->profiles[k];
		hd_buf_append(b, k ? ",\n  {\"path\": " : "\n  {\"path\": ", k ? 13 : 12);
		str(b, p->path);
		hd_buf_printf(b, ", \"time_nanos\": %lld, \"period\": %lld, \"epoch\": %u}",
			      (long long)p->time_nanos, (long long)p->period, p->epoch);
	}
	hd_buf_printf(b, "],\n \"observations\": %zu,\n \"sites\": %zu,\n \"notes\": ",
		      d->n_observations, d->n_sites);
	str_array(b, d->notes, d->n_notes);
	hd_buf_printf(b, "%s", ",\n \"owners\": [");
	for (size_t i = 0; i < d->n_owners; i++) {
		const struct hd_owner_summary *w = &d->owners[i];
		hd_buf_append(b, i ? ",\n  {\"function\": " : "\n  {\"function\": ", i ? 17 : 16);
		str(b, w->function);
		hd_buf_printf(b,
			      ", \"sites\": %zu, \"verdict\": \"%s\", \"inuse_bytes\": %lld, "
			      "\"alloc_bytes\": %lld, \"slope_bytes_per_min\": ",
			      w->n_sites, hd_verdict_str(w->verdict), (long long)w->inuse_bytes,
			      (long long)w->alloc_bytes);
		num(b, w->slope_bytes_per_min);
		hd_buf_append(b, ", \"series\": [", 13);
		for (size_t k = 0; k < w->n_series; k++)
			hd_buf_printf(b, "%s%lld", k ? ", " : "", (long long)w->series[k]);
		hd_buf_append(b, "]}", 2);
	}
	hd_buf_putc(b, ']');
	hd_buf_printf(b, ",\n \"total_inuse_bytes\": %lld, \"total_alloc_bytes\": %lld,\n \"findings\": [",
		      (long long)d->total_inuse_bytes, (long long)d->total_alloc_bytes);
	for (size_t i = 0; i < d->n_findings; i++) {
		hd_buf_append(b, i ? ",\n  " : "\n  ", i ? 4 : 3);
		finding(b, &d->findings[i]);
	}
	hd_buf_append(b, "]}\n", 3);
}

enum hd_status hd_diagnosis_render(const struct hd_diagnosis *d, enum hd_diagnosis_format format,
				   const struct hd_diagnosis_render_options *options,
				   char **out_ret, size_t *len_ret, struct hd_error *err)
{
	struct hd_diagnosis_render_options def = {0};
	if (!options)
		options = &def;
	if (!d)
		return hd_error_set(err, HD_ERR_USAGE, "no diagnosis to render");
	struct hd_buf b = HD_BUF_INIT;
	switch (format) {
	case HD_DIAG_JSON:
		hd_render_diagnosis_json(&b, d);
		break;
	case HD_DIAG_TEXT:
		hd_render_diagnosis_text(&b, d, options);
		break;
	case HD_DIAG_MARKDOWN:
		hd_render_diagnosis_markdown(&b, d, options);
		break;
	default:
		return hd_error_set(err, HD_ERR_USAGE, "unknown diagnosis format %d", (int)format);
	}
	if (!hd_buf_reserve(&b, 0) || b.failed) {
		hd_buf_release(&b);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	*out_ret = hd_buf_detach(&b, len_ret);
	return HD_OK;
}
