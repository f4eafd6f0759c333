/*
 * idmap.h - maps the uint64 ids of a profile (mapping, function, location
 * ids) to dense uint32 indices during decoding.  Dense table when the ids
 * are small (the usual 1..n), seeded open-addressing hash otherwise, like
 * pprof's postDecode (#729) but without per-entry allocation.  Temporary:
 * freed when decoding ends.  Not a general hash table (agg/hashtab.c is).
 */
#ifndef HD_IDMAP_H
#define HD_IDMAP_H

#include "common.h"

struct hd_idmap {
	/* Sequential ids (base, base+1, ...: what the Go runtime and pprof
	 * write) need no table: index = id - base when below n_sequential. */
	uint64_t base;
	uint64_t n_sequential;
	uint32_t *dense;   /* dense[id] = index or HD_NONE, id < dense_len */
	size_t dense_len;
	uint64_t *keys;    /* hashed ids (0 = empty slot; id 0 is never stored) */
	uint32_t *vals;
	size_t mask;
	uint64_t seed;
	size_t bad_index; /* after HD_ERR_PROFILE: the entity at fault */
};

/*
 * Builds a map of the n ids found at `ids` (each `stride` bytes apart) to
 * their positions 0..n-1.  `what` names the entity for messages
 * ("location").  Returns HD_OK, HD_ERR_PROFILE for id 0 or a duplicate id
 * (pprof's CheckValid messages; m->bad_index tells which entity), or
 * HD_ERR_NOMEM.
 */
enum hd_status hd_idmap_build(struct hd_idmap *m, const void *ids, size_t stride,
			      size_t n, const char *what, struct hd_error *err);
void hd_idmap_release(struct hd_idmap *m);

static inline uint64_t hd_idmap_mix(uint64_t id, uint64_t seed)
{
	/* murmur3's fmix64 of the seeded id: every bit of the id reaches the
	 * low bits used as the slot. */
	uint64_t h = id ^ seed;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* Index of `id`, or HD_NONE. */
static inline uint32_t hd_idmap_get(const struct hd_idmap *m, uint64_t id)
{
	if (id - m->base < m->n_sequential)
		return (uint32_t)(id - m->base);
	if (id < m->dense_len)
		return m->dense[id];
	if (!m->keys || id == 0)
		return HD_NONE;
	size_t i = (size_t)hd_idmap_mix(id, m->seed) & m->mask;
	for (;;) {
		uint64_t k = m->keys[i];
		if (k == id)
			return m->vals[i];
		if (k == 0)
			return HD_NONE;
		i = (i + 1) & m->mask;
	}
}

#endif /* HD_IDMAP_H */
