/*
 * hashtab.c - open addressing with linear probing for the aggregation
 * layer (see hashtab.h for the two table shapes and their contracts).
 * Capacity is a power of two at least twice the expected count, so probe
 * sequences stay short; tables grow by doubling when the count passes half
 * the capacity.  Memory comes from hd_malloc, so allocation-failure sweeps
 * reach it.
 */
#include "agg/hashtab.h"

/* Smallest power of two >= 2 * expected, at least 16; 0 on overflow. */
static size_t capacity_for(size_t expected)
{
	size_t cap = 16;
	while (cap / 2 < expected) {
		if (cap > SIZE_MAX / 4)
			return 0;
		cap *= 2;
	}
	return cap;
}

/* ---- hd_u64map ---- */

static bool u64map_alloc(struct hd_u64map *m, size_t cap)
{
	size_t bytes;
	if (hd_mul_overflow(cap, sizeof(*m->slots), &bytes))
		return false;
	m->slots = hd_malloc(bytes);
	if (!m->slots)
		return false;
	for (size_t i = 0; i < cap; i++)
		m->slots[i].val = HD_NONE;
	m->mask = cap - 1;
	m->count = 0;
	return true;
}

bool hd_u64map_init(struct hd_u64map *m, size_t expected)
{
	memset(m, 0, sizeof(*m));
	m->seed = hd_hash_seed();
	size_t cap = capacity_for(expected);
	return cap && u64map_alloc(m, cap);
}

void hd_u64map_release(struct hd_u64map *m)
{
	if (!m)
		return;
	hd_free(m->slots);
	m->slots = NULL;
	m->mask = m->count = 0;
}

static bool u64map_grow(struct hd_u64map *m)
{
	struct hd_u64map old = *m;
	size_t cap = (old.mask + 1) * 2;
	if (cap < old.mask + 1 || !u64map_alloc(m, cap)) {
		*m = old;
		return false;
	}
	for (size_t i = 0; i <= old.mask; i++) {
		if (old.slots[i].val == HD_NONE)
			continue;
		size_t j = hd_hash_u64(old.slots[i].key, m->seed) & m->mask;
		while (m->slots[j].val != HD_NONE)
			j = (j + 1) & m->mask;
		m->slots[j] = old.slots[i];
	}
	m->count = old.count;
	hd_free(old.slots);
	return true;
}

uint32_t *hd_u64map_upsert(struct hd_u64map *m, uint64_t key, uint32_t val, bool *inserted)
{
	*inserted = false;
	size_t i = hd_hash_u64(key, m->seed) & m->mask;
	for (;;) {
		if (m->slots[i].val == HD_NONE)
			break;
		if (m->slots[i].key == key)
			return &m->slots[i].val;
		i = (i + 1) & m->mask;
	}
	if ((m->count + 1) * 2 > m->mask + 1) {
		if (!u64map_grow(m))
			return NULL;
		i = hd_hash_u64(key, m->seed) & m->mask;
		while (m->slots[i].val != HD_NONE)
			i = (i + 1) & m->mask;
	}
	m->slots[i].key = key;
	m->slots[i].val = val;
	m->count++;
	*inserted = true;
	return &m->slots[i].val;
}

uint32_t hd_u64map_get(const struct hd_u64map *m, uint64_t key)
{
	if (!m->slots)
		return HD_NONE;
	size_t i = hd_hash_u64(key, m->seed) & m->mask;
	while (m->slots[i].val != HD_NONE) {
		if (m->slots[i].key == key)
			return m->slots[i].val;
		i = (i + 1) & m->mask;
	}
	return HD_NONE;
}

/* ---- hd_idtab ---- */

static bool idtab_alloc(struct hd_idtab *t, size_t cap)
{
	size_t bytes;
	if (hd_mul_overflow(cap, sizeof(*t->slots), &bytes))
		return false;
	t->slots = hd_malloc(bytes);
	if (!t->slots)
		return false;
	for (size_t i = 0; i < cap; i++)
		t->slots[i].id = HD_NONE;
	t->mask = cap - 1;
	t->count = 0;
	return true;
}

bool hd_idtab_init(struct hd_idtab *t, size_t expected)
{
	memset(t, 0, sizeof(*t));
	size_t cap = capacity_for(expected);
	return cap && idtab_alloc(t, cap);
}

void hd_idtab_release(struct hd_idtab *t)
{
	if (!t)
		return;
	hd_free(t->slots);
	t->slots = NULL;
	t->mask = t->count = 0;
}

uint32_t hd_idtab_find(const struct hd_idtab *t, uint64_t hash, hd_idtab_eq_fn eq,
		       const void *ctx)
{
	size_t i = hash & t->mask;
	while (t->slots[i].id != HD_NONE) {
		if (t->slots[i].hash == hash && eq(ctx, t->slots[i].id))
			return t->slots[i].id;
		i = (i + 1) & t->mask;
	}
	return HD_NONE;
}

static void idtab_place(struct hd_idtab *t, uint64_t hash, uint32_t id)
{
	size_t i = hash & t->mask;
	while (t->slots[i].id != HD_NONE)
		i = (i + 1) & t->mask;
	t->slots[i].id = id;
	t->slots[i].hash = hash;
	t->count++;
}

bool hd_idtab_add(struct hd_idtab *t, uint64_t hash, uint32_t id)
{
	if ((t->count + 1) * 2 > t->mask + 1) {
		struct hd_idtab old = *t;
		size_t cap = (old.mask + 1) * 2;
		if (cap < old.mask + 1 || !idtab_alloc(t, cap)) {
			*t = old;
			return false;
		}
		for (size_t i = 0; i <= old.mask; i++)
			if (old.slots[i].id != HD_NONE)
				idtab_place(t, old.slots[i].hash, old.slots[i].id);
		hd_free(old.slots);
	}
	idtab_place(t, hash, id);
	return true;
}
