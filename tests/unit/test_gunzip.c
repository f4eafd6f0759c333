/*
 * test_gunzip.c - unit tests of gzip inflation (gunzip.c) directly and
 * through hd_profile_parse(): good data, multi-member streams, truncation
 * at every length, corrupt CRC and size, trailing garbage, a bomb refused
 * by its trailer before inflating, a bomb whose trailer lies, and the
 * allocation-failure sweep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "decode/decode.h"
#include "pbenc.h"

static enum hd_status gunzip(const uint8_t *in, size_t len, uint64_t max,
			     struct hd_arena *arena, uint8_t **out, size_t *out_len,
			     struct hd_error *err)
{
	memset(err, 0, sizeof(*err));
	return hd_gunzip(in, len, max, arena, out, out_len, err);
}

/* n bytes of a repeating, not too compressible pattern. */
static uint8_t *pattern(size_t n)
{
	uint8_t *d = malloc(n ? n : 1);
	assert_non_null(d);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		d[i] = (uint8_t)("abcdefgh"[(x >> 16) & 7]);
	}
	return d;
}

static void test_good(void **state)
{
	(void)state;
	size_t n = 300000, gz_len;
	uint8_t *plain = pattern(n);
	uint8_t *gz = pbenc_gzip(plain, n, &gz_len);
	struct hd_arena *a = hd_arena_new();
	uint8_t *out;
	size_t out_len;
	struct hd_error err;
	assert_int_equal(gunzip(gz, gz_len, 1 << 30, a, &out, &out_len, &err), HD_OK);
	assert_int_equal(out_len, n);
	assert_memory_equal(out, plain, n);
	/* The limit equal to the size is enough. */
	assert_int_equal(gunzip(gz, gz_len, n, a, &out, &out_len, &err), HD_OK);
	/* One byte less is not: refused from the trailer. */
	assert_int_equal(gunzip(gz, gz_len, n - 1, a, &out, &out_len, &err), HD_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "gzip trailer announces 300000 decompressed bytes"));
	hd_arena_free(a);
	free(gz);
	free(plain);
}

/* 10 MB: above the size from which a second thread faults the output's
 * pages in while the first inflates; the bytes must not depend on it. */
static void test_large_with_prefault_thread(void **state)
{
	(void)state;
	size_t n = (size_t)10 << 20, gz_len;
	uint8_t *plain = pattern(n);
	uint8_t *gz = pbenc_gzip(plain, n, &gz_len);
	for (unsigned threads = 1; threads <= 2; threads++) {
		hd_set_threads(threads);
		struct hd_arena *a = hd_arena_new();
		uint8_t *out;
		size_t out_len;
		struct hd_error err;
		assert_int_equal(gunzip(gz, gz_len, 1 << 30, a, &out, &out_len, &err), HD_OK);
		assert_int_equal(out_len, n);
		assert_memory_equal(out, plain, n);
		/* corrupt data is still explained, whatever the threads */
		gz[gz_len / 2] ^= 0x55;
		assert_int_equal(gunzip(gz, gz_len, 1 << 30, a, &out, &out_len, &err), HD_ERR_GZIP);
		gz[gz_len / 2] ^= 0x55;
		hd_arena_free(a);
	}
	hd_set_threads(0);
	free(gz);
	free(plain);
}

static void test_empty_member(void **state)
{
	(void)state;
	size_t gz_len;
	uint8_t *gz = pbenc_gzip("", 0, &gz_len);
	struct hd_arena *a = hd_arena_new();
	uint8_t *out;
	size_t out_len = 99;
	struct hd_error err;
	assert_int_equal(gunzip(gz, gz_len, 100, a, &out, &out_len, &err), HD_OK);
	assert_int_equal(out_len, 0);
	struct hd_profile *p;
	assert_int_equal(hd_profile_parse(gz, gz_len, NULL, &p, &err), HD_ERR_FORMAT);
	assert_non_null(strstr(err.msg, "decompresses to nothing"));
	hd_arena_free(a);
	free(gz);
}

static void test_multi_member(void **state)
{
	(void)state;
	size_t la, lb;
	uint8_t *a_plain = pattern(5000), *b_plain = pattern(70000);
	b_plain[0] = 'Z';
	uint8_t *ga = pbenc_gzip(a_plain, 5000, &la), *gb = pbenc_gzip(b_plain, 70000, &lb);
	struct pbenc both;
	pbenc_init(&both);
	pbenc_raw(&both, ga, la);
	pbenc_raw(&both, gb, lb);
	pbenc_raw(&both, ga, la);
	struct hd_arena *arena = hd_arena_new();
	uint8_t *out;
	size_t out_len;
	struct hd_error err;
	assert_int_equal(gunzip(both.data, both.len, 1 << 30, arena, &out, &out_len, &err), HD_OK);
	assert_int_equal(out_len, 80000);
	assert_memory_equal(out, a_plain, 5000);
	assert_memory_equal(out + 5000, b_plain, 70000);
	assert_memory_equal(out + 75000, a_plain, 5000);
	/* The limit applies to the sum of the members. */
	assert_int_equal(gunzip(both.data, both.len, 79999, arena, &out, &out_len, &err),
			 HD_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "exceeds the limit of 79999 bytes"));
	/* Garbage after the last member is an error, like Go's reader. */
	pbenc_raw(&both, "\0\0\0\0", 4);
	assert_int_equal(gunzip(both.data, both.len, 1 << 30, arena, &out, &out_len, &err),
			 HD_ERR_GZIP);
	assert_non_null(strstr(err.msg, "trailing data after gzip member"));
	assert_int_equal(err.offset, 2 * la + lb);
	hd_arena_free(arena);
	pbenc_release(&both);
	free(ga);
	free(gb);
	free(a_plain);
	free(b_plain);
}

static void test_profile_in_two_members(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	pbenc_small_profile(&e);
	size_t half = e.len / 2, l1, l2;
	uint8_t *g1 = pbenc_gzip(e.data, half, &l1);
	uint8_t *g2 = pbenc_gzip(e.data + half, e.len - half, &l2);
	struct pbenc gz;
	pbenc_init(&gz);
	pbenc_raw(&gz, g1, l1);
	pbenc_raw(&gz, g2, l2);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(hd_profile_parse(gz.data, gz.len, NULL, &p, &err), HD_OK);
	assert_int_equal(p->n_samples, 2);
	assert_int_equal(p->format, HD_FORMAT_PROTO_GZIP);
	hd_profile_free(p);
	pbenc_release(&gz);
	pbenc_release(&e);
	free(g1);
	free(g2);
}

static void test_truncated_everywhere(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	pbenc_small_profile(&e);
	size_t gz_len;
	uint8_t *gz = pbenc_gzip(e.data, e.len, &gz_len);
	for (size_t cut = 2; cut < gz_len; cut++) {
		struct hd_profile *p = NULL;
		struct hd_error err;
		enum hd_status st = hd_profile_parse(gz, cut, NULL, &p, &err);
		if (st != HD_ERR_GZIP)
			fail_msg("cut at %zu of %zu: status %d (%s)", cut, gz_len, st, err.msg);
		assert_null(p);
	}
	/* The header alone says so. */
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(hd_profile_parse(gz, 10, NULL, &p, &err), HD_ERR_GZIP);
	assert_non_null(strstr(err.msg, "truncated gzip data"));
	/* The trailer missing. */
	assert_int_equal(hd_profile_parse(gz, gz_len - 8, NULL, &p, &err), HD_ERR_GZIP);
	free(gz);
	pbenc_release(&e);
}

static void test_corrupt(void **state)
{
	(void)state;
	size_t n = 10000, gz_len;
	uint8_t *plain = pattern(n);
	uint8_t *gz = pbenc_gzip(plain, n, &gz_len);
	struct hd_arena *a = hd_arena_new();
	uint8_t *out;
	size_t out_len;
	struct hd_error err;
	gz[gz_len - 8] ^= 1; /* CRC */
	assert_int_equal(gunzip(gz, gz_len, 1 << 30, a, &out, &out_len, &err), HD_ERR_GZIP);
	assert_non_null(strstr(err.msg, "gzip crc mismatch"));
	assert_int_equal(err.offset, gz_len - 8);
	gz[gz_len - 8] ^= 1;
	gz[gz_len - 4] ^= 1; /* ISIZE one off */
	assert_int_equal(gunzip(gz, gz_len, 1 << 30, a, &out, &out_len, &err), HD_ERR_GZIP);
	assert_non_null(strstr(err.msg, "size"));
	gz[gz_len - 4] ^= 1;
	gz[gz_len / 2] ^= 0x55; /* the deflate body */
	assert_int_equal(gunzip(gz, gz_len, 1 << 30, a, &out, &out_len, &err), HD_ERR_GZIP);
	gz[gz_len / 2] ^= 0x55;
	gz[2] = 7; /* compression method */
	assert_int_equal(gunzip(gz, gz_len, 1 << 30, a, &out, &out_len, &err), HD_ERR_GZIP);
	assert_non_null(strstr(err.msg, "compression method 7"));
	hd_arena_free(a);
	free(gz);
	free(plain);
}

static void test_bomb_refused_without_inflating(void **state)
{
	(void)state;
	/* A plausible trailer announcing 10 MB over a body of garbage: had the
	 * body been inflated, the answer would be HD_ERR_GZIP. */
	size_t len = 64 * 1024;
	uint8_t *bomb = calloc(1, len);
	assert_non_null(bomb);
	memcpy(bomb, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
	memset(bomb + 10, 0xff, len - 18);
	uint32_t isize = 10u << 20;
	memcpy(bomb + len - 4, &isize, 4);
	struct hd_arena *a = hd_arena_new();
	uint8_t *out;
	size_t out_len;
	struct hd_error err;
	assert_int_equal(gunzip(bomb, len, 1 << 20, a, &out, &out_len, &err), HD_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "announces 10485760 decompressed bytes"));
	assert_true(hd_arena_bytes(a) == 0); /* nothing was allocated */
	/* An implausible trailer (more than 1032:1) is not believed: the data
	 * is inflated and found corrupt. */
	isize = 0xffffffffu;
	memcpy(bomb + len - 4, &isize, 4);
	assert_int_equal(gunzip(bomb, len, 1 << 20, a, &out, &out_len, &err), HD_ERR_GZIP);
	hd_arena_free(a);
	free(bomb);
}

static void test_bomb_with_lying_trailer(void **state)
{
	(void)state;
	/* 32 MiB of zeros; the trailer is patched to claim 1000 bytes, so only
	 * the growing buffer and the limit stop it. */
	size_t n = 32u << 20, gz_len;
	uint8_t *zeros = calloc(1, n);
	assert_non_null(zeros);
	uint8_t *gz = pbenc_gzip(zeros, n, &gz_len);
	uint32_t lie = 1000;
	memcpy(gz + gz_len - 4, &lie, 4);
	struct hd_arena *a = hd_arena_new();
	uint8_t *out;
	size_t out_len;
	struct hd_error err;
	assert_int_equal(gunzip(gz, gz_len, 4u << 20, a, &out, &out_len, &err), HD_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "exceeds the limit of 4194304 bytes"));
	assert_true(hd_arena_bytes(a) < (1u << 20)); /* only the 1000-byte try */
	/* Through the front door, with the CLI's default limit message. */
	struct hd_limits lim;
	hd_limits_default(&lim);
	lim.max_decompressed_bytes = 1 << 20;
	struct hd_profile *p;
	assert_int_equal(hd_profile_parse(gz, gz_len, &lim, &p, &err), HD_ERR_LIMIT);
	hd_arena_free(a);
	free(gz);
	free(zeros);
}

static void test_alloc_failure_sweep(void **state)
{
	(void)state;
	size_t la, lb;
	uint8_t *pa = pattern(200000), *pb = pattern(1000);
	uint8_t *ga = pbenc_gzip(pa, 200000, &la), *gb = pbenc_gzip(pb, 1000, &lb);
	struct pbenc both;
	pbenc_init(&both);
	pbenc_raw(&both, ga, la);
	pbenc_raw(&both, gb, lb); /* multi-member: the slow path */
	const struct pbenc single = {ga, la, la};
	const struct pbenc *inputs[] = {&single, &both};
	for (int i = 0; i < 2; i++) {
		long n;
		for (n = 0;; n++) {
			struct hd_arena *a = hd_arena_new();
			assert_non_null(a);
			uint8_t *out;
			size_t out_len;
			struct hd_error err;
			hd_alloc_fail_after(n);
			enum hd_status st = gunzip(inputs[i]->data, inputs[i]->len, 1 << 30,
						   a, &out, &out_len, &err);
			hd_alloc_fail_after(-1);
			hd_arena_free(a);
			if (st == HD_OK)
				break;
			assert_int_equal(st, HD_ERR_NOMEM);
		}
		assert_true(n >= 1);
	}
	pbenc_release(&both);
	free(ga);
	free(gb);
	free(pa);
	free(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_large_with_prefault_thread),
		cmocka_unit_test(test_empty_member),
		cmocka_unit_test(test_multi_member),
		cmocka_unit_test(test_profile_in_two_members),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_bomb_refused_without_inflating),
		cmocka_unit_test(test_bomb_with_lying_trailer),
		cmocka_unit_test(test_alloc_failure_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
