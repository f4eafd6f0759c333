/*
 * merge.h - the state of an hd_merger, shared by merge.c (lifecycle,
 * headers and sample types, finish, normalize) and merge_keys.c (pprof's
 * mapping, function, location and sample keys; folding samples in).
 * Private to src/lib/agg; the public API is in include/heapdoc/heapdoc.h
 * and the semantics in docs/internals/merge.md.
 */
#ifndef HD_MERGE_H
#define HD_MERGE_H

#include "common.h"

/* ======================================================================
 * Growable arrays and an index hash table
 * ====================================================================== */

/* Grows *arr (element size `size`) so that it holds at least `need`. */

#define GROW(arr, cap, need) \
	((size_t)(need) <= (cap) || hd_grow_array((void **)&(arr), &(cap), (need), sizeof(*(arr))))

/* memcpy that accepts NULL when there is nothing to copy (empty arrays are
 * never allocated here; copy(NULL, ..., 0) is undefined). */
static inline void copy(void *dst, const void *src, size_t n)
{
	if (n)
		memcpy(dst, src, n);
}

/*
 * Open addressing over entity indices: a slot holds index + 1 in its low 32
 * bits (0 = empty) and the high 32 bits of the entity's hash above, so a
 * probe rejects most mismatches without touching the entity arrays (one
 * cache miss less per probe).  The full hash of each entity is kept beside
 * the entity so that growing the table never recomputes keys.  Capacity
 * is a power of two, load <= 1/2.
 */
struct idxtab {
	uint64_t *slots;
	uint64_t mask;
	uint64_t count;
};

/* Makes room for `want` entries; `hashes` are the entities' hashes. */
bool hd_merge_idxtab_reserve(struct idxtab *t, uint64_t want, const uint64_t *hashes);

/* ======================================================================
 * The merger's state
 * ====================================================================== */

/* A merged sample: its locations, labels and values live in side arrays. */
struct msample {
	uint64_t first_loc;
	uint64_t first_label;
	uint32_t n_locs;
	uint32_t n_labels;
};

/* Per-input memo of a mapping: merged index and address offset. */
struct mapinfo {
	uint32_t merged; /* HD_NONE = not seen yet in this input */
	int64_t offset;
};

/* A string of the current input and its interned copy (hd_merge_intern_input). */
struct strmemo {
	const char *ptr;
	size_t len;
	struct hd_str out;
	uint32_t gen;
};

struct hd_merger {
	/* The result, created up front so that interned strings live in its
	 * arena and need no copy at the end. */
	struct hd_profile *out;
	/* interned strings: equal content <=> equal pointer */
	struct hd_arena *strings; /* = out->arena */
	struct hd_str *strs;
	uint64_t *str_hash;
	size_t n_strs, cap_strs, cap_str_hash;
	struct idxtab str_tab;
	uint64_t seed;

	/* header */
	size_t n_inputs;
	struct hd_value_type *types; /* current intersection, first input's order */
	uint32_t n_types;
	struct hd_value_type period_type;
	int64_t period, time_nanos, duration_nanos;
	struct hd_str drop_frames, keep_frames, default_sample_type, doc_url;
	struct hd_str *comments;
	size_t n_comments, cap_comments;
	/* per input, for pprof's default_sample_type rule (see finish) */
	struct hd_str *in_default;
	struct hd_str *in_types; /* n_in_types[i] names each */
	uint32_t *in_ntypes;
	size_t cap_in_default, cap_in_types, n_in_types, cap_in_ntypes;

	/* mappings */
	struct hd_mapping *maps;
	uint64_t *map_hash;
	size_t n_maps, cap_maps, cap_map_hash;
	struct idxtab map_tab;

	/* functions */
	struct hd_function *fns;
	uint64_t *fn_hash;
	size_t n_fns, cap_fns, cap_fn_hash;
	struct idxtab fn_tab;

	/* locations and their lines (function = merged function index) */
	struct hd_location *locs;
	uint64_t *loc_hash;
	size_t n_locs, cap_locs, cap_loc_hash;
	struct hd_line *lines;
	size_t n_lines, cap_lines;
	/* their keys (location_key), so a lookup compares without rebuilding
	 * one: location i's starts at word 3 * i + 6 * locs[i].first_line */
	int64_t *loc_keys;
	size_t cap_loc_keys;
	struct idxtab loc_tab;

	/* samples */
	struct msample *samples;
	uint64_t *sample_hash;
	size_t n_samples, cap_samples, cap_sample_hash;
	uint32_t *sample_locs;
	size_t n_sample_locs, cap_sample_locs;
	struct hd_label *labels; /* canonical order, interned strings */
	size_t n_labels, cap_labels;
	int64_t *values; /* n_samples * n_types */
	size_t cap_values;
	struct idxtab sample_tab;

	/* per-input scratch, sized to the largest input seen */
	uint32_t *loc_map, *fn_map;
	struct mapinfo *map_map;
	size_t cap_loc_map, cap_fn_map, cap_map_map;
	int64_t *key_slots; /* the keys of a batch of locations (location_key) */
	size_t cap_key_slots;
	struct hd_line *tmp_lines; /* a batch of locations' lines, merged functions */
	size_t cap_tmp_lines;
	uint32_t *pend; /* input locations of a batch to map, first use first */
	size_t cap_pend;
	uint32_t *tmp_locs;
	size_t cap_tmp_locs;
	struct hd_label *tmp_labels;
	size_t cap_tmp_labels;
	int64_t *tmp_values;
	size_t cap_tmp_values;
	uint32_t *colmap; /* merged type -> input column */
	size_t cap_colmap;

	/* strings of the current input already interned, by their (ptr,
	 * len) in the input; valid for entries of generation memo_gen */
	struct strmemo *memo;
	uint32_t memo_gen;

	bool failed; /* an error happened: only free is allowed */
	bool finished;
};

enum hd_status hd_merge_nomem(struct hd_merger *m, struct hd_error *err);
/* Interns s (equal content <=> equal pointer, in the result's arena);
 * a slice with a NULL ptr when out of memory. */
struct hd_str hd_merge_intern(struct hd_merger *m, struct hd_str s);
/* hd_merge_intern() of a string of the input being added: a string of an
 * input is one slice of its string table however often it is used, so a
 * direct-mapped memo by (ptr, len), cleared per input, answers most calls
 * without hashing the bytes.  The miss path: */
struct hd_str hd_merge_intern_input_slow(struct hd_merger *m, struct hd_str s,
					 struct strmemo *e);

#define HD_MERGE_MEMO_BITS 10

/* Inline: called for every label of every sample.  The memo slot is
 * chosen by the string's address and length. */
static inline struct hd_str hd_merge_intern_input(struct hd_merger *m, struct hd_str s)
{
	uint64_t k = ((uint64_t)(uintptr_t)s.ptr ^ ((uint64_t)s.len << 48)) * 0x9e3779b97f4a7c15ull;
	struct strmemo *e = &m->memo[k >> (64 - HD_MERGE_MEMO_BITS)];
	if (e->gen == m->memo_gen && e->ptr == s.ptr && e->len == s.len)
		return e->out;
	return hd_merge_intern_input_slow(m, s, e);
}
/* Merged index and address offset of p's mapping `src` (pprof's
 * mapMapping); false when out of memory. */
bool hd_merge_map_mapping(struct hd_merger *m, const struct hd_profile *p, uint32_t src,
			  struct mapinfo *ret);
/* hd_merger_add() restricted to the samples whose keep[] flag is set
 * (keep NULL: all), for hd_profile_select(). */
enum hd_status hd_merge_add_keep(struct hd_merger *m, const struct hd_merge_input *in,
				 const uint8_t *keep, struct hd_error *err);
/* Folds the samples of in->profile (only those with keep[i] set, when keep
 * is not NULL) into m; add_header() has computed m->colmap. */
enum hd_status hd_merge_add_samples(struct hd_merger *m, const struct hd_merge_input *in,
				    const uint8_t *keep, struct hd_error *err);

/* Test hook of merge_load.c: threads start when the input bytes after the
 * first are estimated at `bytes` or more (default 1 MiB; 0 = always when
 * hd_threads() allows).  Set it before creating loaders. */
void hd_loader_set_parallel_min(uint64_t bytes);

#endif /* HD_MERGE_H */
