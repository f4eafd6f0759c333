/*
 * cmd_dump.c - `heapdoc dump PROFILE...`: prints the decoded model as
 * canonical text in the exact layout of pprof's Profile.String()
 * (profile/profile.go), so a dump can be diffed against pprof's own (the
 * *.string files of pprof's testdata).  Strings from the profile are
 * printed safely: control characters, ESC, DEL and invalid UTF-8 become
 * \xNN.  The decoding is the library's; this file only formats.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: heapdoc dump [OPTIONS] PROFILE...\n"
		"\n"
		"Prints each profile as decoded, in the layout of pprof's Profile.String():\n"
		"period, sample types, every sample (values, location ids, labels), every\n"
		"location (address, mapping, frames) and every mapping.  Use it to see\n"
		"exactly what a file holds, or to diff against pprof's own dump.\n"
		"'-' reads stdin, a URL is fetched.  With several profiles, each dump is\n"
		"preceded by '==> PROFILE <=='.\n"
		"\n"
		"options:\n"
		"  --max-input SIZE       largest input file (default 1GiB)\n"
		"  --max-decompressed SIZE  largest inflated profile (default 1GiB)\n"
		HD_CLI_LIMIT_HELP
		"  -h, --help             this help\n");
}

/* ---- safe output ---- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	unsigned cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void put_str(FILE *out, struct hd_str s)
{
	const unsigned char *p = (const unsigned char *)s.ptr;
	size_t i = 0;
	while (i < s.len) {
		unsigned c = p[i];
		if (c >= 0x20 && c < 0x7f) {
			size_t j = i;
			while (j < s.len && p[j] >= 0x20 && p[j] < 0x7f)
				j++;
			fwrite(p + i, 1, j - i, out);
			i = j;
		} else if (c >= 0x80) {
			size_t n = utf8_len(p + i, s.len - i);
			if (n) {
				fwrite(p + i, 1, n, out);
				i += n;
			} else {
				fprintf(out, "\\x%02x", c);
				i++;
			}
		} else {
			fprintf(out, "\\x%02x", c);
			i++;
		}
	}
}

static bool str_eq(struct hd_str a, struct hd_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static int str_cmp(struct hd_str a, struct hd_str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
	if (c)
		return c;
	return a.len < b.len ? -1 : a.len > b.len;
}

/* ---- Go's time and duration formatting ---- */

/* time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST", local. */
static void put_time(FILE *out, int64_t nanos)
{
	int64_t sec = nanos / 1000000000, ns = nanos % 1000000000;
	if (ns < 0) {
		ns += 1000000000;
		sec--;
	}
	time_t t = (time_t)sec;
	struct tm tm;
	localtime_r(&t, &tm);
	char buf[64];
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	fputs(buf, out);
	if (ns) {
		char frac[16];
		snprintf(frac, sizeof(frac), "%09lld", (long long)ns);
		size_t n = 9;
		while (frac[n - 1] == '0')
			n--;
		frac[n] = '\0';
		fprintf(out, ".%s", frac);
	}
	strftime(buf, sizeof(buf), " %z %Z", &tm);
	fputs(buf, out);
}

/* Appends the decimal fraction v/10^prec without trailing zeros (Go's fmtFrac). */
static void frac(char *buf, size_t cap, uint64_t *v, int prec)
{
	char digits[24];
	int n = 0;
	bool print = false;
	for (int i = 0; i < prec; i++) {
		unsigned d = (unsigned)(*v % 10);
		print = print || d != 0;
		if (print)
			digits[n++] = (char)('0' + d);
		*v /= 10;
	}
	size_t len = strlen(buf);
	if (print && len + (size_t)n + 2 < cap) {
		buf[len++] = '.';
		while (n > 0)
			buf[len++] = digits[--n];
		buf[len] = '\0';
	}
}

/* time.Duration.String(), e.g. "1.5s", "2m0.5s", "300ms". */
static void duration_string(int64_t d, char *buf, size_t cap)
{
	uint64_t u = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
	char tail[64] = "";
	buf[0] = '\0';
	if (u < 1000000000) {
		const char *unit;
		int prec;
		if (u == 0) {
			snprintf(buf, cap, "0s");
			return;
		} else if (u < 1000) {
			snprintf(buf, cap, "%s%lluns", d < 0 ? "-" : "", (unsigned long long)u);
			return;
		} else if (u < 1000000) {
			prec = 3;
			unit = "\xc2\xb5s"; /* µs */
		} else {
			prec = 6;
			unit = "ms";
		}
		char num[48] = "";
		uint64_t v = u;
		frac(num, sizeof(num), &v, prec);
		snprintf(buf, cap, "%s%llu%s%s", d < 0 ? "-" : "", (unsigned long long)v, num, unit);
		return;
	}
	uint64_t v = u;
	char secfrac[24] = "";
	frac(secfrac, sizeof(secfrac), &v, 9);
	uint64_t secs = v % 60, mins = v / 60 % 60, hours = v / 3600;
	if (hours)
		snprintf(tail, sizeof(tail), "%lluh%llum%llu%ss", (unsigned long long)hours,
			 (unsigned long long)mins, (unsigned long long)secs, secfrac);
	else if (mins)
		snprintf(tail, sizeof(tail), "%llum%llu%ss", (unsigned long long)mins,
			 (unsigned long long)secs, secfrac);
	else
		snprintf(tail, sizeof(tail), "%llu%ss", (unsigned long long)secs, secfrac);
	snprintf(buf, cap, "%s%s", d < 0 ? "-" : "", tail);
}

/* fmt's %.4v on a string: at most 4 runes. */
static void put_runes(FILE *out, const char *s, int max)
{
	int runes = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) != 0x80 && runes++ == max)
			break;
		fputc(*p, out);
	}
}

/* ---- labels ---- */

struct label_ref {
	const struct hd_label *l;
	uint32_t order;
};

static int cmp_label_key(const void *a, const void *b)
{
	const struct label_ref *x = a, *y = b;
	int c = str_cmp(x->l->key, y->l->key);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * pprof prints "key:[v1 v2]" per key, the keys' strings sorted.  Keys are
 * sorted here; since every entry starts with "key:", sorting by key gives
 * the same order except when one key is a prefix of another followed by a
 * byte below ':' - handled by comparing the formatted prefix "key:".
 */
static int cmp_formatted_key(struct hd_str a, struct hd_str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
	if (c || a.len == b.len)
		return c;
	/* One is a prefix of the other: compare ':' with the next byte. */
	unsigned char next = a.len < b.len ? (unsigned char)b.ptr[n] : (unsigned char)a.ptr[n];
	int r = ':' < next ? -1 : ':' > next ? 1 : 0;
	return a.len < b.len ? r : -r;
}

static int cmp_label_formatted(const void *a, const void *b)
{
	const struct label_ref *x = a, *y = b;
	int c = cmp_formatted_key(x->l->key, y->l->key);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void put_labels(FILE *out, const struct hd_profile *p, const struct hd_sample *s,
		       bool numeric, struct label_ref *refs)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->n_labels; i++) {
		const struct hd_label *l = &p->labels[s->first_label + i];
		if (l->is_num == numeric) {
			refs[n].l = l;
			refs[n].order = i;
			n++;
		}
	}
	if (n == 0)
		return;
	qsort(refs, n, sizeof(*refs), cmp_label_key);
	/* Group by key (stable), then order the groups like pprof's sort. */
	struct label_ref *groups = refs + n; /* scratch, n entries */
	uint32_t n_groups = 0;
	for (uint32_t i = 0; i < n; i++)
		if (i == 0 || !str_eq(refs[i].l->key, refs[i - 1].l->key))
			groups[n_groups++] = (struct label_ref){refs[i].l, i};
	qsort(groups, n_groups, sizeof(*groups), cmp_label_formatted);
	fputs("                ", out);
	for (uint32_t g = 0; g < n_groups; g++) {
		uint32_t from = groups[g].order, to = from;
		while (to < n && str_eq(refs[to].l->key, refs[from].l->key))
			to++;
		if (g)
			fputc(' ', out);
		put_str(out, refs[from].l->key);
		fputs(":[", out);
		bool units = false;
		for (uint32_t i = from; numeric && i < to; i++)
			units = units || refs[i].l->num_unit.len;
		for (uint32_t i = from; i < to; i++) {
			if (i > from)
				fputc(' ', out);
			if (!numeric) {
				put_str(out, refs[i].l->str);
				continue;
			}
			fprintf(out, "%lld", (long long)refs[i].l->num);
			if (units) {
				fputc(' ', out);
				put_str(out, refs[i].l->num_unit);
			}
		}
		fputc(']', out);
	}
	fputc('\n', out);
}

/* ---- the dump ---- */

static bool dump(FILE *out, const struct hd_profile *p)
{
	for (uint32_t i = 0; i < p->n_comments; i++) {
		fputs("Comment: ", out);
		put_str(out, p->comments[i]);
		fputc('\n', out);
	}
	if (p->doc_url.len) {
		fputs("Doc: ", out);
		put_str(out, p->doc_url);
		fputc('\n', out);
	}
	fputs("PeriodType: ", out);
	put_str(out, p->period_type.type);
	fputc(' ', out);
	put_str(out, p->period_type.unit);
	fprintf(out, "\nPeriod: %lld\n", (long long)p->period);
	if (p->time_nanos) {
		fputs("Time: ", out);
		put_time(out, p->time_nanos);
		fputc('\n', out);
	}
	if (p->duration_nanos) {
		char d[96];
		duration_string(p->duration_nanos, d, sizeof(d));
		fputs("Duration: ", out);
		put_runes(out, d, 4);
		fputc('\n', out);
	}
	fputs("Samples:\n", out);
	for (uint32_t i = 0; i < p->n_sample_types; i++) {
		if (i)
			fputc(' ', out);
		put_str(out, p->sample_types[i].type);
		fputc('/', out);
		put_str(out, p->sample_types[i].unit);
		if (str_eq(p->sample_types[i].type, p->default_sample_type))
			fputs("[dflt]", out);
	}
	fputc('\n', out);
	uint32_t max_labels = 0;
	for (uint64_t i = 0; i < p->n_samples; i++)
		if (p->samples[i].n_labels > max_labels)
			max_labels = p->samples[i].n_labels;
	struct label_ref *refs = malloc(((size_t)max_labels * 2 + 1) * sizeof(*refs));
	if (!refs) {
		hd_cli_error("out of memory");
		return false;
	}
	for (uint64_t i = 0; i < p->n_samples; i++) {
		const struct hd_sample *s = &p->samples[i];
		const int64_t *v = hd_profile_sample_values(p, i);
		for (uint32_t t = 0; t < p->n_sample_types; t++)
			fprintf(out, " %10lld", (long long)v[t]);
		fputs(": ", out);
		for (uint32_t k = 0; k < s->n_locs; k++)
			fprintf(out, "%llu ",
				(unsigned long long)p->locations[p->sample_locs[s->first_loc + k]].id);
		fputc('\n', out);
		put_labels(out, p, s, false, refs);
		put_labels(out, p, s, true, refs);
	}
	free(refs);
	fputs("Locations\n", out);
	for (uint32_t i = 0; i < p->n_locations; i++) {
		const struct hd_location *l = &p->locations[i];
		fprintf(out, "%6llu: 0x%llx ", (unsigned long long)l->id,
			(unsigned long long)l->address);
		if (l->mapping != HD_NONE)
			fprintf(out, "M=%llu ", (unsigned long long)p->mappings[l->mapping].id);
		if (l->is_folded)
			fputs("[F] ", out);
		if (l->n_lines == 0)
			fputc('\n', out);
		for (uint32_t k = 0; k < l->n_lines; k++) {
			const struct hd_line *ln = &p->lines[l->first_line + k];
			if (k)
				fputs("             ", out);
			if (ln->function == HD_NONE) {
				fputs("??\n", out);
				continue;
			}
			const struct hd_function *f = &p->functions[ln->function];
			put_str(out, f->name);
			fputc(' ', out);
			put_str(out, f->filename);
			fprintf(out, ":%lld:%lld s=%lld", (long long)ln->line, (long long)ln->column,
				(long long)f->start_line);
			if (!str_eq(f->name, f->system_name)) {
				fputc('(', out);
				put_str(out, f->system_name);
				fputc(')', out);
			}
			fputc('\n', out);
		}
	}
	fputs("Mappings\n", out);
	for (uint32_t i = 0; i < p->n_mappings; i++) {
		const struct hd_mapping *m = &p->mappings[i];
		/* Go's %#x prints 0 as "0x0"; C's as "0": spell the prefix out. */
		fprintf(out, "%llu: 0x%llx/0x%llx/0x%llx ", (unsigned long long)m->id,
			(unsigned long long)m->memory_start, (unsigned long long)m->memory_limit,
			(unsigned long long)m->file_offset);
		put_str(out, m->filename);
		fputc(' ', out);
		put_str(out, m->build_id);
		fputc(' ', out);
		if (m->has_functions)
			fputs("[FN]", out);
		if (m->has_filenames)
			fputs("[FL]", out);
		if (m->has_line_numbers)
			fputs("[LN]", out);
		if (m->has_inline_frames)
			fputs("[IN]", out);
		fputc('\n', out);
	}
	return true;
}

static bool parse_limit(const char *name, const char *arg, uint64_t *out)
{
	unsigned long long v;
	if (!hd_cli_parse_size(arg, &v) || v == 0) {
		hd_cli_error("dump: invalid --%s '%s'", name, arg);
		return false;
	}
	*out = v;
	return true;
}

int cmd_dump(int argc, char **argv)
{
	enum { OPT_MAX_INPUT = 0x100, OPT_MAX_DECOMP };
	static const struct option options[] = {
		{"max-input", required_argument, NULL, OPT_MAX_INPUT},
		{"max-decompressed", required_argument, NULL, OPT_MAX_DECOMP},
		HD_CLI_LIMIT_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct hd_limits limits;
	hd_limits_default(&limits);
	optind = 1;
	opterr = 0;
	int c;
	while ((c = hd_cli_getopt(argc, argv, "h", options, NULL, true)) != -1) {
		bool ok = true;
		switch (c) {
		case 'h':
			usage(stdout);
			return hd_cli_finish(HD_EXIT_OK);
		case OPT_MAX_INPUT: ok = parse_limit("max-input", optarg, &limits.max_input_bytes); break;
		case OPT_MAX_DECOMP:
			ok = parse_limit("max-decompressed", optarg, &limits.max_decompressed_bytes);
			break;
		case HD_CLI_OPT_MAX_SAMPLES: case HD_CLI_OPT_MAX_STACK_DEPTH:
		case HD_CLI_OPT_MAX_STRING: case HD_CLI_OPT_MAX_LINE:
		case HD_CLI_OPT_THREADS:
			ok = hd_cli_limit_option("dump", c, optarg, &limits) > 0;
			break;
		default:
			hd_cli_error("dump: unknown option '%s' (see 'heapdoc dump --help')",
				     argv[optind - 1]);
			return HD_EXIT_USAGE;
		}
		if (!ok)
			return HD_EXIT_USAGE;
	}
	if (optind >= argc) {
		usage(stderr);
		return HD_EXIT_USAGE;
	}
	int status = HD_EXIT_OK;
	bool several = argc - optind > 1;
	for (int i = optind; i < argc; i++) {
		struct hd_profile *p = hd_cli_load_profile(argv[i], &limits);
		if (!p) {
			status = HD_EXIT_ERROR;
			continue;
		}
		if (several)
			printf("%s==> %s <==\n", i > optind ? "\n" : "", argv[i]);
		bool ok = dump(stdout, p);
		hd_profile_free(p);
		if (!ok)
			return HD_EXIT_ERROR;
	}
	return hd_cli_finish(status);
}
