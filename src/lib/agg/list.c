/*
 * list.c - pprof's -list (internal/report/source.go printSource), the part
 * that needs no source files: which functions match, which files each
 * spans, the flat/cum of each line and the range of lines to show.  The
 * view must be at line granularity (pprof's applyCommandOverrides forces
 * "lines" and no trimming for -list); the graph is the untrimmed one.
 * Functions are those whose name matches the regexp, in name order; for
 * each, its files in name order (a function without a file is listed as
 * having no source information); for each file, the lines from the
 * function's start line (or, without one, five before the first sampled
 * line) to five after the last (getSourceFromFile), each with the sums of
 * the nodes on it.  The start line is in the nodes under the view's
 * obj_names option, which pprof sets for -list (ObjNames).
 * Reading the files is the caller's (render/text.c takes a callback).
 */
#include <stdlib.h>

#include "agg/aggregate.h"
#include "agg/regex.h"

struct list_box {
	struct hd_list list; /* first: hd_list_free() casts back */
	struct hd_arena *arena;
};

void hd_list_free(struct hd_list *list)
{
	if (!list)
		return;
	struct list_box *box = (struct list_box *)list;
	hd_arena_free(box->arena);
	hd_free(box);
}

/* A matching node with its sort key: (name, file), graph order among
 * equals (qsort is not stable: the position breaks ties). */
struct list_item {
	struct hd_str name, file;
	uint32_t id;
	uint32_t pos;
};

static int cmp_items(const void *pa, const void *pb)
{
	const struct list_item *a = pa, *b = pb;
	int c = hd_str_cmp(a->name, b->name);
	if (!c)
		c = hd_str_cmp(a->file, b->file);
	if (!c)
		return a->pos < b->pos ? -1 : a->pos > b->pos;
	return c;
}

static int cmp_lines(const void *pa, const void *pb)
{
	const struct hd_list_line *a = pa, *b = pb;
	return (a->line > b->line) - (a->line < b->line);
}

enum hd_status hd_view_list(const struct hd_view *v, const struct hd_report_options *o,
			    const char *regex, struct hd_list **list_ret, struct hd_error *err)
{
	if (!v || !list_ret || !regex)
		return hd_error_set(err, HD_ERR_USAGE, "no view or regexp");
	if (!o)
		o = &v->options;
	*list_ret = NULL;
	struct hd_regex *re = NULL;
	enum hd_status st = hd_regex_compile(regex, strlen(regex), "list", &re, err);
	if (st != HD_OK)
		return st;
	struct hd_graph g;
	st = hd_graph_trimmed(v, o, false, &g, err);
	if (st != HD_OK) {
		hd_regex_free(re);
		return st;
	}
	struct list_box *box = hd_calloc(1, sizeof(*box));
	struct list_item *items = hd_malloc(((size_t)g.n_order + 1) * sizeof(*items));
	if (!box || !items || !(box->arena = hd_arena_new())) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	struct hd_list *l = &box->list;
	l->total = v->total;
	/* The matching nodes, grouped by function then file. */
	uint32_t n = 0;
	for (uint32_t i = 0; i < g.n_order; i++) {
		const struct hd_node *nd = &v->nodes[g.order[i]];
		if (hd_regex_match(re, nd->name.ptr, nd->name.len))
			items[n++] = (struct list_item){nd->name, nd->file, g.order[i], i};
	}
	if (n == 0)
		goto done;
	qsort(items, n, sizeof(*items), cmp_items);
	/* At most one entry per item: (function, file), or a function whose
	 * nodes all lack a file (one entry with an empty file). */
	l->files = hd_arena_calloc(box->arena, (size_t)n + 1, sizeof(*l->files));
	if (!l->files) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < n;) {
		const struct hd_node *first = &v->nodes[items[i].id];
		uint32_t j = i + 1;
		while (j < n && hd_str_eq(items[j].name, first->name) &&
		       hd_str_eq(items[j].file, first->file))
			j++;
		bool new_fn = i == 0 || !hd_str_eq(items[i - 1].name, first->name);
		if (first->file.len == 0) {
			/* Nodes without a file: "No source information" when the
			 * function has no other file (they sort first). */
			bool other = j < n && hd_str_eq(items[j].name, first->name);
			if (new_fn && !other) {
				struct hd_list_file *f = &l->files[l->n_files++];
				f->function = first->name;
				f->file = (struct hd_str){"", 0};
				for (uint32_t k = i; k < j; k++) {
					f->flat = hd_i64_add(f->flat,
							     hd_graph_flat_value(&g, items[k].id));
					f->cum = hd_i64_add(f->cum, hd_graph_cum_value(&g, items[k].id));
				}
			}
			i = j;
			continue;
		}
		struct hd_list_file *f = &l->files[l->n_files++];
		f->function = first->name;
		f->file = first->file;
		f->lines = hd_arena_alloc(box->arena, (size_t)(j - i) * sizeof(*f->lines));
		if (!f->lines) {
			st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
			goto out;
		}
		/* getSourceFromFile's range, from the file's nodes in graph
		 * order: the first gives the initial start and end. */
		uint32_t first_pos = UINT32_MAX;
		const struct hd_node *f0 = NULL;
		for (uint32_t k = i; k < j; k++)
			if (items[k].pos < first_pos) {
				first_pos = items[k].pos;
				f0 = &v->nodes[items[k].id];
			}
		/* Go's int arithmetic wraps; so does this (lines are untrusted). */
		int64_t start = f0->start_line ? f0->start_line : hd_i64_add(f0->line, -5);
		int64_t end = hd_i64_add(f0->line, 5);
		for (uint32_t k = i; k < j; k++) {
			const struct hd_node *nd = &v->nodes[items[k].id];
			int64_t node_start = nd->start_line ? nd->start_line : hd_i64_add(nd->line, -5);
			int64_t node_end = hd_i64_add(nd->line, 5);
			if (node_start < start)
				start = node_start;
			else if (node_end > end)
				end = node_end;
			f->flat = hd_i64_add(f->flat, hd_graph_flat_value(&g, items[k].id));
			f->cum = hd_i64_add(f->cum, hd_graph_cum_value(&g, items[k].id));
			f->lines[k - i] = (struct hd_list_line){nd->line, hd_graph_flat_value(&g, items[k].id),
								hd_graph_cum_value(&g, items[k].id)};
		}
		f->start = start < 1 ? 1 : start;
		f->end = end;
		/* Sum the nodes of each line (lineNodes[lineno].Sum()). */
		uint32_t m = j - i, w = 0;
		qsort(f->lines, m, sizeof(*f->lines), cmp_lines);
		for (uint32_t k = 0; k < m; k++) {
			if (w && f->lines[w - 1].line == f->lines[k].line) {
				f->lines[w - 1].flat = hd_i64_add(f->lines[w - 1].flat, f->lines[k].flat);
				f->lines[w - 1].cum = hd_i64_add(f->lines[w - 1].cum, f->lines[k].cum);
			} else {
				f->lines[w++] = f->lines[k];
			}
		}
		f->n_lines = w;
		i = j;
	}
done:
	if (hd_arena_failed(box->arena))
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
out:
	hd_free(items);
	hd_graph_release(&g);
	hd_regex_free(re);
	if (st != HD_OK) {
		if (box)
			hd_arena_free(box->arena);
		hd_free(box);
		return st;
	}
	*list_ret = &box->list;
	return HD_OK;
}
