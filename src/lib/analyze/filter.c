/*
 * filter.c - hd_view_new(): everything `go tool pprof` does to a profile
 * between reading it and building a report graph, in pprof's order:
 * choose the sample type (profile/index.go SampleIndexByName), compute the
 * report total (report.go computeTotal, before any focus), prune
 * drop_frames/keep_frames (profile/prune.go Prune, skipped by -all_frames),
 * then driver_focus.go applyFocus: FilterSamplesByName (focus, ignore,
 * hide, show), ShowFrom, FilterSamplesByTag (tagfocus, tagignore; the
 * numeric ranges are in tagfilter.c) and PruneFrom; finally node identities
 * at the chosen granularity (agg/nodes.c).  pprof edits the profile in
 * place; here the profile stays immutable and the edits live in the view:
 * per-location line lists and per-sample stack slices.  Regex results are
 * cached per function and per mapping, so each regex runs once per name.
 * See docs/internals/aggregate.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "agg/hashtab.h"
#include "agg/regex.h"
#include "agg/view.h"
#include "analyze/tagfilter.h"
#include "analyze/prune.h"
#include "analyze/tagframes.h"

void hd_report_options_default(struct hd_report_options *o)
{
	memset(o, 0, sizeof(*o));
	o->granularity = HD_GRANULARITY_FUNCTIONS;
	o->nodecount = -1;
	o->nodefraction = 0.005;
	o->edgefraction = 0.001;
	o->trim = true;
	o->sort = HD_SORT_FLAT;
	o->unit = "minimum";
}

/* ------------------------------------------------------------------------
 * Cached matching of a regex against functions and mappings
 * ------------------------------------------------------------------------ */

struct matcher {
	struct hd_regex *re;
	uint8_t *fn;  /* per function: 0 unknown, 1 no, 2 name or file matches */
	uint8_t *map; /* per mapping: same, for the mapping's file */
	uint8_t *simple; /* per function: simplifyFunc(name) matches (prune) */
};

struct filter_ctx {
	struct hd_view *v;
	const struct hd_profile *p;
	struct hd_error *err;
};

static void matcher_release(struct matcher *m)
{
	hd_regex_free(m->re);
	m->re = NULL;
}

static enum hd_status matcher_init(struct filter_ctx *c, struct matcher *m, const char *pattern,
				   const char *prefix, const char *suffix, const char *what)
{
	memset(m, 0, sizeof(*m));
	struct hd_buf b = HD_BUF_INIT;
	hd_buf_printf(&b, "%s%s%s", prefix, pattern, suffix);
	if (b.failed) {
		hd_buf_release(&b);
		return hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
	}
	enum hd_status st = hd_regex_compile(b.data, b.len, what, &m->re, c->err);
	hd_buf_release(&b);
	if (st != HD_OK)
		return st;
	m->fn = hd_arena_calloc(c->v->arena, (size_t)c->p->n_functions + 1, 1);
	m->map = hd_arena_calloc(c->v->arena, (size_t)c->p->n_mappings + 1, 1);
	m->simple = hd_arena_calloc(c->v->arena, (size_t)c->p->n_functions + 1, 1);
	if (!m->fn || !m->map || !m->simple) {
		matcher_release(m);
		return hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
	}
	return HD_OK;
}

static bool valid_fn(const struct hd_profile *p, uint32_t f)
{
	return f != HD_NONE && f < p->n_functions;
}

/* re matches the function's name or its file name (filter.go). */
static bool fn_matches(const struct hd_profile *p, struct matcher *m, uint32_t f)
{
	if (!m->fn[f]) {
		const struct hd_function *fn = &p->functions[f];
		bool hit = hd_regex_match(m->re, fn->name.ptr, fn->name.len) ||
			   hd_regex_match(m->re, fn->filename.ptr, fn->filename.len);
		m->fn[f] = hit ? 2 : 1;
	}
	return m->fn[f] == 2;
}

/* re matches the location's mapping file (only when it has a mapping). */
static bool map_matches(const struct hd_profile *p, struct matcher *m, const struct hd_location *loc)
{
	if (loc->mapping == HD_NONE || loc->mapping >= p->n_mappings)
		return false;
	if (!m->map[loc->mapping]) {
		struct hd_str f = p->mappings[loc->mapping].filename;
		m->map[loc->mapping] = hd_regex_match(m->re, f.ptr, f.len) ? 2 : 1;
	}
	return m->map[loc->mapping] == 2;
}

/*
 * prune.go simplifyFunc: drop a leading '.', then cut at the first '(' that
 * is not part of "(anonymous namespace)" or "operator()".
 */
static struct hd_str simplify_func(struct hd_str s)
{
	if (s.len && s.ptr[0] == '.') {
		s.ptr++;
		s.len--;
	}
	static const char anon[] = "(anonymous namespace)", op[] = "operator()";
	size_t i = 0;
	while (i < s.len) {
		size_t rest = s.len - i;
		if (rest >= sizeof(anon) - 1 && memcmp(s.ptr + i, anon, sizeof(anon) - 1) == 0) {
			i += sizeof(anon) - 1;
		} else if (rest >= sizeof(op) - 1 && memcmp(s.ptr + i, op, sizeof(op) - 1) == 0) {
			i += sizeof(op) - 1;
		} else if (s.ptr[i] == '(') {
			s.len = i;
			break;
		} else {
			i++;
		}
	}
	return s;
}

static bool simple_matches(const struct hd_profile *p, struct matcher *m, uint32_t f)
{
	if (!m->simple[f]) {
		struct hd_str s = simplify_func(p->functions[f].name);
		m->simple[f] = hd_regex_match(m->re, s.ptr, s.len) ? 2 : 1;
	}
	return m->simple[f] == 2;
}

/* matchesName (filter.go): any line's function, or the mapping file. */
static bool loc_matches(struct filter_ctx *c, struct matcher *m, uint32_t l)
{
	const uint32_t *ids = c->v->line_ids + c->v->loc_line_first[l];
	uint32_t n = c->v->loc_line_n[l];
	for (uint32_t i = 0; i < n; i++) {
		uint32_t f = c->p->lines[ids[i]].function;
		if (valid_fn(c->p, f) && fn_matches(c->p, m, f))
			return true;
	}
	return map_matches(c->p, m, &c->p->locations[l]);
}

/* Keeps the lines of location l for which keep(line) is true, in order. */
static void loc_keep_lines(struct filter_ctx *c, uint32_t l, struct matcher *m, bool keep_matching)
{
	uint32_t *ids = c->v->line_ids + c->v->loc_line_first[l];
	uint32_t n = c->v->loc_line_n[l], w = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t f = c->p->lines[ids[i]].function;
		bool keep;
		if (!valid_fn(c->p, f))
			keep = true; /* lines without a function are never matched */
		else
			keep = fn_matches(c->p, m, f) == keep_matching;
		if (keep)
			ids[w++] = ids[i];
	}
	c->v->loc_line_n[l] = w;
}

/* ------------------------------------------------------------------------
 * Set-up: sample index, label units, total, identity lines and samples
 * ------------------------------------------------------------------------ */

struct unit_ctx {
	const struct hd_str *keys;
	struct hd_str key;
};

static bool unit_key_eq(const void *ctx, uint32_t id)
{
	const struct unit_ctx *u = ctx;
	return hd_str_eq(u->keys[id], u->key);
}

/* profile.go NumLabelUnits: first non-empty unit per key, else inferred. */
static enum hd_status identify_num_units(struct filter_ctx *c)
{
	const struct hd_profile *p = c->p;
	struct hd_view *v = c->v;
	uint64_t n_num = 0;
	for (uint64_t i = 0; i < p->n_labels; i++)
		n_num += p->labels[i].is_num;
	if (n_num == 0)
		return HD_OK;
	size_t cap = n_num < 64 ? (size_t)n_num : 64;
	struct hd_idtab tab;
	if (!hd_idtab_init(&tab, cap))
		return hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
	struct hd_str *keys = NULL, *units = NULL;
	uint32_t n = 0, kcap = 0;
	enum hd_status st = HD_OK;
	uint64_t seed = hd_hash_seed();
	/* Keys are slices of the string table: the same key at the same
	 * address (every sample's "bytes" in a Go profile) needs no lookup. */
	struct hd_str last_key = {NULL, 0};
	uint32_t last_id = HD_NONE;
	for (uint64_t s = 0; s < p->n_samples && st == HD_OK; s++) {
		const struct hd_sample *sm = &p->samples[s];
		for (uint32_t j = 0; j < sm->n_labels; j++) {
			const struct hd_label *lb = &p->labels[sm->first_label + j];
			if (!lb->is_num)
				continue;
			if (last_id != HD_NONE && lb->key.ptr == last_key.ptr &&
			    lb->key.len == last_key.len) {
				if (units[last_id].len == 0 && lb->num_unit.len)
					units[last_id] = lb->num_unit;
				continue;
			}
			uint64_t h = hd_hash_bytes(lb->key.ptr, lb->key.len, seed);
			struct unit_ctx uc = {keys, lb->key};
			uint32_t id = keys ? hd_idtab_find(&tab, h, unit_key_eq, &uc) : HD_NONE;
			if (id == HD_NONE) {
				if (n == kcap) {
					uint32_t ncap = kcap ? kcap * 2 : 8;
					struct hd_str *nk = hd_arena_alloc(v->arena, ncap * sizeof(*nk));
					struct hd_str *nu = hd_arena_alloc(v->arena, ncap * sizeof(*nu));
					if (!nk || !nu || ncap < kcap) {
						st = hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
						break;
					}
					if (n) {
						memcpy(nk, keys, n * sizeof(*nk));
						memcpy(nu, units, n * sizeof(*nu));
					}
					keys = nk;
					units = nu;
					kcap = ncap;
				}
				id = n++;
				keys[id] = lb->key;
				units[id] = (struct hd_str){"", 0};
				if (!hd_idtab_add(&tab, h, id)) {
					st = hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
					break;
				}
			}
			if (units[id].len == 0 && lb->num_unit.len)
				units[id] = lb->num_unit;
			last_key = lb->key;
			last_id = id;
		}
	}
	hd_idtab_release(&tab);
	if (st != HD_OK)
		return st;
	for (uint32_t i = 0; i < n; i++) {
		if (units[i].len)
			continue;
		if (hd_str_eqc(keys[i], "alignment") || hd_str_eqc(keys[i], "request"))
			units[i] = hd_str_c("bytes");
		else
			units[i] = keys[i];
	}
	v->num_keys = keys;
	v->num_units = units;
	v->n_num_keys = n;
	return HD_OK;
}

static bool is_diff_base(const struct hd_profile *p, uint64_t s)
{
	const struct hd_sample *sm = &p->samples[s];
	for (uint32_t j = 0; j < sm->n_labels; j++) {
		const struct hd_label *lb = &p->labels[sm->first_label + j];
		if (!lb->is_num && hd_str_eqc(lb->key, "pprof::base") && hd_str_eqc(lb->str, "true"))
			return true;
	}
	return false;
}

/* Go's int64 arithmetic wraps; C's would be undefined.  Sums wrap here too. */
/* report.go computeTotal: over every sample, or with -relative_percentages
 * over those the filters kept (pprof then filters before New). */
static void compute_total(struct filter_ctx *c, bool kept)
{
	const struct hd_profile *p = c->p;
	uint32_t nt = p->n_sample_types, idx = c->v->sample_index;
	bool mean = c->v->options.mean;
	int64_t total = 0, div = 0, diff_total = 0, diff_div = 0;
	uint64_t n = kept ? c->v->n_samples : p->n_samples;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t s = kept ? c->v->samples[i].sample : i;
		const int64_t *vals = p->values + s * nt;
		int64_t v = hd_i64_abs(vals[idx]);
		int64_t d = mean ? vals[0] : 0;
		total = hd_i64_add(total, v);
		div = hd_i64_add(div, d);
		if (is_diff_base(p, s)) {
			diff_total = hd_i64_add(diff_total, v);
			diff_div = hd_i64_add(diff_div, d);
		}
	}
	if (diff_total > 0) {
		total = diff_total;
		div = diff_div;
	}
	if (div != 0 && !(total == INT64_MIN && div == -1))
		total /= div;
	c->v->total = total;
}

static enum hd_status init_lines_and_samples(struct filter_ctx *c)
{
	const struct hd_profile *p = c->p;
	struct hd_view *v = c->v;
	uint64_t n_lines = 0;
	for (uint32_t l = 0; l < p->n_locations; l++)
		n_lines += p->locations[l].n_lines;
	v->loc_line_first = hd_arena_alloc(v->arena, (size_t)p->n_locations * 4 + 4);
	v->loc_line_n = hd_arena_alloc(v->arena, (size_t)p->n_locations * 4 + 4);
	v->line_ids = hd_arena_alloc(v->arena, (size_t)n_lines * 4 + 4);
	v->samples = hd_arena_alloc(v->arena, (size_t)p->n_samples * sizeof(*v->samples) + 1);
	if (hd_arena_failed(v->arena))
		return hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
	uint32_t w = 0;
	for (uint32_t l = 0; l < p->n_locations; l++) {
		const struct hd_location *loc = &p->locations[l];
		v->loc_line_first[l] = w;
		v->loc_line_n[l] = loc->n_lines;
		for (uint32_t i = 0; i < loc->n_lines; i++)
			v->line_ids[w++] = loc->first_line + i;
	}
	uint32_t nt = p->n_sample_types, idx = v->sample_index;
	for (uint64_t s = 0; s < p->n_samples; s++) {
		struct hd_vsample *vs = &v->samples[s];
		const int64_t *vals = p->values + s * nt;
		vs->locs = p->sample_locs + p->samples[s].first_loc;
		vs->n_locs = p->samples[s].n_locs;
		vs->sample = s;
		vs->value = vals[idx];
		vs->divisor = v->options.mean ? vals[0] : 0;
	}
	v->n_samples = p->n_samples;
	return HD_OK;
}

/* ------------------------------------------------------------------------
 * prune.go: Prune (drop_frames/keep_frames) and PruneFrom
 * ------------------------------------------------------------------------ */

static enum hd_status prune_drop_frames(struct filter_ctx *c)
{
	const struct hd_profile *p = c->p;
	struct hd_view *v = c->v;
	if (c->v->options.all_frames || p->drop_frames.len == 0)
		return HD_OK;
	char *drop = hd_arena_alloc(v->arena, p->drop_frames.len + 1);
	char *keep = hd_arena_alloc(v->arena, p->keep_frames.len + 1);
	if (!drop || !keep)
		return hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
	memcpy(drop, p->drop_frames.ptr, p->drop_frames.len);
	drop[p->drop_frames.len] = '\0';
	if (p->keep_frames.len)
		memcpy(keep, p->keep_frames.ptr, p->keep_frames.len);
	keep[p->keep_frames.len] = '\0';
	struct matcher md, mk;
	memset(&mk, 0, sizeof(mk));
	/* pprof ignores RemoveUninteresting's error: a bad regex prunes
	 * nothing, and no message is left behind. */
	struct hd_error *saved = c->err;
	c->err = NULL;
	enum hd_status st = matcher_init(c, &md, drop, "^(", ")$", "drop_frames");
	if (st == HD_OK && *keep) {
		st = matcher_init(c, &mk, keep, "^(", ")$", "keep_frames");
		if (st != HD_OK)
			matcher_release(&md);
	}
	c->err = saved;
	if (st == HD_ERR_REGEX)
		return HD_OK;
	if (st != HD_OK)
		return hd_error_set(c->err, st, "out of memory");
	/* per location: 0 nothing, 1 prune beneath (inner line matched), 2 prune whole */
	uint8_t *mark = hd_arena_calloc(v->arena, (size_t)p->n_locations + 1, 1);
	if (!mark) {
		matcher_release(&md);
		matcher_release(&mk);
		return hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
	}
	for (uint32_t l = 0; l < p->n_locations; l++) {
		uint32_t *ids = v->line_ids + v->loc_line_first[l];
		uint32_t n = v->loc_line_n[l];
		int64_t i;
		for (i = (int64_t)n - 1; i >= 0; i--) {
			uint32_t f = p->lines[ids[i]].function;
			if (!valid_fn(p, f) || p->functions[f].name.len == 0)
				continue;
			if (simple_matches(p, &md, f) && !(mk.re && simple_matches(p, &mk, f)))
				break;
		}
		if (i < 0)
			continue;
		if (i == (int64_t)n - 1) {
			mark[l] = 2;
		} else {
			mark[l] = 1;
			/* keep the lines outside the matched frame: ids[i+1..n) */
			memmove(ids, ids + i + 1, (size_t)(n - (uint32_t)i - 1) * sizeof(*ids));
			v->loc_line_n[l] = n - (uint32_t)i - 1;
		}
	}
	matcher_release(&md);
	matcher_release(&mk);
	for (uint64_t s = 0; s < v->n_samples; s++) {
		struct hd_vsample *vs = &v->samples[s];
		bool found_user = false;
		for (int64_t i = (int64_t)vs->n_locs - 1; i >= 0; i--) {
			uint8_t m = mark[vs->locs[i]];
			if (!m) {
				found_user = true;
				continue;
			}
			if (!found_user)
				continue;
			/* 2: drop the location and its callees; 1: keep it */
			uint32_t cut = (uint32_t)i + (m == 2);
			vs->locs += cut;
			vs->n_locs -= cut;
			break;
		}
	}
	return HD_OK;
}

static enum hd_status prune_from(struct filter_ctx *c, const char *pattern)
{
	const struct hd_profile *p = c->p;
	struct hd_view *v = c->v;
	struct matcher m;
	enum hd_status st = matcher_init(c, &m, pattern, "", "", "prune_from");
	if (st != HD_OK)
		return st;
	uint8_t *beneath = hd_arena_calloc(v->arena, (size_t)p->n_locations + 1, 1);
	if (!beneath) {
		matcher_release(&m);
		return hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
	}
	for (uint32_t l = 0; l < p->n_locations; l++) {
		uint32_t *ids = v->line_ids + v->loc_line_first[l];
		uint32_t n = v->loc_line_n[l];
		for (uint32_t i = 0; i < n; i++) {
			uint32_t f = p->lines[ids[i]].function;
			if (!valid_fn(p, f) || p->functions[f].name.len == 0)
				continue;
			if (simple_matches(p, &m, f)) {
				beneath[l] = 1;
				memmove(ids, ids + i, (size_t)(n - i) * sizeof(*ids));
				v->loc_line_n[l] = n - i;
				break;
			}
		}
	}
	matcher_release(&m);
	for (uint64_t s = 0; s < v->n_samples; s++) {
		struct hd_vsample *vs = &v->samples[s];
		for (uint32_t i = 0; i < vs->n_locs; i++) {
			if (beneath[vs->locs[i]]) {
				vs->locs += i;
				vs->n_locs -= i;
				break;
			}
		}
	}
	return HD_OK;
}

/* ------------------------------------------------------------------------
 * filter.go: FilterSamplesByName and ShowFrom
 * ------------------------------------------------------------------------ */

enum { LOC_NONE = 0, LOC_FOCUS = 1, LOC_IGNORE = 2 };

static enum hd_status filter_by_name(struct filter_ctx *c)
{
	const struct hd_profile *p = c->p;
	struct hd_view *v = c->v;
	const struct hd_report_options *o = &v->options;
	if (!o->focus && !o->ignore && !o->hide && !o->show)
		return HD_OK;
	struct matcher mf, mi, mh, ms;
	memset(&mf, 0, sizeof(mf));
	memset(&mi, 0, sizeof(mi));
	memset(&mh, 0, sizeof(mh));
	memset(&ms, 0, sizeof(ms));
	enum hd_status st = HD_OK;
	if (o->focus)
		st = matcher_init(c, &mf, o->focus, "", "", "focus");
	if (st == HD_OK && o->ignore)
		st = matcher_init(c, &mi, o->ignore, "", "", "ignore");
	if (st == HD_OK && o->hide)
		st = matcher_init(c, &mh, o->hide, "", "", "hide");
	if (st == HD_OK && o->show)
		st = matcher_init(c, &ms, o->show, "", "", "show");
	uint8_t *state = NULL, *hidden = NULL;
	if (st == HD_OK) {
		state = hd_arena_calloc(v->arena, (size_t)p->n_locations + 1, 1);
		hidden = hd_arena_calloc(v->arena, (size_t)p->n_locations + 1, 1);
		if (!state || !hidden)
			st = hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
	}
	bool fm = false, im = false, hm = false, hnm = false, any_hidden = false;
	for (uint32_t l = 0; st == HD_OK && l < p->n_locations; l++) {
		if (mi.re && loc_matches(c, &mi, l)) {
			im = true;
			state[l] = LOC_IGNORE;
		} else if (!mf.re || loc_matches(c, &mf, l)) {
			fm = true;
			state[l] = LOC_FOCUS;
		}
		if (mh.re && loc_matches(c, &mh, l)) {
			hm = true;
			if (map_matches(p, &mh, &p->locations[l]))
				v->loc_line_n[l] = 0;
			else
				loc_keep_lines(c, l, &mh, false);
			if (v->loc_line_n[l] == 0)
				hidden[l] = 1;
		}
		if (ms.re) {
			if (!map_matches(p, &ms, &p->locations[l]))
				loc_keep_lines(c, l, &ms, true);
			if (v->loc_line_n[l] == 0)
				hidden[l] = 1;
			else
				hnm = true;
		}
		any_hidden = any_hidden || hidden[l];
	}
	matcher_release(&mf);
	matcher_release(&mi);
	matcher_release(&mh);
	matcher_release(&ms);
	if (st != HD_OK)
		return st;

	uint64_t w = 0;
	for (uint64_t s = 0; s < v->n_samples; s++) {
		struct hd_vsample vs = v->samples[s];
		bool focused = false, ignored = false;
		for (uint32_t i = 0; i < vs.n_locs && !ignored; i++) {
			uint8_t m = state[vs.locs[i]];
			focused = focused || m == LOC_FOCUS;
			ignored = m == LOC_IGNORE;
		}
		if (!focused || ignored)
			continue;
		if (any_hidden) {
			uint32_t keep = 0;
			for (uint32_t i = 0; i < vs.n_locs; i++)
				keep += !hidden[vs.locs[i]];
			if (keep == 0)
				continue;
			if (keep != vs.n_locs) {
				uint32_t *locs = hd_arena_alloc(v->arena, (size_t)keep * 4);
				if (!locs)
					return hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
				uint32_t k = 0;
				for (uint32_t i = 0; i < vs.n_locs; i++)
					if (!hidden[vs.locs[i]])
						locs[k++] = vs.locs[i];
				vs.locs = locs;
				vs.n_locs = keep;
			}
		}
		v->samples[w++] = vs;
	}
	v->n_samples = w;
	if (o->focus && !fm)
		v->unmatched |= HD_FILTER_FOCUS;
	if (o->ignore && !im)
		v->unmatched |= HD_FILTER_IGNORE;
	if (o->hide && !hm)
		v->unmatched |= HD_FILTER_HIDE;
	if (o->show && !hnm)
		v->unmatched |= HD_FILTER_SHOW;
	return HD_OK;
}

static enum hd_status show_from(struct filter_ctx *c, const char *pattern)
{
	const struct hd_profile *p = c->p;
	struct hd_view *v = c->v;
	struct matcher m;
	enum hd_status st = matcher_init(c, &m, pattern, "", "", "show_from");
	if (st != HD_OK)
		return st;
	uint8_t *hit = hd_arena_calloc(v->arena, (size_t)p->n_locations + 1, 1);
	if (!hit) {
		matcher_release(&m);
		return hd_error_set(c->err, HD_ERR_NOMEM, "out of memory");
	}
	bool matched = false;
	for (uint32_t l = 0; l < p->n_locations; l++) {
		if (map_matches(p, &m, &p->locations[l])) {
			hit[l] = matched = true;
			continue;
		}
		const uint32_t *ids = v->line_ids + v->loc_line_first[l];
		for (int64_t i = (int64_t)v->loc_line_n[l] - 1; i >= 0; i--) {
			uint32_t f = p->lines[ids[i]].function;
			if (valid_fn(p, f) && fn_matches(p, &m, f)) {
				v->loc_line_n[l] = (uint32_t)i + 1;
				hit[l] = matched = true;
				break;
			}
		}
	}
	matcher_release(&m);
	uint64_t w = 0;
	for (uint64_t s = 0; s < v->n_samples; s++) {
		struct hd_vsample vs = v->samples[s];
		for (int64_t i = (int64_t)vs.n_locs - 1; i >= 0; i--) {
			if (hit[vs.locs[i]]) {
				vs.n_locs = (uint32_t)i + 1;
				v->samples[w++] = vs;
				break;
			}
		}
	}
	v->n_samples = w;
	if (!matched)
		v->unmatched |= HD_FILTER_SHOW_FROM;
	return HD_OK;
}

/* ------------------------------------------------------------------------
 * hd_view_new
 * ------------------------------------------------------------------------ */

static const char *dup_opt(struct hd_arena *a, const char *s, bool *fail)
{
	if (!s || !*s)
		return NULL;
	struct hd_str d = hd_arena_strdup(a, hd_str_c(s));
	if (!d.ptr)
		*fail = true;
	return d.ptr;
}

static enum hd_status copy_options(struct hd_view *v, const struct hd_report_options *o,
				   struct hd_error *err)
{
	struct hd_report_options def;
	if (!o) {
		hd_report_options_default(&def);
		o = &def;
	}
	if ((unsigned)o->granularity > HD_GRANULARITY_ADDRESSES)
		return hd_error_set(err, HD_ERR_USAGE, "unknown granularity %d", (int)o->granularity);
	if (!(o->nodefraction >= 0 && o->nodefraction <= 1) ||
	    !(o->edgefraction >= 0 && o->edgefraction <= 1))
		return hd_error_set(err, HD_ERR_USAGE,
				    "nodefraction and edgefraction must be between 0 and 1");
	bool fail = false;
	struct hd_arena *a = v->arena;
	v->options = *o;
	v->options.sample_index = dup_opt(a, o->sample_index, &fail);
	v->options.focus = dup_opt(a, o->focus, &fail);
	v->options.ignore = dup_opt(a, o->ignore, &fail);
	v->options.hide = dup_opt(a, o->hide, &fail);
	v->options.show = dup_opt(a, o->show, &fail);
	v->options.show_from = dup_opt(a, o->show_from, &fail);
	v->options.prune_from = dup_opt(a, o->prune_from, &fail);
	v->options.tagfocus = dup_opt(a, o->tagfocus, &fail);
	v->options.tagignore = dup_opt(a, o->tagignore, &fail);
	v->options.tagroot = dup_opt(a, o->tagroot, &fail);
	v->options.tagleaf = dup_opt(a, o->tagleaf, &fail);
	v->options.tagshow = dup_opt(a, o->tagshow, &fail);
	v->options.taghide = dup_opt(a, o->taghide, &fail);
	v->options.trim_path = dup_opt(a, o->trim_path, &fail);
	v->options.source_path = dup_opt(a, o->source_path, &fail);
	v->options.unit = dup_opt(a, o->unit ? o->unit : "minimum", &fail);
	if (!v->options.unit && !fail)
		v->options.unit = "minimum";
	return fail ? hd_error_set(err, HD_ERR_NOMEM, "out of memory") : HD_OK;
}

enum hd_status hd_view_new(const struct hd_profile *profile,
			   const struct hd_report_options *options,
			   struct hd_view **view_ret, struct hd_error *err)
{
	if (!profile || !view_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no profile");
	struct hd_view *v = hd_view_alloc(profile);
	if (!v)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	struct filter_ctx c = {v, profile, err};
	enum hd_status st = copy_options(v, options, err);
	if (st == HD_OK)
		st = hd_profile_resolve_sample_index(c.p, v->options.sample_index,
						     &v->sample_index, c.err);
	if (st == HD_OK)
		st = identify_num_units(&c);
	if (st == HD_OK)
		st = init_lines_and_samples(&c);
	if (st == HD_OK)
		st = prune_drop_frames(&c);
	if (st == HD_OK && (v->options.tagroot || v->options.tagleaf)) {
		st = hd_tag_frames_apply(v, err);
		c.p = v->profile;
	}
	bool relative = v->options.relative_percentages;
	if (st == HD_OK && !relative)
		compute_total(&c, false);
	if (st == HD_OK)
		st = filter_by_name(&c);
	if (st == HD_OK && v->options.show_from)
		st = show_from(&c, v->options.show_from);
	if (st == HD_OK && (v->options.tagfocus || v->options.tagignore))
		st = hd_filter_by_tag(v, err);
	if (st == HD_OK && (v->options.tagshow || v->options.taghide)) {
		st = hd_filter_tags_by_name(v, err);
		c.p = v->profile;
	}
	if (st == HD_OK && v->options.prune_from)
		st = prune_from(&c, v->options.prune_from);
	if (st == HD_OK && relative)
		compute_total(&c, true);
	if (st == HD_OK)
		st = hd_view_build_nodes(v, err);
	if (st == HD_OK)
		st = hd_view_build_stacks(v, err);
	if (st == HD_OK && hd_arena_failed(v->arena))
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	if (st != HD_OK) {
		hd_view_free(v);
		return st;
	}
	*view_ret = v;
	return HD_OK;
}

enum hd_status hd_profile_pruned(const struct hd_profile *p, struct hd_arena *arena,
				 const struct hd_profile **out_ret, struct hd_error *err)
{
	*out_ret = p;
	if (p->drop_frames.len == 0 || p->n_sample_types == 0)
		return HD_OK;
	struct hd_view *v = hd_view_alloc(p);
	if (!v)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	struct filter_ctx c = {v, p, err};
	enum hd_status st = copy_options(v, NULL, err);
	if (st == HD_OK)
		st = init_lines_and_samples(&c);
	if (st == HD_OK)
		st = prune_drop_frames(&c);
	struct hd_profile *d = st == HD_OK ? hd_arena_alloc(arena, sizeof(*d)) : NULL;
	struct hd_sample *samples = hd_arena_alloc(arena, (p->n_samples + 1) * sizeof(*samples));
	struct hd_location *locs =
		hd_arena_alloc(arena, ((size_t)p->n_locations + 1) * sizeof(*locs));
	if (st == HD_OK && (!d || !samples || !locs))
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	if (st == HD_OK) {
		*d = *p;
		/* every sample is still there, in order: only its stack moved */
		for (uint64_t s = 0; s < p->n_samples; s++) {
			samples[s] = p->samples[s];
			samples[s].first_loc = (uint64_t)(v->samples[s].locs - p->sample_locs);
			samples[s].n_locs = v->samples[s].n_locs;
		}
		/* pruned beneath: the kept lines are a suffix of the location's */
		for (uint32_t l = 0; l < p->n_locations; l++) {
			locs[l] = p->locations[l];
			uint32_t kept = v->loc_line_n[l];
			locs[l].first_line += locs[l].n_lines - kept;
			locs[l].n_lines = kept;
		}
		d->samples = samples;
		d->locations = locs;
		d->arena = NULL; /* owned by `arena` */
		*out_ret = d;
	}
	hd_view_free(v);
	return st;
}
