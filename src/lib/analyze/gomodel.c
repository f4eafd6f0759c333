/*
 * gomodel.c - forward model of the Go runtime's allocations: size classes,
 * roundupsize, growslice per version, classic-map bucket arrays and Swiss
 * map groups/tables/directories.  Pure functions, no allocation, no state.
 * Every constant names the Go source it comes from; the facts were checked
 * against go1.19/1.22/1.24/1.26 runs (shared/docs/GO-RUNTIME-FACTS.md) and
 * are unit-tested against values printed by Go (tests/unit/test_gomodel.c).
 * The inverse questions ("what explains this size?") are in classify.c.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/gomodel.h"

/*
 * class_to_size, identical in every version 1.17-1.26
 * (runtime/sizeclasses.go; internal/runtime/gc/sizeclasses.go since 1.25).
 */
static const uint32_t class_to_size[HD_GO_NUM_SIZE_CLASSES] = {
	0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208,
	224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704,
	768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072,
	3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
	10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760,
	24576, 27264, 28672, 32768};

/*
 * size -> class in O(1), as the runtime's size_to_class8 (sizes up to
 * 1024-8, by 8) and size_to_class128 (to 32768, by 128): every class size is
 * a multiple of its step, so the smallest class >= the step's top is the
 * smallest class >= size.  Derived from class_to_size; test_gomodel checks
 * every size 1..32768 against a scan of the classes.
 */
static const uint8_t size_to_class8[1024 / 8 + 1] = {
	0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
	14, 14, 15, 15, 16, 16, 17, 17, 18, 18, 19, 19, 19, 19, 20, 20, 20, 20, 21,
	21, 21, 21, 22, 22, 22, 22, 23, 23, 23, 23, 24, 24, 24, 24, 25, 25, 25, 25,
	26, 26, 26, 26, 27, 27, 27, 27, 27, 27, 27, 27, 28, 28, 28, 28, 28, 28, 28,
	28, 29, 29, 29, 29, 29, 29, 29, 29, 30, 30, 30, 30, 30, 30, 30, 30, 31, 31,
	31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 32, 32, 32, 32, 32,
	32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32};
static const uint8_t size_to_class128[(32768 - 1024) / 128 + 1] = {
	32, 33, 34, 35, 36, 37, 37, 38, 38, 39, 39, 40, 40, 40, 41, 41, 41, 42, 43,
	43, 44, 44, 44, 44, 44, 45, 45, 45, 45, 45, 45, 46, 46, 46, 46, 47, 47, 47,
	47, 47, 47, 48, 48, 48, 49, 49, 50, 51, 51, 51, 51, 51, 51, 51, 51, 51, 51,
	52, 52, 52, 52, 52, 52, 52, 52, 52, 52, 53, 53, 54, 54, 54, 54, 55, 55, 55,
	55, 55, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 57, 57, 57, 57, 57, 57,
	57, 57, 57, 57, 58, 58, 58, 58, 58, 58, 59, 59, 59, 59, 59, 59, 59, 59, 59,
	59, 59, 59, 59, 59, 59, 59, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60,
	60, 60, 60, 60, 61, 61, 61, 61, 61, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62,
	62, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 65, 65, 65, 65, 65,
	65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67,
	67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67,
	67, 67};

static int clamp_minor(int minor)
{
	if (minor < HD_GO_MIN_MINOR)
		return HD_GO_MIN_MINOR;
	if (minor > HD_GO_MAX_MINOR)
		return HD_GO_MAX_MINOR;
	return minor;
}

uint32_t hd_go_class_bytes(unsigned cls)
{
	return cls < HD_GO_NUM_SIZE_CLASSES ? class_to_size[cls] : 0;
}

uint32_t hd_go_size_class_round(uint64_t size)
{
	if (size == 0 || size > HD_GO_MAX_SMALL_SIZE)
		return 0;
	/* runtime/msize.go roundupsize: divRoundUp into the two tables */
	if (size <= 1024 - 8)
		return class_to_size[size_to_class8[(size + 7) / 8]];
	return class_to_size[size_to_class128[(size - 1024 + 127) / 128]];
}

bool hd_go_has_malloc_headers(int minor)
{
	/* GOEXPERIMENT=allocheaders, default on since 1.22 (runtime/msize_allocheaders.go). */
	return clamp_minor(minor) >= 22;
}

static uint64_t page_round(uint64_t size)
{
	uint64_t r = size + (HD_GO_PAGE_SIZE - 1);
	if (r < size)
		return size; /* overflow: runtime returns size unchanged */
	return r & ~(uint64_t)(HD_GO_PAGE_SIZE - 1);
}

uint64_t hd_go_roundupsize(int minor, uint64_t size, bool noscan)
{
	if (!hd_go_has_malloc_headers(minor)) {
		/* 1.17-1.21 runtime/msize.go: size < _MaxSmallSize -> class, else pages. */
		if (size < HD_GO_MAX_SMALL_SIZE)
			return size == 0 ? 0 : hd_go_size_class_round(size);
		return page_round(size);
	}
	/* 1.22+ roundupsize(size, noscan): pointerful objects > 512 B carry a header. */
	uint64_t req = size;
	if (req <= HD_GO_MAX_SMALL_SIZE - HD_GO_MALLOC_HEADER) {
		if (!noscan && req > HD_GO_MIN_SIZE_FOR_HEADER)
			req += HD_GO_MALLOC_HEADER;
		if (req == 0)
			return 0;
		return hd_go_size_class_round(req) - (req - size);
	}
	return page_round(size);
}

uint64_t hd_go_alloc_size(int minor, uint64_t size, bool noscan)
{
	if (size == 0)
		return 0;
	/*
	 * mallocgc: pointer-free objects below maxTinySize share 16-byte tiny
	 * blocks and are recorded as 16 when a new block is sampled.
	 */
	if (noscan && size < HD_GO_TINY_SIZE)
		return HD_GO_TINY_SIZE;
	if (!hd_go_has_malloc_headers(minor)) {
		if (size <= HD_GO_MAX_SMALL_SIZE)
			return hd_go_size_class_round(size);
		return page_round(size);
	}
	/* 1.22+: small objects up to maxSmallSize-mallocHeaderSize, the whole slot recorded. */
	if (size <= HD_GO_MAX_SMALL_SIZE - HD_GO_MALLOC_HEADER) {
		uint64_t req = size;
		if (!noscan && size > HD_GO_MIN_SIZE_FOR_HEADER)
			req += HD_GO_MALLOC_HEADER;
		return hd_go_size_class_round(req);
	}
	return page_round(size);
}

bool hd_go_is_alloc_size(uint64_t size)
{
	if (size == 0)
		return false;
	if (size <= HD_GO_MAX_SMALL_SIZE && hd_go_size_class_round(size) == size)
		return true;
	/* page_round(), including its overflow case (the size unchanged) */
	return size % HD_GO_PAGE_SIZE == 0 || size > UINT64_MAX - (HD_GO_PAGE_SIZE - 1);
}

uint64_t hd_go_nextslicecap(int minor, uint64_t new_len, uint64_t old_cap)
{
	minor = clamp_minor(minor);
	uint64_t newcap = old_cap;
	uint64_t doublecap = newcap + newcap;
	if (new_len > doublecap)
		return new_len;
	if (minor <= 17) {
		/* 1.17 runtime/slice.go growslice: double below 1024, then +25%. */
		if (old_cap < 1024)
			return doublecap;
		while (newcap > 0 && newcap < new_len)
			newcap += newcap / 4;
		return newcap == 0 ? new_len : newcap;
	}
	/* 1.18+ (nextslicecap since 1.22): threshold 256, newcap += (newcap + 3*256) >> 2. */
	const uint64_t threshold = 256;
	if (old_cap < threshold)
		return doublecap;
	for (;;) {
		newcap += (newcap + 3 * threshold) >> 2;
		if (newcap >= new_len)
			break;
	}
	return newcap;
}

struct hd_go_grow hd_go_growslice(int minor, uint64_t old_cap, uint64_t new_len,
				  uint64_t elem_size, bool noscan)
{
	struct hd_go_grow g = {0, 0};
	if (elem_size == 0) {
		g.cap = new_len; /* zerobase, no allocation */
		return g;
	}
	uint64_t newcap = hd_go_nextslicecap(minor, new_len, old_cap);
	uint64_t capmem = hd_go_roundupsize(minor, newcap * elem_size, noscan);
	g.cap = capmem / elem_size;
	/* 1.20+ asks mallocgc for cap*elem_size; same slot either way. */
	g.bytes = hd_go_alloc_size(minor, g.cap * elem_size, noscan);
	return g;
}

size_t hd_go_slice_chain(int minor, uint64_t elem_size, bool noscan,
			 uint64_t max_bytes, struct hd_go_grow *out, size_t cap)
{
	size_t n = 0;
	uint64_t c = 0;
	if (elem_size == 0)
		return 0;
	for (;;) {
		struct hd_go_grow g = hd_go_growslice(minor, c, c + 1, elem_size, noscan);
		if (n < cap)
			out[n] = g;
		n++;
		if (g.bytes > max_bytes || g.cap <= c || n >= 4096)
			break;
		c = g.cap;
	}
	return n;
}

/* ---- classic maps ---- */

static uint64_t indirect_size(uint64_t s)
{
	/* maxKeySize/maxElemSize = 128: bigger keys/elems are stored by pointer. */
	return s > HD_GO_MAP_MAX_INLINE ? 8 : s;
}

uint64_t hd_go_classic_bucket_size(uint64_t key_size, uint64_t elem_size)
{
	/* cmd/compile/internal/reflectdata MapBucketType: tophash[8], keys[8], elems[8], overflow. */
	return 8 + 8 * indirect_size(key_size) + 8 * indirect_size(elem_size) + 8;
}

unsigned hd_go_classic_hint_b(uint64_t hint)
{
	/* makemap: smallest B with !overLoadFactor(hint, B); overLoadFactor = c > 8 && c > 13*(2^B/2). */
	unsigned b = 0;
	while (b < 62 && hint > 8 && hint > 13 * ((UINT64_C(1) << b) / 2))
		b++;
	return b;
}

uint64_t hd_go_classic_array_bytes(int minor, unsigned b, uint64_t bucket_size,
				   bool noscan, uint64_t *nbuckets_ret)
{
	uint64_t nbuckets = UINT64_C(1) << (b > 62 ? 62 : b);
	if (b >= 4) {
		/* makeBucketArray: add 2^(B-4) overflow buckets, then fill the size class. */
		nbuckets += UINT64_C(1) << (b - 4);
		uint64_t sz = bucket_size * nbuckets;
		uint64_t up = hd_go_roundupsize(minor, sz, noscan);
		if (up != sz)
			nbuckets = up / bucket_size;
	}
	if (nbuckets_ret)
		*nbuckets_ret = nbuckets;
	return hd_go_alloc_size(minor, nbuckets * bucket_size, noscan);
}

uint64_t hd_go_classic_max_entries(unsigned b)
{
	/* loadFactorNum/loadFactorDen = 13/2 per bucket; B = 0 holds bucketCnt = 8. */
	if (b == 0)
		return 8;
	return 13 * ((UINT64_C(1) << b) / 2);
}

/* ---- Swiss maps ---- */

uint64_t hd_go_swiss_group_size(uint64_t slot_size)
{
	/* internal/runtime/maps group: ctrl word + abi.SwissMapGroupSlots (8) slots. */
	return 8 + 8 * slot_size;
}

uint64_t hd_go_swiss_groups_bytes(int minor, uint64_t capacity, uint64_t group_size,
				  bool noscan)
{
	/* table.reset -> newGroups(typ, capacity/8) -> newarray. */
	uint64_t groups = capacity / 8;
	if (groups == 0)
		groups = 1;
	return hd_go_alloc_size(minor, groups * group_size, noscan);
}

uint64_t hd_go_swiss_max_entries(uint64_t capacity)
{
	/* table.maxGrowthLeft: capacity <= 8 -> capacity-1, else capacity*7/8. */
	if (capacity <= 8)
		return capacity ? capacity - 1 : 0;
	return capacity * 7 / 8;
}

static uint64_t pow2_up(uint64_t x)
{
	uint64_t p = 1;
	while (p < x && p < (UINT64_C(1) << 62))
		p <<= 1;
	return p;
}

void hd_go_swiss_hint(uint64_t hint, uint64_t *tables_ret, uint64_t *table_cap_ret)
{
	uint64_t tables = 0, cap = 0;
	if (hint > 8 && hint < (UINT64_C(1) << 58)) {
		/* maps.NewMap: targetCapacity = hint*8/7, dirSize = ceil(target/1024) -> pow2. */
		uint64_t target = hint * 8 / 7;
		tables = pow2_up((target + HD_GO_SWISS_MAX_TABLE_CAP - 1) / HD_GO_SWISS_MAX_TABLE_CAP);
		cap = target / tables;
		if (cap < 8)
			cap = 8;
		cap = pow2_up(cap); /* newTable: alignUpPow2 */
	}
	if (tables_ret)
		*tables_ret = tables;
	if (table_cap_ret)
		*table_cap_ret = cap;
}

uint64_t hd_go_swiss_directory_bytes(int minor, uint64_t entries)
{
	/* make([]*table, n): pointerful. */
	return hd_go_alloc_size(minor, 8 * entries, false);
}

bool hd_go_swiss_default(int minor)
{
	/* GOEXPERIMENT=swissmap is in the 1.24 baseline; 1.26 has no classic maps. */
	return clamp_minor(minor) >= 24;
}

int hd_go_parse_version(const char *s)
{
	if (!s)
		return -1;
	if (strncmp(s, "go", 2) == 0)
		s += 2;
	if (strncmp(s, "1.", 2) == 0)
		s += 2;
	if (*s < '0' || *s > '9')
		return -1;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end != '\0' && *end != '.')
		return -1;
	if (*end == '.') {
		/* a patch number: digits only */
		const char *p = end + 1;
		if (!*p)
			return -1;
		for (; *p; p++)
			if (*p < '0' || *p > '9')
				return -1;
	}
	if (v < 1 || v > 99)
		return -1;
	return (int)v;
}
