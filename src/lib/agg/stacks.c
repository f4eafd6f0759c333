/*
 * stacks.c - grouping a view's samples by identical stacks before the
 * graph passes.  A Go heap profile has one sample per (stack, object size)
 * and merged profiles repeat stacks across snapshots and labels, so many
 * samples share a stack; summing their values first makes flat, cum and
 * edges cost one walk per distinct stack.  The result is exact: pprof adds
 * each sample's value to the same nodes and edges, additions commute
 * (wrapping, as Go's int64), and whether an edge exists or is inline
 * depends on the stack only.  Samples whose value and divisor are both 0
 * are left out, as pprof's newGraph skips them.  See
 * docs/internals/aggregate.md.
 */
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
