/*
 * escape.c - making untrusted profile strings safe to show.  Function and
 * file names come from whoever wrote the profile: a name holding ESC[31m,
 * a carriage return or invalid UTF-8 must not reach a terminal raw, must
 * not break a JSON document, must not inject markup into SVG.  Every
 * renderer (text, JSON, folded, SVG) and the CLI go through these helpers.
 * Plain, printable UTF-8 is passed through unchanged, so ordinary Go names
 * print exactly as `go tool pprof` prints them.
 */
#include <stdio.h>

#include "render/escape.h"

size_t hd_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp_ret)
{
	if (len == 0)
		return 0;
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp_ret = c;
		return 1;
	}
	size_t n;
	uint32_t cp, min;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_ret = cp;
	return n;
}

size_t hd_utf8_runes(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t runes = 0;
	for (size_t i = 0; i < len; runes++) {
		uint32_t cp;
		size_t n = hd_utf8_decode(p + i, len - i, &cp);
		i += n ? n : 1;
	}
	return runes;
}

static bool put_hex_bytes(struct hd_buf *b, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		char e[4] = {'\\', 'x', hex[p[i] >> 4], hex[p[i] & 15]};
		if (!hd_buf_append(b, e, 4))
			return false;
	}
	return true;
}

/* Code points a terminal may act on although they are valid UTF-8. */
static bool terminal_unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

bool hd_buf_put_terminal(struct hd_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0; /* p[run..i) is safe and not yet copied */
	while (i < len) {
		uint32_t cp;
		size_t n = hd_utf8_decode(p + i, len - i, &cp);
		if (n && !terminal_unsafe(cp)) {
			i += n;
			continue;
		}
		if (!hd_buf_append(b, p + run, i - run))
			return false;
		if (!put_hex_bytes(b, p + i, n ? n : 1))
			return false;
		i += n ? n : 1;
		run = i;
	}
	return hd_buf_append(b, p + run, i - run);
}

bool hd_buf_put_json_string(struct hd_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!hd_buf_putc(b, '"'))
		return false;
	size_t i = 0, run = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = hd_utf8_decode(p + i, len - i, &cp);
		if (n && cp >= 0x20 && cp != '"' && cp != '\\' && cp != 0x2028 &&
		    cp != 0x2029) {
			i += n;
			continue;
		}
		if (!hd_buf_append(b, p + run, i - run))
			return false;
		bool ok;
		if (!n) {
			ok = hd_buf_append(b, "\\ufffd", 6);
			n = 1;
		} else if (cp == '"') {
			ok = hd_buf_append(b, "\\\"", 2);
		} else if (cp == '\\') {
			ok = hd_buf_append(b, "\\\\", 2);
		} else if (cp == '\n') {
			ok = hd_buf_append(b, "\\n", 2);
		} else if (cp == '\t') {
			ok = hd_buf_append(b, "\\t", 2);
		} else if (cp == '\r') {
			ok = hd_buf_append(b, "\\r", 2);
		} else if (cp == '\b') {
			ok = hd_buf_append(b, "\\b", 2);
		} else if (cp == '\f') {
			ok = hd_buf_append(b, "\\f", 2);
		} else {
			ok = hd_buf_printf(b, "\\u%04x", (unsigned)cp);
		}
		if (!ok)
			return false;
		i += n;
		run = i;
	}
	return hd_buf_append(b, p + run, i - run) && hd_buf_putc(b, '"');
}

bool hd_buf_put_xml(struct hd_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = hd_utf8_decode(p + i, len - i, &cp);
		bool xml_char = n && (cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r') &&
				cp != 0xfffe && cp != 0xffff;
		if (xml_char && cp != '&' && cp != '<' && cp != '>' && cp != '"' && cp != '\'') {
			i += n;
			continue;
		}
		if (!hd_buf_append(b, p + run, i - run))
			return false;
		bool ok;
		if (!xml_char)
			ok = put_hex_bytes(b, p + i, n ? n : 1);
		else if (cp == '&')
			ok = hd_buf_append(b, "&amp;", 5);
		else if (cp == '<')
			ok = hd_buf_append(b, "&lt;", 4);
		else if (cp == '>')
			ok = hd_buf_append(b, "&gt;", 4);
		else if (cp == '"')
			ok = hd_buf_append(b, "&quot;", 6);
		else
			ok = hd_buf_append(b, "&#39;", 5);
		if (!ok)
			return false;
		i += n ? n : 1;
		run = i;
	}
	return hd_buf_append(b, p + run, i - run);
}

/*
 * The public, snprintf-like forms: escape into a temporary hd_buf, copy
 * what fits.  Returns the full escaped length so callers can size a buffer,
 * or (size_t)-1 when memory ran out.
 */
typedef bool (*put_fn)(struct hd_buf *, const char *, size_t);

static size_t escape_into(put_fn put, char *dst, size_t cap, const char *s, size_t len)
{
	struct hd_buf b = HD_BUF_INIT;
	if (!put(&b, s ? s : "", s ? len : 0) || !hd_buf_reserve(&b, 0)) {
		hd_buf_release(&b);
		return (size_t)-1;
	}
	size_t n = b.len;
	if (dst && cap) {
		size_t c = n < cap - 1 ? n : cap - 1;
		memcpy(dst, b.data, c);
		dst[c] = '\0';
	}
	hd_buf_release(&b);
	return n;
}

size_t hd_escape_terminal(char *dst, size_t cap, const char *s, size_t len)
{
	return escape_into(hd_buf_put_terminal, dst, cap, s, len);
}

size_t hd_escape_json(char *dst, size_t cap, const char *s, size_t len)
{
	return escape_into(hd_buf_put_json_string, dst, cap, s, len);
}

size_t hd_escape_xml(char *dst, size_t cap, const char *s, size_t len)
{
	return escape_into(hd_buf_put_xml, dst, cap, s, len);
}
