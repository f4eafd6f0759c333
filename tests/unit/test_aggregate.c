/*
 * test_aggregate.c - pprof's report graph (agg/aggregate.c, agg/nodes.c,
 * agg/peek.c): flat and cum, node identity per granularity, inline frames
 * and their labels, trimming by -nodefraction/-nodecount/-edgefraction,
 * sort orders, totals (empty stacks, -diff_base), -drop_negative, -mean,
 * peek edges, sample frames and weights, and an allocation-failure sweep.
 * Profiles are built by hand (agg_fixture.h); every expected number is
 * worked out from pprof's rules in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "agg/aggregate.h"
#include "agg_fixture.h"

static struct hd_view *view_of(const struct hd_profile *p, const struct hd_report_options *o)
{
	struct hd_view *v = NULL;
	struct hd_error err = {0};
	enum hd_status st = hd_view_new(p, o, &v, &err);
	if (st != HD_OK)
		fail_msg("hd_view_new: %s", err.msg);
	return v;
}

static struct hd_top *top_of(const struct hd_view *v, const struct hd_report_options *o)
{
	struct hd_top *t = NULL;
	struct hd_error err = {0};
	if (hd_view_top(v, o, &t, &err) != HD_OK)
		fail_msg("hd_view_top: %s", err.msg);
	return t;
}

static const char *label_of(const struct hd_view *v, uint32_t node)
{
	static char buf[512];
	const struct hd_node *n = hd_view_node(v, node);
	snprintf(buf, sizeof(buf), "%.*s", (int)n->label.len, n->label.ptr);
	return buf;
}

/* Asserts row i: label, flat, cum. */
static void check_row(const struct hd_view *v, const struct hd_top *t, uint32_t i,
		      const char *label, int64_t flat, int64_t cum)
{
	assert_true(i < t->n_rows);
	assert_string_equal(label_of(v, t->rows[i].node), label);
	assert_int_equal(t->rows[i].flat, flat);
	assert_int_equal(t->rows[i].cum, cum);
}

/*
 * main -> b -> a (100), main -> b (50), main -> c (30), an empty stack
 * (20): flat goes to the leaf, cum to every frame, the total counts the
 * empty stack too (report.go computeTotal), rows sort by flat.
 */
static struct hd_profile *simple_profile(void)
{
	struct fx f;
	fx_init(&f);
	uint32_t fm = fx_fn(&f, "main.main", "/src/main.go");
	uint32_t fa = fx_fn(&f, "main.a", "/src/a.go");
	uint32_t fb = fx_fn(&f, "main.b", "/src/b.go");
	uint32_t fc = fx_fn(&f, "main.c", "/src/c.go");
	uint32_t lm = fx_loc1(&f, fm, 10), la = fx_loc1(&f, fa, 20);
	uint32_t lb = fx_loc1(&f, fb, 30), lc = fx_loc1(&f, fc, 40);
	fx_sample(&f, 100, 3, la, lb, lm);
	fx_sample(&f, 50, 2, lb, lm);
	fx_sample(&f, 30, 2, lc, lm);
	fx_sample(&f, 20, 0);
	fx_sample(&f, 0, 2, lc, lm); /* zero weight: ignored by the graph */
	return fx_finish(&f);
}

static void test_flat_cum_total(void **state)
{
	(void)state;
	struct hd_profile *p = simple_profile();
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.nodefraction = 0;
	struct hd_view *v = view_of(p, &o);
	struct hd_view_summary s;
	hd_view_summary(v, &s);
	assert_int_equal(s.total, 200);
	assert_int_equal(s.n_samples, 5);
	struct hd_top *t = top_of(v, NULL);
	assert_int_equal(t->total, 200);
	assert_int_equal(t->n_rows, 4);
	check_row(v, t, 0, "main.a", 100, 100);
	check_row(v, t, 1, "main.b", 50, 150);
	check_row(v, t, 2, "main.c", 30, 30);
	check_row(v, t, 3, "main.main", 0, 180);
	assert_int_equal(t->shown, 180);
	assert_int_equal(t->dropped_nodes, 0);
	assert_string_equal(t->unit, "B");
	hd_top_free(t);

	/* -cum: cum desc. */
	o.sort = HD_SORT_CUM;
	t = top_of(v, &o);
	check_row(v, t, 0, "main.main", 0, 180);
	check_row(v, t, 1, "main.b", 50, 150);
	check_row(v, t, 2, "main.a", 100, 100);
	check_row(v, t, 3, "main.c", 30, 30);
	hd_top_free(t);
	hd_view_free(v);
	hd_profile_free(p);
}

/* Recursion: a node counts once per sample in cum (graph.go seenNode). */
static void test_recursion_counts_once(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	uint32_t ff = fx_fn(&f, "main.f", "/f.go"), fg = fx_fn(&f, "main.g", "/g.go");
	uint32_t lf1 = fx_loc1(&f, ff, 1), lf2 = fx_loc1(&f, ff, 2), lg = fx_loc1(&f, fg, 3);
	fx_sample(&f, 10, 4, lf1, lg, lf2, lg);
	struct hd_profile *p = fx_finish(&f);
	struct hd_view *v = view_of(p, NULL);
	struct hd_top *t = top_of(v, NULL);
	assert_int_equal(t->n_rows, 2);
	check_row(v, t, 0, "main.f", 10, 10);
	check_row(v, t, 1, "main.g", 0, 10);
	hd_top_free(t);
	hd_view_free(v);

	/* -lines: f:1 and f:2 are distinct nodes now. */
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.granularity = HD_GRANULARITY_LINES;
	v = view_of(p, &o);
	t = top_of(v, &o);
	assert_int_equal(t->n_rows, 3);
	check_row(v, t, 0, "main.f /f.go:1", 10, 10);
	check_row(v, t, 1, "main.f /f.go:2", 0, 10);
	check_row(v, t, 2, "main.g /g.go:3", 0, 10);
	hd_top_free(t);
	hd_view_free(v);
	hd_profile_free(p);
}

/*
 * Inline frames are nodes of their own.  Location L1 = [inl:5 inlined into
 * outer:9]; L2 = [inl:5] called normally.  Samples: [L1, main] 5, [L2,
 * main] 7.  inl: flat 12, edges outer->inl (inline) and main->inl (not):
 * "(partial-inline)".  With only the first sample it is "(inline)".
 */
static void test_inline_labels(void **state)
{
	(void)state;
	for (int partial = 0; partial < 2; partial++) {
		struct fx f;
		fx_init(&f);
		uint32_t fi = fx_fn(&f, "main.inl", "/i.go"), fo = fx_fn(&f, "main.outer", "/o.go");
		uint32_t fm = fx_fn(&f, "main.main", "/m.go");
		uint32_t l1 = fx_loc(&f, 0x401000, 2, fi, 5, fo, 9);
		uint32_t l2 = fx_loc(&f, 0x402000, 1, fi, 5);
		uint32_t lm = fx_loc1(&f, fm, 1);
		fx_sample(&f, 5, 2, l1, lm);
		if (partial)
			fx_sample(&f, 7, 2, l2, lm);
		struct hd_profile *p = fx_finish(&f);
		struct hd_view *v = view_of(p, NULL);
		struct hd_top *t = top_of(v, NULL);
		check_row(v, t, 0, "main.inl", partial ? 12 : 5, partial ? 12 : 5);
		assert_int_equal(t->rows[0].inlined, !partial);
		assert_int_equal(t->rows[0].partial_inline, partial);
		/* outer and main are called normally (main has no caller). */
		for (uint32_t i = 1; i < t->n_rows; i++)
			assert_false(t->rows[i].inlined || t->rows[i].partial_inline);

		struct hd_view_frame fr[8];
		assert_int_equal(hd_view_sample_frames(v, 0, fr, 8), 3);
		assert_string_equal(label_of(v, fr[0].node), "main.inl");
		assert_true(fr[0].inlined);
		assert_string_equal(label_of(v, fr[1].node), "main.outer");
		assert_false(fr[1].inlined);
		assert_false(fr[2].inlined);
		/* a short buffer still reports the full depth */
		assert_int_equal(hd_view_sample_frames(v, 0, fr, 1), 3);
		hd_top_free(t);
		hd_view_free(v);

		/* -noinlines: L1 is just outer:9, which gets the flat. */
		struct hd_report_options o;
		hd_report_options_default(&o);
		o.noinlines = true;
		v = view_of(p, &o);
		t = top_of(v, &o);
		if (partial) {
			check_row(v, t, 0, "main.inl", 7, 7);
			check_row(v, t, 1, "main.outer", 5, 5);
		} else {
			check_row(v, t, 0, "main.outer", 5, 5);
		}
		hd_top_free(t);
		hd_view_free(v);
		hd_profile_free(p);
	}
}

/*
 * Granularities: two functions of one name in two files, a nameless
 * function, a location without lines.  Identity follows pprof's
 * Aggregate + nodeInfo: functions merges by name, filefunctions splits by
 * file, files keeps the file (and for nameless functions the mapping),
 * addresses adds the address.
 */
static void test_granularity(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	uint32_t f1 = fx_fn(&f, "main.f", "/x/a.go"), f2 = fx_fn(&f, "main.f", "/x/b.go");
	uint32_t l1 = fx_loc(&f, 0x401000, 1, f1, 3);
	uint32_t l2 = fx_loc(&f, 0x402000, 1, f2, 4);
	uint32_t l3 = fx_loc(&f, 0x403000, 0);
	fx_sample(&f, 10, 1, l1);
	fx_sample(&f, 20, 1, l2);
	fx_sample(&f, 5, 1, l3);
	struct hd_profile *p = fx_finish(&f);
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.nodefraction = 0;

	struct hd_view *v = view_of(p, &o);
	struct hd_top *t = top_of(v, &o);
	assert_int_equal(t->n_rows, 2);
	check_row(v, t, 0, "main.f", 30, 30);
	check_row(v, t, 1, "[app]", 5, 5);
	hd_top_free(t);
	hd_view_free(v);

	o.granularity = HD_GRANULARITY_FILEFUNCTIONS;
	v = view_of(p, &o);
	t = top_of(v, &o);
	assert_int_equal(t->n_rows, 3);
	check_row(v, t, 0, "main.f /x/b.go", 20, 20);
	check_row(v, t, 1, "main.f /x/a.go", 10, 10);
	hd_top_free(t);
	hd_view_free(v);

	o.granularity = HD_GRANULARITY_FILES;
	v = view_of(p, &o);
	t = top_of(v, &o);
	check_row(v, t, 0, "/x/b.go", 20, 20);
	check_row(v, t, 1, "/x/a.go", 10, 10);
	check_row(v, t, 2, "[app]", 5, 5);
	const struct hd_node *n = hd_view_node(v, t->rows[0].node);
	assert_int_equal(n->name.len, 0);
	assert_int_equal(n->objfile.len, 8); /* nameless: keeps the mapping */
	hd_top_free(t);
	hd_view_free(v);

	o.granularity = HD_GRANULARITY_ADDRESSES;
	v = view_of(p, &o);
	t = top_of(v, &o);
	check_row(v, t, 0, "0000000000402000 main.f /x/b.go:4", 20, 20);
	check_row(v, t, 1, "0000000000401000 main.f /x/a.go:3", 10, 10);
	check_row(v, t, 2, "0000000000403000 [app]", 5, 5);
	hd_top_free(t);
	hd_view_free(v);
	assert_null(hd_view_node(v = view_of(p, &o), 999));
	hd_view_free(v);
	hd_profile_free(p);
}

/*
 * File names are cleaned (filepath.Clean) and lose /proc/self/cwd/
 * (trimPath) in graph reports; raw_paths keeps the prefix (traces).
 */
static void test_paths(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	uint32_t f1 = fx_fn(&f, "main.f", "/proc/self/cwd/./app//x/../y.go");
	fx_sample(&f, 1, 1, fx_loc1(&f, f1, 7));
	struct hd_profile *p = fx_finish(&f);
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.granularity = HD_GRANULARITY_LINES;
	struct hd_view *v = view_of(p, &o);
	assert_string_equal(label_of(v, 0), "main.f app/y.go:7");
	hd_view_free(v);
	o.raw_paths = true;
	v = view_of(p, &o);
	assert_string_equal(label_of(v, 0), "main.f /proc/self/cwd/app/y.go:7");
	hd_view_free(v);
	hd_profile_free(p);
}

/* The label of the only node of a one-frame profile whose file is `file`,
 * at -lines granularity, under -trim_path `trim` and -source_path `search`
 * (label_of's buffer: valid until its next call). */
static const char *trimmed_label(const char *file, const char *trim, const char *search,
				 bool raw)
{
	struct fx f;
	fx_init(&f);
	fx_sample(&f, 1, 1, fx_loc1(&f, fx_fn(&f, "f", file), 7));
	struct hd_profile *p = fx_finish(&f);
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.granularity = HD_GRANULARITY_LINES;
	o.trim_path = trim;
	o.source_path = search;
	o.raw_paths = raw;
	struct hd_view *v = view_of(p, &o);
	const char *label = label_of(v, 0);
	hd_view_free(v);
	hd_profile_free(p);
	return label;
}

/*
 * -trim_path and -source_path (report.go trimPath): the first prefix that
 * matches, '/' appended when missing, an empty element meaning "/"; the
 * search-path heuristic only without -trim_path, on the first directory
 * whose last element (filepath.Base) occurs as "/BASE/"; the /proc/self/cwd
 * prefixes last; nothing in traces (raw_paths).
 */
static void test_trim_source_path(void **state)
{
	(void)state;
	static const struct {
		const char *file, *trim, *search;
		bool raw;
		const char *want;
	} cases[] = {
		{"/src/app/main.go", "/src", NULL, false, "f app/main.go:7"},
		{"/src/app/main.go", "/src/", NULL, false, "f app/main.go:7"},
		/* a prefix matches whole directories only */
		{"/srcx/main.go", "/src", NULL, false, "f /srcx/main.go:7"},
		/* the first element that matches wins */
		{"/a/b/c.go", "/x:/a:/a/b", NULL, false, "f b/c.go:7"},
		/* an empty element is "/": absolute names lose their leading slash */
		{"/a/b/c.go", "/x::/y", NULL, false, "f a/b/c.go:7"},
		/* -trim_path before the Bazel prefixes: one trim only */
		{"/proc/self/cwd/x/y.go", "/proc", NULL, false, "f self/cwd/x/y.go:7"},
		{"/proc/self/cwd/x/y.go", "/nomatch", NULL, false, "f x/y.go:7"},
		/* -source_path: "/app/" found, everything up to it goes */
		{"/build/ci/app/pkg/q.go", NULL, "/home/me/app", false, "f pkg/q.go:7"},
		/* Base strips trailing slashes; the first directory whose base
		 * is found wins; at the first occurrence of it */
		{"/s/go/src/runtime/m.go", NULL, "/a/none:/b/src/:/c/go", false, "f runtime/m.go:7"},
		{"/x/app/y/app/z.go", NULL, "/w/app", false, "f y/app/z.go:7"},
		/* no match: the Bazel prefixes still go */
		{"/proc/self/cwd/./k.go", NULL, "/none", false, "f k.go:7"},
		/* with -trim_path set, -source_path is not used */
		{"/build/app/q.go", "/nomatch", "/home/app", false, "f /build/app/q.go:7"},
		/* traces: names as written */
		{"/src/app/main.go", "/src", "/x/app", true, "f /src/app/main.go:7"},
	};
	for (size_t i = 0; i < HD_ARRAY_SIZE(cases); i++)
		assert_string_equal(trimmed_label(cases[i].file, cases[i].trim, cases[i].search,
						  cases[i].raw),
				    cases[i].want);
}

/*
 * -nodefraction: cutoff = |sum of flat| * fraction, nodes with |cum| below
 * it dropped and counted; the "Dropped" line shows total * fraction.
 * Ten leaves of 1 under main (10), one leaf of 990: total 1000, sum of flat
 * 1000, cutoff 5 at 0.005: the ten small leaves go.
 */
static void test_nodefraction_nodecount(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	uint32_t fm = fx_fn(&f, "main.main", "/m.go"), fb = fx_fn(&f, "main.big", "/b.go");
	uint32_t lm = fx_loc1(&f, fm, 1);
	fx_sample(&f, 990, 2, fx_loc1(&f, fb, 2), lm);
	char name[32];
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "main.small%d", i);
		fx_sample(&f, 1, 2, fx_loc1(&f, fx_fn(&f, name, "/s.go"), 3), lm);
	}
	struct hd_profile *p = fx_finish(&f);
	struct hd_view *v = view_of(p, NULL);
	struct hd_top *t = top_of(v, NULL);
	assert_int_equal(t->n_rows, 2);
	assert_int_equal(t->dropped_nodes, 10);
	assert_int_equal(t->dropped_cutoff, 5);
	assert_int_equal(t->orig_count, 2);
	check_row(v, t, 0, "main.big", 990, 990);
	check_row(v, t, 1, "main.main", 0, 1000);
	assert_int_equal(t->shown, 990);
	hd_top_free(t);

	struct hd_report_options o;
	hd_report_options_default(&o);
	o.nodefraction = 0;
	o.nodecount = 3;
	t = top_of(v, &o);
	assert_int_equal(t->n_rows, 3);
	assert_int_equal(t->orig_count, 12);
	check_row(v, t, 1, "main.small0", 1, 1); /* equal flat: by name */
	check_row(v, t, 2, "main.small1", 1, 1);
	hd_top_free(t);

	/* -trim=false ignores both */
	o.nodefraction = 0.5;
	o.trim = false;
	t = top_of(v, &o);
	assert_int_equal(t->n_rows, 12);
	assert_int_equal(t->dropped_nodes, 0);
	hd_top_free(t);
	hd_view_free(v);
	hd_profile_free(p);
}

/*
 * An inline label needs an edge that survives -edgefraction: leaf inl
 * inlined into outer with weight 1 of 2000 total; sum of flat 2000, edge
 * cutoff 2: the only edge into inl (weight 1) is trimmed, so no label.
 */
static void test_edge_cutoff_drops_inline_label(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	uint32_t fi = fx_fn(&f, "main.inl", "/i.go"), fo = fx_fn(&f, "main.outer", "/o.go");
	uint32_t fb = fx_fn(&f, "main.big", "/b.go");
	fx_sample(&f, 1, 1, fx_loc(&f, 0x401000, 2, fi, 5, fo, 9));
	fx_sample(&f, 1999, 1, fx_loc1(&f, fb, 1));
	struct hd_profile *p = fx_finish(&f);
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.nodefraction = 0;
	struct hd_view *v = view_of(p, &o);
	struct hd_top *t = top_of(v, &o);
	check_row(v, t, 1, "main.inl", 1, 1);
	assert_false(t->rows[1].inlined);
	hd_top_free(t);
	o.edgefraction = 0;
	t = top_of(v, &o);
	check_row(v, t, 1, "main.inl", 1, 1);
	assert_true(t->rows[1].inlined);
	hd_top_free(t);
	hd_view_free(v);
	hd_profile_free(p);
}

/*
 * Negative values (a -base merge): the total sums |w|; -drop_negative
 * leaves out nodes whose flat < 0 (or flat 0 and cum < 0).  Rows sort by
 * |flat|.  pprof::base=true samples make the total theirs (-diff_base).
 */
static void test_negative_and_diff_base(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	uint32_t fa = fx_fn(&f, "main.a", "/a.go"), fb = fx_fn(&f, "main.b", "/b.go");
	uint32_t fm = fx_fn(&f, "main.main", "/m.go");
	uint32_t la = fx_loc1(&f, fa, 1), lb = fx_loc1(&f, fb, 2), lm = fx_loc1(&f, fm, 3);
	struct hd_label base = fx_str_label("pprof::base", "true");
	int64_t v1 = 300, v2 = -100, v3 = -40;
	fx_sample_full(&f, &v1, NULL, 0, 2, la, lm);
	fx_sample_full(&f, &v2, &base, 1, 2, lb, lm);
	fx_sample_full(&f, &v3, &base, 1, 1, lb);
	struct hd_profile *p = fx_finish(&f);
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.nodefraction = 0;
	struct hd_view *v = view_of(p, &o);
	struct hd_top *t = top_of(v, &o);
	assert_int_equal(t->total, 140); /* |-100| + |-40|, base samples only */
	check_row(v, t, 0, "main.a", 300, 300);
	check_row(v, t, 1, "main.b", -140, -140);
	check_row(v, t, 2, "main.main", 0, 200);
	hd_top_free(t);
	o.drop_negative = true;
	t = top_of(v, &o);
	assert_int_equal(t->n_rows, 2);
	check_row(v, t, 0, "main.a", 300, 300);
	check_row(v, t, 1, "main.main", 0, 200);
	hd_top_free(t);
	hd_view_free(v);
	hd_profile_free(p);
}

/*
 * -mean: flat/cum divided by the sums of value 0 over the same samples;
 * the total likewise.  Two types: count and bytes.
 */
static void test_mean(void **state)
{
	(void)state;
	struct fx f;
	fx_init_types(&f, false, 2, "alloc_objects/count", "alloc_space/bytes");
	uint32_t fa = fx_fn(&f, "main.a", "/a.go");
	uint32_t la = fx_loc1(&f, fa, 1);
	int64_t s1[2] = {2, 100}, s2[2] = {3, 500};
	fx_sample_full(&f, s1, NULL, 0, 1, la);
	fx_sample_full(&f, s2, NULL, 0, 1, la);
	struct hd_profile *p = fx_finish(&f);
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.mean = true;
	struct hd_view *v = view_of(p, &o);
	struct hd_top *t = top_of(v, &o);
	assert_int_equal(t->total, 120); /* 600 / 5 */
	check_row(v, t, 0, "main.a", 120, 120);
	hd_top_free(t);
	hd_view_free(v);
	hd_profile_free(p);
}

/*
 * peek: callers and callees with weights counted once per sample.
 * [a, b, main] 10, [a, c, main] 4, [b, main] 2.
 */
static void test_peek(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	uint32_t fa = fx_fn(&f, "main.a", "/a.go"), fb = fx_fn(&f, "main.b", "/b.go");
	uint32_t fc = fx_fn(&f, "main.c", "/c.go"), fm = fx_fn(&f, "main.main", "/m.go");
	uint32_t la = fx_loc1(&f, fa, 1), lb = fx_loc1(&f, fb, 2), lc = fx_loc1(&f, fc, 3);
	uint32_t lm = fx_loc1(&f, fm, 4);
	fx_sample(&f, 10, 3, la, lb, lm);
	fx_sample(&f, 4, 3, la, lc, lm);
	fx_sample(&f, 2, 2, lb, lm);
	struct hd_profile *p = fx_finish(&f);
	struct hd_view *v = view_of(p, NULL);
	struct hd_peek *pk = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_view_peek(v, NULL, "^main\\.[ab]$", &pk, &err), HD_OK);
	assert_int_equal(pk->n_entries, 2);
	assert_int_equal(pk->total, 16);
	assert_int_equal(pk->shown, 16);
	const struct hd_peek_entry *a = &pk->entries[0], *b = &pk->entries[1];
	assert_string_equal(label_of(v, a->node), "main.a");
	assert_int_equal(a->flat, 14);
	assert_int_equal(a->n_callers, 2);
	assert_string_equal(label_of(v, a->callers[0].node), "main.b");
	assert_int_equal(a->callers[0].weight, 10);
	assert_string_equal(label_of(v, a->callers[1].node), "main.c");
	assert_int_equal(a->callers[1].weight, 4);
	assert_int_equal(a->n_callees, 0);
	assert_string_equal(label_of(v, b->node), "main.b");
	assert_int_equal(b->cum, 12);
	assert_int_equal(b->n_callers, 1);
	assert_int_equal(b->callers[0].weight, 12);
	assert_int_equal(b->n_callees, 1);
	assert_int_equal(b->callees[0].weight, 10);
	hd_peek_free(pk);

	pk = NULL;
	assert_int_equal(hd_view_peek(v, NULL, "nothing", &pk, &err), HD_OK);
	assert_int_equal(pk->n_entries, 0);
	hd_peek_free(pk);
	assert_int_equal(hd_view_peek(v, NULL, "(", &pk, &err), HD_ERR_REGEX);
	assert_non_null(strstr(err.msg, "peek"));
	assert_int_equal(hd_view_peek(v, NULL, NULL, &pk, &err), HD_ERR_USAGE);
	hd_view_free(v);
	hd_profile_free(p);
}

/*
 * peek's "shown" total wraps as pprof's int64 sums do: two nodes of
 * INT64_MIN each were a signed overflow (UBSan, found by the pipeline
 * fuzzer in the sixth session).
 */
static void test_peek_wraps(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	uint32_t fa = fx_fn(&f, "main.a", "/a.go"), fb = fx_fn(&f, "main.b", "/b.go");
	uint32_t la = fx_loc1(&f, fa, 1), lb = fx_loc1(&f, fb, 2);
	fx_sample(&f, INT64_MIN, 1, la);
	fx_sample(&f, INT64_MIN, 1, lb);
	struct hd_profile *p = fx_finish(&f);
	struct hd_view *v = view_of(p, NULL);
	struct hd_peek *pk = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_view_peek(v, NULL, "^main", &pk, &err), HD_OK);
	assert_int_equal(pk->n_entries, 2);
	assert_int_equal(pk->shown, 0); /* INT64_MIN + INT64_MIN, wrapped */
	assert_int_equal(pk->entries[0].flat, INT64_MIN);
	hd_peek_free(pk);
	hd_view_free(v);
	hd_profile_free(p);
}

/*
 * Edges are counted once per sample even when a child repeats in a stack,
 * and stay right when one location meets more callers than its cache
 * holds.  Root to leaf: main p1 c p2 c p1 c (10): edges main->p1, p1->c,
 * c->p2, p2->c, c->p1, each once; [c p2 main] 5; [c p1 main] 7; then
 * q1..q4 -> c (1 each), interleaved with p1 -> c (7 more) to evict.
 */
static void test_edges_repeat_and_evict(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	uint32_t fc = fx_fn(&f, "main.c", "/c.go"), fp1 = fx_fn(&f, "main.p1", "/p.go");
	uint32_t fp2 = fx_fn(&f, "main.p2", "/p.go"), fm = fx_fn(&f, "main.main", "/m.go");
	uint32_t lc = fx_loc1(&f, fc, 1), lp1 = fx_loc1(&f, fp1, 2), lp2 = fx_loc1(&f, fp2, 3);
	uint32_t lm = fx_loc1(&f, fm, 4);
	fx_sample(&f, 10, 7, lc, lp1, lc, lp2, lc, lp1, lm);
	fx_sample(&f, 5, 3, lc, lp2, lm);
	fx_sample(&f, 7, 3, lc, lp1, lm);
	char name[16];
	for (int i = 1; i <= 4; i++) {
		snprintf(name, sizeof(name), "main.q%d", i);
		fx_sample(&f, 1, 3, lc, fx_loc1(&f, fx_fn(&f, name, "/q.go"), 5), lm);
		fx_sample(&f, 7 * (i == 4), 3, lc, lp1, lm); /* zero weights are skipped */
	}
	fx_sample(&f, 0, 2, lp2, lc); /* c -> p2 only in a zero sample: no edge */
	struct hd_profile *p = fx_finish(&f);
	struct hd_view *v = view_of(p, NULL);
	struct hd_peek *pk = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_view_peek(v, NULL, "^main\\.c$", &pk, &err), HD_OK);
	assert_int_equal(pk->n_entries, 1);
	const struct hd_peek_entry *c = &pk->entries[0];
	assert_int_equal(c->flat, 33); /* 10 + 5 + 7 + 4 x 1 + 7 */
	assert_int_equal(c->cum, 33);
	static const struct {
		const char *name;
		int64_t weight;
	} callers[] = {{"main.p1", 24}, {"main.p2", 15}, {"main.q1", 1}, {"main.q2", 1},
		       {"main.q3", 1}, {"main.q4", 1}};
	assert_int_equal(c->n_callers, 6);
	for (uint32_t i = 0; i < 6; i++) {
		assert_string_equal(label_of(v, c->callers[i].node), callers[i].name);
		assert_int_equal(c->callers[i].weight, callers[i].weight);
		assert_false(c->callers[i].inlined);
	}
	assert_int_equal(c->n_callees, 2);
	assert_string_equal(label_of(v, c->callees[0].node), "main.p1");
	assert_int_equal(c->callees[0].weight, 10);
	assert_string_equal(label_of(v, c->callees[1].node), "main.p2");
	assert_int_equal(c->callees[1].weight, 10);
	hd_peek_free(pk);
	hd_view_free(v);
	hd_profile_free(p);
}

/* Weights and samples of a view. */
static void test_samples_and_weights(void **state)
{
	(void)state;
	struct hd_profile *p = simple_profile();
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.focus = "main\\.c";
	struct hd_view *v = view_of(p, &o);
	struct hd_view_summary s;
	hd_view_summary(v, &s);
	assert_int_equal(s.n_samples, 2); /* the 30 and the zero-weight one */
	assert_int_equal(s.max_frames, 2);
	struct hd_view_sample vs;
	assert_true(hd_view_sample(v, 0, &vs));
	assert_int_equal(vs.sample, 2);
	assert_int_equal(vs.value, 30);
	assert_int_equal(vs.n_frames, 2);
	assert_false(hd_view_sample(v, 2, &vs));
	int64_t w[5];
	hd_view_weights(v, w);
	assert_int_equal(w[0], 0);
	assert_int_equal(w[2], 30);
	assert_int_equal(w[3], 0);
	hd_view_free(v);
	hd_profile_free(p);
}

/* Every allocation of view, top, peek and rendering may fail cleanly. */
static void test_alloc_failure_sweep(void **state)
{
	(void)state;
	struct hd_profile *p = simple_profile();
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.focus = "main";
	o.granularity = HD_GRANULARITY_LINES;
	bool completed = false;
	for (long n = 0; n < 2000 && !completed; n++) {
		struct hd_view *v = NULL;
		struct hd_top *t = NULL;
		struct hd_peek *pk = NULL;
		char *text = NULL;
		struct hd_error err = {0};
		hd_alloc_fail_after(n);
		enum hd_status st = hd_view_new(p, &o, &v, &err);
		if (st == HD_OK)
			st = hd_view_top(v, &o, &t, &err);
		if (st == HD_OK)
			st = hd_render_top_text(v, t, &text, NULL, &err);
		hd_report_text_free(text);
		text = NULL;
		if (st == HD_OK)
			st = hd_render_top_json(v, t, &text, NULL, &err);
		hd_report_text_free(text);
		text = NULL;
		if (st == HD_OK)
			st = hd_view_peek(v, &o, "main", &pk, &err);
		if (st == HD_OK)
			st = hd_render_peek_text(v, pk, &text, NULL, &err);
		hd_report_text_free(text);
		text = NULL;
		if (st == HD_OK)
			st = hd_render_traces_text(v, &text, NULL, &err);
		hd_report_text_free(text);
		hd_alloc_fail_after(-1);
		if (st == HD_OK)
			completed = true;
		else
			assert_int_equal(st, HD_ERR_NOMEM);
		hd_peek_free(pk);
		hd_top_free(t);
		hd_view_free(v);
	}
	assert_true(completed);
	hd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_cum_total),
		cmocka_unit_test(test_recursion_counts_once),
		cmocka_unit_test(test_inline_labels),
		cmocka_unit_test(test_granularity),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_trim_source_path),
		cmocka_unit_test(test_nodefraction_nodecount),
		cmocka_unit_test(test_edge_cutoff_drops_inline_label),
		cmocka_unit_test(test_negative_and_diff_base),
		cmocka_unit_test(test_mean),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_peek_wraps),
		cmocka_unit_test(test_edges_repeat_and_evict),
		cmocka_unit_test(test_samples_and_weights),
		cmocka_unit_test(test_alloc_failure_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
