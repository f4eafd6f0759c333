/*
 * classify.h - the inverse of the Go runtime model: given the object sizes
 * seen at one allocation site (and how many of each were allocated and are
 * in use), which container explains them - a slice growth chain, a classic
 * map's doubling bucket arrays, a Swiss map's group arrays and 1024-slot
 * tables, a string built piece by piece, or plain objects - and with which
 * element/bucket/group size.  Private to the analyze layer; diagnose.c calls
 * it per site, gomodel.c supplies the forward rules.  The scoring is
 * described in docs/internals/diagnose.md.
 */
#ifndef HD_CLASSIFY_H
#define HD_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapdoc/heapdoc.h"

#define HD_CLS_MAX_SIZES 48

/* One object size at a site; values as the profile gives them (scaled). */
struct hd_cls_size {
	uint64_t size;
	double alloc_objects, alloc_bytes, inuse_objects, inuse_bytes;
	double raw_alloc; /* unscaled sampled allocations (estimate of samples taken) */
};

/* What the standard-library frames above the first user frame say. */
enum hd_cls_hint {
	HD_CLS_HINT_NONE = 0,
	HD_CLS_HINT_BUFFER, /* bytes.Buffer, bytes.growSlice, bufio */
	HD_CLS_HINT_BUILDER, /* strings.Builder */
	HD_CLS_HINT_STRING, /* strconv, fmt.Sprint*, strings.* producing strings */
	HD_CLS_HINT_OBJECT  /* another stdlib constructor (container/list, ...) */
};

/* What the source line says, when one is available. */
enum hd_cls_source {
	HD_CLS_SRC_NONE = 0,
	HD_CLS_SRC_APPEND,   /* append( */
	HD_CLS_SRC_MAKE_SLICE,
	HD_CLS_SRC_MAKE_MAP,
	HD_CLS_SRC_MAP_ASSIGN, /* x[k] = v, not a slice store we can tell */
	HD_CLS_SRC_STRING,   /* + between strings, string(...), Sprintf */
	HD_CLS_SRC_NEW       /* &T{...}, new(T) */
};

struct hd_cls_result {
	enum hd_kind kind;
	enum hd_map_impl map_impl;
	/* the winning hypothesis */
	int minor;              /* representative Go version of the rules used */
	bool noscan;            /* the element/bucket type holds no pointers */
	uint64_t unit_min, unit_max; /* element size (slice), bucket size (classic), group size (swiss) */
	double linked_bytes;    /* alloc bytes of sizes in growth links */
	double total_bytes;     /* alloc bytes of all sizes */
	size_t n_linked;
	bool chain;             /* a growth chain (>= 2 linked sizes) was found */
	bool swiss_split;       /* many equal 1024-slot tables: splits */
	uint64_t swiss_table_bytes;
	bool dense_classes;     /* many consecutive size classes: piecewise string/array build */
	bool single_size;       /* one size holds >= 90% of the bytes */
	uint64_t main_size;     /* size holding the most bytes */
	uint64_t largest_size;
	double confidence;
	/* runner-up of another kind, for "could also be" evidence */
	enum hd_kind other_kind;
	double other_linked_bytes;
	/* role of each input size: 0 none, 1 chain step, 2 terminal swiss table, 3 overflow/small */
	unsigned char role[HD_CLS_MAX_SIZES];
	uint64_t step_index[HD_CLS_MAX_SIZES]; /* B, log2(groups) or slice cap */
};

/*
 * Classifies one site.  sizes: up to HD_CLS_MAX_SIZES entries, any order.
 * go_minor: 0 to try every version family.  hint/source: see above.
 */
void hd_classify_site(const struct hd_cls_size *sizes, size_t n, int go_minor,
		      enum hd_cls_hint hint, enum hd_cls_source source,
		      struct hd_cls_result *result);

/* Classifies a source line (NULL -> NONE). */
enum hd_cls_source hd_classify_source_line(const char *line);

/* Whether a function name belongs to the Go standard library or runtime. */
bool hd_is_std_function(const char *name, size_t len);

/* The hint given by one standard-library frame's function name. */
enum hd_cls_hint hd_classify_std_frame(const char *name, size_t len);

/* slice successor: the next growth step's recorded size, 0 if s is no step for e */
uint64_t hd_cls_slice_cap(int minor, uint64_t s, uint64_t elem, bool noscan);

#endif /* HD_CLASSIFY_H */
