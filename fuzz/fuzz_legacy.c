/*
 * fuzz_legacy.c - libFuzzer target: the legacy `debug=1` text heap format
 * (`heap profile: ... @ heap/N`, heapz_v2, heapprofile) through
 * hd_profile_parse().  Inputs that do not start with a text header get one
 * prepended, so that mutations land in the record and `#` symbol lines the
 * text parser reads rather than in the proto decoder that is tried first.
 * Seeds: fuzz/seeds.sh (testdata .txt profiles and the pprof legacy corpus).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char header[] = "heap profile: 1: 2 [3: 4] @ heap/1048576\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 5 && memcmp(data, "heap", 4) == 0) {
		hd_profile_free(fuzz_parse(data, size));
		return 0;
	}
	size_t hl = sizeof(header) - 1;
	uint8_t *buf = malloc(hl + size + 1);
	if (!buf)
		return 0;
	memcpy(buf, header, hl);
	if (size)
		memcpy(buf + hl, data, size);
	hd_profile_free(fuzz_parse(buf, hl + size));
	free(buf);
	return 0;
}
