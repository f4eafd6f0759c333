/*
 * legacy_maps.c - the memory-map section of legacy text profiles and
 * pprof's mapping heuristics, reproduced from profile/legacy_profile.go
 * (parseProcMapsFromScanner, parseMappingEntry, removeLoggingInfo) and
 * profile/profile.go (massageMappings, adjacent) so that a text profile
 * gets the mappings `go tool pprof` gives it.  The two line formats are
 * matched with PCRE2 using pprof's own regular expressions: Go's regexp
 * and PCRE pick the same (leftmost-first) submatches for them.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "decode/legacy.h"

/* profile/legacy_profile.go: procMapsRE and briefMapsRE, spelled out. */
#define C_HEX "(?:0x)?([[:xdigit:]]+)"
#define C_HEX_RANGE "\\s*" C_HEX "[\\s-]?\\s*" C_HEX ":?"
#define C_PERM "(?:\\s+([-rwxp]+))?"
#define C_SPACE_HEX "(?:\\s+([[:xdigit:]]+))?"
#define C_SPACE_STRING "(?:\\s+(\\S+))?"
#define C_SPACE_AT_OFFSET "(?:\\s+\\(@([[:xdigit:]]+)\\))?"
static const char proc_maps_re[] = "^" C_HEX_RANGE C_PERM C_SPACE_HEX
				   "\\s+[[:xdigit:]]+:[[:xdigit:]]+\\s+[[:digit:]]+" C_SPACE_STRING;
static const char brief_maps_re[] = "^" C_HEX_RANGE C_PERM C_SPACE_STRING
				    C_SPACE_AT_OFFSET C_SPACE_HEX;

static void *re_malloc(PCRE2_SIZE size, void *data)
{
	(void)data;
	return hd_malloc(size);
}

static void re_free(void *ptr, void *data)
{
	(void)data;
	hd_free(ptr);
}

void hd_legacy_maps_release(struct hd_legacy_maps *maps)
{
	hd_free(maps->v);
	hd_buf_release(&maps->owned);
	memset(maps, 0, sizeof(*maps));
}

static bool push(struct hd_legacy_maps *maps, const struct hd_legacy_mapping *m)
{
	if (maps->n == maps->cap) {
		size_t cap = maps->cap ? maps->cap * 2 : 16;
		struct hd_legacy_mapping *v = hd_realloc(maps->v, cap * sizeof(*v));
		if (!v)
			return false;
		maps->v = v;
		maps->cap = cap;
	}
	maps->v[maps->n++] = *m;
	return true;
}

/* removeLoggingInfo: drops a glog prefix "...file.cc:123] ". */
static void remove_logging_info(const uint8_t **s, size_t *len)
{
	const uint8_t *p = *s;
	const uint8_t *close = memchr(p, ']', *len);
	if (!close || memchr(p, '[', (size_t)(close - p)))
		return;
	const uint8_t *d = close;
	while (d > p && d[-1] >= '0' && d[-1] <= '9')
		d--;
	if (d == close || d - p < 2 || d[-1] != ':')
		return;
	size_t after = (size_t)(close - p) + 1;
	if (after >= *len)
		return;
	uint8_t c = p[after];
	if (c != ' ' && c != '\t' && c != '\n' && c != '\f' && c != '\r' && c != '\v')
		return;
	*s = p + after + 1;
	*len -= after + 1;
}

/* "$name" -> value, both stored in maps->owned (which may move while it
 * grows, hence offsets). */
struct attr {
	size_t key_off, key_len;
	size_t value_off, value_len;
};

static bool parse_hex(struct hd_str s, uint64_t *v)
{
	uint64_t x = 0;
	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned c = (unsigned char)s.ptr[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		if (x >> 60)
			return false; /* ParseUint: out of range */
		x = x << 4 | d;
	}
	*v = x;
	return true;
}

static struct hd_str group(const uint8_t *line, const PCRE2_SIZE *ov, int i, int rc)
{
	struct hd_str s = {"", 0};
	if (i < rc && ov[2 * i] != PCRE2_UNSET) {
		s.ptr = (const char *)line + ov[2 * i];
		s.len = ov[2 * i + 1] - ov[2 * i];
	}
	return s;
}

/* Copies s into the owned buffer; the slice is fixed up after parsing
 * because the buffer may move (stored as an offset in ptr until then). */
static struct hd_str own(struct hd_legacy_maps *maps, struct hd_str s)
{
	struct hd_str r = {(const char *)(uintptr_t)maps->owned.len, s.len};
	hd_buf_append(&maps->owned, s.ptr, s.len);
	return r;
}

/* libRx of profile.go: "([.]so$|[.]so[._][0-9]+)". */
static bool is_library(struct hd_str f)
{
	for (size_t i = 0; i + 3 <= f.len; i++) {
		if (memcmp(f.ptr + i, ".so", 3) != 0)
			continue;
		if (i + 3 == f.len)
			return true;
		char c = f.ptr[i + 3];
		if ((c == '.' || c == '_') && i + 4 < f.len && f.ptr[i + 4] >= '0' &&
		    f.ptr[i + 4] <= '9')
			return true;
	}
	return false;
}

/* profile.go: adjacent(). */
static bool adjacent(const struct hd_legacy_mapping *a, const struct hd_legacy_mapping *b)
{
	if (a->file.len && b->file.len && !hd_str_eq(a->file, b->file))
		return false;
	if (a->build_id.len && b->build_id.len && !hd_str_eq(a->build_id, b->build_id))
		return false;
	if (a->limit != b->start)
		return false;
	if (a->offset != 0 && b->offset != 0 && a->offset + (a->limit - a->start) != b->offset)
		return false;
	return true;
}

/* profile.go: massageMappings(), before any location refers to a mapping. */
static void massage(struct hd_legacy_maps *maps)
{
	if (maps->n > 1) {
		size_t out = 1;
		for (size_t i = 1; i < maps->n; i++) {
			struct hd_legacy_mapping *lm = &maps->v[out - 1], *m = &maps->v[i];
			if (adjacent(lm, m)) {
				lm->limit = m->limit;
				if (m->file.len)
					lm->file = m->file;
				if (m->build_id.len)
					lm->build_id = m->build_id;
				continue;
			}
			maps->v[out++] = *m;
		}
		maps->n = out;
	}
	for (size_t i = 0; i < maps->n; i++) {
		/* strings.TrimSpace(strings.ReplaceAll(file, "(deleted)", "")) is
		 * empty, a library, or "[...]": not the main binary. */
		struct hd_str f = maps->v[i].file;
		bool only_space = true;
		for (size_t k = 0; k < f.len; k++) {
			if (k + 9 <= f.len && memcmp(f.ptr + k, "(deleted)", 9) == 0) {
				k += 8;
				continue;
			}
			if (f.ptr[k] != ' ' && f.ptr[k] != '\t' && f.ptr[k] != '\n' &&
			    f.ptr[k] != '\r' && f.ptr[k] != '\v' && f.ptr[k] != '\f')
				only_space = false;
		}
		size_t lead = 0;
		while (lead < f.len && (f.ptr[lead] == ' ' || f.ptr[lead] == '\t'))
			lead++;
		if (only_space || is_library(f) || (lead < f.len && f.ptr[lead] == '['))
			continue;
		struct hd_legacy_mapping t = maps->v[0];
		maps->v[0] = maps->v[i];
		maps->v[i] = t;
		break;
	}
}

enum hd_status hd_legacy_maps_parse(struct hd_legacy_maps *maps, const uint8_t *from,
				    const uint8_t *end, uint64_t max_line,
				    struct hd_error *err)
{
	enum hd_status st = HD_OK;
	pcre2_general_context *gc = pcre2_general_context_create(re_malloc, re_free, NULL);
	pcre2_compile_context *cc = gc ? pcre2_compile_context_create(gc) : NULL;
	int code;
	PCRE2_SIZE eoff;
	pcre2_code *proc = cc ? pcre2_compile((PCRE2_SPTR)proc_maps_re, PCRE2_ZERO_TERMINATED,
					      0, &code, &eoff, cc) : NULL;
	pcre2_code *brief = cc ? pcre2_compile((PCRE2_SPTR)brief_maps_re, PCRE2_ZERO_TERMINATED,
					       0, &code, &eoff, cc) : NULL;
	pcre2_match_data *md = proc ? pcre2_match_data_create(8, gc) : NULL;
	struct attr *attrs = NULL;
	size_t n_attrs = 0, cap_attrs = 0;
	struct hd_buf line_buf = HD_BUF_INIT;
	uint64_t work = 0, work_budget = 64 * (uint64_t)(end - from) + (UINT64_C(1) << 24);
	if (!md || !brief) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory reading the memory map");
		goto out;
	}
	for (const uint8_t *p = from; p < end;) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		const uint8_t *line = p;
		size_t len = (size_t)((nl ? nl : end) - p);
		p = nl ? nl + 1 : end;
		if (len > max_line) {
			st = hd_error_set(err, HD_ERR_LIMIT, "memory map line longer than %llu bytes",
					  (unsigned long long)max_line);
			goto out;
		}
		if (len && line[len - 1] == '\r')
			len--;
		remove_logging_info(&line, &len);
		/*
		 * strings.Replacer: at each position the first attr that matches.
		 * Every key starts with '$'.  Input chooses the keys, their number
		 * and the values, so the work (bytes compared) has a budget linear
		 * in the input, and the substituted line the --max-line bound.
		 */
		if (n_attrs) {
			line_buf.len = 0;
			const char *o = maps->owned.data;
			for (size_t i = 0; i < len;) {
				size_t k = n_attrs;
				if (line[i] == '$') {
					for (k = 0; k < n_attrs; k++) {
						if (attrs[k].key_len > len - i)
							continue;
						work += attrs[k].key_len;
						if (memcmp(line + i, o + attrs[k].key_off,
							   attrs[k].key_len) == 0)
							break;
					}
					if (work > work_budget) {
						st = hd_error_set(err, HD_ERR_LIMIT,
								  "memory map attribute substitution "
								  "exceeds its work budget");
						goto out;
					}
				}
				if (k < n_attrs) {
					hd_buf_append(&line_buf, o + attrs[k].value_off,
						      attrs[k].value_len);
					i += attrs[k].key_len;
				} else {
					hd_buf_putc(&line_buf, (char)line[i++]);
				}
				if (line_buf.len > max_line) {
					st = hd_error_set(err, HD_ERR_LIMIT,
							  "memory map line longer than %llu bytes after "
							  "attribute substitution",
							  (unsigned long long)max_line);
					goto out;
				}
			}
			if (!hd_buf_reserve(&line_buf, 0)) {
				st = hd_error_set(err, HD_ERR_NOMEM, "out of memory reading the memory map");
				goto out;
			}
			line = (const uint8_t *)line_buf.data;
			len = line_buf.len;
		}
		struct hd_str start, limit, perm, offset, file, build_id = {"", 0};
		int rc = pcre2_match(proc, line, len, 0, 0, md, NULL);
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		if (rc > 0) {
			start = group(line, ov, 1, rc);
			limit = group(line, ov, 2, rc);
			perm = group(line, ov, 3, rc);
			offset = group(line, ov, 4, rc);
			file = group(line, ov, 5, rc);
		} else if ((rc = pcre2_match(brief, line, len, 0, 0, md, NULL)) > 0) {
			ov = pcre2_get_ovector_pointer(md);
			start = group(line, ov, 1, rc);
			limit = group(line, ov, 2, rc);
			perm = group(line, ov, 3, rc);
			file = group(line, ov, 4, rc);
			offset = group(line, ov, 5, rc);
			build_id = group(line, ov, 6, rc);
		} else if (rc == PCRE2_ERROR_NOMATCH) {
			goto unrecognized;
		} else {
			st = hd_error_set(err, rc == PCRE2_ERROR_NOMEMORY ? HD_ERR_NOMEM : HD_ERR_LIMIT,
					  "cannot match a memory map line (pcre2 error %d)", rc);
			goto out;
		}
		if (perm.len && !memchr(perm.ptr, 'x', perm.len))
			continue; /* not executable */
		struct hd_legacy_mapping m;
		memset(&m, 0, sizeof(m));
		if (!parse_hex(start, &m.start) || !parse_hex(limit, &m.limit) ||
		    (offset.len && !parse_hex(offset, &m.offset)))
			goto unrecognized;
		/* The line may live in line_buf, which is reused: own the strings. */
		m.file = own(maps, file);
		m.build_id = own(maps, build_id);
		if (!push(maps, &m)) {
			st = hd_error_set(err, HD_ERR_NOMEM, "out of memory reading the memory map");
			goto out;
		}
		continue;
unrecognized:
		/* "attr=value" defines $attr for later lines. */
		{
			const uint8_t *eq = memchr(line, '=', len);
			if (!eq)
				continue;
			struct hd_str k = {(const char *)line, (size_t)(eq - line)};
			struct hd_str v = {(const char *)eq + 1, len - k.len - 1};
			while (k.len && (k.ptr[0] == ' ' || k.ptr[0] == '\t')) { k.ptr++; k.len--; }
			while (k.len && (k.ptr[k.len - 1] == ' ' || k.ptr[k.len - 1] == '\t')) k.len--;
			while (v.len && (v.ptr[0] == ' ' || v.ptr[0] == '\t')) { v.ptr++; v.len--; }
			while (v.len && (v.ptr[v.len - 1] == ' ' || v.ptr[v.len - 1] == '\t')) v.len--;
			if (n_attrs == cap_attrs) {
				size_t ncap = cap_attrs ? cap_attrs * 2 : 4;
				struct attr *na = hd_realloc(attrs, ncap * sizeof(*na));
				if (!na) {
					st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
					goto out;
				}
				attrs = na;
				cap_attrs = ncap;
			}
			struct attr *a = &attrs[n_attrs++];
			a->key_off = maps->owned.len;
			a->key_len = k.len + 1;
			hd_buf_putc(&maps->owned, '$');
			hd_buf_append(&maps->owned, k.ptr, k.len);
			a->value_off = maps->owned.len;
			a->value_len = v.len;
			hd_buf_append(&maps->owned, v.ptr, v.len);
			if (maps->owned.failed) {
				st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
				goto out;
			}
		}
	}
out:
	hd_buf_release(&line_buf);
	hd_free(attrs);
	pcre2_match_data_free(md);
	pcre2_code_free(proc);
	pcre2_code_free(brief);
	pcre2_compile_context_free(cc);
	pcre2_general_context_free(gc);
	if (st == HD_OK && maps->owned.failed)
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory reading the memory map");
	if (st == HD_OK) {
		/* Turn the offsets in `owned` into pointers. */
		for (size_t i = 0; i < maps->n; i++) {
			struct hd_legacy_mapping *m = &maps->v[i];
			m->file.ptr = maps->owned.data ? maps->owned.data + (uintptr_t)m->file.ptr : "";
			m->build_id.ptr = maps->owned.data ? maps->owned.data + (uintptr_t)m->build_id.ptr : "";
		}
		massage(maps);
	}
	return st;
}

void hd_legacy_maps_fixup(struct hd_legacy_maps *maps)
{
	if (maps->n > 1 && hd_str_has_prefix(maps->v[0].file, "/anon_hugepage") &&
	    maps->v[0].limit == maps->v[1].start) {
		memmove(maps->v, maps->v + 1, (maps->n - 1) * sizeof(*maps->v));
		maps->n--;
	}
	if (maps->n > 0) {
		struct hd_legacy_mapping *m = &maps->v[0];
		if (m->start - m->offset == 0x400000) {
			m->start = 0x400000;
			m->offset = 0;
		}
	}
}

uint32_t hd_legacy_maps_find(struct hd_legacy_maps *maps, uint64_t a, bool *oom)
{
	if (a == 0)
		return HD_NONE;
	size_t real = maps->fake ? maps->n - 1 : maps->n;
	for (size_t i = 0; i < real; i++)
		if (maps->v[i].start <= a && a < maps->v[i].limit)
			return (uint32_t)i;
	/* Legacy handlers fail to encode the first part of split mappings. */
	for (size_t i = 0; i < real; i++) {
		struct hd_legacy_mapping *m = &maps->v[i];
		if (m->offset != 0 && m->start - m->offset <= a && a < m->start) {
			m->start -= m->offset;
			m->offset = 0;
			return (uint32_t)i;
		}
	}
	if (!maps->fake) {
		struct hd_legacy_mapping fake;
		memset(&fake, 0, sizeof(fake));
		fake.limit = UINT64_MAX;
		fake.file.ptr = fake.build_id.ptr = "";
		if (!push(maps, &fake)) {
			*oom = true;
			return HD_NONE;
		}
		maps->fake = true;
	}
	return (uint32_t)(maps->n - 1);
}
