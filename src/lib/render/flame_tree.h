/*
 * flame_tree.h - the call tree behind `heapdoc folded` and `heapdoc flame`:
 * one node per distinct path of frames from the root (outermost caller) to
 * a frame, with the weights of the samples through it kept apart by sign so
 * that diffs can show growth and shrinkage.  Private to render/; the public
 * entry points are hd_render_folded() and hd_render_flame_svg() in
 * heapdoc.h.
 *
 * The tree is never built by walking samples one by one through a hash
 * table.  flame_tree.c turns a profile or a view into a "source" (frame
 * names, the frames of each location, one item per sample with a non-zero
 * weight); flame_part.c grows the tree top-down by partitioning the items
 * of a node by their next frame (sequential memory access, no per-frame
 * hashing), skipping subtrees too narrow to be drawn, on up to hd_threads()
 * threads.  folded.c walks the same partitions in output order instead of
 * building nodes.  No recursion: stacks may be a million frames deep.
 * docs/internals/flame.md.
 */
#ifndef HD_FLAME_TREE_H
#define HD_FLAME_TREE_H

#include "common.h"

/* ---- the source: frames and samples ---- */

/*
 * One sample on its way from the root to its leaf.  Its frames, root
 * first, are the frames of locs[n_locs - 1], ..., locs[0], each location's
 * from last to first (loc_frames is innermost first).  The cursor says how
 * far it got: the next frame is loc_frames[f - 1] while f > lo (lo is
 * loc_first of location locs[k]); hd_ftitem_normalize() moves to the next
 * non-empty location, so an item is exhausted exactly when f == lo.
 */
struct hd_ftitem {
	const uint32_t *locs; /* leaf first */
	int64_t w;            /* never 0 */
	uint32_t k, f, lo;
	uint32_t order;       /* rank among the source's items: sample order */
};

struct hd_ftsrc {
	/* frame names, valid UTF-8 with unsafe bytes shown as \xNN */
	struct hd_str *frames;
	size_t n_frames, cap_frames;
	struct hd_arena *names; /* owns the frame name bytes */
	uint32_t *frame_slots;  /* name -> frame table */
	uint64_t frame_mask;
	uint64_t *frame_hash;
	size_t cap_frame_hash;
	uint64_t seed;

	/* frames of location l: loc_frames[loc_first[l] .. loc_first[l + 1]) */
	uint32_t *loc_first;
	uint32_t *loc_frames;

	struct hd_ftitem *items; /* samples with a non-zero weight, in order */
	uint32_t n_items;
	uint64_t n_locs_sum;     /* sum of the items' n_locs: the size of the work */

	/* the root ("all"): every item; self = items without any frame */
	int64_t pos, neg, self_pos, self_neg;
	/* pos + neg computed without overflowing int64 (then no node can
	 * overflow either, and a child is never wider than its parent) */
	bool exact_widths;

	int64_t total;  /* pprof's report total: sum of |w| (over pprof::base
			   samples only when there are any) */
	bool diff;      /* some weight is negative */
	struct hd_str unit; /* of the chosen sample type, e.g. "bytes" */
	struct hd_str type; /* "inuse_space" */
};

/*
 * The source of `profile` with the options of heapdoc.h (sample_index,
 * weights, lines, noinlines).  `escape_semicolon` writes ';' in names as
 * \x3b (folded output separates frames with ';').
 * Returns HD_OK, HD_ERR_USAGE (sample index out of range), HD_ERR_LIMIT
 * (4G samples or more), HD_ERR_NOMEM; the source is released on error.
 */
enum hd_status hd_ftsrc_build(struct hd_ftsrc *src, const struct hd_profile *profile,
			      const struct hd_flame_options *options, bool escape_semicolon,
			      struct hd_error *err);
/*
 * The same from a view of agg (pprof's filters and granularity applied):
 * frames are the view's nodes by label, the total is the view's.
 */
enum hd_status hd_ftsrc_build_view(struct hd_ftsrc *src, const struct hd_view *view,
				   bool escape_semicolon, struct hd_error *err);
void hd_ftsrc_release(struct hd_ftsrc *src);

static inline void hd_ftitem_normalize(struct hd_ftitem *it, const uint32_t *loc_first)
{
	while (it->f == it->lo && it->k > 0) {
		uint32_t l = it->locs[--it->k];
		it->lo = loc_first[l];
		it->f = loc_first[l + 1];
	}
}

/* ---- partitioning (flame_part.c) ---- */

/* A child of a partitioned node: the items through it, moved to
 * [first, first + n_cont) of the other item buffer, continue below it. */
struct hd_ftgroup {
	uint32_t frame;
	uint32_t order;     /* the first item's order */
	uint32_t first;     /* item position of the group */
	uint32_t n_cont;    /* items with frames after this one */
	uint32_t n_items;   /* all items through it */
	uint32_t filled;    /* items written so far (while splitting) */
	uint64_t pos, neg, self_pos, self_neg; /* wrapping sums of magnitudes */
};

/* Per-thread scratch of hd_ftpart_split(). */
struct hd_ftpart {
	const struct hd_ftsrc *src;
	uint64_t *frame_stamp;  /* per frame: stamp << 32 | group index */
	uint32_t stamp;
	uint32_t *gidx;         /* per item of the range: group, top bit = ends */
	size_t cap_gidx;
	struct hd_ftgroup *groups;
	size_t n_groups, cap_groups;
};

bool hd_ftpart_init(struct hd_ftpart *p, const struct hd_ftsrc *src);
void hd_ftpart_release(struct hd_ftpart *p);

/*
 * Splits the items in[first .. first + n) (in order, each with at least
 * one frame left) by their next frame: takes that frame, fills p->groups in
 * order of first appearance and writes each group's continuing items, in
 * order, to out[] at the group's position (inside [first, first + n)).
 * Returns false when out of memory.
 */
bool hd_ftpart_split(struct hd_ftpart *p, struct hd_ftitem *in, struct hd_ftitem *out,
		     uint32_t first, uint32_t n);

/*
 * Runs fn(ctx, i) for i = 0 .. n - 1, on n threads (the caller runs 0);
 * where a thread cannot be created the caller runs its index after its
 * own, so every index runs exactly once whatever happens.
 */
void hd_ftrun(unsigned n, void (*fn)(void *ctx, unsigned i), void *ctx);

/* Threads worth using for a source of this size (1 for small ones). */
unsigned hd_ftthreads(const struct hd_ftsrc *src);

/* ---- the drawn tree (flame_part.c) ---- */

struct hd_ftnode {
	uint32_t parent; /* HD_NONE for the root (node 0) */
	uint32_t frame;  /* index into src->frames; HD_NONE for the root */
	uint32_t depth;  /* root = 0 */
	int64_t pos, neg;           /* sums of positive weights and of |negative| */
	int64_t self_pos, self_neg; /* the same, for samples ending here */
};

/*
 * Nodes in the order a walk of the samples one by one would create them
 * (by first sample, then depth), so parents come before their children.
 */
struct hd_ftree {
	const struct hd_ftsrc *src;
	struct hd_ftnode *nodes;
	size_t n_nodes;
};

/*
 * The nodes of `src` whose width (pos + neg) is at least `min_width`
 * (>= 1), with all their ancestors; every node when the source's widths
 * may overflow (then a narrow parent may have a wide child).  Uses up the
 * source's items (their cursors move): one tree or one folded rendering
 * per source.  Returns HD_OK or HD_ERR_NOMEM.
 */
enum hd_status hd_ftree_build(struct hd_ftree *tree, const struct hd_ftsrc *src,
			      int64_t min_width, struct hd_error *err);
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
