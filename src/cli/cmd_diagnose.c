/*
 * cmd_diagnose.c - `heapdoc diagnose [OPTIONS] PROFILE|DIR...` (also what
 * `heapdoc PROFILE...` runs): loads the profiles, calls hd_diagnose() and
 * prints hd_diagnosis_render()'s text, JSON or Markdown.  It also supplies
 * source lines from --source-root to the library (which does no I/O).  No
 * analysis here: see src/lib/analyze/diagnose.c.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: heapdoc diagnose [OPTIONS] PROFILE|DIR...\n"
		"\n"
		"Tells which container holds the heap (map, slice, buffer, string, objects),\n"
		"whether it grows, and what to change.  Several profiles are snapshots of one\n"
		"process, ordered by their time (else as given); a DIR stands for the profiles\n"
		"in it, by name (X.txt is skipped when X.pb.gz is there); a PROFILE may be\n"
		"'-' (stdin) or a URL: heapdoc diagnose http://host:6060/debug/pprof/heap\n"
		"\n"
		"options:\n"
		"  --go=VERSION          Go version of the program (1.22, go1.24.3); default:\n"
		"                        inferred from the object sizes\n"
		"  --format=FMT          text (default), json or markdown\n"
		"  --top=N               findings shown (default 10; 20 for json; 0 = all)\n"
		"  --source-root=DIR     show and use source lines found under DIR\n"
		"  --fail-on=growing     exit 3 when a finding's verdict is growing\n"
		"  --max-input=SIZE      largest input file (default 1GiB)\n"
		"  --max-decompressed=SIZE  largest inflated profile (default 1GiB)\n"
		HD_CLI_LIMIT_HELP
		"  -h, --help            this help\n"
		"\n"
		"exit status: 0 ok, 1 an input could not be read, 2 bad usage, 3 --fail-on met\n");
}

/* ---- source lines under --source-root ---- */

struct source_file {
	char *path;  /* profile path it answers for */
	char *data;  /* NULL if not found */
	size_t len;
};

struct source_ctx {
	const char *root;
	struct source_file files[64];
	size_t n;
	char line[512];
};

static char *read_small(const char *path, size_t *len_ret)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (16 << 20))
		return NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *d = malloc((size_t)st.st_size + 1);
	size_t n = d ? fread(d, 1, (size_t)st.st_size, f) : 0;
	fclose(f);
	if (!d)
		return NULL;
	d[n] = '\0';
	*len_ret = n;
	return d;
}

/* Finds the file: root + each trailing part of the profile's path. */
static struct source_file *source_open(struct source_ctx *c, const char *file)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->files[i].path, file) == 0)
			return &c->files[i];
	struct source_file *sf = c->n < 64 ? &c->files[c->n++] : &c->files[63];
	if (c->n == 64 && sf->path) {
		free(sf->path);
		free(sf->data);
	}
	sf->path = strdup(file);
	sf->data = NULL;
	sf->len = 0;
	if (!sf->path)
		return NULL;
	const char *p = file;
	while (p && *p) {
		while (*p == '/')
			p++;
		if (strstr(p, "..") == NULL) {
			char full[4096];
			if ((size_t)snprintf(full, sizeof(full), "%s/%s", c->root, p) < sizeof(full)) {
				sf->data = read_small(full, &sf->len);
				if (sf->data)
					break;
			}
		}
		p = strchr(p, '/');
	}
	return sf;
}

static const char *source_line(void *ctx, const char *file, int64_t line)
{
	struct source_ctx *c = ctx;
	if (!file || !*file || line <= 0)
		return NULL;
	struct source_file *sf = source_open(c, file);
	if (!sf || !sf->data)
		return NULL;
	const char *s = sf->data, *end = sf->data + sf->len;
	for (int64_t l = 1; l < line && s < end; l++) {
		s = memchr(s, '\n', (size_t)(end - s));
		if (!s)
			return NULL;
		s++;
	}
	if (s >= end)
		return NULL;
	const char *e = memchr(s, '\n', (size_t)(end - s));
	size_t n = e ? (size_t)(e - s) : (size_t)(end - s);
	if (n >= sizeof(c->line))
		n = sizeof(c->line) - 1;
	memcpy(c->line, s, n);
	c->line[n] = '\0';
	return c->line;
}

static void source_release(struct source_ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->files[i].path);
		free(c->files[i].data);
	}
}

/* ---- inputs ---- */

struct inputs {
	char **paths;
	size_t n, cap;
};

static void add_input(struct inputs *in, const char *path)
{
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 16;
		in->paths = realloc(in->paths, in->cap * sizeof(*in->paths));
		if (!in->paths) {
			hd_cli_error("out of memory");
			exit(HD_EXIT_ERROR);
		}
	}
	in->paths[in->n] = strdup(path);
	if (!in->paths[in->n]) {
		hd_cli_error("out of memory");
		exit(HD_EXIT_ERROR);
	}
	in->n++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_profile_name(const char *name)
{
	size_t n = strlen(name);
	if (name[0] == '.')
		return false;
	if (n >= 5 && strcmp(name + n - 5, ".json") == 0)
		return false;
	if (n >= 4 && (strcmp(name + n - 4, ".tmp") == 0 || strcmp(name + n - 3, ".md") == 0))
		return false;
	return true;
}

static bool add_dir(struct inputs *in, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		hd_cli_error("cannot read '%s': %s", dir, strerror(errno));
		return false;
	}
	size_t start = in->n;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!is_profile_name(e->d_name))
			continue;
		char full[4096];
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", dir, e->d_name) >= sizeof(full))
			continue;
		struct stat st;
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		/* X.txt next to X.pb.gz is the same snapshot in text form (collect, testdata) */
		size_t fl = strlen(full);
		if (fl > 4 && strcmp(full + fl - 4, ".txt") == 0) {
			char twin[4096];
			snprintf(twin, sizeof(twin), "%.*s.pb.gz", (int)(fl - 4), full);
			if (stat(twin, &st) == 0)
				continue;
		}
		add_input(in, full);
	}
	closedir(d);
	if (in->n == start) {
		hd_cli_error("cannot read '%s': no profiles in the directory", dir);
		return false;
	}
	qsort(in->paths + start, in->n - start, sizeof(*in->paths), cmp_str);
	return true;
}

int cmd_diagnose(int argc, char **argv)
{
	enum { OPT_GO = 256, OPT_FORMAT, OPT_TOP, OPT_SOURCE, OPT_FAIL, OPT_MAXIN, OPT_MAXDEC };
	static const struct option longopts[] = {
		{"go", required_argument, NULL, OPT_GO},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"top", required_argument, NULL, OPT_TOP},
		{"source-root", required_argument, NULL, OPT_SOURCE},
		{"fail-on", required_argument, NULL, OPT_FAIL},
		{"max-input", required_argument, NULL, OPT_MAXIN},
		{"max-decompressed", required_argument, NULL, OPT_MAXDEC},
		HD_CLI_LIMIT_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct hd_diagnose_options opts;
	hd_diagnose_options_default(&opts);
	struct hd_limits limits;
	hd_limits_default(&limits);
	enum hd_diagnosis_format format = HD_DIAG_TEXT;
	long top = -1;
	const char *source_root = NULL;
	bool fail_on_growing = false;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = hd_cli_getopt(argc, argv, "h", longopts, NULL, true)) != -1) {
		unsigned long long sz;
		char *end;
		switch (c) {
		case OPT_GO:
			opts.go_minor = hd_go_version_parse(optarg);
			if (opts.go_minor < 0) {
				hd_cli_error("invalid --go value '%s' (want e.g. 1.22 or go1.24.3)", optarg);
				return HD_EXIT_USAGE;
			}
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				format = HD_DIAG_TEXT;
			else if (strcmp(optarg, "json") == 0)
				format = HD_DIAG_JSON;
			else if (strcmp(optarg, "markdown") == 0 || strcmp(optarg, "md") == 0)
				format = HD_DIAG_MARKDOWN;
			else {
				hd_cli_error("invalid --format '%s' (text, json or markdown)", optarg);
				return HD_EXIT_USAGE;
			}
			break;
		case OPT_TOP:
			errno = 0;
			top = strtol(optarg, &end, 10);
			if (errno || *end || top < 0) {
				hd_cli_error("invalid --top '%s' (a count, 0 = all)", optarg);
				return HD_EXIT_USAGE;
			}
			break;
		case OPT_SOURCE:
			source_root = optarg;
			break;
		case OPT_FAIL:
			if (strcmp(optarg, "growing") != 0) {
				hd_cli_error("invalid --fail-on '%s' (only 'growing')", optarg);
				return HD_EXIT_USAGE;
			}
			fail_on_growing = true;
			break;
		case OPT_MAXIN:
		case OPT_MAXDEC:
			if (!hd_cli_parse_size(optarg, &sz) || sz == 0) {
				hd_cli_error("invalid size '%s'", optarg);
				return HD_EXIT_USAGE;
			}
			if (c == OPT_MAXIN)
				limits.max_input_bytes = sz;
			else
				limits.max_decompressed_bytes = sz;
			break;
		case HD_CLI_OPT_MAX_SAMPLES: case HD_CLI_OPT_MAX_STACK_DEPTH:
		case HD_CLI_OPT_MAX_STRING: case HD_CLI_OPT_MAX_LINE:
		case HD_CLI_OPT_THREADS:
			if (hd_cli_limit_option("diagnose", c, optarg, &limits) < 0)
				return HD_EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return hd_cli_finish(HD_EXIT_OK);
		default:
			hd_cli_error("diagnose: unknown option '%s' (see 'heapdoc diagnose --help')",
				     argv[optind - 1]);
			return HD_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return HD_EXIT_USAGE;
	}
	struct inputs in = {0};
	int rc = HD_EXIT_ERROR;
	struct hd_profile **profs = NULL;
	struct hd_diagnosis *d = NULL;
	struct source_ctx *sc = NULL;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (!add_dir(&in, argv[i]))
				goto out;
		} else {
			add_input(&in, argv[i]);
		}
	}
	profs = calloc(in.n, sizeof(*profs));
	if (!profs) {
		hd_cli_error("out of memory");
		goto out;
	}
	for (size_t i = 0; i < in.n; i++)
		if (!(profs[i] = hd_cli_load_profile(in.paths[i], &limits)))
			goto out;
	if (source_root) {
		sc = calloc(1, sizeof(*sc));
		if (!sc) {
			hd_cli_error("out of memory");
			goto out;
		}
		sc->root = source_root;
		opts.source_line = source_line;
		opts.source_ctx = sc;
	}
	struct hd_error err = {0};
	/* the library builds only the findings that will be shown */
	opts.max_findings = top >= 0 ? (size_t)top : format == HD_DIAG_JSON ? 20 : 10;
	if (hd_diagnose((const struct hd_profile *const *)profs, in.n,
			(const char *const *)in.paths, &opts, &d, &err) != HD_OK) {
		if (err.code == HD_ERR_PROFILE && in.n == 1)
			hd_cli_input_error(in.paths[0], &err);
		else
			hd_cli_error("diagnose: %s", err.msg);
		goto out;
	}
	struct hd_diagnosis_render_options ro = {0};
	ro.max_findings = opts.max_findings;
	char *out = NULL;
	size_t len = 0;
	if (hd_diagnosis_render(d, format, &ro, &out, &len, &err) != HD_OK) {
		hd_cli_error("diagnose: %s", err.msg);
		goto out;
	}
	fwrite(out, 1, len, stdout);
	free(out);
	rc = HD_EXIT_OK;
	if (fail_on_growing)
		for (size_t i = 0; i < d->n_findings; i++)
			if (d->findings[i].verdict == HD_VERDICT_GROWING)
				rc = HD_EXIT_GATE;
	rc = hd_cli_finish(rc);
out:
	hd_diagnosis_free(d);
	if (profs)
		for (size_t i = 0; i < in.n; i++)
			hd_profile_free(profs[i]);
	free(profs);
	for (size_t i = 0; i < in.n; i++)
		free(in.paths[i]);
	free(in.paths);
	if (sc) {
		source_release(sc);
		free(sc);
	}
	return rc;
}
