/*
 * profile_pb.h - private to the profile.proto decoder: the state its
 * passes share (profile_pb.c: counting, strings, metadata, locations and
 * the entry point; profile_samples.c: the sample pass, split over threads
 * for large profiles).  Nothing outside src/lib/decode includes it;
 * decode.h is the decoder's interface.  docs/internals/decode.md has the
 * design.
 */
#ifndef HD_DECODE_PROFILE_PB_H
#define HD_DECODE_PROFILE_PB_H

#include "decode/decode.h"
#include "decode/idmap.h"
#include "decode/pbwire.h"

/* Field numbers of message Profile (proto/profile.proto). */
enum {
	F_SAMPLE_TYPE = 1, F_SAMPLE, F_MAPPING, F_LOCATION, F_FUNCTION,
	F_STRING_TABLE, F_DROP_FRAMES, F_KEEP_FRAMES, F_TIME_NANOS,
	F_DURATION_NANOS, F_PERIOD_TYPE, F_PERIOD, F_COMMENT,
	F_DEFAULT_SAMPLE_TYPE, F_DOC_URL, F_MAX = F_DOC_URL
};

/*
 * Where pass 1 met a sample at or after a multiple of mark_step bytes:
 * its offset and what was counted before it.  A part of pass 5 starts at
 * a mark, so it knows its sample index and output positions.
 */
struct hd_pb_mark {
	size_t offset;
	uint64_t sample, loc, label; /* loc: only with exact_locs */
};
#define HD_PB_MARKS 64u

struct hd_pbctx {
	struct hd_profile *p;
	const uint8_t *base; /* start of the buffer, for error offsets */
	const uint8_t *end;
	const struct hd_limits *lim;
	struct hd_error *err;
	bool copy_strings;

	/* pass 1 */
	uint64_t n[F_MAX + 1];      /* top-level field counts */
	size_t first[F_MAX + 1];    /* offset where the first one starts */
	size_t last_end[F_MAX + 1]; /* offset where the last one ends */
	uint64_t n_values, n_sample_locs, n_labels, n_lines, n_comments;
	int64_t drop_frames_x, keep_frames_x, default_sample_type_x, doc_url_x;
	const uint8_t *period_type_msg;
	size_t period_type_len;
	uint64_t values_of_first; /* values in sample 0 */
	uint64_t odd_sample;      /* first sample whose value count differs */
	size_t odd_sample_offset;
	bool has_odd_sample;

	uint64_t string_bytes;

	/* pass 2 */
	char *string_copy; /* where the next copied string goes, or NULL */
	struct hd_str *strings;
	size_t n_strings;

	/* pass 1: n_sample_locs exact (pass 5 may run in parts) or a bound */
	bool exact_locs;
	/* pass 1: where samples start, every mark_step bytes (pass 5's parts) */
	struct hd_pb_mark marks[HD_PB_MARKS];
	unsigned n_marks;
	size_t mark_step, next_mark;

	struct hd_idmap mappings, functions, locations;

	/* pass 5: where the next sample, location index and label go */
	uint64_t sample_pos, sloc_pos, label_pos;
};

static inline size_t hd_pb_off(const struct hd_pbctx *c, const uint8_t *at)
{
	return (size_t)(at - c->base);
}

/* "<wire problem> in <what>" at `at` (HD_ERR_PROTOBUF). */
enum hd_status hd_pb_wire_error(struct hd_pbctx *c, enum hd_pb_result r, const uint8_t *at,
				const char *what);

/* hd_pb_get_string's error: index out of the string table's range. */
enum hd_status hd_pb_string_error(struct hd_pbctx *c, int64_t index, const char *what);

/* pprof's getString: index into the string table, range-checked.  Inline:
 * every label, line and function reads through it. */
static inline enum hd_status hd_pb_get_string(struct hd_pbctx *c, int64_t index,
					      const char *what, struct hd_str *ret)
{
	if (HD_UNLIKELY(index < 0 || (uint64_t)index >= c->n_strings))
		return hd_pb_string_error(c, index, what);
	*ret = c->strings[index];
	return HD_OK;
}

/* Reads a message of varint fields 1..nfields into x[]; others skipped. */
enum hd_status hd_pb_read_varints(struct hd_pbctx *c, const uint8_t *q, size_t len,
				  const char *what, uint64_t *x, unsigned nfields);

/*
 * Pass 5 (profile_samples.c): every sample's location indices, values and
 * labels into the arrays sized by pass 1, in parts on up to hd_threads()
 * threads when the profile is large.  The first error in input order is
 * reported, as a single pass would.
 */
enum hd_status hd_pb_fill_samples(struct hd_pbctx *c);

#endif /* HD_DECODE_PROFILE_PB_H */
