/*
 * view.h - the inside of struct hd_view, shared by the modules that build
 * it (analyze/filter.c applies pprof's filters, agg/nodes.c assigns node
 * identities), those that compute on it (agg/aggregate.c: flat/cum, edges,
 * trimming) and the renderers.  A view never copies the profile: sample
 * stacks point into profile->sample_locs unless a filter removed frames
 * from the middle of a stack.  Everything is owned by the view's arena.
 * docs/internals/aggregate.md describes the data flow.
 */
#ifndef HD_AGG_VIEW_H
#define HD_AGG_VIEW_H

#include "common.h"
#include "agg/units.h"

/* A kept sample. */
struct hd_vsample {
	const uint32_t *locs; /* location indices, leaf first */
	uint64_t sample;      /* index into profile->samples */
	int64_t value;
	int64_t divisor;      /* -mean: value[0]; else 0 */
	uint32_t n_locs;
};

/*
 * Kept samples with a non-zero value (or divisor) grouped by identical
 * stacks, their values summed: the graph passes walk each distinct stack
 * once.  Exact for flat, cum and edges, because pprof's per-sample
 * additions commute and a stack's edges and inline flags do not depend on
 * the sample.
 */
struct hd_vstack {
	const uint32_t *locs;
	int64_t value;
	int64_t divisor;
	uint32_t n_locs;
};

/* node_flags bits: how a node appears among the frames of locations. */
#define HD_NODE_INNER 1u /* as an inlined (non-outermost) frame somewhere */
#define HD_NODE_OUTER 2u /* as the outermost frame of some location */

struct hd_view {
	const struct hd_profile *profile;
	struct hd_arena *arena;
	struct hd_report_options options; /* strings copied into the arena */

	uint32_t sample_index;
	int64_t total;
	unsigned unmatched; /* HD_FILTER_* */

	struct hd_vsample *samples;
	uint64_t n_samples;
	struct hd_vstack *stacks;
	uint64_t n_stacks;

	/*
	 * Lines of each location after the filters: line indices
	 * line_ids[loc_line_first[l] .. + loc_line_n[l]), innermost first,
	 * each location's slot sized for its original lines.
	 */
	uint32_t *loc_line_first;
	uint32_t *loc_line_n;
	uint32_t *line_ids;

	/*
	 * Nodes of each location: loc_nodes[loc_node_first[l] .. +
	 * loc_node_n[l]), innermost first; at least one per location (a
	 * location without lines gets a node of its address/mapping).
	 */
	struct hd_node *nodes;
	uint32_t n_nodes;
	uint8_t *node_flags;
	uint32_t *loc_node_first;
	uint32_t *loc_node_n;
	uint32_t *loc_nodes;
	uint32_t max_frames;

	/* Numeric label units, pprof's NumLabelUnits: key -> unit. */
	struct hd_str *num_keys;
	struct hd_str *num_units;
	uint32_t n_num_keys;
};

/* A value as reports show it under -divide_by (hd_divide_value). */
static inline int64_t hd_view_shown(const struct hd_view *v, int64_t x)
{
	return hd_divide_value(x, v->options.divide_by);
}

/* A new, empty view of `profile` with its arena; NULL when out of memory. */
struct hd_view *hd_view_alloc(const struct hd_profile *profile);

/*
 * Assigns node identities (agg/nodes.c): aggregates the locations' lines
 * at the view's granularity (pprof's Profile.Aggregate + graph.nodeInfo),
 * interning equal identities, and fills nodes, node_flags and loc_node_*.
 * Returns HD_OK or HD_ERR_NOMEM / HD_ERR_LIMIT.
 */
enum hd_status hd_view_build_nodes(struct hd_view *view, struct hd_error *err);

/*
 * Groups the kept samples into view->stacks and sets view->max_frames
 * (agg/stacks.c), after hd_view_build_nodes().  Returns HD_OK or
 * HD_ERR_NOMEM.
 */
enum hd_status hd_view_build_stacks(struct hd_view *view, struct hd_error *err);

/* pprof's unit of numeric label `key` (e.g. "bytes" for Go's bytes label). */
struct hd_str hd_view_num_unit(const struct hd_view *view, struct hd_str key);

/* Frames of a kept sample, as hd_view_sample_frames() (public) does. */
static inline uint32_t hd_vsample_frames(const struct hd_view *v, const struct hd_vsample *s)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->n_locs; i++)
		n += v->loc_node_n[s->locs[i]];
	return n;
}

/*
 * pprof's comparePrintableName (graph.go): by address when both nodes have
 * one and they differ, else by label bytes; 0 for equal labels.
 */
int hd_node_cmp_name(const struct hd_node *a, const struct hd_node *b);

/*
 * The last resort of pprof's node orders (graph.go compareNodes, the
 * fmt.Sprint of the node info).  pprof never reaches it for nodes with
 * equal labels (its order among those is unspecified); heapdoc uses it
 * there to stay deterministic.
 */
int hd_node_cmp_info(const struct hd_node *a, const struct hd_node *b);

#endif /* HD_AGG_VIEW_H */
