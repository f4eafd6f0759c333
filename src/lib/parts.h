/*
 * parts.h - running a data-parallel pass as k parts on up to k threads
 * (plain pthreads), the calling thread doing part 0.  Used by the decoder's
 * sample pass and the aggregation passes; each caller splits its own data,
 * gives every part its own output and combines them in part order, so the
 * result never depends on the number of threads.  How many parts a pass
 * uses (hd_parts_for) follows hd_threads() and a size threshold: small
 * inputs stay on one thread, where start-up dominates.  Not a thread pool;
 * see docs/internals/performance.md for what it buys.
 */
#ifndef HD_PARTS_H
#define HD_PARTS_H

#include "common.h"

/*
 * A part of a pass over sample frames (decoding location ids, the values
 * and edges walks) is worth a thread from this many frames on: a part then
 * runs for several milliseconds, against tens of microseconds to start a
 * thread and the per-part arrays to set up and combine.  Measured on the
 * 1 MB snapshots of bench/out/series100 (800k frames), two parts of 400k
 * frames gained nothing over one.
 */
#define HD_PARTS_MIN_FRAMES ((uint64_t)1 << 19)

/* HD_PARTS_MIN_FRAMES, or what hd_parts_set_min_frames() set. */
uint64_t hd_parts_min_frames(void);

/*
 * Test hook: parts of `n` frames from now on (0: HD_PARTS_MIN_FRAMES
 * again), so that tests reach the parallel paths with small profiles.
 */
void hd_parts_set_min_frames(uint64_t n);

/* At most this many parts, whatever hd_threads() says. */
#define HD_PARTS_MAX 16u

/*
 * The number of parts for a pass over `work` units of which one part
 * should hold at least `min_per_part`: 1 below 2 * min_per_part, never
 * more than hd_threads() or HD_PARTS_MAX.
 */
unsigned hd_parts_for(uint64_t work, uint64_t min_per_part);

/*
 * Calls fn(arg, i) for i = 0 .. k-1, parts 1.. on new threads and part 0
 * on the calling thread, and returns when all are done.  A part whose
 * thread cannot be created runs on the calling thread instead, so this
 * cannot fail; k == 1 creates no thread.  fn must not longjmp or exit.
 */
void hd_parts_run(unsigned k, void (*fn)(void *arg, unsigned part), void *arg);

#endif /* HD_PARTS_H */
