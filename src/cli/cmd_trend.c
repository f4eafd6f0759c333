/*
 * cmd_trend.c - `heapdoc trend DIR|PROFILE...`: which sites keep growing,
 * how fast, since when, and when the process reaches its limit; with
 * --fail-on=growing, a CI gate.  This file only finds and orders the
 * snapshots (a `heapdoc collect` directory or profiles given by name), maps
 * options, and turns the library's report into output and an exit code;
 * the analysis is src/lib/analyze/trend.c.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "commands.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: heapdoc trend [OPTIONS] DIR|PROFILE...\n"
		"\n"
		"Analyses a series of heap snapshots of one process (a 'heapdoc collect'\n"
		"directory, or profiles given by name): per allocation site and per owner\n"
		"(first frame outside the standard library), the in-use bytes over time,\n"
		"the growth rate (least-squares slope, bytes/min) and how well it fits (r2),\n"
		"the snapshot where growth started, and the time left until a limit.\n"
		"Snapshots no GC changed count as one observation.  Snapshots are ordered by\n"
		"their profile time, else by name.  When a snapshot has a debug=1 text form\n"
		"(collect --text), its runtime.MemStats are explained too.\n"
		"\n"
		"options:\n"
		"      --format=text|json  output format (default text)\n"
		"      --limit SIZE        project when the heap reaches SIZE (e.g. 2GiB); default:\n"
		"                          GOMEMLIMIT from the environment, if set\n"
		"      --fail-on=growing   exit 3 when a site is growing (a CI gate)\n"
		"      --min-growth RATE   growth slower than RATE is not growing, e.g. 10MiB/h,\n"
		"                          512KiB/min, 1MiB/s (default 0)\n"
		"      --min-change SIZE   smallest net change that counts (default 1MiB; 5%% of\n"
		"                          the largest value, if more)\n"
		"      --min-r2 F          fit quality growth needs, 0..1 (default 0.6)\n"
		"      --sample-index NAME|N  value to follow: a sample type (\"inuse_\" optional)\n"
		"                          or its index, as in top (default inuse_space)\n"
		"      --top N             text: rows per table (default 10; 0 = all)\n"
		"      --no-owners         text: only the per-site table\n"
		"      --max-input SIZE    largest profile file read (default 1GiB)\n"
		"      --max-decompressed SIZE  largest inflated profile (default 1GiB)\n"
		HD_CLI_LIMIT_HELP
		"\n"
		"exit status: 0 done (no growing site, or no --fail-on); 1 a profile could not\n"
		"be read; 2 bad command line; 3 --fail-on=growing and a site is growing.\n");
}

struct snap_file {
	char *path;      /* the profile used */
	char *text_path; /* a debug=1 sibling with MemStats, or NULL */
	char *name;      /* sort key: file name */
	struct hd_profile *profile;
	int64_t time_nanos;
};

struct snap_list {
	struct snap_file *v;
	size_t n, cap;
};

static void *xrealloc(void *p, size_t n)
{
	void *r = realloc(p, n ? n : 1);
	if (!r) {
		hd_cli_error("out of memory");
		exit(HD_EXIT_ERROR);
	}
	return r;
}

static char *xstrdup(const char *s)
{
	char *r = strdup(s);
	if (!r) {
		hd_cli_error("out of memory");
		exit(HD_EXIT_ERROR);
	}
	return r;
}

static struct snap_file *add_snap(struct snap_list *l, const char *path, const char *name)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	struct snap_file *s = &l->v[l->n++];
	memset(s, 0, sizeof(*s));
	s->path = xstrdup(path);
	s->name = xstrdup(name);
	return s;
}

/* Extensions of profile files in a directory, and whether the form is text. */
static const struct {
	const char *ext;
	bool text;
} exts[] = {
	{".pb.gz", false}, {".pb", false}, {".pprof", false}, {".prof", false},
	{".txt", true},    {".heap", true},
};

static size_t stem_len(const char *name, bool *text)
{
	size_t n = strlen(name);
	if (n > 13 && strcmp(name + n - 13, ".allocs.pb.gz") == 0)
		return 0; /* the allocs endpoint: same data, other default; not a snapshot */
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i].ext);
		if (n > e && strcmp(name + n - e, exts[i].ext) == 0) {
			*text = exts[i].text;
			return n - e;
		}
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Snapshots of a directory: one per stem, the proto form preferred, a text
 * sibling kept for its MemStats.
 */
static bool scan_dir(const char *dir, struct snap_list *l)
{
	DIR *d = opendir(dir);
	if (!d) {
		hd_cli_error("cannot read directory '%s': %s", dir, strerror(errno));
		return false;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		bool text;
		if (e->d_name[0] == '.' || stem_len(e->d_name, &text) == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	size_t first = l->n;
	char path[4096];
	for (size_t i = 0; i < n; i++) {
		bool text;
		size_t sl = stem_len(names[i], &text);
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		struct snap_file *same = NULL;
		for (size_t k = first; k < l->n; k++)
			if (strncmp(l->v[k].name, names[i], sl) == 0 && l->v[k].name[sl] == '.') {
				same = &l->v[k];
				break;
			}
		if (!same) {
			struct snap_file *s = add_snap(l, path, names[i]);
			if (text)
				s->text_path = xstrdup(path);
		} else if (text) {
			free(same->text_path);
			same->text_path = xstrdup(path);
		} else {
			/* A proto form after its text sibling: the proto is the snapshot. */
			free(same->path);
			same->path = xstrdup(path);
		}
		free(names[i]);
	}
	free(names);
	if (l->n == first) {
		hd_cli_error("cannot read directory '%s': no heap profiles in it (*.pb.gz, *.pb, *.txt)",
			     dir);
		return false;
	}
	return true;
}

/* "20260301T101502.250Z..." (collect's names) -> unix ns, else 0. */
static int64_t name_time(const char *name)
{
	struct tm tm;
	int ms = 0;
	memset(&tm, 0, sizeof(tm));
	if (strlen(name) < 20 || name[8] != 'T' || name[15] != '.' || name[19] != 'Z')
		return 0;
	if (sscanf(name, "%4d%2d%2dT%2d%2d%2d.%3d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000000000LL + (int64_t)ms * 1000000LL;
}

static int cmp_time(const void *pa, const void *pb)
{
	const struct snap_file *a = pa, *b = pb;
	if (a->time_nanos != b->time_nanos)
		return a->time_nanos < b->time_nanos ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int cmp_name(const void *pa, const void *pb)
{
	const struct snap_file *a = pa, *b = pb;
	return strcmp(a->name, b->name);
}

/* "10MiB/h", "512KiB/min", "1MiB/s", "4096" (per minute) -> bytes per minute. */
static bool parse_rate(const char *s, double *ret)
{
	char size[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(size))
		return false;
	memcpy(size, s, n);
	size[n] = '\0';
	unsigned long long bytes;
	if (!hd_cli_parse_size(size, &bytes))
		return false;
	double per = 1; /* minutes */
	if (slash) {
		const char *u = slash + 1;
		if (strcmp(u, "s") == 0 || strcmp(u, "sec") == 0)
			per = 1.0 / 60;
		else if (strcmp(u, "m") == 0 || strcmp(u, "min") == 0)
			per = 1;
		else if (strcmp(u, "h") == 0 || strcmp(u, "hour") == 0)
			per = 60;
		else if (strcmp(u, "d") == 0 || strcmp(u, "day") == 0)
			per = 1440;
		else
			return false;
	}
	*ret = (double)bytes / per;
	return true;
}

/* GOMEMLIMIT syntax: a number with an optional B, KiB, MiB, GiB, TiB suffix; "off". */
static bool parse_gomemlimit(const char *s, unsigned long long *ret)
{
	if (strcmp(s, "off") == 0) {
		*ret = 0;
		return true;
	}
	return hd_cli_parse_size(s, ret);
}

struct trend_args {
	enum hd_trend_format format;
	struct hd_trend_options topts;
	bool fail_on_growing;
	const char *sample_index;
	size_t top;
	bool owners;
	struct hd_limits limits;
	const char *limit_from; /* "--limit" or "GOMEMLIMIT" */
};

static bool parse_args(int argc, char **argv, struct trend_args *a, int *exit_ret)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"limit", required_argument, NULL, 'l'},
		{"fail-on", required_argument, NULL, 'F'},
		{"min-growth", required_argument, NULL, 'g'},
		{"min-change", required_argument, NULL, 'c'},
		{"min-r2", required_argument, NULL, 'r'},
		{"sample-index", required_argument, NULL, 's'},
		{"sample_index", required_argument, NULL, 's'},
		{"top", required_argument, NULL, 't'},
		{"no-owners", no_argument, NULL, 'O'},
		{"max-input", required_argument, NULL, 'm'},
		{"max-decompressed", required_argument, NULL, 'D'},
		HD_CLI_LIMIT_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(a, 0, sizeof(*a));
	hd_trend_options_default(&a->topts);
	hd_limits_default(&a->limits);
	a->top = 10;
	a->owners = true;
	bool limit_given = false;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = hd_cli_getopt(argc, argv, ":h", longopts, NULL, true)) != -1) {
		unsigned long long size;
		char *end;
		switch (c) {
		case 'f':
			if (strcmp(optarg, "text") == 0)
				a->format = HD_TREND_TEXT;
			else if (strcmp(optarg, "json") == 0)
				a->format = HD_TREND_JSON;
			else {
				hd_cli_error("trend: unknown --format '%s' (text or json)", optarg);
				goto usage_err;
			}
			break;
		case 'l':
			if (!hd_cli_parse_size(optarg, &size) || size == 0) {
				hd_cli_error("trend: invalid --limit '%s' (e.g. 2GiB)", optarg);
				goto usage_err;
			}
			a->topts.limit_bytes = size;
			a->limit_from = "--limit";
			limit_given = true;
			break;
		case 'F':
			if (strcmp(optarg, "growing") != 0) {
				hd_cli_error("trend: unknown --fail-on '%s' (growing)", optarg);
				goto usage_err;
			}
			a->fail_on_growing = true;
			break;
		case 'g':
			if (!parse_rate(optarg, &a->topts.min_growth_bytes_per_min)) {
				hd_cli_error("trend: invalid --min-growth '%s' (e.g. 10MiB/h)", optarg);
				goto usage_err;
			}
			break;
		case 'c':
			if (!hd_cli_parse_size(optarg, &size)) {
				hd_cli_error("trend: invalid --min-change '%s'", optarg);
				goto usage_err;
			}
			a->topts.min_change_bytes = size;
			break;
		case 'r':
			errno = 0;
			a->topts.min_r2 = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(a->topts.min_r2 >= 0 && a->topts.min_r2 <= 1)) {
				hd_cli_error("trend: invalid --min-r2 '%s' (0..1)", optarg);
				goto usage_err;
			}
			break;
		case 's': a->sample_index = optarg; break;
		case 't': {
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 0) {
				hd_cli_error("trend: invalid --top '%s'", optarg);
				goto usage_err;
			}
			a->top = (size_t)v;
			break;
		}
		case 'O': a->owners = false; break;
		case 'm':
			if (!hd_cli_parse_size(optarg, &size) || size == 0) {
				hd_cli_error("trend: invalid --max-input '%s'", optarg);
				goto usage_err;
			}
			a->limits.max_input_bytes = size;
			break;
		case 'D':
			if (!hd_cli_parse_size(optarg, &size) || size == 0) {
				hd_cli_error("trend: invalid --max-decompressed '%s'", optarg);
				goto usage_err;
			}
			a->limits.max_decompressed_bytes = size;
			break;
		case HD_CLI_OPT_MAX_SAMPLES: case HD_CLI_OPT_MAX_STACK_DEPTH:
		case HD_CLI_OPT_MAX_STRING: case HD_CLI_OPT_MAX_LINE:
		case HD_CLI_OPT_THREADS:
			if (hd_cli_limit_option("trend", c, optarg, &a->limits) < 0)
				goto usage_err;
			break;
		case 'h':
			usage(stdout);
			*exit_ret = hd_cli_finish(HD_EXIT_OK);
			return false;
		case ':':
			hd_cli_error("trend: option '%s' needs a value (see 'heapdoc trend --help')",
				     argv[optind - 1]);
			goto usage_err;
		default:
			hd_cli_error("trend: unknown option '%s' (see 'heapdoc trend --help')",
				     argv[optind - 1]);
			goto usage_err;
		}
	}
	if (optind >= argc) {
		hd_cli_error("trend: no snapshots given (a directory or profiles; "
			     "see 'heapdoc trend --help')");
		goto usage_err;
	}
	const char *env = getenv("GOMEMLIMIT");
	if (!limit_given && env && *env) {
		unsigned long long size;
		if (!parse_gomemlimit(env, &size)) {
			hd_cli_error("trend: invalid GOMEMLIMIT '%s' in the environment", env);
			goto usage_err;
		}
		a->topts.limit_bytes = size;
		a->limit_from = size ? "GOMEMLIMIT" : NULL;
	}
	return true;
usage_err:
	*exit_ret = HD_EXIT_USAGE;
	return false;
}

static void free_list(struct snap_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].text_path);
		free(l->v[i].name);
		hd_profile_free(l->v[i].profile);
	}
	free(l->v);
}

/* MemStats of the latest snapshot that has them; false if none. */
static bool latest_memstats(struct snap_list *l, const struct hd_limits *limits,
			    struct hd_memstats *m, const char **name_ret, int *code)
{
	for (size_t k = l->n; k-- > 0;) {
		struct snap_file *s = &l->v[k];
		struct hd_error err = {0};
		if (s->profile->n_memstats) {
			if (hd_memstats_read(s->profile, m, &err) != HD_OK) {
				hd_cli_input_error(s->path, &err);
				*code = HD_EXIT_ERROR;
				return false;
			}
			*name_ret = s->path;
			return true;
		}
		if (s->text_path && strcmp(s->text_path, s->path) != 0) {
			struct hd_profile *t = hd_cli_load_profile(s->text_path, limits);
			if (!t) {
				*code = HD_EXIT_ERROR;
				return false;
			}
			enum hd_status st = hd_memstats_read(t, m, &err);
			hd_profile_free(t);
			if (st != HD_OK) {
				hd_cli_input_error(s->text_path, &err);
				*code = HD_EXIT_ERROR;
				return false;
			}
			*name_ret = s->text_path;
			return true;
		}
	}
	return false;
}

/*
 * -sample_index resolved as top resolves it (a type name, "inuse_" optional,
 * or an index), against the oldest snapshot: the library then follows that
 * type by name through the series.  A value the profile lacks is a bad
 * command line, with pprof's message and exit status 2, as in top.
 */
static bool resolve_sample_index(const struct hd_profile *p0, const char *want,
				 char **name_ret, int *code)
{
	uint32_t idx;
	struct hd_error err = {0};
	enum hd_status st = hd_profile_resolve_sample_index(p0, want, &idx, &err);
	if (st != HD_OK) {
		hd_cli_error("trend: %s", err.msg);
		*code = st == HD_ERR_USAGE ? HD_EXIT_USAGE : HD_EXIT_ERROR;
		return false;
	}
	struct hd_str t = p0->sample_types[idx].type;
	char *name = xrealloc(NULL, t.len + 1);
	memcpy(name, t.ptr, t.len);
	name[t.len] = '\0';
	*name_ret = name;
	return true;
}

int cmd_trend(int argc, char **argv)
{
	struct trend_args a;
	int code = HD_EXIT_OK;
	if (!parse_args(argc, argv, &a, &code))
		return code;
	struct snap_list l = {NULL, 0, 0};
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (!scan_dir(argv[i], &l)) {
				free_list(&l);
				return HD_EXIT_ERROR;
			}
			continue;
		}
		const char *base = strrchr(argv[i], '/');
		add_snap(&l, argv[i], base ? base + 1 : argv[i]);
	}
	bool all_timed = true;
	for (size_t k = 0; k < l.n; k++) {
		struct snap_file *s = &l.v[k];
		s->profile = hd_cli_load_profile(s->path, &a.limits);
		if (!s->profile) {
			free_list(&l);
			return HD_EXIT_ERROR;
		}
		s->time_nanos = s->profile->time_nanos ? s->profile->time_nanos : name_time(s->name);
		if (!s->time_nanos)
			all_timed = false;
	}
	qsort(l.v, l.n, sizeof(*l.v), all_timed ? cmp_time : cmp_name);

	struct hd_trend_snapshot *snaps = xrealloc(NULL, l.n * sizeof(*snaps));
	for (size_t k = 0; k < l.n; k++) {
		snaps[k].profile = l.v[k].profile;
		snaps[k].time_nanos = l.v[k].time_nanos;
		snaps[k].name = l.v[k].path;
	}
	char *sample_type = NULL;
	if (a.sample_index && *a.sample_index &&
	    !resolve_sample_index(snaps[0].profile, a.sample_index, &sample_type, &code)) {
		free(snaps);
		free_list(&l);
		return code;
	}
	struct hd_trend_report *rep = NULL;
	struct hd_error err = {0};
	enum hd_status st = hd_trend_analyze(snaps, l.n, &a.topts, sample_type, &rep, &err);
	free(sample_type);
	free(snaps);
	if (st != HD_OK) {
		/* the library's messages mostly say "trend: " already */
		bool said = strncmp(err.msg, "trend: ", 7) == 0;
		hd_cli_error("%s%s", said ? "" : "trend: ", err.msg);
		free_list(&l);
		return st == HD_ERR_USAGE ? HD_EXIT_USAGE : HD_EXIT_ERROR;
	}

	struct hd_memstats ms;
	struct hd_trend_render_options ro = {a.top, a.owners, NULL, NULL};
	if (latest_memstats(&l, &a.limits, &ms, &ro.memstats_name, &code))
		ro.memstats = &ms;
	if (code != HD_EXIT_OK) {
		hd_trend_report_free(rep);
		free_list(&l);
		return code;
	}
	char *out = NULL;
	size_t len = 0;
	st = hd_trend_render(rep, a.format, &ro, &out, &len, &err);
	if (st != HD_OK) {
		hd_cli_error("trend: %s", err.msg);
		hd_trend_report_free(rep);
		free_list(&l);
		return HD_EXIT_ERROR;
	}
	fwrite(out, 1, len, stdout);
	free(out);
	if (a.format == HD_TREND_TEXT && a.limit_from && strcmp(a.limit_from, "GOMEMLIMIT") == 0 &&
	    rep->limit_bytes)
		printf("(limit from GOMEMLIMIT in the environment)\n");

	size_t growing = 0;
	for (size_t i = 0; i < rep->n_sites; i++)
		growing += rep->sites[i].trend.verdict == HD_TREND_GROWING;
	if (a.fail_on_growing && growing > 0) {
		code = HD_EXIT_GATE;
		char first[256];
		size_t o = 0;
		/* The name comes from the profile: no control bytes to the terminal. */
		for (const unsigned char *p = (const unsigned char *)rep->sites[0].site.function;
		     *p && o + 5 < sizeof(first); p++)
			o += (size_t)(*p < 0x20 || *p == 0x7f
					      ? snprintf(first + o, sizeof(first) - o, "\\x%02x", *p)
					      : snprintf(first + o, sizeof(first) - o, "%c", *p));
		first[o] = '\0';
		hd_cli_error("trend: %zu growing site%s (--fail-on=growing), first %s", growing,
			     growing == 1 ? "" : "s", first);
	}
	hd_trend_report_free(rep);
	free_list(&l);
	return hd_cli_finish(code);
}
