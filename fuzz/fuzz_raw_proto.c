/*
 * fuzz_raw_proto.c - libFuzzer target: uncompressed profile.proto bytes
 * through hd_profile_parse().  A profile that decodes must satisfy every
 * invariant of the model (fuzz_common.h); one that does not must fail with a
 * filled error, never crash, hang or leak.  Seeds: fuzz/seeds.sh (inflated
 * testdata profiles); dictionary: fuzz/profile.dict.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hd_profile_free(fuzz_parse(data, size));
	return 0;
}
