/*
 * prune.h - a profile as pprof reads it: the samples' stacks pruned by the
 * profile's own drop_frames/keep_frames (profile/prune.go Prune, which
 * pprof's fetch applies to every profile).  The legacy text decoder sets
 * drop_frames to the runtime's allocation functions, as pprof's
 * legacy_profile.go does, so a debug=1 profile's sites are the code that
 * allocated, not runtime.mallocgc.  For the analyses that read stacks
 * without a view (diagnose, trend).  Implemented in filter.c with the
 * reports' pruning.  Private to libheapdoc.
 */
#ifndef HD_ANALYZE_PRUNE_H
#define HD_ANALYZE_PRUNE_H

#include "common.h"

/*
 * *out_ret: p itself when it has no drop_frames (or an invalid one, which
 * pprof ignores); else a profile allocated in `arena` that shares every
 * array with p except samples (stacks cut like pprof's) and locations (a
 * location pruned beneath keeps the suffix of its lines).  p must outlive
 * it.  HD_OK or HD_ERR_NOMEM.
 */
enum hd_status hd_profile_pruned(const struct hd_profile *p, struct hd_arena *arena,
				 const struct hd_profile **out_ret, struct hd_error *err);

#endif /* HD_ANALYZE_PRUNE_H */
