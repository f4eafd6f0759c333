/*
 * agg_fixture.h - hand-built profiles for the aggregation, filter and
 * render unit tests (test_aggregate.c, test_filter.c, test_render.c): a
 * thin layer over the profile builder (src/lib/model/builder.h) so a test
 * reads like the profile it builds.  Expected numbers in those tests are
 * worked out by hand from pprof's rules (docs/internals/aggregate.md), not
 * taken from heapdoc's own output.  Header-only, static inline: each test
 * program includes it once.
 */
#ifndef AGG_FIXTURE_H
#define AGG_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "model/builder.h"

struct fx {
	struct hd_builder *b;
	uint32_t n_types;
	uint32_t mapping;
};

static inline void fx_die(const char *what)
{
	fprintf(stderr, "fixture: %s\n", what);
	abort();
}

/*
 * A profile with the given sample types, e.g. "inuse_space/bytes".  One
 * mapping /bin/app (index fx.mapping) unless no_mapping.
 */
static inline void fx_init_types(struct fx *f, bool no_mapping, int n, ...)
{
	memset(f, 0, sizeof(*f));
	if (hd_builder_new(&f->b, NULL) != HD_OK)
		fx_die("builder");
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *t = va_arg(ap, const char *);
		const char *slash = strchr(t, '/');
		hd_builder_add_sample_type(f->b, (struct hd_str){t, (size_t)(slash - t)},
					   hd_str_c(slash + 1));
	}
	va_end(ap);
	f->n_types = (uint32_t)n;
	f->mapping = HD_NONE;
	if (!no_mapping) {
		struct hd_mapping m = {0};
		m.filename = hd_str_c("/bin/app");
		m.memory_start = 0x400000;
		m.memory_limit = 0x800000;
		m.has_functions = m.has_filenames = m.has_line_numbers = true;
		f->mapping = hd_builder_add_mapping(f->b, &m);
	}
}

/* One sample type inuse_space/bytes. */
static inline void fx_init(struct fx *f)
{
	fx_init_types(f, false, 1, "inuse_space/bytes");
}

static inline uint32_t fx_fn_start(struct fx *f, const char *name, const char *file,
				   int64_t start_line)
{
	struct hd_function fn = {0};
	fn.name = hd_str_c(name);
	fn.system_name = fn.name;
	fn.filename = hd_str_c(file);
	fn.start_line = start_line;
	return hd_builder_add_function(f->b, &fn);
}

static inline uint32_t fx_fn(struct fx *f, const char *name, const char *file)
{
	return fx_fn_start(f, name, file, 0);
}

/*
 * A location at `addr` with n frames given as (function, line) pairs,
 * innermost first: fx_loc(f, 0x401000, 2, inlined, 12, caller, 30).
 */
static inline uint32_t fx_loc(struct fx *f, uint64_t addr, int n, ...)
{
	struct hd_line lines[16];
	if (n > 16)
		fx_die("too many lines");
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		lines[i].function = va_arg(ap, uint32_t);
		lines[i].line = va_arg(ap, int);
		lines[i].column = 0;
	}
	va_end(ap);
	return hd_builder_add_location(f->b, f->mapping, addr, false, lines, (uint32_t)n);
}

/* A location of one frame, address derived from the function. */
static inline uint32_t fx_loc1(struct fx *f, uint32_t fn, int line)
{
	return fx_loc(f, 0x401000 + 0x100 * (uint64_t)fn + (uint64_t)line, 1, fn, line);
}

/* A sample with a single value and n locations, leaf first. */
static inline uint64_t fx_sample(struct fx *f, int64_t value, int n, ...)
{
	uint32_t locs[64];
	int64_t values[8] = {0};
	if (n > 64 || f->n_types > 8)
		fx_die("sample too large");
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		locs[i] = va_arg(ap, uint32_t);
	va_end(ap);
	for (uint32_t i = 0; i < f->n_types; i++)
		values[i] = value;
	return hd_builder_add_sample(f->b, locs, (uint32_t)n, values, NULL, 0);
}

/* A sample with explicit values (n_types of them) and labels. */
static inline uint64_t fx_sample_full(struct fx *f, const int64_t *values,
				      const struct hd_label *labels, uint32_t n_labels,
				      int n, ...)
{
	uint32_t locs[64];
	if (n > 64)
		fx_die("sample too large");
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		locs[i] = va_arg(ap, uint32_t);
	va_end(ap);
	return hd_builder_add_sample(f->b, locs, (uint32_t)n, values, labels, n_labels);
}

static inline struct hd_profile *fx_finish(struct fx *f)
{
	struct hd_profile *p = NULL;
	struct hd_error err = {0};
	if (hd_builder_finish(f->b, &p, &err) != HD_OK) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		abort();
	}
	f->b = NULL;
	return p;
}

static inline struct hd_label fx_num_label(const char *key, int64_t num, const char *unit)
{
	struct hd_label l = {0};
	l.key = hd_str_c(key);
	l.num = num;
	l.num_unit = hd_str_c(unit);
	l.is_num = true;
	return l;
}

static inline struct hd_label fx_str_label(const char *key, const char *value)
{
	struct hd_label l = {0};
	l.key = hd_str_c(key);
	l.str = hd_str_c(value);
	return l;
}

#endif /* AGG_FIXTURE_H */
