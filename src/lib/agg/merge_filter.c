/*
 * merge_filter.c - hd_profile_select(): a profile reduced to chosen samples
 * with pprof's stack edits applied to its locations, so that `heapdoc merge
 * -focus/-hide/... -o` writes what `go tool pprof -proto` with the same
 * options writes.  The edits follow google/pprof profile/filter.go
 * (FilterSamplesByName's -hide/-show line removal, ShowFrom,
 * FilterTagsByName's -tagshow/-taghide label removal) and
 * profile/prune.go (PruneFrom), in pprof's order (driver_focus.go
 * applyFocus); which samples survive -focus/-ignore/-tag* is decided by
 * the caller (an hd_view).  The result is compacted by the merger
 * (merge.c); docs/internals/merge.md.
 */
#include "merge.h"
#include "agg/regex.h"

struct edits {
	struct hd_regex *hide, *show, *show_from, *prune_from, *tagshow, *taghide;
};

static bool fn_matches(struct hd_regex *re, const struct hd_profile *p, const struct hd_line *ln)
{
	if (ln->function == HD_NONE)
		return false;
	const struct hd_function *f = &p->functions[ln->function];
	return hd_regex_match(re, f->name.ptr, f->name.len) ||
	       hd_regex_match(re, f->filename.ptr, f->filename.len);
}

static bool map_matches(struct hd_regex *re, const struct hd_profile *p,
			const struct hd_location *l)
{
	if (l->mapping == HD_NONE)
		return false;
	struct hd_str f = p->mappings[l->mapping].filename;
	return hd_regex_match(re, f.ptr, f.len);
}

/* prune.go simplifyFunc: drop a leading '.', cut at the first '(' that is
 * not part of "(anonymous namespace)" or "operator()". */
static struct hd_str simplify(struct hd_str s)
{
	static const char anon[] = "(anonymous namespace)", op[] = "operator()";
	if (s.len && s.ptr[0] == '.') {
		s.ptr++;
		s.len--;
	}
	for (size_t i = 0; i < s.len;) {
		size_t rest = s.len - i;
		if (rest >= sizeof(anon) - 1 && memcmp(s.ptr + i, anon, sizeof(anon) - 1) == 0)
			i += sizeof(anon) - 1;
		else if (rest >= sizeof(op) - 1 && memcmp(s.ptr + i, op, sizeof(op) - 1) == 0)
			i += sizeof(op) - 1;
		else if (s.ptr[i] == '(') {
			s.len = i;
			break;
		} else
			i++;
	}
	return s;
}

enum {
	LOC_HIDDEN = 1,    /* -hide/-show left no line: dropped from stacks */
	LOC_SHOW_FROM = 2, /* matches -show_from */
	LOC_PRUNE = 4      /* matches -prune_from: callees are dropped */
};

/*
 * Edits location l's lines (a copy at out[0..], returned count) and sets
 * its flags, in pprof's order: hide, show, show_from, prune_from.
 */
static uint32_t edit_location(const struct edits *e, const struct hd_profile *p,
			      const struct hd_location *l, struct hd_line *out, uint8_t *flags)
{
	const struct hd_line *in = p->lines + l->first_line;
	uint32_t n = 0;
	*flags = 0;
	for (uint32_t i = 0; i < l->n_lines; i++)
		out[n++] = in[i];
	if (e->hide) {
		/* matchesName, then unmatchedLines (a matching mapping file
		 * hides the whole location) */
		bool any = map_matches(e->hide, p, l);
		for (uint32_t i = 0; i < n && !any; i++)
			any = fn_matches(e->hide, p, &out[i]);
		if (any) {
			uint32_t k = 0;
			if (!map_matches(e->hide, p, l))
				for (uint32_t i = 0; i < n; i++)
					if (!fn_matches(e->hide, p, &out[i]))
						out[k++] = out[i];
			n = k;
			if (n == 0)
				*flags |= LOC_HIDDEN;
		}
	}
	if (e->show) {
		/* matchedLines: lines without a function stay */
		if (!map_matches(e->show, p, l)) {
			uint32_t k = 0;
			for (uint32_t i = 0; i < n; i++)
				if (out[i].function == HD_NONE || fn_matches(e->show, p, &out[i]))
					out[k++] = out[i];
			n = k;
		}
		if (n == 0)
			*flags |= LOC_HIDDEN;
	}
	if (e->show_from) {
		if (map_matches(e->show_from, p, l)) {
			*flags |= LOC_SHOW_FROM;
		} else {
			for (uint32_t i = n; i-- > 0;) {
				if (fn_matches(e->show_from, p, &out[i])) {
					n = i + 1;
					*flags |= LOC_SHOW_FROM;
					break;
				}
			}
		}
	}
	if (e->prune_from) {
		for (uint32_t i = 0; i < n; i++) {
			if (out[i].function == HD_NONE)
				continue;
			struct hd_str name = p->functions[out[i].function].name;
			if (!name.len)
				continue;
			struct hd_str s = simplify(name);
			if (hd_regex_match(e->prune_from, s.ptr, s.len)) {
				memmove(out, out + i, (size_t)(n - i) * sizeof(*out));
				n -= i;
				*flags |= LOC_PRUNE;
				break;
			}
		}
	}
	return n;
}

/* Selects and edits: fills *shadow (a shallow copy of p with new stacks,
 * arrays in *bufs) and keep2. */
static enum hd_status select_and_edit(const struct edits *e, const struct hd_profile *p,
				      const uint8_t *keep, uint8_t *keep2,
				      struct hd_profile *shadow, void *bufs[5],
				      struct hd_error *err)
{
	struct hd_line *lines = hd_malloc(((size_t)p->n_lines + 1) * sizeof(*lines));
	struct hd_location *locs = hd_malloc(((size_t)p->n_locations + 1) * sizeof(*locs));
	uint8_t *flags = hd_calloc((size_t)p->n_locations + 1, 1);
	uint32_t *slocs = hd_malloc(((size_t)p->n_sample_locs + 1) * sizeof(*slocs));
	struct hd_sample *samples = hd_malloc(((size_t)p->n_samples + 1) * sizeof(*samples));
	bufs[0] = lines;
	bufs[1] = locs;
	bufs[2] = slocs;
	bufs[3] = samples;
	if (!lines || !locs || !flags || !slocs || !samples) {
		hd_free(flags);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	uint32_t nl = 0;
	for (uint32_t l = 0; l < p->n_locations; l++) {
		locs[l] = p->locations[l];
		locs[l].first_line = nl;
		locs[l].n_lines = edit_location(e, p, &p->locations[l], lines + nl, &flags[l]);
		nl += locs[l].n_lines;
	}
	uint64_t ns = 0;
	for (uint64_t s = 0; s < p->n_samples; s++) {
		const struct hd_sample *in = &p->samples[s];
		struct hd_sample *out = &samples[s];
		*out = *in;
		out->first_loc = ns;
		keep2[s] = keep[s];
		uint32_t n = 0;
		for (uint32_t k = 0; k < in->n_locs; k++) {
			uint32_t loc = p->sample_locs[in->first_loc + k];
			if (!(flags[loc] & LOC_HIDDEN))
				slocs[ns + n++] = loc;
		}
		if (n == 0 && (e->hide || e->show) && in->n_locs > 0)
			keep2[s] = 0; /* FilterSamplesByName drops emptied samples */
		if (e->show_from) {
			uint32_t i = n;
			while (i > 0 && !(flags[slocs[ns + i - 1]] & LOC_SHOW_FROM))
				i--;
			if (i == 0)
				keep2[s] = 0; /* ShowFrom keeps only samples with a match */
			n = i;
		}
		if (e->prune_from) {
			for (uint32_t i = 0; i < n; i++) {
				if (flags[slocs[ns + i]] & LOC_PRUNE) {
					memmove(slocs + ns, slocs + ns + i, (size_t)(n - i) * sizeof(*slocs));
					n -= i;
					break;
				}
			}
		}
		out->n_locs = n;
		ns += n;
	}
	hd_free(flags);
	*shadow = *p;
	shadow->lines = lines;
	shadow->n_lines = nl;
	shadow->locations = locs;
	shadow->sample_locs = slocs;
	shadow->n_sample_locs = ns;
	shadow->samples = samples;
	return HD_OK;
}

/* -tagshow/-taghide: the kept samples of *shadow keep only the labels whose
 * key tagshow matches (all when unset) and taghide does not.  Its samples
 * are copied first unless bufs[3] holds them already. */
static enum hd_status edit_labels(const struct edits *e, struct hd_profile *shadow,
				  const uint8_t *keep, void *bufs[5], struct hd_error *err)
{
	struct hd_sample *samples = bufs[3];
	if (!samples) {
		samples = hd_malloc((shadow->n_samples + 1) * sizeof(*samples));
		if (!samples)
			return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		if (shadow->n_samples)
			memcpy(samples, shadow->samples, shadow->n_samples * sizeof(*samples));
		bufs[3] = samples;
	}
	struct hd_label *labels = hd_malloc((shadow->n_labels + 1) * sizeof(*labels));
	if (!labels)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	bufs[4] = labels;
	bool show_hit = false, hide_hit = false; /* the view warned already */
	for (uint64_t s = 0; s < shadow->n_samples; s++) {
		struct hd_sample *smp = &samples[s];
		smp->n_labels = keep[s] ? hd_labels_by_key(shadow->labels + smp->first_label,
							   smp->n_labels, e->tagshow, e->taghide,
							   labels + smp->first_label, &show_hit,
							   &hide_hit)
					: 0;
	}
	shadow->samples = samples;
	shadow->labels = labels;
	return HD_OK;
}

enum hd_status hd_profile_select(const struct hd_profile *profile, const uint8_t *keep,
				 const struct hd_report_options *edits,
				 struct hd_profile **selected_ret, struct hd_error *err)
{
	if (!profile || !keep || !selected_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no profile to select from");
	struct edits e = {NULL, NULL, NULL, NULL, NULL, NULL};
	enum hd_status st = HD_OK;
	if (edits) {
		st = hd_regex_compile_opt(edits->hide, "hide", &e.hide, err);
		if (st == HD_OK)
			st = hd_regex_compile_opt(edits->show, "show", &e.show, err);
		if (st == HD_OK)
			st = hd_regex_compile_opt(edits->show_from, "show_from", &e.show_from, err);
		if (st == HD_OK)
			st = hd_regex_compile_opt(edits->prune_from, "prune_from", &e.prune_from, err);
		if (st == HD_OK)
			st = hd_regex_compile_opt(edits->tagshow, "tagshow", &e.tagshow, err);
		if (st == HD_OK)
			st = hd_regex_compile_opt(edits->taghide, "taghide", &e.taghide, err);
	}
	void *bufs[5] = {NULL, NULL, NULL, NULL, NULL};
	uint8_t *keep2 = NULL;
	struct hd_profile shadow;
	const struct hd_profile *src = profile;
	if (st == HD_OK && (e.hide || e.show || e.show_from || e.prune_from)) {
		keep2 = hd_malloc((size_t)profile->n_samples + 1);
		if (!keep2)
			st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		else
			st = select_and_edit(&e, profile, keep, keep2, &shadow, bufs, err);
		src = &shadow;
		keep = keep2;
	}
	if (st == HD_OK && (e.tagshow || e.taghide)) {
		if (src != &shadow)
			shadow = *profile;
		st = edit_labels(&e, &shadow, keep, bufs, err);
		src = &shadow;
	}
	struct hd_merger *m = NULL;
	if (st == HD_OK)
		st = hd_merger_new(&m, err);
	if (st == HD_OK) {
		struct hd_merge_input in = {src, 1, NULL, false};
		st = hd_merge_add_keep(m, &in, keep, err);
	}
	if (st == HD_OK)
		st = hd_merger_finish(m, selected_ret, err);
	hd_merger_free(m);
	for (int i = 0; i < 5; i++)
		hd_free(bufs[i]);
	hd_free(keep2);
	hd_regex_free(e.hide);
	hd_regex_free(e.show);
	hd_regex_free(e.show_from);
	hd_regex_free(e.prune_from);
	hd_regex_free(e.tagshow);
	hd_regex_free(e.taghide);
	return st;
}
