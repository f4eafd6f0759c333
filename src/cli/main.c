/*
 * main.c - the heapdoc program's entry: global options, the command table
 * and dispatch.  Commands live in cmd_<name>.c; the library does the work.
 * `heapdoc PROFILE...` with no command runs diagnose, the main job;
 * `heapdoc -top PROFILE...` (any of pprof's report flags that heapdoc has a
 * command for, anywhere on the line) runs that command, as `go tool pprof`
 * would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"

static const struct hd_command commands[] = {
	/* ADD-COMMAND-ENTRIES (keep sorted by name) */
	{"collect", cmd_collect, "take a series of heap profiles from a live process (net/http/pprof)"},
	{"diagnose", cmd_diagnose, "which container holds the heap, is it growing, what to change (default)"},
	{"dump", cmd_dump, "print the decoded profile as text (pprof's Profile.String layout)"},
	{"flame", cmd_flame, "draw an interactive SVG flame graph (differential with -base)"},
	{"folded", cmd_folded, "print folded stacks for flamegraph.pl, inferno, speedscope"},
	{"list", cmd_list, "the source of matching functions, per-line flat and cum (pprof -list)"},
	{"merge", cmd_merge, "sum profiles (or subtract -base) into one profile.proto"},
	{"peek", cmd_peek, "callers and callees of matching functions (pprof -peek)"},
	{"tags", cmd_tags, "each label's values and their share: object sizes (pprof -tags)"},
	{"top", cmd_top, "the heaviest functions or lines, exactly as pprof -top"},
	{"traces", cmd_traces, "every sample with its stack and labels (pprof -traces)"},
	{"tree", cmd_tree, "the call graph as text: each row's callers and callees (pprof -tree)"},
	{"trend", cmd_trend, "which sites keep growing across snapshots, how fast, since when"},
	{NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: heapdoc [COMMAND] [OPTIONS] PROFILE...\n"
		"\n"
		"Explains why a Go program's heap grows, from pprof heap profiles\n"
		"(profile.proto, gzip or raw, or the debug=1 text format; '-' reads stdin;\n"
		"an http:// or https:// URL is fetched, as go tool pprof does:\n"
		"heapdoc http://localhost:6060/debug/pprof/heap).\n"
		"With no command, runs 'diagnose'.  pprof's -top, -text, -traces,\n"
		"-peek RE, -list RE, -tree, -tags, -raw and -proto anywhere on the line\n"
		"run top, traces, peek, list, tree, tags, dump and merge (to stdout):\n"
		"heapdoc -base old.pb.gz -top new.pb.gz.\n"
		"\n"
		"commands:\n");
	for (const struct hd_command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f,
		"\n"
		"Run 'heapdoc COMMAND --help' for a command's options; see heapdoc(1).\n"
		"\n"
		"exit status:\n"
		"  0  success\n"
		"  1  an input could not be read or decoded, or output could not be written\n"
		"  2  invalid command line\n"
		"  3  a --fail-on condition was met (trend, diagnose)\n"
		"  4  collect: the endpoint could not be fetched\n");
}

static const struct hd_command *find_command(const char *name)
{
	for (const struct hd_command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* pprof's output-format flags that name a heapdoc command. */
static const struct {
	const char *flag, *command;
} pprof_formats[] = {
	{"-top", "top"}, {"-text", "top"}, {"-traces", "traces"}, {"-peek", "peek"},
	{"-list", "list"}, {"-tree", "tree"}, {"-tags", "tags"}, {"-raw", "dump"},
	{"-proto", "merge"},
};

/*
 * The command of a format flag, or NULL.  -peek and -list take a regexp,
 * which Go's flag package also accepts as -peek=RE, --peek RE and
 * --peek=RE: *value_ret is then the part after '=' (else NULL, the regexp
 * being the next argument).  The other flags are single-dash only:
 * --top=N is diagnose's.
 */
static const char *pprof_format_command(const char *arg, const char **value_ret)
{
	*value_ret = NULL;
	for (size_t i = 0; i < sizeof(pprof_formats) / sizeof(pprof_formats[0]); i++) {
		const char *flag = pprof_formats[i].flag, *cmd = pprof_formats[i].command;
		if (strcmp(arg, flag) == 0)
			return cmd;
		if (strcmp(cmd, "peek") != 0 && strcmp(cmd, "list") != 0)
			continue;
		const char *a = arg[0] == '-' && arg[1] == '-' ? arg + 1 : arg;
		size_t n = strlen(flag);
		if (strncmp(a, flag, n) == 0 && (a[n] == '\0' || a[n] == '=')) {
			*value_ret = a[n] == '=' ? a + n + 1 : NULL;
			return cmd;
		}
	}
	return NULL;
}

/* pprof's other output flags, and what heapdoc offers instead. */
static const struct {
	const char *flags, *hint;
} pprof_unsupported[] = {
	{" -dot -svg -gif -pdf -png -ps -web -eog -evince -gv -callgrind -kcachegrind ",
	 "heapdoc draws no call graphs; 'heapdoc tree' prints one as text and 'heapdoc flame "
	 "-o FILE.svg' draws a flame graph"},
	{" -weblist -disasm ",
	 "heapdoc has no web or assembly listings; 'heapdoc list REGEX' prints the source "
	 "with per-line values"},
	{" -topproto -comments ", "heapdoc has no such report"},
	{" -http ", "heapdoc has no web UI; 'heapdoc flame -o FILE.svg' writes a self-contained "
		    "flame graph to open in a browser"},
};

/* The hint for one of pprof's output flags heapdoc lacks ("-http=:8080"
 * too), or NULL. */
static const char *pprof_unsupported_hint(const char *arg)
{
	if (arg[0] != '-' || arg[1] == '-' || arg[1] == '\0')
		return NULL;
	char word[24];
	size_t n = strcspn(arg, "=");
	if (n + 3 > sizeof(word))
		return NULL;
	snprintf(word, sizeof(word), " %.*s ", (int)n, arg);
	for (size_t i = 0; i < sizeof(pprof_unsupported) / sizeof(pprof_unsupported[0]); i++)
		if (strstr(pprof_unsupported[i].flags, word))
			return pprof_unsupported[i].hint;
	return NULL;
}

/*
 * `heapdoc [OPTIONS] -top [OPTIONS] PROFILE...`, pprof's command line: the
 * one format flag (before a "--") becomes the command, the other arguments
 * follow it in order; the regexp of -peek and -list moves to the front,
 * -proto writes to stdout ("-o -") as pprof does unless -o/-output is
 * given.  Returns -1
 * when the line has no such flag, else the command's exit status.
 */
static int run_pprof_style(int argc, char **argv)
{
	int at = -1;
	const char *name = NULL, *joined = NULL;
	bool output = false;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		/* -o FILE, -oFILE, -output[=]FILE, --output[=]FILE */
		if (strncmp(argv[i], "-o", 2) == 0 || strncmp(argv[i], "--output", 8) == 0)
			output = true;
		const char *hint = pprof_unsupported_hint(argv[i]);
		if (hint) {
			hd_cli_error("pprof's %.*s is not supported: %s", (int)strcspn(argv[i], "="),
				     argv[i], hint);
			return HD_EXIT_USAGE;
		}
		const char *value;
		const char *command = pprof_format_command(argv[i], &value);
		if (!command)
			continue;
		if (at >= 0) {
			hd_cli_error("must set at most one output format (%s and %s)", argv[at],
				     argv[i]);
			return HD_EXIT_USAGE;
		}
		at = i;
		name = command;
		joined = value;
	}
	if (at < 0)
		return -1;
	/* the regexp of -peek/-list: joined (-peek=RE) or the next argument */
	bool regex = strcmp(name, "peek") == 0 || strcmp(name, "list") == 0;
	bool next = regex && !joined;
	bool proto = strcmp(name, "merge") == 0;
	if (next && at + 1 >= argc) {
		hd_cli_error("option '%s' needs a value (a regexp; see 'heapdoc %s --help')", argv[at],
			     name);
		return HD_EXIT_USAGE;
	}
	char **nargv = calloc((size_t)argc + 3, sizeof(*nargv));
	if (!nargv) {
		hd_cli_error("out of memory");
		return HD_EXIT_ERROR;
	}
	int n = 0;
	nargv[n++] = (char *)name;
	if (regex)
		nargv[n++] = next ? argv[at + 1] : (char *)joined;
	for (int i = 1; i < argc; i++)
		if (i != at && !(next && i == at + 1))
			nargv[n++] = argv[i];
	if (proto && !output) {
		nargv[n++] = (char *)"-o";
		nargv[n++] = (char *)"-";
	}
	nargv[n] = NULL;
	int rc = find_command(name)->run(n, nargv);
	free(nargv);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return HD_EXIT_USAGE;
	}
	const char *first = argv[1];
	if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 ||
	    strcmp(first, "help") == 0) {
		if (argc > 2 && strcmp(first, "help") == 0) {
			const struct hd_command *c = find_command(argv[2]);
			if (c) {
				char *hargv[] = {argv[2], "--help", NULL};
				return c->run(2, hargv);
			}
		}
		usage(stdout);
		return hd_cli_finish(HD_EXIT_OK);
	}
	if (strcmp(first, "--version") == 0 || strcmp(first, "version") == 0) {
		printf("heapdoc %s\n", HD_VERSION_STRING);
		return hd_cli_finish(HD_EXIT_OK);
	}
	const struct hd_command *c = find_command(first);
	if (c)
		return c->run(argc - 1, argv + 1);
	int rc = run_pprof_style(argc, argv);
	if (rc >= 0)
		return rc;
	/* No command: `heapdoc PROFILE...` (or options then profiles, or a URL)
	 * diagnoses. */
	struct stat st;
	int stat_errno = 0;
	if (first[0] == '-' || hd_cli_is_url(first) || stat(first, &st) == 0 ||
	    (stat_errno = errno) == 0) {
		const struct hd_command *d = find_command("diagnose");
		if (d) {
			argv[0] = (char *)"diagnose";
			return d->run(argc, argv);
		}
	}
	/* A missing file is not a command: no command has '/' or '.' in it. */
	if (strchr(first, '/') || strchr(first, '.')) {
		struct hd_error e;
		memset(&e, 0, sizeof(e));
		e.code = HD_ERR_IO;
		snprintf(e.msg, sizeof(e.msg), "%s", strerror(stat_errno));
		hd_cli_input_error(first, &e);
		return HD_EXIT_ERROR;
	}
	hd_cli_error("unknown command '%s' (see 'heapdoc --help')", first);
	return HD_EXIT_USAGE;
}
