/*
 * test_folded.c - unit tests of hd_render_folded (src/lib/render/folded.c
 * and the call tree of flame_tree.c): exact folded text for a small
 * profile, inline frames as frames of their own, -noinlines, -lines, the
 * two-column differential form, caller-supplied weights, escaping of ';',
 * control bytes and invalid UTF-8 in names, rendering from an agg view
 * (filters applied), and the error paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "common.h"
#include "model/builder.h"

/*
 * Profile with one type inuse_space and samples given as stacks of
 * "leaf;...;root"; a location of the form "a+b" holds two lines (a inlined
 * into b).  Values per sample from `values`.
 */
static struct hd_profile *make(const char *const *stacks, const int64_t *values, size_t n)
{
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("inuse_space"), hd_str_c("bytes"));
	for (size_t s = 0; s < n; s++) {
		uint32_t locs[32], nl = 0;
		char *copy = strdup(stacks[s]);
		char *save = NULL;
		for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
			struct hd_line lines[4];
			uint32_t nlines = 0;
			char *save2 = NULL;
			for (char *fn = strtok_r(tok, "+", &save2); fn; fn = strtok_r(NULL, "+", &save2)) {
				struct hd_function f = {0};
				f.name = hd_str_c(fn);
				f.filename = hd_str_c("x.go");
				lines[nlines].function = hd_builder_intern_function(b, &f);
				lines[nlines].line = 10 + (int64_t)nlines;
				lines[nlines].column = 0;
				nlines++;
			}
			uint64_t addr = 0x1000 + nl;
			locs[nl] = hd_builder_intern_location(b, HD_NONE, addr, false, lines, nlines);
			nl++;
		}
		free(copy);
		hd_builder_add_sample(b, locs, nl, &values[s], NULL, 0);
	}
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	return p;
}

static char *folded(const struct hd_profile *p, const struct hd_flame_options *o)
{
	char *out;
	size_t len;
	assert_int_equal(hd_render_folded(p, o, &out, &len, NULL), HD_OK);
	assert_int_equal(strlen(out), len);
	return out;
}

static void test_basic(void **state)
{
	(void)state;
	static const char *const stacks[] = {
		"malloc;main.f;main.main",
		"malloc;main.f;main.main",
		"main.g;main.main",
		"main.main",
		"malloc;main.f;main.main",
		"x;main.main",
	};
	static const int64_t values[] = {100, 20, 7, 3, 1, 0};
	struct hd_profile *p = make(stacks, values, 6);
	char *out = folded(p, NULL);
	assert_string_equal(out, "main.main 3\n"
				 "main.main;main.f;malloc 121\n"
				 "main.main;main.g 7\n");
	hd_bytes_free(out);
	/* caller weights replace the values (a filter zeroed two samples) */
	static const int64_t w[] = {0, 0, 7, 3, 1, 5};
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	o.weights = w;
	out = folded(p, &o);
	assert_string_equal(out, "main.main 3\n"
				 "main.main;main.f;malloc 1\n"
				 "main.main;main.g 7\n"
				 "main.main;x 5\n");
	hd_bytes_free(out);
	hd_profile_free(p);
}

static void test_inline_lines_noinlines(void **state)
{
	(void)state;
	static const char *const stacks[] = {"make+main.f;main.main"};
	static const int64_t values[] = {64};
	struct hd_profile *p = make(stacks, values, 1);
	char *out = folded(p, NULL);
	assert_string_equal(out, "main.main;main.f;make 64\n");
	hd_bytes_free(out);
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	o.noinlines = true;
	out = folded(p, &o);
	assert_string_equal(out, "main.main;main.f 64\n");
	hd_bytes_free(out);
	o.noinlines = false;
	o.lines = true;
	out = folded(p, &o);
	assert_string_equal(out, "main.main x.go:10;main.f x.go:11;make x.go:10 64\n");
	hd_bytes_free(out);
	hd_profile_free(p);
}

static void test_diff_two_columns(void **state)
{
	(void)state;
	static const char *const stacks[] = {"a;main.main", "a;main.main", "b;main.main",
					     "c;main.main"};
	/* a grew by 10 but the base part is a separate sample: both shown */
	static const int64_t values[] = {30, -20, -5, 8};
	struct hd_profile *p = make(stacks, values, 4);
	char *out = folded(p, NULL);
	assert_string_equal(out, "main.main;a 20 30\n"
				 "main.main;b 5 0\n"
				 "main.main;c 0 8\n");
	hd_bytes_free(out);
	hd_profile_free(p);
}

static void test_escaping(void **state)
{
	(void)state;
	static const char *const stacks[] = {"semi;colon;main.main"};
	static const int64_t values[] = {1};
	struct hd_profile *p = make(stacks, values, 1);
	hd_profile_free(p);
	/* names with ';', a control byte, invalid UTF-8 and valid UTF-8 */
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("inuse_space"), hd_str_c("bytes"));
	static const char *names[] = {"a;b", "esc\x1b[31m", "bad\xff\xc3", "caf\xc3\xa9"};
	uint32_t locs[4];
	for (int i = 0; i < 4; i++) {
		struct hd_function f = {0};
		f.name = hd_str_c(names[i]);
		struct hd_line ln = {hd_builder_intern_function(b, &f), 1, 0};
		locs[i] = hd_builder_add_location(b, HD_NONE, 0x10 + (uint64_t)i, false, &ln, 1);
	}
	int64_t v = 9;
	hd_builder_add_sample(b, locs, 4, &v, NULL, 0);
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	char *out = folded(p, NULL);
	assert_string_equal(out, "caf\xc3\xa9;bad\\xff\\xc3;esc\\x1b[31m;a\\x3bb 9\n");
	hd_bytes_free(out);
	hd_profile_free(p);
}

static void test_view(void **state)
{
	(void)state;
	static const char *const stacks[] = {"malloc;main.f;main.main", "main.g;main.main",
					     "malloc;main.h;main.main"};
	static const int64_t values[] = {100, 7, -30};
	struct hd_profile *p = make(stacks, values, 3);
	struct hd_report_options ro;
	hd_report_options_default(&ro);
	ro.focus = "malloc";
	ro.hide = "main\\.main";
	struct hd_view *v;
	assert_int_equal(hd_view_new(p, &ro, &v, NULL), HD_OK);
	char *out;
	size_t len;
	assert_int_equal(hd_render_folded_view(v, NULL, &out, &len, NULL), HD_OK);
	/* main.g filtered out by -focus, main.main hidden; diff form (a
	 * negative weight) */
	assert_string_equal(out, "main.f;malloc 0 100\n"
				 "main.h;malloc 30 0\n");
	hd_bytes_free(out);
	char *svg;
	assert_int_equal(hd_render_flame_svg_view(v, NULL, &svg, &len, NULL), HD_OK);
	assert_non_null(strstr(svg, "<title>main.f\nnet 100 bytes"));
	assert_null(strstr(svg, "<title>main.g"));
	hd_bytes_free(svg);
	hd_view_free(v);
	assert_int_equal(hd_render_folded_view(NULL, NULL, &out, &len, NULL), HD_ERR_USAGE);
	hd_profile_free(p);
}

static void test_errors(void **state)
{
	(void)state;
	static const char *const stacks[] = {"a;main.main"};
	static const int64_t values[] = {1};
	struct hd_profile *p = make(stacks, values, 1);
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	o.sample_index = 3;
	char *out;
	size_t len;
	struct hd_error err = {0};
	assert_int_equal(hd_render_folded(p, &o, &out, &len, &err), HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(hd_render_folded(NULL, NULL, &out, &len, &err), HD_ERR_USAGE);
	for (long n = 0;; n++) {
		hd_alloc_fail_after(n);
		enum hd_status st = hd_render_folded(p, NULL, &out, &len, NULL);
		hd_alloc_fail_after(-1);
		if (st == HD_OK) {
			hd_bytes_free(out);
			break;
		}
		assert_int_equal(st, HD_ERR_NOMEM);
	}
	hd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_inline_lines_noinlines),
		cmocka_unit_test(test_diff_two_columns),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_view),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
