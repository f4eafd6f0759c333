/*
 * fuzz_common.h - what every heapdoc fuzz target shares: the limits the
 * targets decode with (small, so a crafted input exercises the limit paths
 * instead of exhausting the fuzzer's memory) and a checker of the model's
 * invariants that aborts when a profile that decoded successfully breaks
 * one (an index out of range, a string slice with no bytes behind it).  Not
 * a fuzz target itself (the build only turns fuzz/fuzz_*.c into targets);
 * docs/internals/fuzzing.md describes the targets, the corpus and how to
 * run them.
 */
#ifndef HD_FUZZ_COMMON_H
#define HD_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapdoc/heapdoc.h"

static inline void fuzz_limits(struct hd_limits *limits)
{
	hd_limits_default(limits);
	limits->max_input_bytes = 32u << 20;
	limits->max_decompressed_bytes = 64u << 20;
	limits->max_samples = 1000000;
	limits->max_stack_depth = 100000;
	limits->max_string_bytes = 1u << 20;
	limits->max_line_bytes = 1u << 20;
}

#define FUZZ_CHECK(cond)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "model invariant broken: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);                     \
			abort();                                                \
		}                                                               \
	} while (0)

/* Touches every byte of a string slice so ASan sees a bad pointer. */
static inline unsigned fuzz_touch(struct hd_str s)
{
	unsigned sum = 0;
	FUZZ_CHECK(s.len == 0 || s.ptr != NULL);
	for (size_t i = 0; i < s.len; i++)
		sum += (unsigned char)s.ptr[i];
	return sum;
}

/* Aborts unless every reference in the decoded profile is in range. */
static inline void fuzz_check_profile(const struct hd_profile *p)
{
	volatile unsigned sink = 0;
	FUZZ_CHECK(p != NULL);
	FUZZ_CHECK(p->n_sample_types == 0 || p->sample_types != NULL);
	for (uint32_t i = 0; i < p->n_sample_types; i++)
		sink += fuzz_touch(p->sample_types[i].type) + fuzz_touch(p->sample_types[i].unit);
	for (uint32_t i = 0; i < p->n_functions; i++) {
		const struct hd_function *f = &p->functions[i];
		sink += fuzz_touch(f->name) + fuzz_touch(f->system_name) + fuzz_touch(f->filename);
	}
	for (uint32_t i = 0; i < p->n_mappings; i++)
		sink += fuzz_touch(p->mappings[i].filename) + fuzz_touch(p->mappings[i].build_id);
	for (uint32_t i = 0; i < p->n_lines; i++)
		FUZZ_CHECK(p->lines[i].function == HD_NONE || p->lines[i].function < p->n_functions);
	for (uint32_t i = 0; i < p->n_locations; i++) {
		const struct hd_location *l = &p->locations[i];
		FUZZ_CHECK(l->mapping == HD_NONE || l->mapping < p->n_mappings);
		FUZZ_CHECK((uint64_t)l->first_line + l->n_lines <= p->n_lines);
	}
	for (uint64_t s = 0; s < p->n_samples; s++) {
		const struct hd_sample *sm = &p->samples[s];
		FUZZ_CHECK(sm->first_loc + sm->n_locs <= p->n_sample_locs);
		FUZZ_CHECK(sm->first_label + sm->n_labels <= p->n_labels);
		for (uint32_t k = 0; k < sm->n_locs; k++)
			FUZZ_CHECK(p->sample_locs[sm->first_loc + k] < p->n_locations);
		const int64_t *v = hd_profile_sample_values(p, s);
		for (uint32_t k = 0; k < p->n_sample_types; k++)
			sink += (unsigned)v[k];
	}
	for (uint64_t i = 0; i < p->n_labels; i++) {
		const struct hd_label *lb = &p->labels[i];
		sink += fuzz_touch(lb->key) + fuzz_touch(lb->str) + fuzz_touch(lb->num_unit);
	}
	for (uint32_t i = 0; i < p->n_comments; i++)
		sink += fuzz_touch(p->comments[i]);
	for (uint32_t i = 0; i < p->n_memstats; i++)
		sink += fuzz_touch(p->memstats[i].name) + fuzz_touch(p->memstats[i].value);
	sink += fuzz_touch(p->drop_frames) + fuzz_touch(p->keep_frames) +
		fuzz_touch(p->default_sample_type) + fuzz_touch(p->period_type.type);
	int d = hd_profile_default_sample_index(p);
	FUZZ_CHECK(p->n_sample_types == 0 ? d <= 0 : (d >= 0 && (uint32_t)d < p->n_sample_types));
	(void)sink;
}

/* Parses; on failure checks the error is filled like the header promises. */
static inline struct hd_profile *fuzz_parse(const uint8_t *data, size_t size)
{
	struct hd_limits limits;
	fuzz_limits(&limits);
	struct hd_profile *p = NULL;
	struct hd_error err;
	memset(&err, 0, sizeof(err));
	enum hd_status st = hd_profile_parse(data, size, &limits, &p, &err);
	if (st != HD_OK) {
		FUZZ_CHECK(p == NULL);
		FUZZ_CHECK(err.code == st);
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		FUZZ_CHECK(err.msg[0] != '\0');
		FUZZ_CHECK(st != HD_ERR_INTERNAL);
		return NULL;
	}
	fuzz_check_profile(p);
	return p;
}

#endif /* HD_FUZZ_COMMON_H */
