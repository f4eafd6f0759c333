/*
 * peek.c - pprof's -peek and -tree (internal/report/report.go printTree,
 * with a symbol regexp and without).  -peek: the untrimmed graph
 * (driver.go applyCommandOverrides turns trimming off for peek), and for
 * each node whose label matches, its incoming and outgoing edges sorted
 * like graph.go EdgeMap.Sort (|weight| descending, then caller name, then
 * callee name).  -tree: every node of the trimmed graph (newTrimmedGraph:
 * -nodefraction, -nodecount with pprof's default of 80 for this report),
 * with the edges of the graph rebuilt from the kept nodes (residual edges
 * bridge dropped ones) less those below the -edgefraction cutoff
 * (TrimLowFrequencyEdges).  Rendering is in render/text.c and
 * render/json.c.
 */
#include <stdlib.h>

#include "agg/aggregate.h"
#include "agg/regex.h"

struct peek_box {
	struct hd_peek peek; /* first: hd_peek_free() casts back */
	struct hd_arena *arena;
	char unit[64];
};

void hd_peek_free(struct hd_peek *peek)
{
	if (!peek)
		return;
	struct peek_box *box = (struct peek_box *)peek;
	hd_arena_free(box->arena);
	hd_free(box);
}

struct sort_edge {
	const struct hd_edge_item *item;
	const struct hd_node *src, *dst;
};

static inline uint64_t uabs(int64_t a)
{
	return a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
}

static int cmp_edges(const void *pa, const void *pb)
{
	const struct sort_edge *a = pa, *b = pb;
	if (a->item->weight != b->item->weight) {
		uint64_t x = uabs(a->item->weight), y = uabs(b->item->weight);
		if (x != y)
			return x > y ? -1 : 1;
		/* pprof leaves w and -w unordered; positive first here */
		return a->item->weight > b->item->weight ? -1 : 1;
	}
	int c = hd_str_cmp(a->src->label, b->src->label);
	if (!c)
		c = hd_str_cmp(a->dst->label, b->dst->label);
	if (!c)
		c = a->item->src < b->item->src ? -1 : a->item->src > b->item->src;
	if (!c)
		c = a->item->dst < b->item->dst ? -1 : a->item->dst > b->item->dst;
	return c;
}

/* Sorts edges[0..n) and writes them to out as seen from `callers`. */
static void emit_edges(const struct hd_view *v, struct sort_edge *tmp, const struct hd_edge_item **in,
		       uint32_t n, bool callers, struct hd_peek_edge *out)
{
	for (uint32_t i = 0; i < n; i++) {
		tmp[i].item = in[i];
		tmp[i].src = &v->nodes[in[i]->src];
		tmp[i].dst = &v->nodes[in[i]->dst];
	}
	qsort(tmp, n, sizeof(*tmp), cmp_edges);
	for (uint32_t i = 0; i < n; i++) {
		const struct hd_edge_item *it = tmp[i].item;
		out[i].node = callers ? it->src : it->dst;
		out[i].weight = it->weight;
		out[i].inlined = it->inlined;
		out[i].residual = it->residual;
	}
}

/* printTree's entries: the nodes of the graph matching re (all without
 * one) with their edges; trim as newTrimmedGraph does (tree) or not
 * (peek).  Takes re. */
static enum hd_status build(const struct hd_view *v, const struct hd_report_options *o,
			    struct hd_regex *re, bool trim, struct hd_peek **peek_ret,
			    struct hd_error *err)
{
	struct hd_graph g;
	enum hd_status st = hd_graph_trimmed(v, o, trim, &g, err);
	if (st != HD_OK) {
		hd_regex_free(re);
		return st;
	}
	struct peek_box *box = hd_calloc(1, sizeof(*box));
	uint32_t *slot = hd_malloc(((size_t)v->n_nodes + 1) * sizeof(uint32_t));
	uint8_t *all = hd_malloc((size_t)v->n_nodes + 1);
	struct hd_edges edges;
	memset(&edges, 0, sizeof(edges));
	const struct hd_edge_item **bucket = NULL;
	struct sort_edge *tmp = NULL;
	size_t *fill = NULL;
	if (!box || !slot || !all || !(box->arena = hd_arena_new())) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	struct hd_peek *pk = &box->peek;
	pk->total = v->total;
	hd_graph_output_unit(&g, o->unit, box->unit, sizeof(box->unit));
	pk->unit = box->unit;
	pk->n_nodes = g.n_order;
	pk->orig_count = g.orig_count;
	pk->dropped_nodes = g.dropped_nodes;
	pk->dropped_cutoff = g.dropped_cutoff;
	uint32_t matched = 0;
	memset(slot, 0xff, ((size_t)v->n_nodes + 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < g.n_order; i++) {
		uint32_t id = g.order[i];
		pk->shown = hd_i64_add(pk->shown, hd_graph_flat_value(&g, id));
		if (!re || hd_regex_match(re, v->nodes[id].label.ptr, v->nodes[id].label.len))
			slot[id] = matched++;
	}
	pk->entries = hd_arena_calloc(box->arena, (size_t)matched + 1, sizeof(*pk->entries));
	if (!pk->entries) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < g.n_order; i++) {
		uint32_t id = g.order[i];
		if (slot[id] == HD_NONE)
			continue;
		struct hd_peek_entry *e = &pk->entries[slot[id]];
		e->node = id;
		e->flat = hd_graph_flat_value(&g, id);
		e->cum = hd_graph_cum_value(&g, id);
	}
	pk->n_entries = matched;
	if (matched == 0)
		goto out;

	memset(all, 1, (size_t)v->n_nodes + 1);
	st = hd_edges_compute(v, g.masked ? g.in_graph : NULL, g.masked ? g.in_graph : all, &edges,
			      err);
	if (st != HD_OK)
		goto out;
	/* TrimLowFrequencyEdges (the cutoff is 0 untrimmed): dropped edges
	 * become "no edge" for both ends.  pprof walks the In edges of the
	 * graph's nodes only, so an edge into a node outside the graph (one
	 * -drop_negative left out, or one with zero flat and cum) stays
	 * whatever its weight. */
	size_t kept = 0;
	for (size_t k = 0; k < edges.n; k++)
		if (!g.in_graph[edges.items[k].dst] ||
		    uabs(edges.items[k].weight) >= (uint64_t)g.edge_cutoff)
			edges.items[kept++] = edges.items[k];
	edges.n = kept;
	/* Count, then place each edge in its caller's and callee's lists. */
	size_t n_ref = 0;
	for (size_t k = 0; k < edges.n; k++) {
		const struct hd_edge_item *it = &edges.items[k];
		if (slot[it->dst] != HD_NONE) {
			pk->entries[slot[it->dst]].n_callers++;
			n_ref++;
		}
		if (slot[it->src] != HD_NONE) {
			pk->entries[slot[it->src]].n_callees++;
			n_ref++;
		}
	}
	bucket = hd_malloc((n_ref + 1) * sizeof(*bucket));
	tmp = hd_malloc((n_ref + 1) * sizeof(*tmp));
	fill = hd_malloc(((size_t)matched * 2 + 1) * sizeof(*fill));
	if (!bucket || !tmp || !fill) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Offsets of each entry's callers and callees in bucket (CSR). */
	size_t off = 0;
	for (uint32_t m = 0; m < matched; m++) {
		struct hd_peek_entry *e = &pk->entries[m];
		e->callers = hd_arena_alloc(box->arena, ((size_t)e->n_callers + 1) * sizeof(*e->callers));
		e->callees = hd_arena_alloc(box->arena, ((size_t)e->n_callees + 1) * sizeof(*e->callees));
		if (!e->callers || !e->callees) {
			st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
			goto out;
		}
		fill[2 * m] = off;
		off += e->n_callers;
		fill[2 * m + 1] = off;
		off += e->n_callees;
	}
	for (size_t k = 0; k < edges.n; k++) {
		const struct hd_edge_item *it = &edges.items[k];
		if (slot[it->dst] != HD_NONE)
			bucket[fill[2 * slot[it->dst]]++] = it;
		if (slot[it->src] != HD_NONE)
			bucket[fill[2 * slot[it->src] + 1]++] = it;
	}
	off = 0;
	for (uint32_t m = 0; m < matched; m++) {
		struct hd_peek_entry *e = &pk->entries[m];
		emit_edges(v, tmp, bucket + off, e->n_callers, true, e->callers);
		off += e->n_callers;
		emit_edges(v, tmp, bucket + off, e->n_callees, false, e->callees);
		off += e->n_callees;
	}
out:
	hd_free(fill);
	hd_free(tmp);
	hd_free(bucket);
	hd_edges_release(&edges);
	hd_free(all);
	hd_free(slot);
	hd_graph_release(&g);
	hd_regex_free(re);
	if (st != HD_OK) {
		if (box)
			hd_arena_free(box->arena);
		hd_free(box);
		return st;
	}
	*peek_ret = &box->peek;
	return HD_OK;
}

enum hd_status hd_view_peek(const struct hd_view *v, const struct hd_report_options *o,
			    const char *regex, struct hd_peek **peek_ret, struct hd_error *err)
{
	if (!v || !peek_ret || !regex)
		return hd_error_set(err, HD_ERR_USAGE, "no view or regexp");
	struct hd_regex *re = NULL;
	enum hd_status st = hd_regex_compile(regex, strlen(regex), "peek", &re, err);
	if (st != HD_OK)
		return st;
	return build(v, o ? o : &v->options, re, false, peek_ret, err);
}

enum hd_status hd_view_tree(const struct hd_view *v, const struct hd_report_options *o,
			    struct hd_peek **peek_ret, struct hd_error *err)
{
	if (!v || !peek_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no view");
	struct hd_report_options opt = o ? *o : v->options;
	if (opt.nodecount < 0)
		opt.nodecount = 80; /* applyCommandOverrides: not text or top */
	return build(v, &opt, NULL, opt.trim, peek_ret, err);
}
