/*
 * pbwire.c - the out-of-line parts of the protobuf wire reader: the varint
 * slow path (near the end of the data), packed-varint counting and error
 * strings.  The inline fast paths and the contract live in pbwire.h.
 */
#include "decode/pbwire.h"

const char *hd_pb_result_str(enum hd_pb_result r)
{
	switch (r) {
	case HD_PB_OK: return "ok";
	case HD_PB_ERR_TRUNCATED: return "value runs past the end of the data";
	case HD_PB_ERR_OVERFLOW: return "varint overflows 64 bits";
	case HD_PB_ERR_WIRETYPE: return "unsupported wire type (group or reserved)";
	case HD_PB_ERR_LENGTH: return "length runs past the end of the data";
	}
	return "unknown wire error";
}

enum hd_pb_result hd_pb_read_varint_slow(const uint8_t **pp, const uint8_t *end,
					 uint64_t *value_ret)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;
	for (unsigned i = 0;; i++) {
		if (p + i >= end)
			return HD_PB_ERR_TRUNCATED;
		uint64_t b = p[i];
		if (i == 9) {
			if (b > 1)
				return HD_PB_ERR_OVERFLOW;
			v |= b << 63;
			*pp = p + 10;
			*value_ret = v;
			return HD_PB_OK;
		}
		v |= (b & 0x7f) << (7 * i);
		if (b < 0x80) {
			*pp = p + i + 1;
			*value_ret = v;
			return HD_PB_OK;
		}
	}
}

size_t hd_pb_count_varints(const uint8_t *data, size_t len)
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
