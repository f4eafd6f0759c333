/*
 * parse.c - hd_profile_parse(), the library's front door: format detection
 * by content (gzip magic, profile.proto, legacy heap text), limits, and the
 * "what does this look like instead" message when the input is not a
 * profile at all.  The decoders themselves are gunzip.c, profile_pb.c and
 * legacy_text.c; pprof's ParseData (profile/profile.go) is the reference
 * for the order of attempts.  See docs/internals/decode.md.
 */
#include <stdio.h>

#include "decode/decode.h"
#include "decode/pbwire.h"
#include "model/model.h"

static void fill_limits(struct hd_limits *lim, const struct hd_limits *user)
{
	hd_limits_default(lim);
	if (!user)
		return;
	if (user->max_input_bytes)
		lim->max_input_bytes = user->max_input_bytes;
	if (user->max_decompressed_bytes)
		lim->max_decompressed_bytes = user->max_decompressed_bytes;
	if (user->max_samples)
		lim->max_samples = user->max_samples;
	if (user->max_stack_depth)
		lim->max_stack_depth = user->max_stack_depth;
	if (user->max_string_bytes)
		lim->max_string_bytes = user->max_string_bytes;
	if (user->max_line_bytes)
		lim->max_line_bytes = user->max_line_bytes;
}

/* Case-insensitive prefix test on raw bytes. */
static bool has_prefix_ci(const uint8_t *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t a = s[i], b = (uint8_t)prefix[i];
		if (a >= 'A' && a <= 'Z')
			a = (uint8_t)(a - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

static bool contains_ci(const uint8_t *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (has_prefix_ci(s + i, len - i, needle))
			return true;
	return false;
}

/*
 * True if the first bytes read as text: no NUL, and control characters
 * other than whitespace and ESC (terminal colours) are rare.
 */
static bool looks_textual(const uint8_t *s, size_t len)
{
	size_t n = len < 512 ? len : 512, odd = 0, visible = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = s[i];
		if (ch == 0)
			return false;
		if (ch > 0x20)
			visible++;
		else if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t' && ch != 0x1b)
			odd++;
	}
	return visible > 0 && odd * 20 <= n; /* at most 5% */
}

/*
 * True if the data starts like a Profile message: a field of profile.proto
 * with its wire type (every writer starts with one).  When not, a decoding
 * error means "this is something else", not a damaged profile.
 */
static bool starts_like_profile(const uint8_t *s, size_t len)
{
	const uint8_t *p = s;
	uint64_t tag;
	if (hd_pb_read_varint(&p, s + len, &tag) != HD_PB_OK)
		return false;
	uint64_t field = tag >> 3;
	unsigned wt = (unsigned)(tag & 7);
	if (field == 0 || field > 15)
		return false;
	if (field <= 6 || field == 11)
		return wt == 2;
	return wt == 0 || (field == 13 && wt == 2);
}

/* The first bytes of s, escaped, for a message. */
static void quote_start(const uint8_t *s, size_t len, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t k = 0; k < len && o + 5 < cap && k < 24; k++) {
		uint8_t ch = s[k];
		if (ch < 0x20 || ch >= 0x7f || ch == '\'')
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
}

/*
 * Fills err with HD_ERR_FORMAT and a description of what the data looks
 * like when it is clearly not a profile; returns false (err untouched)
 * when it might be a damaged profile, so the decoder's error stands.
 */
static bool describe_non_profile(const uint8_t *s, size_t len, bool inflated,
				 struct hd_error *err)
{
	const char *what = inflated ? "gzip data holds " : "";
	size_t i = 0;
	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		i = 3; /* UTF-8 byte order mark */
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	const uint8_t *t = s + i;
	size_t tl = len - i;
	if (!looks_textual(s, len))
		return false;
	size_t head = tl < 1024 ? tl : 1024;
	if (has_prefix_ci(t, tl, "<!doctype html") || has_prefix_ci(t, tl, "<html") ||
	    (tl && t[0] == '<' && (contains_ci(t, head, "<html") ||
				   contains_ci(t, head, "<body") ||
				   contains_ci(t, head, "<head")))) {
		hd_error_set(err, HD_ERR_FORMAT, "%slooks like an HTML page, not a profile",
			     inflated ? "gzip data " : "");
		return true;
	}
	if (tl && (t[0] == '{' || t[0] == '[')) {
		hd_error_set(err, HD_ERR_FORMAT, "%slooks like JSON, not a profile",
			     inflated ? "gzip data " : "");
		return true;
	}
	/* Quote the first line, escaped and shortened. */
	char line[64];
	size_t o = 0;
	for (size_t k = 0; k < tl && t[k] != '\n' && t[k] != '\r' && o + 5 < sizeof(line); k++) {
		uint8_t ch = t[k];
		if (ch < 0x20 || ch >= 0x7f || ch == '\'')
			o += (size_t)snprintf(line + o, sizeof(line) - o, "\\x%02x", ch);
		else
			line[o++] = (char)ch;
	}
	line[o] = '\0';
	if (contains_ci(t, head, "404 page not found") || contains_ci(t, head, "not found"))
		hd_error_set(err, HD_ERR_FORMAT,
			     "%san HTTP error page ('%s'), not a profile", what, line);
	else
		hd_error_set(err, HD_ERR_FORMAT,
			     "%slooks like text, not a heap profile (first line '%s')",
			     inflated ? "gzip data " : "", line);
	return true;
}

enum hd_status hd_profile_parse(const void *data, size_t len,
				const struct hd_limits *limits,
				struct hd_profile **profile_ret,
				struct hd_error *err)
{
	struct hd_limits lim;
	fill_limits(&lim, limits);
	if (!profile_ret || (!data && len))
		return hd_error_set(err, HD_ERR_USAGE, "hd_profile_parse: invalid arguments");
	if (len == 0)
		return hd_error_set(err, HD_ERR_FORMAT, "empty file");
	if (len > lim.max_input_bytes)
		return hd_error_set(err, HD_ERR_LIMIT,
				    "input of %zu bytes is above the limit of %llu "
				    "(see --max-input)",
				    len, (unsigned long long)lim.max_input_bytes);
	const uint8_t *in = data;
	struct hd_profile *p = hd_profile_new_empty();
	if (!p)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	uint8_t *buf;
	size_t blen;
	enum hd_status st;
	bool gz = len >= 2 && in[0] == 0x1f && in[1] == 0x8b;
	if (gz) {
		st = hd_gunzip(in, len, lim.max_decompressed_bytes, p->arena, &buf,
			       &blen, err);
		if (st)
			goto fail;
		if (blen == 0) {
			st = hd_error_set(err, HD_ERR_FORMAT,
					  "empty profile (the gzip data decompresses to nothing)");
			goto fail;
		}
		p->format = HD_FORMAT_PROTO_GZIP;
	} else {
		/* The caller's bytes: the decoder copies the strings it keeps. */
		buf = (uint8_t *)(uintptr_t)in;
		blen = len;
		p->format = HD_FORMAT_PROTO;
	}

	struct hd_error proto_err;
	memset(&proto_err, 0, sizeof(proto_err));
	st = hd_proto_decode(p, buf, blen, !gz, &lim, &proto_err);
	if (st == HD_OK) {
		*profile_ret = p;
		return HD_OK;
	}
	if (st == HD_ERR_PROTOBUF || st == HD_ERR_PROFILE) {
		/* Not protobuf after all?  pprof then tries the legacy parsers;
		 * we try the heap text one and otherwise say what it is. */
		if (hd_legacy_looks_like_heap(buf, blen)) {
			struct hd_profile *lp = NULL;
			st = hd_legacy_decode(buf, blen, &lim, &lp, err);
			hd_profile_free(p);
			if (st == HD_OK)
				*profile_ret = lp;
			return st;
		}
		if (describe_non_profile(buf, blen, gz, err)) {
			st = HD_ERR_FORMAT;
			goto fail;
		}
		if (st == HD_ERR_PROTOBUF && !starts_like_profile(buf, blen)) {
			char start[128];
			quote_start(buf, blen, start, sizeof(start));
			st = hd_error_set(err, HD_ERR_FORMAT,
					  "%sunrecognized data, not a profile (starts '%s')",
					  gz ? "gzip data holds " : "", start);
			goto fail;
		}
	}
	if (err)
		*err = proto_err;
fail:
	hd_profile_free(p);
	return st;
}
