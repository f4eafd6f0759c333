/*
 * test_model.c - unit tests of the model helpers declared in heapdoc.h:
 * pprof's default sample index (default_sample_type if set and present,
 * else the last type), sample type lookup with the legacy inuse_ prefix,
 * sample values, numeric labels, and hd_profile_free(NULL).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "model/builder.h"

/* A profile with the given sample types (and default) and one sample. */
static struct hd_profile *make(const char *const *types, int n, const char *dflt)
{
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	for (int i = 0; i < n; i++)
		hd_builder_add_sample_type(b, hd_str_c(types[i]), hd_str_c("count"));
	if (dflt)
		hd_builder_set_default_sample_type(b, hd_str_c(dflt));
	int64_t v[4] = {10, 20, 30, 40};
	struct hd_label l[3] = {
		{.key = hd_str_c("kind"), .str = hd_str_c("x")},
		{.key = hd_str_c("bytes"), .num = 64, .is_num = true},
		{.key = hd_str_c("bytes"), .num = 128, .is_num = true},
	};
	if (n)
		hd_builder_add_sample(b, NULL, 0, v, l, 3);
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	return p;
}

static const char *const go_types[] = {"alloc_objects", "alloc_space", "inuse_objects",
				       "inuse_space"};

static void test_default_sample_index(void **state)
{
	(void)state;
	struct hd_profile *p = make(go_types, 4, NULL);
	assert_int_equal(hd_profile_default_sample_index(p), 3); /* last */
	hd_profile_free(p);
	p = make(go_types, 4, "alloc_space");
	assert_int_equal(hd_profile_default_sample_index(p), 1);
	hd_profile_free(p);
	p = make(go_types, 4, "nonexistent");
	assert_int_equal(hd_profile_default_sample_index(p), 3);
	hd_profile_free(p);
	p = make(go_types, 0, NULL);
	assert_int_equal(hd_profile_default_sample_index(p), -1);
	hd_profile_free(p);
	assert_int_equal(hd_profile_default_sample_index(NULL), -1);
}

static void test_sample_type_index(void **state)
{
	(void)state;
	struct hd_profile *p = make(go_types, 4, NULL);
	assert_int_equal(hd_profile_sample_type_index(p, "alloc_space"), 1);
	assert_int_equal(hd_profile_sample_type_index(p, "inuse_space"), 3);
	assert_int_equal(hd_profile_sample_type_index(p, "space"), -1);
	assert_int_equal(hd_profile_sample_type_index(p, NULL), -1);
	hd_profile_free(p);
	static const char *const legacy[] = {"objects", "space"};
	p = make(legacy, 2, NULL);
	/* pprof: -inuse_space finds "space" in two-type legacy profiles */
	assert_int_equal(hd_profile_sample_type_index(p, "inuse_space"), 1);
	assert_int_equal(hd_profile_sample_type_index(p, "inuse_objects"), 0);
	assert_int_equal(hd_profile_sample_type_index(p, "alloc_space"), -1);
	hd_profile_free(p);
}

static void test_resolve_sample_index(void **state)
{
	(void)state;
	struct hd_profile *p = make(go_types, 4, "alloc_space");
	struct hd_error err = {0};
	uint32_t i = 99;
	assert_int_equal(hd_profile_resolve_sample_index(p, NULL, &i, &err), HD_OK);
	assert_int_equal(i, 1); /* default_sample_type */
	assert_int_equal(hd_profile_resolve_sample_index(p, "", &i, &err), HD_OK);
	assert_int_equal(i, 1);
	assert_int_equal(hd_profile_resolve_sample_index(p, "2", &i, &err), HD_OK);
	assert_int_equal(i, 2);
	assert_int_equal(hd_profile_resolve_sample_index(p, "+0", &i, &err), HD_OK);
	assert_int_equal(i, 0); /* strconv.Atoi takes a sign */
	assert_int_equal(hd_profile_resolve_sample_index(p, "inuse_space", &i, &err), HD_OK);
	assert_int_equal(i, 3);
	assert_int_equal(hd_profile_resolve_sample_index(p, "4", &i, &err), HD_ERR_USAGE);
	assert_string_equal(err.msg, "sample_index 4 is outside the range [0..3]");
	assert_int_equal(hd_profile_resolve_sample_index(p, "-1", &i, &err), HD_ERR_USAGE);
	assert_string_equal(err.msg, "sample_index -1 is outside the range [0..3]");
	/* Atoi fails out of int64's range; pprof then looks for a type of that name */
	assert_int_equal(hd_profile_resolve_sample_index(p, "99999999999999999999", &i, &err),
			 HD_ERR_USAGE);
	assert_string_equal(err.msg, "sample_index \"99999999999999999999\" must be one of: "
				     "[alloc_objects alloc_space inuse_objects inuse_space]");
	assert_int_equal(hd_profile_resolve_sample_index(p, "2x", &i, &err), HD_ERR_USAGE);
	assert_string_equal(err.msg, "sample_index \"2x\" must be one of: "
				     "[alloc_objects alloc_space inuse_objects inuse_space]");
	assert_int_equal(i, 3); /* untouched by the failures */
	hd_profile_free(p);
	static const char *const legacy[] = {"objects", "space"};
	p = make(legacy, 2, NULL);
	assert_int_equal(hd_profile_resolve_sample_index(p, NULL, &i, &err), HD_OK);
	assert_int_equal(i, 1); /* the last type */
	assert_int_equal(hd_profile_resolve_sample_index(p, "inuse_objects", &i, &err), HD_OK);
	assert_int_equal(i, 0);
	hd_profile_free(p);
	p = make(go_types, 0, NULL);
	assert_int_equal(hd_profile_resolve_sample_index(p, NULL, &i, &err), HD_ERR_USAGE);
	assert_string_equal(err.msg, "profile has no samples");
	hd_profile_free(p);
	assert_int_equal(hd_profile_resolve_sample_index(NULL, NULL, &i, &err), HD_ERR_USAGE);
}

static void test_divide_values(void **state)
{
	(void)state;
	struct hd_profile *p = make(go_types, 4, NULL); /* one sample: 10 20 30 40 */
	hd_profile_divide_values(p, 0); /* unset */
	hd_profile_divide_values(p, 1);
	hd_profile_divide_values(p, -2);
	hd_profile_divide_values(p, 0.0 / 0.0);
	const int64_t *v = hd_profile_sample_values(p, 0);
	assert_int_equal(v[0], 10);
	assert_int_equal(v[3], 40);
	hd_profile_divide_values(p, 3); /* int64(float64(x) * (1/3)), truncated */
	assert_int_equal(v[0], 3);
	assert_int_equal(v[1], 6);
	assert_int_equal(v[2], 10);
	assert_int_equal(v[3], 13);
	hd_profile_divide_values(p, 1e-300); /* out of int64's range: Go's amd64 result */
	assert_int_equal(v[0], INT64_MIN);
	hd_profile_free(p);
}

static void test_values_and_labels(void **state)
{
	(void)state;
	struct hd_profile *p = make(go_types, 4, NULL);
	const int64_t *v = hd_profile_sample_values(p, 0);
	assert_non_null(v);
	assert_int_equal(v[2], 30);
	assert_null(hd_profile_sample_values(p, 1));
	int64_t n = 0;
	assert_true(hd_sample_num_label(p, 0, "bytes", &n));
	assert_int_equal(n, 64); /* the first value of the key */
	assert_false(hd_sample_num_label(p, 0, "kind", &n)); /* string label */
	assert_false(hd_sample_num_label(p, 0, "nope", &n));
	assert_false(hd_sample_num_label(p, 5, "bytes", &n));
	assert_true(hd_sample_num_label(p, 0, "bytes", NULL));
	hd_profile_free(p);
	hd_profile_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_sample_index),
		cmocka_unit_test(test_sample_type_index),
		cmocka_unit_test(test_resolve_sample_index),
		cmocka_unit_test(test_divide_values),
		cmocka_unit_test(test_values_and_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
