/*
 * flame_tree.h - the call tree behind `heapdoc folded` and `heapdoc flame`:
 * one node per distinct path of frames from the root (outermost caller) to
 * a frame, with the weights of the samples through it kept apart by sign so
 * that diffs can show growth and shrinkage.  Private to render/; the public
 * entry points are hd_render_folded() and hd_render_flame_svg() in
 * heapdoc.h.  Built without recursion (stacks may be a million frames deep).
 */
#ifndef HD_FLAME_TREE_H
#define HD_FLAME_TREE_H

#include "common.h"

struct hd_ftnode {
	uint32_t parent; /* HD_NONE for the root (node 0) */
	uint32_t frame;  /* index into hd_ftree.frames; HD_NONE for the root */
	uint32_t depth;  /* root = 0 */
	uint32_t first_child, next_sibling; /* HD_NONE terminated */
	int64_t pos, neg;           /* sums of positive weights and of |negative| */
	int64_t self_pos, self_neg; /* the same, for samples ending here */
};

struct hd_ftree {
	struct hd_ftnode *nodes;
	size_t n_nodes, cap_nodes;
	/* frame names, valid UTF-8 with unsafe bytes shown as \xNN */
	struct hd_str *frames;
	size_t n_frames, cap_frames;
	struct hd_arena *names; /* owns the frame name bytes */
	/* (parent, frame) -> child and name -> frame tables */
	uint32_t *child_slots;
	uint64_t child_mask;
	uint32_t *frame_slots;
	uint64_t frame_mask;
	uint64_t *frame_hash;
	size_t cap_frame_hash;
	uint64_t seed;

	int64_t total;  /* pprof's report total: sum of |w| (over pprof::base
			   samples only when there are any) */
	bool diff;      /* some weight is negative */
	struct hd_str unit; /* of the chosen sample type, e.g. "bytes" */
	struct hd_str type; /* "inuse_space" */
};

/*
 * Builds the tree of `profile` with the options of heapdoc.h
 * (sample_index, weights, lines, noinlines).  `escape_semicolon` writes ';'
 * in names as \x3b (folded output separates frames with ';').
 * Returns HD_OK, HD_ERR_USAGE (sample index out of range), HD_ERR_NOMEM.
 */
enum hd_status hd_ftree_build(struct hd_ftree *tree, const struct hd_profile *profile,
			      const struct hd_flame_options *options, bool escape_semicolon,
			      struct hd_error *err);
/*
 * The same from a view of agg (pprof's filters and granularity applied):
 * frames are the view's nodes by label, the total is the view's.
 */
enum hd_status hd_ftree_build_view(struct hd_ftree *tree, const struct hd_view *view,
				   bool escape_semicolon, struct hd_error *err);
void hd_ftree_release(struct hd_ftree *tree);

/*
 * Appends `s` to `b` as valid UTF-8 where control bytes (< 0x20, 0x7f),
 * bytes of invalid UTF-8 sequences and code points XML 1.0 cannot hold
 * (surrogates, U+FFFE, U+FFFF) appear as the text \xNN; with
 * `escape_semicolon` ';' does too.  At most `max_bytes` of output
 * (whole characters only), followed by "..." when cut.
 */
void hd_ftree_safe_name(struct hd_buf *b, struct hd_str s, bool escape_semicolon,
			size_t max_bytes);

#endif /* HD_FLAME_TREE_H */
