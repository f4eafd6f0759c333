/*
 * advice.c - the words of a finding: the estimate (entries, elements,
 * growth steps, what preallocation would save), the evidence sentences -
 * each one names numbers printed in the finding so a reader can check it -
 * and the advice tied to the kind and verdict.  Numbers come from
 * classify.c's winning hypothesis and gomodel.c; nothing here looks at the
 * profile again.  See docs/internals/diagnose.md for the rules.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analyze/diagnose_int.h"
#include "analyze/gomodel.h"

/* "6.5k", "1.2M", "900" */
static char *count_str(char *buf, size_t cap, double n)
{
	if (n >= 1e9)
		snprintf(buf, cap, "%.3gG", n / 1e9);
	else if (n >= 1e6)
		snprintf(buf, cap, "%.3gM", n / 1e6);
	else if (n >= 1e4)
		snprintf(buf, cap, "%.3gk", n / 1e3);
	else
		snprintf(buf, cap, "%.0f", n);
	return buf;
}

static const char *family(int minor, bool slices)
{
	if (minor <= 17)
		return slices ? "Go <= 1.17 (x2 below 1024 elements, then x1.25)" : "Go <= 1.21";
	if (minor <= 21)
		return slices ? "Go 1.18-1.21 (x2 below 256 elements, then +(cap+768)/4)" :
				"Go <= 1.21";
	if (minor <= 23)
		return slices ? "Go 1.18+ with 1.22+ malloc headers" : "Go 1.22-1.23";
	return slices ? "Go 1.18+ with 1.22+ malloc headers" : "Go 1.24+";
}

/* Index of the largest size with a role (sizes are by size descending). */
static int largest_role(const struct hd_diag_site_facts *x, unsigned char role)
{
	for (size_t i = 0; i < x->n_sizes; i++)
		if (x->cls->role[i] == role || (role == 0 && x->cls->role[i]))
			return (int)i;
	return -1;
}

static void list_linked(char *out, size_t cap, const struct hd_diag_site_facts *x)
{
	size_t o = 0;
	out[0] = '\0';
	int shown = 0;
	for (size_t i = x->n_sizes; i-- > 0;) {
		if (!x->cls->role[i])
			continue;
		if (shown == 8) {
			o += (size_t)snprintf(out + o, o < cap ? cap - o : 0, " ...");
			break;
		}
		o += (size_t)snprintf(out + o, o < cap ? cap - o : 0, "%s%llu", shown ? " -> " : "",
				      (unsigned long long)x->sizes[i].size);
		shown++;
		if (o >= cap)
			break;
	}
}

static double linked_fraction(const struct hd_diag_site_facts *x)
{
	return x->cls->total_bytes > 0 ? 100.0 * x->cls->linked_bytes / x->cls->total_bytes : 0;
}

static void explain_map(struct hd_finding *f, const struct hd_diag_site_facts *x,
			struct hd_arena *a, struct hd_strlist *ev)
{
	const struct hd_cls_result *c = x->cls;
	struct hd_estimate *e = &f->estimate;
	char b2[64], chain[512];
	list_linked(chain, sizeof(chain), x);
	e->unit = "entries";
	if (c->map_impl == HD_MAP_IMPL_CLASSIC) {
		e->unit_size_min = (c->unit_min - 16) / 8;
		e->unit_size_max = (c->unit_max - 16) / 8;
		int li = largest_role(x, 1);
		unsigned b = li >= 0 ? (unsigned)c->step_index[li] : 0;
		e->largest_bytes = li >= 0 ? x->sizes[li].size : c->largest_size;
		e->count_max = hd_go_classic_max_entries(b);
		e->count_min = b ? hd_go_classic_max_entries(b - 1) + 1 : 1;
		e->growth_steps = b;
		e->prealloc_n = e->count_max;
		e->containers = li >= 0 && x->sizes[li].inuse_objects > 0 ?
					hd_f64_to_u64(round(fmax(1, (double)x->sizes[li].inuse_objects))) : 0;
		double garbage = 0;
		for (size_t i = 0; i < x->n_sizes; i++)
			if (c->role[i] && (int)i != li)
				garbage += x->sizes[i].alloc_bytes;
		e->savings_bytes = hd_f64_to_i64(garbage);
		hd_strlist_add(ev, a,
			       "sizes %s bytes (%.0f%% of the allocated bytes here) are successive "
			       "bucket arrays of a classic map with %llu-byte buckets (8 tophash bytes, "
			       "8 keys, 8 values, an overflow pointer; from B=4 on 2^(B-4) extra "
			       "overflow buckets, rounded up to a size class), up to B=%u = %llu "
			       "buckets",
			       chain, linked_fraction(x), (unsigned long long)c->unit_min, b,
			       (unsigned long long)(UINT64_C(1) << b));
		char n1[32], n2[32];
		hd_strlist_add(ev, a,
			       "a classic map with 2^%u buckets holds %s-%s entries before it doubles "
			       "(load factor 6.5 per bucket)",
			       b, count_str(n1, sizeof(n1), (double)e->count_min),
			       count_str(n2, sizeof(n2), (double)e->count_max));
	} else {
		e->unit_size_min = (c->unit_min - 8) / 8;
		e->unit_size_max = (c->unit_max - 8) / 8;
		e->largest_bytes = c->swiss_split ? c->swiss_table_bytes : c->largest_size;
		if (c->swiss_split) {
			int ti = largest_role(x, 2);
			double live = ti >= 0 ? x->sizes[ti].inuse_objects : 0;
			double alloc = ti >= 0 ? x->sizes[ti].alloc_objects : 0;
			uint64_t tables = hd_f64_to_u64(round(fmax(live, 1)));
			/*
			 * The live table count is a sampled estimate: widen it by two
			 * standard deviations of a Poisson count of the raw samples.
			 */
			double raw = x->period > 1 ?
					     live * (1 - exp(-(double)c->swiss_table_bytes / (double)x->period)) :
					     live;
			double rel = raw >= 1 ? 2 / sqrt(raw) : 1;
			if (rel > 0.9)
				rel = 0.9;
			e->containers = 0;
			e->count_min = hd_f64_to_u64(fmax(1, (double)tables * (1 - rel)) * 448);
			e->count_max = hd_f64_to_u64((double)tables * (1 + rel) * 896);
			e->growth_steps = 7;
			e->prealloc_n = e->count_max;
			e->savings_bytes = hd_f64_to_i64((alloc - live) * (double)c->swiss_table_bytes);
			if (e->savings_bytes < 0)
				e->savings_bytes = 0;
			char gs[48], ss[48];
			snprintf(gs, sizeof(gs), "%llu", (unsigned long long)c->unit_min);
			snprintf(ss, sizeof(ss), "%llu", (unsigned long long)e->unit_size_min);
			if (c->unit_max != c->unit_min) {
				snprintf(gs, sizeof(gs), "%llu-%llu", (unsigned long long)c->unit_min,
					 (unsigned long long)c->unit_max);
				snprintf(ss, sizeof(ss), "%llu-%llu",
					 (unsigned long long)e->unit_size_min,
					 (unsigned long long)e->unit_size_max);
			}
			hd_strlist_add(ev, a,
				       "%llu bytes is the group array of a full Swiss table: 1024 slots = "
				       "128 groups of %s bytes (8 control bytes + 8 slots of %s "
				       "bytes); ~%.0f allocated, ~%.0f in use - tables split in two at "
				       "1024 slots, so a large map is many equal tables, not one array",
				       (unsigned long long)c->swiss_table_bytes, gs, ss, alloc, live);
			char n1[32], n2[32];
			if (live > 0)
				hd_strlist_add(ev, a,
					       "~%llu live tables (+-%.0f%%: ~%.0f sampled) hold %s-%s "
					       "entries (a table splits at 896 and each half starts at 448)",
					       (unsigned long long)tables, 100 * rel, raw,
					       count_str(n1, sizeof(n1), (double)e->count_min),
					       count_str(n2, sizeof(n2), (double)e->count_max));
			if (chain[0] && x->cls->n_linked > 1)
				hd_strlist_add(ev, a,
					       "sizes %s bytes are the table's doubling group arrays "
					       "on the way to 1024 slots",
					       chain);
		} else {
			int li = largest_role(x, 1);
			unsigned k = li >= 0 ? (unsigned)c->step_index[li] : 0;
			uint64_t cap = UINT64_C(8) << k;
			e->largest_bytes = li >= 0 ? x->sizes[li].size : c->largest_size;
			e->count_max = hd_go_swiss_max_entries(cap);
			e->count_min = cap > 8 ? hd_go_swiss_max_entries(cap / 2) + 1 : 1;
			e->growth_steps = k;
			e->prealloc_n = e->count_max;
			hd_strlist_add(ev, a,
				       "sizes %s bytes are doubling group arrays of a Swiss table "
				       "with %llu-byte groups, up to %llu slots",
				       chain, (unsigned long long)c->unit_min,
				       (unsigned long long)cap);
		}
	}
	char n1[32], n2[32];
	snprintf(b2, sizeof(b2), "%llu", (unsigned long long)e->unit_size_min);
	if (e->unit_size_max != e->unit_size_min)
		snprintf(b2, sizeof(b2), "%llu-%llu", (unsigned long long)e->unit_size_min,
			 (unsigned long long)e->unit_size_max);
	hd_strlist_add(ev, a,
		       "runtime/pprof hides the runtime frames (runtime.mapassign, makemap, "
		       "hashGrow%s), so the map shows up only as this line: the sizes identify it",
		       c->map_impl == HD_MAP_IMPL_SWISS ? ", internal/runtime/maps.*" : "");
	struct hd_strlist s = {0};
	hd_strlist_add(&s, a, "%s map with %s-%s entries of ~%s-byte key+value%s%s",
		       c->map_impl == HD_MAP_IMPL_SWISS ? "Swiss-table" : "classic",
		       count_str(n1, sizeof(n1), (double)e->count_min),
		       count_str(n2, sizeof(n2), (double)e->count_max), b2,
		       e->containers > 1 ? " each, ~" : "",
		       e->containers > 1 ? "several maps live" : "");
	e->summary = s.n ? s.items[0] : NULL;
	hd_strlist_release(&s);
}

static void explain_chain(struct hd_finding *f, const struct hd_diag_site_facts *x,
			  struct hd_arena *a, struct hd_strlist *ev, const char *what)
{
	const struct hd_cls_result *c = x->cls;
	struct hd_estimate *e = &f->estimate;
	char chain[512], b1[64], n1[32];
	list_linked(chain, sizeof(chain), x);
	int li = largest_role(x, 1);
	uint64_t largest = li >= 0 ? x->sizes[li].size : c->largest_size;
	uint64_t elem = c->unit_min ? c->unit_min : 1;
	uint64_t cap = hd_cls_slice_cap(c->minor, largest, elem, c->noscan);
	struct hd_go_grow steps[512];
	size_t n = hd_go_slice_chain(c->minor, elem, c->noscan, largest - 1, steps, 512);
	e->unit = f->kind == HD_KIND_SLICE ? "elements" : "bytes";
	e->unit_size_min = c->unit_min;
	e->unit_size_max = c->unit_max;
	e->largest_bytes = largest;
	e->count_min = e->count_max = f->kind == HD_KIND_SLICE ? cap : largest;
	e->growth_steps = n;
	e->prealloc_n = cap;
	double garbage = 0;
	for (size_t i = 0; i < x->n_sizes; i++)
		if (c->role[i] && (int)i != li)
			garbage += x->sizes[i].alloc_bytes;
	e->savings_bytes = hd_f64_to_i64(garbage);
	if (li >= 0 && x->sizes[li].inuse_objects >= 1)
		e->containers = hd_f64_to_u64(round((double)x->sizes[li].inuse_objects));
	char es[48];
	snprintf(es, sizeof(es), "%llu", (unsigned long long)c->unit_min);
	if (c->unit_max != c->unit_min)
		snprintf(es, sizeof(es), "%llu-%llu", (unsigned long long)c->unit_min,
			 (unsigned long long)c->unit_max);
	hd_strlist_add(ev, a,
		       "sizes %s bytes (%.0f%% of the allocated bytes here) follow growslice for "
		       "%s-byte %selements under %s, each rounded up to a size class",
		       chain, linked_fraction(x), es, c->noscan ? "pointer-free " : "pointerful ",
		       family(c->minor, true));
	hd_strlist_add(ev, a,
		       "the largest, %llu bytes, is capacity %llu, reached after %zu growth steps "
		       "from empty; the smaller arrays of the chain are garbage once copied",
		       (unsigned long long)largest, (unsigned long long)cap, n);
	struct hd_strlist s = {0};
	if (f->kind == HD_KIND_SLICE)
		hd_strlist_add(&s, a,
			       "slice grown %zu times to %s elements of %s bytes; preallocating "
			       "saves %s of allocation",
			       n, count_str(n1, sizeof(n1), (double)cap), es,
			       hd_fmt_bytes(b1, sizeof(b1), garbage));
	else
		hd_strlist_add(&s, a, "%s grown %zu times to %s; the growth steps cost %s", what, n,
			       hd_fmt_bytes(b1, sizeof(b1), (double)largest),
			       hd_fmt_bytes((char[64]){0}, 64, garbage));
	e->summary = s.n ? s.items[0] : NULL;
	hd_strlist_release(&s);
}

static void explain_plain(struct hd_finding *f, const struct hd_diag_site_facts *x,
			  struct hd_arena *a, struct hd_strlist *ev)
{
	const struct hd_cls_result *c = x->cls;
	struct hd_estimate *e = &f->estimate;
	char b1[64], n1[32];
	e->largest_bytes = c->largest_size;
	struct hd_strlist s = {0};
	if (f->kind == HD_KIND_STRING && c->dense_classes) {
		e->unit = "bytes";
		e->count_min = e->count_max = c->largest_size;
		hd_strlist_add(ev, a,
			       "%zu distinct sizes from %llu to %llu bytes fill most size classes in "
			       "between: a value rebuilt one piece at a time, each copy a little "
			       "larger (s += x), not a doubling growth chain",
			       x->n_sizes, (unsigned long long)x->sizes[x->n_sizes - 1].size,
			       (unsigned long long)c->largest_size);
		hd_strlist_add(&s, a, "string rebuilt by concatenation, up to %s per value",
			       hd_fmt_bytes(b1, sizeof(b1), (double)c->largest_size));
	} else if (c->single_size || x->n_sizes <= 3) {
		double objs = f->inuse_objects > 0 ? (double)f->inuse_objects : (double)f->alloc_objects;
		e->unit = "objects";
		e->unit_size_min = e->unit_size_max = c->main_size;
		e->count_min = e->count_max = hd_f64_to_u64(round(objs));
		e->containers = hd_f64_to_u64(round(objs));
		hd_strlist_add(ev, a, "%s%s objects of %llu bytes%s, no growth chain",
			       c->single_size ? "one size holds the bytes: " : "",
			       f->inuse_objects > 0 ? "in use" : "allocated",
			       (unsigned long long)c->main_size,
			       c->main_size > HD_GO_MAX_SMALL_SIZE ?
				       " (a large object: whole 8 KiB pages)" : "");
		if (f->kind == HD_KIND_SLICE)
			hd_strlist_add(&s, a, "~%s fixed-size arrays of %s (make with a fixed length)",
				       count_str(n1, sizeof(n1), objs),
				       hd_fmt_bytes(b1, sizeof(b1), (double)c->main_size));
		else
			hd_strlist_add(&s, a, "~%s %s of %llu bytes", count_str(n1, sizeof(n1), objs),
				       f->kind == HD_KIND_STRING ? "strings" : "objects",
				       (unsigned long long)c->main_size);
	} else {
		e->unit = "bytes";
		hd_strlist_add(ev, a,
			       "%zu distinct sizes up to %llu bytes; no growth rule explains most of "
			       "the bytes",
			       x->n_sizes, (unsigned long long)c->largest_size);
		hd_strlist_add(&s, a, "%zu object sizes up to %s", x->n_sizes,
			       hd_fmt_bytes(b1, sizeof(b1), (double)c->largest_size));
	}
	e->summary = s.n ? s.items[0] : NULL;
	hd_strlist_release(&s);
}

static void verdict_evidence(struct hd_finding *f, const struct hd_diag_site_facts *x,
			     struct hd_arena *a, struct hd_strlist *ev)
{
	char b1[64], b2[64];
	double ratio = f->alloc_bytes > 0 ? 100.0 * (double)f->inuse_bytes / (double)f->alloc_bytes : 0;
	hd_strlist_add(ev, a,
		       "in use %s (%lld objects) of %s allocated (%lld objects) since start: %.1f%% "
		       "still held",
		       hd_fmt_bytes(b1, sizeof(b1), (double)f->inuse_bytes), (long long)f->inuse_objects,
		       hd_fmt_bytes(b2, sizeof(b2), (double)f->alloc_bytes), (long long)f->alloc_objects,
		       ratio);
	if (x->n_observations < 2 && f->verdict == HD_VERDICT_RETAINED) {
		if (f->pattern && strcmp(f->pattern, "burst") == 0)
			hd_strlist_add(ev, a,
				       "burst: nearly everything ever allocated here is still in use - "
				       "allocated once (e.g. at start-up) and kept, or accumulating "
				       "without churn; a later snapshot tells which");
		else
			hd_strlist_add(ev, a,
				       "accumulation: allocation goes on here (%.0f%% of it already "
				       "freed) while the rest is kept",
				       100 - ratio);
	} else if (x->n_observations < 2 && f->verdict == HD_VERDICT_TRANSIENT) {
		hd_strlist_add(ev, a,
			       "transient: allocated and freed again - it costs GC work and "
			       "allocation rate, not heap");
	}
	if (f->n_series > 1) {
		char line[512];
		size_t o = 0;
		for (size_t k = 0; k < f->n_series && o < sizeof(line); k++)
			o += (size_t)snprintf(line + o, sizeof(line) - o, "%s%s", k ? " -> " : "",
					      hd_fmt_bytes(b1, sizeof(b1), (double)f->series[k]));
		if (f->has_trend)
			hd_strlist_add(ev, a,
				       "in use per snapshot: %s (%zu GC publications); fitted slope "
				       "%s/min, r2 %.2f",
				       line, x->n_observations,
				       hd_fmt_bytes(b2, sizeof(b2), f->slope_bytes_per_min), f->r2);
		else
			hd_strlist_add(ev, a, "in use per snapshot: %s (%zu GC publication%s)", line,
				       x->n_observations, x->n_observations == 1 ? "" : "s");
	}
}

static void advise(struct hd_finding *f, struct hd_arena *a, struct hd_strlist *adv)
{
	const struct hd_estimate *e = &f->estimate;
	char b1[64], n1[32];
	bool growing = f->verdict == HD_VERDICT_GROWING;
	bool transient = f->verdict == HD_VERDICT_TRANSIENT;
	switch (f->kind) {
	case HD_KIND_MAP:
		if (growing || f->verdict == HD_VERDICT_RETAINED)
			hd_strlist_add(adv, a,
				       "bound the map: evict old entries (LRU or TTL) or cap its size; "
				       "if it is a cache, give it a limit");
		hd_strlist_add(adv, a,
			       "deleting entries is not enough: Go maps never shrink (neither "
			       "delete nor clear returns buckets or tables), so recreate the map - "
			       "copy the live entries into a new one - after bulk deletes");
		if (f->verdict == HD_VERDICT_STABLE && e->prealloc_n)
			hd_strlist_add(adv, a,
				       "held at a constant size: expected for a table built once (or a "
				       "map kept at its peak - see above); build it with a size hint, "
				       "make(map[K]V, %llu), to skip the growth steps (%s allocated on "
				       "the way)",
				       (unsigned long long)e->prealloc_n,
				       hd_fmt_bytes(b1, sizeof(b1), (double)e->savings_bytes));
		if (transient && e->prealloc_n)
			hd_strlist_add(adv, a,
				       "this map is built and dropped again and again: create it with "
				       "a size hint, make(map[K]V, %llu), to skip %llu growth steps, "
				       "or reuse one map with clear(m)",
				       (unsigned long long)e->prealloc_n,
				       (unsigned long long)e->growth_steps);
		break;
	case HD_KIND_SLICE:
		if (growing)
			hd_strlist_add(adv, a,
				       "the slice keeps growing: bound it (a ring buffer, truncate "
				       "with s = s[:0], or flush it somewhere) or find what keeps "
				       "appending");
		if (e->growth_steps > 1 && e->savings_bytes > 0)
			hd_strlist_add(adv, a,
				       "preallocate: make([]T, 0, %s) avoids the growth chain - %s of "
				       "allocation%s",
				       count_str(n1, sizeof(n1), (double)e->prealloc_n),
				       hd_fmt_bytes(b1, sizeof(b1), (double)e->savings_bytes),
				       transient ? "; or reuse the slice between calls (s = s[:0])" : "");
		else if (growing)
			hd_strlist_add(adv, a,
				       "these fixed-size arrays accumulate: find who keeps them (a "
				       "leaked goroutine, a cache of buffers) - the owner's stack "
				       "is shown");
		break;
	case HD_KIND_BUFFER:
		if (growing)
			hd_strlist_add(adv, a,
				       "the buffer is never emptied: write it out and Reset() it, or "
				       "cap what it keeps");
		else
			hd_strlist_add(adv, a,
				       "reuse buffers (sync.Pool, or Reset() a long-lived one) and "
				       "Grow(n) once with the expected size to skip the growth chain");
		break;
	case HD_KIND_STRING:
		hd_strlist_add(adv, a,
			       "build strings with a strings.Builder and Grow(n) with the final size: "
			       "each s += x copies the whole string");
		if (growing)
			hd_strlist_add(adv, a,
				       "the strings are kept: bound what holds them (the owner and "
				       "its callers)");
		break;
	case HD_KIND_OBJECT:
		if (growing)
			hd_strlist_add(adv, a,
				       "objects accumulate: find the container that keeps them reachable "
				       "(look at the owner and its callers) and bound it");
		else if (transient)
			hd_strlist_add(adv, a,
				       "short-lived objects: reuse them (sync.Pool) if allocation rate "
				       "matters");
		break;
	case HD_KIND_UNKNOWN:
		hd_strlist_add(adv, a,
			       "the sizes do not decide what this is: pass --go=VERSION and "
			       "--source-root DIR to add evidence");
		break;
	}
}

void hd_diag_explain(struct hd_finding *f, const struct hd_diag_site_facts *x,
		     struct hd_arena *a, struct hd_strlist *ev, struct hd_strlist *adv)
{
	const struct hd_cls_result *c = x->cls;
	if (x->has_std_leaf)
		hd_strlist_add(ev, a,
			       "the allocation happens in the standard library (%s) called from %s",
			       x->std_leaf, f->owner.function);
	if (f->source_line)
		hd_strlist_add(ev, a, "source line %lld: %s", (long long)f->site.line,
			       f->source_line);
	if (f->kind == HD_KIND_MAP && (c->n_linked > 0 || c->swiss_split))
		explain_map(f, x, a, ev);
	else if (c->chain && (f->kind == HD_KIND_SLICE || f->kind == HD_KIND_BUFFER ||
			      f->kind == HD_KIND_STRING))
		explain_chain(f, x, a, ev,
			      f->kind == HD_KIND_BUFFER ? "buffer" : "string builder");
	else
		explain_plain(f, x, a, ev);
	if (f->kind == HD_KIND_UNKNOWN && c->other_kind != HD_KIND_UNKNOWN)
		hd_strlist_add(ev, a,
			       "a map and a slice growth chain explain these sizes equally well");
	verdict_evidence(f, x, a, ev);
	for (size_t i = 0; i < f->n_sizes && i < HD_CLS_MAX_SIZES; i++)
		f->sizes[i].role = c->role[i] == 2 ? "table" : c->role[i] ? "growth step" : "";
	advise(f, a, adv);
}
