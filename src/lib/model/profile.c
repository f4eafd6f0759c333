/*
 * profile.c - the profile model's lifecycle and read helpers: freeing a
 * profile (its arena holds everything), sample values, sample type lookup
 * with pprof's defaults, numeric labels.  Decoding lives in src/lib/decode,
 * building in builder.c; the model's invariants are documented in
 * include/heapdoc/heapdoc.h and docs/internals/decode.md.
 */
#include <errno.h>
#include <stdlib.h>

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

enum hd_status hd_profile_resolve_sample_index(const struct hd_profile *p, const char *want,
					       uint32_t *index_ret, struct hd_error *err)
{
	if (!p || !index_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no profile");
	if (p->n_sample_types == 0)
		return hd_error_set(err, HD_ERR_USAGE, "profile has no samples");
	if (!want || !*want) {
		*index_ret = (uint32_t)hd_profile_default_sample_index(p);
		return HD_OK;
	}
	/* strconv.Atoi: optional sign, decimal digits, nothing else. */
	const char *q = want;
	if (*q == '+' || *q == '-')
		q++;
	bool numeric = *q != '\0';
	for (const char *d = q; *d; d++)
		numeric = numeric && *d >= '0' && *d <= '9';
	if (numeric) {
		errno = 0;
		long long i = strtoll(want, NULL, 10);
		/* Out of int64's range Atoi fails, and pprof takes it as a name. */
		if (errno == 0) {
			if (i < 0 || i >= (long long)p->n_sample_types)
				return hd_error_set(err, HD_ERR_USAGE,
						    "sample_index %s is outside the range [0..%u]",
						    want, p->n_sample_types - 1);
			*index_ret = (uint32_t)i;
			return HD_OK;
		}
	}
	int i = hd_profile_sample_type_index(p, want);
	if (i >= 0) {
		*index_ret = (uint32_t)i;
		return HD_OK;
	}
	struct hd_buf b = HD_BUF_INIT;
	for (uint32_t t = 0; t < p->n_sample_types; t++) {
		if (t)
			hd_buf_putc(&b, ' ');
		hd_buf_append(&b, p->sample_types[t].type.ptr, p->sample_types[t].type.len);
	}
	if (b.failed) {
		hd_buf_release(&b);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	hd_error_set(err, HD_ERR_USAGE, "sample_index \"%s\" must be one of: [%s]", want,
		     b.data ? b.data : "");
	hd_buf_release(&b);
	return HD_ERR_USAGE;
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
