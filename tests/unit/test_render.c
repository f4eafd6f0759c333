/*
 * test_render.c - the report renderers (render/text.c, render/json.c):
 * pprof's text layout for -top, -traces and -peek byte for byte (legend
 * lines File/Build ID/comments/Type/Doc/Time/Duration, Active filters with
 * pprof's 80-byte cut, Showing/Dropped lines, column padding, percentages,
 * the unit chosen from the smallest value, inline labels, label lines of
 * traces, the tabwriter blocks of -tags, -list's routines and source
 * lines), escaping of a hostile name, and the JSON shapes.  The expected
 * texts follow pprof's report.go format strings, worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "agg_fixture.h"

/*
 * inuse 3072 in main.inl (inlined into main.alloc) <- main.main with labels
 * region=eu, bytes=1536; 512 in a hostile name <- main.main; 1024 with an
 * empty stack (total only).  Total 4608, shown 3584.
 */
static struct hd_profile *render_profile(void)
{
	struct fx f;
	fx_init_types(&f, true, 2, "alloc_objects/count", "inuse_space/bytes");
	struct hd_mapping m = {0};
	m.filename = hd_str_c("/usr/local/bin/app");
	m.build_id = hd_str_c("abc123");
	f.mapping = hd_builder_add_mapping(f.b, &m);
	hd_builder_set_time(f.b, 1700000000000000000ll, 30000000000ll);
	hd_builder_add_comment(f.b, hd_str_c("note one"));
	hd_builder_add_comment(f.b, hd_str_c("#hidden"));
	hd_builder_set_doc_url(f.b, hd_str_c("https://example.com/doc"));
	uint32_t fm = fx_fn(&f, "main.main", "/src/main.go");
	uint32_t fa = fx_fn(&f, "main.alloc", "/src/alloc.go");
	uint32_t fi = fx_fn(&f, "main.inl", "/src/alloc.go");
	uint32_t fe = fx_fn(&f, "main.\x1b[31mEVIL<b>", "/src/evil.go");
	uint32_t lm = fx_loc1(&f, fm, 5);
	uint32_t la = fx_loc(&f, 0x401000, 2, fi, 12, fa, 20);
	uint32_t le = fx_loc1(&f, fe, 7);
	struct hd_label l1[2] = {fx_str_label("region", "eu"), fx_num_label("bytes", 1536, "")};
	struct hd_label l2[1] = {fx_num_label("bytes", 512, "")};
	int64_t v1[2] = {2, 3072}, v2[2] = {1, 512}, v3[2] = {1, 1024};
	fx_sample_full(&f, v1, l1, 2, 2, la, lm);
	fx_sample_full(&f, v2, l2, 1, 2, le, lm);
	fx_sample_full(&f, v3, NULL, 0, 0);
	return fx_finish(&f);
}

static struct hd_view *view_of(const struct hd_profile *p, const struct hd_report_options *o)
{
	struct hd_view *v = NULL;
	struct hd_error err = {0};
	if (hd_view_new(p, o, &v, &err) != HD_OK)
		fail_msg("hd_view_new: %s", err.msg);
	return v;
}

static const char legend[] = "File: app\n"
			     "Build ID: abc123\n"
			     "note one\n"
			     "Type: inuse_space\n"
			     "Doc: https://example.com/doc\n"
			     "Time: 2023-11-14 22:13:20 UTC\n";

static void test_top_text(void **state)
{
	(void)state;
	struct hd_profile *p = render_profile();
	struct hd_view *v = view_of(p, NULL);
	struct hd_top *t = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_view_top(v, NULL, &t, &err), HD_OK);
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(hd_render_top_text(v, t, &text, &len, &err), HD_OK);
	char want[2048];
	snprintf(want, sizeof(want), "%s%s", legend,
		 "Duration: 30s, Total samples = 4608B \n"
		 "Showing nodes accounting for 3584B, 77.78% of 4608B total\n"
		 "      flat  flat%   sum%        cum   cum%\n"
		 "     3072B 66.67% 66.67%      3072B 66.67%  main.inl (inline)\n"
		 "      512B 11.11% 77.78%       512B 11.11%  main.\\x1b[31mEVIL<b>\n"
		 "         0     0% 77.78%      3072B 66.67%  main.alloc\n"
		 "         0     0% 77.78%      3584B 77.78%  main.main\n");
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));
	assert_null(memchr(text, 0x1b, len)); /* no raw ESC reaches a terminal */
	hd_report_text_free(text);
	hd_top_free(t);

	/* -unit=kB, -nodecount=1, -cum and a long -focus in the legend */
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.unit = "kB";
	o.nodecount = 1;
	o.sort = HD_SORT_CUM;
	o.focus = "main|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	hd_view_free(v);
	v = view_of(p, &o);
	assert_int_equal(hd_view_top(v, NULL, &t, &err), HD_OK);
	assert_int_equal(hd_render_top_text(v, t, &text, &len, &err), HD_OK);
	snprintf(want, sizeof(want), "%s%s", legend,
		 "Duration: 30s, Total samples = 4.50kB \n"
		 "Active filters:\n"
		 /* pprof cuts "focus=..." at 80 bytes and adds an ellipsis */
		 "   focus=main|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		 "\xe2\x80\xa6\n"
		 "Showing nodes accounting for 0, 0% of 4.50kB total\n"
		 "Showing top 1 nodes out of 4\n"
		 "      flat  flat%   sum%        cum   cum%\n"
		 "         0     0%     0%     3.50kB 77.78%  main.main\n");
	assert_string_equal(text, want);
	hd_report_text_free(text);
	hd_top_free(t);
	hd_view_free(v);
	hd_profile_free(p);
}

static void test_top_json(void **state)
{
	(void)state;
	struct hd_profile *p = render_profile();
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.granularity = HD_GRANULARITY_LINES;
	struct hd_view *v = view_of(p, &o);
	struct hd_top *t = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_view_top(v, NULL, &t, &err), HD_OK);
	char *text = NULL;
	assert_int_equal(hd_render_top_json(v, t, &text, NULL, &err), HD_OK);
	assert_string_equal(
		text,
		"{\n"
		"  \"sample_type\": \"inuse_space\",\n"
		"  \"unit\": \"bytes\",\n"
		"  \"total\": 4608,\n"
		"  \"granularity\": \"lines\",\n"
		"  \"shown\": 3584,\n"
		"  \"dropped_nodes\": 0,\n"
		"  \"dropped_cutoff\": 23,\n"
		"  \"orig_count\": 4,\n"
		"  \"rows\": [\n"
		"    {\"name\": \"main.inl\", \"file\": \"/src/alloc.go\", \"line\": 12, \"address\": "
		"\"0x0\", \"display\": \"main.inl /src/alloc.go:12\", \"inline\": true, "
		"\"partial_inline\": false, \"flat\": 3072, \"cum\": 3072},\n"
		"    {\"name\": \"main.\\u001b[31mEVIL<b>\", \"file\": \"/src/evil.go\", \"line\": 7, "
		"\"address\": \"0x0\", \"display\": \"main.\\u001b[31mEVIL<b> /src/evil.go:7\", "
		"\"inline\": false, \"partial_inline\": false, \"flat\": 512, \"cum\": 512},\n"
		"    {\"name\": \"main.alloc\", \"file\": \"/src/alloc.go\", \"line\": 20, \"address\": "
		"\"0x0\", \"display\": \"main.alloc /src/alloc.go:20\", \"inline\": false, "
		"\"partial_inline\": false, \"flat\": 0, \"cum\": 3072},\n"
		"    {\"name\": \"main.main\", \"file\": \"/src/main.go\", \"line\": 5, \"address\": "
		"\"0x0\", \"display\": \"main.main /src/main.go:5\", \"inline\": false, "
		"\"partial_inline\": false, \"flat\": 0, \"cum\": 3584}\n"
		"  ]\n"
		"}\n");
	hd_report_text_free(text);
	hd_top_free(t);
	hd_view_free(v);
	hd_profile_free(p);
}

static void test_traces(void **state)
{
	(void)state;
	struct hd_profile *p = render_profile();
	struct hd_view *v = view_of(p, NULL);
	char *text = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_render_traces_text(v, &text, NULL, &err), HD_OK);
	char want[2048];
	snprintf(want, sizeof(want), "%s%s", legend,
		 "Duration: 30s, Total samples = 4.50kB \n"
		 "-----------+-------------------------------------------------------\n"
		 "    region:  eu\n"
		 "     bytes:  1.50kB\n"
		 "       3kB   main.inl (inline)\n"
		 "             main.alloc\n"
		 "             main.main\n"
		 "-----------+-------------------------------------------------------\n"
		 "     bytes:  512B\n"
		 "      512B   main.\\x1b[31mEVIL<b>\n"
		 "             main.main\n"
		 "-----------+-------------------------------------------------------\n");
	assert_string_equal(text, want);
	hd_report_text_free(text);
	assert_int_equal(hd_render_traces_json(v, &text, NULL, &err), HD_OK);
	assert_non_null(strstr(text, "\"value\": 3072, \"labels\": {\"region\": [\"eu\"]}, "
				     "\"num_labels\": {\"bytes\": [1536]}, \"frames\": ["));
	assert_non_null(strstr(text, "\"display\": \"main.inl\", \"inline\": true}"));
	hd_report_text_free(text);
	hd_view_free(v);
	hd_profile_free(p);
}

static void test_peek(void **state)
{
	(void)state;
	struct hd_profile *p = render_profile();
	struct hd_view *v = view_of(p, NULL);
	struct hd_peek *pk = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_view_peek(v, NULL, "main\\.alloc", &pk, &err), HD_OK);
	char *text = NULL;
	assert_int_equal(hd_render_peek_text(v, pk, &text, NULL, &err), HD_OK);
	char want[4096];
	snprintf(want, sizeof(want), "%s%s", legend,
		 "Duration: 30s, Total samples = 4608B \n"
		 "Showing nodes accounting for 3584B, 77.78% of 4608B total\n"
		 "----------------------------------------------------------+-------------\n"
		 "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t \n"
		 "----------------------------------------------------------+-------------\n"
		 "                                             3072B   100% |   main.main\n"
		 "         0     0%     0%      3072B 66.67%                | main.alloc\n"
		 "                                             3072B   100% |   main.inl (inline)\n"
		 "----------------------------------------------------------+-------------\n");
	assert_string_equal(text, want);
	hd_report_text_free(text);
	assert_int_equal(hd_render_peek_json(v, pk, &text, NULL, &err), HD_OK);
	assert_non_null(strstr(text, "\"callers\": [\n        {\"name\": \"main.main\""));
	assert_non_null(strstr(text, "\"weight\": 3072, \"inline\": true, \"residual\": false}"));
	hd_report_text_free(text);
	hd_peek_free(pk);
	hd_view_free(v);
	hd_profile_free(p);
}

/*
 * -tags: keys in byte order (a UTF-8 key is aligned by runes), values by
 * sum; the numeric bytes=1536 prints as "1.50kB", so a string label
 * "1.50kB" is the same entry; a hostile value is escaped; samples without
 * labels count only in the total (4608).
 */
static struct hd_profile *tags_profile(int64_t scale)
{
	struct fx f;
	fx_init_types(&f, true, 1, "inuse_space/bytes");
	uint32_t lm = fx_loc1(&f, fx_fn(&f, "main.main", "/src/main.go"), 5);
	struct hd_label la[3] = {fx_str_label("region", "eu"), fx_num_label("bytes", 1536, ""),
				 fx_str_label("\xce\xba\xce\xbb\xce\xb5\xce\xb9\xce\xb4\xce\xaf",
					      "\x1b[31mx")};
	struct hd_label lb[2] = {fx_num_label("bytes", 512, ""), fx_str_label("bytes", "1.50kB")};
	int64_t va = 3072 * scale, vb = 512 * scale, vc = 1024 * scale;
	fx_sample_full(&f, &va, la, 3, 1, lm);
	fx_sample_full(&f, &vb, lb, 2, 1, lm);
	fx_sample_full(&f, &vc, NULL, 0, 1, lm);
	return fx_finish(&f);
}

static void test_tags(void **state)
{
	(void)state;
	struct hd_profile *p = tags_profile(1);
	struct hd_view *v = view_of(p, NULL);
	struct hd_error err = {0};
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(hd_render_tags_text(v, &text, &len, &err), HD_OK);
	assert_string_equal(text, " bytes: Total 4kB of 4.50kB (88.89%)\n"
				  "        3.50kB (77.78%): 1.50kB\n"
				  "          512B (11.11%): 512B\n"
				  "\n"
				  " region: Total 3kB of 4.50kB (66.67%)\n"
				  "         3kB (66.67%): eu\n"
				  "\n"
				  " \xce\xba\xce\xbb\xce\xb5\xce\xb9\xce\xb4\xce\xaf: Total 3kB of 4.50kB (66.67%)\n"
				  "         3kB (66.67%): \\x1b[31mx\n"
				  "\n");
	assert_int_equal(len, strlen(text));
	hd_report_text_free(text);
	assert_int_equal(hd_render_tags_json(v, &text, NULL, &err), HD_OK);
	assert_non_null(strstr(text, "\"total\": 4608,\n  \"tags\": [\n"
				     "    {\"key\": \"bytes\", \"total\": 4096, \"values\": [\n"
				     "      {\"num\": 1536, \"unit\": \"bytes\", \"value\": 3072},\n"
				     "      {\"num\": 512, \"unit\": \"bytes\", \"value\": 512},\n"
				     "      {\"str\": \"1.50kB\", \"value\": 512}]},\n"));
	assert_non_null(strstr(text, "{\"str\": \"\\u001b[31mx\", \"value\": 3072}]}\n  ]\n}\n"));
	hd_report_text_free(text);
	hd_view_free(v);

	/* -tagfocus keeps sample a; -tagshow keeps the key "region" only. */
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.tagfocus = "region=eu";
	o.tagshow = "^reg";
	v = view_of(p, &o);
	assert_int_equal(hd_render_tags_text(v, &text, NULL, &err), HD_OK);
	assert_string_equal(text, " region: Total 3kB of 4.50kB (66.67%)\n"
				  "         3kB (66.67%): eu\n"
				  "\n");
	hd_report_text_free(text);
	hd_view_free(v);

	/* Nothing with a label: empty. */
	o.tagshow = "nosuchkey";
	v = view_of(p, &o);
	assert_int_equal(hd_render_tags_text(v, &text, &len, &err), HD_OK);
	assert_string_equal(text, "");
	assert_int_equal(len, 0);
	hd_report_text_free(text);
	assert_int_equal(hd_render_tags_json(v, &text, NULL, &err), HD_OK);
	assert_non_null(strstr(text, "\"tags\": []\n}\n"));
	hd_report_text_free(text);
	hd_view_free(v);
	hd_profile_free(p);

	/* A zero total: no percentages (printTags' other format). */
	p = tags_profile(0);
	v = view_of(p, NULL);
	assert_int_equal(hd_render_tags_text(v, &text, NULL, &err), HD_OK);
	assert_non_null(strstr(text, " bytes: Total 0 of 0\n"
				     "        0: 1.50kB\n"
				     "        0: 512B\n\n"));
	hd_report_text_free(text);
	hd_view_free(v);
	hd_profile_free(p);
}

/* -list's source files: /src/alloc.go has 18 lines "s1".."s18" (line 12
 * with a tab and an escape sequence); anything else cannot be opened. */
static int fake_source(void *ctx, const char *file, int64_t line, const char **text_ret,
		       size_t *len_ret)
{
	static char buf[64];
	(void)ctx;
	if (strcmp(file, "/src/alloc.go") != 0) {
		*text_ret = "open /src/evil.go: no such file or directory";
		return -1;
	}
	if (line < 1 || line > 18)
		return 0;
	snprintf(buf, sizeof(buf), line == 12 ? "\ts%d\x1b[2J" : "s%d", (int)line);
	*text_ret = buf;
	*len_ret = strlen(buf);
	return 1;
}

static void test_list(void **state)
{
	(void)state;
	struct hd_profile *p = render_profile();
	struct hd_report_options o;
	hd_report_options_default(&o);
	o.granularity = HD_GRANULARITY_LINES;
	o.obj_names = true;
	struct hd_view *v = view_of(p, &o);
	struct hd_list *list = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_view_list(v, NULL, "main\\.(alloc|inl)|EVIL", &list, &err), HD_OK);
	assert_int_equal(list->n_files, 3);
	char *text = NULL;
	assert_int_equal(hd_render_list_text(v, list, fake_source, NULL, &text, NULL, &err), HD_OK);
	/* Functions by name (ESC sorts first); main.alloc from line 20 - 5,
	 * cut at the file's last line; main.inl from 12 - 5 to 12 + 5. */
	assert_string_equal(text,
			    "Total: 4.50kB\n"
			    "ROUTINE ======================== main.\\x1b[31mEVIL<b> in /src/evil.go\n"
			    "      512B       512B (flat, cum) 11.11% of Total\n"
			    " Error: open /src/evil.go: no such file or directory\n"
			    "ROUTINE ======================== main.alloc in /src/alloc.go\n"
			    "         0        3kB (flat, cum) 66.67% of Total\n"
			    "         .          .     15:s15\n"
			    "         .          .     16:s16\n"
			    "         .          .     17:s17\n"
			    "         .          .     18:s18\n"
			    "ROUTINE ======================== main.inl in /src/alloc.go\n"
			    "       3kB        3kB (flat, cum) 66.67% of Total\n"
			    "         .          .      7:s7\n"
			    "         .          .      8:s8\n"
			    "         .          .      9:s9\n"
			    "         .          .     10:s10\n"
			    "         .          .     11:s11\n"
			    "       3kB        3kB     12:\ts12\\x1b[2J\n"
			    "         .          .     13:s13\n"
			    "         .          .     14:s14\n"
			    "         .          .     15:s15\n"
			    "         .          .     16:s16\n"
			    "         .          .     17:s17\n");
	hd_report_text_free(text);
	assert_int_equal(hd_render_list_json(v, list, &text, NULL, &err), HD_OK);
	assert_non_null(strstr(text, "{\"function\": \"main.inl\", \"file\": \"/src/alloc.go\", "
				     "\"flat\": 3072, \"cum\": 3072, \"lines\": [{\"line\": 12, "
				     "\"flat\": 3072, \"cum\": 3072}]}"));
	hd_report_text_free(text);
	hd_list_free(list);
	assert_int_equal(hd_view_list(v, NULL, "zzz", &list, &err), HD_OK);
	assert_int_equal(list->n_files, 0);
	hd_list_free(list);
	assert_int_equal(hd_view_list(v, NULL, "(", &list, &err), HD_ERR_REGEX);
	hd_view_free(v);
	hd_profile_free(p);

	/* A function without a file: "No source information"; its JSON file
	 * is "" (it was a NULL string until the pipeline fuzzer said so). */
	struct fx f;
	fx_init_types(&f, true, 1, "inuse_space/bytes");
	uint32_t ln = fx_loc1(&f, fx_fn(&f, "main.nofile", ""), 3);
	fx_sample(&f, 100, 1, ln);
	p = fx_finish(&f);
	v = view_of(p, &o);
	assert_int_equal(hd_view_list(v, NULL, "nofile", &list, &err), HD_OK);
	assert_int_equal(hd_render_list_text(v, list, fake_source, NULL, &text, NULL, &err), HD_OK);
	assert_string_equal(text, "Total: 100B\nNo source information for main.nofile\n");
	hd_report_text_free(text);
	assert_int_equal(hd_render_list_json(v, list, &text, NULL, &err), HD_OK);
	assert_non_null(strstr(text, "{\"function\": \"main.nofile\", \"file\": \"\", \"flat\": 100, "
				     "\"cum\": 100, \"lines\": []}"));
	hd_report_text_free(text);
	hd_list_free(list);
	hd_view_free(v);
	hd_profile_free(p);
}

static void test_render_errors(void **state)
{
	(void)state;
	char *text = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_render_top_text(NULL, NULL, &text, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_render_top_json(NULL, NULL, &text, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_render_traces_text(NULL, &text, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_render_traces_json(NULL, &text, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_render_peek_text(NULL, NULL, &text, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_render_peek_json(NULL, NULL, &text, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_render_tags_text(NULL, &text, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_render_tags_json(NULL, &text, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_render_list_text(NULL, NULL, NULL, NULL, &text, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_render_list_json(NULL, NULL, &text, NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_view_list(NULL, NULL, ".", NULL, &err), HD_ERR_USAGE);
	assert_int_equal(hd_view_top(NULL, NULL, NULL, &err), HD_ERR_USAGE);
	assert_null(text);
	hd_report_text_free(NULL);
	hd_top_free(NULL);
	hd_peek_free(NULL);
	hd_view_free(NULL);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_text),
		cmocka_unit_test(test_top_json),
		cmocka_unit_test(test_traces),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_render_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
