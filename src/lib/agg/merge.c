/*
 * merge.c - sums profiles the way google/pprof's profile.Merge does, for
 * `heapdoc merge`, several sources on one command line, -base and
 * -diff_base.  Inputs are folded in one at a time (struct hd_merger) and
 * everything kept is copied, so a caller can decode, add and free one
 * profile after another in memory bounded by the merged result plus the
 * largest input.  Keys, header rules and the zero-sample rule follow
 * /work/pprof-src profile/merge.go and internal/driver/fetch.go; the
 * reasoning and the deliberate quirks are in docs/internals/merge.md.  This
 * file does no aggregation into nodes (aggregate.c does) and no I/O.
 */
#include <math.h>
#include <stdio.h>

#include "common.h"
#include "model/model.h"

/* ======================================================================
 * Growable arrays and an index hash table
 * ====================================================================== */

/* Grows *arr (element size `size`) so that it holds at least `need`. */
static bool grow(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 64;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return false;
		ncap *= 2;
	}
	size_t bytes;
	if (hd_mul_overflow(ncap, size, &bytes))
		return false;
	void *n = hd_realloc(*arr, bytes);
	if (!n)
		return false;
	*arr = n;
	*cap = ncap;
	return true;
}

#define GROW(arr, cap, need) grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

/* memcpy that accepts NULL when there is nothing to copy (empty arrays are
 * never allocated here; copy(NULL, ..., 0) is undefined). */
static inline void copy(void *dst, const void *src, size_t n)
{
	if (n)
		memcpy(dst, src, n);
}

/*
 * Open addressing over entity indices: slots hold index + 1 (0 = empty);
 * the hash of each entity is kept beside the entity so that growing the
 * table never recomputes keys.  Capacity is a power of two, load <= 1/2.
 */
struct idxtab {
	uint32_t *slots;
	uint64_t mask;
	uint64_t count;
};

static bool idxtab_reserve(struct idxtab *t, uint64_t want, const uint64_t *hashes)
{
	if (t->slots && (want + 1) * 2 <= t->mask + 1)
		return true;
	uint64_t cap = t->slots ? (t->mask + 1) * 2 : 256;
	while ((want + 1) * 2 > cap)
		cap *= 2;
	if (cap > ((uint64_t)1 << 33))
		return false;
	uint32_t *ns = hd_calloc((size_t)cap, sizeof(*ns));
	if (!ns)
		return false;
	for (uint64_t i = 0; t->slots && i <= t->mask; i++) {
		uint32_t e = t->slots[i];
		if (!e)
			continue;
		uint64_t j = hashes[e - 1] & (cap - 1);
		while (ns[j])
			j = (j + 1) & (cap - 1);
		ns[j] = e;
	}
	hd_free(t->slots);
	t->slots = ns;
	t->mask = cap - 1;
	return true;
}

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
	int64_t *key_slots; /* location key slots (see loc_key_hash) */
	uint8_t *key_set;
	size_t cap_key_slots, cap_key_set;
	uint32_t *tmp_locs;
	size_t cap_tmp_locs;
	struct hd_label *tmp_labels;
	size_t cap_tmp_labels;
	int64_t *tmp_values;
	size_t cap_tmp_values;
	uint32_t *colmap; /* merged type -> input column */
	size_t cap_colmap;

	bool failed; /* an error happened: only free is allowed */
	bool finished;
};

static enum hd_status nomem(struct hd_merger *m, struct hd_error *err)
{
	m->failed = true;
	return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
}

/* Interns s; returns the stored copy, or a NULL-ptr slice on failure. */
static struct hd_str intern(struct hd_merger *m, struct hd_str s)
{
	struct hd_str none = {NULL, 0};
	if (!idxtab_reserve(&m->str_tab, m->n_strs + 1, m->str_hash))
		return none;
	uint64_t h = hd_hash_bytes(s.ptr, s.len, m->seed);
	uint64_t j = h & m->str_tab.mask;
	uint32_t e;
	while ((e = m->str_tab.slots[j])) {
		if (m->str_hash[e - 1] == h && hd_str_eq(m->strs[e - 1], s))
			return m->strs[e - 1];
		j = (j + 1) & m->str_tab.mask;
	}
	if (!GROW(m->strs, m->cap_strs, m->n_strs + 1))
		return none;
	if (!GROW(m->str_hash, m->cap_str_hash, m->n_strs + 1))
		return none;
	struct hd_str c = hd_arena_strdup(m->strings, s);
	if (!c.ptr)
		return none;
	m->strs[m->n_strs] = c;
	m->str_hash[m->n_strs] = h;
	m->str_tab.slots[j] = (uint32_t)++m->n_strs;
	return c;
}

enum hd_status hd_merger_new(struct hd_merger **merger_ret, struct hd_error *err)
{
	if (!merger_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no merger to return");
	struct hd_merger *m = hd_calloc(1, sizeof(*m));
	if (!m)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	m->out = hd_profile_new_empty();
	if (!m->out) {
		hd_free(m);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	m->strings = m->out->arena;
	m->seed = hd_hash_seed();
	*merger_ret = m;
	return HD_OK;
}

void hd_merger_free(struct hd_merger *m)
{
	if (!m)
		return;
	hd_profile_free(m->out); /* NULL once handed over by finish */
	void *arrays[] = {
		m->strs, m->str_hash, m->str_tab.slots, m->types, m->comments,
		m->in_default, m->in_types, m->in_ntypes,
		m->maps, m->map_hash, m->map_tab.slots,
		m->fns, m->fn_hash, m->fn_tab.slots,
		m->locs, m->loc_hash, m->lines, m->loc_tab.slots,
		m->samples, m->sample_hash, m->sample_locs, m->labels, m->values,
		m->sample_tab.slots, m->loc_map, m->fn_map, m->map_map,
		m->key_slots, m->key_set, m->tmp_locs, m->tmp_labels, m->tmp_values,
		m->colmap,
	};
	for (size_t i = 0; i < HD_ARRAY_SIZE(arrays); i++)
		hd_free(arrays[i]);
	hd_free(m);
}

/* ======================================================================
 * Headers and sample types (combineHeaders, CompatibilizeSampleTypes)
 * ====================================================================== */

static void format_types(char *out, size_t cap, const struct hd_value_type *t, uint32_t n)
{
	size_t o = 0;
	out[0] = '\0';
	for (uint32_t i = 0; i < n && o + 1 < cap; i++) {
		int w = snprintf(out + o, cap - o, "%s%.*s/%.*s", i ? " " : "", (int)t[i].type.len,
				 t[i].type.ptr ? t[i].type.ptr : "", (int)t[i].unit.len,
				 t[i].unit.ptr ? t[i].unit.ptr : "");
		if (w < 0)
			break;
		o += (size_t)w;
		if (o >= cap)
			o = cap - 1;
	}
}

static enum hd_status incompatible_types(struct hd_merger *m, const struct hd_profile *p,
					 const char *what, struct hd_error *err)
{
	char a[96], b[96];
	format_types(a, sizeof(a), m->types, m->n_types);
	format_types(b, sizeof(b), p->sample_types, p->n_sample_types);
	m->failed = true;
	return hd_error_set(err, HD_ERR_INCOMPATIBLE, "%s: [%s] and [%s]", what, a, b);
}

/* Index of the sample type named `type` in p, or -1 (searchValueType). */
static int find_type(const struct hd_profile *p, struct hd_str type)
{
	for (uint32_t i = 0; i < p->n_sample_types; i++)
		if (hd_str_eq(p->sample_types[i].type, type))
			return (int)i;
	return -1;
}

/* Drops merged value columns not in keep[] (a sorted list of column indices). */
static void compact_columns(struct hd_merger *m, const uint32_t *keep, uint32_t n_keep)
{
	uint32_t old = m->n_types;
	for (size_t s = 0; s < m->n_samples; s++)
		for (uint32_t k = 0; k < n_keep; k++)
			m->values[s * n_keep + k] = m->values[s * old + keep[k]];
	for (uint32_t k = 0; k < n_keep; k++)
		m->types[k] = m->types[keep[k]];
	m->n_types = n_keep;
}

/*
 * Folds p's header into the merged one and computes colmap (merged column ->
 * p's column).  The intersection of sample types only ever shrinks; a
 * shrink drops merged columns in place.
 */
static enum hd_status add_header(struct hd_merger *m, const struct hd_profile *p,
				 struct hd_error *err)
{
	if (m->n_inputs == 0) {
		m->types = hd_calloc(p->n_sample_types + 1, sizeof(*m->types));
		if (!m->types)
			return nomem(m, err);
		for (uint32_t i = 0; i < p->n_sample_types; i++) {
			m->types[i].type = intern(m, p->sample_types[i].type);
			m->types[i].unit = intern(m, p->sample_types[i].unit);
			if (!m->types[i].type.ptr || !m->types[i].unit.ptr)
				return nomem(m, err);
		}
		m->n_types = p->n_sample_types;
		m->period_type.type = intern(m, p->period_type.type);
		m->period_type.unit = intern(m, p->period_type.unit);
		m->drop_frames = intern(m, p->drop_frames);
		m->keep_frames = intern(m, p->keep_frames);
		if (!m->period_type.type.ptr || !m->period_type.unit.ptr || !m->drop_frames.ptr ||
		    !m->keep_frames.ptr)
			return nomem(m, err);
	} else {
		if (!hd_str_eq(m->period_type.type, p->period_type.type) ||
		    !hd_str_eq(m->period_type.unit, p->period_type.unit)) {
			char a[96], b[96];
			format_types(a, sizeof(a), &m->period_type, 1);
			format_types(b, sizeof(b), &p->period_type, 1);
			m->failed = true;
			return hd_error_set(err, HD_ERR_INCOMPATIBLE,
					    "incompatible period types %s and %s", a, b);
		}
		uint32_t keep[64], n_keep = 0;
		uint32_t *keepv = m->n_types <= 64 ? keep : hd_calloc(m->n_types, sizeof(uint32_t));
		if (!keepv)
			return nomem(m, err);
		for (uint32_t i = 0; i < m->n_types; i++)
			if (find_type(p, m->types[i].type) >= 0)
				keepv[n_keep++] = i;
		if (n_keep == 0) {
			if (keepv != keep)
				hd_free(keepv);
			return incompatible_types(m, p, "profiles have no sample type in common", err);
		}
		if (n_keep < m->n_types)
			compact_columns(m, keepv, n_keep);
		if (keepv != keep)
			hd_free(keepv);
	}
	if (!GROW(m->colmap, m->cap_colmap, m->n_types + 1))
		return nomem(m, err);
	for (uint32_t i = 0; i < m->n_types; i++) {
		int c = find_type(p, m->types[i].type);
		if (!hd_str_eq(p->sample_types[c].unit, m->types[i].unit))
			return incompatible_types(m, p, "incompatible sample types (units differ)", err);
		m->colmap[i] = (uint32_t)c;
	}

	/* combineHeaders, literally: a zero time is replaced by the next one. */
	if (m->time_nanos == 0 || p->time_nanos < m->time_nanos)
		m->time_nanos = p->time_nanos;
	m->duration_nanos += p->duration_nanos;
	if (m->period == 0 || m->period < p->period)
		m->period = p->period;
	for (uint32_t i = 0; i < p->n_comments; i++) {
		struct hd_str c = intern(m, p->comments[i]);
		if (!c.ptr)
			return nomem(m, err);
		bool seen = false;
		for (size_t k = 0; k < m->n_comments && !seen; k++)
			seen = m->comments[k].ptr == c.ptr;
		if (seen)
			continue;
		if (!GROW(m->comments, m->cap_comments, m->n_comments + 1))
			return nomem(m, err);
		m->comments[m->n_comments++] = c;
	}
	if (!m->doc_url.len) {
		m->doc_url = intern(m, p->doc_url);
		if (!m->doc_url.ptr)
			return nomem(m, err);
	}
	/* Remember what finish needs for the default sample type rule. */
	size_t n = m->n_inputs;
	if (!GROW(m->in_default, m->cap_in_default, n + 1) ||
	    !GROW(m->in_ntypes, m->cap_in_ntypes, n + 1) ||
	    !GROW(m->in_types, m->cap_in_types, m->n_in_types + p->n_sample_types + 1))
		return nomem(m, err);
	m->in_default[n] = intern(m, p->default_sample_type);
	if (!m->in_default[n].ptr)
		return nomem(m, err);
	m->in_ntypes[n] = p->n_sample_types;
	for (uint32_t i = 0; i < p->n_sample_types; i++) {
		struct hd_str t = intern(m, p->sample_types[i].type);
		if (!t.ptr)
			return nomem(m, err);
		m->in_types[m->n_in_types++] = t;
	}
	return HD_OK;
}

/*
 * pprof's compatibilizeSampleTypes rewrites an input's default sample type
 * (to its own if common, else the first common type) only when the input's
 * type list differs from the common list; combineHeaders then keeps the
 * first non-empty default.  Replayed here once the final list is known.
 */
static struct hd_str final_default_type(struct hd_merger *m)
{
	size_t off = 0;
	for (size_t i = 0; i < m->n_inputs; i++) {
		struct hd_str *t = m->in_types + off;
		uint32_t n = m->in_ntypes[i];
		off += n;
		struct hd_str d = m->in_default[i];
		bool same = n == m->n_types;
		for (uint32_t k = 0; same && k < n; k++)
			same = t[k].ptr == m->types[k].type.ptr;
		if (!same) {
			struct hd_str nd = m->types[0].type;
			for (uint32_t k = 0; k < m->n_types; k++)
				if (m->types[k].type.ptr == d.ptr)
					nd = d;
			d = nd;
		}
		if (d.len)
			return d;
	}
	struct hd_str empty = {"", 0};
	return empty;
}

/* ======================================================================
 * Mappings, functions, locations (mapMapping, mapFunction, mapLocation)
 * ====================================================================== */

static uint64_t hash_u64s(const uint64_t *v, size_t n, uint64_t seed)
{
	return hd_hash_bytes(v, n * sizeof(*v), seed);
}

/* pprof's mappingKey: size rounded up to 4 KiB, offset, build id or file. */
static void mapping_key(const struct hd_mapping *mp, uint64_t key[3])
{
	uint64_t size = mp->memory_limit - mp->memory_start;
	size = size + 0x1000 - 1;
	size = size - (size % 0x1000);
	key[0] = size;
	key[1] = mp->file_offset;
	/* Interned: the pointer identifies the content. */
	if (mp->build_id.len)
		key[2] = (uint64_t)(uintptr_t)mp->build_id.ptr;
	else if (mp->filename.len)
		key[2] = (uint64_t)(uintptr_t)mp->filename.ptr;
	else
		key[2] = 0;
}

static bool map_mapping(struct hd_merger *m, const struct hd_profile *p, uint32_t src,
			struct mapinfo *ret)
{
	if (src == HD_NONE) {
		ret->merged = HD_NONE;
		ret->offset = 0;
		return true;
	}
	if (m->map_map[src].merged != HD_NONE) {
		*ret = m->map_map[src];
		return true;
	}
	const struct hd_mapping *sm = &p->mappings[src];
	struct hd_mapping c = *sm;
	c.filename = intern(m, sm->filename);
	c.build_id = intern(m, sm->build_id);
	if (!c.filename.ptr || !c.build_id.ptr)
		return false;
	uint64_t key[3], other[3];
	mapping_key(&c, key);
	uint64_t h = hash_u64s(key, 3, m->seed);
	if (!idxtab_reserve(&m->map_tab, m->n_maps + 1, m->map_hash))
		return false;
	uint64_t j = h & m->map_tab.mask;
	uint32_t e;
	while ((e = m->map_tab.slots[j])) {
		if (m->map_hash[e - 1] == h) {
			mapping_key(&m->maps[e - 1], other);
			if (memcmp(key, other, sizeof(key)) == 0) {
				m->map_map[src].merged = e - 1;
				m->map_map[src].offset =
					(int64_t)(m->maps[e - 1].memory_start - sm->memory_start);
				*ret = m->map_map[src];
				return true;
			}
		}
		j = (j + 1) & m->map_tab.mask;
	}
	if (m->n_maps >= HD_NONE - 1 || !GROW(m->maps, m->cap_maps, m->n_maps + 1) ||
	    !GROW(m->map_hash, m->cap_map_hash, m->n_maps + 1))
		return false;
	c.id = m->n_maps + 1;
	m->maps[m->n_maps] = c;
	m->map_hash[m->n_maps] = h;
	m->map_tab.slots[j] = (uint32_t)++m->n_maps;
	m->map_map[src].merged = (uint32_t)(m->n_maps - 1);
	m->map_map[src].offset = 0;
	*ret = m->map_map[src];
	return true;
}

/* Merged index of p's function `src`, HD_NONE for none; false on failure. */
static bool map_function(struct hd_merger *m, const struct hd_profile *p, uint32_t src,
			 uint32_t *ret)
{
	if (src == HD_NONE) {
		*ret = HD_NONE;
		return true;
	}
	if (m->fn_map[src] != HD_NONE) {
		*ret = m->fn_map[src];
		return true;
	}
	const struct hd_function *sf = &p->functions[src];
	struct hd_function c = *sf;
	c.name = intern(m, sf->name);
	c.system_name = intern(m, sf->system_name);
	c.filename = intern(m, sf->filename);
	if (!c.name.ptr || !c.system_name.ptr || !c.filename.ptr)
		return false;
	uint64_t key[4] = {(uint64_t)c.start_line, (uint64_t)(uintptr_t)c.name.ptr,
			   (uint64_t)(uintptr_t)c.system_name.ptr, (uint64_t)(uintptr_t)c.filename.ptr};
	uint64_t h = hash_u64s(key, 4, m->seed);
	if (!idxtab_reserve(&m->fn_tab, m->n_fns + 1, m->fn_hash))
		return false;
	uint64_t j = h & m->fn_tab.mask;
	uint32_t e;
	while ((e = m->fn_tab.slots[j])) {
		const struct hd_function *o = &m->fns[e - 1];
		if (m->fn_hash[e - 1] == h && o->start_line == c.start_line &&
		    o->name.ptr == c.name.ptr && o->system_name.ptr == c.system_name.ptr &&
		    o->filename.ptr == c.filename.ptr) {
			*ret = m->fn_map[src] = e - 1;
			return true;
		}
		j = (j + 1) & m->fn_tab.mask;
	}
	if (m->n_fns >= HD_NONE - 1 || !GROW(m->fns, m->cap_fns, m->n_fns + 1) ||
	    !GROW(m->fn_hash, m->cap_fn_hash, m->n_fns + 1))
		return false;
	c.id = m->n_fns + 1;
	m->fns[m->n_fns] = c;
	m->fn_hash[m->n_fns] = h;
	m->fn_tab.slots[j] = (uint32_t)++m->n_fns;
	*ret = m->fn_map[src] = (uint32_t)(m->n_fns - 1);
	return true;
}

/*
 * pprof's locationKey, including its quirk: the line part is a list of
 * 3 * n_lines strings filled at [2i], [2i+1], [2i+2] for line i, so line
 * i+1's function overwrites line i's column and the last n-1 slots stay
 * empty.  Slots are encoded as (set, value) pairs; merged function ids are
 * index + 1.  Writes 3 + 6 * n_lines words to key; returns the count.
 */
static size_t location_key(const struct hd_merger *m, uint32_t mapping, uint64_t address,
			   bool folded, const struct hd_line *lines, uint32_t n_lines,
			   int64_t *key)
{
	key[0] = (int64_t)(mapping == HD_NONE ? address : address - m->maps[mapping].memory_start);
	key[1] = mapping == HD_NONE ? 0 : (int64_t)mapping + 1;
	key[2] = folded;
	int64_t *slot = key + 3;
	size_t n_slots = (size_t)n_lines * 3;
	memset(slot, 0, n_slots * 2 * sizeof(*slot));
	for (uint32_t i = 0; i < n_lines; i++) {
		size_t b = (size_t)i * 2;
		if (lines[i].function != HD_NONE) {
			slot[b * 2] = 1;
			slot[b * 2 + 1] = (int64_t)lines[i].function + 1;
		}
		slot[(b + 1) * 2] = 1;
		slot[(b + 1) * 2 + 1] = lines[i].line;
		slot[(b + 2) * 2] = 1;
		slot[(b + 2) * 2 + 1] = lines[i].column;
	}
	return 3 + n_slots * 2;
}

static bool map_location(struct hd_merger *m, const struct hd_profile *p, uint32_t src,
			 uint32_t *ret)
{
	if (m->loc_map[src] != HD_NONE) {
		*ret = m->loc_map[src];
		return true;
	}
	const struct hd_location *sl = &p->locations[src];
	struct mapinfo mi;
	if (!map_mapping(m, p, sl->mapping, &mi))
		return false;
	/* The new location's lines go at the end of m->lines; they are kept
	 * only if the location turns out to be new. */
	if (m->n_lines + sl->n_lines >= UINT32_MAX ||
	    !GROW(m->lines, m->cap_lines, m->n_lines + sl->n_lines + 1))
		return false;
	struct hd_line *nl = m->lines + m->n_lines;
	for (uint32_t i = 0; i < sl->n_lines; i++) {
		const struct hd_line *ln = &p->lines[sl->first_line + i];
		nl[i] = *ln;
		if (!map_function(m, p, ln->function, &nl[i].function))
			return false;
	}
	uint64_t address = (uint64_t)((int64_t)sl->address + mi.offset);
	size_t words = 3 + (size_t)sl->n_lines * 6;
	if (!GROW(m->key_slots, m->cap_key_slots, words * 2))
		return false;
	int64_t *key = m->key_slots, *other = m->key_slots + words;
	location_key(m, mi.merged, address, sl->is_folded, nl, sl->n_lines, key);
	uint64_t h = hd_hash_bytes(key, words * sizeof(*key), m->seed);
	if (!idxtab_reserve(&m->loc_tab, m->n_locs + 1, m->loc_hash))
		return false;
	uint64_t j = h & m->loc_tab.mask;
	uint32_t e;
	while ((e = m->loc_tab.slots[j])) {
		const struct hd_location *o = &m->locs[e - 1];
		if (m->loc_hash[e - 1] == h && o->n_lines == sl->n_lines) {
			location_key(m, o->mapping, o->address, o->is_folded,
				     m->lines + o->first_line, o->n_lines, other);
			if (memcmp(key, other, words * sizeof(*key)) == 0) {
				*ret = m->loc_map[src] = e - 1;
				return true;
			}
		}
		j = (j + 1) & m->loc_tab.mask;
	}
	if (m->n_locs >= HD_NONE - 1 || !GROW(m->locs, m->cap_locs, m->n_locs + 1) ||
	    !GROW(m->loc_hash, m->cap_loc_hash, m->n_locs + 1))
		return false;
	struct hd_location *l = &m->locs[m->n_locs];
	l->id = m->n_locs + 1;
	l->address = address;
	l->mapping = mi.merged;
	l->first_line = (uint32_t)m->n_lines;
	l->n_lines = sl->n_lines;
	l->is_folded = sl->is_folded;
	m->n_lines += sl->n_lines;
	m->loc_hash[m->n_locs] = h;
	m->loc_tab.slots[j] = (uint32_t)++m->n_locs;
	*ret = m->loc_map[src] = (uint32_t)(m->n_locs - 1);
	return true;
}

/* ======================================================================
 * Samples (mapSample, sampleKey, Scale/ScaleN, SetLabel)
 * ====================================================================== */

static bool label_before(const struct hd_label *a, const struct hd_label *b)
{
	if (a->is_num != b->is_num)
		return !a->is_num;
	return hd_str_cmp(a->key, b->key) < 0;
}

/*
 * The sample's labels, interned, in the order of pprof's sampleKey and
 * encoder: string labels by key, then numeric labels by key, values of one
 * key in their original order.  With diff_base, pprof::base=true replaces
 * any pprof::base string label (Profile.SetLabel).  Returns the count, or
 * -1 when out of memory.
 */
static long canonical_labels(struct hd_merger *m, const struct hd_profile *p,
			     const struct hd_sample *s, bool diff_base)
{
	if (!GROW(m->tmp_labels, m->cap_tmp_labels, (size_t)s->n_labels + 1))
		return -1;
	struct hd_label *t = m->tmp_labels;
	size_t n = 0;
	static const struct hd_str base_key = {"pprof::base", 11};
	for (uint32_t i = 0; i < s->n_labels; i++) {
		const struct hd_label *l = &p->labels[s->first_label + i];
		if (diff_base && !l->is_num && hd_str_eq(l->key, base_key))
			continue;
		struct hd_label c = *l;
		c.key = intern(m, l->key);
		if (c.is_num) {
			c.str = hd_str_c("");
			c.num_unit = intern(m, l->num_unit);
		} else {
			c.str = intern(m, l->str);
			c.num = 0;
			c.num_unit = hd_str_c("");
		}
		if (!c.key.ptr || (c.is_num ? !c.num_unit.ptr : !c.str.ptr))
			return -1;
		t[n++] = c;
	}
	if (diff_base) {
		struct hd_label b = {0};
		b.key = intern(m, base_key);
		b.str = intern(m, hd_str_c("true"));
		b.num_unit = hd_str_c("");
		if (!b.key.ptr || !b.str.ptr)
			return -1;
		t[n++] = b;
	}
	for (size_t i = 1; i < n; i++) {
		struct hd_label x = t[i];
		size_t j = i;
		while (j > 0 && label_before(&x, &t[j - 1])) {
			t[j] = t[j - 1];
			j--;
		}
		t[j] = x;
	}
	return (long)n;
}

static uint64_t sample_hash(const struct hd_merger *m, const uint32_t *locs, uint32_t n_locs,
			    const struct hd_label *labels, size_t n_labels)
{
	uint64_t h = hd_hash_bytes(locs, (size_t)n_locs * sizeof(*locs), m->seed);
	for (size_t i = 0; i < n_labels; i++) {
		const struct hd_label *l = &labels[i];
		uint64_t w[5] = {h, (uint64_t)(uintptr_t)l->key.ptr, l->is_num,
				 l->is_num ? (uint64_t)l->num : (uint64_t)(uintptr_t)l->str.ptr,
				 (uint64_t)(uintptr_t)l->num_unit.ptr};
		h = hash_u64s(w, 5, m->seed);
	}
	return h;
}

static bool labels_equal(const struct hd_label *a, const struct hd_label *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i].key.ptr != b[i].key.ptr || a[i].is_num != b[i].is_num)
			return false;
		if (a[i].is_num ? (a[i].num != b[i].num || a[i].num_unit.ptr != b[i].num_unit.ptr)
				: a[i].str.ptr != b[i].str.ptr)
			return false;
	}
	return true;
}

/* math.Round(v * ratio) converted to int64, saturating where Go's
 * conversion would be undefined. */
static int64_t scale_value(int64_t v, double ratio)
{
	double r = round((double)v * ratio);
	if (!(r == r))
		return 0;
	if (r >= 9223372036854775807.0)
		return INT64_MAX;
	if (r <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)r;
}

static enum hd_status add_samples(struct hd_merger *m, const struct hd_merge_input *in,
				  const uint8_t *keep, struct hd_error *err)
{
	const struct hd_profile *p = in->profile;
	uint32_t nt = p->n_sample_types, mt = m->n_types;
	bool scaled = false;
	for (uint32_t i = 0; i < nt; i++)
		if ((in->scales ? in->scales[i] : in->scale) != 1)
			scaled = true;
	if (!GROW(m->tmp_values, m->cap_tmp_values, (size_t)nt + mt + 1))
		return nomem(m, err);
	int64_t *v = m->tmp_values, *mv = m->tmp_values + nt;

	for (uint64_t si = 0; si < p->n_samples; si++) {
		if (keep && !keep[si])
			continue;
		const int64_t *src = p->values + si * nt;
		if (scaled) {
			/* ScaleN keeps a sample only if a value it scaled is non-zero. */
			bool nonzero = false;
			for (uint32_t i = 0; i < nt; i++) {
				double r = in->scales ? in->scales[i] : in->scale;
				if (r != 1) {
					v[i] = scale_value(src[i], r);
					nonzero = nonzero || v[i] != 0;
				} else {
					v[i] = src[i];
				}
			}
			if (!nonzero)
				continue;
		} else {
			copy(v, src, (size_t)nt * sizeof(*v));
		}
		bool zero = true;
		for (uint32_t k = 0; k < mt; k++) {
			mv[k] = v[m->colmap[k]];
			zero = zero && mv[k] == 0;
		}
		if (zero) /* isZeroSample: Merge skips it */
			continue;

		const struct hd_sample *s = &p->samples[si];
		if (!GROW(m->tmp_locs, m->cap_tmp_locs, (size_t)s->n_locs + 1))
			return nomem(m, err);
		for (uint32_t k = 0; k < s->n_locs; k++)
			if (!map_location(m, p, p->sample_locs[s->first_loc + k], &m->tmp_locs[k]))
				return nomem(m, err);
		long nl = canonical_labels(m, p, s, in->diff_base);
		if (nl < 0)
			return nomem(m, err);
		uint64_t h = sample_hash(m, m->tmp_locs, s->n_locs, m->tmp_labels, (size_t)nl);
		if (!idxtab_reserve(&m->sample_tab, m->n_samples + 1, m->sample_hash))
			return nomem(m, err);
		uint64_t j = h & m->sample_tab.mask;
		uint32_t e;
		bool found = false;
		while ((e = m->sample_tab.slots[j])) {
			const struct msample *o = &m->samples[e - 1];
			if (m->sample_hash[e - 1] == h && o->n_locs == s->n_locs &&
			    o->n_labels == (uint32_t)nl &&
			    (s->n_locs == 0 ||
			     memcmp(m->sample_locs + o->first_loc, m->tmp_locs,
				    (size_t)s->n_locs * sizeof(uint32_t)) == 0) &&
			    labels_equal(m->labels + o->first_label, m->tmp_labels, (size_t)nl)) {
				found = true;
				break;
			}
			j = (j + 1) & m->sample_tab.mask;
		}
		if (found) {
			int64_t *dst = m->values + (size_t)(e - 1) * mt;
			for (uint32_t k = 0; k < mt; k++)
				dst[k] = (int64_t)((uint64_t)dst[k] + (uint64_t)mv[k]);
			continue;
		}
		if (m->n_samples >= UINT32_MAX - 1 ||
		    !GROW(m->samples, m->cap_samples, m->n_samples + 1) ||
		    !GROW(m->sample_hash, m->cap_sample_hash, m->n_samples + 1) ||
		    !GROW(m->sample_locs, m->cap_sample_locs, m->n_sample_locs + s->n_locs + 1) ||
		    !GROW(m->labels, m->cap_labels, m->n_labels + (size_t)nl + 1) ||
		    !GROW(m->values, m->cap_values, (m->n_samples + 1) * (mt ? mt : 1)))
			return nomem(m, err);
		struct msample *ns = &m->samples[m->n_samples];
		ns->first_loc = m->n_sample_locs;
		ns->n_locs = s->n_locs;
		ns->first_label = m->n_labels;
		ns->n_labels = (uint32_t)nl;
		copy(m->sample_locs + m->n_sample_locs, m->tmp_locs,
		       (size_t)s->n_locs * sizeof(uint32_t));
		m->n_sample_locs += s->n_locs;
		copy(m->labels + m->n_labels, m->tmp_labels, (size_t)nl * sizeof(struct hd_label));
		m->n_labels += (size_t)nl;
		copy(m->values + m->n_samples * mt, mv, (size_t)mt * sizeof(int64_t));
		m->sample_hash[m->n_samples] = h;
		m->sample_tab.slots[j] = (uint32_t)++m->n_samples;
	}
	return HD_OK;
}

static enum hd_status merger_add(struct hd_merger *m, const struct hd_merge_input *in,
				 const uint8_t *keep, struct hd_error *err)
{
	if (!m || !in || !in->profile)
		return hd_error_set(err, HD_ERR_USAGE, "no profile to merge");
	if (m->failed || m->finished)
		return hd_error_set(err, HD_ERR_USAGE, "merger already failed or finished");
	const struct hd_profile *p = in->profile;
	for (uint32_t i = 0; i < p->n_sample_types; i++) {
		double r = in->scales ? in->scales[i] : in->scale;
		if (!isfinite(r))
			return hd_error_set(err, HD_ERR_USAGE, "scale factor is not a finite number");
	}
	if (p->n_sample_types == 0)
		return hd_error_set(err, HD_ERR_INCOMPATIBLE, "profile has no sample types");
	enum hd_status st = add_header(m, p, err);
	if (st != HD_OK)
		return st;
	/* Per-input memo tables (pprof clears them per source). */
	if (!GROW(m->loc_map, m->cap_loc_map, (size_t)p->n_locations + 1) ||
	    !GROW(m->fn_map, m->cap_fn_map, (size_t)p->n_functions + 1) ||
	    !GROW(m->map_map, m->cap_map_map, (size_t)p->n_mappings + 1))
		return nomem(m, err);
	memset(m->loc_map, 0xff, (size_t)p->n_locations * sizeof(*m->loc_map));
	memset(m->fn_map, 0xff, (size_t)p->n_functions * sizeof(*m->fn_map));
	for (uint32_t i = 0; i < p->n_mappings; i++)
		m->map_map[i].merged = HD_NONE;
	m->n_inputs++;
	/* The first mapping stands for the main binary: pprof maps it first. */
	if (m->n_maps == 0 && p->n_mappings > 0) {
		struct mapinfo mi;
		if (!map_mapping(m, p, 0, &mi))
			return nomem(m, err);
	}
	return add_samples(m, in, keep, err);
}

enum hd_status hd_merger_add(struct hd_merger *m, const struct hd_merge_input *in,
			     struct hd_error *err)
{
	return merger_add(m, in, NULL, err);
}

enum hd_status hd_profile_select(const struct hd_profile *profile, const uint8_t *keep,
				 struct hd_profile **selected_ret, struct hd_error *err)
{
	if (!profile || !keep || !selected_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no profile to select from");
	struct hd_merger *m;
	enum hd_status st = hd_merger_new(&m, err);
	if (st != HD_OK)
		return st;
	struct hd_merge_input in = {profile, 1, NULL, false};
	st = merger_add(m, &in, keep, err);
	if (st == HD_OK)
		st = hd_merger_finish(m, selected_ret, err);
	hd_merger_free(m);
	return st;
}

/* ======================================================================
 * Finish: drop zero sums, compact, hand over the profile
 * ====================================================================== */

/*
 * Samples whose sums are all zero are dropped, and with them whatever only
 * they referenced (pprof re-merges the result for that).  Entities are
 * renumbered in order of first use by the kept samples, the first mapping
 * first - the order pprof's Merge produces.
 */
enum hd_status hd_merger_finish(struct hd_merger *m, struct hd_profile **merged_ret,
				struct hd_error *err)
{
	if (!m || !merged_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no merger");
	if (m->failed || m->finished)
		return hd_error_set(err, HD_ERR_USAGE, "merger already failed or finished");
	if (m->n_inputs == 0)
		return hd_error_set(err, HD_ERR_USAGE, "no profiles to merge");
	m->finished = true;
	struct hd_profile *p = m->out;
	struct hd_arena *a = p->arena;
	uint32_t mt = m->n_types;

	uint64_t n_samples = 0, n_sample_locs = 0, n_labels = 0;
	for (size_t s = 0; s < m->n_samples; s++) {
		const int64_t *v = m->values + s * mt;
		bool zero = true;
		for (uint32_t k = 0; k < mt && zero; k++)
			zero = v[k] == 0;
		if (zero) {
			m->samples[s].n_locs = UINT32_MAX; /* mark dropped */
			continue;
		}
		n_samples++;
		n_sample_locs += m->samples[s].n_locs;
		n_labels += m->samples[s].n_labels;
	}
	/* Reuse the per-input memo arrays as old -> new index maps. */
	if (!GROW(m->loc_map, m->cap_loc_map, m->n_locs + 1) ||
	    !GROW(m->fn_map, m->cap_fn_map, m->n_fns + 1) ||
	    !GROW(m->map_map, m->cap_map_map, m->n_maps + 1))
		return nomem(m, err);
	memset(m->loc_map, 0xff, m->n_locs * sizeof(*m->loc_map));
	memset(m->fn_map, 0xff, m->n_fns * sizeof(*m->fn_map));
	for (size_t i = 0; i < m->n_maps; i++)
		m->map_map[i].merged = HD_NONE;

	p->samples = hd_arena_calloc(a, n_samples + 1, sizeof(*p->samples));
	p->values = hd_arena_calloc(a, n_samples * mt + 1, sizeof(*p->values));
	p->sample_locs = hd_arena_calloc(a, n_sample_locs + 1, sizeof(*p->sample_locs));
	p->labels = hd_arena_calloc(a, n_labels + 1, sizeof(*p->labels));
	p->locations = hd_arena_calloc(a, m->n_locs + 1, sizeof(*p->locations));
	p->lines = hd_arena_calloc(a, m->n_lines + 1, sizeof(*p->lines));
	p->functions = hd_arena_calloc(a, m->n_fns + 1, sizeof(*p->functions));
	p->mappings = hd_arena_calloc(a, m->n_maps + 1, sizeof(*p->mappings));
	p->sample_types = hd_arena_calloc(a, mt + 1, sizeof(*p->sample_types));
	p->comments = hd_arena_calloc(a, m->n_comments + 1, sizeof(*p->comments));
	if (hd_arena_failed(a))
		return nomem(m, err);

	uint32_t n_maps = 0, n_fns = 0, n_locs = 0, n_lines = 0;
	if (m->n_maps > 0) {
		m->map_map[0].merged = n_maps;
		p->mappings[n_maps] = m->maps[0];
		p->mappings[n_maps].id = n_maps + 1;
		n_maps++;
	}
	uint64_t os = 0, ol = 0, olab = 0;
	for (size_t s = 0; s < m->n_samples; s++) {
		const struct msample *ms = &m->samples[s];
		if (ms->n_locs == UINT32_MAX)
			continue;
		struct hd_sample *d = &p->samples[os];
		d->first_loc = ol;
		d->n_locs = ms->n_locs;
		d->first_label = olab;
		d->n_labels = ms->n_labels;
		for (uint32_t k = 0; k < ms->n_locs; k++) {
			uint32_t li = m->sample_locs[ms->first_loc + k];
			if (m->loc_map[li] == HD_NONE) {
				const struct hd_location *sl = &m->locs[li];
				struct hd_location *dl = &p->locations[n_locs];
				*dl = *sl;
				dl->id = n_locs + 1;
				if (sl->mapping != HD_NONE) {
					if (m->map_map[sl->mapping].merged == HD_NONE) {
						m->map_map[sl->mapping].merged = n_maps;
						p->mappings[n_maps] = m->maps[sl->mapping];
						p->mappings[n_maps].id = n_maps + 1;
						n_maps++;
					}
					dl->mapping = m->map_map[sl->mapping].merged;
				}
				dl->first_line = n_lines;
				for (uint32_t i = 0; i < sl->n_lines; i++) {
					struct hd_line ln = m->lines[sl->first_line + i];
					if (ln.function != HD_NONE) {
						if (m->fn_map[ln.function] == HD_NONE) {
							p->functions[n_fns] = m->fns[ln.function];
							p->functions[n_fns].id = n_fns + 1;
							m->fn_map[ln.function] = n_fns++;
						}
						ln.function = m->fn_map[ln.function];
					}
					p->lines[n_lines++] = ln;
				}
				m->loc_map[li] = n_locs++;
			}
			p->sample_locs[ol++] = m->loc_map[li];
		}
		copy(p->labels + olab, m->labels + ms->first_label,
		       (size_t)ms->n_labels * sizeof(struct hd_label));
		olab += ms->n_labels;
		copy(p->values + os * mt, m->values + s * mt, (size_t)mt * sizeof(int64_t));
		os++;
	}
	p->n_samples = n_samples;
	p->n_sample_locs = n_sample_locs;
	p->n_labels = n_labels;
	p->n_locations = n_locs;
	p->n_lines = n_lines;
	p->n_functions = n_fns;
	p->n_mappings = n_maps;
	copy(p->sample_types, m->types, (size_t)mt * sizeof(*m->types));
	p->n_sample_types = mt;
	copy(p->comments, m->comments, m->n_comments * sizeof(*m->comments));
	p->n_comments = (uint32_t)m->n_comments;
	p->period_type = m->period_type;
	p->period = m->period;
	p->time_nanos = m->time_nanos;
	p->duration_nanos = m->duration_nanos;
	p->drop_frames = m->drop_frames;
	p->keep_frames = m->keep_frames;
	p->default_sample_type = final_default_type(m);
	p->doc_url = m->doc_url;
	p->format = HD_FORMAT_BUILT;
	m->out = NULL;
	*merged_ret = p;
	return HD_OK;
}

enum hd_status hd_profile_merge(const struct hd_merge_input *inputs, size_t n,
				struct hd_profile **merged_ret, struct hd_error *err)
{
	if (!inputs || n == 0 || !merged_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no profiles to merge");
	struct hd_merger *m;
	enum hd_status st = hd_merger_new(&m, err);
	if (st != HD_OK)
		return st;
	for (size_t i = 0; i < n && st == HD_OK; i++)
		st = hd_merger_add(m, &inputs[i], err);
	if (st == HD_OK)
		st = hd_merger_finish(m, merged_ret, err);
	hd_merger_free(m);
	return st;
}

/* ======================================================================
 * Normalize
 * ====================================================================== */

enum hd_status hd_profile_normalize_scales(const struct hd_profile *source,
					   const struct hd_profile *base, double *scales_ret,
					   struct hd_error *err)
{
	if (!source || !base || !scales_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no profile to normalize");
	/* pprof's compatible(): same period type, same sample types in order. */
	bool ok = hd_str_eq(source->period_type.type, base->period_type.type) &&
		  hd_str_eq(source->period_type.unit, base->period_type.unit) &&
		  source->n_sample_types == base->n_sample_types;
	for (uint32_t i = 0; ok && i < source->n_sample_types; i++)
		ok = hd_str_eq(source->sample_types[i].type, base->sample_types[i].type) &&
		     hd_str_eq(source->sample_types[i].unit, base->sample_types[i].unit);
	if (!ok) {
		char a[96], b[96];
		format_types(a, sizeof(a), source->sample_types, source->n_sample_types);
		format_types(b, sizeof(b), base->sample_types, base->n_sample_types);
		return hd_error_set(err, HD_ERR_INCOMPATIBLE,
				    "cannot normalize: incompatible profiles [%s] and [%s]", a, b);
	}
	uint32_t nt = source->n_sample_types;
	for (uint32_t i = 0; i < nt; i++) {
		/* Wrapping int64 sums, as Go's. */
		uint64_t bs = 0, ss = 0;
		for (uint64_t s = 0; s < base->n_samples; s++)
			bs += (uint64_t)base->values[s * nt + i];
		for (uint64_t s = 0; s < source->n_samples; s++)
			ss += (uint64_t)source->values[s * nt + i];
		scales_ret[i] = ss == 0 ? 0.0 : (double)(int64_t)bs / (double)(int64_t)ss;
	}
	return HD_OK;
}
