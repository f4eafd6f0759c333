/*
 * diagnose.c - hd_diagnose(): groups the samples of one heap profile or a
 * series of snapshots by allocation site (leaf function, file, line), finds
 * each site's owner (first frame outside the standard library and runtime),
 * collects the exact object sizes seen there, asks classify.c which
 * container explains them, gives a verdict (trend.c over the GC-published
 * observations of the series; retained/transient from one profile), decides
 * classic vs Swiss maps for the whole input, and ranks the findings.  The
 * words (estimates, evidence, advice) are advice.c's; rendering is in
 * src/lib/render/diagnose_*.c.  Design: docs/internals/diagnose.md.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "analyze/diagnose_int.h"
#include "analyze/prune.h"
#include "analyze/gomodel.h"

#define DEFAULT_PERIOD 524288 /* runtime.MemProfileRate default, runtime/mprof.go */
/*
 * Sites beyond this many (by bytes), or holding under 0.05% of both totals,
 * get the cheap classification only (frames and source line, no size search).
 */
#define MAX_FULL_CLASSIFY 200

enum { V_AO, V_AB, V_IO, V_IB };

struct site {
	struct hd_str function, file;
	int64_t line;
	/* for standard-library leaves: the owner frame is part of the site's identity */
	struct hd_str owner_function, owner_file;
	int64_t owner_line;
	uint64_t hash;
	int64_t *series;      /* inuse_bytes per ordered profile */
	int64_t *alloc_series;
	int64_t last[4];      /* values in the last profile */
	uint32_t sizes_prof;  /* newest profile with samples here */
	/* heaviest sample of the newest profile: its stack is reported */
	const struct hd_profile *best_p;
	uint32_t best_prof;
	uint64_t best_sample;
	int64_t best_weight;
	bool has_best;
	double rank_inuse, rank_alloc;
	uint32_t last_size; /* size entry + 1 this site added to last (0: none) */
};

struct size_entry {
	uint32_t site;
	uint32_t prof;
	uint64_t size;
	double v[4];
};

struct table {
	uint32_t *slots; /* index + 1; 0 = empty */
	size_t cap, n;
};

struct state {
	const struct hd_profile **prof; /* ordered; pruned by their drop_frames */
	struct hd_arena *pruned;        /* owns the pruned ones (analyze/prune.h) */
	size_t n_prof;
	struct site *sites;
	size_t n_sites, cap_sites;
	struct size_entry *sizes;
	size_t n_sizes, cap_sizes;
	struct table site_tab, size_tab;
	uint64_t seed;
};

/* ---- small open-addressing tables (seeded hash, power-of-two capacity) ---- */

static bool table_grow(struct table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 1024;
	uint32_t *ns = hd_calloc(ncap, sizeof(*ns));
	if (!ns)
		return false;
	hd_free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	t->n = 0;
	return true;
}

struct site_key {
	struct hd_str function, file, owner_function, owner_file;
	int64_t line, owner_line;
};

static uint64_t site_hash(struct state *st, const struct site_key *k)
{
	uint64_t h = hd_hash_bytes(k->function.ptr, k->function.len, st->seed);
	h = hd_hash_bytes(k->file.ptr, k->file.len, h);
	h = hd_hash_bytes(&k->line, sizeof(k->line), h);
	h = hd_hash_bytes(k->owner_function.ptr, k->owner_function.len, h);
	h = hd_hash_bytes(k->owner_file.ptr, k->owner_file.len, h);
	return hd_hash_bytes(&k->owner_line, sizeof(k->owner_line), h);
}

static uint64_t size_hash(struct state *st, uint32_t site, uint64_t size)
{
	uint64_t k[2] = {site, size};
	return hd_hash_bytes(k, sizeof(k), st->seed);
}

static void table_insert_raw(struct table *t, uint64_t h, uint32_t index)
{
	size_t mask = t->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask)
		if (!t->slots[i]) {
			t->slots[i] = index + 1;
			t->n++;
			return;
		}
}

static bool rehash_sites(struct state *st)
{
	if (!table_grow(&st->site_tab))
		return false;
	for (size_t i = 0; i < st->n_sites; i++)
		table_insert_raw(&st->site_tab, st->sites[i].hash, (uint32_t)i);
	return true;
}

static bool rehash_sizes(struct state *st)
{
	if (!table_grow(&st->size_tab))
		return false;
	for (size_t i = 0; i < st->n_sizes; i++)
		table_insert_raw(&st->size_tab,
				 size_hash(st, st->sizes[i].site, st->sizes[i].size), (uint32_t)i);
	return true;
}

/* Index of the site, created if new; -1 on allocation failure. */
static long site_get(struct state *st, const struct site_key *key)
{
	if ((st->site_tab.n + 1) * 2 > st->site_tab.cap && !rehash_sites(st))
		return -1;
	uint64_t h = site_hash(st, key);
	size_t mask = st->site_tab.cap - 1;
	size_t i = h & mask;
	for (;; i = (i + 1) & mask) {
		uint32_t s = st->site_tab.slots[i];
		if (!s)
			break;
		struct site *x = &st->sites[s - 1];
		if (x->hash == h && x->line == key->line && x->owner_line == key->owner_line &&
		    hd_str_eq(x->function, key->function) && hd_str_eq(x->file, key->file) &&
		    hd_str_eq(x->owner_function, key->owner_function) &&
		    hd_str_eq(x->owner_file, key->owner_file))
			return (long)(s - 1);
	}
	if (st->n_sites == st->cap_sites) {
		size_t nc = st->cap_sites ? st->cap_sites * 2 : 256;
		struct site *ns = hd_realloc(st->sites, nc * sizeof(*ns));
		if (!ns)
			return -1;
		st->sites = ns;
		st->cap_sites = nc;
	}
	struct site *x = &st->sites[st->n_sites];
	memset(x, 0, sizeof(*x));
	x->function = key->function;
	x->file = key->file;
	x->line = key->line;
	x->owner_function = key->owner_function;
	x->owner_file = key->owner_file;
	x->owner_line = key->owner_line;
	x->hash = h;
	x->series = hd_calloc(st->n_prof, sizeof(int64_t));
	x->alloc_series = hd_calloc(st->n_prof, sizeof(int64_t));
	if (!x->series || !x->alloc_series) {
		hd_free(x->series);
		hd_free(x->alloc_series);
		return -1;
	}
	st->site_tab.slots[i] = (uint32_t)st->n_sites + 1;
	st->site_tab.n++;
	return (long)st->n_sites++;
}

/* Adds v to entry e (of the same site and size) for snapshot prof. */
static void size_entry_add(struct size_entry *e, uint32_t prof, const double v[4])
{
	if (e->prof != prof) { /* a newer snapshot replaces the values */
		e->prof = prof;
		memset(e->v, 0, sizeof(e->v));
	}
	for (int k = 0; k < 4; k++)
		e->v[k] += v[k];
}

static bool size_add(struct state *st, uint32_t site, uint32_t prof, uint64_t size,
		     const double v[4])
{
	/* the samples of a site mostly repeat one size: try the last first */
	uint32_t last = st->sites[site].last_size;
	if (last && st->sizes[last - 1].size == size) {
		size_entry_add(&st->sizes[last - 1], prof, v);
		return true;
	}
	if ((st->size_tab.n + 1) * 2 > st->size_tab.cap && !rehash_sizes(st))
		return false;
	uint64_t h = size_hash(st, site, size);
	size_t mask = st->size_tab.cap - 1;
	size_t i = h & mask;
	for (;; i = (i + 1) & mask) {
		uint32_t s = st->size_tab.slots[i];
		if (!s)
			break;
		struct size_entry *e = &st->sizes[s - 1];
		if (e->site == site && e->size == size) {
			size_entry_add(e, prof, v);
			st->sites[site].last_size = s;
			return true;
		}
	}
	if (st->n_sizes == st->cap_sizes) {
		size_t nc = st->cap_sizes ? st->cap_sizes * 2 : 1024;
		struct size_entry *ns = hd_realloc(st->sizes, nc * sizeof(*ns));
		if (!ns)
			return false;
		st->sizes = ns;
		st->cap_sizes = nc;
	}
	struct size_entry *e = &st->sizes[st->n_sizes];
	e->site = site;
	e->prof = prof;
	e->size = size;
	memcpy(e->v, v, sizeof(e->v));
	st->size_tab.slots[i] = (uint32_t)st->n_sizes + 1;
	st->size_tab.n++;
	st->n_sizes++;
	st->sites[site].last_size = (uint32_t)st->n_sizes;
	return true;
}

/* ---- names ---- */

static const char *kind_names[] = {"unknown", "map", "slice", "buffer", "string", "object"};
static const char *impl_names[] = {"", "classic", "swiss"};
static const char *verdict_names[] = {"retained", "transient", "growing", "stable", "shrinking"};

const char *hd_kind_str(enum hd_kind kind)
{
	return (unsigned)kind < HD_ARRAY_SIZE(kind_names) ? kind_names[kind] : "unknown";
}

const char *hd_map_impl_str(enum hd_map_impl impl)
{
	return (unsigned)impl < HD_ARRAY_SIZE(impl_names) ? impl_names[impl] : "";
}

const char *hd_verdict_str(enum hd_verdict verdict)
{
	return (unsigned)verdict < HD_ARRAY_SIZE(verdict_names) ? verdict_names[verdict] : "";
}

void hd_diagnose_options_default(struct hd_diagnose_options *o)
{
	memset(o, 0, sizeof(*o));
}

int hd_go_version_parse(const char *version)
{
	return hd_go_parse_version(version);
}

/* ---- string lists and arena strings ---- */

void hd_strlist_add(struct hd_strlist *l, struct hd_arena *arena, const char *fmt, ...)
{
	if (l->failed)
		return;
	struct hd_buf b = HD_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	bool ok = hd_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	const char *s = ok ? hd_arena_memdup(arena, b.data, b.len + 1) : NULL;
	hd_buf_release(&b);
	if (!s) {
		l->failed = true;
		return;
	}
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 8;
		const char **ni = hd_realloc(l->items, nc * sizeof(*ni));
		if (!ni) {
			l->failed = true;
			return;
		}
		l->items = ni;
		l->cap = nc;
	}
	l->items[l->n++] = s;
}

void hd_strlist_release(struct hd_strlist *l)
{
	hd_free(l->items);
	memset(l, 0, sizeof(*l));
}

static const char *arena_str(struct hd_arena *a, struct hd_str s)
{
	struct hd_str c = hd_arena_strdup(a, s);
	return c.ptr ? c.ptr : NULL;
}

static const char **list_to_arena(struct hd_arena *a, const struct hd_strlist *l)
{
	if (l->n == 0)
		return NULL;
	const char **out = hd_arena_alloc(a, l->n * sizeof(*out));
	if (out)
		memcpy(out, l->items, l->n * sizeof(*out));
	return out;
}

/* ---- frames ---- */

static struct hd_str fn_name(const struct hd_profile *p, uint32_t fn)
{
	if (fn == HD_NONE || fn >= p->n_functions)
		return hd_str_c("?");
	struct hd_str s = p->functions[fn].name;
	return s.len ? s : hd_str_c("?");
}

static struct hd_str fn_file(const struct hd_profile *p, uint32_t fn)
{
	if (fn == HD_NONE || fn >= p->n_functions)
		return hd_str_c("");
	return p->functions[fn].filename;
}

/* Calls cb for each frame of a sample, leaf first (inline callees first). */
#define FOR_EACH_FRAME(p, smp, ln) \
	for (uint32_t li_ = 0; li_ < (smp)->n_locs; li_++) \
		for (const struct hd_location *loc_ = \
			     &(p)->locations[(p)->sample_locs[(smp)->first_loc + li_]]; \
		     loc_; loc_ = NULL) \
			for (uint32_t k_ = 0; k_ < loc_->n_lines; k_++) \
				for (const struct hd_line *ln = &(p)->lines[loc_->first_line + k_]; ln; \
				     ln = NULL)

/* ---- the analysis ---- */

static int type_index(const struct hd_profile *p, const char *name)
{
	return hd_profile_sample_type_index(p, name);
}

static int cmp_size_desc(const void *a, const void *b)
{
	const struct hd_cls_size *x = a, *y = b;
	return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

struct order_item {
	size_t index;
	int64_t time;
};

static int cmp_order(const void *a, const void *b)
{
	const struct order_item *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index ? 1 : 0;
}

/*
 * hd_is_std_function() of a function's name, computed once per function of
 * the profile: every frame of every sample with a standard-library leaf is
 * asked.  memo: n_functions + 1 bytes, 0 = not yet known, 1 = no, 2 = yes;
 * the last byte stands for every out-of-range index.
 */
static bool std_fn(const struct hd_profile *p, uint8_t *memo, uint32_t fn)
{
	uint64_t i = fn < p->n_functions ? fn : p->n_functions;
	if (!memo[i]) {
		struct hd_str name = fn_name(p, fn);
		memo[i] = hd_is_std_function(name.ptr, name.len) ? 2 : 1;
	}
	return memo[i] == 2;
}

/*
 * std_memo: see std_fn().  loc_site: n_locations entries, the site + 1 of a
 * sample whose leaf location is user code (its site depends on that
 * location alone), 0 until known - most samples then skip the site table.
 */
static bool collect_profile(struct state *st, size_t k, uint8_t *std_memo,
			    uint32_t *loc_site, struct hd_error *err)
{
	const struct hd_profile *p = st->prof[k];
	int ia = type_index(p, "alloc_objects"), ib = type_index(p, "alloc_space");
	int ic = type_index(p, "inuse_objects"), id = type_index(p, "inuse_space");
	const int cols[4] = {ia, ib, ic, id}; /* V_AO, V_AB, V_IO, V_IB */
	for (uint64_t i = 0; i < p->n_samples; i++) {
		const struct hd_sample *smp = &p->samples[i];
		const int64_t *vals = hd_profile_sample_values(p, i);
		double v[4] = {(double)vals[ia], (double)vals[ib], (double)vals[ic],
			       (double)vals[id]};
		if (v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 0)
			continue; /* not yet published (PPROF-SEMANTICS b.4) */
		struct hd_str fn = hd_str_c("(no stack)"), file = hd_str_c("");
		int64_t line = 0;
		bool std_leaf = false;
		uint32_t leaf_loc = HD_NONE;
		long si = -1;
		if (smp->n_locs > 0) {
			leaf_loc = p->sample_locs[smp->first_loc];
			const struct hd_location *loc = &p->locations[leaf_loc];
			if (loc->n_lines > 0) {
				const struct hd_line *ln = &p->lines[loc->first_line];
				fn = fn_name(p, ln->function);
				file = fn_file(p, ln->function);
				line = ln->line;
				std_leaf = std_fn(p, std_memo, ln->function);
			} else {
				fn = hd_str_c("(unsymbolized)");
			}
		}
		struct site_key key = {fn, file, hd_str_c(""), hd_str_c(""), line, 0};
		if (!std_leaf && leaf_loc != HD_NONE && loc_site[leaf_loc]) {
			si = (long)loc_site[leaf_loc] - 1;
		} else if (std_leaf) {
			bool leaf = true;
			FOR_EACH_FRAME(p, smp, ln)
			{
				if (leaf || std_fn(p, std_memo, ln->function)) {
					leaf = false;
					continue;
				}
				key.owner_function = fn_name(p, ln->function);
				key.owner_file = fn_file(p, ln->function);
				key.owner_line = ln->line;
				goto owner_found; /* leave the nested frame loops */
			}
		owner_found:;
		}
		if (si < 0) {
			si = site_get(st, &key);
			if (si < 0)
				return hd_error_set(err, HD_ERR_NOMEM, "out of memory") && false;
			if (!std_leaf && leaf_loc != HD_NONE)
				loc_site[leaf_loc] = (uint32_t)si + 1;
		}
		struct site *s = &st->sites[si];
		s->series[k] = hd_i64_add(s->series[k], vals[id]);
		s->alloc_series[k] = hd_i64_add(s->alloc_series[k], vals[ib]);
		if (k == st->n_prof - 1)
			for (int j = 0; j < 4; j++)
				s->last[j] = hd_i64_add(s->last[j], vals[cols[j]]);
		int64_t weight = vals[id] > 0 ? vals[id] : vals[ib] / 1024;
		if (!s->has_best || s->best_prof != k || weight > s->best_weight) {
			s->best_p = p;
			s->best_prof = (uint32_t)k;
			s->best_sample = i;
			s->best_weight = weight;
			s->has_best = true;
		}
		s->sizes_prof = (uint32_t)k + 1;
		int64_t size = 0;
		if (!hd_sample_num_label(p, i, "bytes", &size) || size <= 0) {
			if (v[0] > 0)
				size = hd_f64_to_i64(v[1] / v[0]);
			else if (v[2] > 0)
				size = hd_f64_to_i64(v[3] / v[2]);
		}
		if (size > 0 && !size_add(st, (uint32_t)si, (uint32_t)k, (uint64_t)size, v))
			return hd_error_set(err, HD_ERR_NOMEM, "out of memory") && false;
	}
	return true;
}

static bool collect(struct state *st, struct hd_error *err)
{
	for (size_t k = 0; k < st->n_prof; k++) {
		const struct hd_profile *p = st->prof[k];
		uint8_t *memo = hd_calloc(p->n_functions + 1, 1);
		uint32_t *loc_site = hd_calloc(p->n_locations + 1, sizeof(*loc_site));
		bool ok = memo && loc_site;
		if (!ok)
			hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		else
			ok = collect_profile(st, k, memo, loc_site, err);
		hd_free(memo);
		hd_free(loc_site);
		if (!ok)
			return false;
	}
	return true;
}

/* Owner, reported stack and standard-library hint from the site's heaviest sample. */
static bool describe_stack(struct hd_finding *f, const struct site *s, struct hd_arena *a,
			   enum hd_cls_hint *hint_ret, const char **std_leaf_ret)
{
	const struct hd_profile *p = s->best_p;
	const struct hd_sample *smp = &p->samples[s->best_sample];
	size_t n = 0;
	FOR_EACH_FRAME(p, smp, ln)
	{
		(void)ln;
		n++;
	}
	f->stack = n ? hd_arena_alloc(a, n * sizeof(*f->stack)) : NULL;
	if (n && !f->stack)
		return false;
	enum hd_cls_hint hint = HD_CLS_HINT_NONE;
	bool owner_found = false;
	size_t i = 0;
	*std_leaf_ret = NULL;
	FOR_EACH_FRAME(p, smp, ln)
	{
		struct hd_str name = fn_name(p, ln->function);
		f->stack[i++] = arena_str(a, name);
		if (owner_found)
			continue;
		if (hd_is_std_function(name.ptr, name.len)) {
			enum hd_cls_hint h = hd_classify_std_frame(name.ptr, name.len);
			if (!*std_leaf_ret)
				*std_leaf_ret = f->stack[i - 1];
			if (hint == HD_CLS_HINT_NONE || hint == HD_CLS_HINT_OBJECT)
				hint = h;
			continue;
		}
		owner_found = true;
		f->owner.function = f->stack[i - 1];
		f->owner.file = arena_str(a, fn_file(p, ln->function));
		f->owner.line = ln->line;
	}
	f->n_stack = n;
	if (!owner_found) {
		/* an all-runtime/stdlib stack: the site is its own owner */
		f->owner = f->site;
		hint = n ? HD_CLS_HINT_OBJECT : HD_CLS_HINT_NONE;
		*std_leaf_ret = NULL;
	}
	*hint_ret = hint;
	return !hd_arena_failed(a);
}

static double unscaled(double count, uint64_t size, int64_t period)
{
	/* scaleHeapSample (runtime/pprof/protomem.go) divided back out */
	if (period <= 1 || size == 0)
		return count;
	return count * (1.0 - exp(-(double)size / (double)period));
}

static enum hd_verdict single_verdict(int64_t inuse, int64_t alloc, const char **pattern)
{
	if (alloc > 0 && (double)inuse <= 0.05 * (double)alloc) {
		*pattern = "churn";
		return HD_VERDICT_TRANSIENT;
	}
	if (alloc > 0 && (double)inuse >= 0.9 * (double)alloc)
		*pattern = "burst";
	else
		*pattern = "accumulation";
	return HD_VERDICT_RETAINED;
}

static enum hd_status series_verdict(struct state *st, const struct site *s,
				     const uint32_t *epochs, size_t n_obs,
				     struct hd_finding *f, struct hd_error *err)
{
	const char *pattern = "";
	f->verdict = single_verdict(s->last[V_IB], s->last[V_AB], &pattern);
	f->pattern = pattern;
	if (n_obs < 2)
		return HD_OK;
	struct hd_trend_point *pts = hd_calloc(st->n_prof, sizeof(*pts));
	if (!pts)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	int64_t max_inuse = 0;
	for (size_t k = 0; k < st->n_prof; k++) {
		pts[k].time_nanos = st->prof[k]->time_nanos;
		pts[k].value = s->series[k];
		pts[k].epoch = epochs[k];
		if (s->series[k] > max_inuse)
			max_inuse = s->series[k];
	}
	bool timed = true;
	for (size_t k = 0; k < st->n_prof; k++)
		if (pts[k].time_nanos == 0 || (k && pts[k].time_nanos < pts[k - 1].time_nanos))
			timed = false;
	if (!timed)
		for (size_t k = 0; k < st->n_prof; k++)
			pts[k].time_nanos = 0;
	struct hd_trend_series tr;
	struct hd_error terr = {0};
	enum hd_status rc = hd_trend_series_analyze(pts, st->n_prof, NULL, &tr, NULL, &terr);
	hd_free(pts);
	if (rc != HD_OK)
		return HD_OK; /* keep the single-profile verdict */
	f->has_trend = true;
	f->slope_bytes_per_min = tr.slope_bytes_per_min;
	f->r2 = tr.r2;
	/*
	 * Differences and multiples of the series in 128 bits: the values
	 * come from the profiles, and a hostile one holds sums near INT64_MAX
	 * (the pipeline fuzzer's 10 * (last - first)).
	 */
	typedef __int128_t wide;
	wide alloc_growth = (wide)s->alloc_series[st->n_prof - 1] - s->alloc_series[0];
	if ((double)max_inuse <= 0.05 * (double)s->last[V_AB] && s->last[V_AB] > 0) {
		f->verdict = HD_VERDICT_TRANSIENT;
		f->pattern = alloc_growth > 0 ? "churn" : "burst-then-freed";
		return HD_OK;
	}
	bool never_fell = true;
	for (size_t k = 1; k < st->n_prof; k++)
		if (s->series[k] < s->series[k - 1])
			never_fell = false;
	int64_t last = s->series[st->n_prof - 1], first = s->series[0];
	wide rise = (wide)last - first;
	switch (tr.verdict) {
	case HD_TREND_GROWING:
		/* a rise under 10% of the level (or 1 MiB) is noise of sampling, not growth */
		f->verdict = rise >= 1048576 && 10 * rise >= last ?
				     HD_VERDICT_GROWING : HD_VERDICT_STABLE;
		break;
	case HD_TREND_SHRINKING:
		f->verdict = HD_VERDICT_SHRINKING;
		break;
	case HD_TREND_TRANSIENT:
		/* trend's "rose then gave back": still holding its level is stable here */
		f->verdict = 2 * (wide)last >= max_inuse ? HD_VERDICT_STABLE : HD_VERDICT_TRANSIENT;
		break;
	case HD_TREND_STABLE:
		/*
		 * Containers grow in steps (doubling arrays): a series that never
		 * fell and ends at 1.5x its start grew, even if its last steps are flat.
		 */
		f->verdict = never_fell && 2 * (wide)last >= 3 * (wide)first && last > 0 &&
					     s->alloc_series[st->n_prof - 1] > s->alloc_series[0] ?
				     HD_VERDICT_GROWING : HD_VERDICT_STABLE;
		break;
	default:
		break;
	}
	f->pattern = f->verdict == HD_VERDICT_STABLE ?
			     (alloc_growth > 0 ? "steady-state" : "burst") :
			     f->verdict == HD_VERDICT_GROWING ? "accumulation" : f->pattern;
	return HD_OK;
}

/* Collects, sorts and classifies one site's sizes; returns how many. */
static size_t site_sizes(const struct state *st, const struct size_entry *const *entries,
			 size_t n_entries, int64_t period, struct hd_cls_size *out)
{
	size_t n = 0;
	(void)st;
	/* keep the HD_CLS_MAX_SIZES sizes with the most allocated bytes */
	for (size_t i = 0; i < n_entries; i++) {
		const struct size_entry *e = entries[i];
		struct hd_cls_size c = {e->size, e->v[V_AO], e->v[V_AB], e->v[V_IO], e->v[V_IB], 0};
		c.raw_alloc = unscaled(c.alloc_objects, c.size, period);
		if (n < HD_CLS_MAX_SIZES) {
			out[n++] = c;
			continue;
		}
		size_t min = 0;
		for (size_t j = 1; j < n; j++)
			if (out[j].alloc_bytes < out[min].alloc_bytes)
				min = j;
		if (c.alloc_bytes > out[min].alloc_bytes)
			out[min] = c;
	}
	if (n > 1)
		qsort(out, n, sizeof(*out), cmp_size_desc);
	return n;
}

static void profile_notes(struct state *st, struct hd_diagnosis *d, struct hd_strlist *notes)
{
	int64_t period = st->prof[st->n_prof - 1]->period;
	bool mixed = false;
	for (size_t k = 0; k < st->n_prof; k++)
		if (st->prof[k]->period != period)
			mixed = true;
	if (mixed)
		hd_strlist_add(notes, d->arena,
			       "the snapshots were taken with different sampling periods; "
			       "their numbers are not directly comparable");
	if (period == 1)
		hd_strlist_add(notes, d->arena,
			       "period 1 (runtime.MemProfileRate = 1): every allocation was recorded, "
			       "so the counts are exact, not estimates - and the program ran slower "
			       "than it does in production");
	else if (period <= 0)
		hd_strlist_add(notes, d->arena,
			       "the profile has no sampling period: sampled counts cannot be "
			       "related to real allocation volumes");
	else if (period < DEFAULT_PERIOD / 4 || period > DEFAULT_PERIOD * 4)
		hd_strlist_add(notes, d->arena,
			       "sampling period %lld bytes, far from Go's default of 512 KiB "
			       "(runtime.MemProfileRate = 524288, not 512): one sample stands for "
			       "about %lld allocated bytes, so small objects are %s likely to appear "
			       "than in a default profile",
			       (long long)period, (long long)period,
			       period < DEFAULT_PERIOD ? "more" : "less");
	if (st->n_prof > d->n_observations)
		hd_strlist_add(notes, d->arena,
			       "%zu snapshots show only %zu distinct GC publications: a heap profile "
			       "changes only when a garbage collection publishes new data, so "
			       "identical consecutive snapshots count as one observation",
			       st->n_prof, d->n_observations);
}

static void decide_map_impl(struct hd_diagnosis *d, int go_minor,
			    const struct hd_cls_result *cls, const size_t *finding_of, size_t n)
{
	if (go_minor > 0) {
		d->map_impl = hd_go_swiss_default(go_minor) ? HD_MAP_IMPL_SWISS : HD_MAP_IMPL_CLASSIC;
		struct hd_strlist l = {0};
		hd_strlist_add(&l, d->arena,
			       "given: Go 1.%d uses %s (Swiss tables are the default from Go 1.24)",
			       go_minor, d->map_impl == HD_MAP_IMPL_SWISS ?
						 "Swiss-table maps" : "classic bucket maps");
		d->map_impl_evidence = l.n ? l.items[0] : NULL;
		hd_strlist_release(&l);
		return;
	}
	double votes[3] = {0, 0, 0};
	size_t best[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
	for (size_t i = 0; i < n; i++) {
		if (cls[i].kind != HD_KIND_MAP || cls[i].confidence < 0.4 ||
		    cls[i].map_impl == HD_MAP_IMPL_NONE)
			continue;
		votes[cls[i].map_impl] += cls[i].linked_bytes;
		if (best[cls[i].map_impl] == SIZE_MAX ||
		    cls[i].linked_bytes > cls[best[cls[i].map_impl]].linked_bytes)
			best[cls[i].map_impl] = i;
	}
	struct hd_strlist l = {0};
	enum hd_map_impl win = votes[HD_MAP_IMPL_CLASSIC] > votes[HD_MAP_IMPL_SWISS] ?
				       HD_MAP_IMPL_CLASSIC : HD_MAP_IMPL_SWISS;
	if (votes[win] <= 0) {
		d->map_impl = HD_MAP_IMPL_NONE;
		hd_strlist_add(&l, d->arena,
			       "undecided: no site's object sizes match the bucket arrays of classic "
			       "maps or the group arrays of Swiss tables (pass --go=VERSION)");
	} else {
		d->map_impl = win;
		const struct hd_finding *f = &d->findings[finding_of[best[win]]];
		const struct hd_cls_result *c = &cls[best[win]];
		char b1[32];
		if (win == HD_MAP_IMPL_CLASSIC)
			hd_strlist_add(&l, d->arena,
				       "classic bucket maps (Go <= 1.23): at %s the sizes %s..%s "
				       "are successive bucket arrays of a %llu-byte bucket (2^B buckets "
				       "plus 2^(B-4) overflow buckets, rounded to a size class), a "
				       "doubling no Swiss table makes",
				       f->site.function,
				       hd_fmt_bytes(b1, sizeof(b1), (double)f->sizes[f->n_sizes - 1].size),
				       hd_fmt_bytes((char[32]){0}, 32, (double)c->largest_size),
				       (unsigned long long)c->unit_min);
		else
			hd_strlist_add(&l, d->arena,
				       "Swiss-table maps (Go >= 1.24): at %s the %llu-byte group "
				       "arrays of full 1024-slot tables (%llu-%llu-byte groups) are "
				       "allocated again and again instead of one doubling array - "
				       "tables split at 1024 slots, which classic maps never do",
				       f->site.function, (unsigned long long)c->swiss_table_bytes,
				       (unsigned long long)c->unit_min, (unsigned long long)c->unit_max);
		if (votes[HD_MAP_IMPL_CLASSIC] > 0 && votes[HD_MAP_IMPL_SWISS] > 0)
			hd_strlist_add(&l, d->arena, "(other sites matched %s maps less strongly)",
				       win == HD_MAP_IMPL_CLASSIC ? "Swiss" : "classic");
	}
	if (l.n == 2) {
		struct hd_strlist j = {0};
		hd_strlist_add(&j, d->arena, "%s %s", l.items[0], l.items[1]);
		d->map_impl_evidence = j.n ? j.items[0] : NULL;
		hd_strlist_release(&j);
	} else {
		d->map_impl_evidence = l.n ? l.items[0] : NULL;
	}
	hd_strlist_release(&l);
}

struct owner_item {
	size_t site;
	struct hd_str owner;
};

static int cmp_owner_item(const void *a, const void *b)
{
	const struct owner_item *x = a, *y = b;
	int c = hd_str_cmp(x->owner, y->owner);
	return c ? c : (x->site < y->site ? -1 : x->site > y->site);
}

static int cmp_owner_summary(const void *a, const void *b)
{
	const struct hd_owner_summary *x = a, *y = b;
	if (x->inuse_bytes != y->inuse_bytes)
		return x->inuse_bytes < y->inuse_bytes ? 1 : -1;
	if (x->alloc_bytes != y->alloc_bytes)
		return x->alloc_bytes < y->alloc_bytes ? 1 : -1;
	return strcmp(x->function, y->function);
}

/*
 * Per-owner verdicts: the sites of one owner (the first non-stdlib frame;
 * for a user leaf the leaf itself) summed per snapshot, judged like a site.
 */
static enum hd_status build_owners(struct state *st, struct hd_diagnosis *d,
				   const uint32_t *epochs, struct hd_error *err)
{
	enum hd_status rc = HD_ERR_NOMEM;
	struct owner_item *items = hd_calloc(st->n_sites + 1, sizeof(*items));
	struct site tmp;
	memset(&tmp, 0, sizeof(tmp));
	tmp.series = hd_calloc(st->n_prof, sizeof(int64_t));
	tmp.alloc_series = hd_calloc(st->n_prof, sizeof(int64_t));
	if (!items || !tmp.series || !tmp.alloc_series)
		goto out;
	size_t n = 0;
	for (size_t i = 0; i < st->n_sites; i++) {
		const struct site *s = &st->sites[i];
		if (!s->has_best)
			continue;
		items[n].site = i;
		items[n].owner = s->owner_function.len ? s->owner_function : s->function;
		n++;
	}
	if (n > 1)
		qsort(items, n, sizeof(*items), cmp_owner_item);
	size_t n_owners = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || !hd_str_eq(items[i].owner, items[i - 1].owner))
			n_owners++;
	d->owners = n_owners ? hd_arena_calloc(d->arena, n_owners, sizeof(*d->owners)) : NULL;
	if (n_owners && !d->owners)
		goto out;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		memset(tmp.series, 0, st->n_prof * sizeof(int64_t));
		memset(tmp.alloc_series, 0, st->n_prof * sizeof(int64_t));
		memset(tmp.last, 0, sizeof(tmp.last));
		for (; j < n && hd_str_eq(items[j].owner, items[i].owner); j++) {
			const struct site *s = &st->sites[items[j].site];
			for (size_t k = 0; k < st->n_prof; k++) {
				tmp.series[k] = hd_i64_add(tmp.series[k], s->series[k]);
				tmp.alloc_series[k] = hd_i64_add(tmp.alloc_series[k], s->alloc_series[k]);
			}
			for (int v = 0; v < 4; v++)
				tmp.last[v] = hd_i64_add(tmp.last[v], s->last[v]);
		}
		struct hd_owner_summary *w = &d->owners[o++];
		struct hd_finding f;
		memset(&f, 0, sizeof(f));
		if ((rc = series_verdict(st, &tmp, epochs, d->n_observations, &f, err)) != HD_OK)
			goto out;
		rc = HD_ERR_NOMEM;
		w->function = arena_str(d->arena, items[i].owner);
		w->n_sites = j - i;
		w->inuse_bytes = tmp.last[V_IB];
		w->alloc_bytes = tmp.last[V_AB];
		w->n_series = st->n_prof;
		w->series = hd_arena_memdup(d->arena, tmp.series, st->n_prof * sizeof(int64_t));
		w->verdict = f.verdict;
		w->slope_bytes_per_min = f.has_trend ? f.slope_bytes_per_min : 0;
		if (!w->function || !w->series)
			goto out;
		i = j;
	}
	d->n_owners = o;
	if (d->n_owners > 1) /* owners is NULL when there are none */
		qsort(d->owners, d->n_owners, sizeof(*d->owners), cmp_owner_summary);
	rc = HD_OK;
out:
	if (rc == HD_ERR_NOMEM)
		hd_error_set(err, rc, "out of memory");
	hd_free(items);
	hd_free(tmp.series);
	hd_free(tmp.alloc_series);
	return rc;
}

struct rank_item {
	size_t site;
	int64_t inuse, alloc;
	const struct site *s;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct rank_item *x = a, *y = b;
	if (x->inuse != y->inuse)
		return x->inuse < y->inuse ? 1 : -1;
	if (x->alloc != y->alloc)
		return x->alloc < y->alloc ? 1 : -1;
	int c = hd_str_cmp(x->s->function, y->s->function);
	if (c)
		return c;
	c = hd_str_cmp(x->s->file, y->s->file);
	if (c)
		return c;
	if (x->s->line != y->s->line)
		return x->s->line < y->s->line ? -1 : 1;
	/* one leaf line with several owners: first seen first (a total order) */
	return x->site < y->site ? -1 : x->site > y->site;
}

/*
 * Puts the k first items of the cmp_rank order, sorted, in r[0..k): a heap
 * of the k best so far (worst on top) instead of sorting every site - a
 * large profile has 10^5 sites and shows ten.
 */
static void heap_down(struct rank_item *h, size_t n, size_t i)
{
	for (;;) {
		size_t w = i, l = 2 * i + 1, r = l + 1;
		if (l < n && cmp_rank(&h[l], &h[w]) > 0)
			w = l;
		if (r < n && cmp_rank(&h[r], &h[w]) > 0)
			w = r;
		if (w == i)
			return;
		struct rank_item t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static void rank_first(struct rank_item *r, size_t n, size_t k)
{
	if (k == 0 || k >= n / 4) {
		if (n > 1)
			qsort(r, n, sizeof(*r), cmp_rank);
		return;
	}
	for (size_t i = k / 2; i-- > 0;)
		heap_down(r, k, i);
	for (size_t i = k; i < n; i++)
		if (cmp_rank(&r[i], &r[0]) < 0) {
			r[0] = r[i];
			heap_down(r, k, 0);
		}
	qsort(r, k, sizeof(*r), cmp_rank);
}

static void state_release(struct state *st)
{
	for (size_t i = 0; i < st->n_sites; i++) {
		hd_free(st->sites[i].series);
		hd_free(st->sites[i].alloc_series);
	}
	hd_free(st->sites);
	hd_free(st->sizes);
	hd_free(st->site_tab.slots);
	hd_free(st->size_tab.slots);
	hd_free(st->prof);
	hd_arena_free(st->pruned);
}

static enum hd_status build_findings(struct state *st, struct hd_diagnosis *d,
				     const struct hd_diagnose_options *o, const uint32_t *epochs,
				     struct hd_error *err)
{
	enum hd_status rc = HD_ERR_NOMEM;
	struct rank_item *rank = hd_calloc(st->n_sites + 1, sizeof(*rank));
	size_t *first = hd_calloc(st->n_sites + 1, sizeof(*first));
	const struct size_entry **by_site = hd_calloc(st->n_sizes + 1, sizeof(*by_site));
	struct hd_cls_result *cls = NULL;
	size_t *finding_of = NULL;
	struct hd_cls_size *cs = hd_calloc(HD_CLS_MAX_SIZES, sizeof(*cs));
	if (!rank || !first || !by_site || !cs)
		goto out;
	/* group the newest snapshot's sizes by site (counting sort) */
	for (size_t i = 0; i < st->n_sizes; i++) {
		const struct size_entry *e = &st->sizes[i];
		if (e->prof + 1 == st->sites[e->site].sizes_prof)
			first[e->site + 1]++;
	}
	for (size_t i = 0; i < st->n_sites; i++)
		first[i + 1] += first[i];
	{
		size_t *fill = hd_calloc(st->n_sites + 1, sizeof(*fill));
		if (!fill)
			goto out;
		for (size_t i = 0; i < st->n_sizes; i++) {
			const struct size_entry *e = &st->sizes[i];
			if (e->prof + 1 == st->sites[e->site].sizes_prof)
				by_site[first[e->site] + fill[e->site]++] = e;
		}
		hd_free(fill);
	}
	int64_t total_inuse = 0, total_alloc = 0;
	for (size_t i = 0; i < st->n_sites; i++) {
		total_inuse = hd_i64_add(total_inuse, st->sites[i].last[V_IB]);
		total_alloc = hd_i64_add(total_alloc, st->sites[i].last[V_AB]);
	}
	d->total_inuse_bytes = total_inuse;
	d->total_alloc_bytes = total_alloc;
	size_t n_rank = 0;
	for (size_t i = 0; i < st->n_sites; i++) {
		const struct site *s = &st->sites[i];
		if (!s->has_best)
			continue;
		if (o->min_fraction > 0 &&
		    (double)s->last[V_IB] < o->min_fraction * (double)total_inuse &&
		    (double)s->last[V_AB] < o->min_fraction * (double)total_alloc)
			continue;
		rank[n_rank++] = (struct rank_item){i, s->last[V_IB], s->last[V_AB], s};
	}
	d->n_sites = n_rank;
	size_t n_find = n_rank;
	if (o->max_findings && n_find > o->max_findings)
		n_find = o->max_findings;
	rank_first(rank, n_rank, n_find < n_rank ? n_find : 0);
	d->findings = n_find ? hd_arena_calloc(d->arena, n_find, sizeof(*d->findings)) : NULL;
	cls = hd_calloc(n_find + 1, sizeof(*cls));
	finding_of = hd_calloc(n_find + 1, sizeof(*finding_of));
	if ((n_find && !d->findings) || !cls || !finding_of)
		goto out;
	d->n_findings = n_find;
	int64_t period = st->prof[st->n_prof - 1]->period;
	for (size_t r = 0; r < n_find; r++) {
		const struct site *s = &st->sites[rank[r].site];
		struct hd_finding *f = &d->findings[r];
		finding_of[r] = r;
		f->site.function = arena_str(d->arena, s->function);
		f->site.file = arena_str(d->arena, s->file);
		f->site.line = s->line;
		enum hd_cls_hint hint = HD_CLS_HINT_NONE;
		const char *std_leaf = NULL;
		if (!describe_stack(f, s, d->arena, &hint, &std_leaf))
			goto out;
		f->inuse_bytes = s->last[V_IB];
		f->alloc_bytes = s->last[V_AB];
		f->inuse_objects = s->last[V_IO];
		f->alloc_objects = s->last[V_AO];
		f->n_series = st->n_prof;
		f->series = hd_arena_alloc(d->arena, st->n_prof * sizeof(int64_t));
		if (!f->series)
			goto out;
		memcpy(f->series, s->series, st->n_prof * sizeof(int64_t));
		size_t ne = first[rank[r].site + 1] - first[rank[r].site];
		size_t n_cs = site_sizes(st, by_site + first[rank[r].site], ne, period, cs);
		enum hd_cls_source src = HD_CLS_SRC_NONE;
		if (o->source_line && f->site.line > 0) {
			const char *line = o->source_line(o->source_ctx, f->site.file, f->site.line);
			if (line) {
				f->source_line = hd_arena_memdup(d->arena, line, strlen(line) + 1);
				src = hd_classify_source_line(line);
			}
		}
		bool big = (double)(s->last[V_IB]) >= 0.0005 * (double)total_inuse ||
			   (double)(s->last[V_AB]) >= 0.0005 * (double)total_alloc;
		if (r < MAX_FULL_CLASSIFY && big) {
			hd_classify_site(cs, n_cs, o->go_minor, hint, src, &cls[r]);
		} else {
			/* beyond the top sites: no size search, kind from the frames only */
			struct hd_cls_size none;
			hd_classify_site(&none, 0, o->go_minor, hint, src, &cls[r]);
		}
		f->kind = cls[r].kind;
		f->map_impl = cls[r].map_impl;
		f->confidence = cls[r].confidence;
		/* sizes table for the output */
		f->n_sizes = n_cs;
		f->sizes = n_cs ? hd_arena_calloc(d->arena, n_cs, sizeof(*f->sizes)) : NULL;
		if (n_cs && !f->sizes)
			goto out;
		for (size_t j = 0; j < n_cs; j++) {
			f->sizes[j].size = cs[j].size;
			f->sizes[j].alloc_objects = hd_f64_to_i64(cs[j].alloc_objects);
			f->sizes[j].alloc_bytes = hd_f64_to_i64(cs[j].alloc_bytes);
			f->sizes[j].inuse_objects = hd_f64_to_i64(cs[j].inuse_objects);
			f->sizes[j].inuse_bytes = hd_f64_to_i64(cs[j].inuse_bytes);
			f->sizes[j].role = "";
		}
		if ((rc = series_verdict(st, s, epochs, d->n_observations, f, err)) != HD_OK)
			goto out;
		rc = HD_ERR_NOMEM;
		struct hd_diag_site_facts facts = {&cls[r], cs, n_cs, period, d->n_observations,
						   std_leaf != NULL, std_leaf};
		struct hd_strlist ev = {0}, adv = {0};
		hd_diag_explain(f, &facts, d->arena, &ev, &adv);
		bool failed = ev.failed || adv.failed;
		f->evidence = list_to_arena(d->arena, &ev);
		f->n_evidence = ev.n;
		f->advice = list_to_arena(d->arena, &adv);
		f->n_advice = adv.n;
		hd_strlist_release(&ev);
		hd_strlist_release(&adv);
		if (failed || hd_arena_failed(d->arena))
			goto out;
	}
	decide_map_impl(d, o->go_minor, cls, finding_of, n_find);
	rc = hd_arena_failed(d->arena) ? HD_ERR_NOMEM : HD_OK;
out:
	if (rc == HD_ERR_NOMEM)
		hd_error_set(err, rc, "out of memory");
	hd_free(rank);
	hd_free(first);
	hd_free(by_site);
	hd_free(cls);
	hd_free(finding_of);
	hd_free(cs);
	return rc;
}

enum hd_status hd_diagnose(const struct hd_profile *const *profiles, size_t n,
			   const char *const *paths, const struct hd_diagnose_options *options,
			   struct hd_diagnosis **diagnosis_ret, struct hd_error *err)
{
	struct hd_diagnose_options def;
	if (!options) {
		hd_diagnose_options_default(&def);
		options = &def;
	}
	if (n == 0 || !profiles)
		return hd_error_set(err, HD_ERR_USAGE, "no profiles to diagnose");
	for (size_t k = 0; k < n; k++) {
		if (!profiles[k])
			return hd_error_set(err, HD_ERR_USAGE, "profile %zu is NULL", k + 1);
		static const char *const need[] = {"alloc_objects", "alloc_space", "inuse_objects",
						   "inuse_space"};
		for (size_t j = 0; j < 4; j++)
			if (hd_profile_sample_type_index(profiles[k], need[j]) < 0)
				return hd_error_set(err, HD_ERR_PROFILE,
						    "not a Go heap profile: no %s sample type%s%s",
						    need[j], paths && paths[k] ? " in " : "",
						    paths && paths[k] ? paths[k] : "");
	}
	enum hd_status rc = HD_ERR_NOMEM;
	struct state st = {0};
	struct hd_diagnosis *d = NULL;
	struct order_item *ord = hd_calloc(n, sizeof(*ord));
	uint32_t *epochs = hd_calloc(n, sizeof(*epochs));
	st.prof = hd_calloc(n, sizeof(*st.prof));
	if (!ord || !epochs || !st.prof)
		goto fail;
	/* snapshot order: by time when every profile has one, else as given */
	bool all_timed = true;
	for (size_t k = 0; k < n; k++) {
		ord[k].index = k;
		ord[k].time = profiles[k]->time_nanos;
		if (!ord[k].time)
			all_timed = false;
	}
	if (all_timed)
		if (n > 1)
			qsort(ord, n, sizeof(*ord), cmp_order);
	/* stacks as pprof reads them: a debug=1 profile's drop_frames (the
	 * runtime's allocation functions) are pruned, so its sites are the
	 * allocating code like the proto's */
	if (!(st.pruned = hd_arena_new()))
		goto fail;
	for (size_t k = 0; k < n; k++)
		if ((rc = hd_profile_pruned(profiles[ord[k].index], st.pruned, &st.prof[k], err)) !=
		    HD_OK)
			goto fail;
	st.n_prof = n;
	st.seed = hd_hash_seed();
	if ((rc = hd_trend_epochs(st.prof, n, epochs, err)) != HD_OK)
		goto fail;
	rc = HD_ERR_NOMEM;
	d = hd_calloc(1, sizeof(*d));
	if (!d || !(d->arena = hd_arena_new()))
		goto fail;
	d->go_minor = options->go_minor;
	d->n_profiles = n;
	d->n_observations = (size_t)epochs[n - 1] + 1;
	d->profiles = hd_arena_calloc(d->arena, n, sizeof(*d->profiles));
	if (!d->profiles)
		goto fail;
	for (size_t k = 0; k < n; k++) {
		d->profiles[k].path = paths && paths[ord[k].index] ?
					      arena_str(d->arena, hd_str_c(paths[ord[k].index])) :
					      NULL;
		d->profiles[k].time_nanos = st.prof[k]->time_nanos;
		d->profiles[k].period = st.prof[k]->period;
		d->profiles[k].epoch = epochs[k];
	}
	if (!collect(&st, err)) {
		rc = err ? err->code : HD_ERR_NOMEM;
		goto fail;
	}
	if ((rc = build_findings(&st, d, options, epochs, err)) != HD_OK)
		goto fail;
	if ((rc = build_owners(&st, d, epochs, err)) != HD_OK)
		goto fail;
	struct hd_strlist notes = {0};
	profile_notes(&st, d, &notes);
	d->notes = list_to_arena(d->arena, &notes);
	d->n_notes = notes.n;
	bool nfail = notes.failed;
	hd_strlist_release(&notes);
	if (nfail || hd_arena_failed(d->arena)) {
		rc = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto fail;
	}
	state_release(&st);
	hd_free(ord);
	hd_free(epochs);
	*diagnosis_ret = d;
	return HD_OK;
fail:
	if (rc == HD_ERR_NOMEM && err && err->code != HD_ERR_NOMEM)
		hd_error_set(err, rc, "out of memory");
	state_release(&st);
	hd_free(ord);
	hd_free(epochs);
	hd_diagnosis_free(d);
	return rc;
}

void hd_diagnosis_free(struct hd_diagnosis *d)
{
	if (!d)
		return;
	hd_arena_free(d->arena);
	hd_free(d);
}
