/*
 * fuzz_gzip_proto.c - libFuzzer target: gzip-compressed profile.proto
 * through hd_profile_parse().  The first input byte picks what the decoder
 * sees, so both the inflater's error paths and the proto decoder behind it
 * are reached:
 *   0: the rest is a raw profile, gzip-compressed here (valid gzip around
 *      mutated protobuf);
 *   1: as 0, then the gzip stream is cut or one byte is flipped, at a place
 *      the next bytes choose (corrupt and truncated streams, bad CRC/ISIZE);
 *   2: as 0, twice (a multi-member gzip stream, like `cat a.gz b.gz`);
 *   else: the rest as-is (seeds that are real .pb.gz files).
 * Seeds: fuzz/seeds.sh writes mode-prefixed testdata profiles.
 */
#include <stddef.h>
#include <stdint.h>

#include <libdeflate.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t gzip_into(struct libdeflate_compressor *c, const uint8_t *in, size_t n,
			uint8_t *out, size_t cap)
{
	return libdeflate_gzip_compress(c, in, n, out, cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint8_t mode = data[0];
	data++;
	size--;
	if (mode > 2) {
		hd_profile_free(fuzz_parse(data, size));
		return 0;
	}
	size_t where = 0;
	if (mode == 1 && size >= 4) {
		where = (size_t)data[0] << 16 | (size_t)data[1] << 8 | data[2];
		data += 3;
		size -= 3;
	}
	static struct libdeflate_compressor *comp;
	if (!comp)
		comp = libdeflate_alloc_compressor(1);
	if (!comp)
		return 0;
	size_t bound = libdeflate_gzip_compress_bound(comp, size);
	uint8_t *gz = malloc(2 * bound);
	if (!gz)
		return 0;
	size_t n = gzip_into(comp, data, size, gz, bound);
	if (n && mode == 2)
		n += gzip_into(comp, data, size, gz + n, bound);
	if (n && mode == 1) {
		size_t at = where % n;
		if (where & 0x800000)
			n = at; /* truncate */
		else
			gz[at] ^= (uint8_t)(1u << (where >> 20 & 7));
	}
	if (n || mode == 1)
		hd_profile_free(fuzz_parse(gz, n));
	free(gz);
	return 0;
}
