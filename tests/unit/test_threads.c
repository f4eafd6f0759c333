/*
 * test_threads.c - the process-wide thread cap (hd_set_threads/hd_threads)
 * and the hash seed, which threads may ask for at the same time: every
 * thread must see the same non-zero seed.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "heapdoc/heapdoc.h"
#include "common.h"

static void test_thread_cap(void **state)
{
	(void)state;
	hd_set_threads(1);
	assert_int_equal(hd_threads(), 1);
	hd_set_threads(3);
	assert_int_equal(hd_threads(), 3);
	hd_set_threads(0);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	assert_int_equal(hd_threads(), cpus < 1 ? 1 : cpus > 64 ? 64 : cpus);
}

static void *ask_seed(void *arg)
{
	*(uint64_t *)arg = hd_hash_seed();
	return NULL;
}

static void test_seed_shared_by_threads(void **state)
{
	(void)state;
	pthread_t th[8];
	uint64_t seeds[8] = {0};
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&th[i], NULL, ask_seed, &seeds[i]), 0);
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 8; i++) {
		assert_true(seeds[i] != 0);
		assert_true(seeds[i] == seeds[0]);
	}
	assert_true(hd_hash_seed() == seeds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thread_cap),
		cmocka_unit_test(test_seed_shared_by_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
