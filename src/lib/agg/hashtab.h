/*
 * hashtab.h - the open-addressing hash tables of the aggregation layer.
 * Two shapes cover every need: hd_u64map maps a 64-bit key (an edge's
 * (parent, child) node pair, a function index) to a 32-bit id, with the keys
 * stored inline; hd_idtab is a set of 32-bit ids whose keys live elsewhere
 * (node identities), compared through a callback.  Both use power-of-two
 * capacities, linear probing, a load factor of at most 1/2, a per-process
 * seed (a crafted profile cannot precompute collisions) and are pre-sized
 * from counts known after decoding; they grow when the estimate was short.
 * See docs/internals/aggregate.md.
 */
#ifndef HD_AGG_HASHTAB_H
#define HD_AGG_HASHTAB_H

#include "common.h"

/* A good 64-bit mixer (the wyhash/splitmix finaliser family), seeded. */
static inline uint64_t hd_hash_u64(uint64_t x, uint64_t seed)
{
	x ^= seed;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	return x;
}

/* Combines two hashes (order matters). */
static inline uint64_t hd_hash_combine(uint64_t h, uint64_t v)
{
	return hd_hash_u64(h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2)), 0);
}

/* ---- hd_u64map: uint64_t key -> uint32_t value (value HD_NONE = empty) ---- */

struct hd_u64map_slot {
	uint64_t key;
	uint32_t val; /* HD_NONE: empty */
};

struct hd_u64map {
	struct hd_u64map_slot *slots; /* key and value together: one cache line per probe */
	size_t mask;  /* capacity - 1 */
	size_t count;
	uint64_t seed;
};

/* Sizes the table for `expected` entries.  False when out of memory. */
bool hd_u64map_init(struct hd_u64map *m, size_t expected);
void hd_u64map_release(struct hd_u64map *m);

/*
 * Looks `key` up; when absent inserts it with value `val` (which must not be
 * HD_NONE) and sets *inserted.  Returns a pointer to the stored value (valid
 * until the next insertion), or NULL when growing the table failed.
 */
uint32_t *hd_u64map_upsert(struct hd_u64map *m, uint64_t key, uint32_t val, bool *inserted);

/* The value stored for `key`, or HD_NONE. */
uint32_t hd_u64map_get(const struct hd_u64map *m, uint64_t key);

/* ---- hd_idtab: a set of ids with external keys ---- */

/* True when the key of `id` equals the key being looked up (in ctx). */
typedef bool (*hd_idtab_eq_fn)(const void *ctx, uint32_t id);

struct hd_idtab_slot {
	uint64_t hash; /* the full hash of the stored id, for growing */
	uint32_t id;   /* HD_NONE = empty slot */
};

struct hd_idtab {
	struct hd_idtab_slot *slots; /* hash and id together: one cache line per probe */
	size_t mask;
	size_t count;
};

bool hd_idtab_init(struct hd_idtab *t, size_t expected);
void hd_idtab_release(struct hd_idtab *t);

/*
 * Finds the id whose key equals the looked-up key (eq says which) among
 * those stored with this hash; HD_NONE when absent.
 */
uint32_t hd_idtab_find(const struct hd_idtab *t, uint64_t hash, hd_idtab_eq_fn eq,
		       const void *ctx);

/*
 * Adds `id` (known to be absent) under `hash`.  False when growing the
 * table failed.
 */
bool hd_idtab_add(struct hd_idtab *t, uint64_t hash, uint32_t id);

#endif /* HD_AGG_HASHTAB_H */
