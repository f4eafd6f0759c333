/*
 * tagframes.c - pprof's -tagroot and -tagleaf (internal/driver/tagroot.go
 * addLabelNodes): label values become pseudo frames at the root or the
 * leaf of every sample, so that top, traces, peek and the filters see "the
 * object size" or "the request path" like a function.  The view gets a
 * profile of its own that shares everything with the original but the
 * samples' stacks, the functions, locations and lines (which gain the
 * pseudo ones at their ends).  Called by hd_view_new() before any filter,
 * as pprof calls it before applyFocus.
 */
#include <stdlib.h>

#include "agg/hashtab.h"
#include "agg/units.h"
#include "analyze/tagframes.h"

/* The keys of one option: split at commas, empty strings dropped. */
struct keys {
	struct hd_str *k;
	size_t n;
};

static bool split_keys(struct hd_arena *a, const char *opt, struct keys *out)
{
	out->k = NULL;
	out->n = 0;
	if (!opt || !*opt)
		return true;
	size_t cap = 1;
	for (const char *c = opt; *c; c++)
		cap += *c == ',';
	out->k = hd_arena_alloc(a, cap * sizeof(*out->k));
	if (!out->k)
		return false;
	struct hd_str k;
	for (const char *c = opt; hd_str_split_next(&c, ',', &k);)
		if (k.len)
			out->k[out->n++] = k;
	return true;
}

struct builder {
	const struct hd_profile *p;
	struct hd_arena *arena; /* the view's: names live there */
	const char *unit;       /* -unit, for numeric label values */
	struct hd_function *fns; /* the pseudo ones, in creation order */
	size_t n_fns, cap_fns;
	struct hd_idtab tab; /* (name, key) -> pseudo index */
	struct hd_buf name;  /* scratch: one frame's name */
	struct hd_str lookup_name, lookup_key;
};

static bool pseudo_eq(const void *ctx, uint32_t id)
{
	const struct builder *b = ctx;
	const struct hd_function *f = &b->fns[id];
	return hd_str_eq(f->name, b->lookup_name) && hd_str_eq(f->filename, b->lookup_key);
}

/* formatLabelValues: the sample's string values of `key`, then its numbers
 * (scaled to -unit when any of them has a unit, else printed plainly), in
 * b->name joined by commas.  True when the sample has such a label. */
static bool format_values(struct builder *b, const struct hd_sample *s, struct hd_str key)
{
	const struct hd_label *ls = b->p->labels + s->first_label;
	bool any = false, has_unit = false;
	b->name.len = 0;
	for (uint32_t i = 0; i < s->n_labels; i++) {
		if (!hd_str_eq(ls[i].key, key))
			continue;
		if (ls[i].is_num) {
			has_unit = has_unit || ls[i].num_unit.len > 0;
			continue;
		}
		if (any)
			hd_buf_putc(&b->name, ',');
		hd_buf_append(&b->name, ls[i].str.ptr, ls[i].str.len);
		any = true;
	}
	for (uint32_t i = 0; i < s->n_labels; i++) {
		if (!ls[i].is_num || !hd_str_eq(ls[i].key, key))
			continue;
		char label[HD_UNIT_LABEL_MAX];
		if (has_unit)
			hd_unit_label(label, ls[i].num, ls[i].num_unit, b->unit);
		else
			hd_unit_label(label, ls[i].num, hd_str_c(""), "");
		if (any)
			hd_buf_putc(&b->name, ',');
		hd_buf_append(&b->name, label, strlen(label));
		any = true;
	}
	return any;
}

/* The pseudo function for the name in b->name and `key`: its index among
 * the pseudo ones, HD_NONE when out of memory. */
static uint32_t intern(struct builder *b, struct hd_str key)
{
	if (b->name.failed)
		return HD_NONE;
	b->lookup_name = (struct hd_str){b->name.data ? b->name.data : "", b->name.len};
	b->lookup_key = key;
	uint64_t h = hd_hash_bytes(b->lookup_name.ptr, b->lookup_name.len,
				   hd_hash_bytes(key.ptr, key.len, hd_hash_seed()));
	uint32_t id = hd_idtab_find(&b->tab, h, pseudo_eq, b);
	if (id != HD_NONE)
		return id;
	if (b->n_fns >= UINT32_MAX - 1 ||
	    !hd_grow_array((void **)&b->fns, &b->cap_fns, b->n_fns + 1, sizeof(*b->fns)))
		return HD_NONE;
	struct hd_str name = hd_arena_strdup(b->arena, b->lookup_name);
	if (!name.ptr)
		return HD_NONE;
	struct hd_function *f = &b->fns[b->n_fns];
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->filename = key; /* the option string: in the view's arena */
	id = (uint32_t)b->n_fns++;
	return hd_idtab_add(&b->tab, h, id) ? id : HD_NONE;
}

/* makeLabelLocs: the frames for `keys`, the last key first, into out[];
 * *matched when the sample had a value for one of them. */
static bool label_frames(struct builder *b, const struct hd_sample *s, const struct keys *keys,
			 uint32_t *out, bool *matched)
{
	for (size_t i = 0; i < keys->n; i++) {
		struct hd_str key = keys->k[keys->n - 1 - i];
		if (format_values(b, s, key))
			*matched = true;
		uint32_t id = intern(b, key);
		if (id == HD_NONE)
			return false;
		out[i] = (uint32_t)b->p->n_locations + id;
	}
	return true;
}

/* The derived profile from the pseudo functions b->fns and the new stacks. */
static struct hd_profile *derive(struct builder *b, struct hd_sample *samples, uint32_t *locs,
				 uint64_t n_locs)
{
	const struct hd_profile *p = b->p;
	struct hd_arena *a = b->arena;
	size_t nf = p->n_functions, nl = p->n_locations, nln = p->n_lines, k = b->n_fns;
	if (k > UINT32_MAX - 1 - nf || k > UINT32_MAX - 1 - nl || k > UINT32_MAX - 1 - nln)
		return NULL;
	struct hd_profile *d = hd_arena_alloc(a, sizeof(*d));
	struct hd_function *fns = hd_arena_alloc(a, (nf + k + 1) * sizeof(*fns));
	struct hd_location *loc = hd_arena_alloc(a, (nl + k + 1) * sizeof(*loc));
	struct hd_line *lines = hd_arena_alloc(a, (nln + k + 1) * sizeof(*lines));
	if (!d || !fns || !loc || !lines)
		return NULL;
	*d = *p;
	if (nf)
		memcpy(fns, p->functions, nf * sizeof(*fns));
	if (nl)
		memcpy(loc, p->locations, nl * sizeof(*loc));
	if (nln)
		memcpy(lines, p->lines, nln * sizeof(*lines));
	/* ids after the largest ones, as pprof numbers them */
	uint64_t max_fn = 0, max_loc = 0;
	for (size_t i = 0; i < nf; i++)
		max_fn = fns[i].id > max_fn ? fns[i].id : max_fn;
	for (size_t i = 0; i < nl; i++)
		max_loc = loc[i].id > max_loc ? loc[i].id : max_loc;
	for (size_t i = 0; i < k; i++) {
		fns[nf + i] = b->fns[i];
		fns[nf + i].id = max_fn + 1 + i;
		lines[nln + i] = (struct hd_line){(uint32_t)(nf + i), 0, 0};
		loc[nl + i] = (struct hd_location){max_loc + 1 + i, 0, HD_NONE, (uint32_t)(nln + i), 1,
						   false};
	}
	d->functions = fns;
	d->n_functions = (uint32_t)(nf + k);
	d->locations = loc;
	d->n_locations = (uint32_t)(nl + k);
	d->lines = lines;
	d->n_lines = (uint32_t)(nln + k);
	d->samples = samples;
	d->sample_locs = locs;
	d->n_sample_locs = n_locs;
	d->arena = NULL; /* owned by the view's arena, never freed on its own */
	return d;
}

/* The view's per-location line tables (filter.c: loc_line_first/n,
 * line_ids), grown by the pseudo locations of d, each with its one line. */
static bool extend_view(struct hd_view *v, const struct hd_profile *p, const struct hd_profile *d)
{
	uint32_t nl = p->n_locations, k = d->n_locations - nl;
	uint64_t slots = 0; /* each location's slot is sized for its original lines */
	for (uint32_t l = 0; l < nl; l++)
		slots += p->locations[l].n_lines;
	uint32_t *first = hd_arena_alloc(v->arena, ((size_t)nl + k + 1) * sizeof(*first));
	uint32_t *cnt = hd_arena_alloc(v->arena, ((size_t)nl + k + 1) * sizeof(*cnt));
	uint32_t *ids = hd_arena_alloc(v->arena, ((size_t)slots + k + 1) * sizeof(*ids));
	if (!first || !cnt || !ids || slots + k > UINT32_MAX)
		return false;
	if (nl) {
		memcpy(first, v->loc_line_first, (size_t)nl * sizeof(*first));
		memcpy(cnt, v->loc_line_n, (size_t)nl * sizeof(*cnt));
	}
	if (slots)
		memcpy(ids, v->line_ids, (size_t)slots * sizeof(*ids));
	for (uint32_t j = 0; j < k; j++) {
		first[nl + j] = (uint32_t)slots + j;
		cnt[nl + j] = 1;
		ids[slots + j] = d->locations[nl + j].first_line;
	}
	v->loc_line_first = first;
	v->loc_line_n = cnt;
	v->line_ids = ids;
	return true;
}

enum hd_status hd_tag_frames_apply(struct hd_view *v, struct hd_error *err)
{
	struct keys roots, leaves;
	if (!split_keys(v->arena, v->options.tagroot, &roots) ||
	    !split_keys(v->arena, v->options.tagleaf, &leaves))
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	size_t per = roots.n + leaves.n;
	if (per == 0)
		return HD_OK;
	const struct hd_profile *p = v->profile;
	enum hd_status st = HD_ERR_NOMEM;
	struct builder b;
	memset(&b, 0, sizeof(b));
	b.p = p;
	b.arena = v->arena;
	b.unit = v->options.unit ? v->options.unit : "minimum";
	b.name = (struct hd_buf)HD_BUF_INIT;
	/* every sample gains `per` frames */
	uint64_t n_locs = p->n_sample_locs;
	if (p->n_samples > (UINT64_MAX - n_locs) / per ||
	    n_locs + p->n_samples * per > SIZE_MAX / sizeof(uint32_t))
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	n_locs += p->n_samples * per;
	struct hd_sample *samples = hd_arena_alloc(v->arena, (p->n_samples + 1) * sizeof(*samples));
	uint32_t *locs = hd_arena_alloc(v->arena, (n_locs + 1) * sizeof(*locs));
	uint32_t *frames = hd_malloc((per + 1) * sizeof(*frames));
	if (!samples || !locs || !frames || !hd_idtab_init(&b.tab, 64))
		goto out;
	bool root_match = false, leaf_match = false;
	uint64_t w = 0;
	for (uint64_t i = 0; i < p->n_samples; i++) {
		const struct hd_sample *s = &p->samples[i];
		/* the stack as drop_frames left it: pprof prunes on reading */
		const struct hd_vsample *vs = &v->samples[i];
		/* roots are made first: pprof numbers their locations first */
		if (!label_frames(&b, s, &roots, frames + leaves.n, &root_match) ||
		    !label_frames(&b, s, &leaves, frames, &leaf_match))
			goto out;
		samples[i] = *s;
		samples[i].first_loc = w;
		if ((uint64_t)vs->n_locs + per > UINT32_MAX)
			goto out;
		samples[i].n_locs = (uint32_t)(vs->n_locs + per);
		memcpy(locs + w, frames, leaves.n * sizeof(*locs));
		w += leaves.n;
		if (vs->n_locs)
			memcpy(locs + w, vs->locs, vs->n_locs * sizeof(*locs));
		w += vs->n_locs;
		memcpy(locs + w, frames + leaves.n, roots.n * sizeof(*locs));
		w += roots.n;
	}
	struct hd_profile *d = derive(&b, samples, locs, w);
	if (!d || !extend_view(v, p, d))
		goto out;
	for (uint64_t i = 0; i < p->n_samples; i++) {
		v->samples[i].locs = d->sample_locs + d->samples[i].first_loc;
		v->samples[i].n_locs = d->samples[i].n_locs;
	}
	v->profile = d;
	if (roots.n && !root_match)
		v->unmatched |= HD_FILTER_TAGROOT;
	if (leaves.n && !leaf_match)
		v->unmatched |= HD_FILTER_TAGLEAF;
	st = HD_OK;
out:
	hd_free(frames);
	hd_free(b.fns);
	hd_idtab_release(&b.tab);
	hd_buf_release(&b.name);
	return st == HD_OK ? HD_OK : hd_error_set(err, st, "out of memory");
}
