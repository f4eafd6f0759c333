/*
 * fuzz_pipeline.c - libFuzzer target: the whole pipeline on one input,
 * decode -> aggregate -> render, through the public API only.  The first
 * byte chooses options (sample index, line granularity, no inlines, label
 * frames, relative percentages and a divisor, label show/hide); the
 * rest is a profile in any format.  Every renderer runs on what decoded:
 * pprof's reports (a view with the chosen granularity, then top, traces,
 * peek, tree, tags and list as text and JSON), folded stacks and the SVG flame graph (each
 * checked for what the header promises: no raw control bytes from names),
 * and the proto writer, whose output must decode again to a profile with
 * the same number of sample types.  The diagnosis runs too (classification
 * against the Go runtime models of the version the options byte picks, one
 * profile or the input twice as a series, a source-line supplier returning
 * a hostile line) and is rendered as text, markdown and JSON.  Renderers and
 * analyses added to the public API are added here
 * The profile is also merged (scaled, as a base, normalised), selected with
 * `merge -o`'s stack edits, and analysed as a trend series.  An input may
 * hold a second profile after the separator SPLIT ("HD-SPLIT", in the
 * dictionary): the base of the merge, the second snapshot of the trend and
 * of the diagnosis series are then that one, so profiles that disagree
 * (sample types, units, periods, names) are combined; without it, or when
 * it does not decode, the first profile is used again.
 * (docs/internals/fuzzing.md).
 */
#define _GNU_SOURCE /* memmem */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

#define SPLIT "HD-SPLIT"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Control bytes other than \n and \t never reach an output. */
static void check_no_controls(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		FUZZ_CHECK(!(c < 0x20 && c != '\n' && c != '\t' && c != '\r') && c != 0x7f);
	}
}

/* JSON: RFC 8259 requires C0 controls escaped; DEL may stay raw (as Go's
 * encoding/json leaves it). */
static void check_json_controls(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		FUZZ_CHECK(!(c < 0x20 && c != '\n' && c != '\t' && c != '\r'));
	}
}

static void check_report(enum hd_status st, char *out, size_t len, bool json)
{
	if (st != HD_OK)
		return;
	FUZZ_CHECK(out != NULL && out[len] == '\0');
	if (json)
		check_json_controls(out, len);
	else
		check_no_controls(out, len);
	hd_report_text_free(out);
}

/* -list's source files as the CLI reads them, with what an attacker could
 * put in one: an escape sequence, markup, a DEL, a tab; files whose name
 * starts with 'e' cannot be read, others have 40 lines. */
static int list_source(void *ctx, const char *file, int64_t line, const char **text_ret,
		       size_t *len_ret)
{
	(void)ctx;
	static const char text[] = "\tx := \x1b]0;t\x07<b>\x7f";
	if (file[0] == 'e' || file[0] == '/') {
		*text_ret = "open e: \x1b[2J no such file";
		return -1;
	}
	if (line < 1 || line > 40)
		return 0;
	*text_ret = text;
	*len_ret = sizeof(text) - 1;
	return 1;
}

/* pprof's reports: the aggregation (hashtab, node table, filters) and the
 * text/JSON renderers behind top, traces, peek, tree, tags and list. */
static void run_reports(const struct hd_profile *p, uint8_t opt)
{
	static const enum hd_granularity grans[] = {
		HD_GRANULARITY_FUNCTIONS, HD_GRANULARITY_FILEFUNCTIONS, HD_GRANULARITY_FILES,
		HD_GRANULARITY_LINES, HD_GRANULARITY_ADDRESSES};
	struct hd_report_options ro;
	hd_report_options_default(&ro);
	char index[16];
	if (p->n_sample_types) {
		snprintf(index, sizeof(index), "%u", (unsigned)(opt % p->n_sample_types));
		ro.sample_index = index;
	}
	ro.granularity = grans[(opt >> 2) % 5];
	ro.noinlines = opt & 0x20;
	ro.sort = (opt & 0x80) ? HD_SORT_CUM : HD_SORT_FLAT;
	ro.nodefraction = (opt & 0x40) ? 0 : 0.005;
	if (opt & 0x10) { /* label values as frames */
		ro.tagleaf = "bytes";
		ro.tagroot = "region,,request";
		ro.taghide = "^request$";
	}
	if (opt & 0x02) {
		ro.relative_percentages = true;
		ro.focus = "a";
		ro.divide_by = 3;
		ro.tagshow = "e";
	}
	if (opt & 0x01) { /* file names: -trim_path, else -source_path */
		if (opt & 0x10)
			ro.trim_path = "/a::b/:/proc/self/cwd";
		else
			ro.source_path = "/w/app:/x/src/::/";
	}
	struct hd_view *v = NULL;
	struct hd_error err;
	if (hd_view_new(p, &ro, &v, &err) != HD_OK)
		return;
	struct hd_view_summary sum;
	hd_view_summary(v, &sum);
	FUZZ_CHECK(sum.sample_index < p->n_sample_types);
	char *out = NULL;
	size_t len = 0;
	struct hd_top *top = NULL;
	if (hd_view_top(v, NULL, &top, &err) == HD_OK) {
		for (uint32_t i = 0; i < top->n_rows; i++)
			FUZZ_CHECK(hd_view_node(v, top->rows[i].node) != NULL);
		check_report(hd_render_top_text(v, top, &out, &len, &err), out, len, false);
		check_report(hd_render_top_json(v, top, &out, &len, &err), out, len, true);
		hd_top_free(top);
	}
	check_report(hd_render_traces_text(v, &out, &len, &err), out, len, false);
	check_report(hd_render_traces_json(v, &out, &len, &err), out, len, true);
	check_report(hd_render_tags_text(v, &out, &len, &err), out, len, false);
	check_report(hd_render_tags_json(v, &out, &len, &err), out, len, true);
	struct hd_peek *peek = NULL;
	if (hd_view_peek(v, NULL, ".", &peek, &err) == HD_OK) {
		check_report(hd_render_peek_text(v, peek, &out, &len, &err), out, len, false);
		check_report(hd_render_peek_json(v, peek, &out, &len, &err), out, len, true);
		hd_peek_free(peek);
	}
	if (hd_view_tree(v, NULL, &peek, &err) == HD_OK) {
		check_report(hd_render_peek_text(v, peek, &out, &len, &err), out, len, false);
		check_report(hd_render_peek_json(v, peek, &out, &len, &err), out, len, true);
		hd_peek_free(peek);
	}
	struct hd_list *list = NULL;
	if (hd_view_list(v, NULL, ".?", &list, &err) == HD_OK) {
		check_report(hd_render_list_text(v, list, list_source, NULL, &out, &len, &err), out,
			     len, false);
		check_report(hd_render_list_json(v, list, &out, &len, &err), out, len, true);
		hd_list_free(list);
	}
	hd_view_free(v);
}

static void run_renderers(const struct hd_profile *p, uint8_t opt)
{
	struct hd_flame_options fo;
	hd_flame_options_default(&fo);
	fo.sample_index = p->n_sample_types ? (int)(opt % (p->n_sample_types + 1)) - 1 : -1;
	fo.lines = opt & 0x10;
	fo.noinlines = opt & 0x20;
	fo.max_frames = 200;
	char *out = NULL;
	size_t len = 0;
	struct hd_error err;
	if (hd_render_folded(p, &fo, &out, &len, &err) == HD_OK) {
		FUZZ_CHECK(out != NULL && out[len] == '\0');
		check_no_controls(out, len);
		hd_bytes_free(out);
	}
	out = NULL;
	if (hd_render_flame_svg(p, &fo, &out, &len, &err) == HD_OK) {
		FUZZ_CHECK(out != NULL && out[len] == '\0');
		check_no_controls(out, len);
		FUZZ_CHECK(strstr(out, "<script>alert") == NULL);
		hd_bytes_free(out);
	}
	void *pb = NULL;
	if (hd_profile_write_proto(p, (opt & 0x40) != 0, &pb, &len, &err) == HD_OK) {
		struct hd_profile *again = fuzz_parse(pb, len);
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK(again->n_sample_types == p->n_sample_types);
		FUZZ_CHECK(again->n_samples <= p->n_samples);
		hd_profile_free(again);
		hd_bytes_free(pb);
	}
}

/* A source line as --source-root would supply it, with what an attacker
 * could put in a file: an escape sequence, markup, a DEL. */
static const char *hostile_line(void *ctx, const char *file, int64_t line)
{
	(void)ctx;
	(void)file;
	return (line & 1) ? "\tbuf = append(buf, x) // \x1b]0;t\x07<script>\x7f" :
			    "\tm := make(map[string]*T, n) + \"\x1b[2J\"";
}

/* hd_diagnose on the profile (or on it twice, as a series of snapshots),
 * under the Go version the options byte picks, rendered in every format. */
static void run_diagnosis(const struct hd_profile *p, const struct hd_profile *q, uint8_t opt)
{
	static const int minors[] = {0, 17, 21, 22, 23, 24, 26, 0};
	struct hd_diagnose_options dopts;
	hd_diagnose_options_default(&dopts);
	dopts.go_minor = minors[(opt >> 1) & 7];
	if (opt & 0x80) {
		dopts.source_line = hostile_line;
		dopts.source_ctx = NULL;
	}
	const struct hd_profile *series[2] = {p, q};
	size_t n = (opt & 0x10) ? 2 : 1;
	struct hd_diagnosis *d = NULL;
	struct hd_error err;
	if (hd_diagnose(series, n, NULL, &dopts, &d, &err) != HD_OK) {
		FUZZ_CHECK(err.code != HD_ERR_INTERNAL && err.msg[0] != '\0');
		return;
	}
	static const enum hd_diagnosis_format formats[] = {HD_DIAG_TEXT, HD_DIAG_MARKDOWN,
							   HD_DIAG_JSON};
	for (size_t i = 0; i < 3; i++) {
		char *out = NULL;
		size_t len = 0;
		if (hd_diagnosis_render(d, formats[i], NULL, &out, &len, &err) != HD_OK)
			continue;
		FUZZ_CHECK(out != NULL && out[len] == '\0');
		if (formats[i] == HD_DIAG_JSON)
			check_json_controls(out, len);
		else
			check_no_controls(out, len);
		free(out);
	}
	hd_diagnosis_free(d);
}

/* The profile merged with q (itself, or the input's second profile) -
 * scaled, q negated as a base, marked as a -diff_base, normalised to q -
 * and a selection of it with pprof's stack edits: every result must encode
 * and decode again; merged sample types are at most the first input's
 * (the same ones when q is p). */
static void run_merge(const struct hd_profile *p, const struct hd_profile *q, uint8_t opt)
{
	struct hd_error err;
	double scales[64];
	bool normalized = p->n_sample_types <= 64 && (opt & 0x04) &&
			  hd_profile_normalize_scales(p, q, scales, &err) == HD_OK;
	struct hd_merge_input in[3] = {
		{p, (opt & 0x08) ? 0.5 : 1, normalized ? scales : NULL, false},
		{q, -1, NULL, (opt & 0x01) != 0},
		{p, 3, NULL, false},
	};
	struct hd_profile *m = NULL;
	if (hd_profile_merge(in, (opt & 0x20) ? 3 : 2, &m, &err) == HD_OK) {
		FUZZ_CHECK(q == p ? m->n_sample_types == p->n_sample_types
				  : m->n_sample_types <= p->n_sample_types);
		void *pb = NULL;
		size_t len = 0;
		if (hd_profile_write_proto(m, false, &pb, &len, &err) == HD_OK) {
			struct hd_profile *again = fuzz_parse(pb, len);
			FUZZ_CHECK(again != NULL);
			hd_profile_free(again);
			hd_bytes_free(pb);
		}
		hd_profile_free(m);
	} else {
		FUZZ_CHECK(err.code != HD_ERR_INTERNAL && err.msg[0] != '\0');
	}
	/* every other sample, with the edits `merge -o` applies */
	uint8_t *keep = malloc(p->n_samples + 1);
	if (!keep)
		return;
	for (uint64_t i = 0; i < p->n_samples; i++)
		keep[i] = (uint8_t)((i + opt) & 1);
	struct hd_report_options ro;
	hd_report_options_default(&ro);
	ro.hide = (opt & 0x40) ? "runtime|\\.go$" : NULL;
	ro.show_from = (opt & 0x80) ? "main" : NULL;
	ro.prune_from = (opt & 0x02) ? "a" : NULL;
	ro.tagshow = (opt & 0x10) ? "^[a-m]" : NULL;
	ro.taghide = (opt & 0x20) ? "bytes" : NULL;
	struct hd_profile *sel = NULL;
	if (hd_profile_select(p, keep, &ro, &sel, &err) == HD_OK) {
		FUZZ_CHECK(sel->n_samples <= p->n_samples);
		/* merge -divide_by -o: values divided in place, as written */
		hd_profile_divide_values(sel, (opt & 0x04) ? 3 : 1e-300);
		hd_profile_free(sel);
	}
	free(keep);
}

/* hd_trend_analyze on the series p, q (q may be p), rendered. */
static void run_trend(const struct hd_profile *p, const struct hd_profile *q, uint8_t opt)
{
	struct hd_trend_snapshot snaps[2] = {{p, 1000000000, "a\x1b[2J"}, {q, (opt & 1) ? 0 : 61000000000, "b"}};
	struct hd_trend_options to;
	hd_trend_options_default(&to);
	to.limit_bytes = (opt & 0x10) ? 1 << 20 : 0;
	struct hd_trend_report *rep = NULL;
	struct hd_error err;
	if (hd_trend_analyze(snaps, 2, &to, NULL, &rep, &err) != HD_OK)
		return;
	static const enum hd_trend_format formats[] = {HD_TREND_TEXT, HD_TREND_JSON};
	for (size_t i = 0; i < 2; i++) {
		char *out = NULL;
		size_t len = 0;
		if (hd_trend_render(rep, formats[i], NULL, &out, &len, &err) != HD_OK)
			continue;
		FUZZ_CHECK(out != NULL && out[len] == '\0');
		if (formats[i] == HD_TREND_JSON)
			check_json_controls(out, len);
		else
			check_no_controls(out, len);
		free(out);
	}
	hd_trend_report_free(rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint8_t opt = data[0];
	const uint8_t *body = data + 1;
	size_t n = size - 1, n_first = n;
	const uint8_t *cut = memmem(body, n, SPLIT, sizeof(SPLIT) - 1);
	if (cut)
		n_first = (size_t)(cut - body);
	struct hd_profile *p = fuzz_parse(body, n_first);
	if (!p)
		return 0;
	struct hd_profile *second = NULL;
	if (cut) {
		size_t skip = n_first + sizeof(SPLIT) - 1;
		second = fuzz_parse(body + skip, n - skip);
	}
	const struct hd_profile *q = second ? second : p;
	run_reports(p, opt);
	run_renderers(p, opt);
	run_diagnosis(p, q, opt);
	run_merge(p, q, opt);
	run_trend(p, q, opt);
	hd_profile_free(second);
	hd_profile_free(p);
	return 0;
}
