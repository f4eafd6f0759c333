/*
 * escape.h - private interface of escape.c for the renderers: appending
 * untrusted profile strings (function names, file names, labels) to an
 * hd_buf so that they are safe for a terminal, inside a JSON string, or in
 * XML/SVG text.  The public, buffer-based forms are hd_escape_terminal(),
 * hd_escape_json() and hd_escape_xml() in include/heapdoc/heapdoc.h.
 */
#ifndef HD_RENDER_ESCAPE_H
#define HD_RENDER_ESCAPE_H

#include "common.h"

/*
 * Terminal-safe text: valid, printable UTF-8 is copied; C0 controls, DEL,
 * C1 controls (U+0080..U+009F), the bidirectional overrides and isolates
 * (U+202A..U+202E, U+2066..U+2069) and every byte of invalid UTF-8 are
 * written as \xNN per byte.  False when the buffer failed.
 */
bool hd_buf_put_terminal(struct hd_buf *b, const char *s, size_t len);

/*
 * A JSON string with its quotes.  `"` and `\` are escaped, controls become
 * \n \t \r \b \f or \u00XX, U+2028/U+2029 are escaped as \u2028/\u2029, and
 * each byte of invalid UTF-8 becomes \ufffd (as Go's encoding/json does), so
 * the output is valid JSON for any input bytes.
 */
bool hd_buf_put_json_string(struct hd_buf *b, const char *s, size_t len);

/*
 * XML 1.0 character data or attribute value: & < > " ' as entities; bytes
 * XML cannot carry (C0 controls other than tab/newline/CR, invalid UTF-8,
 * U+FFFE/U+FFFF) as the text \xNN.
 */
bool hd_buf_put_xml(struct hd_buf *b, const char *s, size_t len);

/*
 * Length of the valid UTF-8 sequence at s[0..len), or 0 if it is not valid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid,
 * as in Go's utf8.DecodeRune).  *cp_ret receives the code point.
 */
size_t hd_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp_ret);

/* Number of code points of s as Go counts runes for fmt padding: each
 * invalid byte counts as one. */
size_t hd_utf8_runes(const char *s, size_t len);

#endif /* HD_RENDER_ESCAPE_H */
