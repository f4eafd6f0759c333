/*
 * pbwire.h - the protobuf wire format reader used by the profile.proto
 * decoder: varints, tags and the four wire types pprof accepts (0 varint,
 * 1 fixed64, 2 length-delimited, 5 fixed32; groups 3/4 are errors).  It
 * reads a byte range and never allocates; it knows nothing of profiles
 * (profile_pb.c does).  The hot functions are inline because the decoder
 * calls them once per value of a million-sample profile.  Design notes:
 * docs/internals/decode.md.
 */
#ifndef HD_PBWIRE_H
#define HD_PBWIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define HD_PB_INLINE static inline __attribute__((always_inline))
#else
#define HD_PB_INLINE static inline
#endif

enum hd_pb_result {
	HD_PB_OK = 0,
	HD_PB_ERR_TRUNCATED, /* a varint or fixed value runs past the end */
	HD_PB_ERR_OVERFLOW,  /* a varint longer than 10 bytes or above 2^64-1 */
	HD_PB_ERR_WIRETYPE,  /* wire type 3, 4, 6 or 7 */
	HD_PB_ERR_LENGTH     /* a length-delimited field runs past the end */
};

/* One field as read by hd_pb_next_field(). */
struct hd_pb_field {
	uint64_t number;    /* field number (tag >> 3) */
	unsigned wire_type; /* 0, 1, 2 or 5 */
	uint64_t value;     /* wire types 0, 1 and 5 */
	const uint8_t *data; /* wire type 2: the payload */
	size_t len;          /* wire type 2: payload length */
};

/* "varint runs past the end of the data", ... (static string). */
const char *hd_pb_result_str(enum hd_pb_result r);

/*
 * Slow path of hd_pb_read_varint for varints near the end of the data.
 * Same contract.
 */
enum hd_pb_result hd_pb_read_varint_slow(const uint8_t **pp, const uint8_t *end,
					 uint64_t *value_ret);

/*
 * Reads one varint at *pp (not past end) into *value_ret and advances *pp.
 * Accepts at most 10 bytes, the 10th being 0 or 1 (so the value fits in 64
 * bits, as Go's protowire demands).  On error *pp is unchanged.
 * `end` must be readable at end[-1] when p < end (it is the end of the
 * message being read).
 */
HD_PB_INLINE enum hd_pb_result hd_pb_read_varint(const uint8_t **pp,
						  const uint8_t *end,
						  uint64_t *value_ret)
{
	const uint8_t *p = *pp;
	if (p < end && p[0] < 0x80) {
		*value_ret = p[0];
		*pp = p + 1;
		return HD_PB_OK;
	}
	/* Unrolled without bounds checks when 10 bytes remain, or when the
	 * data's last byte ends a varint: then no varint can run past it. */
	if (end - p >= 10 || (p < end && end[-1] < 0x80)) {
		uint64_t v = p[0] & 0x7f;
		uint64_t b;
		b = p[1]; v |= (b & 0x7f) << 7;  if (b < 0x80) { *pp = p + 2; goto done; }
		b = p[2]; v |= (b & 0x7f) << 14; if (b < 0x80) { *pp = p + 3; goto done; }
		b = p[3]; v |= (b & 0x7f) << 21; if (b < 0x80) { *pp = p + 4; goto done; }
		b = p[4]; v |= (b & 0x7f) << 28; if (b < 0x80) { *pp = p + 5; goto done; }
		b = p[5]; v |= (b & 0x7f) << 35; if (b < 0x80) { *pp = p + 6; goto done; }
		b = p[6]; v |= (b & 0x7f) << 42; if (b < 0x80) { *pp = p + 7; goto done; }
		b = p[7]; v |= (b & 0x7f) << 49; if (b < 0x80) { *pp = p + 8; goto done; }
		b = p[8]; v |= (b & 0x7f) << 56; if (b < 0x80) { *pp = p + 9; goto done; }
		b = p[9];
		if (b > 1)
			return HD_PB_ERR_OVERFLOW;
		v |= b << 63;
		*pp = p + 10;
done:
		*value_ret = v;
		return HD_PB_OK;
	}
	return hd_pb_read_varint_slow(pp, end, value_ret);
}

/* Skips one varint without decoding it. */
static inline enum hd_pb_result hd_pb_skip_varint(const uint8_t **pp, const uint8_t *end)
{
	uint64_t ignored;
	return hd_pb_read_varint(pp, end, &ignored);
}

static inline uint64_t hd_pb_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint32_t hd_pb_le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

/*
 * Reads the field (tag and payload) at *pp into *f and advances *pp past
 * it.  Fixed32/fixed64 payloads land in f->value; length-delimited ones in
 * f->data/f->len (checked to lie within end).  Field number 0 is returned
 * as is (pprof skips it like any unknown field).  On error *pp is left at
 * the start of the failing field so the caller can report its offset.
 */
HD_PB_INLINE enum hd_pb_result hd_pb_next_field(const uint8_t **pp, const uint8_t *end,
						 struct hd_pb_field *f)
{
	const uint8_t *p = *pp;
	uint64_t tag;
	enum hd_pb_result r = hd_pb_read_varint(&p, end, &tag);
	if (r != HD_PB_OK)
		return r;
	f->number = tag >> 3;
	f->wire_type = (unsigned)(tag & 7);
	switch (f->wire_type) {
	case 0:
		r = hd_pb_read_varint(&p, end, &f->value);
		if (r != HD_PB_OK)
			return r;
		break;
	case 1:
		if (end - p < 8)
			return HD_PB_ERR_TRUNCATED;
		f->value = hd_pb_le64(p);
		p += 8;
		break;
	case 2: {
		uint64_t len;
		r = hd_pb_read_varint(&p, end, &len);
		if (r != HD_PB_OK)
			return r;
		if (len > (uint64_t)(end - p))
			return HD_PB_ERR_LENGTH;
		f->data = p;
		f->len = (size_t)len;
		p += len;
		break;
	}
	case 5:
		if (end - p < 4)
			return HD_PB_ERR_TRUNCATED;
		f->value = hd_pb_le32(p);
		p += 4;
		break;
	default:
		return HD_PB_ERR_WIRETYPE;
	}
	*pp = p;
	return HD_PB_OK;
}

/*
 * Number of varints in a packed repeated field's payload: the count of
 * bytes without the continuation bit.  It does not validate them (a
 * trailing continuation byte is not counted; the decoding pass reports it).
 */
static inline size_t hd_pb_count_varints(const uint8_t *data, size_t len)
{
	/* Eight bytes at a time: a 1 in the low bit of each byte without the
	 * continuation bit, summed by one multiplication (no POPCNT needed). */
	size_t n = 0, i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, data + i, 8);
		uint64_t ends = (~w >> 7) & 0x0101010101010101ull;
		n += (size_t)((ends * 0x0101010101010101ull) >> 56);
	}
	for (; i < len; i++)
		n += data[i] < 0x80;
	return n;
}

#endif /* HD_PBWIRE_H */
