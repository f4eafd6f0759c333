/*
 * test_hashtab.c - agg/hashtab.c: the u64 -> u32 map and the id set with
 * external keys.  Growth from a too-small estimate keeps every entry,
 * colliding hashes are told apart by the equality callback, extreme keys
 * work, and allocation failures leave the table usable and unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "agg/hashtab.h"

static void test_u64map(void **state)
{
	(void)state;
	struct hd_u64map m;
	assert_true(hd_u64map_init(&m, 0));
	bool inserted;
	for (uint32_t i = 0; i < 20000; i++) {
		uint64_t key = (uint64_t)i * 0x9e3779b97f4a7c15ull;
		uint32_t *v = hd_u64map_upsert(&m, key, i, &inserted);
		assert_non_null(v);
		assert_true(inserted);
		assert_int_equal(*v, i);
	}
	assert_int_equal(m.count, 20000);
	assert_true(m.count * 2 <= m.mask + 1);
	for (uint32_t i = 0; i < 20000; i++)
		assert_int_equal(hd_u64map_get(&m, (uint64_t)i * 0x9e3779b97f4a7c15ull), i);
	assert_int_equal(hd_u64map_get(&m, 12345), HD_NONE);
	/* upsert of a present key returns the stored value */
	uint32_t *v = hd_u64map_upsert(&m, 0x9e3779b97f4a7c15ull, 999, &inserted);
	assert_false(inserted);
	assert_int_equal(*v, 1);
	/* extreme keys */
	assert_non_null(hd_u64map_upsert(&m, UINT64_MAX, 7, &inserted));
	assert_int_equal(hd_u64map_get(&m, UINT64_MAX), 7);
	hd_u64map_release(&m);
	hd_u64map_release(&m); /* idempotent */
	hd_u64map_release(NULL);
	assert_int_equal(hd_u64map_get(&m, 1), HD_NONE); /* released: empty */
}

static void test_u64map_alloc_failure(void **state)
{
	(void)state;
	struct hd_u64map m;
	hd_alloc_fail_after(0);
	assert_false(hd_u64map_init(&m, 10));
	hd_alloc_fail_after(-1);
	assert_true(hd_u64map_init(&m, 0)); /* capacity 16: grows at the 9th */
	bool inserted;
	for (uint32_t i = 0; i < 8; i++)
		assert_non_null(hd_u64map_upsert(&m, i, i, &inserted));
	hd_alloc_fail_after(0);
	assert_null(hd_u64map_upsert(&m, 100, 100, &inserted));
	hd_alloc_fail_after(-1);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(hd_u64map_get(&m, i), i);
	assert_int_equal(hd_u64map_get(&m, 100), HD_NONE);
	assert_non_null(hd_u64map_upsert(&m, 100, 100, &inserted));
	assert_int_equal(hd_u64map_get(&m, 100), 100);
	hd_u64map_release(&m);
}

struct strs {
	const char *const *all;
	const char *want;
};

static bool str_eq(const void *ctx, uint32_t id)
{
	const struct strs *s = ctx;
	return strcmp(s->all[id], s->want) == 0;
}

static void test_idtab_collisions(void **state)
{
	(void)state;
	static const char *const words[] = {"alpha", "beta", "gamma", "delta", "epsilon",
					    "zeta", "eta", "theta", "iota", "kappa", "lambda",
					    "mu", "nu", "xi", "omicron", "pi", "rho", "sigma"};
	size_t n = sizeof(words) / sizeof(words[0]);
	struct hd_idtab t;
	assert_true(hd_idtab_init(&t, 1));
	/* every word under the same hash: only the callback tells them apart */
	for (uint32_t i = 0; i < n; i++) {
		struct strs q = {words, words[i]};
		assert_int_equal(hd_idtab_find(&t, 42, str_eq, &q), HD_NONE);
		assert_true(hd_idtab_add(&t, 42, i));
	}
	for (uint32_t i = 0; i < n; i++) {
		struct strs q = {words, words[i]};
		assert_int_equal(hd_idtab_find(&t, 42, str_eq, &q), i);
		assert_int_equal(hd_idtab_find(&t, 43, str_eq, &q), HD_NONE);
	}
	struct strs q = {words, "omega"};
	assert_int_equal(hd_idtab_find(&t, 42, str_eq, &q), HD_NONE);
	/* growth failure leaves the set as it was */
	while ((t.count + 1) * 2 <= t.mask + 1)
		assert_true(hd_idtab_add(&t, 7, 1000 + (uint32_t)t.count));
	hd_alloc_fail_after(0);
	assert_false(hd_idtab_add(&t, 9, 5000));
	hd_alloc_fail_after(-1);
	struct strs q2 = {words, "sigma"};
	assert_int_equal(hd_idtab_find(&t, 42, str_eq, &q2), n - 1);
	hd_idtab_release(&t);
	hd_idtab_release(NULL);
	hd_alloc_fail_after(0);
	assert_false(hd_idtab_init(&t, 100));
	hd_alloc_fail_after(-1);
}

static void test_hash_mixing(void **state)
{
	(void)state;
	/* consecutive keys spread over the low bits the tables use */
	unsigned seen[64] = {0};
	for (uint64_t k = 0; k < 64 * 32; k++)
		seen[hd_hash_u64(k, 0x1234) & 63]++;
	for (int b = 0; b < 64; b++)
		assert_true(seen[b] > 8 && seen[b] < 64);
	assert_true(hd_hash_u64(1, 1) != hd_hash_u64(1, 2));
	assert_true(hd_hash_combine(1, 2) != hd_hash_combine(2, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64map),
		cmocka_unit_test(test_u64map_alloc_failure),
		cmocka_unit_test(test_idtab_collisions),
		cmocka_unit_test(test_hash_mixing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
