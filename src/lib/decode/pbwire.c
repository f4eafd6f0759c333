/*
 * pbwire.c - the out-of-line parts of the protobuf wire reader: the varint
 * slow path (near the end of the data) and error strings.  The inline
 * fast paths (packed-varint counting among them) and the contract live in
 * pbwire.h.
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
