/*
 * legacy_text.c - the legacy heap text format (`heap profile: ... @
 * heap/N`, what /debug/pprof/heap?debug=1 serves, and the C++ heapz
 * variants), parsed the way pprof's parseHeap does (profile/
 * legacy_profile.go: header and sample regexps, scaleHeapSample, the
 * `bytes` label, addresses minus 1, allocator drop/keep frames, memory
 * map and fake mapping).  Unlike pprof it also reads the symbol comments
 * the Go runtime writes after each record
 *	#	0x4a1b2c	main.f+0x2c	/src/main.go:42
 * so that locations get function, file and line (several comments with
 * one address are the inlined frames of that location, innermost first),
 * and keeps the `# runtime.MemStats` section.  When a profile carries
 * symbol comments, addresses that have none are the frames the runtime
 * hid (leading runtime.* frames, runtime.goexit) and are dropped, as the
 * proto writer drops them.  Memory maps: legacy_maps.c.  Building:
 * model/builder.c.  Notes: docs/internals/decode.md.
 */
#include <math.h>
#include <stdio.h>

#include "decode/decode.h"
#include "decode/legacy.h"
#include "model/builder.h"

/* profile/legacy_profile.go: allocRxStr and allocSkipRxStr, joined. */
static const char alloc_rx[] =
	"calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|"
	"pvalloc|valloc|realloc|tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|"
	"tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|tc_valloc|tc_realloc|"
	"tc_new|tc_delete|tc_newarray|tc_deletearray|tc_new_nothrow|"
	"tc_newarray_nothrow|malloc_zone_malloc|malloc_zone_calloc|"
	"malloc_zone_valloc|malloc_zone_realloc|malloc_zone_memalign|"
	"malloc_zone_free|runtime\\..*|BaseArena::.*|(::)?do_malloc_no_errno|"
	"(::)?do_malloc_pages|(::)?do_malloc|DoSampledAllocation|"
	"MallocedMemBlock::MallocedMemBlock|_M_allocate|__builtin_(vec_)?delete|"
	"__builtin_(vec_)?new|__gnu_cxx::new_allocator::allocate|__libc_malloc|"
	"__malloc_alloc_template::allocate|allocate|cpp_alloc|operator new(\\[\\])?|"
	"simple_alloc::allocate";
static const char alloc_skip_rx[] = "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";

/* One record line. */
struct record {
	uint64_t first; /* into parser.stack */
	uint32_t n;
	int64_t values[4];
	int64_t blocksize;
};

/* One symbol comment. */
struct frame {
	struct hd_str name, file;
	int64_t line;
};

/* A distinct address: its symbol frames and, later, its location. */
struct address {
	uint64_t address;
	uint32_t first_frame, n_frames;
	bool symbolized; /* a comment named it (perhaps with no function) */
	bool closed;     /* its frames are complete; later comments repeat them */
	uint32_t location;
	uint32_t mapping;
};

struct parser {
	const uint8_t *data, *end;
	const struct hd_limits *lim;
	struct hd_error *err;
	uint64_t line_no;

	int64_t period;
	bool v2, has_alloc;

	struct record *records;
	size_t n_records, cap_records;
	uint32_t *stack; /* address indices, leaf first */
	size_t n_stack, cap_stack;
	struct frame *frames;
	size_t n_frames, cap_frames;
	struct address *addrs;
	size_t n_addrs, cap_addrs;
	uint32_t *slots; /* address -> index+... hash; HD_NONE empty */
	size_t mask;
	uint64_t seed;
	bool have_symbols;
	uint32_t prev_symbol; /* address of the previous line's comment, or HD_NONE */

	struct hd_str *memstat; /* name, value pairs */
	size_t n_memstat, cap_memstat;
	const uint8_t *maps_from; /* lines after the memory map sentinel */
};

/* ---- small helpers ---- */

static enum hd_status line_error(struct parser *ps, const char *fmt, ...) HD_PRINTF(2, 3);
static enum hd_status line_error(struct parser *ps, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return hd_error_set(ps->err, HD_ERR_LEGACY, "line %llu: %s",
			    (unsigned long long)ps->line_no, msg);
}

static enum hd_status nomem(struct parser *ps)
{
	return hd_error_set(ps->err, HD_ERR_NOMEM, "out of memory reading text profile");
}

static bool grow(void *arr_ptr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 64, bytes;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return false;
		ncap *= 2;
	}
	if (hd_mul_overflow(ncap, elem, &bytes))
		return false;
	void **arr = arr_ptr;
	void *n = hd_realloc(*arr, bytes);
	if (!n)
		return false;
	*arr = n;
	*cap = ncap;
	return true;
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(uint8_t c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

/* strconv.ParseInt(s, 10, 64). */
static bool parse_int(const uint8_t *s, size_t n, int64_t *v)
{
	bool neg = n && s[0] == '-';
	size_t i = neg;
	if (i == n)
		return false;
	uint64_t x = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		unsigned d = s[i] - '0';
		if (x > (lim - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return true;
}

/* ---- address table ---- */

static uint64_t addr_hash(uint64_t a, uint64_t seed)
{
	uint64_t h = a ^ seed;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* The index of address a, added if new; HD_NONE when out of memory. */
static uint32_t address_index(struct parser *ps, uint64_t a)
{
	if ((ps->n_addrs + 1) * 2 > (ps->slots ? ps->mask + 1 : 0)) {
		size_t cap = ps->slots ? (ps->mask + 1) * 2 : 1024;
		uint32_t *slots = hd_malloc(cap * sizeof(*slots));
		if (!slots)
			return HD_NONE;
		memset(slots, 0xff, cap * sizeof(*slots));
		for (size_t i = 0; i < ps->n_addrs; i++) {
			size_t j = (size_t)addr_hash(ps->addrs[i].address, ps->seed) & (cap - 1);
			while (slots[j] != HD_NONE)
				j = (j + 1) & (cap - 1);
			slots[j] = (uint32_t)i;
		}
		hd_free(ps->slots);
		ps->slots = slots;
		ps->mask = cap - 1;
	}
	size_t j = (size_t)addr_hash(a, ps->seed) & ps->mask;
	while (ps->slots[j] != HD_NONE) {
		if (ps->addrs[ps->slots[j]].address == a)
			return ps->slots[j];
		j = (j + 1) & ps->mask;
	}
	if (ps->n_addrs >= UINT32_MAX - 1 ||
	    !grow(&ps->addrs, &ps->cap_addrs, ps->n_addrs + 1, sizeof(*ps->addrs)))
		return HD_NONE;
	struct address *ad = &ps->addrs[ps->n_addrs];
	memset(ad, 0, sizeof(*ad));
	ad->address = a;
	ad->location = HD_NONE;
	ps->slots[j] = (uint32_t)ps->n_addrs;
	return (uint32_t)ps->n_addrs++;
}

/* ---- header ---- */

/* Matches `pat` at s: ' ' in pat means " *", '#' means (\d+) into *num. */
static const uint8_t *match_counts(const uint8_t *s, const uint8_t *end,
				   struct hd_str num[4])
{
	/* " *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\]" as in heapHeaderRE. */
	for (int k = 0; k < 4; k++) {
		while (s < end && *s == ' ')
			s++;
		if (k == 2) {
			if (s == end || *s != '[')
				return NULL;
			s++;
			while (s < end && *s == ' ')
				s++;
		}
		const uint8_t *d = s;
		while (s < end && is_digit(*s))
			s++;
		if (s == d)
			return NULL;
		num[k].ptr = (const char *)d;
		num[k].len = (size_t)(s - d);
		if (k % 2 == 0) {
			if (s == end || *s != ':')
				return NULL;
			s++;
		}
	}
	while (s < end && *s == ' ')
		s++;
	if (s == end || *s != ']')
		return NULL;
	return s + 1;
}

/* parseHeap's first line: heapHeaderRE, then growthHeaderRE, then
 * fragmentationHeaderRE, each unanchored. */
static enum hd_status parse_header(struct parser *ps, const uint8_t *s, const uint8_t *end)
{
	static const char tag[] = "heap profile:";
	for (const uint8_t *p = s; p + sizeof(tag) - 1 <= end; p++) {
		if (memcmp(p, tag, sizeof(tag) - 1) != 0)
			continue;
		struct hd_str num[4];
		const uint8_t *q = match_counts(p + sizeof(tag) - 1, end, num);
		if (!q)
			continue;
		const uint8_t *after = q;
		/* heapHeaderRE: " *@ *(heap[_a-z0-9]*)/?(\d*)" */
		while (q < end && *q == ' ')
			q++;
		if (q < end && *q == '@') {
			q++;
			while (q < end && *q == ' ')
				q++;
			if (end - q >= 4 && memcmp(q, "heap", 4) == 0) {
				const uint8_t *name = q;
				q += 4;
				while (q < end && (*q == '_' || is_digit(*q) || (*q >= 'a' && *q <= 'z')))
					q++;
				struct hd_str kind = {(const char *)name, (size_t)(q - name)};
				if (q < end && *q == '/')
					q++;
				const uint8_t *d = q;
				while (q < end && is_digit(*q))
					q++;
				int64_t n = 0;
				if (q > d && !parse_int(d, (size_t)(q - d), &n))
					return line_error(ps, "heap profile period out of range");
				/* hasAlloc compares the numbers as strings, like pprof. */
				ps->has_alloc = (!hd_str_eq(num[2], num[0]) && !hd_str_eqc(num[2], "0")) ||
						(!hd_str_eq(num[3], num[1]) && !hd_str_eqc(num[3], "0"));
				if (hd_str_eqc(kind, "heapz_v2") || hd_str_eqc(kind, "heap_v2")) {
					ps->v2 = true;
					ps->period = n;
				} else if (hd_str_eqc(kind, "heapprofile")) {
					ps->period = 1;
				} else if (hd_str_eqc(kind, "heap")) {
					/* The runtime writes 2*MemProfileRate (pprof.go). */
					ps->v2 = true;
					ps->period = n / 2;
				} else {
					return line_error(ps, "unsupported heap profile kind '%.*s'",
							  (int)(kind.len > 40 ? 40 : kind.len), kind.ptr);
				}
				return HD_OK;
			}
		}
		/* growthHeaderRE / fragmentationHeaderRE: " @ growthz?" */
		q = after;
		if (end - q >= 3 && memcmp(q, " @ ", 3) == 0) {
			q += 3;
			if ((end - q >= 6 && memcmp(q, "growth", 6) == 0) ||
			    (end - q >= 13 && memcmp(q, "fragmentation", 13) == 0)) {
				ps->period = 1;
				return HD_OK;
			}
		}
	}
	return line_error(ps, "unrecognized heap profile header");
}

/* ---- records ---- */

/* pprof's scaleHeapSample (also the runtime's). */
static void scale(int64_t *count, int64_t *size, int64_t rate)
{
	if (*count == 0 || *size == 0) {
		*count = *size = 0;
		return;
	}
	if (rate <= 1)
		return;
	double avg = (double)*size / (double)*count;
	double s = 1 / (1 - exp(-avg / (double)rate));
	double c = (double)*count * s, z = (double)*size * s;
	/* Go's float->int64 conversion gives INT64_MIN out of range on amd64. */
	*count = (c < 9223372036854775808.0 && c >= -9223372036854775808.0) ? (int64_t)c : INT64_MIN;
	*size = (z < 9223372036854775808.0 && z >= -9223372036854775808.0) ? (int64_t)z : INT64_MIN;
}

/* Anchored heapSampleRE at s; returns the end of the address list or NULL. */
static const uint8_t *match_sample(const uint8_t *s, const uint8_t *end,
				   struct hd_str num[4], const uint8_t **fail_at)
{
	/* (-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *] @([ x0-9a-f]*) */
	for (int k = 0; k < 4; k++) {
		if (k == 2) {
			while (s < end && *s == ' ')
				s++;
			if (s == end || *s != '[')
				return NULL;
			s++;
		}
		if (k > 0)
			while (s < end && *s == ' ')
				s++;
		const uint8_t *d = s;
		if (k < 2 && s < end && *s == '-')
			s++;
		const uint8_t *digits = s;
		while (s < end && is_digit(*s))
			s++;
		if (s == digits)
			return NULL;
		if (k == 0)
			*fail_at = s; /* a later start inside these digits fails alike */
		num[k].ptr = (const char *)d;
		num[k].len = (size_t)(s - d);
		if (k % 2 == 0) {
			if (s == end || *s != ':')
				return NULL;
			s++;
		}
	}
	while (s < end && *s == ' ')
		s++;
	if (end - s < 3 || memcmp(s, "] @", 3) != 0)
		return NULL;
	s += 3;
	while (s < end && (*s == ' ' || *s == 'x' || is_hex(*s)))
		s++;
	return s;
}

static enum hd_status add_values(struct parser *ps, struct hd_str cnt, struct hd_str sz,
				 const char *what, int64_t *out, int64_t *blocksize)
{
	int64_t count, size;
	if (!parse_int((const uint8_t *)cnt.ptr, cnt.len, &count) ||
	    !parse_int((const uint8_t *)sz.ptr, sz.len, &size))
		return line_error(ps, "malformed sample: number out of range");
	if (count == 0 && size != 0)
		return line_error(ps, "%s count is 0 but %s bytes is %lld", what, what,
				  (long long)size);
	if (count != 0) {
		*blocksize = size / count;
		if (ps->v2)
			scale(&count, &size, ps->period);
	}
	out[0] = count;
	out[1] = size;
	return HD_OK;
}

static enum hd_status parse_record(struct parser *ps, const uint8_t *s, const uint8_t *end)
{
	struct hd_str num[4];
	const uint8_t *stop = NULL;
	for (const uint8_t *p = s; p < end; p++) {
		if (*p != '-' && !is_digit(*p))
			continue;
		const uint8_t *fail_at = p + 1;
		stop = match_sample(p, end, num, &fail_at);
		if (stop) {
			s = stop;
			break;
		}
		if (fail_at > p + 1)
			p = fail_at - 1;
	}
	if (!stop)
		return line_error(ps, "malformed sample line (want 'count: bytes [count: bytes] @ addresses')");
	const uint8_t *addr_from = stop;
	while (addr_from > (const uint8_t *)num[3].ptr && addr_from[-1] != '@')
		addr_from--;
	if (ps->n_records >= ps->lim->max_samples)
		return hd_error_set(ps->err, HD_ERR_LIMIT, "more than %llu samples (see --max-samples)",
				    (unsigned long long)ps->lim->max_samples);
	if (!grow(&ps->records, &ps->cap_records, ps->n_records + 1, sizeof(*ps->records)))
		return nomem(ps);
	struct record *r = &ps->records[ps->n_records];
	memset(r, 0, sizeof(*r));
	enum hd_status st;
	int64_t *v = r->values;
	if (ps->has_alloc) {
		if ((st = add_values(ps, num[2], num[3], "allocation", v, &r->blocksize)))
			return st;
		v += 2;
	}
	if ((st = add_values(ps, num[0], num[1], "inuse", v, &r->blocksize)))
		return st;
	r->first = ps->n_stack;
	/* hexNumberRE "0x[0-9a-f]+" over the address list. */
	for (const uint8_t *p = addr_from; p + 2 < stop + 1 && p < stop;) {
		if (!(p[0] == '0' && p + 1 < stop && p[1] == 'x' && p + 2 < stop && is_hex(p[2]))) {
			p++;
			continue;
		}
		p += 2;
		uint64_t a = 0;
		bool overflow = false;
		for (; p < stop && is_hex(*p); p++) {
			if (a >> 60)
				overflow = true;
			a = a << 4 | (uint64_t)(is_digit(*p) ? *p - '0' : *p - 'a' + 10);
		}
		if (overflow)
			return line_error(ps, "address does not fit in 64 bits");
		if (r->n >= ps->lim->max_stack_depth || r->n >= UINT32_MAX - 1)
			return hd_error_set(ps->err, HD_ERR_LIMIT,
					    "line %llu: more than %llu frames (see --max-stack-depth)",
					    (unsigned long long)ps->line_no,
					    (unsigned long long)ps->lim->max_stack_depth);
		/* Return addresses point after the call: back up into it. */
		uint32_t index = address_index(ps, a - 1);
		if (index == HD_NONE ||
		    !grow(&ps->stack, &ps->cap_stack, ps->n_stack + 1, sizeof(*ps->stack)))
			return nomem(ps);
		ps->stack[ps->n_stack++] = index;
		r->n++;
	}
	ps->n_records++;
	return HD_OK;
}

/* ---- comments: symbols and MemStats ---- */

/*
 * "#\t0xPC[\tname+0xoff\tfile:line]" (printStackRecord in pprof.go); the
 * runtime writes through a tabwriter, so fields are separated by runs of
 * tabs.
 */
static enum hd_status parse_symbol(struct parser *ps, const uint8_t *s, const uint8_t *end)
{
	s++; /* '#' */
	while (s < end && (*s == '\t' || *s == ' '))
		s++;
	const uint8_t *f = s;
	while (s < end && *s != '\t')
		s++;
	uint64_t a = 0;
	if (s - f < 3 || f[0] != '0' || f[1] != 'x')
		return line_error(ps, "malformed symbol comment");
	for (const uint8_t *p = f + 2; p < s; p++) {
		uint8_t c = *p;
		if (!is_hex(c) || (a >> 60))
			return line_error(ps, "malformed symbol comment address");
		a = a << 4 | (uint64_t)(is_digit(c) ? c - '0' : c - 'a' + 10);
	}
	uint32_t index = address_index(ps, a);
	if (index == HD_NONE)
		return nomem(ps);
	struct address *ad = &ps->addrs[index];
	ps->have_symbols = true;
	if (s == end) { /* an address without function */
		ad->symbolized = true;
		ps->prev_symbol = index;
		return HD_OK;
	}
	while (s < end && *s == '\t')
		s++;
	const uint8_t *name = s;
	while (s < end && *s != '\t')
		s++;
	const uint8_t *name_end = s;
	while (s < end && *s == '\t')
		s++;
	if (s == end)
		return line_error(ps, "malformed symbol comment (no file:line)");
	const uint8_t *file = s;
	/* Strip "+0xoff" from the name. */
	for (const uint8_t *p = name_end; p - name >= 3; p--) {
		if (p[-1] == 'x' && p[-2] == '0' && p[-3] == '+') {
			name_end = p - 3;
			break;
		}
		if (!is_hex(p[-1]))
			break;
	}
	/* file:line, the line after the last ':' */
	const uint8_t *colon = end;
	while (colon > file && colon[-1] != ':')
		colon--;
	int64_t line = 0;
	if (colon == file || !parse_int(colon, (size_t)(end - colon), &line))
		return line_error(ps, "malformed symbol comment (no file:line)");
	/* The frames of an address are its first run of consecutive
	 * comments; the same address printed again (in another record, or
	 * recursion in this one: its innermost frame again) repeats them. */
	uint32_t prev = ps->prev_symbol;
	ps->prev_symbol = index;
	if (ad->closed)
		return HD_OK;
	if (ad->symbolized) {
		const struct frame *first = ad->n_frames ? &ps->frames[ad->first_frame] : NULL;
		if (prev != index || ad->n_frames == 0 ||
		    (first->line == line && first->name.len == (size_t)(name_end - name) &&
		     memcmp(first->name.ptr, name, first->name.len) == 0)) {
			ad->closed = true;
			return HD_OK;
		}
	}
	if (!grow(&ps->frames, &ps->cap_frames, ps->n_frames + 1, sizeof(*ps->frames)))
		return nomem(ps);
	if (!ad->symbolized) {
		ad->symbolized = true;
		ad->first_frame = (uint32_t)ps->n_frames;
	}
	struct frame *fr = &ps->frames[ps->n_frames++];
	fr->name.ptr = (const char *)name;
	fr->name.len = (size_t)(name_end - name);
	fr->file.ptr = (const char *)file;
	fr->file.len = (size_t)(colon - 1 - file);
	fr->line = line;
	ad->n_frames++;
	return HD_OK;
}

/* "# Name = value" inside the runtime.MemStats section. */
static enum hd_status parse_memstat(struct parser *ps, const uint8_t *s, const uint8_t *end)
{
	s++; /* '#' */
	while (s < end && is_space(*s))
		s++;
	const uint8_t *name = s;
	while (s < end && !is_space(*s) && *s != '=')
		s++;
	const uint8_t *name_end = s;
	while (s < end && *s == ' ')
		s++;
	if (name_end == name || s == end || *s != '=')
		return HD_OK; /* some other comment */
	s++;
	while (s < end && *s == ' ')
		s++;
	if (!grow(&ps->memstat, &ps->cap_memstat, ps->n_memstat + 2, sizeof(*ps->memstat)))
		return nomem(ps);
	ps->memstat[ps->n_memstat].ptr = (const char *)name;
	ps->memstat[ps->n_memstat++].len = (size_t)(name_end - name);
	ps->memstat[ps->n_memstat].ptr = (const char *)s;
	ps->memstat[ps->n_memstat++].len = (size_t)(end - s);
	return HD_OK;
}

static bool contains(const uint8_t *s, const uint8_t *end, const char *needle)
{
	size_t n = strlen(needle);
	while (s + n <= end) {
		const uint8_t *hit = memchr(s, needle[0], (size_t)(end - s) - n + 1);
		if (!hit)
			return false;
		if (memcmp(hit, needle, n) == 0)
			return true;
		s = hit + 1;
	}
	return false;
}

/* One pass over the lines: records, symbol comments, MemStats. */
static enum hd_status scan_lines(struct parser *ps)
{
	enum hd_status st;
	bool in_memstats = false;
	const uint8_t *p = ps->data;
	ps->prev_symbol = HD_NONE;
	for (ps->line_no = 1; p < ps->end; ps->line_no++) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(ps->end - p));
		const uint8_t *s = p, *e = nl ? nl : ps->end;
		p = nl ? nl + 1 : ps->end;
		if ((uint64_t)(e - s) > ps->lim->max_line_bytes)
			return hd_error_set(ps->err, HD_ERR_LIMIT,
					    "line %llu longer than %llu bytes",
					    (unsigned long long)ps->line_no,
					    (unsigned long long)ps->lim->max_line_bytes);
		if (ps->line_no == 1) {
			if (e > s && e[-1] == '\r')
				e--;
			if ((st = parse_header(ps, s, e)))
				return st;
			continue;
		}
		while (s < e && is_space(*s))
			s++;
		while (e > s && is_space(e[-1]))
			e--;
		if (s == e) {
			ps->prev_symbol = HD_NONE;
			continue;
		}
		if (*s == '#') {
			const uint8_t *q = s + 1;
			while (q < e && (*q == '\t' || *q == ' '))
				q++;
			if (q > s + 1 && e - q > 2 && q[0] == '0' && q[1] == 'x') {
				if ((st = parse_symbol(ps, s, e)))
					return st;
				continue;
			}
			ps->prev_symbol = HD_NONE;
			if ((size_t)(e - s) == 18 && memcmp(s, "# runtime.MemStats", 18) == 0)
				in_memstats = true;
			else if (in_memstats && (st = parse_memstat(ps, s, e)))
				return st;
			continue;
		}
		ps->prev_symbol = HD_NONE;
		if (contains(s, e, "--- Memory map: ---") || contains(s, e, "MAPPED_LIBRARIES:")) {
			ps->maps_from = p;
			return HD_OK;
		}
		if ((st = parse_record(ps, s, e)))
			return st;
	}
	return HD_OK;
}

/* True when address i is part of the profile's stacks. */
static bool kept(const struct parser *ps, uint32_t i)
{
	return !ps->have_symbols || ps->addrs[i].symbolized;
}

static enum hd_status build(struct parser *ps, struct hd_legacy_maps *maps,
			    struct hd_builder *b)
{
	static const char *const four[] = {"alloc_objects", "count", "alloc_space", "bytes",
					   "inuse_objects", "count", "inuse_space", "bytes"};
	static const char *const two[] = {"objects", "count", "space", "bytes"};
	const char *const *types = ps->has_alloc ? four : two;
	size_t n_types = ps->has_alloc ? 4 : 2;
	for (size_t i = 0; i < n_types; i++)
		hd_builder_add_sample_type(b, hd_str_c(types[2 * i]), hd_str_c(types[2 * i + 1]));
	hd_builder_set_period(b, hd_str_c("space"), hd_str_c("bytes"), ps->period);
	hd_builder_set_frames(b, hd_str_c(alloc_rx), hd_str_c(alloc_skip_rx));
	hd_builder_set_format(b, HD_FORMAT_LEGACY_HEAP);
	for (size_t i = 0; i + 1 < ps->n_memstat; i += 2)
		hd_builder_add_memstat(b, ps->memstat[i], ps->memstat[i + 1]);

	/* Locations in order of first appearance (remapLocationIDs), each
	 * given its mapping in that order (remapMappingIDs). */
	uint32_t *order = hd_malloc((ps->n_addrs ? ps->n_addrs : 1) * sizeof(uint32_t));
	uint32_t *locs = NULL;
	size_t n_order = 0, cap_locs = 0;
	enum hd_status st = HD_OK;
	if (!order)
		return nomem(ps);
	hd_legacy_maps_fixup(maps);
	for (size_t r = 0; r < ps->n_records; r++) {
		const struct record *rec = &ps->records[r];
		for (uint32_t k = 0; k < rec->n; k++) {
			uint32_t i = ps->stack[rec->first + k];
			struct address *ad = &ps->addrs[i];
			if (!kept(ps, i) || ad->location != HD_NONE)
				continue;
			bool oom = false;
			ad->mapping = hd_legacy_maps_find(maps, ad->address, &oom);
			if (oom) {
				st = nomem(ps);
				goto out;
			}
			ad->location = (uint32_t)n_order;
			order[n_order++] = i;
		}
	}
	for (size_t m = 0; m < maps->n; m++) {
		struct hd_mapping hm;
		memset(&hm, 0, sizeof(hm));
		hm.memory_start = maps->v[m].start;
		hm.memory_limit = maps->v[m].limit;
		hm.file_offset = maps->v[m].offset;
		hm.filename = maps->v[m].file;
		hm.build_id = maps->v[m].build_id;
		hd_builder_add_mapping(b, &hm);
	}
	struct hd_line lines_small[16];
	struct hd_line *lines = lines_small;
	size_t cap_lines = 16;
	for (size_t k = 0; k < n_order; k++) {
		const struct address *ad = &ps->addrs[order[k]];
		if (ad->n_frames > cap_lines) {
			struct hd_line *nl = hd_malloc(ad->n_frames * sizeof(*nl));
			if (!nl) {
				st = nomem(ps);
				goto out_lines;
			}
			if (lines != lines_small)
				hd_free(lines);
			lines = nl;
			cap_lines = ad->n_frames;
		}
		for (uint32_t f = 0; f < ad->n_frames; f++) {
			const struct frame *fr = &ps->frames[ad->first_frame + f];
			struct hd_function fn;
			memset(&fn, 0, sizeof(fn));
			fn.name = fn.system_name = fr->name;
			fn.filename = fr->file;
			lines[f].function = hd_builder_intern_function(b, &fn);
			lines[f].line = fr->line;
			lines[f].column = 0;
		}
		hd_builder_add_location(b, ad->mapping, ad->address, false, lines, ad->n_frames);
	}
	for (size_t r = 0; r < ps->n_records; r++) {
		const struct record *rec = &ps->records[r];
		if (!grow(&locs, &cap_locs, rec->n ? rec->n : 1, sizeof(*locs))) {
			st = nomem(ps);
			goto out_lines;
		}
		uint32_t n = 0;
		for (uint32_t k = 0; k < rec->n; k++) {
			uint32_t i = ps->stack[rec->first + k];
			if (kept(ps, i))
				locs[n++] = ps->addrs[i].location;
		}
		struct hd_label bytes;
		memset(&bytes, 0, sizeof(bytes));
		bytes.key = hd_str_c("bytes");
		bytes.is_num = true;
		bytes.num = rec->blocksize;
		hd_builder_add_sample(b, locs, n, rec->values, &bytes, 1);
	}
out_lines:
	if (lines != lines_small)
		hd_free(lines);
out:
	hd_free(locs);
	hd_free(order);
	return st;
}

static void parser_release(struct parser *ps)
{
	hd_free(ps->records);
	hd_free(ps->stack);
	hd_free(ps->frames);
	hd_free(ps->addrs);
	hd_free(ps->slots);
	hd_free(ps->memstat);
}

enum hd_status hd_legacy_decode(const uint8_t *data, size_t len,
				const struct hd_limits *limits,
				struct hd_profile **profile_ret,
				struct hd_error *err)
{
	struct parser ps;
	memset(&ps, 0, sizeof(ps));
	ps.data = data;
	ps.end = data + len;
	ps.lim = limits;
	ps.err = err;
	ps.seed = hd_hash_seed();
	struct hd_legacy_maps maps;
	memset(&maps, 0, sizeof(maps));
	struct hd_builder *b = NULL;
	enum hd_status st = scan_lines(&ps);
	if (!st && ps.maps_from)
		st = hd_legacy_maps_parse(&maps, ps.maps_from, ps.end, limits->max_line_bytes, err);
	if (!st)
		st = hd_builder_new(&b, err);
	if (!st)
		st = build(&ps, &maps, b);
	if (!st) {
		st = hd_builder_finish(b, profile_ret, err);
		b = NULL;
	}
	hd_builder_free(b);
	hd_legacy_maps_release(&maps);
	parser_release(&ps);
	return st;
}

bool hd_legacy_looks_like_heap(const uint8_t *data, size_t len)
{
	/* pprof's parseHeap matches its header regexps anywhere in the
	 * first line; all of them start with "heap profile:". */
	const uint8_t *nl = memchr(data, '\n', len);
	return contains(data, nl ? nl : data + len, "heap profile:");
}
