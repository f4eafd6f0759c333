/*
 * parts.c - the k-part runner of parts.h: one pthread per part beyond the
 * first, joined before returning.  Threads are created per pass (a pass
 * worth splitting runs for tens of milliseconds; creating a thread costs
 * tens of microseconds), so nothing outlives a call.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "parts.h"

static _Atomic uint64_t min_frames_set;

uint64_t hd_parts_min_frames(void)
{
	uint64_t n = atomic_load_explicit(&min_frames_set, memory_order_relaxed);
	return n ? n : HD_PARTS_MIN_FRAMES;
}

void hd_parts_set_min_frames(uint64_t n)
{
	atomic_store_explicit(&min_frames_set, n, memory_order_relaxed);
}

unsigned hd_parts_for(uint64_t work, uint64_t min_per_part)
{
	unsigned k = hd_threads();
	if (k > HD_PARTS_MAX)
		k = HD_PARTS_MAX;
	if (min_per_part == 0)
		min_per_part = 1;
	uint64_t by_size = work / min_per_part;
	if (by_size < k)
		k = by_size < 2 ? 1 : (unsigned)by_size;
	return k;
}

struct part_arg {
	void (*fn)(void *arg, unsigned part);
	void *arg;
	unsigned part;
};

static void *part_main(void *p)
{
	struct part_arg *a = p;
	a->fn(a->arg, a->part);
	return NULL;
}

void hd_parts_run(unsigned k, void (*fn)(void *arg, unsigned part), void *arg)
{
	if (k > HD_PARTS_MAX)
		k = HD_PARTS_MAX;
	pthread_t th[HD_PARTS_MAX];
	struct part_arg pa[HD_PARTS_MAX];
	bool started[HD_PARTS_MAX] = {false};
	for (unsigned i = 1; i < k; i++) {
		pa[i] = (struct part_arg){fn, arg, i};
		started[i] = pthread_create(&th[i], NULL, part_main, &pa[i]) == 0;
	}
	fn(arg, 0);
	for (unsigned i = 1; i < k; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			fn(arg, i);
	}
}
