/*
 * report_opts.c - parsing pprof's report options for heapdoc's report
 * commands, with pprof's names, defaults and quirks (internal/driver/
 * cli.go parseFlags, config.go defaultConfig): -inuse_space and friends
 * are shorthands for -sample_index and lose to an explicit one with a
 * warning; granularity and sort flags conflict when given twice; -base and
 * -diff_base cannot be mixed; -normalize needs a base.  Loading goes
 * through hd_cli_load_combined() (cmd_merge.c), which sums the sources and
 * subtracts the bases like `go tool pprof`.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_opts.h"

enum {
	OPT_SAMPLE_INDEX = 0x100, OPT_INUSE_SPACE, OPT_INUSE_OBJECTS, OPT_ALLOC_SPACE,
	OPT_ALLOC_OBJECTS, OPT_MEAN, OPT_FUNCTIONS, OPT_FILEFUNCTIONS, OPT_FILES,
	OPT_LINES, OPT_ADDRESSES, OPT_NOINLINES, OPT_NODECOUNT, OPT_NODEFRACTION,
	OPT_EDGEFRACTION, OPT_TRIM, OPT_CUM, OPT_FLAT, OPT_UNIT, OPT_FOCUS, OPT_IGNORE,
	OPT_HIDE, OPT_SHOW, OPT_SHOW_FROM, OPT_PRUNE_FROM, OPT_TAGFOCUS, OPT_TAGIGNORE,
	OPT_ALL_FRAMES, OPT_DROP_NEGATIVE, OPT_FORMAT, OPT_JSON, OPT_BASE, OPT_DIFF_BASE,
	OPT_NORMALIZE, OPT_MAX_INPUT, OPT_MAX_DECOMPRESSED, OPT_OUTPUT, OPT_HELP, OPT_TAGROOT,
	OPT_TAGLEAF, OPT_RELATIVE, OPT_DIVIDE_BY, OPT_TAGSHOW, OPT_TAGHIDE, OPT_TRIM_PATH,
	OPT_SOURCE_PATH, OPT_CALL_TREE, OPT_SYMBOLIZE
};

/* Booleans take an optional "=true/false" like Go's flag package. */
static const struct option shared_options[] = {
	{"sample_index", required_argument, NULL, OPT_SAMPLE_INDEX},
	{"inuse_space", optional_argument, NULL, OPT_INUSE_SPACE},
	{"inuse_objects", optional_argument, NULL, OPT_INUSE_OBJECTS},
	{"alloc_space", optional_argument, NULL, OPT_ALLOC_SPACE},
	{"alloc_objects", optional_argument, NULL, OPT_ALLOC_OBJECTS},
	{"mean", optional_argument, NULL, OPT_MEAN},
	{"functions", optional_argument, NULL, OPT_FUNCTIONS},
	{"filefunctions", optional_argument, NULL, OPT_FILEFUNCTIONS},
	{"files", optional_argument, NULL, OPT_FILES},
	{"lines", optional_argument, NULL, OPT_LINES},
	{"addresses", optional_argument, NULL, OPT_ADDRESSES},
	{"noinlines", optional_argument, NULL, OPT_NOINLINES},
	{"nodecount", required_argument, NULL, OPT_NODECOUNT},
	{"nodefraction", required_argument, NULL, OPT_NODEFRACTION},
	{"edgefraction", required_argument, NULL, OPT_EDGEFRACTION},
	{"trim", optional_argument, NULL, OPT_TRIM},
	{"cum", optional_argument, NULL, OPT_CUM},
	{"flat", optional_argument, NULL, OPT_FLAT},
	{"unit", required_argument, NULL, OPT_UNIT},
	{"focus", required_argument, NULL, OPT_FOCUS},
	{"ignore", required_argument, NULL, OPT_IGNORE},
	{"hide", required_argument, NULL, OPT_HIDE},
	{"show", required_argument, NULL, OPT_SHOW},
	{"show_from", required_argument, NULL, OPT_SHOW_FROM},
	{"prune_from", required_argument, NULL, OPT_PRUNE_FROM},
	{"tagfocus", required_argument, NULL, OPT_TAGFOCUS},
	{"tagignore", required_argument, NULL, OPT_TAGIGNORE},
	{"tagroot", required_argument, NULL, OPT_TAGROOT},
	{"tagleaf", required_argument, NULL, OPT_TAGLEAF},
	{"tagshow", required_argument, NULL, OPT_TAGSHOW},
	{"taghide", required_argument, NULL, OPT_TAGHIDE},
	{"relative_percentages", optional_argument, NULL, OPT_RELATIVE},
	{"divide_by", required_argument, NULL, OPT_DIVIDE_BY},
	{"all_frames", optional_argument, NULL, OPT_ALL_FRAMES},
	{"trim_path", required_argument, NULL, OPT_TRIM_PATH},
	{"source_path", required_argument, NULL, OPT_SOURCE_PATH},
	{"call_tree", optional_argument, NULL, OPT_CALL_TREE},
	{"symbolize", required_argument, NULL, OPT_SYMBOLIZE},
	{"drop_negative", optional_argument, NULL, OPT_DROP_NEGATIVE},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"json", no_argument, NULL, OPT_JSON},
	{"base", required_argument, NULL, OPT_BASE},
	{"diff_base", required_argument, NULL, OPT_DIFF_BASE},
	{"normalize", optional_argument, NULL, OPT_NORMALIZE},
	{"max-input", required_argument, NULL, OPT_MAX_INPUT},
	{"max-decompressed", required_argument, NULL, OPT_MAX_DECOMPRESSED},
	HD_CLI_LIMIT_LONGOPTS,
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"help", no_argument, NULL, OPT_HELP},
};

void hd_cli_report_usage(FILE *f, const char *intro, const char *exit_help)
{
	fputs(intro, f);
	hd_cli_report_help(f);
	fputs(exit_help ? exit_help
			: "\n"
			  "exit status: 0 success; 1 an input could not be read or decoded, or the\n"
			  "output written; 2 bad command line (options, regexps, sample index).\n",
	      f);
}

int hd_cli_render_view(const struct hd_view *v, const struct hd_cli_report *r, const char *cmd,
		       hd_cli_view_render_fn text, hd_cli_view_render_fn json,
		       struct hd_cli_output *out)
{
	struct hd_error err = {0};
	out->free_text = hd_report_text_free;
	if ((r->format == HD_CLI_FORMAT_JSON ? json : text)(v, &out->text, &out->len, &err) !=
	    HD_OK) {
		hd_cli_error("%s: %s", cmd, err.msg);
		return HD_EXIT_ERROR;
	}
	return HD_EXIT_OK;
}

int hd_cli_regex_status(const char *cmd, enum hd_status st, const struct hd_error *err,
			bool matched, const char *regex)
{
	if (st != HD_OK) {
		char msg[2 * HD_ERROR_MSG_MAX];
		hd_escape_terminal(msg, sizeof(msg), err->msg, strlen(err->msg));
		hd_cli_error("%s: %s", cmd, msg);
		return st == HD_ERR_REGEX ? HD_EXIT_USAGE : HD_EXIT_ERROR;
	}
	if (!matched) {
		char q[512];
		hd_escape_terminal(q, sizeof(q), regex, strlen(regex));
		hd_cli_error("%s: no matches found for regexp: %s", cmd, q);
		return HD_EXIT_ERROR;
	}
	return -1;
}

void hd_cli_report_help(FILE *f)
{
	fprintf(f,
		"report options (pprof's names and defaults; -flag and --flag, -flag value\n"
		"and -flag=value all work; whole names only, as in pprof):\n"
		"  -sample_index NAME|N   sample type (default: the profile's default type,\n"
		"                         else the last: inuse_space for Go heap profiles)\n"
		"  -inuse_space -inuse_objects -alloc_space -alloc_objects\n"
		"                         shorthands for -sample_index\n"
		"  -mean                  divide values by sample value 0 (alloc_objects)\n"
		"  -functions (default) -filefunctions -files -lines -addresses\n"
		"                         what a row is: a function, a function in a file,\n"
		"                         a file, a source line, an address\n"
		"  -noinlines             attribute inlined frames to their caller\n"
		"  -nodecount N           show at most N rows (default: all)\n"
		"  -nodefraction F        hide rows with |cum| < F * total (default 0.005)\n"
		"  -edgefraction F        ignore call edges below F * total (default 0.001)\n"
		"  -trim=false            no -nodefraction/-edgefraction/-nodecount at all\n"
		"  -flat (default) -cum   sort by flat or by cum\n"
		"  -unit U                minimum (default), auto, B, kB, MB, GB, ...\n"
		"  -focus RE              keep samples with a frame matching RE (function or\n"
		"                         file name)\n"
		"  -ignore RE             drop samples with a frame matching RE\n"
		"  -hide RE               remove frames matching RE from the stacks\n"
		"  -show RE               keep only frames matching RE\n"
		"  -show_from RE          drop frames above the root-most match\n"
		"  -prune_from RE         drop frames below the leaf-most match\n"
		"  -tagfocus [KEY=]V      keep samples whose label matches: a numeric range\n"
		"                         (64kb, 1mb:2mb, :4kb, 100:) or regexps (a,b)\n"
		"  -tagignore [KEY=]V     drop samples whose label matches\n"
		"  -tagroot KEYS          add a frame per label KEY (comma-separated) at\n"
		"                         the root of each sample, named by its values\n"
		"  -tagleaf KEYS          the same at the leaf (-tagleaf=bytes: object sizes)\n"
		"  -tagshow RE            keep only the labels whose key matches RE (what\n"
		"                         traces and tags print, merge -o writes)\n"
		"  -taghide RE            drop the labels whose key matches RE\n"
		"  -relative_percentages  percentages of what the filters kept, not of all\n"
		"  -divide_by F           show every value divided by F (default 1)\n"
		"  -all_frames            ignore the profile's drop_frames/keep_frames\n"
		"  -trim_path P1:P2       remove the first matching prefix from file names\n"
		"                         (-files, -lines, -filefunctions)\n"
		"  -source_path D1:D2     without -trim_path: a file name containing /BASE/,\n"
		"                         BASE the last element of a D, loses all up to it\n"
		"  -call_tree             accepted for pprof's command lines; like pprof's\n"
		"                         text reports, heapdoc's ignore it\n"
		"  -symbolize MODE        accepted and ignored: heapdoc never symbolizes (Go\n"
		"                         profiles carry their function names)\n"
		"  -drop_negative         leave out rows with negative values\n"
		"  -base FILE             subtract FILE (repeatable)\n"
		"  -diff_base FILE        subtract FILE; percentages of its total (repeatable)\n"
		"  -normalize             scale the sources to the bases' totals first\n"
		"  --format text|json     output format (default text); --json = --format json\n"
		"  -o, -output FILE       write to FILE (atomically) instead of stdout\n"
		"  --max-input SIZE       refuse inputs larger than SIZE (default 1GiB)\n"
		"  --max-decompressed SIZE  refuse inflated profiles larger than SIZE\n"
		"                         (default 1GiB)\n"
		HD_CLI_LIMIT_HELP
		"Several PROFILEs are summed, as `go tool pprof` does; '-' reads stdin; a\n"
		"PROFILE that is an http(s):// URL (/debug/pprof/heap) is fetched.\n");
}

/* Go's strconv.ParseBool, for "-flag=value". */
static bool parse_bool(const char *cmd, const char *name, const char *arg, bool *ret)
{
	if (!arg) {
		*ret = true;
		return true;
	}
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(arg, yes[i]) == 0) {
			*ret = true;
			return true;
		}
		if (strcmp(arg, no[i]) == 0) {
			*ret = false;
			return true;
		}
	}
	hd_cli_error("%s: invalid boolean value '%s' for -%s", cmd, arg, name);
	return false;
}

static bool parse_int(const char *cmd, const char *name, const char *arg, int *ret)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < -2147483647L || v > 2147483647L) {
		hd_cli_error("%s: invalid value '%s' for -%s: not an integer", cmd, arg, name);
		return false;
	}
	*ret = (int)v;
	return true;
}

static bool parse_fraction(const char *cmd, const char *name, const char *arg, double *ret)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= 0 && v <= 1)) {
		hd_cli_error("%s: invalid value '%s' for -%s: want a number from 0 to 1", cmd, arg,
			     name);
		return false;
	}
	*ret = v;
	return true;
}

static bool push(const char ***list, size_t *n, const char *s)
{
	const char **nl = realloc(*list, (*n + 1) * sizeof(**list));
	if (!nl) {
		hd_cli_error("out of memory");
		exit(HD_EXIT_ERROR);
	}
	nl[(*n)++] = s;
	*list = nl;
	return true;
}

void hd_cli_report_release(struct hd_cli_report *r)
{
	free(r->sources_storage);
	free(r->bases_storage);
	r->sources_storage = r->bases_storage = NULL;
}

struct parse_state {
	bool legacy[4];       /* inuse_space, inuse_objects, alloc_space, alloc_objects */
	int granularity_set;  /* bits of HD_GRANULARITY_* given */
	bool flat, cum;
	bool normalize;
	const char **bases;
	size_t n_bases;
	const char **diff_bases;
	size_t n_diff_bases;
};

static const char *const legacy_names[] = {"inuse_space", "inuse_objects", "alloc_space",
					   "alloc_objects"};

/* Applies one shared option; false after printing an error. */
static bool apply(struct hd_cli_report *r, struct parse_state *s, const char *cmd, int c,
		  const char *name, const char *arg)
{
	struct hd_report_options *o = &r->ropt;
	bool b;
	unsigned long long size;
	switch (c) {
	case OPT_SAMPLE_INDEX: o->sample_index = arg; return true;
	case OPT_INUSE_SPACE: case OPT_INUSE_OBJECTS: case OPT_ALLOC_SPACE: case OPT_ALLOC_OBJECTS:
		if (!parse_bool(cmd, name, arg, &b))
			return false;
		s->legacy[c - OPT_INUSE_SPACE] = b;
		return true;
	case OPT_MEAN: return parse_bool(cmd, name, arg, &o->mean);
	case OPT_FUNCTIONS: case OPT_FILEFUNCTIONS: case OPT_FILES: case OPT_LINES: case OPT_ADDRESSES:
		if (!parse_bool(cmd, name, arg, &b))
			return false;
		if (b)
			s->granularity_set |= 1 << (c - OPT_FUNCTIONS);
		else
			s->granularity_set &= ~(1 << (c - OPT_FUNCTIONS));
		return true;
	case OPT_NOINLINES: return parse_bool(cmd, name, arg, &o->noinlines);
	case OPT_NODECOUNT: return parse_int(cmd, name, arg, &o->nodecount);
	case OPT_NODEFRACTION: return parse_fraction(cmd, name, arg, &o->nodefraction);
	case OPT_EDGEFRACTION: return parse_fraction(cmd, name, arg, &o->edgefraction);
	case OPT_TRIM: return parse_bool(cmd, name, arg, &o->trim);
	case OPT_CUM: return parse_bool(cmd, name, arg, &s->cum);
	case OPT_FLAT: return parse_bool(cmd, name, arg, &s->flat);
	case OPT_UNIT: o->unit = arg; return true;
	case OPT_FOCUS: o->focus = arg; return true;
	case OPT_IGNORE: o->ignore = arg; return true;
	case OPT_HIDE: o->hide = arg; return true;
	case OPT_SHOW: o->show = arg; return true;
	case OPT_SHOW_FROM: o->show_from = arg; return true;
	case OPT_PRUNE_FROM: o->prune_from = arg; return true;
	case OPT_TAGFOCUS: o->tagfocus = arg; return true;
	case OPT_TAGIGNORE: o->tagignore = arg; return true;
	case OPT_TAGROOT: o->tagroot = arg; return true;
	case OPT_TAGLEAF: o->tagleaf = arg; return true;
	case OPT_TAGSHOW: o->tagshow = arg; return true;
	case OPT_TAGHIDE: o->taghide = arg; return true;
	case OPT_RELATIVE: return parse_bool(cmd, name, arg, &o->relative_percentages);
	case OPT_DIVIDE_BY: {
		/* strconv.ParseFloat; pprof refuses 0 ("zero divisor specified") */
		char *end;
		errno = 0;
		double v = strtod(arg, &end);
		if (end == arg || *end || errno == ERANGE) {
			hd_cli_error("%s: invalid value '%s' for -%s: not a number", cmd, arg, name);
			return false;
		}
		if (v == 0) {
			hd_cli_error("%s: -%s: zero divisor specified", cmd, name);
			return false;
		}
		o->divide_by = v;
		return true;
	}
	case OPT_ALL_FRAMES: return parse_bool(cmd, name, arg, &o->all_frames);
	case OPT_TRIM_PATH: o->trim_path = arg; return true;
	case OPT_SOURCE_PATH: o->source_path = arg; return true;
	case OPT_CALL_TREE:
		/* pprof honours it only for dot and callgrind output */
		return parse_bool(cmd, name, arg, &b);
	case OPT_SYMBOLIZE: return true;
	case OPT_DROP_NEGATIVE: return parse_bool(cmd, name, arg, &o->drop_negative);
	case OPT_FORMAT:
		if (strcmp(arg, "text") == 0) {
			r->format = HD_CLI_FORMAT_TEXT;
		} else if (strcmp(arg, "json") == 0) {
			r->format = HD_CLI_FORMAT_JSON;
		} else {
			hd_cli_error("%s: unknown format '%s' (want text or json)", cmd, arg);
			return false;
		}
		return true;
	case OPT_JSON: r->format = HD_CLI_FORMAT_JSON; return true;
	case OPT_BASE:
		if (*arg)
			push(&s->bases, &s->n_bases, arg);
		return true;
	case OPT_DIFF_BASE:
		if (*arg)
			push(&s->diff_bases, &s->n_diff_bases, arg);
		return true;
	case OPT_NORMALIZE: return parse_bool(cmd, name, arg, &s->normalize);
	case OPT_MAX_INPUT: case OPT_MAX_DECOMPRESSED:
		if (!hd_cli_parse_size(arg, &size) || size == 0) {
			hd_cli_error("%s: invalid size '%s' for --%s", cmd, arg, name);
			return false;
		}
		if (c == OPT_MAX_INPUT)
			r->limits.max_input_bytes = size;
		else
			r->limits.max_decompressed_bytes = size;
		return true;
	case OPT_OUTPUT: r->output = arg; return true;
	}
	int lim = hd_cli_limit_option(cmd, c, arg, &r->limits);
	if (lim != 0)
		return lim > 0;
	return false;
}

/* The checks pprof makes once every flag is known. */
static bool finish(struct hd_cli_report *r, struct parse_state *s, const char *cmd)
{
	struct hd_report_options *o = &r->ropt;
	const char *si = o->sample_index && *o->sample_index ? o->sample_index : NULL;
	for (int i = 0; i < 4; i++) {
		if (!s->legacy[i])
			continue;
		if (!si)
			si = legacy_names[i];
		else
			fprintf(stderr, "%s: Multiple value selections, ignoring -%s\n", hd_progname,
				legacy_names[i]);
	}
	o->sample_index = si;
	int set = s->granularity_set, count = 0, first = -1;
	for (int i = 0; i < 5; i++) {
		if (set & (1 << i)) {
			if (first < 0)
				first = i;
			count++;
		}
	}
	if (count > 1) {
		hd_cli_error("%s: conflicting options set: give one of -functions, -filefunctions, "
			     "-files, -lines, -addresses", cmd);
		return false;
	}
	if (first >= 0)
		o->granularity = (enum hd_granularity)first;
	if (s->flat && s->cum) {
		hd_cli_error("%s: conflicting options set: -flat and -cum", cmd);
		return false;
	}
	o->sort = s->cum ? HD_SORT_CUM : HD_SORT_FLAT;
	if (s->n_bases && s->n_diff_bases) {
		hd_cli_error("%s: -base and -diff_base flags cannot both be specified", cmd);
		return false;
	}
	r->bases_storage = s->n_bases ? s->bases : s->diff_bases;
	free(s->n_bases ? s->diff_bases : s->bases);
	s->bases = s->diff_bases = NULL; /* owned by r now */
	r->src.bases = r->bases_storage;
	r->src.n_bases = s->n_bases ? s->n_bases : s->n_diff_bases;
	r->src.diff_base = s->n_diff_bases > 0;
	r->src.normalize = s->normalize;
	if (s->normalize && r->src.n_bases == 0) {
		hd_cli_error("%s: must have base profile to normalize by", cmd);
		return false;
	}
	return true;
}

int hd_cli_report_parse(int argc, char **argv, const struct hd_cli_extra *extra,
			bool positional_regex, struct hd_cli_report *r, void (*usage)(FILE *))
{
	memset(r, 0, sizeof(*r));
	hd_report_options_default(&r->ropt);
	hd_limits_default(&r->limits);
	const char *cmd = argv[0];
	size_t n_shared = sizeof(shared_options) / sizeof(shared_options[0]);
	size_t n_extra = 0;
	if (extra && extra->options)
		while (extra->options[n_extra].name)
			n_extra++;
	struct option *longopts = calloc(n_shared + n_extra + 1, sizeof(*longopts));
	if (!longopts) {
		hd_cli_error("out of memory");
		exit(HD_EXIT_ERROR);
	}
	memcpy(longopts, shared_options, sizeof(shared_options));
	if (n_extra)
		memcpy(longopts + n_shared, extra->options, n_extra * sizeof(*longopts));

	struct parse_state s;
	memset(&s, 0, sizeof(s));
	int rc = -1;
	optind = 0; /* full re-initialisation of getopt (GNU) */
	opterr = 0;
	for (;;) {
		int idx = -1;
		int c = hd_cli_getopt(argc, argv, ":ho:", longopts, &idx, true);
		if (c == -1)
			break;
		const char *name = idx >= 0 ? longopts[idx].name : "";
		if (c == 'h' || c == OPT_HELP) {
			usage(stdout);
			rc = hd_cli_finish(HD_EXIT_OK);
			goto out;
		}
		if (c == 'o') {
			r->output = optarg;
			continue;
		}
		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1] ? argv[optind - 1] : "";
			if (c == ':')
				hd_cli_error("%s: option '%s' needs a value (see 'heapdoc %s --help')",
					     cmd, bad, cmd);
			else
				hd_cli_error("%s: unknown option '%s' (see 'heapdoc %s --help')",
					     cmd, bad, cmd);
			rc = HD_EXIT_USAGE;
			goto out;
		}
		if (c >= HD_CLI_EXTRA_BASE) {
			if (!extra->handle(extra->ctx, c, optarg)) {
				rc = HD_EXIT_USAGE;
				goto out;
			}
			continue;
		}
		if (!apply(r, &s, cmd, c, name, optarg)) {
			rc = HD_EXIT_USAGE;
			goto out;
		}
	}
	/* GNU getopt permuted argv: options may follow the profiles. */
	r->args = argv + optind;
	r->n_args = argc - optind;
	if (!finish(r, &s, cmd)) {
		rc = HD_EXIT_USAGE; /* out: frees the lists finish did not take */
		goto out;
	}
	s.bases = s.diff_bases = NULL;
	int first_profile = positional_regex ? 1 : 0;
	if (r->n_args <= first_profile) {
		hd_cli_error("%s: no profile given (see 'heapdoc %s --help')", cmd, cmd);
		rc = HD_EXIT_USAGE;
		goto out;
	}
	for (int i = first_profile; i < r->n_args; i++)
		push(&r->sources_storage, &r->src.n_sources, r->args[i]);
	r->src.sources = r->sources_storage;
out:
	free(s.bases);
	free(s.diff_bases);
	free(longopts);
	return rc;
}

struct hd_profile *hd_cli_report_load(struct hd_cli_report *r)
{
	return hd_cli_load_combined(&r->src, &r->limits);
}

struct hd_view *hd_cli_report_view(struct hd_cli_report *r, const struct hd_profile *p,
				   int *exit_ret)
{
	struct hd_view *v = NULL;
	struct hd_error err = {0};
	enum hd_status st = hd_view_new(p, &r->ropt, &v, &err);
	if (st != HD_OK) {
		char msg[2 * HD_ERROR_MSG_MAX];
		hd_escape_terminal(msg, sizeof(msg), err.msg, strlen(err.msg));
		hd_cli_error("%s", msg);
		*exit_ret = st == HD_ERR_USAGE || st == HD_ERR_REGEX ? HD_EXIT_USAGE : HD_EXIT_ERROR;
		return NULL;
	}
	struct hd_view_summary sum;
	hd_view_summary(v, &sum);
	static const struct {
		unsigned bit;
		const char *name;
	} warn[] = {
		{HD_FILTER_FOCUS, "focus"}, {HD_FILTER_IGNORE, "ignore"}, {HD_FILTER_HIDE, "hide"},
		{HD_FILTER_SHOW, "show"}, {HD_FILTER_SHOW_FROM, "show_from"},
		{HD_FILTER_TAGFOCUS, "tagfocus"}, {HD_FILTER_TAGIGNORE, "tagignore"},
		{HD_FILTER_TAGROOT, "tagroot"}, {HD_FILTER_TAGLEAF, "tagleaf"},
		{HD_FILTER_TAGSHOW, "tagshow"}, {HD_FILTER_TAGHIDE, "taghide"},
	};
	for (size_t i = 0; i < sizeof(warn) / sizeof(warn[0]); i++)
		if (sum.unmatched & warn[i].bit)
			fprintf(stderr, "%s: warning: -%s expression matched no samples\n",
				hd_progname, warn[i].name);
	*exit_ret = HD_EXIT_OK;
	return v;
}

bool hd_cli_report_write(const struct hd_cli_report *r, const char *text, size_t len)
{
	return hd_cli_write_output(r->output ? r->output : "-", text, len);
}

bool hd_cli_report_no_divide_by(const struct hd_cli_report *r, const char *cmd)
{
	if (r->ropt.divide_by == 0)
		return true;
	hd_cli_error("%s: -divide_by applies to top, traces and peek only", cmd);
	return false;
}

int hd_cli_report_run(int argc, char **argv, const struct hd_cli_extra *extra,
		      bool positional_regex, void (*usage)(FILE *),
		      bool (*prepare)(struct hd_cli_report *r), hd_cli_render_fn render,
		      void *ctx)
{
	struct hd_cli_report r;
	int rc = hd_cli_report_parse(argc, argv, extra, positional_regex, &r, usage);
	if (rc >= 0) {
		hd_cli_report_release(&r);
		return rc;
	}
	if (prepare && !prepare(&r)) {
		hd_cli_report_release(&r);
		return HD_EXIT_USAGE;
	}
	rc = HD_EXIT_ERROR;
	struct hd_profile *p = hd_cli_report_load(&r);
	struct hd_view *v = p ? hd_cli_report_view(&r, p, &rc) : NULL;
	if (v) {
		struct hd_cli_output out = {NULL, 0, NULL};
		rc = render(v, &r, ctx, &out);
		if (rc == HD_EXIT_OK && !hd_cli_report_write(&r, out.text, out.len))
			rc = HD_EXIT_ERROR;
		if (out.text && out.free_text)
			out.free_text(out.text);
		hd_view_free(v);
	}
	hd_profile_free(p);
	hd_cli_report_release(&r);
	return rc == HD_EXIT_OK ? hd_cli_finish(rc) : rc;
}
