/*
 * arena.c - the bump allocator that owns everything a decoded profile holds,
 * and the allocation hooks every libheapdoc allocation goes through.  Not a
 * general-purpose allocator: nothing is freed before the whole arena is.
 * Failure is sticky so decoders can check once per phase (docs/DESIGN.md).
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "common.h"

/* ---- allocation hooks ---- */

/*
 * Test hook.  Atomic because the worker threads of a parallel pass
 * allocate too: which allocation of which thread fails first then depends
 * on timing, but every one that fails sees NULL, and none is counted twice.
 */
static _Atomic long fail_after = -1;

void hd_alloc_fail_after(long n)
{
	atomic_store_explicit(&fail_after, n, memory_order_relaxed);
}

static bool should_fail(void)
{
	long n = atomic_load_explicit(&fail_after, memory_order_relaxed);
	for (;;) {
		if (n < 0)
			return false;
		if (n == 0)
			return true;
		if (atomic_compare_exchange_weak_explicit(&fail_after, &n, n - 1,
							  memory_order_relaxed,
							  memory_order_relaxed))
			return false;
	}
}

void *hd_malloc(size_t size)
{
	if (should_fail())
		return NULL;
	return malloc(size ? size : 1);
}

void *hd_calloc(size_t n, size_t size)
{
	if (should_fail())
		return NULL;
	if (n == 0 || size == 0)
		return calloc(1, 1);
	return calloc(n, size);
}

void *hd_realloc(void *ptr, size_t size)
{
	if (should_fail())
		return NULL;
	return realloc(ptr, size ? size : 1);
}

void hd_free(void *ptr)
{
	free(ptr);
}

/* ---- arena ---- */

struct chunk {
	struct chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	/* data follows, 16-aligned */
};

#define CHUNK_HDR ((sizeof(struct chunk) + 15) & ~(size_t)15)
#define CHUNK_MIN ((size_t)64 * 1024)
#define CHUNK_MAX ((size_t)16 * 1024 * 1024)

struct hd_arena {
	struct chunk *head;
	size_t next_size; /* grows geometrically up to CHUNK_MAX */
	size_t reserved;
	bool failed;
};

struct hd_arena *hd_arena_new(void)
{
	struct hd_arena *a = hd_calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->next_size = CHUNK_MIN;
	return a;
}

void hd_arena_free(struct hd_arena *a)
{
	if (!a)
		return;
	struct chunk *c = a->head;
	while (c) {
		struct chunk *n = c->next;
		hd_free(c);
		c = n;
	}
	hd_free(a);
}

void *hd_arena_alloc(struct hd_arena *a, size_t size)
{
	if (!a || a->failed)
		return NULL;
	size_t need;
	if (hd_add_overflow(size, 15, &need)) {
		a->failed = true;
		return NULL;
	}
	need &= ~(size_t)15;
	if (need == 0)
		need = 16;
	struct chunk *c = a->head;
	if (!c || c->size - c->used < need) {
		size_t csize = a->next_size;
		/* A big request gets a chunk of its own, placed behind the head so
		 * the head's free space is not wasted. */
		bool own = need > csize / 4;
		if (own)
			csize = need;
		size_t total;
		if (hd_add_overflow(csize, CHUNK_HDR, &total)) {
			a->failed = true;
			return NULL;
		}
		struct chunk *nc = hd_malloc(total);
		if (!nc) {
			a->failed = true;
			return NULL;
		}
		nc->size = csize;
		nc->used = 0;
		a->reserved += total;
		if (own && c) {
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = c;
			a->head = nc;
			if (a->next_size < CHUNK_MAX)
				a->next_size *= 2;
		}
		c = nc;
	}
	void *p = (char *)c + CHUNK_HDR + c->used;
	c->used += need;
	return p;
}

void *hd_arena_calloc(struct hd_arena *a, size_t n, size_t size)
{
	size_t total;
	if (hd_mul_overflow(n, size, &total)) {
		if (a)
			a->failed = true;
		return NULL;
	}
	void *p = hd_arena_alloc(a, total);
	if (p)
		memset(p, 0, total);
	return p;
}

void *hd_arena_memdup(struct hd_arena *a, const void *src, size_t len)
{
	void *p = hd_arena_alloc(a, len);
	if (p && len)
		memcpy(p, src, len);
	return p;
}

struct hd_str hd_arena_strdup(struct hd_arena *a, struct hd_str s)
{
	struct hd_str r = {"", 0};
	size_t n;
	if (hd_add_overflow(s.len, 1, &n)) {
		a->failed = true;
		return r;
	}
	char *p = hd_arena_alloc(a, n);
	if (!p)
		return r;
	if (s.len)
		memcpy(p, s.ptr, s.len);
	p[s.len] = '\0';
	r.ptr = p;
	r.len = s.len;
	return r;
}

bool hd_arena_failed(const struct hd_arena *a)
{
	return !a || a->failed;
}

size_t hd_arena_bytes(const struct hd_arena *a)
{
	return a ? a->reserved : 0;
}
