/*
 * common.h - private helpers shared by every layer of libheapdoc: the arena,
 * the growable byte buffer, error filling and checked size arithmetic.  Not
 * part of the public API (include/heapdoc/heapdoc.h is); the CLI cannot
 * include it.  See docs/DESIGN.md for the layering.
 */
#ifndef HD_COMMON_H
#define HD_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "heapdoc/heapdoc.h"

#if defined(__GNUC__)
#define HD_LIKELY(x) __builtin_expect(!!(x), 1)
#define HD_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define HD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HD_LIKELY(x) (x)
#define HD_UNLIKELY(x) (x)
#define HD_PRINTF(a, b)
#endif

#define HD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- allocation hooks (tests sweep "fail the Nth allocation") ---- */

/*
 * Every allocation in libheapdoc goes through these, so a test can make the
 * Nth one fail.  hd_alloc_fail_after(n): the (n+1)th call from now fails,
 * and every later one too until reset with a negative n.
 */
void *hd_malloc(size_t size);
void *hd_calloc(size_t n, size_t size);
void *hd_realloc(void *ptr, size_t size);
void hd_free(void *ptr);
void hd_alloc_fail_after(long n);

/* ---- checked arithmetic ---- */

static inline bool hd_mul_overflow(size_t a, size_t b, size_t *r)
{
	return __builtin_mul_overflow(a, b, r);
}
static inline bool hd_add_overflow(size_t a, size_t b, size_t *r)
{
	return __builtin_add_overflow(a, b, r);
}

/* ---- arena: one per profile; failure is sticky ---- */

/*
 * Bump allocator in chunks.  After the first failed allocation every later
 * one fails too (hd_arena_failed() tells), so a decoder may check once at a
 * phase boundary.  Memory is freed only by hd_arena_free().
 */
struct hd_arena *hd_arena_new(void);
void hd_arena_free(struct hd_arena *arena);
void *hd_arena_alloc(struct hd_arena *arena, size_t size);   /* 16-aligned */
void *hd_arena_calloc(struct hd_arena *arena, size_t n, size_t size);
void *hd_arena_memdup(struct hd_arena *arena, const void *src, size_t len);
/* A copy of s owned by the arena (NUL-terminated too, for convenience). */
struct hd_str hd_arena_strdup(struct hd_arena *arena, struct hd_str s);
bool hd_arena_failed(const struct hd_arena *arena);
size_t hd_arena_bytes(const struct hd_arena *arena); /* bytes reserved */

/* ---- growable buffer (heap, not arena) ---- */

struct hd_buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed; /* sticky: an append failed */
};

#define HD_BUF_INIT {NULL, 0, 0, false}
void hd_buf_release(struct hd_buf *b);
bool hd_buf_reserve(struct hd_buf *b, size_t extra);

/*
 * Grows the array *arr of *cap elements of `size` bytes to hold at least
 * `need` (capacity doubled from 64, overflow-checked).  false, with *arr
 * and *cap untouched, when memory runs out.
 */
bool hd_grow_array(void **arr, size_t *cap, size_t need, size_t size);
bool hd_buf_append(struct hd_buf *b, const void *data, size_t len);
bool hd_buf_putc(struct hd_buf *b, char c);
bool hd_buf_printf(struct hd_buf *b, const char *fmt, ...) HD_PRINTF(2, 3);
/* "1.50MB"-style label of a byte count, binary units as pprof prints them
 * ("B", "kB", "MB", "GB", "TB"; whole bytes below 1024); returns buf,
 * which should hold 32 bytes. */
char *hd_fmt_bytes(char *buf, size_t cap, double bytes);
bool hd_buf_vprintf(struct hd_buf *b, const char *fmt, va_list ap);
/* Takes the data; the buffer is empty afterwards. */
char *hd_buf_detach(struct hd_buf *b, size_t *len_ret);

/* ---- errors ---- */

/* Fills err (if not NULL) and returns status. */
enum hd_status hd_error_set(struct hd_error *err, enum hd_status status,
			    const char *fmt, ...) HD_PRINTF(3, 4);
enum hd_status hd_error_set_at(struct hd_error *err, enum hd_status status,
			       uint64_t offset, const char *fmt, ...)
	HD_PRINTF(4, 5);

/* ---- strings ---- */

static inline struct hd_str hd_str_c(const char *s)
{
	struct hd_str r = {s, s ? strlen(s) : 0};
	return r;
}
static inline bool hd_str_eq(struct hd_str a, struct hd_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}
static inline bool hd_str_eqc(struct hd_str a, const char *c)
{
	return hd_str_eq(a, hd_str_c(c));
}
int hd_str_cmp(struct hd_str a, struct hd_str b);

/*
 * The next element of a `sep`-separated list at *list, as Go's
 * strings.Split sees it ("a,,b" has an empty element); *list moves past
 * it and becomes NULL after the last.  False once *list is NULL.  A NULL
 * list has no element; "" has one, empty (callers wanting Go's
 * filepath.SplitList, where "" has none, pass NULL for it).
 */
static inline bool hd_str_split_next(const char **list, char sep, struct hd_str *ret)
{
	const char *s = *list;
	if (!s)
		return false;
	const char *e = strchr(s, sep);
	size_t n = e ? (size_t)(e - s) : strlen(s);
	*ret = (struct hd_str){s, n};
	*list = e ? e + 1 : NULL;
	return true;
}
bool hd_str_has_prefix(struct hd_str s, const char *prefix);

/* ---- hashing (seeded per process; see hashtab) ---- */

/*
 * A 64-bit hash in the style of wyhash's final mix: fast on short keys and
 * seeded, so a crafted profile cannot precompute collisions.  Inline: the
 * merger hashes every stack and key with it, most of them a few words long.
 */
static inline uint64_t hd_hash_mix(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t hd_hash_rd64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t hd_hash_bytes(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	const uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull;
	uint64_t h = seed ^ k0 ^ (len * k1);
	while (len >= 16) {
		h = hd_hash_mix(hd_hash_rd64(p) ^ k1, hd_hash_rd64(p + 8) ^ h);
		p += 16;
		len -= 16;
	}
	uint64_t a = 0, b = 0;
	if (len >= 8) {
		a = hd_hash_rd64(p);
		b = len > 8 ? hd_hash_rd64(p + len - 8) : 0;
	} else if (len > 0) {
		a = ((uint64_t)p[0] << 16) | ((uint64_t)p[len >> 1] << 8) | p[len - 1];
	}
	return hd_hash_mix(h ^ a ^ k1, b ^ k0 ^ len);
}

uint64_t hd_hash_seed(void);

/* a + b with Go's int64 wrap-around (pprof's sums wrap; C's overflow is undefined). */
static inline int64_t hd_i64_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* Go's abs64 (-x for negative x): INT64_MIN stays INT64_MIN, without C's
 * undefined overflow. */
static inline int64_t hd_i64_abs(int64_t a)
{
	return a < 0 ? (int64_t)(0 - (uint64_t)a) : a;
}

/*
 * A double from input arithmetic to an integer, saturating: C leaves a
 * conversion out of range (or of NaN) undefined.  NaN gives 0.
 */
static inline int64_t hd_f64_to_i64(double x)
{
	if (!(x == x))
		return 0;
	if (x >= 9223372036854775807.0)
		return INT64_MAX;
	if (x <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)x;
}

static inline uint64_t hd_f64_to_u64(double x)
{
	if (!(x > 0))
		return 0;
	if (x >= 18446744073709551615.0)
		return UINT64_MAX;
	return (uint64_t)x;
}

#endif /* HD_COMMON_H */
