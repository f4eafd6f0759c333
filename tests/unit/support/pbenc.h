/*
 * pbenc.h - a tiny protobuf encoder for tests: builds valid and
 * deliberately malformed profile.proto bytes (and gzip around them) so
 * decoder tests need no binary fixtures.  Test support only, never linked
 * into libheapdoc or the heapdoc program.  Wire format:
 * https://protobuf.dev/programming-guides/encoding/; the profile schema is
 * in docs (PPROF-SEMANTICS.md b.2).
 *
 * All writes append to a growable buffer and abort the test program on
 * out-of-memory (tests need no error paths here).  Nested messages:
 *
 *	struct pbenc e;
 *	pbenc_init(&e);
 *	size_t m = pbenc_begin(&e, PB_PROFILE_SAMPLE);   // field 2, wire type 2
 *	pbenc_packed(&e, PB_SAMPLE_LOCATION_ID, ids, 3);
 *	pbenc_end(&e, m);                                 // patches the length
 *	hd_profile_parse(e.data, e.len, NULL, &p, &err);
 *	pbenc_release(&e);
 */
#ifndef PBENC_H
#define PBENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Field numbers of profile.proto. */
enum {
	PB_PROFILE_SAMPLE_TYPE = 1, PB_PROFILE_SAMPLE = 2, PB_PROFILE_MAPPING = 3,
	PB_PROFILE_LOCATION = 4, PB_PROFILE_FUNCTION = 5, PB_PROFILE_STRING_TABLE = 6,
	PB_PROFILE_DROP_FRAMES = 7, PB_PROFILE_KEEP_FRAMES = 8,
	PB_PROFILE_TIME_NANOS = 9, PB_PROFILE_DURATION_NANOS = 10,
	PB_PROFILE_PERIOD_TYPE = 11, PB_PROFILE_PERIOD = 12, PB_PROFILE_COMMENT = 13,
	PB_PROFILE_DEFAULT_SAMPLE_TYPE = 14, PB_PROFILE_DOC_URL = 15,

	PB_VALUE_TYPE_TYPE = 1, PB_VALUE_TYPE_UNIT = 2,

	PB_SAMPLE_LOCATION_ID = 1, PB_SAMPLE_VALUE = 2, PB_SAMPLE_LABEL = 3,

	PB_LABEL_KEY = 1, PB_LABEL_STR = 2, PB_LABEL_NUM = 3, PB_LABEL_NUM_UNIT = 4,

	PB_MAPPING_ID = 1, PB_MAPPING_MEMORY_START = 2, PB_MAPPING_MEMORY_LIMIT = 3,
	PB_MAPPING_FILE_OFFSET = 4, PB_MAPPING_FILENAME = 5, PB_MAPPING_BUILD_ID = 6,
	PB_MAPPING_HAS_FUNCTIONS = 7, PB_MAPPING_HAS_FILENAMES = 8,
	PB_MAPPING_HAS_LINE_NUMBERS = 9, PB_MAPPING_HAS_INLINE_FRAMES = 10,

	PB_LOCATION_ID = 1, PB_LOCATION_MAPPING_ID = 2, PB_LOCATION_ADDRESS = 3,
	PB_LOCATION_LINE = 4, PB_LOCATION_IS_FOLDED = 5,

	PB_LINE_FUNCTION_ID = 1, PB_LINE_LINE = 2, PB_LINE_COLUMN = 3,

	PB_FUNCTION_ID = 1, PB_FUNCTION_NAME = 2, PB_FUNCTION_SYSTEM_NAME = 3,
	PB_FUNCTION_FILENAME = 4, PB_FUNCTION_START_LINE = 5,
};

enum { PB_WT_VARINT = 0, PB_WT_FIXED64 = 1, PB_WT_LEN = 2, PB_WT_FIXED32 = 5 };

struct pbenc {
	uint8_t *data;
	size_t len;
	size_t cap;
};

void pbenc_init(struct pbenc *e);
void pbenc_release(struct pbenc *e);
void pbenc_reset(struct pbenc *e); /* empties, keeps the memory */

/* ---- wire level ---- */
void pbenc_raw(struct pbenc *e, const void *data, size_t len);
void pbenc_varint(struct pbenc *e, uint64_t v);            /* bare varint */
void pbenc_tag(struct pbenc *e, uint64_t field, unsigned wire_type);
void pbenc_uint(struct pbenc *e, uint64_t field, uint64_t v); /* tag + varint */
void pbenc_int(struct pbenc *e, uint64_t field, int64_t v);   /* int64 as varint */
void pbenc_fixed64(struct pbenc *e, uint64_t field, uint64_t v);
void pbenc_fixed32(struct pbenc *e, uint64_t field, uint32_t v);
void pbenc_bytes(struct pbenc *e, uint64_t field, const void *data, size_t len);
void pbenc_string(struct pbenc *e, uint64_t field, const char *s);
/* A packed repeated varint field (one length-delimited field). */
void pbenc_packed(struct pbenc *e, uint64_t field, const uint64_t *v, size_t n);
/* The same values as separate varint fields (unpacked). */
void pbenc_unpacked(struct pbenc *e, uint64_t field, const uint64_t *v, size_t n);
/* Starts an embedded message; returns a mark for pbenc_end. */
size_t pbenc_begin(struct pbenc *e, uint64_t field);
/* Ends the message started at mark: inserts its length. */
void pbenc_end(struct pbenc *e, size_t mark);

/* ---- profile.proto helpers (string table indices, not strings) ---- */
void pbenc_value_type(struct pbenc *e, uint64_t field, int64_t type, int64_t unit);
/* A Sample; packed chooses packed or unpacked repeated fields. */
void pbenc_sample(struct pbenc *e, const uint64_t *location_ids, size_t n_locs,
		  const int64_t *values, size_t n_values, bool packed);
/* A Location with n_lines lines (function_ids[i], lines[i]); lines may be NULL. */
void pbenc_location(struct pbenc *e, uint64_t id, uint64_t mapping_id,
		    uint64_t address, const uint64_t *function_ids,
		    const int64_t *lines, size_t n_lines);
void pbenc_function(struct pbenc *e, uint64_t id, int64_t name, int64_t system_name,
		    int64_t filename, int64_t start_line);
void pbenc_mapping(struct pbenc *e, uint64_t id, uint64_t start, uint64_t limit,
		   uint64_t offset, int64_t filename, int64_t build_id);
/* The whole string table, strings[0] normally "". */
void pbenc_strings(struct pbenc *e, const char *const *strings, size_t n);

/*
 * A small valid Go-style heap profile: sample types alloc_objects/count,
 * alloc_space/bytes, inuse_objects/count, inuse_space/bytes; period type
 * space/bytes, period 524288; functions main.a (id 1) and main.b (id 2)
 * in main.go; locations 1 (main.a:10) and 2 (main.b:20), mapping 1; two
 * samples [1 2] values {1,100,1,100} label bytes=100 and [2] values
 * {2,64,0,0}; the string table last, like the Go runtime writes it.
 * Its strings, in order: "", alloc_objects, count, alloc_space, bytes,
 * inuse_objects, inuse_space, space, main.a, main.b, main.go, /bin/app.
 */
void pbenc_small_profile(struct pbenc *e);

/* gzip-compresses data (libdeflate, level 6) into a malloc'ed buffer. */
uint8_t *pbenc_gzip(const void *data, size_t len, size_t *out_len);

#endif /* PBENC_H */
