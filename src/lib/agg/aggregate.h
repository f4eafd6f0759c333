/*
 * aggregate.h - private interface of aggregate.c (pprof's report graph on
 * a view) and peek.c, for the renderers and other reports that need node
 * values, pprof's orders or edges.  The public entry points are
 * hd_view_top() and hd_view_peek() in include/heapdoc/heapdoc.h.
 */
#ifndef HD_AGG_AGGREGATE_H
#define HD_AGG_AGGREGATE_H

#include "agg/hashtab.h"
#include "agg/view.h"

/* A location's node range, packed: one load per location in the hot loops. */
struct hd_locref {
	uint32_t first, n;
};

/* loc_node_first/loc_node_n of every location of the view, packed
 * (hd_free it); NULL when out of memory. */
struct hd_locref *hd_locrefs_new(const struct hd_view *v);

/* Node values of a view, and the graph pprof's trimming keeps. */
struct hd_graph {
	const struct hd_view *view;
	int64_t *flat, *cum;         /* raw sums, per node id */
	int64_t *flat_div, *cum_div; /* -mean divisor sums (NULL without -mean) */
	bool has_div;                /* -mean: flat_div and cum_div are set */
	uint32_t *order;             /* the nodes of the graph, sorted */
	uint32_t n_order;
	uint8_t *in_graph;           /* per node id: in order[] */
	bool masked;                 /* pprof rebuilt the graph from a kept set */
	uint32_t dropped_nodes;
	uint32_t orig_count;
	int64_t edge_cutoff;
	int64_t dropped_cutoff;
};

/* flat/cum per node (graph.go newGraph); the other fields stay empty.
 * Large views are walked in parts on several threads (hd_threads()); the
 * values do not depend on how many. */
enum hd_status hd_graph_values(const struct hd_view *view, struct hd_graph *graph,
			       struct hd_error *err);

/*
 * The graph of report.go newTrimmedGraph: values, node selection,
 * -nodefraction cutoff, sort, -nodecount.  `trim` false disables all
 * trimming (pprof's peek, list, traces).
 */
enum hd_status hd_graph_trimmed(const struct hd_view *view, const struct hd_report_options *options,
				bool trim, struct hd_graph *graph, struct hd_error *err);

void hd_graph_release(struct hd_graph *graph);

/* FlatValue / CumValue: divided by the divisor sums with -mean. */
int64_t hd_graph_flat_value(const struct hd_graph *graph, uint32_t id);
int64_t hd_graph_cum_value(const struct hd_graph *graph, uint32_t id);

/* Sorts node ids in pprof's FlatNameOrder or CumNameOrder. */
void hd_graph_sort(const struct hd_graph *graph, uint32_t *ids, uint32_t n,
		   enum hd_sort_order order);

/*
 * report.go selectOutputUnit: for "minimum", the unit of the smallest
 * non-zero value shown (scaled up when it is 100x below the total's unit);
 * other requests are kept as given.  Writes a NUL-terminated unit name.
 */
void hd_graph_output_unit(const struct hd_graph *graph, const char *requested, char *out,
			  size_t cap);

/* An edge parent -> child of the graph. */
struct hd_edge_item {
	int64_t weight; /* raw sum (pprof prints Edge.Weight, never divided) */
	uint32_t src, dst;
	uint32_t seen;  /* generation of the last stack that added to it */
	bool inlined;
	bool residual;
};

struct hd_edges {
	struct hd_edge_item *items;
	size_t n, cap;
	struct hd_u64map map; /* (src << 32 | dst) -> index */
};

/*
 * Edges of the view's samples (graph.go newGraph, agg/edges.c): kept =
 * NULL for all nodes, else only nodes with kept[id] (others make edges
 * residual); only edges into nodes with track[id] are recorded.  Items
 * come in the order a walk over the stacks first meets them, whatever the
 * number of threads used for large views.
 */
enum hd_status hd_edges_compute(const struct hd_view *view, const uint8_t *kept,
				const uint8_t *track, struct hd_edges *edges,
				struct hd_error *err);
void hd_edges_release(struct hd_edges *edges);

#endif /* HD_AGG_AGGREGATE_H */
