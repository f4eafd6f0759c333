/*
 * merge.c - sums profiles the way google/pprof's profile.Merge does, for
 * `heapdoc merge`, several sources on one command line, -base and
 * -diff_base.  Inputs are folded in one at a time (struct hd_merger) and
 * everything kept is copied, so a caller can decode, add and free one
 * profile after another in memory bounded by the merged result plus the
 * largest input.  This file holds the merger's lifecycle, pprof's header
 * and sample-type rules (combineHeaders, CompatibilizeSampleTypes), the
 * final compaction and Normalize; the identity keys are merge_keys.c's.
 * Both follow google/pprof profile/merge.go and internal/driver/fetch.go;
 * the reasoning and the deliberate quirks are in docs/internals/merge.md.
 * No aggregation into nodes (aggregate.c does that) and no I/O.
 */
#include <math.h>
#include <stdio.h>

#include "merge.h"
#include "agg/units.h"
#include "model/model.h"

/* ======================================================================
 * Helpers
 * ====================================================================== */

/* Grows *arr (element size `size`) so that it holds at least `need`. */
bool hd_merge_idxtab_reserve(struct idxtab *t, uint64_t want, const uint64_t *hashes)
{
	if (t->slots && (want + 1) * 2 <= t->mask + 1)
		return true;
	uint64_t cap = t->slots ? (t->mask + 1) * 2 : 256;
	while ((want + 1) * 2 > cap)
		cap *= 2;
	if (cap > ((uint64_t)1 << 33))
		return false;
	uint64_t *ns = hd_calloc((size_t)cap, sizeof(*ns));
	if (!ns)
		return false;
	for (uint64_t i = 0; t->slots && i <= t->mask; i++) {
		uint64_t e = t->slots[i];
		if (!e)
			continue;
		uint64_t j = hashes[(uint32_t)e - 1] & (cap - 1);
		while (ns[j])
			j = (j + 1) & (cap - 1);
		ns[j] = e;
	}
	hd_free(t->slots);
	t->slots = ns;
	t->mask = cap - 1;
	return true;
}

enum hd_status hd_merge_nomem(struct hd_merger *m, struct hd_error *err)
{
	m->failed = true;
	return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
}

/* Interns s; returns the stored copy, or a NULL-ptr slice on failure. */
struct hd_str hd_merge_intern(struct hd_merger *m, struct hd_str s)
{
	struct hd_str none = {NULL, 0};
	if (!hd_merge_idxtab_reserve(&m->str_tab, m->n_strs + 1, m->str_hash))
		return none;
	uint64_t h = hd_hash_bytes(s.ptr, s.len, m->seed);
	uint64_t j = h & m->str_tab.mask;
	uint64_t se;
	uint32_t e;
	while ((se = m->str_tab.slots[j])) {
		e = (uint32_t)se;
		if ((se >> 32) != (h >> 32)) {
			j = (j + 1) & m->str_tab.mask;
			continue;
		}
		if (hd_str_eq(m->strs[e - 1], s)) /* the tag matched */
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
	m->str_tab.slots[j] = (h & 0xffffffff00000000ull) | (uint32_t)++m->n_strs;
	return c;
}

struct hd_str hd_merge_intern_input_slow(struct hd_merger *m, struct hd_str s,
					 struct strmemo *e)
{
	struct hd_str c = hd_merge_intern(m, s);
	if (c.ptr) {
		e->ptr = s.ptr;
		e->len = s.len;
		e->out = c;
		e->gen = m->memo_gen;
	}
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
	m->memo = hd_calloc((size_t)1 << HD_MERGE_MEMO_BITS, sizeof(*m->memo));
	if (!m->memo) {
		hd_profile_free(m->out);
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
		m->key_slots, m->loc_keys, m->tmp_lines, m->pend, m->tmp_locs, m->tmp_labels,
		m->tmp_values,
		m->colmap, m->memo,
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
			return hd_merge_nomem(m, err);
		for (uint32_t i = 0; i < p->n_sample_types; i++) {
			m->types[i].type = hd_merge_intern(m, p->sample_types[i].type);
			m->types[i].unit = hd_merge_intern(m, p->sample_types[i].unit);
			if (!m->types[i].type.ptr || !m->types[i].unit.ptr)
				return hd_merge_nomem(m, err);
		}
		m->n_types = p->n_sample_types;
		m->period_type.type = hd_merge_intern(m, p->period_type.type);
		m->period_type.unit = hd_merge_intern(m, p->period_type.unit);
		m->drop_frames = hd_merge_intern(m, p->drop_frames);
		m->keep_frames = hd_merge_intern(m, p->keep_frames);
		if (!m->period_type.type.ptr || !m->period_type.unit.ptr || !m->drop_frames.ptr ||
		    !m->keep_frames.ptr)
			return hd_merge_nomem(m, err);
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
			return hd_merge_nomem(m, err);
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
		return hd_merge_nomem(m, err);
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
		struct hd_str c = hd_merge_intern(m, p->comments[i]);
		if (!c.ptr)
			return hd_merge_nomem(m, err);
		bool seen = false;
		for (size_t k = 0; k < m->n_comments && !seen; k++)
			seen = m->comments[k].ptr == c.ptr;
		if (seen)
			continue;
		if (!GROW(m->comments, m->cap_comments, m->n_comments + 1))
			return hd_merge_nomem(m, err);
		m->comments[m->n_comments++] = c;
	}
	if (!m->doc_url.len) {
		m->doc_url = hd_merge_intern(m, p->doc_url);
		if (!m->doc_url.ptr)
			return hd_merge_nomem(m, err);
	}
	/* Remember what finish needs for the default sample type rule. */
	size_t n = m->n_inputs;
	if (!GROW(m->in_default, m->cap_in_default, n + 1) ||
	    !GROW(m->in_ntypes, m->cap_in_ntypes, n + 1) ||
	    !GROW(m->in_types, m->cap_in_types, m->n_in_types + p->n_sample_types + 1))
		return hd_merge_nomem(m, err);
	m->in_default[n] = hd_merge_intern(m, p->default_sample_type);
	if (!m->in_default[n].ptr)
		return hd_merge_nomem(m, err);
	m->in_ntypes[n] = p->n_sample_types;
	for (uint32_t i = 0; i < p->n_sample_types; i++) {
		struct hd_str t = hd_merge_intern(m, p->sample_types[i].type);
		if (!t.ptr)
			return hd_merge_nomem(m, err);
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

enum hd_status hd_merge_add_keep(struct hd_merger *m, const struct hd_merge_input *in,
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
	/* A new input: its strings are other slices (generation 0 = unused). */
	if (++m->memo_gen == 0) {
		memset(m->memo, 0, ((size_t)1 << HD_MERGE_MEMO_BITS) * sizeof(*m->memo));
		m->memo_gen = 1;
	}
	enum hd_status st = add_header(m, p, err);
	if (st != HD_OK)
		return st;
	/* Per-input memo tables (pprof clears them per source). */
	if (!GROW(m->loc_map, m->cap_loc_map, (size_t)p->n_locations + 1) ||
	    !GROW(m->fn_map, m->cap_fn_map, (size_t)p->n_functions + 1) ||
	    !GROW(m->map_map, m->cap_map_map, (size_t)p->n_mappings + 1))
		return hd_merge_nomem(m, err);
	memset(m->loc_map, 0xff, (size_t)p->n_locations * sizeof(*m->loc_map));
	memset(m->fn_map, 0xff, (size_t)p->n_functions * sizeof(*m->fn_map));
	for (uint32_t i = 0; i < p->n_mappings; i++)
		m->map_map[i].merged = HD_NONE;
	m->n_inputs++;
	/* The first mapping stands for the main binary: pprof maps it first. */
	if (m->n_maps == 0 && p->n_mappings > 0) {
		struct mapinfo mi;
		if (!hd_merge_map_mapping(m, p, 0, &mi))
			return hd_merge_nomem(m, err);
	}
	return hd_merge_add_samples(m, in, keep, err);
}

enum hd_status hd_merger_add(struct hd_merger *m, const struct hd_merge_input *in,
			     struct hd_error *err)
{
	return hd_merge_add_keep(m, in, NULL, err);
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
		return hd_merge_nomem(m, err);
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
		return hd_merge_nomem(m, err);

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

void hd_profile_divide_values(struct hd_profile *p, double divide_by)
{
	if (hd_divide_ratio(divide_by) == 0)
		return; /* nothing changes: leave the pages alone */
	uint64_t n = p->n_samples * p->n_sample_types;
	for (uint64_t i = 0; i < n; i++)
		p->values[i] = hd_divide_value(p->values[i], divide_by);
}

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
