/*
 * profile.c - the profile model's lifecycle and read helpers: freeing a
 * profile (its arena holds everything), sample values, sample type lookup
 * with pprof's defaults, numeric labels.  Decoding lives in src/lib/decode,
 * building in builder.c; the model's invariants are documented in
 * include/heapdoc/heapdoc.h and docs/internals/decode.md.
 */
#include "model/model.h"

struct hd_profile *hd_profile_new_empty(void)
{
	struct hd_arena *arena = hd_arena_new();
	if (!arena)
		return NULL;
	struct hd_profile *p = hd_arena_calloc(arena, 1, sizeof(*p));
	if (!p) {
		hd_arena_free(arena);
		return NULL;
	}
	p->arena = arena;
	p->format = HD_FORMAT_BUILT;
	return p;
}

void hd_profile_free(struct hd_profile *p)
{
	if (!p)
		return;
	/* The profile struct itself lives in its arena. */
	hd_arena_free(p->arena);
}

const int64_t *hd_profile_sample_values(const struct hd_profile *p, uint64_t sample)
{
	if (!p || sample >= p->n_samples)
		return NULL;
	return p->values + sample * p->n_sample_types;
}

int hd_profile_sample_type_index(const struct hd_profile *p, const char *name)
{
	if (!p || !name)
		return -1;
	/* pprof's SampleIndexByName: exact type, or the name without the
	 * legacy "inuse_" prefix (so inuse_space finds "space"). */
	struct hd_str want = hd_str_c(name);
	struct hd_str bare = want;
	if (hd_str_has_prefix(bare, "inuse_")) {
		bare.ptr += 6;
		bare.len -= 6;
	}
	for (uint32_t i = 0; i < p->n_sample_types; i++) {
		struct hd_str t = p->sample_types[i].type;
		if (hd_str_eq(t, want) || hd_str_eq(t, bare))
			return (int)i;
	}
	return -1;
}

int hd_profile_default_sample_index(const struct hd_profile *p)
{
	if (!p || p->n_sample_types == 0)
		return -1;
	if (p->default_sample_type.len) {
		for (uint32_t i = 0; i < p->n_sample_types; i++)
			if (hd_str_eq(p->sample_types[i].type, p->default_sample_type))
				return (int)i;
	}
	return (int)p->n_sample_types - 1;
}

bool hd_sample_num_label(const struct hd_profile *p, uint64_t sample,
			 const char *key, int64_t *num_ret)
{
	if (!p || sample >= p->n_samples || !key)
		return false;
	const struct hd_sample *s = &p->samples[sample];
	struct hd_str k = hd_str_c(key);
	for (uint32_t i = 0; i < s->n_labels; i++) {
		const struct hd_label *l = &p->labels[s->first_label + i];
		if (l->is_num && hd_str_eq(l->key, k)) {
			if (num_ret)
				*num_ret = l->num;
			return true;
		}
	}
	return false;
}
