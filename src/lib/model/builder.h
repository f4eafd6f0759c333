/*
 * builder.h - building a struct hd_profile piece by piece, for code that
 * makes profiles instead of decoding them: the legacy text parser, merge
 * and diff, unit tests.  Private to libheapdoc (the public model is in
 * include/heapdoc/heapdoc.h).  The result has the same invariants as a
 * decoded profile: dense indices, every reference valid, values
 * n_samples * n_sample_types, ids 1..n, strings owned by the profile.
 *
 * Usage:
 *
 *	struct hd_builder *b;
 *	if (hd_builder_new(&b, err)) return ...;
 *	hd_builder_add_sample_type(b, hd_str_c("alloc_objects"), hd_str_c("count"));
 *	...
 *	uint32_t fn = hd_builder_intern_function(b, &(struct hd_function){
 *		.name = hd_str_c("main.f"), .filename = hd_str_c("main.go")});
 *	struct hd_line line = {.function = fn, .line = 12};
 *	uint32_t loc = hd_builder_intern_location(b, HD_NONE, 0x1234, false, &line, 1);
 *	int64_t values[4] = {1, 512, 1, 512};
 *	hd_builder_add_sample(b, &loc, 1, values, NULL, 0);
 *	struct hd_profile *p;
 *	st = hd_builder_finish(b, &p, err);   // b is freed either way
 *
 * Errors are sticky: the add/intern calls return HD_NONE (or false) once
 * anything failed, later calls do nothing, and hd_builder_finish() returns
 * the first error.  So a caller may check only at the end.  Every string
 * passed in is copied (interned: equal strings share one copy), so inputs
 * may be freed right after the call.  Arrays grow geometrically on the
 * heap and are copied into the profile's arena by finish: no allocation
 * per sample, amortized O(1) appends.
 *
 * Ids: the finished profile numbers mappings, functions and locations
 * 1..n in the order they were added (the `id` fields given to the add
 * calls are ignored), as pprof does when it writes a merged profile.
 *
 * Thread safety: a builder is used by one thread at a time.
 */
#ifndef HD_BUILDER_H
#define HD_BUILDER_H

#include "common.h"

struct hd_builder;

/* A new empty builder.  HD_OK, or HD_ERR_NOMEM. */
enum hd_status hd_builder_new(struct hd_builder **builder_ret, struct hd_error *err);

/* Discards a builder that was not finished.  Accepts NULL. */
void hd_builder_free(struct hd_builder *b);

/* The first error so far (HD_OK if none); copies its message to err. */
enum hd_status hd_builder_status(const struct hd_builder *b, struct hd_error *err);

/*
 * Records a failure found by the caller (a malformed input line, say):
 * the builder becomes failed with this status and message, and finish
 * returns it.  Returns `status`.  Only the first failure is kept.
 */
enum hd_status hd_builder_fail(struct hd_builder *b, enum hd_status status,
			       const char *fmt, ...) HD_PRINTF(3, 4);

/*
 * A copy of s owned by the profile being built; equal strings give the
 * same pointer, so callers may compare interned strings by ptr.  Returns
 * an empty string after a failure.
 */
struct hd_str hd_builder_intern(struct hd_builder *b, struct hd_str s);

/* ---- profile-level fields (strings copied) ---- */

/* Appends a sample type; only before the first sample.  false on failure. */
bool hd_builder_add_sample_type(struct hd_builder *b, struct hd_str type,
				struct hd_str unit);
void hd_builder_set_period(struct hd_builder *b, struct hd_str type,
			   struct hd_str unit, int64_t period);
void hd_builder_set_time(struct hd_builder *b, int64_t time_nanos,
			 int64_t duration_nanos);
void hd_builder_set_default_sample_type(struct hd_builder *b, struct hd_str type);
void hd_builder_set_frames(struct hd_builder *b, struct hd_str drop_frames,
			   struct hd_str keep_frames);
void hd_builder_set_doc_url(struct hd_builder *b, struct hd_str url);
void hd_builder_add_comment(struct hd_builder *b, struct hd_str comment);
void hd_builder_add_memstat(struct hd_builder *b, struct hd_str name,
			    struct hd_str value);
/* The format the finished profile reports (default HD_FORMAT_BUILT). */
void hd_builder_set_format(struct hd_builder *b, enum hd_format format);

/* ---- entities; each returns its dense index, or HD_NONE on failure ---- */

/* Adds a mapping (its strings copied, its id ignored). */
uint32_t hd_builder_add_mapping(struct hd_builder *b, const struct hd_mapping *m);

/* Adds a function (strings copied, id ignored), even if an equal one exists. */
uint32_t hd_builder_add_function(struct hd_builder *b, const struct hd_function *f);

/*
 * The index of the function equal to *f (same name, system_name, filename
 * and start_line), adding it if there is none.
 */
uint32_t hd_builder_intern_function(struct hd_builder *b, const struct hd_function *f);

/*
 * Adds a location: `mapping` is a mapping index or HD_NONE; lines[0] is
 * the innermost frame (each line's function an index returned above, or
 * HD_NONE for a frame without function, as legacy profiles have).
 * n_lines may be 0.
 */
uint32_t hd_builder_add_location(struct hd_builder *b, uint32_t mapping,
				 uint64_t address, bool is_folded,
				 const struct hd_line *lines, uint32_t n_lines);

/* As hd_builder_add_location, but returns the equal existing location if any
 * (same mapping, address, is_folded and lines). */
uint32_t hd_builder_intern_location(struct hd_builder *b, uint32_t mapping,
				    uint64_t address, bool is_folded,
				    const struct hd_line *lines, uint32_t n_lines);

/* Counts so far (for callers that keep their own side tables). */
uint32_t hd_builder_n_locations(const struct hd_builder *b);
uint32_t hd_builder_n_functions(const struct hd_builder *b);
uint64_t hd_builder_n_samples(const struct hd_builder *b);

/*
 * Appends a sample: `locs` are location indices, leaf first; `values` has
 * exactly as many entries as sample types were added; `labels` (strings
 * copied; is_num chooses str or num/num_unit) may be NULL when n_labels is
 * 0.  Returns the sample's index, or UINT64_MAX on failure (an index out
 * of range is a HD_ERR_INTERNAL failure: a bug in the caller).
 */
uint64_t hd_builder_add_sample(struct hd_builder *b, const uint32_t *locs,
			       uint32_t n_locs, const int64_t *values,
			       const struct hd_label *labels, uint32_t n_labels);

/*
 * The values of sample `sample`, writable (merge adds into them).  Valid
 * until the next hd_builder_add_sample().  NULL if out of range.
 */
int64_t *hd_builder_sample_values(struct hd_builder *b, uint64_t sample);

/*
 * Finishes: moves everything into a new profile (*profile_ret, freed with
 * hd_profile_free()).  The builder is freed in every case.  Returns HD_OK,
 * the first recorded failure, or HD_ERR_NOMEM.
 */
enum hd_status hd_builder_finish(struct hd_builder *b, struct hd_profile **profile_ret,
				 struct hd_error *err);

#endif /* HD_BUILDER_H */
