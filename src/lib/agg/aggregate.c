/*
 * aggregate.c - pprof's report graph on a view: flat and cum per node
 * (internal/graph/graph.go newGraph: cum once per node per sample, flat to
 * the leaf-most frame), the node selection (selectNodesForGraph, drop
 * negative), trimming (internal/report/report.go newTrimmedGraph:
 * -nodefraction against the sum of flat, -nodecount, -edgefraction),
 * pprof's sort orders, the output unit (selectOutputUnit) and the edges
 * that decide the " (inline)" labels and the -peek listings (edges.c).  The hot loop
 * touches each frame of each sample once, without hashing: node ids were
 * assigned per location by nodes.c and a per-node generation counter
 * replaces pprof's per-sample "seen" map.  Edges need a hash lookup per
 * frame, so they are computed only for the nodes that need them.
 * docs/internals/aggregate.md maps every step to pprof's source.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "agg/aggregate.h"
#include "agg/hashtab.h"
#include "agg/regex.h"
#include "agg/units.h"
#include "parts.h"

static inline uint64_t uabs(int64_t a)
{
	return a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
}

/* Go's int64(float64) on amd64: out of range gives INT64_MIN. */
static inline int64_t f2i(double x)
{
	if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)x;
}

static inline int64_t div_value(int64_t v, int64_t d)
{
	if (d == 0 || (v == INT64_MIN && d == -1))
		return v;
	return v / d;
}

/* ------------------------------------------------------------------------
 * Node values
 * ------------------------------------------------------------------------ */

void hd_graph_release(struct hd_graph *g)
{
	if (!g)
		return;
	hd_free(g->flat);
	hd_free(g->cum);
	hd_free(g->flat_div);
	hd_free(g->cum_div);
	hd_free(g->order);
	hd_free(g->in_graph);
	memset(g, 0, sizeof(*g));
}

/*
 * One range of stacks of the values pass and its own sums: part 0 adds
 * into the graph's arrays, later parts into their own, summed at the end
 * (wrapping additions commute, so any split gives the same values).
 */
struct values_part {
	uint64_t from, to;
	struct node_acc {
		int64_t cum;
		uint32_t seen;
	} *acc; /* a node's mark and cum side by side: one cache line per frame */
	int64_t *flat, *flat_div, *cum_div;
};

struct values_job {
	const struct hd_view *v;
	struct hd_locref *lr;
	size_t n; /* nodes + 1 */
	struct values_part *parts;
};

static void values_walk(void *arg, unsigned index)
{
	struct values_job *job = arg;
	const struct hd_view *v = job->v;
	const struct hd_locref *lr = job->lr;
	struct values_part *p = &job->parts[index];
	struct node_acc *acc = p->acc;
	int64_t *flat = p->flat, *flat_div = p->flat_div, *cum_div = p->cum_div;
	const uint32_t *nodes = v->loc_nodes;
	bool mean = v->options.mean;
	uint32_t gen = 0;
	/* Each distinct stack once (stacks.c), with its samples' values summed. */
	for (uint64_t s = p->from; s < p->to; s++) {
		const struct hd_vstack *vs = &v->stacks[s];
		int64_t w = vs->value, dw = vs->divisor;
		if (++gen == 0) {
			/* 2^32 stacks later: restart the marks. */
			for (size_t k = 0; k < job->n; k++)
				acc[k].seen = 0;
			gen = 1;
		}
		/* root (last location, outermost line) to leaf; the order does
		 * not matter for cum, which counts each node once per stack */
		for (uint32_t i = vs->n_locs; i-- > 0;) {
			if (i >= 8)
				__builtin_prefetch(&lr[vs->locs[i - 8]]);
			struct hd_locref r = lr[vs->locs[i]];
			const uint32_t *ln = nodes + r.first;
			for (uint32_t j = r.n; j-- > 0;) {
				uint32_t id = ln[j];
				if (acc[id].seen == gen)
					continue;
				acc[id].seen = gen;
				acc[id].cum = hd_i64_add(acc[id].cum, w);
				if (mean)
					cum_div[id] = hd_i64_add(cum_div[id], dw);
			}
		}
		if (vs->n_locs) {
			uint32_t leaf = nodes[lr[vs->locs[0]].first];
			flat[leaf] = hd_i64_add(flat[leaf], w);
			if (mean)
				flat_div[leaf] = hd_i64_add(flat_div[leaf], dw);
		}
	}
}

enum hd_status hd_graph_values(const struct hd_view *v, struct hd_graph *g, struct hd_error *err)
{
	memset(g, 0, sizeof(*g));
	g->view = v;
	size_t n = (size_t)v->n_nodes + 1;
	bool mean = v->options.mean;
	unsigned k = hd_parts_for(v->profile->n_sample_locs, hd_parts_min_frames());
	if (k > v->n_stacks)
		k = v->n_stacks ? (unsigned)v->n_stacks : 1;
	struct values_part parts[HD_PARTS_MAX];
	memset(parts, 0, sizeof(parts));
	struct values_job job = {v, hd_locrefs_new(v), n, parts};
	g->cum = hd_malloc(n * sizeof(int64_t));
	g->in_graph = hd_calloc(n, 1);
	/* without -mean the divisors are all 0 and never read */
	if (mean) {
		g->flat_div = hd_calloc(n, sizeof(int64_t));
		g->cum_div = hd_calloc(n, sizeof(int64_t));
	}
	bool ok = job.lr && g->cum && g->in_graph && (!mean || (g->flat_div && g->cum_div));
	for (unsigned i = 0; i < k; i++) {
		struct values_part *p = &parts[i];
		p->from = v->n_stacks * i / k;
		p->to = v->n_stacks * (i + 1) / k;
		p->acc = hd_calloc(n, sizeof(*p->acc));
		p->flat = hd_calloc(n, sizeof(int64_t));
		if (i == 0) {
			p->flat_div = g->flat_div;
			p->cum_div = g->cum_div;
		} else if (mean) {
			p->flat_div = hd_calloc(n, sizeof(int64_t));
			p->cum_div = hd_calloc(n, sizeof(int64_t));
			ok = ok && p->flat_div && p->cum_div;
		}
		ok = ok && p->acc && p->flat;
	}
	if (ok) {
		hd_parts_run(k, values_walk, &job);
		for (size_t id = 0; id < n; id++) {
			int64_t cum = parts[0].acc[id].cum;
			for (unsigned i = 1; i < k; i++) {
				cum = hd_i64_add(cum, parts[i].acc[id].cum);
				parts[0].flat[id] = hd_i64_add(parts[0].flat[id], parts[i].flat[id]);
				if (mean) {
					g->flat_div[id] = hd_i64_add(g->flat_div[id], parts[i].flat_div[id]);
					g->cum_div[id] = hd_i64_add(g->cum_div[id], parts[i].cum_div[id]);
				}
			}
			g->cum[id] = cum;
		}
		g->flat = parts[0].flat;
		parts[0].flat = NULL;
	}
	for (unsigned i = 0; i < k; i++) {
		hd_free(parts[i].acc);
		hd_free(parts[i].flat);
		if (i > 0) {
			hd_free(parts[i].flat_div);
			hd_free(parts[i].cum_div);
		}
	}
	hd_free(job.lr);
	if (!ok) {
		hd_graph_release(g);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	g->has_div = mean;
	return HD_OK;
}

int64_t hd_graph_flat_value(const struct hd_graph *g, uint32_t id)
{
	return g->has_div ? div_value(g->flat[id], g->flat_div[id]) : g->flat[id];
}

int64_t hd_graph_cum_value(const struct hd_graph *g, uint32_t id)
{
	return g->has_div ? div_value(g->cum[id], g->cum_div[id]) : g->cum[id];
}

/* ------------------------------------------------------------------------
 * Sorting (graph.go Nodes.Sort: FlatNameOrder, CumNameOrder)
 * ------------------------------------------------------------------------ */

static const struct hd_graph *sort_graph;
static enum hd_sort_order sort_order;

static int cmp_abs_desc(int64_t a, int64_t b)
{
	uint64_t x = uabs(a), y = uabs(b);
	return x > y ? -1 : x < y;
}

static int cmp_nodes(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct hd_graph *g = sort_graph;
	const struct hd_node *na = &g->view->nodes[a], *nb = &g->view->nodes[b];
	int c;
	if (sort_order == HD_SORT_CUM) {
		if ((c = cmp_abs_desc(g->cum[a], g->cum[b])))
			return c;
		if ((c = hd_node_cmp_name(na, nb)))
			return c;
		if ((c = cmp_abs_desc(g->flat[a], g->flat[b])))
			return c;
	} else {
		if ((c = cmp_abs_desc(g->flat[a], g->flat[b])))
			return c;
		if ((c = hd_node_cmp_name(na, nb)))
			return c;
		if ((c = cmp_abs_desc(g->cum[a], g->cum[b])))
			return c;
	}
	if ((c = hd_node_cmp_info(na, nb)))
		return c;
	return a < b ? -1 : a > b;
}

/*
 * qsort has no context argument in C11; the comparison reads the graph
 * through a static, so sorting is serialised.  Sorting is short next to
 * aggregation; the lock keeps distinct views usable from distinct threads.
 */
static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

void hd_graph_sort(const struct hd_graph *g, uint32_t *ids, uint32_t n, enum hd_sort_order order)
{
	pthread_mutex_lock(&sort_lock);
	sort_graph = g;
	sort_order = order;
	qsort(ids, n, sizeof(*ids), cmp_nodes);
	sort_graph = NULL;
	pthread_mutex_unlock(&sort_lock);
}

/* ------------------------------------------------------------------------
 * The trimmed graph (report.go newTrimmedGraph)
 * ------------------------------------------------------------------------ */

static bool is_negative(const struct hd_graph *g, uint32_t id)
{
	return g->flat[id] < 0 || (g->flat[id] == 0 && g->cum[id] < 0);
}

enum hd_status hd_graph_trimmed(const struct hd_view *v, const struct hd_report_options *o,
				bool trim, struct hd_graph *g, struct hd_error *err)
{
	enum hd_status st = hd_graph_values(v, g, err);
	if (st != HD_OK)
		return st;
	double nodefraction = trim ? o->nodefraction : 0;
	double edgefraction = trim ? o->edgefraction : 0;
	int nodecount = trim ? o->nodecount : 0;
	g->order = hd_malloc(((size_t)v->n_nodes + 1) * sizeof(uint32_t));
	if (!g->order) {
		hd_graph_release(g);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	/* selectNodesForGraph */
	uint32_t n = 0;
	int64_t total_flat = 0;
	for (uint32_t id = 0; id < v->n_nodes; id++) {
		if (g->cum[id] == 0 && g->flat[id] == 0)
			continue;
		if (o->drop_negative && is_negative(g, id))
			continue;
		g->order[n++] = id;
		total_flat = hd_i64_add(total_flat, g->flat[id]);
	}
	int64_t node_cutoff = hd_i64_abs(f2i((double)total_flat * nodefraction));
	g->edge_cutoff = hd_i64_abs(f2i((double)total_flat * edgefraction));
	g->dropped_cutoff = hd_i64_abs(f2i((double)v->total * nodefraction));
	g->masked = false;
	if (node_cutoff > 0) {
		uint32_t k = 0;
		for (uint32_t i = 0; i < n; i++)
			if (hd_i64_abs(g->cum[g->order[i]]) >= node_cutoff)
				g->order[k++] = g->order[i];
		if (k != n) {
			g->dropped_nodes = n - k;
			g->masked = true;
			n = k;
		}
	}
	g->orig_count = n;
	hd_graph_sort(g, g->order, n, o->sort);
	if (nodecount > 0 && (uint32_t)nodecount < n) {
		n = (uint32_t)nodecount;
		g->masked = true;
	}
	g->n_order = n;
	for (uint32_t i = 0; i < n; i++)
		g->in_graph[g->order[i]] = 1;
	return HD_OK;
}

/* ------------------------------------------------------------------------
 * selectOutputUnit
 * ------------------------------------------------------------------------ */

/* Copies the unit name into out (NUL-terminated, cut to cap). */
static void set_unit(char *out, size_t cap, struct hd_str s)
{
	size_t n = s.len < cap - 1 ? s.len : cap - 1;
	if (n)
		memcpy(out, s.ptr, n);
	out[n] = '\0';
}

void hd_graph_output_unit(const struct hd_graph *g, const char *requested, char *out, size_t cap)
{
	const struct hd_view *v = g->view;
	struct hd_str sample_unit = v->profile->sample_types[v->sample_index].unit;
	if (!requested)
		requested = "minimum";
	if (strcmp(requested, "minimum") != 0 || g->n_order == 0) {
		set_unit(out, cap, hd_str_c(requested));
		return;
	}
	int64_t min_value = 0;
	for (uint32_t i = 0; i < g->n_order; i++) {
		uint32_t id = g->order[i];
		int64_t m = hd_i64_abs(hd_graph_flat_value(g, id));
		if (m == 0)
			m = hd_i64_abs(hd_graph_cum_value(g, id));
		if (m > 0 && (min_value == 0 || m < min_value))
			min_value = m;
	}
	int64_t max_value = v->total;
	if (min_value == 0)
		min_value = max_value;
	min_value = hd_view_shown(v, min_value);
	max_value = hd_view_shown(v, max_value);
	const char *min_unit, *max_unit, *unit;
	hd_unit_scale(min_value, sample_unit, "minimum", &min_unit);
	hd_unit_scale(max_value, sample_unit, "minimum", &max_unit);
	unit = min_unit;
	int64_t min100 = (int64_t)((uint64_t)min_value * 100u);
	if (strcmp(min_unit, max_unit) != 0 && min100 < max_value)
		hd_unit_scale(min100, sample_unit, "minimum", &unit);
	if (*unit)
		set_unit(out, cap, hd_str_c(unit));
	else
		set_unit(out, cap, sample_unit);
}

/* ------------------------------------------------------------------------
 * -top
 * ------------------------------------------------------------------------ */

struct top_box {
	struct hd_top top; /* first: hd_top_free() casts back */
	char unit[64];
};

void hd_top_free(struct hd_top *top)
{
	if (!top)
		return;
	hd_free(top->rows);
	hd_free(top);
}

static const struct hd_report_options *options_or_view(const struct hd_view *v,
							const struct hd_report_options *o)
{
	return o ? o : &v->options;
}

enum hd_status hd_view_top(const struct hd_view *v, const struct hd_report_options *o,
			   struct hd_top **top_ret, struct hd_error *err)
{
	if (!v || !top_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no view");
	o = options_or_view(v, o);
	struct hd_graph g;
	enum hd_status st = hd_graph_trimmed(v, o, o->trim, &g, err);
	if (st != HD_OK)
		return st;
	struct top_box *box = hd_calloc(1, sizeof(*box));
	uint8_t *track = hd_calloc((size_t)v->n_nodes + 1, 1);
	struct hd_top_row *rows = hd_calloc((size_t)g.n_order + 1, sizeof(*rows));
	if (!box || !track || !rows) {
		hd_free(box);
		hd_free(track);
		hd_free(rows);
		hd_graph_release(&g);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	/* Inline labels need the in-edges of nodes that are inlined somewhere;
	 * nodes always called normally can only get non-inline edges. */
	bool any = false;
	for (uint32_t i = 0; i < g.n_order; i++) {
		uint32_t id = g.order[i];
		track[id] = (v->node_flags[id] & HD_NODE_INNER) != 0;
		any = any || track[id];
	}
	struct hd_edges edges;
	memset(&edges, 0, sizeof(edges));
	if (any) {
		st = hd_edges_compute(v, g.masked ? g.in_graph : NULL, track, &edges, err);
		if (st != HD_OK) {
			hd_free(box);
			hd_free(track);
			hd_free(rows);
			hd_graph_release(&g);
			return st;
		}
	}
	/* track now records the labels: bit 1 inline edge, bit 2 normal edge */
	memset(track, 0, (size_t)v->n_nodes + 1);
	for (size_t k = 0; k < edges.n; k++) {
		const struct hd_edge_item *it = &edges.items[k];
		/* TrimLowFrequencyEdges; the source may be a node the graph
		 * does not list (a negative one under -drop_negative), as in
		 * pprof, whose edge maps keep it. */
		if (hd_i64_abs(it->weight) < g.edge_cutoff)
			continue;
		track[it->dst] |= it->inlined ? 1 : 2;
	}
	int64_t shown = 0;
	for (uint32_t i = 0; i < g.n_order; i++) {
		uint32_t id = g.order[i];
		rows[i].node = id;
		rows[i].flat = hd_graph_flat_value(&g, id);
		rows[i].cum = hd_graph_cum_value(&g, id);
		rows[i].inlined = track[id] == 1;
		rows[i].partial_inline = track[id] == 3;
		shown = hd_i64_add(shown, rows[i].flat);
	}
	struct hd_top *t = &box->top;
	t->rows = rows;
	t->n_rows = g.n_order;
	t->total = v->total;
	t->shown = shown;
	t->dropped_nodes = g.dropped_nodes;
	t->dropped_cutoff = g.dropped_cutoff;
	t->orig_count = g.orig_count;
	hd_graph_output_unit(&g, o->unit, box->unit, sizeof(box->unit));
	t->unit = box->unit;
	hd_edges_release(&edges);
	hd_free(track);
	hd_graph_release(&g);
	*top_ret = t;
	return HD_OK;
}
