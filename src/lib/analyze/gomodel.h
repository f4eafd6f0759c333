/*
 * gomodel.h - the Go runtime's allocation rules as pure functions: malloc
 * size classes and roundupsize (with the 1.22+ malloc header and large-object
 * page rounding), growslice/nextslicecap per Go version, classic-map bucket
 * arrays (makemap, makeBucketArray) and Swiss-table group arrays, tables and
 * directories (1.24+).  Forward functions say what the runtime allocates for
 * a given type and length; the inverse ones (gomodel_inverse.c) say which
 * (kind, element size, count) explain an observed allocation size.  Private
 * to libheapdoc (analyze layer); classify.c and diagnose.c use it.  All sizes
 * are for 64-bit targets.  The Go source each rule comes from is named next
 * to it in gomodel.c; docs/internals/gomodel.md has the whole picture.
 * Go versions are given as the minor number: 22 means go1.22.  Versions below
 * 17 are treated as 17 and above 26 as 26.
 */
#ifndef HD_GOMODEL_H
#define HD_GOMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HD_GO_MIN_MINOR 17
#define HD_GO_MAX_MINOR 26

/* runtime/sizeclasses.go (1.17-1.24), internal/runtime/gc (1.25+) */
#define HD_GO_NUM_SIZE_CLASSES 68
#define HD_GO_MAX_SMALL_SIZE 32768u
#define HD_GO_PAGE_SIZE 8192u
#define HD_GO_TINY_SIZE 16u
/* runtime/mbitmap.go (1.22+): mallocHeaderSize, minSizeForMallocHeader */
#define HD_GO_MALLOC_HEADER 8u
#define HD_GO_MIN_SIZE_FOR_HEADER 512u
/* map headers: hmap (classic) and maps.Map (swiss) are both 48 bytes */
#define HD_GO_MAP_HEADER 48u
#define HD_GO_SWISS_TABLE_STRUCT 32u
#define HD_GO_SWISS_MAX_TABLE_CAP 1024u
#define HD_GO_MAP_MAX_INLINE 128u /* maxKeySize / maxElemSize */

/* Byte size of size class `cls` (1..67); 0 for class 0 or out of range. */
uint32_t hd_go_class_bytes(unsigned cls);

/* Smallest size class holding `size` bytes (1..32768), else 0. */
uint32_t hd_go_size_class_round(uint64_t size);

/* True if Go 1.minor puts an 8-byte malloc header in pointerful objects > 512 B. */
bool hd_go_has_malloc_headers(int minor);

/*
 * runtime.roundupsize: the usable bytes growslice and makeBucketArray see
 * for a request of `size` bytes (header excluded in 1.22+).  `noscan` is
 * true when the type holds no pointers.
 */
uint64_t hd_go_roundupsize(int minor, uint64_t size, bool noscan);

/*
 * The size a heap profile records for mallocgc(size): the whole slot (size
 * class incl. the 1.22+ header, page-rounded span for large objects, 16 for
 * tiny pointer-free objects).  0 for size 0.
 */
uint64_t hd_go_alloc_size(int minor, uint64_t size, bool noscan);
/* Whether size is a value hd_go_alloc_size() can return for some request,
 * Go version and noscan: the tiny block, a size class or whole pages. */
bool hd_go_is_alloc_size(uint64_t size);

/* runtime.nextslicecap (1.22+) / the arithmetic inside growslice before. */
uint64_t hd_go_nextslicecap(int minor, uint64_t new_len, uint64_t old_cap);

/* One growslice result: the new capacity and the recorded allocation. */
struct hd_go_grow {
	uint64_t cap;
	uint64_t bytes;
};

/* growslice(old_cap -> new_len) for elements of `elem_size` bytes. */
struct hd_go_grow hd_go_growslice(int minor, uint64_t old_cap, uint64_t new_len,
				  uint64_t elem_size, bool noscan);

/*
 * The allocations of `append` one element at a time from a nil slice, until
 * an allocation exceeds max_bytes (that one included).  Writes at most `cap`
 * steps to `out`; returns the number of steps it would write.
 */
size_t hd_go_slice_chain(int minor, uint64_t elem_size, bool noscan,
			 uint64_t max_bytes, struct hd_go_grow *out, size_t cap);

/* ---- classic maps (runtime/map.go, Go <= 1.23) ---- */

/* Bucket size: 8 tophash + 8 keys + 8 elems + overflow pointer. */
uint64_t hd_go_classic_bucket_size(uint64_t key_size, uint64_t elem_size);

/* makemap: the B chosen for a size hint (overLoadFactor). */
unsigned hd_go_classic_hint_b(uint64_t hint);

/*
 * makeBucketArray(B): the recorded bytes of the bucket array, and the
 * number of buckets it holds (2^B plus pre-allocated overflow buckets for
 * B >= 4) in *nbuckets_ret (may be NULL).  B = 0 is the lazily allocated
 * single bucket (newobject).
 */
uint64_t hd_go_classic_array_bytes(int minor, unsigned b, uint64_t bucket_size,
				   bool noscan, uint64_t *nbuckets_ret);

/* Entries a classic map with 2^B buckets holds before it doubles: 6.5*2^B (8 for B=0). */
uint64_t hd_go_classic_max_entries(unsigned b);

/* ---- Swiss-table maps (internal/runtime/maps, Go >= 1.24) ---- */

/* Group size: 8 control bytes + 8 slots. */
uint64_t hd_go_swiss_group_size(uint64_t slot_size);

/* Recorded bytes of a table's group array of `capacity` slots (power of 2, >= 8). */
uint64_t hd_go_swiss_groups_bytes(int minor, uint64_t capacity, uint64_t group_size,
				  bool noscan);

/* Entries a table of `capacity` slots holds before it grows: 7/8 (7 for 8). */
uint64_t hd_go_swiss_max_entries(uint64_t capacity);

/*
 * maps.NewMap(hint): number of tables and each table's capacity; for hint
 * <= 8 both are 0 (no storage until the first insert).
 */
void hd_go_swiss_hint(uint64_t hint, uint64_t *tables_ret, uint64_t *table_cap_ret);

/* Recorded bytes of a directory of `entries` table pointers. */
uint64_t hd_go_swiss_directory_bytes(int minor, uint64_t entries);

/* True if Go 1.minor uses Swiss-table maps by default. */
bool hd_go_swiss_default(int minor);

/* Parses "1.22", "go1.22", "go1.22.12", "22" into the minor number; -1 if invalid. */
int hd_go_parse_version(const char *s);

#endif /* HD_GOMODEL_H */
