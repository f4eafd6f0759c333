/*
 * legacy_text.c - the legacy heap text format (`heap profile: ... @
 * heap/N`, what /debug/pprof/heap?debug=1 serves).  Detection only for
 * now; the parser follows.  See docs/internals/decode.md.
 */
#include "decode/decode.h"

bool hd_legacy_looks_like_heap(const uint8_t *data, size_t len)
{
	/* pprof's parseHeap matches its header regexps anywhere in the
	 * first line; all of them start with "heap profile:". */
	const uint8_t *nl = memchr(data, '\n', len);
	size_t n = nl ? (size_t)(nl - data) : len;
	static const char tag[] = "heap profile:";
	size_t t = sizeof(tag) - 1;
	for (size_t i = 0; i + t <= n; i++)
		if (memcmp(data + i, tag, t) == 0)
			return true;
	return false;
}
