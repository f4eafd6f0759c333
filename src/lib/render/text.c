/*
 * text.c - pprof's text reports, byte for byte: -top (internal/report/
 * report.go printText), -traces (printTraces), -peek and -tree
 * (printTree) and -list (source.go printSource), with
 * the legend of ProfileLabels and reportLabels.  Values go through
 * agg/units.c (measurement.ScaledLabel, Percentage); Go's %10s pads by
 * runes, so padding counts runes too.  The only deliberate difference from
 * pprof: names from the profile are escaped for the terminal
 * (render/escape.c), which leaves ordinary names unchanged.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "agg/aggregate.h"
#include "agg/units.h"
#include "render/escape.h"
#include "render/report.h"

void hd_report_text_free(char *text)
{
	hd_free(text);
}

enum hd_status hd_report_finish(struct hd_buf *b, char **out_ret, size_t *len_ret,
				struct hd_error *err)
{
	if (b->failed || !hd_buf_reserve(b, 0)) {
		hd_buf_release(b);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	size_t len;
	char *data = hd_buf_detach(b, &len);
	*out_ret = data;
	if (len_ret)
		*len_ret = len;
	return HD_OK;
}

/* "%*s": right-aligned in `width` runes, like Go's fmt. */
static void pad_left(struct hd_buf *b, const char *s, size_t width)
{
	size_t runes = hd_utf8_runes(s, strlen(s));
	for (size_t i = runes; i < width; i++)
		hd_buf_putc(b, ' ');
	hd_buf_append(b, s, strlen(s));
}

static void put_term(struct hd_buf *b, struct hd_str s)
{
	hd_buf_put_terminal(b, s.ptr, s.len);
}

struct hd_str hd_report_sample_unit(const struct hd_view *v)
{
	return v->profile->sample_types[v->sample_index].unit;
}

char *hd_report_value(char *buf, const struct hd_view *v, int64_t value, const char *unit)
{
	/* A unit pprof does not know is printed as the profile names it (or
	 * as -unit gives it): untrusted, so escaped like names. */
	char raw[HD_UNIT_LABEL_MAX];
	hd_unit_label(raw, hd_view_shown(v, value), hd_report_sample_unit(v), unit);
	hd_escape_terminal(buf, HD_UNIT_LABEL_MAX, raw, strlen(raw));
	return buf;
}

/* Go's time.Unix(0, ns).Format("2006-01-02 15:04:05 MST"), local time. */
static void format_time(struct hd_buf *b, int64_t nanos)
{
	int64_t sec = nanos / 1000000000;
	if (nanos % 1000000000 < 0)
		sec--;
	time_t t = (time_t)sec;
	struct tm tm;
	char out[64];
	if (!localtime_r(&t, &tm) || strftime(out, sizeof(out), "%Y-%m-%d %H:%M:%S %Z", &tm) == 0) {
		hd_buf_printf(b, "%" PRId64, nanos);
		return;
	}
	hd_buf_append(b, out, strlen(out));
}

/* report.go ProfileLabels, one line each. */
void hd_report_profile_labels(struct hd_buf *b, const struct hd_view *v, const char *unit)
{
	const struct hd_profile *p = v->profile;
	if (p->n_mappings > 0) {
		const struct hd_mapping *m = &p->mappings[0];
		if (m->filename.len) {
			/* filepath.Base */
			struct hd_str base = m->filename;
			while (base.len > 1 && base.ptr[base.len - 1] == '/')
				base.len--;
			if (!(base.len == 1 && base.ptr[0] == '/')) {
				size_t i = base.len;
				while (i > 0 && base.ptr[i - 1] != '/')
					i--;
				base.ptr += i;
				base.len -= i;
			}
			hd_buf_append(b, "File: ", 6);
			put_term(b, base);
			hd_buf_putc(b, '\n');
		}
		if (m->build_id.len) {
			hd_buf_append(b, "Build ID: ", 10);
			put_term(b, m->build_id);
			hd_buf_putc(b, '\n');
		}
	}
	for (uint32_t i = 0; i < p->n_comments; i++) {
		if (p->comments[i].len && p->comments[i].ptr[0] == '#')
			continue;
		put_term(b, p->comments[i]);
		hd_buf_putc(b, '\n');
	}
	struct hd_str type = p->sample_types[v->sample_index].type;
	if (type.len || v->options.mean) {
		hd_buf_append(b, "Type: ", 6);
		if (v->options.mean)
			hd_buf_append(b, "mean_", 5);
		put_term(b, type);
		hd_buf_putc(b, '\n');
	}
	if (p->doc_url.len) {
		hd_buf_append(b, "Doc: ", 5);
		put_term(b, p->doc_url);
		hd_buf_putc(b, '\n');
	}
	if (p->time_nanos != 0) {
		hd_buf_append(b, "Time: ", 6);
		format_time(b, p->time_nanos);
		hd_buf_putc(b, '\n');
	}
	if (p->duration_nanos != 0) {
		char dur[HD_UNIT_LABEL_MAX], tot[HD_UNIT_LABEL_MAX], pct[32];
		hd_unit_label(dur, p->duration_nanos, hd_str_c("nanoseconds"), "auto");
		hd_report_value(tot, v, v->total, unit);
		const char *tunit;
		double total_ns = hd_unit_scale(v->total, hd_report_sample_unit(v), "nanoseconds", &tunit);
		hd_buf_printf(b, "Duration: %s, Total samples = %s ", dur, tot);
		if (strcmp(tunit, "ns") == 0 && total_ns != 0) {
			int64_t tn = (total_ns >= -9223372036854775808.0 && total_ns < 9223372036854775808.0)
					     ? (int64_t)total_ns
					     : INT64_MIN;
			hd_buf_printf(b, "(%s)", hd_unit_percentage(pct, tn, p->duration_nanos));
		}
		hd_buf_putc(b, '\n');
	}
}

/* reportLabels' "Active filters:" block (driver.go reportOptions order). */
static void active_filters(struct hd_buf *b, const struct hd_view *v)
{
	const struct hd_report_options *o = &v->options;
	const struct {
		const char *name, *value;
	} f[] = {
		{"focus", o->focus}, {"ignore", o->ignore}, {"hide", o->hide},
		{"show", o->show}, {"show_from", o->show_from}, {"tagfocus", o->tagfocus},
		{"tagignore", o->tagignore}, {"tagshow", o->tagshow}, {"taghide", o->taghide},
	};
	bool any = false;
	for (size_t i = 0; i < HD_ARRAY_SIZE(f); i++) {
		if (!f[i].value)
			continue;
		if (!any)
			hd_buf_append(b, "Active filters:\n", 16);
		any = true;
		struct hd_buf s = HD_BUF_INIT;
		hd_buf_printf(&s, "%s=%s", f[i].name, f[i].value);
		hd_buf_append(b, "   ", 3);
		if (s.len > 80) {
			hd_buf_put_terminal(b, s.data, 80);
			hd_buf_append(b, "\xe2\x80\xa6", 3); /* "…" */
		} else if (s.data) {
			hd_buf_put_terminal(b, s.data, s.len);
		}
		if (s.failed)
			b->failed = true;
		hd_buf_release(&s);
		hd_buf_putc(b, '\n');
	}
}

void hd_report_labels(struct hd_buf *b, const struct hd_view *v, const char *unit, int64_t shown,
		      uint32_t n_nodes, uint32_t orig_count, uint32_t dropped,
		      int64_t dropped_cutoff)
{
	char s1[HD_UNIT_LABEL_MAX], s2[HD_UNIT_LABEL_MAX], pct[32];
	hd_report_profile_labels(b, v, unit);
	active_filters(b, v);
	hd_unit_percentage(pct, shown, v->total);
	const char *trimmed = pct;
	while (*trimmed == ' ')
		trimmed++;
	hd_buf_printf(b, "Showing nodes accounting for %s, %s of %s total\n",
		      hd_report_value(s1, v, shown, unit), trimmed,
		      hd_report_value(s2, v, v->total, unit));
	if (v->total != 0) {
		if (dropped > 0)
			hd_buf_printf(b, "Dropped %" PRIu32 " node%s (cum <= %s)\n", dropped,
				      dropped > 1 ? "s" : "",
				      hd_report_value(s1, v, dropped_cutoff, unit));
		if (n_nodes > 0 && n_nodes < orig_count)
			hd_buf_printf(b, "Showing top %" PRIu32 " nodes out of %" PRIu32 "\n", n_nodes,
				      orig_count);
	}
}

enum hd_status hd_render_top_text(const struct hd_view *v, const struct hd_top *t,
				  char **out_ret, size_t *len_ret, struct hd_error *err)
{
	if (!v || !t || !out_ret)
		return hd_error_set(err, HD_ERR_USAGE, "nothing to render");
	struct hd_buf b = HD_BUF_INIT;
	hd_report_labels(&b, v, t->unit, t->shown, t->n_rows, t->orig_count, t->dropped_nodes,
			 t->dropped_cutoff);
	hd_buf_printf(&b, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
	int64_t sum = 0;
	char fv[HD_UNIT_LABEL_MAX], cv[HD_UNIT_LABEL_MAX], p1[32], p2[32], p3[32];
	for (uint32_t i = 0; i < t->n_rows; i++) {
		const struct hd_top_row *r = &t->rows[i];
		sum = (int64_t)((uint64_t)sum + (uint64_t)r->flat);
		pad_left(&b, hd_report_value(fv, v, r->flat, t->unit), 10);
		hd_buf_printf(&b, " %s %s ", hd_unit_percentage(p1, r->flat, t->total),
			      hd_unit_percentage(p2, sum, t->total));
		pad_left(&b, hd_report_value(cv, v, r->cum, t->unit), 10);
		hd_buf_printf(&b, " %s  ", hd_unit_percentage(p3, r->cum, t->total));
		put_term(&b, v->nodes[r->node].label);
		if (r->partial_inline)
			hd_buf_append(&b, " (partial-inline)", 17);
		else if (r->inlined)
			hd_buf_append(&b, " (inline)", 9);
		hd_buf_putc(&b, '\n');
	}
	return hd_report_finish(&b, out_ret, len_ret, err);
}

/* ---- -traces ---- */

struct label_line {
	char *text;
	size_t len;
};

static int cmp_lines(const void *a, const void *b)
{
	const struct label_line *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->text, y->text, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/*
 * One "%10s:  v1 v2\n" line per label key (string labels, then numeric
 * ones, each group sorted as strings), as printTraces does.
 */
static bool trace_labels(struct hd_buf *b, const struct hd_view *v, uint64_t sample, bool numeric)
{
	const struct hd_profile *p = v->profile;
	const struct hd_sample *s = &p->samples[sample];
	const struct hd_label *labels = p->labels + s->first_label;
	if (s->n_labels == 0)
		return true;
	struct label_line *lines = hd_calloc(s->n_labels, sizeof(*lines));
	if (!lines)
		return false;
	uint32_t n = 0;
	bool ok = true;
	char val[HD_UNIT_LABEL_MAX];
	for (uint32_t i = 0; i < s->n_labels && ok; i++) {
		const struct hd_label *l = &labels[i];
		if (l->is_num != numeric)
			continue;
		bool first = true;
		for (uint32_t j = 0; j < i; j++)
			if (labels[j].is_num == numeric && hd_str_eq(labels[j].key, l->key))
				first = false;
		if (!first)
			continue;
		struct hd_buf line = HD_BUF_INIT;
		struct hd_buf key = HD_BUF_INIT;
		hd_buf_put_terminal(&key, l->key.ptr, l->key.len);
		size_t runes = key.data ? hd_utf8_runes(key.data, key.len) : 0;
		for (size_t k = runes; k < 10; k++)
			hd_buf_putc(&line, ' ');
		if (key.data)
			hd_buf_append(&line, key.data, key.len);
		hd_buf_append(&line, ":  ", 3);
		bool sep = false;
		struct hd_str unit = numeric ? hd_view_num_unit(v, l->key) : l->key;
		for (uint32_t j = i; j < s->n_labels; j++) {
			const struct hd_label *m = &labels[j];
			if (m->is_num != numeric || !hd_str_eq(m->key, l->key))
				continue;
			if (sep)
				hd_buf_putc(&line, ' ');
			sep = true;
			if (numeric) {
				hd_unit_label(val, m->num, unit, "auto");
				hd_buf_put_terminal(&line, val, strlen(val));
			} else {
				hd_buf_put_terminal(&line, m->str.ptr, m->str.len);
			}
		}
		hd_buf_putc(&line, '\n');
		ok = !line.failed && !key.failed;
		hd_buf_release(&key);
		lines[n].text = line.data;
		lines[n].len = line.len;
		n++;
	}
	qsort(lines, n, sizeof(*lines), cmp_lines);
	for (uint32_t i = 0; i < n; i++) {
		if (lines[i].text)
			hd_buf_append(b, lines[i].text, lines[i].len);
		hd_free(lines[i].text);
	}
	hd_free(lines);
	return ok;
}

enum hd_status hd_render_traces_text(const struct hd_view *v, char **out_ret, size_t *len_ret,
				     struct hd_error *err)
{
	if (!v || !out_ret)
		return hd_error_set(err, HD_ERR_USAGE, "nothing to render");
	static const char sep[] = "-----------+-------------------------------------------------------\n";
	const char *unit = v->options.unit ? v->options.unit : "minimum";
	struct hd_buf b = HD_BUF_INIT;
	hd_report_profile_labels(&b, v, unit);
	char val[HD_UNIT_LABEL_MAX];
	for (uint64_t i = 0; i < v->n_samples && !b.failed; i++) {
		const struct hd_vsample *s = &v->samples[i];
		if (hd_vsample_frames(v, s) == 0)
			continue;
		hd_buf_append(&b, sep, sizeof(sep) - 1);
		if (!trace_labels(&b, v, s->sample, false) || !trace_labels(&b, v, s->sample, true))
			b.failed = true;
		int64_t value = s->value;
		if (s->divisor != 0 && !(value == INT64_MIN && s->divisor == -1))
			value /= s->divisor;
		bool first = true;
		for (uint32_t k = 0; k < s->n_locs; k++) {
			uint32_t loc = s->locs[k];
			uint32_t f = v->loc_node_first[loc], cnt = v->loc_node_n[loc];
			for (uint32_t j = 0; j < cnt; j++) {
				pad_left(&b, first ? hd_report_value(val, v, value, unit) : "", 10);
				first = false;
				hd_buf_append(&b, "   ", 3);
				put_term(&b, v->nodes[v->loc_nodes[f + j]].label);
				if (j + 1 != cnt)
					hd_buf_append(&b, " (inline)", 9);
				hd_buf_putc(&b, '\n');
			}
		}
	}
	hd_buf_append(&b, sep, sizeof(sep) - 1);
	return hd_report_finish(&b, out_ret, len_ret, err);
}

/* ---- -peek ---- */

static void peek_edge(struct hd_buf *b, const struct hd_view *v, const struct hd_peek *pk,
		      const struct hd_peek_edge *e, int64_t cum)
{
	char w[HD_UNIT_LABEL_MAX], pct[32];
	pad_left(b, hd_report_value(w, v, e->weight, pk->unit), 50);
	hd_buf_printf(b, " %s |   ", hd_unit_percentage(pct, e->weight, cum));
	put_term(b, v->nodes[e->node].label);
	if (e->inlined)
		hd_buf_append(b, " (inline)", 9);
	hd_buf_putc(b, '\n');
}

enum hd_status hd_render_peek_text(const struct hd_view *v, const struct hd_peek *pk,
				   char **out_ret, size_t *len_ret, struct hd_error *err)
{
	if (!v || !pk || !out_ret)
		return hd_error_set(err, HD_ERR_USAGE, "nothing to render");
	static const char sep[] =
		"----------------------------------------------------------+-------------\n";
	static const char legend[] =
		"      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t \n";
	struct hd_buf b = HD_BUF_INIT;
	hd_report_labels(&b, v, pk->unit, pk->shown, pk->n_nodes, pk->orig_count, pk->dropped_nodes,
			 pk->dropped_cutoff);
	hd_buf_append(&b, sep, sizeof(sep) - 1);
	hd_buf_append(&b, legend, sizeof(legend) - 1);
	int64_t sum = 0;
	char fv[HD_UNIT_LABEL_MAX], cv[HD_UNIT_LABEL_MAX], p1[32], p2[32], p3[32];
	for (uint32_t i = 0; i < pk->n_entries; i++) {
		const struct hd_peek_entry *e = &pk->entries[i];
		hd_buf_append(&b, sep, sizeof(sep) - 1);
		for (uint32_t k = 0; k < e->n_callers; k++)
			peek_edge(&b, v, pk, &e->callers[k], e->cum);
		sum = (int64_t)((uint64_t)sum + (uint64_t)e->flat);
		pad_left(&b, hd_report_value(fv, v, e->flat, pk->unit), 10);
		hd_buf_printf(&b, " %s %s ", hd_unit_percentage(p1, e->flat, pk->total),
			      hd_unit_percentage(p2, sum, pk->total));
		pad_left(&b, hd_report_value(cv, v, e->cum, pk->unit), 10);
		hd_buf_printf(&b, " %s                | ", hd_unit_percentage(p3, e->cum, pk->total));
		put_term(&b, v->nodes[e->node].label);
		hd_buf_putc(&b, '\n');
		for (uint32_t k = 0; k < e->n_callees; k++)
			peek_edge(&b, v, pk, &e->callees[k], e->cum);
	}
	if (pk->n_entries > 0)
		hd_buf_append(&b, sep, sizeof(sep) - 1);
	return hd_report_finish(&b, out_ret, len_ret, err);
}

/* ---- -list ---- */

/* source.go valueOrDot: "." for zero. */
static const char *value_or_dot(char *buf, const struct hd_view *v, int64_t x, const char *unit)
{
	return x == 0 ? "." : hd_report_value(buf, v, x, unit);
}

/* A source line, escaped for the terminal but with its tabs: Go source is
 * indented with them and pprof prints them as they are. */
static void put_source(struct hd_buf *b, const char *s, size_t len)
{
	size_t run = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '\t')
			continue;
		hd_buf_put_terminal(b, s + run, i - run);
		if (i < len)
			hd_buf_putc(b, '\t');
		run = i + 1;
	}
}

enum hd_status hd_render_list_text(const struct hd_view *v, const struct hd_list *list,
				   hd_list_source_fn source, void *ctx, char **out_ret,
				   size_t *len_ret, struct hd_error *err)
{
	if (!v || !list || !source || !out_ret)
		return hd_error_set(err, HD_ERR_USAGE, "nothing to render");
	const char *unit = v->options.unit ? v->options.unit : "minimum";
	struct hd_buf b = HD_BUF_INIT;
	struct hd_buf path = HD_BUF_INIT;
	char fv[HD_UNIT_LABEL_MAX], cv[HD_UNIT_LABEL_MAX], pct[32];
	hd_buf_printf(&b, "Total: %s\n", hd_report_value(fv, v, list->total, unit));
	for (uint32_t i = 0; i < list->n_files && !b.failed; i++) {
		const struct hd_list_file *f = &list->files[i];
		if (f->file.len == 0) {
			hd_buf_append(&b, "No source information for ", 26);
			put_term(&b, f->function);
			hd_buf_putc(&b, '\n');
			continue;
		}
		hd_buf_append(&b, "ROUTINE ======================== ", 33);
		put_term(&b, f->function);
		hd_buf_append(&b, " in ", 4);
		put_term(&b, f->file);
		hd_buf_putc(&b, '\n');
		pad_left(&b, hd_report_value(fv, v, f->flat, unit), 10);
		hd_buf_putc(&b, ' ');
		pad_left(&b, hd_report_value(cv, v, f->cum, unit), 10);
		hd_buf_printf(&b, " (flat, cum) %s of Total\n",
			      hd_unit_percentage(pct, f->cum, list->total));
		/* The callback takes a C string: a name holding NUL is cut there
		 * (no such file exists anyway). */
		path.len = 0;
		if (!hd_buf_append(&path, f->file.ptr, f->file.len))
			break;
		/* With no line to show pprof reads nothing, but reports the
		 * error of an earlier read of the same file (its reader keeps
		 * them): line 0 asks for that alone. */
		const char *text = NULL;
		size_t len = 0;
		int r = source(ctx, path.data, f->start > f->end ? 0 : f->start, &text, &len);
		if (r < 0) {
			hd_buf_append(&b, " Error: ", 8);
			hd_buf_put_terminal(&b, text ? text : "", text ? strlen(text) : 0);
			hd_buf_putc(&b, '\n');
			continue;
		}
		uint32_t k = 0;
		for (int64_t line = f->start; r > 0 && line <= f->end && !b.failed;) {
			while (k < f->n_lines && f->lines[k].line < line)
				k++;
			bool hit = k < f->n_lines && f->lines[k].line == line;
			pad_left(&b, value_or_dot(fv, v, hit ? f->lines[k].flat : 0, unit), 10);
			hd_buf_putc(&b, ' ');
			pad_left(&b, value_or_dot(cv, v, hit ? f->lines[k].cum : 0, unit), 10);
			hd_buf_printf(&b, " %6" PRId64 ":", line);
			put_source(&b, text, len);
			hd_buf_putc(&b, '\n');
			if (line >= f->end)
				break;
			line++;
			r = source(ctx, path.data, line, &text, &len);
		}
	}
	if (path.failed)
		b.failed = true;
	hd_buf_release(&path);
	return hd_report_finish(&b, out_ret, len_ret, err);
}
