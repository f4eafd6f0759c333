/*
 * status.c - status strings, error filling, limits defaults, and the small
 * string and hashing helpers every layer shares.  Nothing here knows about
 * profiles.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

const char *hd_status_str(enum hd_status s)
{
	switch (s) {
	case HD_OK: return "ok";
	case HD_ERR_NOMEM: return "out of memory";
	case HD_ERR_LIMIT: return "limit exceeded";
	case HD_ERR_GZIP: return "corrupt gzip data";
	case HD_ERR_PROTOBUF: return "malformed protobuf";
	case HD_ERR_PROFILE: return "invalid profile";
	case HD_ERR_LEGACY: return "malformed text profile";
	case HD_ERR_FORMAT: return "not a heap profile";
	case HD_ERR_IO: return "i/o error";
	case HD_ERR_USAGE: return "invalid usage";
	case HD_ERR_REGEX: return "invalid regular expression";
	case HD_ERR_INCOMPATIBLE: return "incompatible profiles";
	case HD_ERR_HTTP: return "http error";
	case HD_ERR_INTERNAL: return "internal error";
	}
	return "unknown error";
}

static enum hd_status vset(struct hd_error *err, enum hd_status status,
			   bool has_offset, uint64_t offset, const char *fmt,
			   va_list ap)
{
	if (!err)
		return status;
	err->code = status;
	err->has_offset = has_offset;
	err->offset = offset;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return status;
}

enum hd_status hd_error_set(struct hd_error *err, enum hd_status status,
			    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, status, false, 0, fmt, ap);
	va_end(ap);
	return status;
}

enum hd_status hd_error_set_at(struct hd_error *err, enum hd_status status,
			       uint64_t offset, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, status, true, offset, fmt, ap);
	va_end(ap);
	return status;
}

void hd_limits_default(struct hd_limits *l)
{
	l->max_input_bytes = (uint64_t)1 << 30;
	l->max_decompressed_bytes = (uint64_t)1 << 30;
	l->max_samples = 100000000;
	l->max_stack_depth = 1000000;
	l->max_string_bytes = (uint64_t)64 << 20;
	l->max_line_bytes = (uint64_t)64 << 20;
}

int hd_str_cmp(struct hd_str a, struct hd_str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
	if (c)
		return c;
	return a.len < b.len ? -1 : a.len > b.len;
}

bool hd_str_has_prefix(struct hd_str s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

static uint64_t hash_seed;

static void hash_seed_init(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t s = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
		     (uint64_t)(uintptr_t)&hash_seed;
	hash_seed = hd_hash_mix(s, 0x9e3779b97f4a7c15ull) | 1;
}

/* Chosen once per process (pthread_once: threads may ask at the same time). */
uint64_t hd_hash_seed(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, hash_seed_init);
	return hash_seed;
}

static _Atomic unsigned thread_cap;

void hd_set_threads(unsigned n)
{
	thread_cap = n;
}

unsigned hd_threads(void)
{
	unsigned n = thread_cap;
	if (n == 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		n = c < 1 ? 1 : c > 64 ? 64 : (unsigned)c;
	}
	return n;
}
