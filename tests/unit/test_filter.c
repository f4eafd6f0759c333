/*
 * test_filter.c - hd_view_new()'s filters (analyze/filter.c,
 * analyze/tagfilter.c): sample type choice, -focus/-ignore/-hide/-show/
 * -show_from/-prune_from, drop_frames/keep_frames pruning (with pprof's
 * simplifyFunc quirk), tag ranges and regexps, the "matched no samples"
 * bits, and every error path with its message.  Expected stacks follow
 * pprof's profile/filter.go and profile/prune.go, worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "agg_fixture.h"
#include "analyze/tagfilter.h"

/* The kept samples' stacks as "leaf<root;leaf<root" of function names. */
static const char *stacks(const struct hd_view *v)
{
	static char buf[2048];
	struct hd_view_summary s;
	hd_view_summary(v, &s);
	size_t o = 0;
	buf[0] = '\0';
	for (uint64_t i = 0; i < s.n_samples; i++) {
		struct hd_view_frame fr[32];
		uint32_t n = hd_view_sample_frames(v, i, fr, 32);
		if (i)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, ";");
		for (uint32_t k = 0; k < n && k < 32; k++) {
			const struct hd_node *nd = hd_view_node(v, fr[k].node);
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%.*s", k ? "<" : "",
					      (int)nd->label.len, nd->label.ptr);
		}
	}
	return buf;
}

static struct hd_view *view_with(const struct hd_profile *p, const struct hd_report_options *o)
{
	struct hd_view *v = NULL;
	struct hd_error err = {0};
	if (hd_view_new(p, o, &v, &err) != HD_OK)
		fail_msg("hd_view_new: %s", err.msg);
	return v;
}

/*
 * main -> work -> leafA (10); main -> other -> leafB (20); main -> work ->
 * leafB (5).  work's location also inlines helper: [helper, work].
 */
static struct hd_profile *tree_profile(void)
{
	struct fx f;
	fx_init(&f);
	uint32_t fm = fx_fn(&f, "main.main", "/src/main.go");
	uint32_t fw = fx_fn(&f, "main.work", "/src/work.go");
	uint32_t fh = fx_fn(&f, "main.helper", "/src/work.go");
	uint32_t fo = fx_fn(&f, "main.other", "/src/other.go");
	uint32_t fa = fx_fn(&f, "lib.leafA", "/lib/a.go");
	uint32_t fb = fx_fn(&f, "lib.leafB", "/lib/b.go");
	uint32_t lm = fx_loc1(&f, fm, 1), lo = fx_loc1(&f, fo, 3);
	uint32_t lw = fx_loc(&f, 0x402000, 2, fh, 7, fw, 2);
	uint32_t la = fx_loc1(&f, fa, 4), lb = fx_loc1(&f, fb, 5);
	fx_sample(&f, 10, 3, la, lw, lm);
	fx_sample(&f, 20, 3, lb, lo, lm);
	fx_sample(&f, 5, 3, lb, lw, lm);
	return fx_finish(&f);
}

static void test_focus_ignore(void **state)
{
	(void)state;
	struct hd_profile *p = tree_profile();
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.focus = "work";
	struct hd_view *v = view_with(p, &o);
	assert_string_equal(stacks(v), "lib.leafA<main.helper<main.work<main.main;"
					"lib.leafB<main.helper<main.work<main.main");
	struct hd_view_summary s;
	hd_view_summary(v, &s);
	assert_int_equal(s.total, 35); /* the total is taken before focus */
	assert_int_equal(s.unmatched, 0);
	hd_view_free(v);

	/* file names match too; ignore wins over focus */
	o.focus = "/lib/";
	o.ignore = "leafA";
	v = view_with(p, &o);
	assert_string_equal(stacks(v), "lib.leafB<main.other<main.main;"
					"lib.leafB<main.helper<main.work<main.main");
	hd_view_free(v);

	/* the mapping file matches (/bin/app) */
	o.focus = "^/bin/app$";
	o.ignore = NULL;
	v = view_with(p, &o);
	hd_view_summary(v, &s);
	assert_int_equal(s.n_samples, 3);
	hd_view_free(v);

	o.focus = "nothing";
	o.ignore = "nothing either";
	v = view_with(p, &o);
	hd_view_summary(v, &s);
	assert_int_equal(s.n_samples, 0);
	assert_int_equal(s.unmatched, HD_FILTER_FOCUS | HD_FILTER_IGNORE);
	hd_view_free(v);
	hd_profile_free(p);
}

static void test_hide_show(void **state)
{
	(void)state;
	struct hd_profile *p = tree_profile();
	struct hd_report_options o;
	hd_report_options_default(&o);
	/* hide removes the inlined helper line only, and other entirely */
	o.hide = "helper|other";
	struct hd_view *v = view_with(p, &o);
	assert_string_equal(stacks(v), "lib.leafA<main.work<main.main;"
					"lib.leafB<main.main;"
					"lib.leafB<main.work<main.main");
	hd_view_free(v);

	/* show keeps matching frames; a stack with none left goes */
	o.hide = NULL;
	o.show = "leafB|main\\.main";
	v = view_with(p, &o);
	assert_string_equal(stacks(v), "main.main;lib.leafB<main.main;lib.leafB<main.main");
	hd_view_free(v);

	o.show = "^lib";
	v = view_with(p, &o);
	assert_string_equal(stacks(v), "lib.leafA;lib.leafB;lib.leafB");
	hd_view_free(v);

	o.show = "zzz";
	o.hide = "yyy";
	v = view_with(p, &o);
	struct hd_view_summary s;
	hd_view_summary(v, &s);
	assert_int_equal(s.n_samples, 0);
	assert_int_equal(s.unmatched, HD_FILTER_SHOW | HD_FILTER_HIDE);
	hd_view_free(v);
	hd_profile_free(p);
}

static void test_show_from_prune_from(void **state)
{
	(void)state;
	struct hd_profile *p = tree_profile();
	struct hd_report_options o;
	hd_report_options_default(&o);
	/* show_from: drop frames above the root-most match (and the
	 * location's lines above the match); samples without it go */
	o.show_from = "helper";
	struct hd_view *v = view_with(p, &o);
	assert_string_equal(stacks(v), "lib.leafA<main.helper;lib.leafB<main.helper");
	hd_view_free(v);

	/* prune_from: drop frames below the leaf-most match */
	o.show_from = NULL;
	o.prune_from = "work|other";
	v = view_with(p, &o);
	assert_string_equal(stacks(v), "main.work<main.main;main.other<main.main;"
					"main.work<main.main");
	hd_view_free(v);

	o.prune_from = NULL;
	o.show_from = "absent";
	v = view_with(p, &o);
	struct hd_view_summary s;
	hd_view_summary(v, &s);
	assert_int_equal(s.n_samples, 0);
	assert_int_equal(s.unmatched, HD_FILTER_SHOW_FROM);
	hd_view_free(v);
	hd_profile_free(p);
}

/*
 * drop_frames/keep_frames (profile/prune.go): names are simplified first
 * (cut at the first '('), nothing is pruned before the first "user" frame
 * from the root, and a match drops the frame and all its callees.
 */
static struct hd_profile *runtime_profile(const char *drop, const char *keep)
{
	struct fx f;
	fx_init(&f);
	uint32_t rm = fx_fn(&f, "runtime.main", "/rt/proc.go");
	uint32_t mm = fx_fn(&f, "main.main", "/m.go");
	uint32_t ma = fx_fn(&f, "runtime.mallocgc", "/rt/malloc.go");
	uint32_t nf = fx_fn(&f, "runtime.nextFree", "/rt/malloc.go");
	uint32_t mt = fx_fn(&f, "main.(*T).m", "/m.go");
	uint32_t ri = fx_fn(&f, "runtime.inl", "/rt/x.go");
	uint32_t lrm = fx_loc1(&f, rm, 1), lmm = fx_loc1(&f, mm, 2);
	uint32_t lma = fx_loc1(&f, ma, 3), lnf = fx_loc1(&f, nf, 4);
	uint32_t lmt = fx_loc1(&f, mt, 5);
	uint32_t linl = fx_loc(&f, 0x409000, 2, ri, 6, mt, 7);
	fx_sample(&f, 1, 4, lnf, lma, lmm, lrm);
	fx_sample(&f, 2, 3, lnf, lmt, lmm);
	fx_sample(&f, 4, 2, linl, lmm);
	hd_builder_set_frames(f.b, hd_str_c(drop), hd_str_c(keep));
	return fx_finish(&f);
}

static void test_drop_frames(void **state)
{
	(void)state;
	struct hd_profile *p = runtime_profile("runtime\\..*", "");
	struct hd_view *v = view_with(p, NULL);
	/* sample 1: runtime.main is above the first user frame and stays;
	 * sample 3: the location keeps its outer line main.(*T).m */
	assert_string_equal(stacks(v), "main.main<runtime.main;main.(*T).m<main.main;"
					"main.(*T).m<main.main");
	hd_view_free(v);

	struct hd_report_options o;
	hd_report_options_default(&o);
	o.all_frames = true;
	v = view_with(p, &o);
	assert_string_equal(stacks(v),
			    "runtime.nextFree<runtime.mallocgc<main.main<runtime.main;"
			    "runtime.nextFree<main.(*T).m<main.main;"
			    "runtime.inl<main.(*T).m<main.main");
	hd_view_free(v);
	hd_profile_free(p);

	/* keep_frames spares mallocgc; nextFree below it still goes */
	p = runtime_profile("runtime\\..*", "runtime\\.mallocgc");
	v = view_with(p, NULL);
	assert_string_equal(stacks(v), "runtime.mallocgc<main.main<runtime.main;"
					"main.(*T).m<main.main;main.(*T).m<main.main");
	hd_view_free(v);
	hd_profile_free(p);

	/* simplifyFunc: "main.(*T).m" is matched as "main." */
	p = runtime_profile("main\\.\\(\\*T\\)\\.m", "");
	v = view_with(p, NULL);
	assert_string_equal(stacks(v),
			    "runtime.nextFree<runtime.mallocgc<main.main<runtime.main;"
			    "runtime.nextFree<main.(*T).m<main.main;"
			    "runtime.inl<main.(*T).m<main.main");
	hd_view_free(v);
	hd_profile_free(p);
	/* "^(main\\.)$" matches the simplified "main." only, not main.main */
	p = runtime_profile("main\\.", "");
	v = view_with(p, NULL);
	assert_string_equal(stacks(v),
			    "runtime.nextFree<runtime.mallocgc<main.main<runtime.main;"
			    "main.main;main.main");
	hd_view_free(v);
	hd_profile_free(p);

	/* an invalid drop_frames prunes nothing and is no error */
	p = runtime_profile("runtime\\.(", "");
	v = view_with(p, NULL);
	assert_string_equal(stacks(v),
			    "runtime.nextFree<runtime.mallocgc<main.main<runtime.main;"
			    "runtime.nextFree<main.(*T).m<main.main;"
			    "runtime.inl<main.(*T).m<main.main");
	hd_view_free(v);
	hd_profile_free(p);
}

static void test_tag_range_parse(void **state)
{
	(void)state;
	struct hd_tag_range r;
	enum hd_status st;
	assert_true(hd_tag_range_parse("64kb", &r, &st));
	assert_int_equal(r.kind, HD_RANGE_EQ);
	assert_true(r.lo == 64);
	assert_string_equal(r.unit, "kB");
	assert_true(hd_tag_range_parse("64kb:", &r, &st));
	assert_int_equal(r.kind, HD_RANGE_GE);
	assert_true(hd_tag_range_parse(":4kb", &r, &st));
	assert_int_equal(r.kind, HD_RANGE_LE);
	assert_true(hd_tag_range_parse("1mb:2048kb", &r, &st));
	assert_int_equal(r.kind, HD_RANGE_BETWEEN);
	assert_true(r.lo == 1 && r.hi == 2);
	assert_string_equal(r.unit, "MB");
	assert_true(hd_tag_range_parse("-5:10", &r, &st));
	assert_true(r.lo == -5 && r.hi == 10);
	assert_string_equal(r.unit, "");
	/* not ranges: regexps */
	assert_false(hd_tag_range_parse("eu", &r, &st));
	assert_false(hd_tag_range_parse("x64kb", &r, &st));
	assert_false(hd_tag_range_parse("1:2:3", &r, &st));
	assert_false(hd_tag_range_parse("1kb:2ms", &r, &st)); /* units differ */
	assert_int_equal(st, HD_OK);
	assert_false(hd_tag_range_parse("99999999999999999999", &r, &st));
	assert_int_equal(st, HD_ERR_USAGE);

	/* matching scales the label value into the range's unit */
	assert_true(hd_tag_range_parse("64kb:", &r, &st));
	assert_true(hd_tag_range_match(&r, 65536, hd_str_c("bytes")));
	assert_false(hd_tag_range_match(&r, 65535, hd_str_c("bytes")));
	assert_false(hd_tag_range_match(&r, 1 << 20, hd_str_c("ns")));
	/* no unit in the filter: memory labels never match (pprof) */
	assert_true(hd_tag_range_parse("100:", &r, &st));
	assert_false(hd_tag_range_match(&r, 200, hd_str_c("bytes")));
	/* unknown units pass through unscaled with the filter's empty unit */
	assert_true(hd_tag_range_match(&r, 200, hd_str_c("widgets")));
	assert_false(hd_tag_range_match(&r, 99, hd_str_c("widgets")));
	assert_true(hd_tag_range_match(&r, 200, hd_str_c("")));
}

/* Samples with labels: bytes (numeric, unit inferred), region (string). */
static struct hd_profile *label_profile(void)
{
	struct fx f;
	fx_init(&f);
	uint32_t fa = fx_fn(&f, "main.a", "/a.go");
	uint32_t la = fx_loc1(&f, fa, 1);
	struct hd_label l1[2] = {fx_num_label("bytes", 32, ""), fx_str_label("region", "eu")};
	struct hd_label l2[2] = {fx_num_label("bytes", 65536, ""), fx_str_label("region", "us")};
	struct hd_label l3[1] = {fx_num_label("request", 4096, "")};
	int64_t v1 = 1, v2 = 2, v3 = 4, v4 = 8;
	fx_sample_full(&f, &v1, l1, 2, 1, la);
	fx_sample_full(&f, &v2, l2, 2, 1, la);
	fx_sample_full(&f, &v3, l3, 1, 1, la);
	fx_sample_full(&f, &v4, NULL, 0, 1, la);
	return fx_finish(&f);
}

static int64_t kept_sum(const struct hd_view *v)
{
	struct hd_view_summary s;
	hd_view_summary(v, &s);
	int64_t sum = 0;
	for (uint64_t i = 0; i < s.n_samples; i++) {
		struct hd_view_sample vs;
		hd_view_sample(v, i, &vs);
		sum += vs.value;
	}
	return sum;
}

static void test_tag_filters(void **state)
{
	(void)state;
	struct hd_profile *p = label_profile();
	static const struct {
		const char *focus, *ignore;
		int64_t kept;
	} cases[] = {
		{"bytes=64kb:", NULL, 2},
		{"64kb", NULL, 2},
		{":1kb", NULL, 1},
		{"request=4kb", NULL, 4},  /* "request" is a bytes key too */
		{"4kb:", NULL, 6},         /* any numeric label */
		{"region=eu", NULL, 1},
		{"region=u", NULL, 3},     /* regexp: eu and us */
		{"region=^eu$,^us$", NULL, 3},
		{"region:us", NULL, 2},    /* no key: matched against key:value */
		{"region:,eu", NULL, 1},   /* every regexp must match */
		{NULL, "region=eu", 14},
		{NULL, "bytes=:1kb", 14},
		{"bytes=:64kb", "region=us", 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_report_options o;
		hd_report_options_default(&o);
		o.tagfocus = cases[i].focus;
		o.tagignore = cases[i].ignore;
		struct hd_view *v = view_with(p, &o);
		if (kept_sum(v) != cases[i].kept)
			fail_msg("case %zu (%s / %s): kept %lld, want %lld", i,
				 cases[i].focus ? cases[i].focus : "-",
				 cases[i].ignore ? cases[i].ignore : "-", (long long)kept_sum(v),
				 (long long)cases[i].kept);
		hd_view_free(v);
	}
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.tagfocus = "nothing=1";
	o.tagignore = "region=zz";
	struct hd_view *v = view_with(p, &o);
	struct hd_view_summary s;
	hd_view_summary(v, &s);
	assert_int_equal(s.unmatched, HD_FILTER_TAGFOCUS | HD_FILTER_TAGIGNORE);
	hd_view_free(v);
	hd_profile_free(p);
}

/*
 * -tagroot/-tagleaf frames (pprof's addLabelNodes), -relative_percentages
 * totals and -divide_by values on label_profile(): bytes 32 region eu (1),
 * bytes 65536 region us (2), request 4096 (4), no label (8).
 */
static void test_label_frames_relative_divide(void **state)
{
	(void)state;
	struct hd_profile *p = label_profile();
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.tagleaf = "bytes";
	o.tagroot = "region,,request";
	struct hd_view *v = view_with(p, &o);
	/* leaf: bytes; root: region outermost, then request; a frame named ""
	 * (shown as pprof shows it) when the sample has no such label */
	assert_string_equal(stacks(v), "32<main.a<<unknown><eu;65536<main.a<<unknown><us;"
					"<unknown><main.a<4096<<unknown>;"
					"<unknown><main.a<<unknown><<unknown>");
	struct hd_view_summary s;
	hd_view_summary(v, &s);
	assert_int_equal(s.unmatched, 0);
	assert_int_equal(s.total, 15);
	hd_view_free(v);
	/* a key nobody has: frames named "", and the warning bit */
	o.tagroot = "zone";
	o.tagleaf = NULL;
	v = view_with(p, &o);
	assert_string_equal(stacks(v), "main.a<<unknown>;main.a<<unknown>;main.a<<unknown>;"
					"main.a<<unknown>");
	hd_view_summary(v, &s);
	assert_int_equal(s.unmatched, HD_FILTER_TAGROOT);
	hd_view_free(v);
	/* the pseudo frames are frames: -focus sees them */
	o.tagroot = "region";
	o.focus = "^us$";
	v = view_with(p, &o);
	assert_int_equal(kept_sum(v), 2);
	hd_view_summary(v, &s);
	assert_int_equal(s.total, 15); /* of everything */
	hd_view_free(v);
	o.relative_percentages = true;
	v = view_with(p, &o);
	hd_view_summary(v, &s);
	assert_int_equal(s.total, 2); /* of what -focus kept */
	hd_view_free(v);
	/* -divide_by: values shown scaled and truncated, totals too */
	hd_report_options_default(&o);
	o.divide_by = 2;
	o.unit = "B";
	v = view_with(p, &o);
	struct hd_top *t = NULL;
	assert_int_equal(hd_view_top(v, NULL, &t, NULL), HD_OK);
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hd_render_top_json(v, t, &out, &len, NULL), HD_OK);
	assert_non_null(strstr(out, "\"total\": 7,")); /* int64(15 * 0.5) */
	assert_non_null(strstr(out, "\"flat\": 7, \"cum\": 7}"));
	hd_report_text_free(out);
	assert_int_equal(hd_render_top_text(v, t, &out, &len, NULL), HD_OK);
	assert_non_null(strstr(out, "Showing nodes accounting for 7B, 100% of 7B total"));
	hd_report_text_free(out);
	hd_top_free(t);
	hd_view_free(v);
	/* a negative divisor is ignored, as pprof ignores a ratio <= 0 */
	o.divide_by = -2;
	v = view_with(p, &o);
	assert_int_equal(hd_view_top(v, NULL, &t, NULL), HD_OK);
	assert_int_equal(hd_render_top_json(v, t, &out, &len, NULL), HD_OK);
	assert_non_null(strstr(out, "\"total\": 15,"));
	hd_report_text_free(out);
	hd_top_free(t);
	hd_view_free(v);
	hd_profile_free(p);
}

/* The label lines of a -traces report of v (lines with "bytes:" and so on). */
static const char *trace_label_keys(const struct hd_view *v)
{
	static char buf[512];
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hd_render_traces_text(v, &out, &len, NULL), HD_OK);
	size_t o = 0;
	buf[0] = '\0';
	for (const char *line = out; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		const char *colon = memchr(line, ':', n);
		/* "%10s:  values" lines: the key right-aligned before ':' */
		if (colon && colon - line == 10 && n > 12 && colon[1] == ' ' && colon[2] == ' ') {
			const char *k = line;
			while (*k == ' ')
				k++;
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%.*s;", (int)(colon - k), k);
		}
		line = end ? end + 1 : NULL;
	}
	hd_report_text_free(out);
	return buf;
}

/*
 * -tagshow/-taghide (FilterTagsByName) on label_profile(): labels go from
 * the kept samples after -tagfocus, never the samples themselves; the
 * label frames of -tagleaf were made before and stay.
 */
static void test_tag_show_hide(void **state)
{
	(void)state;
	struct hd_profile *p = label_profile();
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.nodefraction = 0;
	struct hd_view *v = view_with(p, &o);
	assert_string_equal(trace_label_keys(v), "region;bytes;region;bytes;request;");
	hd_view_free(v);
	o.taghide = "bytes";
	v = view_with(p, &o);
	assert_string_equal(trace_label_keys(v), "region;region;request;");
	assert_int_equal(kept_sum(v), 15);
	struct hd_view_summary s;
	hd_view_summary(v, &s);
	assert_int_equal(s.unmatched, 0);
	hd_view_free(v);
	o.taghide = NULL;
	o.tagshow = "^re";
	v = view_with(p, &o);
	assert_string_equal(trace_label_keys(v), "region;region;request;");
	hd_view_free(v);
	o.tagshow = "^re";
	o.taghide = "quest";
	o.tagfocus = "region=eu";
	v = view_with(p, &o);
	assert_string_equal(trace_label_keys(v), "region;");
	assert_int_equal(kept_sum(v), 1);
	hd_view_free(v);
	/* nothing matched: every label goes, and the warning bits */
	hd_report_options_default(&o);
	o.tagshow = "zone";
	o.taghide = "zone";
	v = view_with(p, &o);
	assert_string_equal(trace_label_keys(v), "");
	hd_view_summary(v, &s);
	assert_int_equal(s.unmatched, HD_FILTER_TAGSHOW | HD_FILTER_TAGHIDE);
	assert_int_equal(kept_sum(v), 15);
	hd_view_free(v);
	/* -tagleaf made its frames first: hiding the label keeps them */
	hd_report_options_default(&o);
	o.tagleaf = "bytes";
	o.taghide = "bytes";
	v = view_with(p, &o);
	assert_string_equal(stacks(v), "32<main.a;65536<main.a;<unknown><main.a;<unknown><main.a");
	hd_view_free(v);
	struct hd_view *bad = NULL;
	struct hd_error err = {0};
	hd_report_options_default(&o);
	o.tagshow = "(";
	assert_int_equal(hd_view_new(p, &o, &bad, &err), HD_ERR_REGEX);
	assert_non_null(strstr(err.msg, "tagshow"));
	hd_profile_free(p);
}

static void test_sample_index(void **state)
{
	(void)state;
	struct fx f;
	fx_init_types(&f, true, 2, "space/bytes", "objects/count");
	uint32_t fa = fx_fn(&f, "main.a", "/a.go");
	int64_t vals[2] = {100, 3};
	fx_sample_full(&f, vals, NULL, 0, 1, fx_loc1(&f, fa, 1));
	struct hd_profile *p = fx_finish(&f);
	struct hd_report_options o;
	hd_report_options_default(&o);
	struct hd_view_summary s;
	static const struct {
		const char *index;
		uint32_t want;
	} ok[] = {{NULL, 1}, {"", 1}, {"0", 0}, {"1", 1}, {"space", 0}, {"inuse_space", 0},
		  {"inuse_objects", 1}, {"+1", 1}};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		o.sample_index = ok[i].index;
		struct hd_view *v = view_with(p, &o);
		hd_view_summary(v, &s);
		assert_int_equal(s.sample_index, ok[i].want);
		hd_view_free(v);
	}
	struct hd_view *v = NULL;
	struct hd_error err = {0};
	o.sample_index = "alloc_space";
	assert_int_equal(hd_view_new(p, &o, &v, &err), HD_ERR_USAGE);
	assert_string_equal(err.msg, "sample_index \"alloc_space\" must be one of: [space objects]");
	o.sample_index = "2";
	assert_int_equal(hd_view_new(p, &o, &v, &err), HD_ERR_USAGE);
	assert_string_equal(err.msg, "sample_index 2 is outside the range [0..1]");
	o.sample_index = "-1";
	assert_int_equal(hd_view_new(p, &o, &v, &err), HD_ERR_USAGE);
	assert_null(v);
	hd_profile_free(p);

	/* default_sample_type wins over "the last type" */
	fx_init_types(&f, true, 2, "alloc_space/bytes", "inuse_space/bytes");
	hd_builder_set_default_sample_type(f.b, hd_str_c("alloc_space"));
	fx_sample(&f, 1, 1, fx_loc1(&f, fx_fn(&f, "main.a", "/a.go"), 1));
	p = fx_finish(&f);
	v = view_with(p, NULL);
	hd_view_summary(v, &s);
	assert_int_equal(s.sample_index, 0);
	hd_view_free(v);
	hd_profile_free(p);
}

static void test_errors(void **state)
{
	(void)state;
	struct hd_profile *p = tree_profile();
	struct hd_view *v = NULL;
	struct hd_error err = {0};
	struct hd_report_options o;
	static const char *const names[] = {"focus", "ignore", "hide", "show", "show_from",
					    "prune_from", "tagfocus", "tagignore"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		hd_report_options_default(&o);
		const char **slot[] = {&o.focus, &o.ignore, &o.hide, &o.show, &o.show_from,
				       &o.prune_from, &o.tagfocus, &o.tagignore};
		*slot[i] = "main(";
		assert_int_equal(hd_view_new(p, &o, &v, &err), HD_ERR_REGEX);
		char want[64];
		snprintf(want, sizeof(want), "invalid %s regexp 'main('", names[i]);
		assert_non_null(strstr(err.msg, want));
		assert_null(v);
	}
	hd_report_options_default(&o);
	o.tagfocus = "bytes=99999999999999999999";
	assert_int_equal(hd_view_new(p, &o, &v, &err), HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "tagfocus"));
	hd_report_options_default(&o);
	o.nodefraction = 1.5;
	assert_int_equal(hd_view_new(p, &o, &v, &err), HD_ERR_USAGE);
	hd_report_options_default(&o);
	o.granularity = (enum hd_granularity)9;
	assert_int_equal(hd_view_new(p, &o, &v, &err), HD_ERR_USAGE);
	assert_int_equal(hd_view_new(NULL, NULL, &v, &err), HD_ERR_USAGE);
	hd_profile_free(p);

	/* a profile without sample types */
	struct fx f;
	fx_init_types(&f, true, 0);
	p = fx_finish(&f);
	assert_int_equal(hd_view_new(p, NULL, &v, &err), HD_ERR_USAGE);
	assert_string_equal(err.msg, "profile has no samples");
	hd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_focus_ignore),
		cmocka_unit_test(test_hide_show),
		cmocka_unit_test(test_show_from_prune_from),
		cmocka_unit_test(test_drop_frames),
		cmocka_unit_test(test_tag_range_parse),
		cmocka_unit_test(test_tag_filters),
		cmocka_unit_test(test_label_frames_relative_divide),
		cmocka_unit_test(test_tag_show_hide),
		cmocka_unit_test(test_sample_index),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
