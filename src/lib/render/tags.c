/*
 * tags.c - pprof's -tags report (internal/report/report.go printTags):
 * for every label key of the kept samples, the share of the profile each
 * of its values carries.  Go's heap profiles label each sample with the
 * object size (numeric label "bytes"), so this is the size histogram of
 * the sampled objects; -tagfocus and the other filters apply first.
 *
 * What pprof sums: for each kept sample, its value (-sample_index; -mean
 * does not divide it, pprof's Tag has no divisor there) is added once per
 * label value, under the key; a numeric value is first formatted as
 * ScaledLabel(value, the key's unit, -unit) ("8kB"), so values that print
 * the same are one entry, whatever their kind.  Keys are printed in byte
 * order, values by |sum| descending then name (graph.SortTags); the
 * percentages are of the report total (rpt.Total(): every sample, or with
 * -relative_percentages the kept ones).  pprof lays the lines out with
 * text/tabwriter (padding 1, AlignRight); each key is one block of it,
 * flushed by the empty line after it, which write_block() reproduces.
 * Keys and values are escaped for the terminal, as names are everywhere.
 *
 * The JSON form keeps numeric values as integers in their unit (one entry
 * per distinct number) instead of the formatted names: scripts want the
 * exact sizes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "agg/hashtab.h"
#include "agg/units.h"
#include "render/escape.h"
#include "render/report.h"

/* One (key, value) of the kept samples' labels and what it sums to.
 * Numeric: num (name empty until formatted); string: name. */
struct tag {
	struct hd_str key;
	struct hd_str name;
	int64_t num;
	int64_t flat;
	bool is_num;
	char *formatted; /* text: the ScaledLabel of num, heap-allocated */
};

struct tag_set {
	struct tag *tags;
	uint32_t n, cap;
	struct hd_idtab tab;
	uint64_t seed;
};

struct tag_probe {
	const struct tag_set *set;
	const struct hd_label *label;
};

static bool tag_eq(const void *ctx, uint32_t id)
{
	const struct tag_probe *p = ctx;
	const struct tag *t = &p->set->tags[id];
	const struct hd_label *l = p->label;
	if (t->is_num != l->is_num || !hd_str_eq(t->key, l->key))
		return false;
	return l->is_num ? t->num == l->num : hd_str_eq(t->name, l->str);
}

static uint64_t label_hash(const struct tag_set *s, const struct hd_label *l)
{
	uint64_t h = hd_hash_bytes(l->key.ptr, l->key.len, s->seed);
	if (l->is_num)
		return hd_hash_combine(h, (uint64_t)l->num ^ 0x5bd1e995u);
	return hd_hash_combine(h, hd_hash_bytes(l->str.ptr, l->str.len, s->seed));
}

static void tag_set_release(struct tag_set *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		hd_free(s->tags[i].formatted);
	hd_free(s->tags);
	hd_idtab_release(&s->tab);
}

/* Sums the labels of the kept samples by (key, kind, value). */
static enum hd_status collect(const struct hd_view *v, struct tag_set *s, struct hd_error *err)
{
	memset(s, 0, sizeof(*s));
	s->seed = hd_hash_seed();
	if (!hd_idtab_init(&s->tab, 64))
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	const struct hd_profile *p = v->profile;
	for (uint64_t i = 0; i < v->n_samples; i++) {
		const struct hd_vsample *vs = &v->samples[i];
		const struct hd_sample *sm = &p->samples[vs->sample];
		const struct hd_label *labels = p->labels + sm->first_label;
		for (uint32_t j = 0; j < sm->n_labels; j++) {
			const struct hd_label *l = &labels[j];
			struct tag_probe probe = {s, l};
			uint64_t h = label_hash(s, l);
			uint32_t id = hd_idtab_find(&s->tab, h, tag_eq, &probe);
			if (id == HD_NONE) {
				if (s->n == UINT32_MAX - 1)
					return hd_error_set(err, HD_ERR_LIMIT, "too many label values");
				if (s->n == s->cap) {
					uint32_t cap = s->cap ? s->cap * 2 : 64;
					if (cap < s->cap || cap > UINT32_MAX - 1)
						cap = UINT32_MAX - 1;
					struct tag *t = hd_realloc(s->tags, (size_t)cap * sizeof(*t));
					if (!t)
						return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
					s->tags = t;
					s->cap = cap;
				}
				id = s->n++;
				s->tags[id] = (struct tag){.key = l->key, .is_num = l->is_num};
				if (l->is_num)
					s->tags[id].num = l->num;
				else
					s->tags[id].name = l->str;
				if (!hd_idtab_add(&s->tab, h, id))
					return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
			}
			s->tags[id].flat = hd_i64_add(s->tags[id].flat, vs->value);
		}
	}
	return HD_OK;
}

/* ---- text ---- */

static int cmp_key_name(const void *a, const void *b)
{
	const struct tag *x = a, *y = b;
	int c = hd_str_cmp(x->key, y->key);
	return c ? c : hd_str_cmp(x->name, y->name);
}

/* By key, then |flat| descending (graph.SortTags within a key); 0 when
 * both are equal. */
static int cmp_key_then_flat(const struct tag *x, const struct tag *y)
{
	int c = hd_str_cmp(x->key, y->key);
	if (c)
		return c;
	int64_t fx = hd_i64_abs(x->flat), fy = hd_i64_abs(y->flat);
	return fx == fy ? 0 : fx > fy ? -1 : 1;
}

/* graph.SortTags(tags, true) within a key: |flat| descending, then name. */
static int cmp_key_flat(const void *a, const void *b)
{
	const struct tag *x = a, *y = b;
	int c = cmp_key_then_flat(x, y);
	return c ? c : hd_str_cmp(x->name, y->name);
}

/* Formats the numeric values with their key's unit, then merges the
 * entries of a key that print the same.  Leaves s->tags sorted by key,
 * then as printed. */
static enum hd_status merge_names(const struct hd_view *v, struct tag_set *s,
				  struct hd_error *err)
{
	const char *unit = v->options.unit ? v->options.unit : "minimum";
	char buf[HD_UNIT_LABEL_MAX];
	for (uint32_t i = 0; i < s->n; i++) {
		struct tag *t = &s->tags[i];
		if (!t->is_num)
			continue;
		hd_unit_label(buf, t->num, hd_view_num_unit(v, t->key), unit);
		size_t len = strlen(buf);
		t->formatted = hd_malloc(len + 1);
		if (!t->formatted)
			return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		memcpy(t->formatted, buf, len + 1);
		t->name = (struct hd_str){t->formatted, len};
	}
	if (s->n)
		qsort(s->tags, s->n, sizeof(*s->tags), cmp_key_name);
	uint32_t w = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		if (w && hd_str_eq(s->tags[w - 1].key, s->tags[i].key) &&
		    hd_str_eq(s->tags[w - 1].name, s->tags[i].name)) {
			s->tags[w - 1].flat = hd_i64_add(s->tags[w - 1].flat, s->tags[i].flat);
			hd_free(s->tags[i].formatted);
			continue;
		}
		s->tags[w++] = s->tags[i];
	}
	s->n = w;
	if (s->n)
		qsort(s->tags, s->n, sizeof(*s->tags), cmp_key_flat);
	return HD_OK;
}

/* Writes n spaces. */
static void pad(struct hd_buf *b, size_t n)
{
	static const char spaces[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		hd_buf_append(b, spaces, k);
		n -= k;
	}
}

/* Appends s escaped for the terminal to b and returns its width in runes
 * (the escaped text is valid UTF-8). */
static size_t put_cell(struct hd_buf *b, struct hd_str s)
{
	size_t start = b->len;
	if (!hd_buf_put_terminal(b, s.ptr, s.len))
		return 0;
	return hd_utf8_runes(b->data + start, b->len - start);
}

/*
 * One key: "KEY:\t Total T of P (PCT)\n" then " \tV (PCT):\t NAME\n" per
 * value, as tabwriter (padding 1, AlignRight) lays them out: the first
 * column is as wide as the widest of "KEY:" and " ", plus one, over all
 * the lines; the second as the widest "V (PCT):" plus one, over the value
 * lines (the header line has no second column).
 */
static void write_block(struct hd_buf *b, const struct hd_view *v, const struct tag *t,
			uint32_t n, const char *unit)
{
	int64_t key_total = 0;
	for (uint32_t i = 0; i < n; i++)
		key_total = hd_i64_add(key_total, t[i].flat);
	int64_t total = v->total;
	char val[HD_UNIT_LABEL_MAX], tot[HD_UNIT_LABEL_MAX], pct[32];

	/* The cells, escaped, in a scratch buffer: [key:][v1 (p1):][v2 ...]. */
	struct hd_buf cells = HD_BUF_INIT;
	size_t *end = hd_malloc(((size_t)n + 1) * sizeof(*end));
	size_t *runes = hd_malloc(((size_t)n + 1) * sizeof(*runes));
	if (!end || !runes) {
		b->failed = true;
		goto out;
	}
	runes[0] = put_cell(&cells, t[0].key) + 1;
	hd_buf_putc(&cells, ':');
	end[0] = cells.len;
	size_t w1 = 0;
	for (uint32_t i = 0; i < n; i++) {
		size_t start = cells.len;
		hd_report_value(val, v, t[i].flat, unit); /* escaped already */
		hd_buf_append(&cells, val, strlen(val));
		if (total > 0)
			hd_buf_printf(&cells, " (%s):", hd_unit_percentage(pct, t[i].flat, total));
		else
			hd_buf_putc(&cells, ':');
		end[i + 1] = cells.len;
		runes[i + 1] = cells.failed ? 0 : hd_utf8_runes(cells.data + start, cells.len - start);
		w1 = runes[i + 1] > w1 ? runes[i + 1] : w1;
	}
	if (cells.failed) {
		b->failed = true;
		goto out;
	}
	size_t w0 = (runes[0] > 1 ? runes[0] : 1) + 1;
	w1 += 1;

	pad(b, w0 - runes[0]);
	hd_buf_append(b, cells.data, end[0]);
	hd_report_value(tot, v, total, unit);
	hd_buf_append(b, " Total ", 7);
	hd_report_value(val, v, key_total, unit);
	hd_buf_append(b, val, strlen(val));
	hd_buf_append(b, " of ", 4);
	hd_buf_append(b, tot, strlen(tot));
	if (total > 0)
		hd_buf_printf(b, " (%s)", hd_unit_percentage(pct, key_total, total));
	hd_buf_putc(b, '\n');
	for (uint32_t i = 0; i < n; i++) {
		pad(b, w0 - 1);
		hd_buf_putc(b, ' ');
		pad(b, w1 - runes[i + 1]);
		hd_buf_append(b, cells.data + end[i], end[i + 1] - end[i]);
		hd_buf_putc(b, ' ');
		put_cell(b, t[i].name);
		hd_buf_putc(b, '\n');
	}
	hd_buf_putc(b, '\n');
out:
	hd_free(end);
	hd_free(runes);
	hd_buf_release(&cells);
}

enum hd_status hd_render_tags_text(const struct hd_view *v, char **out_ret, size_t *len_ret,
				   struct hd_error *err)
{
	if (!v || !out_ret)
		return hd_error_set(err, HD_ERR_USAGE, "nothing to render");
	struct tag_set s;
	enum hd_status st = collect(v, &s, err);
	if (st == HD_OK)
		st = merge_names(v, &s, err);
	if (st != HD_OK) {
		tag_set_release(&s);
		return st;
	}
	const char *unit = v->options.unit ? v->options.unit : "minimum";
	struct hd_buf b = HD_BUF_INIT;
	for (uint32_t i = 0; i < s.n && !b.failed;) {
		uint32_t j = i + 1;
		while (j < s.n && hd_str_eq(s.tags[j].key, s.tags[i].key))
			j++;
		write_block(&b, v, s.tags + i, j - i, unit);
		i = j;
	}
	tag_set_release(&s);
	return hd_report_finish(&b, out_ret, len_ret, err);
}

/* ---- JSON ---- */

/* Within a key: |flat| descending, then numbers (ascending) before
 * strings (in byte order). */
static int cmp_json(const void *a, const void *b)
{
	const struct tag *x = a, *y = b;
	int c = cmp_key_then_flat(x, y);
	if (c)
		return c;
	if (x->is_num != y->is_num)
		return x->is_num ? -1 : 1;
	if (x->is_num)
		return (x->num > y->num) - (x->num < y->num);
	return hd_str_cmp(x->name, y->name);
}

enum hd_status hd_render_tags_json(const struct hd_view *v, char **out_ret, size_t *len_ret,
				   struct hd_error *err)
{
	if (!v || !out_ret)
		return hd_error_set(err, HD_ERR_USAGE, "nothing to render");
	struct tag_set s;
	enum hd_status st = collect(v, &s, err);
	if (st != HD_OK) {
		tag_set_release(&s);
		return st;
	}
	if (s.n)
		qsort(s.tags, s.n, sizeof(*s.tags), cmp_json);
	const struct hd_value_type *type = &v->profile->sample_types[v->sample_index];
	struct hd_buf b = HD_BUF_INIT;
	hd_buf_append(&b, "{\n  \"sample_type\": ", 19);
	hd_buf_put_json_string(&b, type->type.ptr, type->type.len);
	hd_buf_append(&b, ",\n  \"unit\": ", 12);
	hd_buf_put_json_string(&b, type->unit.ptr, type->unit.len);
	hd_buf_printf(&b, ",\n  \"total\": %" PRId64 ",\n  \"tags\": [", hd_view_shown(v, v->total));
	for (uint32_t i = 0; i < s.n && !b.failed;) {
		uint32_t j = i + 1;
		int64_t key_total = s.tags[i].flat;
		while (j < s.n && hd_str_eq(s.tags[j].key, s.tags[i].key))
			key_total = hd_i64_add(key_total, s.tags[j++].flat);
		hd_buf_append(&b, i ? ",\n    {\"key\": " : "\n    {\"key\": ", i ? 14 : 13);
		hd_buf_put_json_string(&b, s.tags[i].key.ptr, s.tags[i].key.len);
		hd_buf_printf(&b, ", \"total\": %" PRId64 ", \"values\": [",
			      hd_view_shown(v, key_total));
		for (uint32_t k = i; k < j; k++) {
			const struct tag *t = &s.tags[k];
			hd_buf_append(&b, k > i ? ",\n      {" : "\n      {", k > i ? 9 : 8);
			if (t->is_num) {
				struct hd_str u = hd_view_num_unit(v, t->key);
				hd_buf_printf(&b, "\"num\": %" PRId64 ", \"unit\": ", t->num);
				hd_buf_put_json_string(&b, u.ptr, u.len);
			} else {
				hd_buf_append(&b, "\"str\": ", 7);
				hd_buf_put_json_string(&b, t->name.ptr, t->name.len);
			}
			hd_buf_printf(&b, ", \"value\": %" PRId64 "}", hd_view_shown(v, t->flat));
		}
		hd_buf_append(&b, "]}", 2);
		i = j;
	}
	hd_buf_append(&b, s.n ? "\n  ]\n}\n" : "]\n}\n", s.n ? 7 : 4);
	tag_set_release(&s);
	return hd_report_finish(&b, out_ret, len_ret, err);
}
