/*
 * edges.c - the edges of pprof's report graph (internal/graph/graph.go
 * newGraph): which node calls which, with what weight, and whether every
 * such call is inlined - what decides the " (inline)" labels of -top and
 * the caller/callee lists of -peek.  Values, trimming and orders are
 * aggregate.c; docs/internals/aggregate.md maps the steps to pprof.
 *
 * Large views are split: the distinct stacks are cut into k consecutive
 * ranges, each walked on its own thread into its own edge table, and the
 * tables are combined in range order.  Edges are created in the order the
 * walk first meets them, so "the first range's edges, then the second
 * range's new ones, ..." is the order a single walk produces; weights are
 * wrapping sums, residual an or, inline an and - the result is identical
 * for every thread count.
 */
#include "agg/aggregate.h"
#include "parts.h"

struct hd_locref *hd_locrefs_new(const struct hd_view *v)
{
	uint32_t n = v->profile->n_locations;
	struct hd_locref *lr = hd_malloc(((size_t)n + 1) * sizeof(*lr));
	if (lr)
		for (uint32_t l = 0; l < n; l++)
			lr[l] = (struct hd_locref){v->loc_node_first[l], v->loc_node_n[l]};
	return lr;
}

void hd_edges_release(struct hd_edges *e)
{
	if (!e)
		return;
	hd_free(e->items);
	hd_u64map_release(&e->map);
	memset(e, 0, sizeof(*e));
}

static bool grow_edges(struct hd_edges *e)
{
	size_t ncap = e->cap ? e->cap * 2 : 256;
	/* edge ids are stored as uint32_t in the map */
	if (ncap >= HD_NONE)
		return false;
	struct hd_edge_item *ni = hd_realloc(e->items, ncap * sizeof(*ni));
	if (!ni)
		return false;
	e->items = ni;
	e->cap = ncap;
	return true;
}

/* The edge parent -> child, created (inline until a call says otherwise)
 * when new; HD_NONE when out of memory. */
static uint32_t edge_for(struct hd_edges *e, uint32_t parent, uint32_t child)
{
	bool inserted;
	/* room first, so that a key is never left without its item */
	if (e->n == e->cap && !grow_edges(e))
		return HD_NONE;
	uint32_t *slot = hd_u64map_upsert(&e->map, ((uint64_t)parent << 32) | child,
					  (uint32_t)e->n, &inserted);
	if (!slot)
		return HD_NONE;
	if (!inserted)
		return *slot;
	struct hd_edge_item *it = &e->items[e->n++];
	memset(it, 0, sizeof(*it));
	it->src = parent;
	it->dst = child;
	it->inlined = true;
	return *slot;
}

/*
 * graph.go newGraph's edge loop: walking a sample root to leaf, the edge
 * parent -> node is added once per sample (seenEdge), never for a node
 * calling itself, with inline = "node is not the outermost frame of its
 * location"; an edge stays inline only if every addition was.  Frames of
 * nodes outside `kept` (when not NULL) are skipped and make the next edge
 * residual.  Only edges whose child has track[child] set are recorded.
 *
 * A two-way cache per frame slot (location line): the parents last seen
 * there, their edges, and what the slot added to each edge since.  Frames
 * below the first of a location always have the same parent, and a
 * location is reached from few callers, so the hash table is consulted
 * only when a slot meets a new parent, and edge items are written only
 * when a way is evicted or at the end.
 */
struct slot_cache {
	uint32_t parent[2], edge[2];
	int64_t acc[2];
	uint8_t flags[2];
};
#define SLOT_USED 1u
#define SLOT_RESIDUAL 2u

/*
 * pprof adds an edge once per sample.  A child's first frame in a stack
 * cannot repeat an edge, so it adds through its slot; from a child's
 * second frame on, edges are marked with the stack's generation (the first
 * frame's edge retroactively).
 */
struct child_mark {
	uint32_t gen, first_edge;
	bool repeated;
};

/* One range of stacks and everything its walk writes. */
struct edges_part {
	uint64_t from, to; /* stacks */
	struct hd_edges edges;
	struct slot_cache *cache;
	struct child_mark *mark;
	enum hd_status st; /* HD_OK or HD_ERR_NOMEM */
};

struct edges_job {
	const struct hd_view *v;
	const uint8_t *kept, *track;
	struct hd_locref *lr;
	size_t n_slots;
	struct edges_part *parts;
};

/* Moves way k's pending additions into its edge.  `outer`: the slot is the
 * outermost line of its location, so its calls are not inline. */
static void flush_way(struct hd_edges *e, struct slot_cache *c, int k, bool outer)
{
	if (!(c->flags[k] & SLOT_USED))
		return;
	struct hd_edge_item *it = &e->items[c->edge[k]];
	it->weight = hd_i64_add(it->weight, c->acc[k]);
	if (c->flags[k] & SLOT_RESIDUAL)
		it->residual = true;
	if (outer)
		it->inlined = false;
	c->acc[k] = 0;
	c->flags[k] = 0;
}

/* The walk of one part's stacks (runs on the part's thread). */
static void edges_walk(void *arg, unsigned index)
{
	struct edges_job *job = arg;
	struct edges_part *p = &job->parts[index];
	const struct hd_view *v = job->v;
	const uint8_t *kept = job->kept, *track = job->track;
	const struct hd_locref *lr = job->lr;
	struct hd_edges *e = &p->edges;
	struct slot_cache *cache = p->cache;
	struct child_mark *mark = p->mark;
	for (size_t k = 0; k <= job->n_slots; k++) {
		cache[k].parent[0] = cache[k].parent[1] = HD_NONE;
		cache[k].edge[0] = cache[k].edge[1] = HD_NONE;
		cache[k].acc[0] = cache[k].acc[1] = 0;
		cache[k].flags[0] = cache[k].flags[1] = 0;
	}
	const uint32_t *nodes = v->loc_nodes;
	uint32_t gen = 0;
	enum hd_status st = HD_OK;
	for (uint64_t s = p->from; s < p->to && st == HD_OK; s++) {
		const struct hd_vstack *vs = &v->stacks[s];
		int64_t w = vs->value;
		if (++gen == 0) {
			for (size_t k = 0; k < e->n; k++)
				e->items[k].seen = 0;
			for (size_t k = 0; k < v->n_nodes; k++)
				mark[k].gen = 0;
			gen = 1;
		}
		uint32_t parent = HD_NONE;
		bool residual = false;
		for (uint32_t i = vs->n_locs; i-- > 0 && st == HD_OK;) {
			/* the walk's next locations, their caches, in flight */
			if (i >= 8)
				__builtin_prefetch(&lr[vs->locs[i - 8]]);
			if (i >= 4)
				__builtin_prefetch(&cache[lr[vs->locs[i - 4]].first]);
			struct hd_locref r = lr[vs->locs[i]];
			const uint32_t *ln = nodes + r.first;
			uint32_t cnt = r.n;
			for (uint32_t j = cnt; j-- > 0;) {
				uint32_t id = ln[j];
				if (kept && !kept[id]) {
					residual = true;
					continue;
				}
				if (parent != HD_NONE && id != parent && track[id]) {
					bool outer = j + 1 == cnt;
					struct slot_cache *c = &cache[r.first + j];
					int k = 0;
					if (c->parent[0] == parent) {
						k = 0;
					} else if (c->parent[1] == parent) {
						k = 1;
					} else {
						uint32_t eid = edge_for(e, parent, id);
						if (eid == HD_NONE) {
							st = HD_ERR_NOMEM;
							break;
						}
						flush_way(e, c, 1, outer);
						c->parent[1] = c->parent[0];
						c->edge[1] = c->edge[0];
						c->acc[1] = c->acc[0];
						c->flags[1] = c->flags[0];
						c->parent[0] = parent;
						c->edge[0] = eid;
						c->acc[0] = 0;
						c->flags[0] = 0;
					}
					struct child_mark *m = &mark[id];
					if (m->gen != gen) {
						m->gen = gen;
						m->first_edge = c->edge[k];
						m->repeated = false;
						c->acc[k] = hd_i64_add(c->acc[k], w);
						c->flags[k] |= SLOT_USED | (residual ? SLOT_RESIDUAL : 0);
					} else {
						if (!m->repeated) {
							e->items[m->first_edge].seen = gen;
							m->repeated = true;
						}
						struct hd_edge_item *it = &e->items[c->edge[k]];
						if (it->seen != gen) {
							it->seen = gen;
							it->weight = hd_i64_add(it->weight, w);
							it->residual = it->residual || residual;
							if (outer)
								it->inlined = false;
						}
					}
				}
				parent = id;
				residual = false;
			}
		}
	}
	if (st == HD_OK) {
		for (uint32_t l = 0; l < v->profile->n_locations; l++) {
			struct hd_locref r = lr[l];
			for (uint32_t j = 0; j < r.n; j++) {
				flush_way(e, &cache[r.first + j], 0, j + 1 == r.n);
				flush_way(e, &cache[r.first + j], 1, j + 1 == r.n);
			}
		}
	}
	p->st = st;
}

/* Adds part `from`'s edges to `to` (the earlier parts' combined edges):
 * known edges sum, new ones are appended in the order `from` met them. */
static bool edges_combine(struct hd_edges *to, const struct hd_edges *from)
{
	for (size_t k = 0; k < from->n; k++) {
		const struct hd_edge_item *src = &from->items[k];
		uint32_t eid = edge_for(to, src->src, src->dst);
		if (eid == HD_NONE)
			return false;
		struct hd_edge_item *it = &to->items[eid];
		it->weight = hd_i64_add(it->weight, src->weight);
		it->residual = it->residual || src->residual;
		it->inlined = it->inlined && src->inlined;
	}
	return true;
}

enum hd_status hd_edges_compute(const struct hd_view *v, const uint8_t *kept,
				const uint8_t *track, struct hd_edges *e, struct hd_error *err)
{
	memset(e, 0, sizeof(*e));
	size_t n_slots = 0;
	for (uint32_t l = 0; l < v->profile->n_locations; l++)
		n_slots += v->loc_node_n[l];
	unsigned k = hd_parts_for(v->profile->n_sample_locs, hd_parts_min_frames());
	if (k > v->n_stacks)
		k = v->n_stacks ? (unsigned)v->n_stacks : 1;
	struct edges_part parts[HD_PARTS_MAX];
	memset(parts, 0, sizeof(parts));
	struct edges_job job = {v, kept, track, hd_locrefs_new(v), n_slots, parts};
	bool ok = job.lr != NULL;
	for (unsigned i = 0; i < k; i++) {
		struct edges_part *p = &parts[i];
		p->from = v->n_stacks * i / k;
		p->to = v->n_stacks * (i + 1) / k;
		p->cache = hd_malloc((n_slots + 1) * sizeof(*p->cache));
		p->mark = hd_calloc((size_t)v->n_nodes + 1, sizeof(*p->mark));
		/* the first part's table becomes the result: sized for all */
		size_t expect = (size_t)v->n_nodes * 2;
		ok = ok && p->cache && p->mark && hd_u64map_init(&p->edges.map, expect);
	}
	if (ok) {
		hd_parts_run(k, edges_walk, &job);
		for (unsigned i = 0; i < k; i++)
			ok = ok && parts[i].st == HD_OK;
		for (unsigned i = 1; i < k && ok; i++)
			ok = edges_combine(&parts[0].edges, &parts[i].edges);
	}
	for (unsigned i = 0; i < k; i++) {
		hd_free(parts[i].cache);
		hd_free(parts[i].mark);
		if (i > 0 || !ok)
			hd_edges_release(&parts[i].edges);
	}
	hd_free(job.lr);
	if (!ok)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	*e = parts[0].edges;
	return HD_OK;
}
