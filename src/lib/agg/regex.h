/*
 * regex.h - the regular expressions of the report filters (-focus, -peek,
 * drop_frames ...), compiled once with PCRE2 and matched the way Go's
 * regexp.MatchString matches: an unanchored search over UTF-8 text, where
 * `$` means the end of the text only.  Invalid UTF-8 in the subject never
 * makes a match fail with an error; it simply matches no character class.
 * Memory goes through hd_malloc so allocation-failure sweeps reach it.
 */
#ifndef HD_AGG_REGEX_H
#define HD_AGG_REGEX_H

#include "common.h"

struct hd_regex;
struct hd_label;

/*
 * Compiles `pattern`.  `what` names the option in the error message
 * ("focus" -> "invalid focus regexp 'x(': missing closing parenthesis at
 * offset 2").  Returns HD_OK and *re_ret, HD_ERR_REGEX or HD_ERR_NOMEM.
 */
enum hd_status hd_regex_compile(const char *pattern, size_t len, const char *what,
				struct hd_regex **re_ret, struct hd_error *err);

/*
 * An optional filter option: NULL or "" leaves *re_ret NULL (no filter)
 * and returns HD_OK; anything else is hd_regex_compile()d.
 */
enum hd_status hd_regex_compile_opt(const char *pattern, const char *what,
				    struct hd_regex **re_ret, struct hd_error *err);

/* True when the pattern matches somewhere in s[0..len).  Not thread-safe
 * on one hd_regex (it owns its match data). */
bool hd_regex_match(struct hd_regex *re, const char *s, size_t len);

void hd_regex_free(struct hd_regex *re);

/*
 * -tagshow/-taghide on one sample's labels (pprof's FilterTagsByName):
 * copies to out[] the labels of in[0..n) whose key `show` matches (every
 * key when show is NULL) and `hide` does not (none when hide is NULL), in
 * order, and returns how many.  *show_hit and *hide_hit are set to true
 * when the expression matched a key (never cleared), for the "matched no
 * label" warning.  out must not overlap in.
 */
uint32_t hd_labels_by_key(const struct hd_label *in, uint32_t n, struct hd_regex *show,
			  struct hd_regex *hide, struct hd_label *out, bool *show_hit,
			  bool *hide_hit);

#endif /* HD_AGG_REGEX_H */
