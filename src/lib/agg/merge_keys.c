/*
 * merge_keys.c - pprof's identity rules for merging (profile/merge.go):
 * mappings by rounded size, offset and build id or file; functions by name,
 * system name, file and start line; locations by address relative to the
 * mapping, mapping, lines and is_folded (with pprof's slot quirk); samples
 * by merged locations and canonical labels.  Folds one input's samples
 * into an hd_merger, applying Scale/ScaleN and the pprof::base label.  The
 * merger's lifecycle and headers are merge.c's; docs/internals/merge.md.
 */
#include <math.h>

#include "merge.h"

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

bool hd_merge_map_mapping(struct hd_merger *m, const struct hd_profile *p, uint32_t src,
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
	c.filename = hd_merge_intern_input(m, sm->filename);
	c.build_id = hd_merge_intern_input(m, sm->build_id);
	if (!c.filename.ptr || !c.build_id.ptr)
		return false;
	uint64_t key[3], other[3];
	mapping_key(&c, key);
	uint64_t h = hash_u64s(key, 3, m->seed);
	if (!hd_merge_idxtab_reserve(&m->map_tab, m->n_maps + 1, m->map_hash))
		return false;
	uint64_t j = h & m->map_tab.mask;
	uint64_t se;
	uint32_t e;
	while ((se = m->map_tab.slots[j])) {
		e = (uint32_t)se;
		if ((se >> 32) != (h >> 32)) {
			j = (j + 1) & m->map_tab.mask;
			continue;
		}
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
	m->map_tab.slots[j] = (h & 0xffffffff00000000ull) | (uint32_t)++m->n_maps;
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
	c.name = hd_merge_intern_input(m, sf->name);
	c.system_name = hd_merge_intern_input(m, sf->system_name);
	c.filename = hd_merge_intern_input(m, sf->filename);
	if (!c.name.ptr || !c.system_name.ptr || !c.filename.ptr)
		return false;
	uint64_t key[4] = {(uint64_t)c.start_line, (uint64_t)(uintptr_t)c.name.ptr,
			   (uint64_t)(uintptr_t)c.system_name.ptr, (uint64_t)(uintptr_t)c.filename.ptr};
	uint64_t h = hash_u64s(key, 4, m->seed);
	if (!hd_merge_idxtab_reserve(&m->fn_tab, m->n_fns + 1, m->fn_hash))
		return false;
	uint64_t j = h & m->fn_tab.mask;
	uint64_t se;
	uint32_t e;
	while ((se = m->fn_tab.slots[j])) {
		e = (uint32_t)se;
		if ((se >> 32) != (h >> 32)) {
			j = (j + 1) & m->fn_tab.mask;
			continue;
		}
		const struct hd_function *o = &m->fns[e - 1];
		if (o->start_line == c.start_line &&
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
	m->fn_tab.slots[j] = (h & 0xffffffff00000000ull) | (uint32_t)++m->n_fns;
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

/*
 * Locations are mapped in batches too: the samples of a batch first list
 * the input locations they use that this input has not mapped yet, in
 * order of first use (what mapping them one by one would do, so mappings
 * are met in the same order and get the same addresses); then each batch
 * of LBATCH of them builds its keys and prefetches its table slots before
 * the lookups run one after another.
 */
#define LBATCH 16
/* loc_map value of a location listed but not mapped yet (merged indices
 * stay below HD_NONE - 2) */
#define PENDING (HD_NONE - 1)

/* A location of the current input on its way into the merged ones. */
struct locwork {
	uint64_t address; /* moved into the merged mapping's address space */
	uint64_t hash;
	size_t key;  /* offset of its key in m->key_slots */
	size_t line; /* offset of its lines (merged functions) in m->tmp_lines */
	uint32_t src;
	uint32_t mapping;
	uint32_t n_lines;
	bool folded;
};

/* Maps p's location src's mapping and functions, builds its key and hash
 * and prefetches the slot the lookup will start at. */
static bool loc_prepare(struct hd_merger *m, const struct hd_profile *p, uint32_t src,
			struct locwork *w, size_t *keys_used, size_t *lines_used)
{
	const struct hd_location *sl = &p->locations[src];
	struct mapinfo mi;
	if (!hd_merge_map_mapping(m, p, sl->mapping, &mi))
		return false;
	if (!GROW(m->tmp_lines, m->cap_tmp_lines, *lines_used + sl->n_lines + 1))
		return false;
	struct hd_line *nl = m->tmp_lines + *lines_used;
	for (uint32_t i = 0; i < sl->n_lines; i++) {
		const struct hd_line *ln = &p->lines[sl->first_line + i];
		nl[i] = *ln;
		if (!map_function(m, p, ln->function, &nl[i].function))
			return false;
	}
	size_t words = 3 + (size_t)sl->n_lines * 6;
	if (!GROW(m->key_slots, m->cap_key_slots, *keys_used + words))
		return false;
	w->address = (uint64_t)((int64_t)sl->address + mi.offset);
	w->src = src;
	w->mapping = mi.merged;
	w->n_lines = sl->n_lines;
	w->folded = sl->is_folded;
	w->key = *keys_used;
	w->line = *lines_used;
	int64_t *key = m->key_slots + w->key;
	location_key(m, mi.merged, w->address, sl->is_folded, nl, sl->n_lines, key);
	w->hash = hd_hash_bytes(key, words * sizeof(*key), m->seed);
	__builtin_prefetch(&m->loc_tab.slots[w->hash & m->loc_tab.mask]);
	*keys_used += words;
	*lines_used += sl->n_lines;
	return true;
}

/* Looks the prepared location up, adding it when new; sets loc_map. */
static bool loc_finish(struct hd_merger *m, const struct locwork *w)
{
	size_t words = 3 + (size_t)w->n_lines * 6;
	const int64_t *key = m->key_slots + w->key;
	uint64_t h = w->hash;
	uint64_t j = h & m->loc_tab.mask;
	uint64_t se;
	while ((se = m->loc_tab.slots[j])) {
		uint32_t e = (uint32_t)se;
		if ((se >> 32) == (h >> 32)) {
			/* The tag holds 32 bits of the hash; the keys decide. */
			const struct hd_location *o = &m->locs[e - 1];
			if (o->n_lines == w->n_lines) {
				const int64_t *okey = m->loc_keys + 3 * (size_t)(e - 1) +
						      6 * (size_t)o->first_line;
				if (memcmp(key, okey, words * sizeof(*key)) == 0) {
					m->loc_map[w->src] = e - 1;
					return true;
				}
			}
		}
		j = (j + 1) & m->loc_tab.mask;
	}
	if (m->n_lines + w->n_lines >= UINT32_MAX || m->n_locs >= HD_NONE - 2 ||
	    !GROW(m->lines, m->cap_lines, m->n_lines + w->n_lines + 1) ||
	    !GROW(m->locs, m->cap_locs, m->n_locs + 1) ||
	    !GROW(m->loc_hash, m->cap_loc_hash, m->n_locs + 1) ||
	    !GROW(m->loc_keys, m->cap_loc_keys, 3 * (m->n_locs + 1) + 6 * (m->n_lines + w->n_lines)))
		return false;
	copy(m->lines + m->n_lines, m->tmp_lines + w->line,
	     (size_t)w->n_lines * sizeof(struct hd_line));
	copy(m->loc_keys + 3 * m->n_locs + 6 * m->n_lines, key, words * sizeof(*key));
	struct hd_location *l = &m->locs[m->n_locs];
	l->id = m->n_locs + 1;
	l->address = w->address;
	l->mapping = w->mapping;
	l->first_line = (uint32_t)m->n_lines;
	l->n_lines = w->n_lines;
	l->is_folded = w->folded;
	m->n_lines += w->n_lines;
	m->loc_hash[m->n_locs] = h;
	m->loc_tab.slots[j] = (h & 0xffffffff00000000ull) | (uint32_t)++m->n_locs;
	m->loc_map[w->src] = (uint32_t)(m->n_locs - 1);
	return true;
}

/* Maps the first n input locations listed in m->pend, in that order. */
static bool resolve_pending(struct hd_merger *m, const struct hd_profile *p, size_t n)
{
	struct locwork w[LBATCH];
	for (size_t i = 0; i < n; i += LBATCH) {
		size_t nb = n - i < LBATCH ? n - i : LBATCH;
		/* no growth inside a batch: the prefetched slots stay right */
		if (!hd_merge_idxtab_reserve(&m->loc_tab, m->n_locs + LBATCH, m->loc_hash))
			return false;
		size_t keys_used = 0, lines_used = 0;
		for (size_t b = 0; b < nb; b++)
			if (!loc_prepare(m, p, m->pend[i + b], &w[b], &keys_used, &lines_used))
				return false;
		for (size_t b = 0; b < nb; b++)
			if (!loc_finish(m, &w[b]))
				return false;
	}
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
 * any pprof::base string label (Profile.SetLabel).  Writes them to t
 * (room for s->n_labels + 1); returns the count, or -1 when out of memory.
 */
static long canonical_labels(struct hd_merger *m, const struct hd_profile *p,
			     const struct hd_sample *s, bool diff_base, struct hd_label *t)
{
	size_t n = 0;
	static const struct hd_str base_key = {"pprof::base", 11};
	for (uint32_t i = 0; i < s->n_labels; i++) {
		const struct hd_label *l = &p->labels[s->first_label + i];
		if (diff_base && !l->is_num && hd_str_eq(l->key, base_key))
			continue;
		struct hd_label c = *l;
		c.key = hd_merge_intern_input(m, l->key);
		if (c.is_num) {
			c.str = hd_str_c("");
			c.num_unit = hd_merge_intern_input(m, l->num_unit);
		} else {
			c.str = hd_merge_intern_input(m, l->str);
			c.num = 0;
			c.num_unit = hd_str_c("");
		}
		if (!c.key.ptr || (c.is_num ? !c.num_unit.ptr : !c.str.ptr))
			return -1;
		t[n++] = c;
	}
	if (diff_base) {
		struct hd_label b = {0};
		b.key = hd_merge_intern_input(m, base_key);
		b.str = hd_merge_intern_input(m, hd_str_c("true"));
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
	return hd_f64_to_i64(round((double)v * ratio));
}

/*
 * Samples are folded in batches of BATCH: first every sample of the batch
 * is translated (values, merged location indices - the locations first
 * used in the batch are mapped together, see resolve_pending -, canonical
 * labels, hash) and the table slot it will probe is prefetched; then the
 * slots are read and the candidate samples' records prefetched, then their
 * stacks and labels; only then does each sample do its lookup-or-insert,
 * in input order as before.  The cache misses of a batch overlap instead of coming
 * one after another (the table and the merged stacks are far larger than
 * the caches); the prefetches are hints only, the lookups are the plain
 * ones, so the result cannot depend on them.
 */
#define BATCH 16
/* ... or fewer, once they hold this many frames: the batch buffers stay
 * small whatever the depth of a hostile profile's stacks */
#define BATCH_FRAMES 65536

struct pending {
	uint64_t si;        /* the input's sample */
	uint64_t hash;
	size_t first_loc;   /* in m->tmp_locs */
	size_t first_label; /* in m->tmp_labels */
	uint32_t n_locs;
	uint32_t n_labels;
	bool unmapped;      /* some of its locations were PENDING */
};

/*
 * First half of a sample's translation: the values (false in *skip for
 * samples Merge leaves out) and the merged location indices, PENDING for
 * locations this input has not mapped yet - those are listed in m->pend
 * (*n_pend of them).  False when out of memory.
 */
static bool translate_stack(struct hd_merger *m, const struct hd_merge_input *in, uint64_t si,
			    bool scaled, int64_t *mv, struct pending *pd, size_t n_tl,
			    size_t *n_pend, bool *skip)
{
	const struct hd_profile *p = in->profile;
	uint32_t nt = p->n_sample_types, mt = m->n_types;
	const int64_t *src = p->values + si * nt, *v = src;
	*skip = true;
	if (scaled) {
		/* ScaleN keeps a sample only if a value it scaled is non-zero. */
		int64_t *sv = m->tmp_values;
		bool nonzero = false;
		for (uint32_t i = 0; i < nt; i++) {
			double r = in->scales ? in->scales[i] : in->scale;
			if (r != 1) {
				sv[i] = scale_value(src[i], r);
				nonzero = nonzero || sv[i] != 0;
			} else {
				sv[i] = src[i];
			}
		}
		if (!nonzero)
			return true;
		v = sv;
	}
	bool zero = true;
	for (uint32_t k = 0; k < mt; k++) {
		mv[k] = v[m->colmap[k]];
		zero = zero && mv[k] == 0;
	}
	if (zero) /* isZeroSample: Merge skips it */
		return true;
	*skip = false;

	const struct hd_sample *s = &p->samples[si];
	if (!GROW(m->tmp_locs, m->cap_tmp_locs, n_tl + s->n_locs + 1) ||
	    !GROW(m->pend, m->cap_pend, *n_pend + s->n_locs + 1))
		return false;
	const uint32_t *frames = p->sample_locs + s->first_loc;
	uint32_t *locs = m->tmp_locs + n_tl;
	bool unmapped = false;
	/* The hot loop: every frame of every input.  Locals, so that the
	 * stores to locs need not reload the map; it stops at the first
	 * location this input has not mapped yet. */
	const uint32_t *map = m->loc_map;
	uint32_t k = 0, n = s->n_locs;
	/* Four at a time: merged indices stay below PENDING, so unless the
	 * OR of four reaches it they are all mapped (if it does, the loops
	 * below redo them one by one). */
	for (; k + 4 <= n; k += 4) {
		uint32_t a = map[frames[k]], b = map[frames[k + 1]];
		uint32_t c = map[frames[k + 2]], d = map[frames[k + 3]];
		if (HD_UNLIKELY((a | b | c | d) >= PENDING))
			break;
		locs[k] = a;
		locs[k + 1] = b;
		locs[k + 2] = c;
		locs[k + 3] = d;
	}
	for (; k < n; k++) {
		uint32_t li = map[frames[k]];
		if (HD_UNLIKELY(li >= PENDING))
			break;
		locs[k] = li;
	}
	for (; k < n; k++) {
		uint32_t li = m->loc_map[frames[k]];
		if (HD_UNLIKELY(li >= PENDING)) {
			if (li == HD_NONE) {
				m->pend[(*n_pend)++] = frames[k];
				m->loc_map[frames[k]] = PENDING;
			}
			li = PENDING;
			unmapped = true;
		}
		locs[k] = li;
	}
	pd->si = si;
	pd->first_loc = n_tl;
	pd->n_locs = s->n_locs;
	pd->unmapped = unmapped;
	return true;
}

/* Second half, once the batch's locations are mapped: the last location
 * indices, the canonical labels and the hash; prefetches the table slot
 * the lookup will start at. */
static bool translate_rest(struct hd_merger *m, const struct hd_merge_input *in,
			   struct pending *pd, size_t n_tlab)
{
	const struct hd_profile *p = in->profile;
	const struct hd_sample *s = &p->samples[pd->si];
	uint32_t *locs = m->tmp_locs + pd->first_loc;
	if (pd->unmapped) {
		const uint32_t *frames = p->sample_locs + s->first_loc;
		for (uint32_t k = 0; k < s->n_locs; k++)
			if (locs[k] == PENDING)
				locs[k] = m->loc_map[frames[k]];
	}
	if (!GROW(m->tmp_labels, m->cap_tmp_labels, n_tlab + (size_t)s->n_labels + 1))
		return false;
	struct hd_label *labels = m->tmp_labels + n_tlab;
	long nl = canonical_labels(m, p, s, in->diff_base, labels);
	if (nl < 0)
		return false;
	pd->hash = sample_hash(m, locs, s->n_locs, labels, (size_t)nl);
	pd->first_label = n_tlab;
	pd->n_labels = (uint32_t)nl;
	__builtin_prefetch(&m->sample_tab.slots[pd->hash & m->sample_tab.mask]);
	return true;
}

/* Adds the translated sample pd (values mv) to the merged ones. */
static bool fold_one(struct hd_merger *m, const struct pending *pd, const int64_t *mv)
{
	uint32_t mt = m->n_types;
	const uint32_t *locs = m->tmp_locs + pd->first_loc;
	const struct hd_label *labels = m->tmp_labels + pd->first_label;
	uint64_t h = pd->hash;
	uint64_t j = h & m->sample_tab.mask;
	uint64_t se;
	while ((se = m->sample_tab.slots[j])) {
		uint32_t e = (uint32_t)se;
		if ((se >> 32) == (h >> 32)) {
			/* The tag holds 32 bits of the hash; the keys decide. */
			const struct msample *o = &m->samples[e - 1];
			if (o->n_locs == pd->n_locs && o->n_labels == pd->n_labels &&
			    (pd->n_locs == 0 ||
			     memcmp(m->sample_locs + o->first_loc, locs,
				    (size_t)pd->n_locs * sizeof(uint32_t)) == 0) &&
			    labels_equal(m->labels + o->first_label, labels, pd->n_labels)) {
				int64_t *dst = m->values + (size_t)(e - 1) * mt;
				for (uint32_t k = 0; k < mt; k++)
					dst[k] = (int64_t)((uint64_t)dst[k] + (uint64_t)mv[k]);
				return true;
			}
		}
		j = (j + 1) & m->sample_tab.mask;
	}
	if (m->n_samples >= UINT32_MAX - 1 ||
	    !GROW(m->samples, m->cap_samples, m->n_samples + 1) ||
	    !GROW(m->sample_hash, m->cap_sample_hash, m->n_samples + 1) ||
	    !GROW(m->sample_locs, m->cap_sample_locs, m->n_sample_locs + pd->n_locs + 1) ||
	    !GROW(m->labels, m->cap_labels, m->n_labels + (size_t)pd->n_labels + 1) ||
	    !GROW(m->values, m->cap_values, (m->n_samples + 1) * (mt ? mt : 1)))
		return false;
	struct msample *ns = &m->samples[m->n_samples];
	ns->first_loc = m->n_sample_locs;
	ns->n_locs = pd->n_locs;
	ns->first_label = m->n_labels;
	ns->n_labels = pd->n_labels;
	copy(m->sample_locs + m->n_sample_locs, locs, (size_t)pd->n_locs * sizeof(uint32_t));
	m->n_sample_locs += pd->n_locs;
	copy(m->labels + m->n_labels, labels, (size_t)pd->n_labels * sizeof(struct hd_label));
	m->n_labels += pd->n_labels;
	copy(m->values + m->n_samples * mt, mv, (size_t)mt * sizeof(int64_t));
	m->sample_hash[m->n_samples] = h;
	m->sample_tab.slots[j] = (h & 0xffffffff00000000ull) | (uint32_t)++m->n_samples;
	return true;
}

enum hd_status hd_merge_add_samples(struct hd_merger *m, const struct hd_merge_input *in,
				    const uint8_t *keep, struct hd_error *err)
{
	const struct hd_profile *p = in->profile;
	uint32_t nt = p->n_sample_types, mt = m->n_types;
	bool scaled = false;
	for (uint32_t i = 0; i < nt; i++)
		if ((in->scales ? in->scales[i] : in->scale) != 1)
			scaled = true;
	/* scaled values of one sample, then BATCH rows of merged values */
	if (!GROW(m->tmp_values, m->cap_tmp_values, (size_t)nt + (size_t)BATCH * mt + 1))
		return hd_merge_nomem(m, err);
	struct pending batch[BATCH];
	uint64_t si = 0;
	while (si < p->n_samples) {
		/* No growth of the table inside a batch: the prefetched slots
		 * stay the probed ones. */
		if (!hd_merge_idxtab_reserve(&m->sample_tab, m->n_samples + BATCH, m->sample_hash))
			return hd_merge_nomem(m, err);
		size_t nb = 0, n_tl = 0, n_tlab = 0, n_pend = 0;
		for (; si < p->n_samples && nb < BATCH && n_tl < BATCH_FRAMES; si++) {
			if (keep && !keep[si])
				continue;
			bool skip;
			if (!translate_stack(m, in, si, scaled, m->tmp_values + nt + nb * mt,
					     &batch[nb], n_tl, &n_pend, &skip))
				return hd_merge_nomem(m, err);
			if (skip)
				continue;
			n_tl += batch[nb].n_locs;
			nb++;
		}
		if (n_pend && !resolve_pending(m, p, n_pend))
			return hd_merge_nomem(m, err);
		for (size_t b = 0; b < nb; b++) {
			if (!translate_rest(m, in, &batch[b], n_tlab))
				return hd_merge_nomem(m, err);
			n_tlab += batch[b].n_labels;
		}
		for (size_t b = 0; b < nb; b++) {
			uint64_t se = m->sample_tab.slots[batch[b].hash & m->sample_tab.mask];
			if (se && (se >> 32) == (batch[b].hash >> 32)) {
				__builtin_prefetch(&m->samples[(uint32_t)se - 1]);
				__builtin_prefetch(&m->values[(size_t)((uint32_t)se - 1) * mt]);
			}
		}
		for (size_t b = 0; b < nb; b++) {
			uint64_t se = m->sample_tab.slots[batch[b].hash & m->sample_tab.mask];
			if (se && (se >> 32) == (batch[b].hash >> 32)) {
				const struct msample *o = &m->samples[(uint32_t)se - 1];
				__builtin_prefetch(m->sample_locs + o->first_loc);
				if (o->n_locs > 16)
					__builtin_prefetch(m->sample_locs + o->first_loc + 16);
				if (o->n_labels)
					__builtin_prefetch(m->labels + o->first_label);
			}
		}
		for (size_t b = 0; b < nb; b++)
			if (!fold_one(m, &batch[b], m->tmp_values + nt + b * mt))
				return hd_merge_nomem(m, err);
	}
	return HD_OK;
}
