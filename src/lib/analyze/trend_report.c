/*
 * trend_report.c - hd_trend_analyze(): a series of heap profiles turned into
 * per-site and per-owner series, each judged by hd_trend_series_analyze()
 * (trend.c), ranked, projected against a limit, and annotated with
 * diagnose's view of the same site (kind, evidence, advice).  The renderers
 * are src/lib/render/trend_text.c and trend_json.c; docs/internals/trend.md
 * explains the grouping and the ranking.
 */
#include <stdlib.h>

#include "analyze/prune.h"
#include "analyze/classify.h"
#include "common.h"

/*
 * Grouping follows diagnose (src/lib/analyze/diagnose.c): the site is the
 * leaf frame; when the leaf is in the standard library (bytes.growSlice,
 * strings.(*Builder).grow) the owner - the first frame outside it - is part
 * of the site's identity, so the same library line under two callers is two
 * sites.  hd_is_std_function() (classify.c) decides what is standard.
 * Frames are slices into the current profile while scanning; rows keep
 * arena copies.
 */
struct frame_ref {
	struct hd_str function, file;
	int64_t line;
};

struct row_key {
	struct frame_ref site;
	struct frame_ref owner; /* empty function unless part of the identity */
};

struct row_acc {
	struct hd_frame site, owner;
	bool keyed_owner; /* owner is part of the identity */
	uint64_t hash;
	uint64_t best_sample; /* heaviest sample in the last snapshot */
	int64_t best_value;
	bool has_best;
	int64_t last4[4];
};

struct table {
	struct row_acc *rows;
	size_t n, cap;
	int64_t *vals; /* rows.cap * n_snapshots */
	uint32_t *slots; /* row index + 1; 0 = empty */
	size_t n_slots;
	size_t n_snapshots;
};

static struct frame_ref frame_of_line(const struct hd_profile *p, const struct hd_line *ln)
{
	struct frame_ref f = {{"(unknown)", 9}, {"", 0}, ln->line};
	if (ln->function != HD_NONE && ln->function < p->n_functions) {
		f.function = p->functions[ln->function].name;
		f.file = p->functions[ln->function].filename;
	}
	return f;
}

static struct frame_ref site_of(const struct hd_profile *p, const struct hd_sample *s)
{
	struct frame_ref f = {{"(no stack)", 10}, {"", 0}, 0};
	if (s->n_locs == 0)
		return f;
	const struct hd_location *loc = &p->locations[p->sample_locs[s->first_loc]];
	if (loc->n_lines == 0) {
		f.function = (struct hd_str){"(unsymbolized)", 14};
		return f;
	}
	return frame_of_line(p, &p->lines[loc->first_line]);
}

/* The first frame, leaf to root, outside the standard library; else the leaf. */
static struct frame_ref owner_of(const struct hd_profile *p, const struct hd_sample *s,
				 const uint8_t *std)
{
	for (uint32_t k = 0; k < s->n_locs; k++) {
		const struct hd_location *loc = &p->locations[p->sample_locs[s->first_loc + k]];
		for (uint32_t l = 0; l < loc->n_lines; l++) {
			const struct hd_line *ln = &p->lines[loc->first_line + l];
			if (ln->function != HD_NONE && ln->function < p->n_functions &&
			    !std[ln->function])
				return frame_of_line(p, ln);
		}
	}
	return site_of(p, s);
}

static uint64_t frame_hash(struct frame_ref f, uint64_t seed)
{
	uint64_t h = hd_hash_bytes(f.function.ptr, f.function.len, seed);
	h = hd_hash_bytes(f.file.ptr, f.file.len, h);
	return hd_hash_bytes(&f.line, sizeof(f.line), h);
}

static bool frame_eq(const struct hd_frame *a, struct frame_ref b)
{
	return a->line == b.line && strlen(a->function) == b.function.len &&
	       memcmp(a->function, b.function.ptr, b.function.len) == 0 &&
	       strlen(a->file) == b.file.len && memcmp(a->file, b.file.ptr, b.file.len) == 0;
}

static bool frame_eq_ref(struct frame_ref a, struct frame_ref b)
{
	return a.line == b.line && hd_str_eq(a.function, b.function) && hd_str_eq(a.file, b.file);
}

static bool key_eq(const struct row_acc *r, const struct row_key *k)
{
	bool keyed = k->owner.function.len > 0;
	return r->keyed_owner == keyed && frame_eq(&r->site, k->site) &&
	       (!keyed || frame_eq(&r->owner, k->owner));
}

static struct hd_frame frame_copy(struct hd_arena *a, struct frame_ref f)
{
	struct hd_frame r = {hd_arena_strdup(a, f.function).ptr, hd_arena_strdup(a, f.file).ptr,
			     f.line};
	return r;
}

static bool table_grow(struct table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	size_t vbytes;
	if (hd_mul_overflow(ncap, t->n_snapshots * sizeof(int64_t), &vbytes))
		return false;
	struct row_acc *rows = hd_realloc(t->rows, ncap * sizeof(*rows));
	if (!rows)
		return false;
	t->rows = rows;
	int64_t *vals = hd_realloc(t->vals, vbytes);
	if (!vals)
		return false;
	memset(vals + t->cap * t->n_snapshots, 0, (ncap - t->cap) * t->n_snapshots * sizeof(int64_t));
	t->vals = vals;
	t->cap = ncap;
	/* Slots at twice the row capacity: load stays under one half. */
	uint32_t *slots = hd_calloc(ncap * 2, sizeof(*slots));
	if (!slots)
		return false;
	hd_free(t->slots);
	t->slots = slots;
	t->n_slots = ncap * 2;
	for (size_t r = 0; r < t->n; r++) {
		size_t i = t->rows[r].hash & (t->n_slots - 1);
		while (t->slots[i])
			i = (i + 1) & (t->n_slots - 1);
		t->slots[i] = (uint32_t)r + 1;
	}
	return true;
}

/*
 * Row of key k (inserting it), or SIZE_MAX when out of memory.  `owner` is
 * the row's owner frame when it is not part of the key.
 */
static size_t table_row(struct table *t, struct hd_arena *a, const struct row_key *k,
			struct frame_ref owner, uint64_t seed)
{
	uint64_t h = frame_hash(k->site, seed);
	if (k->owner.function.len)
		h = frame_hash(k->owner, h);
	if (t->n_slots) {
		for (size_t i = h & (t->n_slots - 1); t->slots[i]; i = (i + 1) & (t->n_slots - 1)) {
			struct row_acc *r = &t->rows[t->slots[i] - 1];
			if (r->hash == h && key_eq(r, k))
				return t->slots[i] - 1;
		}
	}
	if (t->n == t->cap && !table_grow(t))
		return SIZE_MAX;
	if (t->n >= UINT32_MAX - 1)
		return SIZE_MAX;
	struct row_acc *r = &t->rows[t->n];
	memset(r, 0, sizeof(*r));
	r->site = frame_copy(a, k->site);
	r->keyed_owner = k->owner.function.len > 0;
	r->owner = frame_copy(a, r->keyed_owner ? k->owner : owner);
	r->hash = h;
	if (hd_arena_failed(a))
		return SIZE_MAX;
	size_t i = h & (t->n_slots - 1);
	while (t->slots[i])
		i = (i + 1) & (t->n_slots - 1);
	t->slots[i] = (uint32_t)t->n + 1;
	return t->n++;
}

static void table_release(struct table *t)
{
	hd_free(t->rows);
	hd_free(t->vals);
	hd_free(t->slots);
}

/* Heap sample type indices of a profile: alloc_objects, alloc_space, inuse_objects, inuse_space. */
static void heap_indices(const struct hd_profile *p, int idx[4])
{
	static const char *const names[4] = {"alloc_objects", "alloc_space", "inuse_objects",
					     "inuse_space"};
	for (int i = 0; i < 4; i++)
		idx[i] = hd_profile_sample_type_index(p, names[i]);
}

struct scan {
	struct table sites, owners;
	struct hd_arena *arena;
	uint64_t seed;
};

static enum hd_status scan_profile(struct scan *sc, const struct hd_profile *p, size_t j,
				   int vi, bool last, struct hd_error *err)
{
	uint8_t *std = hd_malloc(p->n_functions ? p->n_functions : 1);
	if (!std)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	for (uint32_t f = 0; f < p->n_functions; f++)
		std[f] = hd_is_std_function(p->functions[f].name.ptr, p->functions[f].name.len);
	int idx[4];
	heap_indices(p, idx);
	size_t n = sc->sites.n_snapshots;
	for (uint64_t s = 0; s < p->n_samples; s++) {
		const struct hd_sample *smp = &p->samples[s];
		const int64_t *v = &p->values[s * p->n_sample_types];
		if (v[vi] == 0 && !last)
			continue;
		struct frame_ref site = site_of(p, smp), owner = owner_of(p, smp, std);
		struct row_key sk = {site, {{"", 0}, {"", 0}, 0}};
		if (hd_is_std_function(site.function.ptr, site.function.len) &&
		    !frame_eq_ref(site, owner))
			sk.owner = owner;
		struct row_key ok = {owner, {{"", 0}, {"", 0}, 0}};
		size_t rs = table_row(&sc->sites, sc->arena, &sk, owner, sc->seed);
		size_t ro = rs == SIZE_MAX ? SIZE_MAX
					   : table_row(&sc->owners, sc->arena, &ok, owner, sc->seed);
		if (ro == SIZE_MAX) {
			hd_free(std);
			return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		}
		sc->sites.vals[rs * n + j] = hd_i64_add(sc->sites.vals[rs * n + j], v[vi]);
		sc->owners.vals[ro * n + j] = hd_i64_add(sc->owners.vals[ro * n + j], v[vi]);
		if (!last)
			continue;
		struct row_acc *rows[2] = {&sc->sites.rows[rs], &sc->owners.rows[ro]};
		for (int k = 0; k < 2; k++) {
			for (int t = 0; t < 4; t++)
				if (idx[t] >= 0)
					rows[k]->last4[t] = hd_i64_add(rows[k]->last4[t], v[idx[t]]);
		}
		struct row_acc *r = rows[0];
		if (!r->has_best || v[vi] > r->best_value) {
			r->has_best = true;
			r->best_value = v[vi];
			r->best_sample = s;
		}
	}
	hd_free(std);
	return hd_arena_failed(sc->arena) ? hd_error_set(err, HD_ERR_NOMEM, "out of memory") : HD_OK;
}

/* Function names of sample s, leaf first, into the arena. */
static void copy_stack(struct hd_arena *a, const struct hd_profile *p, uint64_t s,
		       struct hd_trend_row *row)
{
	const struct hd_sample *smp = &p->samples[s];
	size_t depth = 0;
	for (uint32_t k = 0; k < smp->n_locs; k++)
		depth += p->locations[p->sample_locs[smp->first_loc + k]].n_lines;
	row->stack = hd_arena_calloc(a, depth ? depth : 1, sizeof(*row->stack));
	if (!row->stack)
		return;
	for (uint32_t k = 0; k < smp->n_locs; k++) {
		const struct hd_location *loc = &p->locations[p->sample_locs[smp->first_loc + k]];
		for (uint32_t l = 0; l < loc->n_lines; l++) {
			struct frame_ref f = frame_of_line(p, &p->lines[loc->first_line + l]);
			row->stack[row->n_stack++] = hd_arena_strdup(a, f.function).ptr;
		}
	}
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct hd_trend_row *a = pa, *b = pb;
	bool ga = a->trend.verdict == HD_TREND_GROWING, gb = b->trend.verdict == HD_TREND_GROWING;
	if (ga != gb)
		return ga ? -1 : 1;
	if (ga && a->trend.growth_slope_bytes_per_min != b->trend.growth_slope_bytes_per_min)
		return a->trend.growth_slope_bytes_per_min > b->trend.growth_slope_bytes_per_min ? -1
														: 1;
	if (a->trend.last_value != b->trend.last_value)
		return a->trend.last_value > b->trend.last_value ? -1 : 1;
	if (a->trend.max_value != b->trend.max_value)
		return a->trend.max_value > b->trend.max_value ? -1 : 1;
	int c = strcmp(a->site.function, b->site.function);
	if (c)
		return c;
	c = strcmp(a->site.file, b->site.file);
	if (c)
		return c;
	return a->site.line < b->site.line ? -1 : a->site.line > b->site.line;
}

/* Turns a table into ranked report rows; points is n scratch entries. */
static enum hd_status finish_rows(struct hd_trend_report *rep, struct table *t,
				  struct hd_trend_point *points, const struct hd_trend_options *o,
				  const struct hd_profile *last, bool with_stacks,
				  struct hd_trend_row **rows_ret, size_t *n_ret, struct hd_error *err)
{
	size_t n = rep->n_snapshots, kept = 0;
	struct hd_trend_row *rows = hd_arena_calloc(rep->arena, t->n ? t->n : 1, sizeof(*rows));
	if (!rows)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	struct hd_trend_options ro = *o;
	ro.limit_bytes = 0; /* rows are projected against the total below */
	for (size_t r = 0; r < t->n; r++) {
		const int64_t *v = &t->vals[r * n];
		bool any = false;
		for (size_t j = 0; j < n && !any; j++)
			any = v[j] != 0;
		if (!any)
			continue;
		struct hd_trend_row *row = &rows[kept++];
		row->site = t->rows[r].site;
		row->owner = t->rows[r].owner;
		row->series = hd_arena_memdup(rep->arena, v, n * sizeof(*v));
		if (!row->series)
			return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		row->alloc_objects = t->rows[r].last4[0];
		row->alloc_bytes = t->rows[r].last4[1];
		row->inuse_objects = t->rows[r].last4[2];
		row->inuse_bytes = t->rows[r].last4[3];
		if (with_stacks && t->rows[r].has_best)
			copy_stack(rep->arena, last, t->rows[r].best_sample, row);
		for (size_t j = 0; j < n; j++)
			points[j].value = v[j];
		enum hd_status st = hd_trend_series_analyze(points, n, &ro, &row->trend, NULL, err);
		if (st != HD_OK)
			return st;
		double rate = row->trend.growth_slope_bytes_per_min;
		if (o->limit_bytes && row->trend.verdict == HD_TREND_GROWING && row->trend.timed &&
		    rate > 0) {
			double headroom = (double)o->limit_bytes - (double)rep->total.last_value;
			row->has_projection = true;
			row->minutes_to_limit = headroom > 0 ? headroom / rate : 0;
		}
	}
	if (hd_arena_failed(rep->arena))
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	if (kept > 1)
		qsort(rows, kept, sizeof(*rows), cmp_rows);
	*rows_ret = rows;
	*n_ret = kept;
	return HD_OK;
}

/* Arena copies of n strings. */
static const char **copy_strings(struct hd_arena *a, const char *const *src, size_t n)
{
	const char **dst = hd_arena_calloc(a, n ? n : 1, sizeof(*dst));
	for (size_t i = 0; dst && i < n; i++)
		dst[i] = hd_arena_strdup(a, hd_str_c(src[i] ? src[i] : "")).ptr;
	return dst;
}

/*
 * Attaches diagnose's view of each site (kind, evidence, advice): the same
 * grouping, so a site row matches the finding with the same leaf frame and,
 * for a standard-library leaf, the same owner.  Only an allocation failure
 * is an error; a diagnosis that cannot run leaves the rows unclassified.
 */
static enum hd_status attach_diagnosis(struct hd_trend_report *rep,
				       const struct hd_profile *const *profiles,
				       struct hd_error *err)
{
	struct hd_diagnosis *d = NULL;
	struct hd_error derr = {0};
	enum hd_status st =
		hd_diagnose(profiles, rep->n_snapshots, rep->names, NULL, &d, &derr);
	if (st == HD_ERR_NOMEM)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	if (st != HD_OK)
		return HD_OK;
	for (size_t i = 0; i < rep->n_sites; i++) {
		struct hd_trend_row *row = &rep->sites[i];
		bool std = hd_is_std_function(row->site.function, strlen(row->site.function));
		for (size_t k = 0; k < d->n_findings; k++) {
			const struct hd_finding *f = &d->findings[k];
			if (f->site.line != row->site.line || strcmp(f->site.function, row->site.function) ||
			    strcmp(f->site.file, row->site.file))
				continue;
			if (std && (f->owner.line != row->owner.line ||
				    strcmp(f->owner.function, row->owner.function) ||
				    strcmp(f->owner.file, row->owner.file)))
				continue;
			row->kind = f->kind;
			row->map_impl = f->map_impl;
			row->summary = hd_arena_strdup(rep->arena,
						       hd_str_c(f->estimate.summary ? f->estimate.summary : ""))
					       .ptr;
			row->evidence = copy_strings(rep->arena, f->evidence, f->n_evidence);
			row->n_evidence = f->n_evidence;
			row->advice = copy_strings(rep->arena, f->advice, f->n_advice);
			row->n_advice = f->n_advice;
			break;
		}
	}
	hd_diagnosis_free(d);
	if (hd_arena_failed(rep->arena))
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	return HD_OK;
}

void hd_trend_report_free(struct hd_trend_report *report)
{
	if (report)
		hd_arena_free(report->arena);
}

enum hd_status hd_trend_analyze(const struct hd_trend_snapshot *snaps, size_t n,
				const struct hd_trend_options *options, const char *sample_type,
				struct hd_trend_report **report_ret, struct hd_error *err)
{
	struct hd_trend_options defaults;
	if (!options) {
		hd_trend_options_default(&defaults);
		options = &defaults;
	}
	if (!snaps || n == 0)
		return hd_error_set(err, HD_ERR_USAGE, "trend: no snapshots");
	if (n > UINT32_MAX)
		return hd_error_set(err, HD_ERR_LIMIT, "trend: too many snapshots");
	for (size_t j = 0; j < n; j++)
		if (!snaps[j].profile)
			return hd_error_set(err, HD_ERR_USAGE, "trend: snapshot %zu has no profile", j);

	/* The value to follow: by name, the same in every snapshot. */
	const char *vt = sample_type ? sample_type : "inuse_space";
	if (!sample_type && hd_profile_sample_type_index(snaps[0].profile, vt) < 0) {
		int d = hd_profile_default_sample_index(snaps[0].profile);
		if (d < 0)
			return hd_error_set(err, HD_ERR_INCOMPATIBLE, "trend: profile has no sample types");
		vt = NULL; /* set from the arena copy below */
	}

	struct hd_arena *arena = hd_arena_new();
	if (!arena)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	enum hd_status st = HD_OK;
	struct scan sc;
	memset(&sc, 0, sizeof(sc));
	struct hd_trend_point *points = NULL;
	const struct hd_profile **profiles = NULL;
	struct hd_arena *pruned = NULL;
	const struct hd_profile *last = NULL; /* the newest snapshot, pruned */
	struct hd_trend_report *rep = hd_arena_calloc(arena, 1, sizeof(*rep));
	if (!rep) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	rep->arena = arena;
	rep->n_snapshots = n;
	rep->limit_bytes = options->limit_bytes;
	if (vt) {
		rep->sample_type = hd_arena_strdup(arena, hd_str_c(vt)).ptr;
	} else {
		const struct hd_profile *p0 = snaps[0].profile;
		rep->sample_type =
			hd_arena_strdup(arena, p0->sample_types[hd_profile_default_sample_index(p0)].type)
				.ptr;
	}
	rep->names = hd_arena_calloc(arena, n, sizeof(*rep->names));
	rep->times = hd_arena_calloc(arena, n, sizeof(*rep->times));
	rep->epochs = hd_arena_calloc(arena, n, sizeof(*rep->epochs));
	rep->totals = hd_arena_calloc(arena, n, sizeof(*rep->totals));
	points = hd_calloc(n, sizeof(*points));
	profiles = hd_calloc(n, sizeof(*profiles));
	if (hd_arena_failed(arena) || !points || !profiles) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t j = 0; j < n; j++) {
		profiles[j] = snaps[j].profile;
		rep->times[j] = snaps[j].time_nanos ? snaps[j].time_nanos : snaps[j].profile->time_nanos;
		if (snaps[j].name)
			rep->names[j] = hd_arena_strdup(arena, hd_str_c(snaps[j].name)).ptr;
	}
	st = hd_trend_epochs(profiles, n, rep->epochs, err);
	if (st != HD_OK)
		goto out;

	sc.arena = arena;
	sc.seed = hd_hash_seed();
	sc.sites.n_snapshots = sc.owners.n_snapshots = n;
	if (!table_grow(&sc.sites) || !table_grow(&sc.owners)) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* sites as diagnose finds them: stacks pruned like pprof's */
	if (!(pruned = hd_arena_new())) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t j = 0; j < n; j++) {
		const struct hd_profile *p = NULL;
		st = hd_profile_pruned(snaps[j].profile, pruned, &p, err);
		if (st != HD_OK)
			goto out;
		last = p;
		int vi = hd_profile_sample_type_index(p, rep->sample_type);
		if (vi < 0) {
			st = hd_error_set(err, HD_ERR_INCOMPATIBLE,
					  "trend: profile '%s' has no sample type %s",
					  snaps[j].name ? snaps[j].name : "?", rep->sample_type);
			goto out;
		}
		uint64_t total = 0;
		for (uint64_t s = 0; s < p->n_samples; s++)
			total += (uint64_t)p->values[s * p->n_sample_types + (uint32_t)vi];
		rep->totals[j] = (int64_t)total;
		st = scan_profile(&sc, p, j, vi, j == n - 1, err);
		if (st != HD_OK)
			goto out;
	}

	for (size_t j = 0; j < n; j++) {
		points[j].time_nanos = rep->times[j];
		points[j].epoch = rep->epochs[j];
		points[j].value = rep->totals[j];
	}
	st = hd_trend_series_analyze(points, n, options, &rep->total, NULL, err);
	if (st != HD_OK)
		goto out;
	rep->n_observations = 1;
	for (size_t j = 1; j < n; j++)
		if (rep->epochs[j] != rep->epochs[j - 1])
			rep->n_observations++;
	st = finish_rows(rep, &sc.sites, points, options, last, true, &rep->sites,
			 &rep->n_sites, err);
	if (st == HD_OK)
		st = finish_rows(rep, &sc.owners, points, options, last, false,
				 &rep->owners, &rep->n_owners, err);
	if (st == HD_OK)
		st = attach_diagnosis(rep, profiles, err);
out:
	table_release(&sc.sites);
	table_release(&sc.owners);
	hd_free(points);
	hd_free(profiles);
	hd_arena_free(pruned);
	if (st != HD_OK) {
		hd_arena_free(arena);
		return st;
	}
	*report_ret = rep;
	return HD_OK;
}
