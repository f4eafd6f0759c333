/*
 * model.h - private helpers for code that creates profiles (the decoders
 * and the builder): allocating an empty profile inside its own arena.  The
 * model itself (struct hd_profile) is public, in include/heapdoc/heapdoc.h;
 * building one piece by piece goes through builder.h.
 */
#ifndef HD_MODEL_H
#define HD_MODEL_H

#include "common.h"

/*
 * A new arena and a zeroed profile allocated in it (profile->arena set, the
 * format HD_FORMAT_BUILT).  NULL when out of memory.  hd_profile_free()
 * releases both.
 */
struct hd_profile *hd_profile_new_empty(void);

#endif /* HD_MODEL_H */
