/*
 * decode.h - private interface between the decoders (src/lib/decode) and
 * the rest of libheapdoc: gzip inflation, the profile.proto decoder and the
 * legacy text parser, each filling a profile that hd_profile_parse()
 * (parse.c) hands to the user.  Not public; include/heapdoc/heapdoc.h is.
 * The two-pass design and the validation rules are in
 * docs/internals/decode.md.
 */
#ifndef HD_DECODE_H
#define HD_DECODE_H

#include "common.h"

/*
 * Inflates a gzip stream (one or more concatenated members, as Go's reader
 * accepts) into memory allocated from `arena`.  The ISIZE trailer is the
 * size hint; when it is plausible and above max_out the call fails at once
 * with HD_ERR_LIMIT without inflating anything.  The output never exceeds
 * max_out bytes (HD_ERR_LIMIT).  Corrupt or truncated data: HD_ERR_GZIP.
 * Allocation failure: HD_ERR_NOMEM.  *out_ret is arena-owned.
 */
enum hd_status hd_gunzip(const uint8_t *in, size_t in_len, uint64_t max_out,
			 struct hd_arena *arena, uint8_t **out_ret,
			 size_t *out_len_ret, struct hd_error *err);

/*
 * Decodes profile.proto wire data into `p` (a zeroed profile whose arena is
 * set).  Strings point into `data`, which must then live as long as the
 * profile (the inflated buffer, arena-owned), unless copy_strings is set:
 * then the string table is copied into the arena in one block and `data`
 * is not retained (raw input belongs to the caller).  Validates like
 * pprof's postDecode and CheckValid.  Returns HD_OK, HD_ERR_PROTOBUF (wire
 * errors, with offset), HD_ERR_PROFILE (semantic errors), HD_ERR_LIMIT or
 * HD_ERR_NOMEM.  On failure `p` holds partial data and must just be freed.
 */
enum hd_status hd_proto_decode(struct hd_profile *p, const uint8_t *data,
			       size_t len, bool copy_strings,
			       const struct hd_limits *limits, struct hd_error *err);

/*
 * True when `data` looks like a legacy heap text profile: its first
 * non-blank line starts with "heap profile:" or is another header pprof's
 * parseHeap accepts.
 */
bool hd_legacy_looks_like_heap(const uint8_t *data, size_t len);

/*
 * Parses a legacy heap text profile (`heap profile: ... @ heap/N`) into a
 * new profile.  Returns HD_OK and *profile_ret, HD_ERR_LEGACY (with the
 * line number in the message), HD_ERR_LIMIT or HD_ERR_NOMEM.
 */
enum hd_status hd_legacy_decode(const uint8_t *data, size_t len,
				const struct hd_limits *limits,
				struct hd_profile **profile_ret,
				struct hd_error *err);

#endif /* HD_DECODE_H */
