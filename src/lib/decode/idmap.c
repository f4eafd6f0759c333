/*
 * idmap.c - building the id -> dense index maps used while decoding
 * profile.proto (see idmap.h).  Validation of ids (no 0, no duplicates)
 * happens here because it falls out of the insertion.
 */
#include "decode/idmap.h"

/* Dense when the largest id is at most this many entries past n. */
#define DENSE_SLACK 4096u

void hd_idmap_release(struct hd_idmap *m)
{
	if (!m)
		return;
	hd_free(m->dense);
	hd_free(m->keys);
	hd_free(m->vals);
	memset(m, 0, sizeof(*m));
}

static inline uint64_t id_at(const void *ids, size_t stride, size_t i)
{
	uint64_t id;
	memcpy(&id, (const char *)ids + i * stride, sizeof(id));
	return id;
}

static enum hd_status dup_error(struct hd_error *err, const char *what, uint64_t id)
{
	return hd_error_set(err, HD_ERR_PROFILE, "multiple %ss with the same id %llu",
			    what, (unsigned long long)id);
}

enum hd_status hd_idmap_build(struct hd_idmap *m, const void *ids, size_t stride,
			      size_t n, const char *what, struct hd_error *err)
{
	memset(m, 0, sizeof(*m));
	uint64_t max_id = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t id = id_at(ids, stride, i);
		if (id == 0) {
			m->bad_index = i;
			return hd_error_set(err, HD_ERR_PROFILE,
					    "found %s with reserved id 0", what);
		}
		if (id > max_id)
			max_id = id;
	}
	if (n == 0)
		return HD_OK;
	uint64_t base = id_at(ids, stride, 0);
	size_t run = 1;
	while (run < n && id_at(ids, stride, run) == base + run)
		run++;
	if (run == n && base + n - 1 >= base) { /* sequential, no wrap: no dups */
		m->base = base;
		m->n_sequential = n;
		return HD_OK;
	}
	if (max_id - 1 < (uint64_t)n + DENSE_SLACK) {
		size_t len = (size_t)max_id + 1;
		m->dense = hd_malloc(len * sizeof(uint32_t));
		if (!m->dense)
			return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		memset(m->dense, 0xff, len * sizeof(uint32_t)); /* HD_NONE */
		m->dense_len = len;
		for (size_t i = 0; i < n; i++) {
			uint64_t id = id_at(ids, stride, i);
			if (m->dense[id] != HD_NONE) {
				hd_idmap_release(m);
				m->bad_index = i;
				return dup_error(err, what, id);
			}
			m->dense[id] = (uint32_t)i;
		}
		return HD_OK;
	}
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2; /* n < 2^32, so this cannot overflow */
	m->keys = hd_calloc(cap, sizeof(uint64_t));
	m->vals = hd_malloc(cap * sizeof(uint32_t));
	if (!m->keys || !m->vals) {
		hd_idmap_release(m);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	m->mask = cap - 1;
	m->seed = hd_hash_seed();
	for (size_t i = 0; i < n; i++) {
		uint64_t id = id_at(ids, stride, i);
		size_t slot = (size_t)hd_idmap_mix(id, m->seed) & m->mask;
		while (m->keys[slot] != 0) {
			if (m->keys[slot] == id) {
				hd_idmap_release(m);
				m->bad_index = i;
				return dup_error(err, what, id);
			}
			slot = (slot + 1) & m->mask;
		}
		m->keys[slot] = id;
		m->vals[slot] = (uint32_t)i;
	}
	return HD_OK;
}
