/*
 * flame_part.c - grows the flame graph's call tree top-down (see
 * flame_tree.h): the items (samples) of a node are split by their next
 * frame with a stable counting sort into the other of two item buffers, so
 * every node's items stay contiguous and in sample order; a child narrower
 * than the drawing threshold is dropped with its whole subtree, so the work
 * is bounded by the frames of the nodes that are drawn, not by the 40M
 * frames of a large profile.  Subtrees are independent, so they are handed
 * out to hd_threads() threads; the result does not depend on which thread
 * built what: nodes are ordered by (first sample, depth), the order in
 * which a walk of the samples one by one creates them.  Not the folded
 * renderer's walk (folded.c), which shares hd_ftpart_split().
 * docs/internals/flame.md.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "flame_tree.h"

#define ENDS_BIT 0x80000000u
#define PREFETCH_AHEAD 16

/* ---- splitting a node's items ---- */

bool hd_ftpart_init(struct hd_ftpart *p, const struct hd_ftsrc *src)
{
	memset(p, 0, sizeof(*p));
	p->src = src;
	p->frame_stamp = hd_calloc(src->n_frames + 1, sizeof(*p->frame_stamp));
	return p->frame_stamp != NULL;
}

void hd_ftpart_release(struct hd_ftpart *p)
{
	if (!p)
		return;
	hd_free(p->frame_stamp);
	hd_free(p->gidx);
	hd_free(p->groups);
	memset(p, 0, sizeof(*p));
}

bool hd_ftpart_split(struct hd_ftpart *p, struct hd_ftitem *in, struct hd_ftitem *out,
		     uint32_t first, uint32_t n)
{
	const uint32_t *loc_first = p->src->loc_first, *loc_frames = p->src->loc_frames;
	if (!hd_grow_array((void **)&p->gidx, &p->cap_gidx, n, sizeof(*p->gidx)))
		return false;
	if (++p->stamp == 0) {
		memset(p->frame_stamp, 0, p->src->n_frames * sizeof(*p->frame_stamp));
		p->stamp = 1;
	}
	const uint64_t stamp = (uint64_t)p->stamp << 32;
	p->n_groups = 0;
	/* Pass 1: take each item's next frame, find its group (first
	 * appearance order), sum the weights. */
	/* The next location of an item is in its sample's stack, far from
	 * the other items': fetch it PREFETCH_AHEAD items early. */
	const uint32_t ahead = PREFETCH_AHEAD;
	for (uint32_t i = 0; i < n; i++) {
		struct hd_ftitem *it = &in[first + i];
		if (i + ahead < n) {
			const struct hd_ftitem *nx = it + ahead;
			__builtin_prefetch(nx->locs + (nx->k ? nx->k - 1 : 0));
		}
		uint32_t frame = loc_frames[--it->f];
		hd_ftitem_normalize(it, loc_first);
		bool ends = it->f == it->lo;
		uint64_t e = p->frame_stamp[frame];
		uint32_t g;
		if ((e & ~(uint64_t)0xffffffffu) == stamp) {
			g = (uint32_t)e;
		} else {
			if (!hd_grow_array((void **)&p->groups, &p->cap_groups, p->n_groups + 1,
				     sizeof(*p->groups)))
				return false;
			g = (uint32_t)p->n_groups++;
			p->frame_stamp[frame] = stamp | g;
			struct hd_ftgroup *ng = &p->groups[g];
			memset(ng, 0, sizeof(*ng));
			ng->frame = frame;
			ng->order = it->order;
		}
		struct hd_ftgroup *gr = &p->groups[g];
		uint64_t mag = it->w < 0 ? (uint64_t)0 - (uint64_t)it->w : (uint64_t)it->w;
		gr->n_items++;
		if (it->w > 0)
			gr->pos += mag;
		else
			gr->neg += mag;
		if (ends) {
			if (it->w > 0)
				gr->self_pos += mag;
			else
				gr->self_neg += mag;
		} else {
			gr->n_cont++;
		}
		p->gidx[i] = g | (ends ? ENDS_BIT : 0);
	}
	/* Pass 2: continuing items to their group's place, keeping order. */
	uint32_t at = first;
	for (size_t g = 0; g < p->n_groups; g++) {
		p->groups[g].first = at;
		at += p->groups[g].n_cont;
	}
	if (p->n_groups == 1 && p->groups[0].n_cont == n) {
		memcpy(&out[first], &in[first], (size_t)n * sizeof(*in));
		return true;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t g = p->gidx[i];
		if (g & ENDS_BIT)
			continue;
		uint32_t pos = p->groups[g].first + p->groups[g].filled++;
		out[pos] = in[first + i];
	}
	return true;
}

/* ---- threads ---- */

struct run_ctx {
	void (*fn)(void *ctx, unsigned i);
	void *ctx;
	unsigned i;
};

static void *run_thread(void *arg)
{
	struct run_ctx *r = arg;
	r->fn(r->ctx, r->i);
	return NULL;
}

/* At most this many threads, whatever hd_threads() says. */
#define MAX_THREADS 64

void hd_ftrun(unsigned n, void (*fn)(void *ctx, unsigned i), void *ctx)
{
	pthread_t th[MAX_THREADS];
	struct run_ctx rc[MAX_THREADS];
	bool started[MAX_THREADS] = {false};
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	for (unsigned i = 1; i < n; i++) {
		rc[i] = (struct run_ctx){fn, ctx, i};
		started[i] = pthread_create(&th[i], NULL, run_thread, &rc[i]) == 0;
	}
	fn(ctx, 0);
	for (unsigned i = 1; i < n; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			fn(ctx, i);
	}
}

/*
 * Below this many location references (about 40 per sample in Go heap
 * profiles) a second thread costs more than it saves: creating and joining
 * one is ~50 us, and a 100k-reference tree builds in about a millisecond.
 */
#define PARALLEL_MIN_LOCS 400000

unsigned hd_ftthreads(const struct hd_ftsrc *src)
{
	unsigned n = hd_threads();
	if (n <= 1 || src->n_locs_sum < PARALLEL_MIN_LOCS)
		return 1;
	return n > MAX_THREADS ? MAX_THREADS : n;
}

/* ---- the drawn tree ---- */

/* A node while building: identified by (order, depth), its parent by
 * (parent_order, depth - 1). */
struct bnode {
	uint64_t key; /* order << 32 | depth */
	uint64_t parent_key;
	uint32_t frame, pad;
	int64_t pos, neg, self_pos, self_neg;
};

/* A range of items to split: the items of node `key`. */
struct task {
	uint64_t key;
	uint32_t first, n;
	uint8_t buf; /* which item buffer holds them */
};

struct worker {
	struct hd_ftpart part;
	struct bnode *nodes;
	size_t n_nodes, cap_nodes;
	struct task *stack;
	size_t n_stack, cap_stack;
	bool failed;
};

struct build {
	const struct hd_ftsrc *src;
	struct hd_ftitem *buf[2];
	int64_t min_width;
	bool prune;
	struct task *tasks;
	size_t n_tasks;
	atomic_size_t next_task;
	atomic_bool failed;
	struct worker *workers;
};

static inline uint64_t node_key(uint32_t order, uint32_t depth)
{
	return (uint64_t)order << 32 | depth;
}

static bool push_task(struct task **t, size_t *n, size_t *cap, struct task v)
{
	if (!hd_grow_array((void **)t, cap, *n + 1, sizeof(**t)))
		return false;
	(*t)[(*n)++] = v;
	return true;
}

static bool add_node(struct worker *w, const struct hd_ftgroup *g, uint64_t parent_key,
		     uint32_t depth)
{
	if (!hd_grow_array((void **)&w->nodes, &w->cap_nodes, w->n_nodes + 1, sizeof(*w->nodes)))
		return false;
	w->nodes[w->n_nodes++] = (struct bnode){node_key(g->order, depth), parent_key, g->frame, 0,
						(int64_t)g->pos, (int64_t)g->neg,
						(int64_t)g->self_pos, (int64_t)g->self_neg};
	return true;
}

/* A lone item below node `key`: one node per remaining frame, all as wide
 * as the item (so all drawn, or none), no split needed. */
static bool add_chain(struct build *b, struct worker *w, struct hd_ftitem *it, uint64_t key)
{
	const struct hd_ftsrc *src = b->src;
	uint32_t depth = (uint32_t)key;
	uint64_t mag = it->w < 0 ? (uint64_t)0 - (uint64_t)it->w : (uint64_t)it->w;
	if (b->prune && (int64_t)mag < b->min_width)
		return true;
	struct hd_ftgroup g = {0};
	g.order = it->order;
	*(it->w > 0 ? &g.pos : &g.neg) = mag;
	while (it->f > it->lo) {
		g.frame = src->loc_frames[--it->f];
		hd_ftitem_normalize(it, src->loc_first);
		if (it->f == it->lo)
			*(it->w > 0 ? &g.self_pos : &g.self_neg) = mag;
		if (!add_node(w, &g, key, ++depth))
			return false;
		key = node_key(g.order, depth);
	}
	return true;
}

/*
 * Splits task t: records its children wide enough to be drawn and, for
 * those with items below them, either walks them (stack of `w`) or hands
 * them back through `out` (the main thread's first splits).
 */
static bool split_task(struct build *b, struct worker *w, struct task t, struct task **out,
		       size_t *n_out, size_t *cap_out)
{
	struct hd_ftitem *in = b->buf[t.buf], *dst = b->buf[!t.buf];
	if (t.n == 1)
		return add_chain(b, w, &in[t.first], t.key);
	if (!hd_ftpart_split(&w->part, in, dst, t.first, t.n))
		return false;
	uint32_t depth = (uint32_t)t.key + 1;
	for (size_t i = 0; i < w->part.n_groups; i++) {
		const struct hd_ftgroup *g = &w->part.groups[i];
		if (b->prune && (int64_t)(g->pos + g->neg) < b->min_width)
			continue;
		if (!add_node(w, g, t.key, depth))
			return false;
		if (g->n_cont == 0)
			continue;
		struct task c = {node_key(g->order, depth), g->first, g->n_cont, (uint8_t)!t.buf};
		if (!push_task(out, n_out, cap_out, c))
			return false;
	}
	return true;
}

/* Depth-first below task t, on the worker's own stack. */
static bool walk(struct build *b, struct worker *w, struct task t)
{
	w->n_stack = 0;
	if (!push_task(&w->stack, &w->n_stack, &w->cap_stack, t))
		return false;
	while (w->n_stack > 0) {
		if (atomic_load_explicit(&b->failed, memory_order_relaxed))
			return false;
		struct task cur = w->stack[--w->n_stack];
		if (!split_task(b, w, cur, &w->stack, &w->n_stack, &w->cap_stack))
			return false;
	}
	return true;
}

static void work(void *ctx, unsigned i)
{
	struct build *b = ctx;
	struct worker *w = &b->workers[i];
	if (w->failed)
		return;
	for (;;) {
		size_t k = atomic_fetch_add(&b->next_task, 1);
		if (k >= b->n_tasks || atomic_load_explicit(&b->failed, memory_order_relaxed))
			return;
		if (!walk(b, w, b->tasks[k])) {
			w->failed = true;
			atomic_store(&b->failed, true);
			return;
		}
	}
}

static int task_size_desc(const void *x, const void *y)
{
	const struct task *a = x, *c = y;
	if (a->n != c->n)
		return a->n > c->n ? -1 : 1;
	return a->key < c->key ? -1 : a->key > c->key;
}

static int bnode_cmp(const void *x, const void *y)
{
	const struct bnode *a = x, *c = y;
	return a->key < c->key ? -1 : a->key > c->key;
}

/*
 * Enough tasks for the threads to balance: the main thread splits the
 * largest task until there are 8 per thread or none holds more than a
 * 32nd of the items (a random-walk profile has few root children, some of
 * them huge).
 */
static bool make_tasks(struct build *b, struct worker *w0, unsigned threads, size_t *cap)
{
	const size_t want = (size_t)threads * 8;
	uint32_t small = b->src->n_items / 32;
	while (b->n_tasks > 0 && b->n_tasks < want) {
		size_t big = 0;
		for (size_t k = 1; k < b->n_tasks; k++)
			if (b->tasks[k].n > b->tasks[big].n)
				big = k;
		struct task t = b->tasks[big];
		if (t.n <= small || t.n < 2)
			break;
		b->tasks[big] = b->tasks[--b->n_tasks];
		if (!split_task(b, w0, t, &b->tasks, &b->n_tasks, cap))
			return false;
	}
	qsort(b->tasks, b->n_tasks, sizeof(*b->tasks), task_size_desc);
	return true;
}

static bool finish_tree(struct hd_ftree *tree, struct build *b, unsigned threads)
{
	size_t n = 0;
	for (unsigned i = 0; i < threads; i++)
		n += b->workers[i].n_nodes;
	struct bnode *all = hd_malloc((n + 1) * sizeof(*all));
	tree->nodes = hd_malloc((n + 1) * sizeof(*tree->nodes));
	if (!all || !tree->nodes) {
		hd_free(all);
		return false;
	}
	size_t at = 0;
	for (unsigned i = 0; i < threads; i++) {
		if (b->workers[i].n_nodes)
			memcpy(&all[at], b->workers[i].nodes, b->workers[i].n_nodes * sizeof(*all));
		at += b->workers[i].n_nodes;
	}
	qsort(all, n, sizeof(*all), bnode_cmp);
	const struct hd_ftsrc *src = b->src;
	tree->nodes[0] = (struct hd_ftnode){HD_NONE, HD_NONE, 0, src->pos, src->neg,
					    src->self_pos, src->self_neg};
	for (size_t i = 0; i < n; i++) {
		uint32_t depth = (uint32_t)all[i].key, parent = 0;
		if (depth > 1) {
			/* the parent's key is smaller: search before i */
			size_t lo = 0, hi = i;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (all[mid].key < all[i].parent_key)
					lo = mid + 1;
				else
					hi = mid;
			}
			parent = (uint32_t)lo + 1;
		}
		tree->nodes[i + 1] = (struct hd_ftnode){parent, all[i].frame, depth, all[i].pos,
							all[i].neg, all[i].self_pos, all[i].self_neg};
	}
	tree->n_nodes = n + 1;
	hd_free(all);
	return true;
}

enum hd_status hd_ftree_build(struct hd_ftree *tree, const struct hd_ftsrc *src,
			      int64_t min_width, struct hd_error *err)
{
	memset(tree, 0, sizeof(*tree));
	tree->src = src;
	unsigned threads = hd_ftthreads(src);
	struct build b = {0};
	b.src = src;
	b.min_width = min_width;
	b.prune = src->exact_widths;
	atomic_init(&b.next_task, 0);
	atomic_init(&b.failed, false);
	size_t cap_tasks = 0;
	bool ok = true;
	b.workers = hd_calloc(threads, sizeof(*b.workers));
	b.buf[0] = src->items;
	b.buf[1] = hd_malloc(((size_t)src->n_items + 1) * sizeof(*b.buf[1]));
	if (!b.workers || !b.buf[1])
		goto nomem;
	for (unsigned i = 0; i < threads; i++)
		if (!hd_ftpart_init(&b.workers[i].part, src))
			goto nomem;
	/* Items without frames end at the root; the others are the root's
	 * task.  The items are the source's, consumed as the tree grows. */
	uint32_t k = 0;
	for (uint32_t i = 0; i < src->n_items; i++)
		if (src->items[i].f != src->items[i].lo)
			src->items[k++] = src->items[i];
	if (k > 0 && !push_task(&b.tasks, &b.n_tasks, &cap_tasks,
				(struct task){node_key(0, 0), 0, k, 0}))
		goto nomem;
	if (threads > 1 && !make_tasks(&b, &b.workers[0], threads, &cap_tasks))
		goto nomem;
	hd_ftrun(threads, work, &b);
	if (atomic_load(&b.failed) || !finish_tree(tree, &b, threads))
		goto nomem;
	goto out;
nomem:
	ok = false;
out:
	for (unsigned i = 0; b.workers && i < threads; i++) {
		hd_ftpart_release(&b.workers[i].part);
		hd_free(b.workers[i].nodes);
		hd_free(b.workers[i].stack);
	}
	hd_free(b.workers);
	hd_free(b.buf[1]);
	hd_free(b.tasks);
	if (ok)
		return HD_OK;
	hd_ftree_release(tree);
	return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
}

void hd_ftree_release(struct hd_ftree *tree)
{
	if (!tree)
		return;
	hd_free(tree->nodes);
	memset(tree, 0, sizeof(*tree));
}
