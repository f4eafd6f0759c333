/*
 * test_gomodel.c - unit tests of the Go runtime models in
 * src/lib/analyze/gomodel.c: size classes, roundupsize with and without
 * malloc headers, growslice per version, classic bucket arrays and Swiss
 * groups.  Expected values are those Go itself printed (go1.19/1.22/1.24/
 * 1.26 runs recorded in shared/docs/GO-RUNTIME-FACTS.md §1.5, §2.4, §4.2),
 * and, when present, the Go-printed tables in testdata/gomodel/<version>.txt
 * which every line of is checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze/gomodel.h"

static void check_chain(int minor, uint64_t elem, bool noscan, const uint64_t *caps,
			const uint64_t *bytes, size_t n)
{
	struct hd_go_grow steps[256];
	uint64_t max = bytes ? bytes[n - 1] : caps[n - 1] * elem;
	size_t got = hd_go_slice_chain(minor, elem, noscan, max - 1, steps, 256);
	assert_true(got >= n);
	for (size_t i = 0; i < n; i++) {
		if (steps[i].cap != caps[i])
			fail_msg("go1.%d elem %llu noscan %d step %zu: cap %llu, want %llu", minor,
				 (unsigned long long)elem, noscan, i,
				 (unsigned long long)steps[i].cap, (unsigned long long)caps[i]);
		if (bytes && steps[i].bytes != bytes[i])
			fail_msg("go1.%d elem %llu step %zu: bytes %llu, want %llu", minor,
				 (unsigned long long)elem, i, (unsigned long long)steps[i].bytes,
				 (unsigned long long)bytes[i]);
	}
}

static void test_size_classes(void **state)
{
	(void)state;
	assert_int_equal(hd_go_class_bytes(1), 8);
	assert_int_equal(hd_go_class_bytes(67), 32768);
	assert_int_equal(hd_go_class_bytes(68), 0);
	assert_int_equal(hd_go_size_class_round(1), 8);
	assert_int_equal(hd_go_size_class_round(9), 16);
	assert_int_equal(hd_go_size_class_round(33), 48);
	assert_int_equal(hd_go_size_class_round(1025), 1152);
	assert_int_equal(hd_go_size_class_round(6656), 6784);
	assert_int_equal(hd_go_size_class_round(32768), 32768);
	assert_int_equal(hd_go_size_class_round(32769), 0);
	assert_int_equal(hd_go_size_class_round(0), 0);
	/* every class rounds to itself, one more byte to the next class */
	for (unsigned c = 1; c < HD_GO_NUM_SIZE_CLASSES - 1; c++) {
		assert_int_equal(hd_go_size_class_round(hd_go_class_bytes(c)), hd_go_class_bytes(c));
		assert_int_equal(hd_go_size_class_round(hd_go_class_bytes(c) + 1),
				 hd_go_class_bytes(c + 1));
	}
	/* the O(1) tables against a scan of the classes, for every small size */
	unsigned c = 1;
	for (uint64_t size = 1; size <= HD_GO_MAX_SMALL_SIZE; size++) {
		while (hd_go_class_bytes(c) < size)
			c++;
		if (hd_go_size_class_round(size) != hd_go_class_bytes(c))
			fail_msg("size %llu: %u, want %u", (unsigned long long)size,
				 hd_go_size_class_round(size), hd_go_class_bytes(c));
	}
}

/* hd_go_is_alloc_size holds every size hd_go_alloc_size returns, and no other. */
static void test_is_alloc_size(void **state)
{
	(void)state;
	for (uint64_t size = 1; size <= 3 * HD_GO_MAX_SMALL_SIZE; size++)
		for (int minor = 17; minor <= 26; minor += 5)
			for (int noscan = 0; noscan < 2; noscan++) {
				uint64_t a = hd_go_alloc_size(minor, size, noscan);
				if (!hd_go_is_alloc_size(a))
					fail_msg("go1.%d size %llu noscan %d: %llu", minor,
						 (unsigned long long)size, noscan,
						 (unsigned long long)a);
			}
	assert_true(hd_go_is_alloc_size(UINT64_MAX));
	assert_true(hd_go_is_alloc_size(hd_go_alloc_size(26, UINT64_MAX - 5, false)));
	assert_true(hd_go_is_alloc_size(16));
	assert_true(hd_go_is_alloc_size(40960));
	assert_false(hd_go_is_alloc_size(0));
	assert_false(hd_go_is_alloc_size(17));
	assert_false(hd_go_is_alloc_size(32769));
	assert_false(hd_go_is_alloc_size(40961));
}

static void test_roundupsize(void **state)
{
	(void)state;
	/* 1.21: no header */
	assert_int_equal(hd_go_roundupsize(21, 520, false), 576);
	assert_int_equal(hd_go_roundupsize(21, 32768, true), 32768);
	assert_int_equal(hd_go_roundupsize(21, 32769, true), 40960);
	/* 1.22+: pointerful > 512 loses 8 bytes to the header */
	assert_int_equal(hd_go_roundupsize(22, 520, false), 568);
	assert_int_equal(hd_go_roundupsize(22, 520, true), 576);
	assert_int_equal(hd_go_roundupsize(22, 512, false), 512);
	assert_int_equal(hd_go_roundupsize(26, 1024, false), 1144);
	assert_int_equal(hd_go_roundupsize(26, 32760, false), 32760);
	assert_int_equal(hd_go_roundupsize(26, 32761, false), 32768);
	assert_int_equal(hd_go_roundupsize(26, 32769, false), 40960);
	/* recorded sizes */
	assert_int_equal(hd_go_alloc_size(22, 1144, false), 1152);
	assert_int_equal(hd_go_alloc_size(21, 1144, false), 1152);
	assert_int_equal(hd_go_alloc_size(22, 1024, false), 1152);
	assert_int_equal(hd_go_alloc_size(21, 1024, false), 1024);
	assert_int_equal(hd_go_alloc_size(24, 8, true), 16); /* tiny block */
	assert_int_equal(hd_go_alloc_size(24, 8, false), 8);
	assert_int_equal(hd_go_alloc_size(24, 40000, true), 40960);
	assert_int_equal(hd_go_alloc_size(24, 0, true), 0);
}

static void test_nextslicecap(void **state)
{
	(void)state;
	assert_int_equal(hd_go_nextslicecap(17, 1025, 1024), 1280);
	assert_int_equal(hd_go_nextslicecap(17, 513, 512), 1024);
	assert_int_equal(hd_go_nextslicecap(18, 513, 512), 832);
	assert_int_equal(hd_go_nextslicecap(26, 257, 256), 512);
	assert_int_equal(hd_go_nextslicecap(26, 10, 2), 10); /* newLen > 2*oldCap */
	assert_int_equal(hd_go_nextslicecap(26, 1, 0), 1);
	/* 5 elements appended to an empty slice: cap = roundupsize(40)/8 = 6 */
	struct hd_go_grow g = hd_go_growslice(26, 0, 5, 8, true);
	assert_int_equal(g.cap, 6);
	assert_int_equal(g.bytes, 48);
	g = hd_go_growslice(26, 0, 5, 0, true);
	assert_int_equal(g.cap, 5);
	assert_int_equal(g.bytes, 0);
}

static void test_chains_int64(void **state)
{
	(void)state;
	static const uint64_t caps17[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024,
					  1280, 1696, 2304, 3072, 4096, 5120};
	static const uint64_t bytes17[] = {16, 16, 32, 64, 128, 256, 512, 1024, 2048,
					   4096, 8192, 10240, 13568, 18432, 24576, 32768, 40960};
	check_chain(17, 8, true, caps17, bytes17, 17);
	static const uint64_t caps18[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 848,
					  1280, 1792, 2560, 3408, 5120};
	static const uint64_t bytes18[] = {16, 16, 32, 64, 128, 256, 512, 1024, 2048,
					   4096, 6784, 10240, 14336, 20480, 27264, 40960};
	for (int v = 18; v <= 26; v++)
		check_chain(v, 8, true, caps18, bytes18, 16);
}

static void test_chains_pointers(void **state)
{
	(void)state;
	/* []*T: 1.18-1.21 as []int64; 1.22+ malloc headers */
	static const uint64_t caps21[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 848};
	check_chain(21, 8, false, caps21, NULL, 11);
	static const uint64_t caps22[] = {1, 2, 4, 8, 16, 32, 64, 143, 287, 607, 1023,
					  1535, 2303, 3071, 4095, 6144};
	static const uint64_t bytes22[] = {8, 16, 32, 64, 128, 256, 512, 1152, 2304, 4864,
					   8192, 12288, 18432, 24576, 32768, 49152};
	for (int v = 22; v <= 26; v++)
		check_chain(v, 8, false, caps22, bytes22, 16);
	/* []string (16 bytes, pointers) */
	static const uint64_t s22[] = {1, 2, 4, 8, 16, 32, 71, 143, 303, 591, 1023, 1535,
				       2560, 3584, 5120};
	check_chain(24, 16, false, s22, NULL, 15);
	static const uint64_t s17[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1280,
				       1704, 2560, 3584, 4608, 6144};
	check_chain(17, 16, false, s17, NULL, 17);
	/* [][]byte (24 bytes, pointers) */
	static const uint64_t c24[] = {1, 2, 4, 8, 16, 37, 74, 170, 341, 682, 1135, 1706,
				       2389, 3413, 4778, 6485};
	static const uint64_t b24[] = {24, 48, 96, 192, 384, 896, 1792, 4096, 8192, 16384,
				       27264, 40960, 57344, 81920, 114688, 155648};
	check_chain(22, 24, false, c24, b24, 16);
}

static void test_chains_bytes_and_structs(void **state)
{
	(void)state;
	static const uint64_t b17[] = {8, 16, 32, 64, 128, 256, 512, 1024, 1280, 1792,
				       2304, 3072, 4096, 5376};
	check_chain(17, 1, true, b17, NULL, 14);
	static const uint64_t b18[] = {8, 16, 32, 64, 128, 256, 512, 896, 1408, 2048, 3072,
				       4096, 5376};
	check_chain(26, 1, true, b18, NULL, 13);
	static const uint64_t c17[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1365,
				       1706, 2389, 3072, 4096, 5120};
	static const uint64_t y17[] = {24, 48, 96, 192, 384, 768, 1536, 3072, 6144, 12288,
				       24576, 32768, 40960, 57344, 73728, 98304, 122880};
	check_chain(17, 24, true, c17, y17, 17);
	static const uint64_t c18[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 853, 1365,
				       2048, 3072, 4096, 5461};
	static const uint64_t y18[] = {24, 48, 96, 192, 384, 768, 1536, 3072, 6144, 12288,
				       20480, 32768, 49152, 73728, 98304, 131072};
	check_chain(24, 24, true, c18, y18, 16);
	check_chain(20, 24, false, c18, y18, 16);
}

static void test_classic_map(void **state)
{
	(void)state;
	assert_int_equal(hd_go_classic_bucket_size(8, 8), 144);
	assert_int_equal(hd_go_classic_bucket_size(16, 8), 208);
	assert_int_equal(hd_go_classic_bucket_size(16, 16), 272);
	assert_int_equal(hd_go_classic_bucket_size(4, 1), 56);
	assert_int_equal(hd_go_classic_bucket_size(1, 8), 88);
	assert_int_equal(hd_go_classic_bucket_size(16, 0), 144);
	assert_int_equal(hd_go_classic_bucket_size(200, 8), 144);
	/* hint -> B (overLoadFactor) */
	assert_int_equal(hd_go_classic_hint_b(0), 0);
	assert_int_equal(hd_go_classic_hint_b(8), 0);
	assert_int_equal(hd_go_classic_hint_b(9), 1);
	assert_int_equal(hd_go_classic_hint_b(13), 1);
	assert_int_equal(hd_go_classic_hint_b(14), 2);
	assert_int_equal(hd_go_classic_hint_b(52), 3);
	assert_int_equal(hd_go_classic_hint_b(53), 4);
	assert_int_equal(hd_go_classic_hint_b(104), 4);
	assert_int_equal(hd_go_classic_hint_b(105), 5);
	assert_int_equal(hd_go_classic_hint_b(1000), 8);
	/* §2.4 table: map[int64]int64 (noscan, 144) and map[string]int (pointers, 208) */
	static const uint64_t nb144[] = {1, 2, 4, 8, 18, 37, 71, 142, 284, 568, 1137};
	static const uint64_t by144[] = {144, 288, 576, 1152, 2688, 5376, 10240, 20480,
					 40960, 81920, 163840};
	static const uint64_t nb208[] = {1, 2, 4, 8, 19, 39, 68, 137, 275, 551, 1102};
	static const uint64_t by208[] = {208, 416, 896, 1792, 4096, 8192, 14336, 28672,
					 57344, 114688, 229376};
	for (unsigned b = 0; b <= 10; b++) {
		uint64_t nb;
		for (int v = 17; v <= 23; v++) {
			assert_int_equal(hd_go_classic_array_bytes(v, b, 144, true, &nb), by144[b]);
			assert_int_equal(nb, nb144[b]);
		}
		assert_int_equal(hd_go_classic_array_bytes(19, b, 208, false, &nb), by208[b]);
		assert_int_equal(nb, nb208[b]);
		assert_int_equal(hd_go_classic_array_bytes(22, b, 208, false, &nb), by208[b]);
	}
	assert_int_equal(hd_go_classic_max_entries(0), 8);
	assert_int_equal(hd_go_classic_max_entries(1), 13);
	assert_int_equal(hd_go_classic_max_entries(10), 6656);
}

static void test_swiss_map(void **state)
{
	(void)state;
	assert_int_equal(hd_go_swiss_group_size(16), 136);
	assert_int_equal(hd_go_swiss_group_size(24), 200);
	static const uint64_t g136[] = {144, 288, 576, 1152, 2304, 4864, 9472, 18432};
	static const uint64_t g200[] = {208, 416, 896, 1792, 3456, 6528, 13568, 27264};
	uint64_t c = 8;
	for (int i = 0; i < 8; i++, c *= 2) {
		assert_int_equal(hd_go_swiss_groups_bytes(24, c, 136, true), g136[i]);
		assert_int_equal(hd_go_swiss_groups_bytes(26, c, 200, false), g200[i]);
	}
	/* run on 1.26: map[string]struct{}, map[int32]bool, map[uint8]uint64, map[string]string */
	assert_int_equal(hd_go_swiss_groups_bytes(26, 8, hd_go_swiss_group_size(24), false), 208);
	assert_int_equal(hd_go_swiss_groups_bytes(26, 8, hd_go_swiss_group_size(8), true), 80);
	assert_int_equal(hd_go_swiss_groups_bytes(26, 16, hd_go_swiss_group_size(32), false), 576);
	assert_int_equal(hd_go_swiss_max_entries(8), 7);
	assert_int_equal(hd_go_swiss_max_entries(1024), 896);
	uint64_t t, tc;
	hd_go_swiss_hint(8, &t, &tc);
	assert_int_equal(t, 0);
	hd_go_swiss_hint(9, &t, &tc);
	assert_int_equal(t, 1);
	assert_int_equal(tc, 16);
	hd_go_swiss_hint(1000, &t, &tc);
	assert_int_equal(t, 2);
	assert_int_equal(tc, 1024);
	/* make(map[string]int, 1000) on 1.24/1.26: 2 x 27264 */
	assert_int_equal(hd_go_swiss_groups_bytes(24, tc, 200, false), 27264);
	assert_int_equal(hd_go_swiss_directory_bytes(24, 2), 16);
	assert_int_equal(hd_go_swiss_directory_bytes(24, 128), 1152);
	assert_false(hd_go_swiss_default(23));
	assert_true(hd_go_swiss_default(24));
	assert_true(hd_go_swiss_default(26));
}

static void test_parse_version(void **state)
{
	(void)state;
	assert_int_equal(hd_go_parse_version("1.22"), 22);
	assert_int_equal(hd_go_parse_version("go1.24"), 24);
	assert_int_equal(hd_go_parse_version("go1.22.12"), 22);
	assert_int_equal(hd_go_parse_version("26"), 26);
	assert_int_equal(hd_go_parse_version("go1."), -1);
	assert_int_equal(hd_go_parse_version("x"), -1);
	assert_int_equal(hd_go_parse_version("1.22x"), -1);
	assert_int_equal(hd_go_parse_version("1.22."), -1);
	assert_int_equal(hd_go_parse_version(NULL), -1);
}

/* ---- testdata/gomodel/<version>.txt: facts printed by Go (testdata/gen) ---- */

struct map_type {
	const char *name;
	uint64_t bucket_size, group_size;
	bool noscan;
};

static const struct map_type map_types[] = {
	{"map[int64]int64", 144, 136, true},
	{"map[string]int", 208, 200, false},
	{"map[int64][64]byte", 592, 584, true},
};

static const struct map_type *find_map_type(const char *line)
{
	const char *t = strstr(line, "type=");
	if (!t)
		return NULL;
	t += 5;
	for (size_t i = 0; i < sizeof(map_types) / sizeof(map_types[0]); i++) {
		size_t n = strlen(map_types[i].name);
		if (strncmp(t, map_types[i].name, n) == 0 && t[n] == ' ')
			return &map_types[i];
	}
	return NULL;
}

/* Numbers after ": " into out; returns how many. */
static size_t numbers_after_colon(const char *line, uint64_t *out, size_t cap)
{
	const char *p = strstr(line, ": ");
	size_t n = 0;
	if (!p)
		return 0;
	p += 2;
	while (*p && n < cap) {
		char *end;
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p)
			break;
		out[n++] = v;
		p = end;
		while (*p == ' ')
			p++;
	}
	return n;
}

/* Largest size in "sizes=8,24x2,144", and whether `want` appears (with its count). */
static uint64_t sizes_field(const char *line, uint64_t want, uint64_t *count_ret)
{
	const char *p = strstr(line, "sizes=");
	uint64_t max = 0;
	*count_ret = 0;
	if (!p)
		return 0;
	p += 6;
	while (*p && *p != ' ' && *p != '\n') {
		char *end;
		uint64_t v = strtoull(p, &end, 10), c = 1;
		if (end == p)
			break;
		p = end;
		if (*p == 'x') {
			c = strtoull(p + 1, &end, 10);
			p = end;
		}
		if (v > max)
			max = v;
		if (v == want)
			*count_ret += c;
		if (*p == ',')
			p++;
	}
	return max;
}

static bool hd_cls_test_is_slice_step(int minor, uint64_t size, uint64_t elem, bool noscan)
{
	struct hd_go_grow steps[512];
	size_t n = hd_go_slice_chain(minor, elem, noscan, size, steps, 512);
	for (size_t i = 0; i < n && i < 512; i++)
		if (steps[i].bytes == size)
			return true;
	return false;
}

static bool classic_array(int minor, const struct map_type *t, uint64_t size)
{
	for (unsigned b = 0; b < 30; b++)
		if (hd_go_classic_array_bytes(minor, b, t->bucket_size, t->noscan, NULL) == size)
			return true;
	return false;
}

static bool swiss_groups(int minor, const struct map_type *t, uint64_t size)
{
	for (uint64_t c = 8; c <= 1024; c *= 2)
		if (hd_go_swiss_groups_bytes(minor, c, t->group_size, t->noscan) == size)
			return true;
	return false;
}

static int check_gomodel_file(const char *path, int minor)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[16384];
	static uint64_t caps[4096], bytes[4096];
	size_t n_caps = 0;
	uint64_t caps_elem = 0;
	int caps_ptr = -1, checked = 0, lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		unsigned long long elem;
		int ptr;
		if (sscanf(line, "slicecaps elem=%llu ptr=%d", &elem, &ptr) == 2) {
			n_caps = numbers_after_colon(line, caps, 4096);
			caps_elem = elem;
			caps_ptr = ptr;
			continue;
		}
		if (sscanf(line, "slicebytes elem=%llu ptr=%d", &elem, &ptr) == 2) {
			size_t nb = numbers_after_colon(line, bytes, 4096);
			if (elem != caps_elem || ptr != caps_ptr || nb + 1 != n_caps)
				fail_msg("%s:%d: slicebytes does not follow its slicecaps", path, lineno);
			static struct hd_go_grow steps[4096];
			size_t ns = hd_go_slice_chain(minor, elem, ptr == 0, bytes[nb - 1] - 1, steps, 4096);
			if (ns < nb)
				fail_msg("%s:%d: chain has %zu steps, Go printed %zu", path, lineno, ns, nb);
			for (size_t i = 0; i < nb; i++)
				if (steps[i].cap != caps[i + 1] || steps[i].bytes != bytes[i])
					fail_msg("%s:%d: elem %llu ptr %d step %zu: model cap %llu bytes %llu, "
						 "Go cap %llu bytes %llu",
						 path, lineno, elem, ptr, i, (unsigned long long)steps[i].cap,
						 (unsigned long long)steps[i].bytes,
						 (unsigned long long)caps[i + 1], (unsigned long long)bytes[i]);
			checked++;
			continue;
		}
		char kind[16], method[32];
		if (sscanf(line, "sizeclass %15s method=%31[a-z]:", kind, method) == 2) {
			bool noscan = strcmp(kind, "noscan") == 0;
			const char *p = strchr(line, ':') + 1;
			unsigned long long lo, hi, size;
			int used;
			while (sscanf(p, " %llu-%llu:%llu%n", &lo, &hi, &size, &used) == 3) {
				p += used;
				for (unsigned long long q = lo; q <= hi; q += (hi - lo > 64 ? hi - lo : 1)) {
					uint64_t got = strcmp(method, "append") == 0 ?
							       hd_go_roundupsize(minor, q, noscan) :
							       hd_go_alloc_size(minor, q, noscan);
					if (got != size)
						fail_msg("%s:%d: sizeclass %s %s of %llu: model %llu, Go %llu",
							 path, lineno, kind, method, q,
							 (unsigned long long)got, size);
				}
			}
			checked++;
			continue;
		}
		const struct map_type *t = find_map_type(line);
		if (t && strncmp(line, "mapgrow ", 8) == 0) {
			bool swiss = strstr(line, "impl=swiss") != NULL;
			uint64_t count;
			uint64_t max = sizes_field(line, 0, &count);
			/* the largest object of a growth event is a bucket/group array */
			/*
			 * Classic maps of pointer-free buckets also grow the []*bmap of
			 * overflow buckets (runtime.(*hmap).newoverflow): a growslice step
			 * of 8-byte pointers.
			 */
			bool ok = swiss ? swiss_groups(minor, t, max) : classic_array(minor, t, max);
			if (!ok && !swiss)
				ok = t->noscan && hd_cls_test_is_slice_step(minor, max, 8, false);
			if (!ok && max >= 2 * t->group_size)
				fail_msg("%s:%d: %llu bytes is no %s array of %s", path, lineno,
					 (unsigned long long)max, swiss ? "swiss groups" : "classic bucket",
					 t->name);
			checked++;
			continue;
		}
		unsigned long long hint;
		if (t && strncmp(line, "maphint ", 8) == 0 && strstr(line, " hint=") &&
		    sscanf(strstr(line, " hint=") + 6, "%llu", &hint) == 1) {
			bool swiss = strstr(line, "impl=swiss") != NULL;
			uint64_t count, want, want_count;
			if (swiss) {
				uint64_t tables, tcap;
				hd_go_swiss_hint(hint, &tables, &tcap);
				if (!tables)
					continue;
				want = hd_go_swiss_groups_bytes(minor, tcap, t->group_size, t->noscan);
				want_count = tables;
			} else {
				unsigned b = hd_go_classic_hint_b(hint);
				if (b == 0)
					continue;
				want = hd_go_classic_array_bytes(minor, b, t->bucket_size, t->noscan, NULL);
				want_count = 1;
			}
			sizes_field(line, want, &count);
			if (count != want_count)
				fail_msg("%s:%d: make(%s, %llu): model %llu x %llu bytes not in the sizes Go "
					 "printed",
					 path, lineno, t->name, hint, (unsigned long long)want_count,
					 (unsigned long long)want);
			checked++;
		}
	}
	fclose(f);
	return checked;
}

static void test_go_printed_tables(void **state)
{
	(void)state;
	const char *src = getenv("HD_SRCDIR");
	if (!src)
		src = ".";
	static const char *const versions[] = {"go1.22", "go1.24", "go1.26"};
	static const int minors[] = {22, 24, 26};
	int checked = 0;
	for (size_t i = 0; i < 3; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/testdata/gomodel/%s.txt", src, versions[i]);
		int n = check_gomodel_file(path, minors[i]);
		print_message("%s: %d lines checked\n", path, n);
		checked += n;
	}
	if (checked == 0)
		print_message("testdata/gomodel/*.txt absent: Go-printed tables not checked\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_classes),
		cmocka_unit_test(test_is_alloc_size),
		cmocka_unit_test(test_roundupsize),
		cmocka_unit_test(test_nextslicecap),
		cmocka_unit_test(test_chains_int64),
		cmocka_unit_test(test_chains_pointers),
		cmocka_unit_test(test_chains_bytes_and_structs),
		cmocka_unit_test(test_classic_map),
		cmocka_unit_test(test_swiss_map),
		cmocka_unit_test(test_parse_version),
		cmocka_unit_test(test_go_printed_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
