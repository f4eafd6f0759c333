/*
 * regex.c - PCRE2 behind the small interface of regex.h.  Options chosen
 * to behave like Go's regexp package, which is what pprof uses: UTF mode,
 * invalid UTF-8 tolerated in subjects, `$` matching only at the very end
 * (Go has no "before a final newline" rule), JIT when available.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "agg/regex.h"
#include "model/model.h"

struct hd_regex {
	pcre2_general_context *gcontext;
	pcre2_code *code;
	pcre2_match_data *match;
};

static void *pcre_alloc(size_t size, void *data)
{
	(void)data;
	return hd_malloc(size);
}

static void pcre_free(void *ptr, void *data)
{
	(void)data;
	hd_free(ptr);
}

void hd_regex_free(struct hd_regex *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->match);
	pcre2_code_free(re->code);
	pcre2_general_context_free(re->gcontext);
	hd_free(re);
}

/* Quotes a pattern for an error message: control bytes and quotes as \xNN,
 * cut at 80 bytes. */
static void quote(char *out, size_t cap, const char *s, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 8 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i == 80) {
			o += (size_t)snprintf(out + o, cap - o, "...");
			break;
		}
		if (c < 0x20 || c == 0x7f || c == '\'')
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

enum hd_status hd_regex_compile(const char *pattern, size_t len, const char *what,
				struct hd_regex **re_ret, struct hd_error *err)
{
	struct hd_regex *re = hd_calloc(1, sizeof(*re));
	if (!re)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	re->gcontext = pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
	pcre2_compile_context *cctx = NULL;
	if (re->gcontext)
		cctx = pcre2_compile_context_create(re->gcontext);
	if (!cctx) {
		hd_regex_free(re);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	int code;
	PCRE2_SIZE offset;
	re->code = pcre2_compile((PCRE2_SPTR)pattern, len,
				 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY,
				 &code, &offset, cctx);
	pcre2_compile_context_free(cctx);
	if (!re->code) {
		char msg[128], q[128];
		pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
		quote(q, sizeof(q), pattern, len);
		hd_regex_free(re);
		if (code == PCRE2_ERROR_NOMEMORY || code == PCRE2_ERROR_HEAP_FAILED)
			return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		return hd_error_set(err, HD_ERR_REGEX, "invalid %s regexp '%s': %s at offset %zu",
				    what, q, msg, (size_t)offset);
	}
	/* JIT is an optimisation: without it (no JIT support, or memory) the
	 * interpreter gives the same answers. */
	(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	re->match = pcre2_match_data_create_from_pattern(re->code, re->gcontext);
	if (!re->match) {
		hd_regex_free(re);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	*re_ret = re;
	return HD_OK;
}

bool hd_regex_match(struct hd_regex *re, const char *s, size_t len)
{
	static const char empty[1] = "";
	int rc = pcre2_match(re->code, (PCRE2_SPTR)(s ? s : empty), s ? len : 0, 0, 0,
			     re->match, NULL);
	return rc >= 0;
}

enum hd_status hd_regex_compile_opt(const char *pattern, const char *what,
				    struct hd_regex **re_ret, struct hd_error *err)
{
	*re_ret = NULL;
	if (!pattern || !*pattern)
		return HD_OK;
	return hd_regex_compile(pattern, strlen(pattern), what, re_ret, err);
}

uint32_t hd_labels_by_key(const struct hd_label *in, uint32_t n, struct hd_regex *show,
			  struct hd_regex *hide, struct hd_label *out, bool *show_hit,
			  bool *hide_hit)
{
	uint32_t kept = 0;
	for (uint32_t k = 0; k < n; k++) {
		struct hd_str key = in[k].key;
		bool shown = !show || hd_regex_match(show, key.ptr, key.len);
		bool hidden = hide && hd_regex_match(hide, key.ptr, key.len);
		*show_hit = *show_hit || (show && shown);
		*hide_hit = *hide_hit || hidden;
		if (shown && !hidden)
			out[kept++] = in[k];
	}
	return kept;
}
