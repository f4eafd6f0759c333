/*
 * tagfilter.c - -tagfocus and -tagignore exactly as pprof reads them
 * (internal/driver/driver_focus.go compileTagFilter and
 * parseTagFilterRange, profile/filter.go FilterSamplesByTag).  A filter is
 * "[key=]value"; the value is a numeric range when pprof's range regexp
 * ([+-]?[[:digit:]]+)([[:alpha:]]+)? covers it in one of the forms N, N:,
 * :N or N:M, else a comma-separated list of regular expressions for string
 * labels.  Numbers are compared after scaling to the first bound's unit
 * (64kb matches a bytes label of 65536), through agg/units.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "agg/regex.h"
#include "agg/units.h"
#include "analyze/tagfilter.h"

/* One match of the range regexp: s[start..end), number part s[start..num_end). */
struct range_match {
	size_t start, num_end, end;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Leftmost match of ([+-]?[[:digit:]]+)([[:alpha:]]+)? at or after `from`. */
static bool find_range(const char *s, size_t len, size_t from, struct range_match *m)
{
	for (size_t p = from; p < len; p++) {
		size_t q = p;
		if ((s[q] == '+' || s[q] == '-') && q + 1 < len && is_digit(s[q + 1]))
			q++;
		if (!is_digit(s[q]))
			continue;
		while (q < len && is_digit(s[q]))
			q++;
		m->start = p;
		m->num_end = q;
		while (q < len && is_alpha(s[q]))
			q++;
		m->end = q;
		return true;
	}
	return false;
}

static bool parse_int(const char *s, size_t len, int64_t *v)
{
	char buf[32];
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	char *end;
	long long r = strtoll(buf, &end, 10);
	if (errno || *end)
		return false;
	*v = r;
	return true;
}

bool hd_tag_range_parse(const char *filter, struct hd_tag_range *r, enum hd_status *status)
{
	*status = HD_OK;
	size_t len = strlen(filter);
	struct range_match m[2];
	int n = 0;
	if (find_range(filter, len, 0, &m[0])) {
		n = 1;
		if (find_range(filter, len, m[0].end, &m[1]))
			n = 2;
	}
	if (n == 0)
		return false;
	int64_t v;
	if (!parse_int(filter + m[0].start, m[0].num_end - m[0].start, &v)) {
		*status = HD_ERR_USAGE;
		return false;
	}
	char unit_in[32];
	size_t ulen = m[0].end - m[0].num_end;
	if (ulen >= sizeof(unit_in))
		return false;
	memcpy(unit_in, filter + m[0].num_end, ulen);
	unit_in[ulen] = '\0';
	const char *unit;
	memset(r, 0, sizeof(*r));
	r->lo = hd_unit_scale(v, hd_str_c(unit_in), unit_in, &unit);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	size_t mlen = m[0].end - m[0].start;
	if (n == 1) {
		if (len == mlen && m[0].start == 0)
			r->kind = HD_RANGE_EQ;
		else if (len == mlen + 1 && m[0].start == 0 && filter[mlen] == ':')
			r->kind = HD_RANGE_GE;
		else if (len == mlen + 1 && m[0].start == 1 && filter[0] == ':')
			r->kind = HD_RANGE_LE;
		else
			return false;
		r->hi = r->lo;
		return true;
	}
	/* Two numbers: the filter must be exactly "first:second". */
	size_t m2len = m[1].end - m[1].start;
	if (m[0].start != 0 || filter[m[0].end] != ':' || m[1].start != m[0].end + 1 ||
	    m[1].end != len || len != mlen + 1 + m2len)
		return false;
	if (!parse_int(filter + m[1].start, m[1].num_end - m[1].start, &v)) {
		*status = HD_ERR_USAGE;
		return false;
	}
	char unit2_in[32];
	size_t u2len = m[1].end - m[1].num_end;
	if (u2len >= sizeof(unit2_in))
		return false;
	memcpy(unit2_in, filter + m[1].num_end, u2len);
	unit2_in[u2len] = '\0';
	const char *unit2;
	r->hi = hd_unit_scale(v, hd_str_c(unit2_in), r->unit, &unit2);
	if (strcmp(unit2, r->unit) != 0)
		return false;
	r->kind = HD_RANGE_BETWEEN;
	return true;
}

bool hd_tag_range_match(const struct hd_tag_range *r, int64_t v, struct hd_str unit)
{
	const char *su;
	double sv = hd_unit_scale(v, unit, r->unit, &su);
	if (strcmp(su, r->unit) != 0)
		return false;
	switch (r->kind) {
	case HD_RANGE_EQ:
		return sv == r->lo;
	case HD_RANGE_GE:
		return sv >= r->lo;
	case HD_RANGE_LE:
		return sv <= r->lo;
	case HD_RANGE_BETWEEN:
		return sv >= r->lo && sv <= r->hi;
	}
	return false;
}

/* ---- compiled filters ---- */

struct tag_filter {
	struct hd_str key; /* empty: any key */
	bool numeric;
	struct hd_tag_range range;
	struct hd_regex **rx;
	uint32_t n_rx;
};

static void tag_filter_release(struct tag_filter *f)
{
	for (uint32_t i = 0; i < f->n_rx; i++)
		hd_regex_free(f->rx[i]);
	f->n_rx = 0;
}

static enum hd_status tag_filter_compile(struct hd_view *v, const char *name, const char *value,
					 struct tag_filter *f, struct hd_error *err)
{
	memset(f, 0, sizeof(*f));
	const char *eq = strchr(value, '=');
	if (eq) {
		f->key = (struct hd_str){value, (size_t)(eq - value)};
		value = eq + 1;
	}
	enum hd_status st;
	if (hd_tag_range_parse(value, &f->range, &st)) {
		f->numeric = true;
		return HD_OK;
	}
	if (st != HD_OK)
		return hd_error_set(err, st, "%s: number out of range in '%s'", name, value);
	uint32_t parts = 1;
	for (const char *q = value; *q; q++)
		parts += *q == ',';
	f->rx = hd_arena_calloc(v->arena, parts, sizeof(*f->rx));
	if (!f->rx)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	struct hd_str part;
	for (const char *c = value; hd_str_split_next(&c, ',', &part);) {
		st = hd_regex_compile(part.ptr, part.len, name, &f->rx[f->n_rx], err);
		if (st != HD_OK) {
			tag_filter_release(f);
			return st;
		}
		f->n_rx++;
	}
	return HD_OK;
}

static bool tag_filter_match(const struct hd_view *v, const struct tag_filter *f,
			     uint64_t sample, struct hd_buf *scratch)
{
	const struct hd_profile *p = v->profile;
	const struct hd_sample *s = &p->samples[sample];
	const struct hd_label *labels = p->labels + s->first_label;
	if (f->numeric) {
		for (uint32_t i = 0; i < s->n_labels; i++) {
			const struct hd_label *l = &labels[i];
			if (!l->is_num || (f->key.len && !hd_str_eq(l->key, f->key)))
				continue;
			if (hd_tag_range_match(&f->range, l->num, hd_view_num_unit(v, l->key)))
				return true;
		}
		return false;
	}
	if (f->key.len) {
		for (uint32_t i = 0; i < s->n_labels; i++) {
			const struct hd_label *l = &labels[i];
			if (l->is_num || !hd_str_eq(l->key, f->key))
				continue;
			for (uint32_t r = 0; r < f->n_rx; r++)
				if (hd_regex_match(f->rx[r], l->str.ptr, l->str.len))
					return true;
		}
		return false;
	}
	/* No key: every regexp must match some "key:value" of the sample. */
	for (uint32_t r = 0; r < f->n_rx; r++) {
		bool hit = false;
		for (uint32_t i = 0; i < s->n_labels && !hit; i++) {
			const struct hd_label *l = &labels[i];
			if (l->is_num)
				continue;
			scratch->len = 0;
			hd_buf_append(scratch, l->key.ptr, l->key.len);
			hd_buf_putc(scratch, ':');
			hd_buf_append(scratch, l->str.ptr, l->str.len);
			hit = !scratch->failed &&
			      hd_regex_match(f->rx[r], scratch->data, scratch->len);
		}
		if (!hit)
			return false;
	}
	return true;
}

enum hd_status hd_filter_by_tag(struct hd_view *v, struct hd_error *err)
{
	struct tag_filter focus, ignore;
	memset(&focus, 0, sizeof(focus));
	memset(&ignore, 0, sizeof(ignore));
	const char *fo = v->options.tagfocus, *ig = v->options.tagignore;
	enum hd_status st = HD_OK;
	if (fo)
		st = tag_filter_compile(v, "tagfocus", fo, &focus, err);
	if (st == HD_OK && ig)
		st = tag_filter_compile(v, "tagignore", ig, &ignore, err);
	if (st != HD_OK) {
		tag_filter_release(&focus);
		return st;
	}
	struct hd_buf scratch = HD_BUF_INIT;
	bool fm = false, im = false;
	uint64_t w = 0;
	for (uint64_t i = 0; i < v->n_samples; i++) {
		uint64_t s = v->samples[i].sample;
		bool focused = fo ? tag_filter_match(v, &focus, s, &scratch) : true;
		bool ignored = ig ? tag_filter_match(v, &ignore, s, &scratch) : false;
		fm = fm || focused;
		im = im || ignored;
		if (focused && !ignored)
			v->samples[w++] = v->samples[i];
	}
	bool failed = scratch.failed;
	hd_buf_release(&scratch);
	tag_filter_release(&focus);
	tag_filter_release(&ignore);
	if (failed)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	v->n_samples = w;
	if (fo && !fm)
		v->unmatched |= HD_FILTER_TAGFOCUS;
	if (ig && !im)
		v->unmatched |= HD_FILTER_TAGIGNORE;
	return HD_OK;
}

enum hd_status hd_filter_tags_by_name(struct hd_view *v, struct hd_error *err)
{
	const struct hd_profile *p = v->profile;
	struct hd_regex *show = NULL, *hide = NULL;
	enum hd_status st = hd_regex_compile_opt(v->options.tagshow, "tagshow", &show, err);
	if (st == HD_OK)
		st = hd_regex_compile_opt(v->options.taghide, "taghide", &hide, err);
	struct hd_profile *d = NULL;
	struct hd_sample *samples = NULL;
	struct hd_label *labels = NULL;
	if (st == HD_OK) {
		d = hd_arena_alloc(v->arena, sizeof(*d));
		samples = hd_arena_alloc(v->arena, (p->n_samples + 1) * sizeof(*samples));
		labels = hd_arena_alloc(v->arena, (p->n_labels + 1) * sizeof(*labels));
		if (!d || !samples || !labels)
			st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	if (st != HD_OK) {
		hd_regex_free(show);
		hd_regex_free(hide);
		return st;
	}
	/* Samples the filters dropped keep their labels: nothing reads them. */
	if (p->n_samples)
		memcpy(samples, p->samples, p->n_samples * sizeof(*samples));
	if (p->n_labels)
		memcpy(labels, p->labels, p->n_labels * sizeof(*labels));
	bool sm = false, hm = false;
	for (uint64_t i = 0; i < v->n_samples; i++) {
		struct hd_sample *s = &samples[v->samples[i].sample];
		s->n_labels = hd_labels_by_key(p->labels + s->first_label, s->n_labels, show, hide,
					       labels + s->first_label, &sm, &hm);
	}
	if (show && !sm)
		v->unmatched |= HD_FILTER_TAGSHOW;
	if (hide && !hm)
		v->unmatched |= HD_FILTER_TAGHIDE;
	hd_regex_free(show);
	hd_regex_free(hide);
	*d = *p;
	d->samples = samples;
	d->labels = labels;
	d->arena = NULL; /* owned by the view's arena */
	v->profile = d;
	return HD_OK;
}
