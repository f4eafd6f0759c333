/*
 * tagframes.h - pprof's -tagroot/-tagleaf (internal/driver/tagroot.go
 * addLabelNodes) for hd_view_new().  Private to libheapdoc.
 */
#ifndef HD_ANALYZE_TAGFRAMES_H
#define HD_ANALYZE_TAGFRAMES_H

#include "agg/view.h"

/*
 * When view->options has -tagroot or -tagleaf keys, replaces view->profile
 * with a profile owned by the view's arena.  Called after drop_frames
 * pruned the view's stacks and before any other filter (pprof prunes on
 * reading and adds these frames before filtering), while view->samples
 * still holds every sample: the same samples, each its pruned stack with
 * one pseudo frame per key added at the root (tagroot; its first key
 * outermost) and at the leaf (tagleaf; its last key innermost), each frame
 * a location of its own whose only line is a function named by the
 * sample's values of that label, joined by commas (numbers through
 * -unit as pprof's ScaledLabel), in a file named after the key.  Pseudo
 * locations and functions are interned by (name, key) and numbered after
 * the profile's own, in the order samples meet them.  Every other array is
 * shared with the original, which must outlive the view (it does: the
 * view borrows it).  The view's samples and per-location line tables are
 * updated to match.  Sets HD_FILTER_TAGROOT/TAGLEAF in view->unmatched when
 * no sample had a label of any of the keys.  HD_OK or HD_ERR_NOMEM.
 */
enum hd_status hd_tag_frames_apply(struct hd_view *view, struct hd_error *err);

#endif /* HD_ANALYZE_TAGFRAMES_H */
