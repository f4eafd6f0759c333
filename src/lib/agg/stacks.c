/*
 * stacks.c - grouping a view's samples by identical stacks before the
 * graph passes.  A Go heap profile has one sample per (stack, object size)
 * and merged profiles repeat stacks across snapshots and labels, so many
 * samples share a stack; summing their values first makes flat, cum and
 * edges cost one walk per distinct stack.  Large views are grouped on
 * hd_threads() threads (each owns the stacks whose hash falls in its share)
 * with the same result: stacks in order of first appearance, sums of
 * wrapping additions.  The result is exact: pprof adds
 * each sample's value to the same nodes and edges, additions commute
 * (wrapping, as Go's int64), and whether an edge exists or is inline
 * depends on the stack only.  Samples whose value and divisor are both 0
 * are left out, as pprof's newGraph skips them.  See
 * docs/internals/aggregate.md.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "agg/hashtab.h"
#include "agg/view.h"

struct stack_ctx {
	const struct hd_vstack *stacks;
	const uint32_t *locs;
	uint32_t n_locs;
};

static bool stack_eq(const void *ctx, uint32_t id)
{
	const struct stack_ctx *c = ctx;
	const struct hd_vstack *s = &c->stacks[id];
	return s->n_locs == c->n_locs &&
	       (s->locs == c->locs || memcmp(s->locs, c->locs, (size_t)c->n_locs * 4) == 0);
}


/* ---- grouping on several threads ---- */

/*
 * Below this many samples one thread groups faster than two start: a
 * thread costs ~50 us, grouping 100k samples ~10 ms.
 */
#define PARALLEL_MIN_SAMPLES 100000
#define MAX_THREADS 16

struct par {
	struct hd_view *v;
	uint64_t *hashes;
	int64_t *value, *divisor; /* sums, at the index of a stack's first sample */
	uint8_t *first;           /* 1 at the first sample of each stack */
	unsigned threads;
	uint32_t max[MAX_THREADS];
	atomic_bool failed;
};

static void par_hash(struct par *c, unsigned t)
{
	const struct hd_view *v = c->v;
	uint64_t seed = hd_hash_seed();
	uint64_t lo = v->n_samples * t / c->threads, hi = v->n_samples * (t + 1) / c->threads;
	for (uint64_t i = lo; i < hi; i++)
		c->hashes[i] = hd_hash_bytes(v->samples[i].locs, (size_t)v->samples[i].n_locs * 4,
					     seed);
}

static inline unsigned owner(uint64_t hash, unsigned threads)
{
	/* high bits: the table slots use the low ones */
	return (unsigned)((hash >> 40) % threads);
}

struct sample_ctx {
	const struct hd_vsample *samples;
	const uint32_t *locs;
	uint32_t n_locs;
};

static bool sample_eq(const void *ctx, uint32_t id)
{
	const struct sample_ctx *c = ctx;
	const struct hd_vsample *s = &c->samples[id];
	return s->n_locs == c->n_locs &&
	       (s->locs == c->locs || memcmp(s->locs, c->locs, (size_t)c->n_locs * 4) == 0);
}

/* Thread t groups the samples it owns; a stack is known by its first
 * sample, whose slots of value/divisor hold the sums. */
static void par_group(struct par *c, unsigned t)
{
	const struct hd_view *v = c->v;
	const uint64_t n = v->n_samples;
	uint32_t max = 0;
	struct hd_idtab tab;
	if (!hd_idtab_init(&tab, 65536)) {
		atomic_store(&c->failed, true);
		return;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (i + 16 < n && owner(c->hashes[i + 16], c->threads) == t)
			__builtin_prefetch(&tab.slots[c->hashes[i + 16] & tab.mask]);
		uint64_t h = c->hashes[i];
		if (owner(h, c->threads) != t)
			continue;
		const struct hd_vsample *s = &v->samples[i];
		if (s->value == 0 && s->divisor == 0) {
			uint32_t f = hd_vsample_frames(v, s);
			max = f > max ? f : max;
			continue;
		}
		struct sample_ctx sc = {v->samples, s->locs, s->n_locs};
		uint32_t id = hd_idtab_find(&tab, h, sample_eq, &sc);
		if (id != HD_NONE) {
			c->value[id] = (int64_t)((uint64_t)c->value[id] + (uint64_t)s->value);
			c->divisor[id] = (int64_t)((uint64_t)c->divisor[id] + (uint64_t)s->divisor);
			continue;
		}
		uint32_t f = hd_vsample_frames(v, s);
		max = f > max ? f : max;
		c->first[i] = 1;
		c->value[i] = s->value;
		c->divisor[i] = s->divisor;
		if (!hd_idtab_add(&tab, h, (uint32_t)i)) {
			atomic_store(&c->failed, true);
			break;
		}
		if ((i & 0xffff) == 0 && atomic_load_explicit(&c->failed, memory_order_relaxed))
			break;
	}
	hd_idtab_release(&tab);
	c->max[t] = max;
}

struct run {
	struct par *c;
	void (*fn)(struct par *, unsigned);
	unsigned t;
};

static void *run_thread(void *arg)
{
	struct run *r = arg;
	r->fn(r->c, r->t);
	return NULL;
}

/* fn(c, t) for every t < c->threads, the caller running 0 and any thread
 * that could not be started. */
static void run_all(struct par *c, void (*fn)(struct par *, unsigned))
{
	pthread_t th[MAX_THREADS];
	struct run r[MAX_THREADS];
	bool started[MAX_THREADS] = {false};
	for (unsigned t = 1; t < c->threads; t++) {
		r[t] = (struct run){c, fn, t};
		started[t] = pthread_create(&th[t], NULL, run_thread, &r[t]) == 0;
	}
	fn(c, 0);
	for (unsigned t = 1; t < c->threads; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			fn(c, t);
	}
}

static enum hd_status build_stacks_parallel(struct hd_view *v, unsigned threads,
					    struct hd_error *err)
{
	struct par c = {0};
	c.v = v;
	c.threads = threads;
	atomic_init(&c.failed, false);
	size_t n = (size_t)v->n_samples;
	c.hashes = hd_malloc((n + 1) * sizeof(*c.hashes));
	c.value = hd_malloc((n + 1) * sizeof(*c.value));
	c.divisor = hd_malloc((n + 1) * sizeof(*c.divisor));
	c.first = hd_calloc(n + 1, 1);
	enum hd_status st = HD_OK;
	if (!c.hashes || !c.value || !c.divisor || !c.first) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	run_all(&c, par_hash);
	run_all(&c, par_group);
	if (atomic_load(&c.failed)) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	uint32_t max = 0;
	for (unsigned t = 0; t < threads; t++)
		max = c.max[t] > max ? c.max[t] : max;
	for (size_t i = 0; i < n; i++) {
		if (!c.first[i])
			continue;
		const struct hd_vsample *s = &v->samples[i];
		v->stacks[v->n_stacks++] = (struct hd_vstack){s->locs, c.value[i], c.divisor[i],
							      s->n_locs};
	}
	v->max_frames = max;
out:
	hd_free(c.hashes);
	hd_free(c.value);
	hd_free(c.divisor);
	hd_free(c.first);
	return st;
}

enum hd_status hd_view_build_stacks(struct hd_view *v, struct hd_error *err)
{
	v->n_stacks = 0;
	v->stacks = hd_arena_alloc(v->arena, (size_t)v->n_samples * sizeof(*v->stacks) + 1);
	if (!v->stacks)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	/* The deepest sample, counted once per distinct stack. */
	uint32_t max = 0;
	if (v->n_samples >= HD_NONE) {
		/* Ids are 32-bit: past 4G samples, keep them one stack each. */
		for (uint64_t i = 0; i < v->n_samples; i++) {
			const struct hd_vsample *s = &v->samples[i];
			uint32_t f = hd_vsample_frames(v, s);
			max = f > max ? f : max;
			if (s->value == 0 && s->divisor == 0)
				continue;
			v->stacks[v->n_stacks++] = (struct hd_vstack){s->locs, s->value, s->divisor,
								      s->n_locs};
		}
		v->max_frames = max;
		return HD_OK;
	}
	unsigned threads = hd_threads();
	if (threads > 1 && v->n_samples >= PARALLEL_MIN_SAMPLES)
		return build_stacks_parallel(v, threads > MAX_THREADS ? MAX_THREADS : threads, err);
	/* Sized for a modest number of distinct stacks; it grows when needed
	 * (a table sized for every sample would mostly miss the cache). */
	struct hd_idtab tab;
	uint64_t *hashes = hd_malloc(((size_t)v->n_samples + 1) * sizeof(*hashes));
	if (!hashes || !hd_idtab_init(&tab, v->n_samples < 65536 ? (size_t)v->n_samples : 65536)) {
		hd_free(hashes);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	uint64_t seed = hd_hash_seed();
	for (uint64_t i = 0; i < v->n_samples; i++) {
		const struct hd_vsample *s = &v->samples[i];
		hashes[i] = hd_hash_bytes(s->locs, (size_t)s->n_locs * 4, seed);
	}
	/*
	 * Comparing a sample with the first one of its stack reads memory far
	 * away; fetch the table slot 16 samples ahead and the candidate
	 * stack 8 ahead so the comparison finds them in the cache.
	 */
	const uint64_t ahead1 = 16, ahead2 = 8;
	for (uint64_t i = 0; i < v->n_samples; i++) {
		if (i + ahead1 < v->n_samples)
			__builtin_prefetch(&tab.slots[hashes[i + ahead1] & tab.mask]);
		if (i + ahead2 < v->n_samples) {
			const struct hd_idtab_slot *slot = &tab.slots[hashes[i + ahead2] & tab.mask];
			if (slot->id != HD_NONE && slot->hash == hashes[i + ahead2]) {
				const uint32_t *locs = v->stacks[slot->id].locs;
				__builtin_prefetch(locs);
				__builtin_prefetch((const char *)locs + 64);
				__builtin_prefetch((const char *)locs + 128);
			}
		}
		const struct hd_vsample *s = &v->samples[i];
		if (s->value == 0 && s->divisor == 0) {
			uint32_t f = hd_vsample_frames(v, s);
			max = f > max ? f : max;
			continue;
		}
		uint64_t h = hashes[i];
		struct stack_ctx c = {v->stacks, s->locs, s->n_locs};
		uint32_t id = hd_idtab_find(&tab, h, stack_eq, &c);
		if (id != HD_NONE) {
			struct hd_vstack *g = &v->stacks[id];
			g->value = (int64_t)((uint64_t)g->value + (uint64_t)s->value);
			g->divisor = (int64_t)((uint64_t)g->divisor + (uint64_t)s->divisor);
			continue;
		}
		uint32_t f = hd_vsample_frames(v, s);
		max = f > max ? f : max;
		id = (uint32_t)v->n_stacks++;
		v->stacks[id] = (struct hd_vstack){s->locs, s->value, s->divisor, s->n_locs};
		if (!hd_idtab_add(&tab, h, id)) {
			hd_idtab_release(&tab);
			hd_free(hashes);
			return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		}
	}
	hd_free(hashes);
	hd_idtab_release(&tab);
	v->max_frames = max;
	return HD_OK;
}
