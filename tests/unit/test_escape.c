/*
 * test_escape.c - render/escape.c: untrusted names made safe for a
 * terminal (controls, ESC sequences, C1 controls, bidi overrides and
 * invalid UTF-8 as \xNN; printable UTF-8 untouched), for JSON (valid for
 * any bytes, invalid UTF-8 as \ufffd like Go's encoding/json) and for XML
 * (entities, \xNN for what XML cannot carry); the snprintf-style public
 * forms (length returned, truncation, NULL destination) and the UTF-8
 * decoder's validity rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common.h"
#include "render/escape.h"

static const char *term(const char *s, size_t len)
{
	static char buf[512];
	size_t n = hd_escape_terminal(buf, sizeof(buf), s, len);
	assert_true(n < sizeof(buf));
	return buf;
}

#define TERM(lit) term(lit, sizeof(lit) - 1)

static void test_terminal(void **state)
{
	(void)state;
	assert_string_equal(TERM("main.(*T).Get"), "main.(*T).Get");
	assert_string_equal(TERM("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb9"),
			    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb9");
	assert_string_equal(TERM("main.\x1b[31mRED\x1b[0m\x1b]0;pwned\x07"),
			    "main.\\x1b[31mRED\\x1b[0m\\x1b]0;pwned\\x07");
	assert_string_equal(TERM("a\nb\rc\td\x7f"), "a\\x0ab\\x0dc\\x09d\\x7f");
	assert_string_equal(TERM("nul\0x"), "nul\\x00x");
	assert_string_equal(TERM("bad\xff\xfeutf8\xc3"), "bad\\xff\\xfeutf8\\xc3");
	assert_string_equal(TERM("c1\xc2\x9b" "2J"), "c1\\xc2\\x9b2J");       /* CSI as U+009B */
	assert_string_equal(TERM("rl\xe2\x80\xae" "o"), "rl\\xe2\\x80\\xaeo"); /* U+202E */
	assert_string_equal(TERM("\xe2\x81\xa6x"), "\\xe2\\x81\\xa6x");        /* U+2066 */
	assert_string_equal(TERM("over\xc0\xaf"), "over\\xc0\\xaf");           /* overlong '/' */
	assert_string_equal(TERM("sur\xed\xa0\x80"), "sur\\xed\\xa0\\x80");    /* surrogate */
	assert_string_equal(TERM("big\xf4\x90\x80\x80"), "big\\xf4\\x90\\x80\\x80");
	assert_string_equal(TERM("cut\xe2\x82"), "cut\\xe2\\x82");
	assert_string_equal(TERM(""), "");
	assert_string_equal(TERM("<script>&\"'"), "<script>&\"'");
}

static void test_snprintf_contract(void **state)
{
	(void)state;
	char small[6];
	/* "\x1b[1m" escapes to 7 bytes */
	assert_int_equal(hd_escape_terminal(small, sizeof(small), "\x1b[1m", 4), 7);
	assert_string_equal(small, "\\x1b[");
	assert_int_equal(hd_escape_terminal(NULL, 0, "\x1b[1m", 4), 7);
	assert_int_equal(hd_escape_json(NULL, 0, "ab", 2), 4);
	assert_int_equal(hd_escape_xml(NULL, 0, "<", 1), 4);
	char one[1] = {'x'};
	assert_int_equal(hd_escape_terminal(one, 1, "abc", 3), 3);
	assert_int_equal(one[0], '\0');
	/* NULL source is the empty string */
	char buf[8];
	assert_int_equal(hd_escape_json(buf, sizeof(buf), NULL, 5), 2);
	assert_string_equal(buf, "\"\"");
	/* out of memory is reported, not a crash */
	hd_alloc_fail_after(0);
	assert_int_equal(hd_escape_terminal(buf, sizeof(buf), "abc", 3), (size_t)-1);
	hd_alloc_fail_after(-1);
}

static void test_json(void **state)
{
	(void)state;
	char buf[256];
	static const char in[] = "a\"b\\c\n\t\x01\x1b\xff\xe2\x80\xa8/\xc3\xa9";
	hd_escape_json(buf, sizeof(buf), in, sizeof(in) - 1);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001b\\ufffd\\u2028/\xc3\xa9\"");
	hd_escape_json(buf, sizeof(buf), "\b\f\r\x7f", 4);
	assert_string_equal(buf, "\"\\b\\f\\r\x7f\"");
	hd_escape_json(buf, sizeof(buf), "\xed\xa0\x80", 3);
	assert_string_equal(buf, "\"\\ufffd\\ufffd\\ufffd\"");
}

static void test_xml(void **state)
{
	(void)state;
	char buf[256];
	static const char in[] = "<a href='x'>&\"\x01\xff\t\n\xef\xbf\xbe\xc3\xa9";
	hd_escape_xml(buf, sizeof(buf), in, sizeof(in) - 1);
	assert_string_equal(buf, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\\x01\\xff\t\n"
				 "\\xef\\xbf\\xbe\xc3\xa9");
}

static void test_utf8(void **state)
{
	(void)state;
	uint32_t cp;
	assert_int_equal(hd_utf8_decode((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(hd_utf8_decode((const unsigned char *)"\xf0\x9f\x90\xb9", 4, &cp), 4);
	assert_int_equal(cp, 0x1f439);
	assert_int_equal(hd_utf8_decode((const unsigned char *)"\xe0\x80\x80", 3, &cp), 0);
	assert_int_equal(hd_utf8_decode((const unsigned char *)"\x80", 1, &cp), 0);
	assert_int_equal(hd_utf8_decode((const unsigned char *)"", 0, &cp), 0);
	assert_int_equal(hd_utf8_runes("a\xc3\xa9\xff", 4), 3);
	assert_int_equal(hd_utf8_runes("", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminal),
		cmocka_unit_test(test_snprintf_contract),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
