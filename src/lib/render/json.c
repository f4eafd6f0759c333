/*
 * json.c - the JSON forms of -top, -traces, -peek, -tree and -list for
 * scripts and CI:
 * the same numbers as the text reports, as exact integers in the sample
 * type's own unit (no scaling, no rounding), with names split into their
 * parts (function, file, line) and pprof's display label alongside.  The
 * shapes are documented in include/heapdoc/heapdoc.h (hd_render_top_json
 * and friends).  Strings of any bytes become valid JSON (render/escape.c).
 */
#include <inttypes.h>
#include <stdio.h>

#include "agg/aggregate.h"
#include "render/escape.h"
#include "render/report.h"

static const char *granularity_name(enum hd_granularity g)
{
	switch (g) {
	case HD_GRANULARITY_FUNCTIONS: return "functions";
	case HD_GRANULARITY_FILEFUNCTIONS: return "filefunctions";
	case HD_GRANULARITY_FILES: return "files";
	case HD_GRANULARITY_LINES: return "lines";
	case HD_GRANULARITY_ADDRESSES: return "addresses";
	}
	return "functions";
}

static void put_str(struct hd_buf *b, struct hd_str s)
{
	hd_buf_put_json_string(b, s.ptr, s.len);
}

static void header(struct hd_buf *b, const struct hd_view *v)
{
	const struct hd_value_type *t = &v->profile->sample_types[v->sample_index];
	hd_buf_append(b, "{\n  \"sample_type\": ", 19);
	if (v->options.mean) {
		struct hd_buf m = HD_BUF_INIT;
		hd_buf_append(&m, "mean_", 5);
		hd_buf_append(&m, t->type.ptr, t->type.len);
		hd_buf_put_json_string(b, m.data ? m.data : "", m.len);
		if (m.failed)
			b->failed = true;
		hd_buf_release(&m);
	} else {
		put_str(b, t->type);
	}
	hd_buf_append(b, ",\n  \"unit\": ", 12);
	put_str(b, t->unit);
	hd_buf_printf(b, ",\n  \"total\": %" PRId64, hd_view_shown(v, v->total));
	hd_buf_printf(b, ",\n  \"granularity\": \"%s\"", granularity_name(v->options.granularity));
}

/* "shown", "dropped_nodes", "dropped_cutoff", "orig_count" of a trimmed
 * graph (top, peek and tree). */
static void trim_fields(struct hd_buf *b, const struct hd_view *v, int64_t shown,
			uint32_t dropped_nodes, int64_t dropped_cutoff, uint32_t orig_count)
{
	hd_buf_printf(b, ",\n  \"shown\": %" PRId64 ",\n  \"dropped_nodes\": %" PRIu32
			 ",\n  \"dropped_cutoff\": %" PRId64 ",\n  \"orig_count\": %" PRIu32,
		      hd_view_shown(v, shown), dropped_nodes, hd_view_shown(v, dropped_cutoff),
		      orig_count);
}

/* "name", "file", "line", "address", "display" of a node. */
static void node_fields(struct hd_buf *b, const struct hd_node *n)
{
	hd_buf_append(b, "\"name\": ", 8);
	put_str(b, n->name);
	hd_buf_append(b, ", \"file\": ", 10);
	put_str(b, n->file);
	hd_buf_printf(b, ", \"line\": %" PRId64 ", \"address\": \"0x%" PRIx64 "\", \"display\": ",
		      n->line, n->address);
	put_str(b, n->label);
}

enum hd_status hd_render_top_json(const struct hd_view *v, const struct hd_top *t,
				  char **out_ret, size_t *len_ret, struct hd_error *err)
{
	if (!v || !t || !out_ret)
		return hd_error_set(err, HD_ERR_USAGE, "nothing to render");
	struct hd_buf b = HD_BUF_INIT;
	header(&b, v);
	trim_fields(&b, v, t->shown, t->dropped_nodes, t->dropped_cutoff, t->orig_count);
	hd_buf_append(&b, ",\n  \"rows\": [", 13);
	for (uint32_t i = 0; i < t->n_rows; i++) {
		const struct hd_top_row *r = &t->rows[i];
		hd_buf_append(&b, i ? ",\n    {" : "\n    {", i ? 7 : 6);
		node_fields(&b, &v->nodes[r->node]);
		hd_buf_printf(&b,
			      ", \"inline\": %s, \"partial_inline\": %s, \"flat\": %" PRId64
			      ", \"cum\": %" PRId64 "}",
			      r->inlined || r->partial_inline ? "true" : "false",
			      r->partial_inline ? "true" : "false", hd_view_shown(v, r->flat),
			      hd_view_shown(v, r->cum));
	}
	hd_buf_append(&b, t->n_rows ? "\n  ]\n}\n" : "]\n}\n", t->n_rows ? 7 : 4);
	return hd_report_finish(&b, out_ret, len_ret, err);
}

/* Labels of a sample grouped by key: {"key": [values...], ...} in the
 * order keys first appear. */
static void sample_labels(struct hd_buf *b, const struct hd_view *v, uint64_t sample, bool numeric)
{
	const struct hd_profile *p = v->profile;
	const struct hd_sample *s = &p->samples[sample];
	const struct hd_label *labels = p->labels + s->first_label;
	hd_buf_putc(b, '{');
	bool any = false;
	for (uint32_t i = 0; i < s->n_labels; i++) {
		const struct hd_label *l = &labels[i];
		if (l->is_num != numeric)
			continue;
		bool first = true;
		for (uint32_t j = 0; j < i && first; j++)
			if (labels[j].is_num == numeric && hd_str_eq(labels[j].key, l->key))
				first = false;
		if (!first)
			continue;
		if (any)
			hd_buf_append(b, ", ", 2);
		any = true;
		put_str(b, l->key);
		hd_buf_append(b, ": [", 3);
		bool sep = false;
		for (uint32_t j = i; j < s->n_labels; j++) {
			const struct hd_label *m = &labels[j];
			if (m->is_num != numeric || !hd_str_eq(m->key, l->key))
				continue;
			if (sep)
				hd_buf_append(b, ", ", 2);
			sep = true;
			if (numeric)
				hd_buf_printf(b, "%" PRId64, m->num);
			else
				put_str(b, m->str);
		}
		hd_buf_putc(b, ']');
	}
	hd_buf_putc(b, '}');
}

enum hd_status hd_render_traces_json(const struct hd_view *v, char **out_ret, size_t *len_ret,
				     struct hd_error *err)
{
	if (!v || !out_ret)
		return hd_error_set(err, HD_ERR_USAGE, "nothing to render");
	struct hd_buf b = HD_BUF_INIT;
	header(&b, v);
	hd_buf_append(&b, ",\n  \"samples\": [", 16);
	bool any = false;
	for (uint64_t i = 0; i < v->n_samples && !b.failed; i++) {
		const struct hd_vsample *s = &v->samples[i];
		if (hd_vsample_frames(v, s) == 0)
			continue;
		hd_buf_append(&b, any ? ",\n    {" : "\n    {", any ? 7 : 6);
		any = true;
		int64_t value = s->value;
		if (s->divisor != 0 && !(value == INT64_MIN && s->divisor == -1))
			value /= s->divisor;
		hd_buf_printf(&b, "\"value\": %" PRId64 ", \"labels\": ", hd_view_shown(v, value));
		sample_labels(&b, v, s->sample, false);
		hd_buf_append(&b, ", \"num_labels\": ", 16);
		sample_labels(&b, v, s->sample, true);
		hd_buf_append(&b, ", \"frames\": [", 13);
		bool sep = false;
		for (uint32_t k = 0; k < s->n_locs; k++) {
			uint32_t loc = s->locs[k];
			uint32_t f = v->loc_node_first[loc], cnt = v->loc_node_n[loc];
			for (uint32_t j = 0; j < cnt; j++) {
				hd_buf_append(&b, sep ? ",\n      {" : "\n      {", sep ? 9 : 8);
				sep = true;
				node_fields(&b, &v->nodes[v->loc_nodes[f + j]]);
				hd_buf_printf(&b, ", \"inline\": %s}", j + 1 != cnt ? "true" : "false");
			}
		}
		hd_buf_append(&b, "]}", 2);
	}
	hd_buf_append(&b, any ? "\n  ]\n}\n" : "]\n}\n", any ? 7 : 4);
	return hd_report_finish(&b, out_ret, len_ret, err);
}

static void peek_edges(struct hd_buf *b, const struct hd_view *v, const struct hd_peek_edge *e,
		       uint32_t n)
{
	hd_buf_putc(b, '[');
	for (uint32_t i = 0; i < n; i++) {
		hd_buf_append(b, i ? ",\n        {" : "\n        {", i ? 11 : 10);
		node_fields(b, &v->nodes[e[i].node]);
		hd_buf_printf(b, ", \"weight\": %" PRId64 ", \"inline\": %s, \"residual\": %s}",
			      hd_view_shown(v, e[i].weight), e[i].inlined ? "true" : "false",
			      e[i].residual ? "true" : "false");
	}
	hd_buf_putc(b, ']');
}

enum hd_status hd_render_peek_json(const struct hd_view *v, const struct hd_peek *pk,
				   char **out_ret, size_t *len_ret, struct hd_error *err)
{
	if (!v || !pk || !out_ret)
		return hd_error_set(err, HD_ERR_USAGE, "nothing to render");
	struct hd_buf b = HD_BUF_INIT;
	header(&b, v);
	trim_fields(&b, v, pk->shown, pk->dropped_nodes, pk->dropped_cutoff, pk->orig_count);
	hd_buf_append(&b, ",\n  \"entries\": [", 16);
	for (uint32_t i = 0; i < pk->n_entries; i++) {
		const struct hd_peek_entry *e = &pk->entries[i];
		hd_buf_append(&b, i ? ",\n    {" : "\n    {", i ? 7 : 6);
		node_fields(&b, &v->nodes[e->node]);
		hd_buf_printf(&b, ", \"flat\": %" PRId64 ", \"cum\": %" PRId64 ",\n      \"callers\": ",
			      hd_view_shown(v, e->flat), hd_view_shown(v, e->cum));
		peek_edges(&b, v, e->callers, e->n_callers);
		hd_buf_append(&b, ",\n      \"callees\": ", 19);
		peek_edges(&b, v, e->callees, e->n_callees);
		hd_buf_putc(&b, '}');
	}
	hd_buf_append(&b, pk->n_entries ? "\n  ]\n}\n" : "]\n}\n", pk->n_entries ? 7 : 4);
	return hd_report_finish(&b, out_ret, len_ret, err);
}

enum hd_status hd_render_list_json(const struct hd_view *v, const struct hd_list *list,
				   char **out_ret, size_t *len_ret, struct hd_error *err)
{
	if (!v || !list || !out_ret)
		return hd_error_set(err, HD_ERR_USAGE, "nothing to render");
	struct hd_buf b = HD_BUF_INIT;
	header(&b, v);
	hd_buf_append(&b, ",\n  \"routines\": [", 17);
	for (uint32_t i = 0; i < list->n_files; i++) {
		const struct hd_list_file *f = &list->files[i];
		hd_buf_append(&b, i ? ",\n    {\"function\": " : "\n    {\"function\": ", i ? 19 : 18);
		put_str(&b, f->function);
		hd_buf_append(&b, ", \"file\": ", 10);
		put_str(&b, f->file);
		hd_buf_printf(&b, ", \"flat\": %" PRId64 ", \"cum\": %" PRId64 ", \"lines\": [",
			      hd_view_shown(v, f->flat), hd_view_shown(v, f->cum));
		for (uint32_t k = 0; k < f->n_lines; k++)
			hd_buf_printf(&b, "%s{\"line\": %" PRId64 ", \"flat\": %" PRId64
					  ", \"cum\": %" PRId64 "}",
				      k ? ", " : "", f->lines[k].line, hd_view_shown(v, f->lines[k].flat),
				      hd_view_shown(v, f->lines[k].cum));
		hd_buf_append(&b, "]}", 2);
	}
	hd_buf_append(&b, list->n_files ? "\n  ]\n}\n" : "]\n}\n", list->n_files ? 7 : 4);
	return hd_report_finish(&b, out_ret, len_ret, err);
}
