/*
 * classify.c - which container explains the object sizes seen at one site.
 * Hypotheses are (kind, Go version family, element/bucket/group size,
 * pointer-free or not); each is scored by the allocated bytes of the sizes
 * it links into growth steps (size s followed, within three steps, by the
 * size the runtime would allocate next - gomodel.c).  A Swiss map's tables
 * stop at 1024 slots and split into equal tables, so a size equal to a
 * 1024-slot group array that is allocated at least twice as often as the
 * 512-slot one (or freed at splits: alloc > in-use) is its signature.  The
 * best kind must beat every other kind, else the result is "unknown".
 * Standard-library leaf frames and the source line, when known, decide
 * buffers and strings.  No allocation; pure.  See docs/internals/diagnose.md.
 */
#include <math.h>
#include <string.h>

#include "common.h"
#include "analyze/classify.h"
#include "analyze/gomodel.h"

enum hyp_type { HYP_SLICE, HYP_CLASSIC, HYP_SWISS };

/*
 * A growth step smaller than this may be missing from a default-rate
 * profile (sampled with probability 1-exp(-size/512KiB) < 12%), so a link
 * may jump over it; larger steps must be seen.
 */
#define SKIP_MAX_BYTES 65536

struct hyp {
	enum hyp_type type;
	int minor;
	bool noscan;
	uint64_t unit;
};

struct score {
	double linked_bytes;     /* the score: off-chain slice bytes count half */
	double raw_linked_bytes; /* alloc bytes of all linked sizes */
	size_t n_linked;
	size_t on_chain; /* slices: linked sizes on the chain grown from empty */
	size_t n_member; /* sizes the hypothesis allocates at all (linked or not) */
	bool overflow;   /* classic: the one-bucket size is allocated far more often than arrays */
	bool split;
	uint64_t table_bytes;
	uint64_t linked_mask; /* bit i: size i is in a growth link */
	int terminal;         /* index of the swiss 1024-slot table size, or -1 */
};

/* ---- standard library and source-line hints ---- */

bool hd_is_std_function(const char *name, size_t len)
{
	/*
	 * The first element of the package path (up to the first '/' or '.')
	 * names a standard-library tree: the top-level directories of
	 * $GOROOT/src (go1.17-1.26).  Anything else - main, github.com/...,
	 * a dotless module path like "myapp/..." - is user code.
	 */
	static const char *const roots[] = {
		"archive", "bufio", "builtin", "bytes", "cmp", "compress", "container", "context",
		"crypto", "database", "debug", "embed", "encoding", "errors", "expvar", "flag",
		"fmt", "go", "hash", "html", "image", "index", "internal", "io", "iter", "log",
		"maps", "math", "mime", "net", "os", "path", "plugin", "reflect", "regexp",
		"runtime", "slices", "sort", "strconv", "strings", "structs", "sync", "syscall",
		"testing", "text", "time", "unicode", "unique", "unsafe", "vendor", "weak"};
	size_t e = 0;
	while (e < len && name[e] != '/' && name[e] != '.')
		e++;
	for (size_t i = 0; i < HD_ARRAY_SIZE(roots); i++)
		if (strlen(roots[i]) == e && memcmp(name, roots[i], e) == 0)
			return true;
	return false;
}

static bool has_prefix(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);
	return len >= n && memcmp(s, p, n) == 0;
}

enum hd_cls_hint hd_classify_std_frame(const char *name, size_t len)
{
	if (has_prefix(name, len, "bytes.growSlice") || has_prefix(name, len, "bytes.(*Buffer)") ||
	    has_prefix(name, len, "bytes.NewBuffer") || has_prefix(name, len, "bufio."))
		return HD_CLS_HINT_BUFFER;
	if (has_prefix(name, len, "strings.(*Builder)"))
		return HD_CLS_HINT_BUILDER;
	if (has_prefix(name, len, "strconv.") || has_prefix(name, len, "fmt.Sprint") ||
	    has_prefix(name, len, "fmt.Errorf") || has_prefix(name, len, "strings."))
		return HD_CLS_HINT_STRING;
	return HD_CLS_HINT_OBJECT;
}

static bool contains(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

enum hd_cls_source hd_classify_source_line(const char *line)
{
	if (!line)
		return HD_CLS_SRC_NONE;
	/* strip a trailing // comment so "// SITE x" markers do not count */
	char buf[512];
	size_t n = strlen(line);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
	char *c = strstr(buf, "//");
	if (c)
		*c = '\0';
	if (contains(buf, "append("))
		return HD_CLS_SRC_APPEND;
	if (contains(buf, "make(map["))
		return HD_CLS_SRC_MAKE_MAP;
	if (contains(buf, "make([]"))
		return HD_CLS_SRC_MAKE_SLICE;
	if (contains(buf, "\" +") || contains(buf, "+ \"") || contains(buf, "+=") ||
	    contains(buf, "string(") || contains(buf, "Sprintf("))
		return HD_CLS_SRC_STRING;
	if (contains(buf, "new(") || contains(buf, "&"))
		return HD_CLS_SRC_NEW;
	if (contains(buf, "] = ") && !contains(buf, ":="))
		return HD_CLS_SRC_MAP_ASSIGN;
	return HD_CLS_SRC_NONE;
}

/* ---- per-hypothesis successor rules ---- */

uint64_t hd_cls_slice_cap(int minor, uint64_t s, uint64_t elem, bool noscan)
{
	uint64_t usable = s;
	if (hd_go_has_malloc_headers(minor) && !noscan && s > HD_GO_MIN_SIZE_FOR_HEADER + 8 &&
	    s <= HD_GO_MAX_SMALL_SIZE)
		usable = s - HD_GO_MALLOC_HEADER;
	uint64_t cap = usable / elem;
	if (cap == 0 || hd_go_alloc_size(minor, cap * elem, noscan) != s)
		return 0;
	/* growslice returns roundupsize(..)/elem: that cap must reproduce itself */
	if (hd_go_roundupsize(minor, cap * elem, noscan) / elem != cap)
		return 0;
	return cap;
}

/* Position of size s in the hypothesis's sequence; false if s is not a step. */
static bool hyp_position(const struct hyp *h, uint64_t s, uint64_t *pos)
{
	switch (h->type) {
	case HYP_SLICE: {
		uint64_t cap = hd_cls_slice_cap(h->minor, s, h->unit, h->noscan);
		*pos = cap;
		return cap != 0;
	}
	case HYP_CLASSIC: {
		/* 2^B <= s/BS < 2^(B+1) up to rounding: try B around log2(s/BS) */
		uint64_t q = s / h->unit;
		if (q == 0)
			return false;
		unsigned lg = 63 - (unsigned)__builtin_clzll(q);
		for (unsigned b = lg > 1 ? lg - 1 : 0; b <= lg + 1 && b < 48; b++)
			if (hd_go_classic_array_bytes(h->minor, b, h->unit, h->noscan, NULL) == s) {
				*pos = b;
				return true;
			}
		return false;
	}
	case HYP_SWISS:
		if (s > hd_go_swiss_groups_bytes(h->minor, 1024, h->unit, h->noscan) ||
		    s < hd_go_alloc_size(h->minor, h->unit, h->noscan))
			return false;
		for (unsigned k = 0; k <= 7; k++) {
			uint64_t bytes = hd_go_swiss_groups_bytes(h->minor, UINT64_C(8) << k, h->unit,
								   h->noscan);
			if (bytes == s) {
				*pos = k;
				return true;
			}
			if (bytes > s)
				return false;
		}
		return false;
	}
	return false;
}

static uint64_t hyp_next(const struct hyp *h, uint64_t s, uint64_t pos)
{
	switch (h->type) {
	case HYP_SLICE:
		return hd_go_growslice(h->minor, pos, pos + 1, h->unit, h->noscan).bytes;
	case HYP_CLASSIC:
		return hd_go_classic_array_bytes(h->minor, (unsigned)pos + 1, h->unit, h->noscan, NULL);
	case HYP_SWISS:
		if (pos >= 7)
			return s;
		return hd_go_swiss_groups_bytes(h->minor, UINT64_C(8) << (pos + 1), h->unit, h->noscan);
	}
	return 0;
}

/* The sizes of a site in ascending order, each with its index: find_size()
 * is asked for every step of every hypothesis, and mostly misses. */
struct sizeset {
	uint64_t v[HD_CLS_MAX_SIZES];
	uint8_t idx[HD_CLS_MAX_SIZES];
	size_t n;
	/* bit i: sizes[i] was sampled and is a size the allocator can
	 * record (hd_go_is_alloc_size), so some hypothesis may hold it */
	uint64_t possible;
	unsigned n_possible;
};

static void sizeset_init(struct sizeset *set, const struct hd_cls_size *sizes, size_t n)
{
	set->n = n < HD_CLS_MAX_SIZES ? n : HD_CLS_MAX_SIZES;
	set->possible = 0;
	set->n_possible = 0;
	for (size_t i = 0; i < set->n; i++) {
		if (sizes[i].alloc_bytes > 0 && hd_go_is_alloc_size(sizes[i].size)) {
			set->possible |= UINT64_C(1) << i;
			set->n_possible++;
		}
		/* insertion by (size, index): equal sizes keep the first index first */
		size_t j = i;
		while (j > 0 && set->v[j - 1] > sizes[i].size) {
			set->v[j] = set->v[j - 1];
			set->idx[j] = set->idx[j - 1];
			j--;
		}
		set->v[j] = sizes[i].size;
		set->idx[j] = (uint8_t)i;
	}
}

/* Index of the first size equal to s, or -1. */
static int find_size(const struct sizeset *set, uint64_t s)
{
	size_t lo = 0, hi = set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (set->v[mid] < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < set->n && set->v[lo] == s ? set->idx[lo] : -1;
}

static bool in_score(const struct score *sc, size_t i)
{
	return (sc->linked_mask >> i & 1) || (int)i == sc->terminal;
}

static void score_hyp(const struct hyp *h, const struct hd_cls_size *sizes, size_t n,
		      const struct sizeset *set, struct score *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->terminal = -1;
	bool valid[HD_CLS_MAX_SIZES];
	uint64_t pos[HD_CLS_MAX_SIZES];
	for (size_t i = 0; i < n; i++) {
		/* hyp_position() holds only sizes the allocator records:
		 * the others are rejected without asking it */
		valid[i] = (set->possible >> i & 1) && hyp_position(h, sizes[i].size, &pos[i]);
		if (valid[i]) {
			sc->n_member++;
		}
	}
	if (sc->n_member < 2 && h->type != HYP_SWISS)
		return; /* no link possible */
	for (size_t i = 0; i < n; i++) {
		if (!valid[i])
			continue;
		uint64_t s = sizes[i].size, p = pos[i];
		for (int k = 0; k < 3; k++) {
			uint64_t next = hyp_next(h, s, p);
			if (next == 0 || next == s)
				break;
			int j = find_size(set, next);
			if (j >= 0 && valid[j]) {
				sc->linked_mask |= (UINT64_C(1) << i) | (UINT64_C(1) << j);
				break;
			}
			/* skip a step only if it was likely missed by sampling (small) */
			if (next >= SKIP_MAX_BYTES)
				break;
			s = next;
			if (!hyp_position(h, s, &p))
				break;
		}
	}
	if (h->type == HYP_SWISS) {
		/* the 1024-slot table: split evidence */
		uint64_t t1024 = hd_go_swiss_groups_bytes(h->minor, 1024, h->unit, h->noscan);
		uint64_t t512 = hd_go_swiss_groups_bytes(h->minor, 512, h->unit, h->noscan);
		int j = find_size(set, t1024);
		int j512 = find_size(set, t512);
		if (j >= 0) {
			const struct hd_cls_size *z = &sizes[j];
			bool more_than_grown = j512 >= 0 ?
				z->alloc_objects >= 1.8 * sizes[j512].alloc_objects :
				false;
			bool freed_at_splits = z->raw_alloc >= 3 && z->inuse_objects > 0 &&
					       z->alloc_objects >= 1.3 * z->inuse_objects;
			if (more_than_grown || freed_at_splits) {
				sc->split = true;
				sc->table_bytes = t1024;
				sc->terminal = j;
			}
		}
	}
	if (h->type == HYP_CLASSIC) {
		/*
		 * Overflow buckets are single buckets (newobject), allocated far
		 * more often than any bucket array: the size of one bucket.
		 */
		double arrays = 0;
		for (size_t i = 0; i < n; i++)
			if (in_score(sc, i) && sizes[i].alloc_objects > arrays)
				arrays = sizes[i].alloc_objects;
		uint64_t one = hd_go_alloc_size(h->minor, h->unit, h->noscan);
		int j = find_size(set, one);
		if (j >= 0 && !(sc->linked_mask >> j & 1) && sizes[j].alloc_objects >= 10 * arrays)
			sc->overflow = true;
	}
	uint64_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (in_score(sc, i)) {
			sc->raw_linked_bytes += sizes[i].alloc_bytes;
			sc->n_linked++;
			if (sizes[i].size > max)
				max = sizes[i].size;
		}
	if (h->type != HYP_SLICE || !sc->n_linked) {
		sc->linked_bytes = sc->raw_linked_bytes;
		return;
	}
	/*
	 * Appends from an empty slice land exactly on the chain grown from
	 * nil; a chain from an arbitrary start (make with a capacity) is
	 * possible but weaker evidence: its bytes count half.
	 */
	struct hd_go_grow steps[256];
	size_t ns = hd_go_slice_chain(h->minor, h->unit, h->noscan, max, steps, 256);
	for (size_t i = 0; i < n; i++) {
		if (!in_score(sc, i))
			continue;
		/* the chain's sizes ascend: binary search */
		size_t n_steps = ns < 256 ? ns : 256, lo = 0, hi = n_steps;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (steps[mid].bytes < sizes[i].size)
				lo = mid + 1;
			else
				hi = mid;
		}
		bool on = lo < n_steps && steps[lo].bytes == sizes[i].size;
		sc->on_chain += on;
		sc->linked_bytes += on ? sizes[i].alloc_bytes : 0.5 * sizes[i].alloc_bytes;
	}
}

static uint64_t slice_unit(size_t i)
{
	return i < 256 ? i + 1 : 256 + 8 * (i - 255);
}
#define SLICE_UNITS (256 + 224) /* to 2048 bytes */

static bool better(const struct score *a, const struct score *b)
{
	if (a->linked_bytes != b->linked_bytes)
		return a->linked_bytes > b->linked_bytes;
	if (a->n_linked != b->n_linked)
		return a->n_linked > b->n_linked;
	if (a->on_chain != b->on_chain)
		return a->on_chain > b->on_chain;
	if (a->overflow != b->overflow)
		return a->overflow;
	return a->n_member > b->n_member;
}

struct best {
	const struct hd_cls_size *sizes;
	size_t n;
	bool set;
	struct hyp h;
	struct score sc;
	uint64_t unit_min, unit_max;
};

static void consider(struct best *b, const struct hyp *h, const struct score *sc)
{
	if (sc->n_linked == 0 && !sc->split)
		return;
	if (!b->set || better(sc, &b->sc)) {
		b->set = true;
		b->h = *h;
		b->sc = *sc;
		b->unit_min = b->unit_max = h->unit;
	} else if (sc->linked_bytes == b->sc.linked_bytes && sc->n_linked == b->sc.n_linked &&
		   sc->on_chain == b->sc.on_chain && sc->overflow == b->sc.overflow &&
		   sc->n_member == b->sc.n_member) {
		if (h->unit < b->unit_min)
			b->unit_min = h->unit;
		if (h->unit > b->unit_max)
			b->unit_max = h->unit;
	}
}

/* What search() tries: slice hypotheses, map hypotheses, or both. */
enum { SEARCH_SLICES = 1, SEARCH_MAPS = 2, SEARCH_ALL = 3 };

static void search(const struct hd_cls_size *sizes, size_t n, int minor, unsigned what,
		   struct best *slice, struct best *classic, struct best *swiss)
{
	bool headers = hd_go_has_malloc_headers(minor);
	struct score sc;
	struct sizeset set;
	sizeset_init(&set, sizes, n);
	/* No size a hypothesis could hold: every score would be empty. */
	if (set.n_possible == 0)
		return;
	for (int ns = 0; ns < (headers ? 2 : 1); ns++) {
		bool noscan = ns == 0;
		/* one size cannot link: only a Swiss table split is possible */
		for (size_t i = 0; (what & SEARCH_SLICES) && set.n_possible >= 2 && i < SLICE_UNITS;
		     i++) {
			struct hyp h = {HYP_SLICE, minor, noscan, slice_unit(i)};
			score_hyp(&h, sizes, n, &set, &sc);
			consider(slice, &h, &sc);
		}
		if (!(what & SEARCH_MAPS)) {
			/* maps not asked for */
		} else if (!hd_go_swiss_default(minor)) {
			/* key+value of at least one byte: BS >= 24 */
			for (uint64_t j = 1; set.n_possible >= 2 && j <= 256; j++) {
				struct hyp h = {HYP_CLASSIC, minor, noscan, 16 + 8 * j};
				score_hyp(&h, sizes, n, &set, &sc);
				consider(classic, &h, &sc);
			}
		} else {
			for (uint64_t ss = 1; ss <= 256; ss++) {
				struct hyp h = {HYP_SWISS, minor, noscan, hd_go_swiss_group_size(ss)};
				score_hyp(&h, sizes, n, &set, &sc);
				consider(swiss, &h, &sc);
			}
		}
	}
}

static bool dense_classes(const struct hd_cls_size *sizes, size_t n)
{
	/* >= 6 sizes, all small, covering >= half the size classes between min and max */
	if (n < 6)
		return false;
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (sizes[i].size < lo)
			lo = sizes[i].size;
		if (sizes[i].size > hi)
			hi = sizes[i].size;
	}
	if (hi > HD_GO_MAX_SMALL_SIZE)
		return false;
	unsigned classes = 0;
	for (unsigned c = 1; c < HD_GO_NUM_SIZE_CLASSES; c++)
		if (hd_go_class_bytes(c) >= lo && hd_go_class_bytes(c) <= hi)
			classes++;
	return classes > 0 && 2 * n >= classes;
}

static void fill_from(struct hd_cls_result *r, const struct best *b, enum hd_kind kind,
		      enum hd_map_impl impl)
{
	r->kind = kind;
	r->map_impl = impl;
	r->minor = b->h.minor;
	r->noscan = b->h.noscan;
	r->unit_min = b->unit_min;
	r->unit_max = b->unit_max;
	r->linked_bytes = b->sc.raw_linked_bytes;
	r->n_linked = b->sc.n_linked;
	r->chain = b->sc.n_linked >= 2;
	r->swiss_split = b->sc.split;
	r->swiss_table_bytes = b->sc.table_bytes;
	for (size_t i = 0; i < b->n && i < HD_CLS_MAX_SIZES; i++) {
		uint64_t pos = 0;
		r->role[i] = (int)i == b->sc.terminal ? 2 : (b->sc.linked_mask >> i & 1) ? 1 : 0;
		if (r->role[i] && hyp_position(&b->h, b->sizes[i].size, &pos))
			r->step_index[i] = pos;
	}
}

void hd_classify_site(const struct hd_cls_size *sizes, size_t n, int go_minor,
		      enum hd_cls_hint hint, enum hd_cls_source source,
		      struct hd_cls_result *r)
{
	memset(r, 0, sizeof(*r));
	if (n > HD_CLS_MAX_SIZES)
		n = HD_CLS_MAX_SIZES;
	double total = 0, main_bytes = -1;
	for (size_t i = 0; i < n; i++) {
		total += sizes[i].alloc_bytes;
		if (sizes[i].alloc_bytes > main_bytes) {
			main_bytes = sizes[i].alloc_bytes;
			r->main_size = sizes[i].size;
		}
		if (sizes[i].size > r->largest_size)
			r->largest_size = sizes[i].size;
	}
	r->total_bytes = total;
	r->single_size = total > 0 && main_bytes >= 0.9 * total;
	r->dense_classes = dense_classes(sizes, n);
	r->minor = go_minor;

	struct best slice = {0}, classic = {0}, swiss = {0};
	slice.sizes = classic.sizes = swiss.sizes = sizes;
	slice.n = classic.n = swiss.n = n;
	/*
	 * With no version, every family of rules.  A hypothesis depends on the
	 * version only through the malloc headers (1.22+), nextslicecap (1.18+)
	 * and the map implementation (Swiss from 1.24), so two families' slice
	 * or map searches are the same search when those agree: 1.21's classic
	 * maps are 1.17's (no headers either), 1.26's slices are 1.23's.  A
	 * repeated search only meets ties, which change nothing: it is skipped.
	 */
	static const struct {
		int minor;
		unsigned what;
	} families[] = {
		{17, SEARCH_ALL}, {21, SEARCH_SLICES}, {23, SEARCH_ALL}, {26, SEARCH_MAPS}};
	if (n == 0) {
		/* nothing to search: the frames and the source line decide below */
	} else if (go_minor > 0) {
		search(sizes, n, go_minor, SEARCH_ALL, &slice, &classic, &swiss);
	} else {
		for (size_t f = 0; f < HD_ARRAY_SIZE(families); f++)
			search(sizes, n, families[f].minor, families[f].what, &slice, &classic,
			       &swiss);
	}

	/* standard-library frames decide buffers and builders */
	if (hint == HD_CLS_HINT_BUFFER || hint == HD_CLS_HINT_BUILDER) {
		if (slice.set)
			fill_from(r, &slice, HD_KIND_BUFFER, HD_MAP_IMPL_NONE);
		r->kind = hint == HD_CLS_HINT_BUFFER ? HD_KIND_BUFFER : HD_KIND_STRING;
		r->map_impl = HD_MAP_IMPL_NONE;
		r->confidence = 0.9;
		return;
	}
	if (hint == HD_CLS_HINT_STRING) {
		r->kind = HD_KIND_STRING;
		r->confidence = 0.8;
		return;
	}

	if (r->dense_classes && n >= 10) {
		/*
		 * More sizes than one growth chain has in that range: a value
		 * copied one piece larger each time (s += x).
		 */
		r->kind = HD_KIND_STRING;
		r->confidence = source == HD_CLS_SRC_STRING ? 0.9 : 0.7;
		return;
	}

	/* the best map hypothesis (classic or swiss) against the best slice */
	const struct best *map = NULL;
	enum hd_map_impl impl = HD_MAP_IMPL_NONE;
	/* a split (equal 1024-slot tables) is what only Swiss maps do: it wins ties */
	bool swiss_first = swiss.set && swiss.sc.split &&
			   (!classic.set ||
			    swiss.sc.raw_linked_bytes >= 0.9 * classic.sc.raw_linked_bytes);
	if (classic.set && !swiss_first && (!swiss.set || better(&classic.sc, &swiss.sc))) {
		map = &classic;
		impl = HD_MAP_IMPL_CLASSIC;
	} else if (swiss.set) {
		map = &swiss;
		impl = HD_MAP_IMPL_SWISS;
	}
	double need = 0.6 * total; /* a chain must explain most of the bytes */
	bool map_ok = map && (map->sc.n_linked >= 2 || map->sc.split) &&
		      map->sc.raw_linked_bytes >= need;
	bool slice_ok = slice.set && slice.sc.n_linked >= 2 && slice.sc.raw_linked_bytes >= need;
	if (map_ok && map == &swiss && !swiss.sc.split && slice.set &&
	    slice.sc.linked_bytes >= swiss.sc.linked_bytes) {
		/*
		 * Without a split, a Swiss table's group arrays are the growth
		 * chain of a slice of group-sized elements: undecided.
		 */
		map_ok = false;
	}
	if (map_ok && (!slice_ok || better(&map->sc, &slice.sc) ||
		       (map == &swiss && swiss.sc.split))) {
		fill_from(r, map, HD_KIND_MAP, impl);
		r->other_kind = slice.set ? HD_KIND_SLICE : HD_KIND_UNKNOWN;
		r->other_linked_bytes = slice.set ? slice.sc.linked_bytes : 0;
		double margin = slice.set ? slice.sc.linked_bytes / (map->sc.linked_bytes + 1) : 0;
		r->confidence = 0.95 - 0.5 * margin;
		if (map == &swiss && swiss.sc.split && r->confidence < 0.75)
			r->confidence = 0.75; /* the split is evidence no slice gives */
		if (source == HD_CLS_SRC_APPEND)
			r->confidence *= 0.5;
		if (source == HD_CLS_SRC_MAP_ASSIGN || source == HD_CLS_SRC_MAKE_MAP)
			r->confidence = fmin(0.99, r->confidence + 0.1);
		return;
	}
	if (slice_ok && !(map_ok && slice.sc.linked_bytes == map->sc.linked_bytes &&
			  slice.sc.n_linked == map->sc.n_linked && source != HD_CLS_SRC_APPEND)) {
		fill_from(r, &slice, HD_KIND_SLICE, HD_MAP_IMPL_NONE);
		r->other_kind = map ? HD_KIND_MAP : HD_KIND_UNKNOWN;
		r->other_linked_bytes = map ? map->sc.linked_bytes : 0;
		double margin = map ? map->sc.linked_bytes / (slice.sc.linked_bytes + 1) : 0;
		r->confidence = 0.95 - 0.5 * margin;
		if (source == HD_CLS_SRC_APPEND)
			r->confidence = fmin(0.99, r->confidence + 0.1);
		if (r->dense_classes && slice.sc.linked_bytes < 0.8 * total)
			r->confidence *= 0.6;
		return;
	}
	if (map_ok && slice_ok) {
		/* the two explain the same sizes equally: say so */
		r->kind = source == HD_CLS_SRC_MAP_ASSIGN || source == HD_CLS_SRC_MAKE_MAP ?
				  HD_KIND_MAP : HD_KIND_UNKNOWN;
		fill_from(r, map, r->kind, r->kind == HD_KIND_MAP ? impl : HD_MAP_IMPL_NONE);
		r->other_kind = HD_KIND_SLICE;
		r->other_linked_bytes = slice.sc.linked_bytes;
		r->confidence = r->kind == HD_KIND_MAP ? 0.6 : 0.3;
		return;
	}
	if (r->dense_classes || source == HD_CLS_SRC_STRING) {
		r->kind = HD_KIND_STRING;
		r->confidence = r->dense_classes && source == HD_CLS_SRC_STRING ? 0.9 :
				r->dense_classes ? 0.6 : 0.7;
		return;
	}
	if (hint == HD_CLS_HINT_OBJECT) {
		r->kind = HD_KIND_OBJECT;
		r->confidence = 0.7;
		return;
	}
	if (source == HD_CLS_SRC_APPEND || source == HD_CLS_SRC_MAKE_SLICE) {
		r->kind = HD_KIND_SLICE;
		r->confidence = 0.7;
		return;
	}
	if (source == HD_CLS_SRC_MAKE_MAP || source == HD_CLS_SRC_MAP_ASSIGN) {
		r->kind = HD_KIND_MAP;
		r->confidence = 0.5;
		return;
	}
	if (r->single_size && r->main_size > HD_GO_MAX_SMALL_SIZE) {
		/* one large page-rounded size, no chain: a fixed make() / array */
		r->kind = HD_KIND_SLICE;
		r->confidence = 0.6;
		return;
	}
	if (r->largest_size <= HD_GO_MAX_SMALL_SIZE && n <= 3) {
		r->kind = HD_KIND_OBJECT;
		r->confidence = source == HD_CLS_SRC_NEW ? 0.8 : 0.6;
		return;
	}
	r->kind = HD_KIND_UNKNOWN;
	r->confidence = 0.2;
}
