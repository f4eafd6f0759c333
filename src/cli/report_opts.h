/*
 * report_opts.h - the command-line options every report command shares
 * (top, traces, peek, and any command that wants pprof's filters): pprof's
 * option names and defaults (-sample_index, -focus, -nodefraction, ...),
 * the sources with -base/-diff_base, limits, output format and file.  Both
 * `-flag` and `--flag`, `-flag value` and `-flag=value` are accepted
 * (getopt_long_only), as Go's flag package does.
 */
#ifndef HD_REPORT_OPTS_H
#define HD_REPORT_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "cmd_merge.h"
#include "heapdoc/heapdoc.h"

enum hd_cli_format { HD_CLI_FORMAT_TEXT = 0, HD_CLI_FORMAT_JSON };

struct hd_cli_report {
	struct hd_report_options ropt; /* pprof's options, defaults applied */
	struct hd_cli_sources src;     /* PROFILE... and -base/-diff_base files */
	struct hd_limits limits;       /* --max-input, --max-decompressed */
	enum hd_cli_format format;     /* --format=text|json */
	const char *output;            /* -o FILE; NULL = stdout */
	/* storage owned by the struct (hd_cli_report_release) */
	const char **sources_storage;
	const char **bases_storage;
	char **args;                   /* positional arguments after options */
	int n_args;
};

/*
 * Options a command adds to the shared ones: `options` ends with a zero
 * entry and uses `val` codes >= HD_CLI_EXTRA_BASE; handle() gets each one
 * and returns true, or prints an error and returns false.
 */
#define HD_CLI_EXTRA_BASE 0x1000
struct hd_cli_extra {
	const struct option *options;
	bool (*handle)(void *ctx, int val, const char *arg);
	void *ctx;
};

/*
 * Parses argv (argv[0] is the command name).  Positional arguments land in
 * r->args; unless `positional_regex` is set (peek: the first positional is
 * a regexp and stays in args[0]), they are the profiles.  Returns -1 to go
 * on, or the exit code to return now (--help printed: 0; an error printed:
 * 2).  `usage` prints the command's help (with hd_cli_report_help()).
 */
int hd_cli_report_parse(int argc, char **argv, const struct hd_cli_extra *extra,
			bool positional_regex, struct hd_cli_report *r, void (*usage)(FILE *));

/* The help text of the shared options, for a command's usage(). */
void hd_cli_report_help(FILE *f);

/* A report command's whole --help: `intro` (the usage line and what the
 * command does, ending in an empty line), the shared options, then
 * `exit_help` or, when NULL, the exit statuses of top and the like. */
void hd_cli_report_usage(FILE *f, const char *intro, const char *exit_help);

/* Loads the sources (summed) and bases (subtracted) into one profile;
 * prints the error and returns NULL on failure. */
struct hd_profile *hd_cli_report_load(struct hd_cli_report *r);

/*
 * Builds the view of `p` under r->ropt.  Prints "heapdoc: <message>" and
 * returns NULL on failure, with *exit_ret the code (2 for a bad option
 * value or regexp, 1 otherwise).  Prints pprof's "matched no samples"
 * warnings on stderr.
 */
struct hd_view *hd_cli_report_view(struct hd_cli_report *r, const struct hd_profile *p,
				   int *exit_ret);

/* Writes the report to -o FILE (atomically) or stdout; false after an
 * error was printed. */
bool hd_cli_report_write(const struct hd_cli_report *r, const char *text, size_t len);

void hd_cli_report_release(struct hd_cli_report *r);

/*
 * What a report command makes of its view: the bytes to write and how to
 * free them.  A render callback returns HD_EXIT_OK with *out filled, or the
 * exit code to return after printing its error (out->text may then be NULL).
 */
struct hd_cli_output {
	char *text;
	size_t len;
	void (*free_text)(char *text);
};
typedef int (*hd_cli_render_fn)(struct hd_view *v, struct hd_cli_report *r, void *ctx,
				struct hd_cli_output *out);

/* A renderer of a view alone (traces, tags). */
typedef enum hd_status (*hd_cli_view_render_fn)(const struct hd_view *v, char **out_ret,
					      size_t *len_ret, struct hd_error *err);

/* A render callback's body for such a report: text or r->format's JSON
 * into *out; prints "CMD: error" and returns HD_EXIT_ERROR on failure. */
int hd_cli_render_view(const struct hd_view *v, const struct hd_cli_report *r, const char *cmd,
		       hd_cli_view_render_fn text, hd_cli_view_render_fn json,
		       struct hd_cli_output *out);

/*
 * For the reports of a regexp (peek, list), after hd_view_peek/list gave
 * `st` (and, when HD_OK, whether anything matched): prints pprof's errors
 * - the library's (a bad regexp: exit 2, else 1) or "no matches found for
 * regexp" (1) - and returns the exit code, or -1 to go on and render.
 */
int hd_cli_regex_status(const char *cmd, enum hd_status st, const struct hd_error *err,
			bool matched, const char *regex);

/*
 * Runs a report command end to end - parse argv (hd_cli_report_parse), load
 * and combine the sources, build the view, render(), write to -o or stdout -
 * and returns its exit code.  `prepare` (may be NULL) checks and adjusts
 * r->ropt after parsing, before any input is read; when it returns false
 * (after printing why) the command exits with HD_EXIT_USAGE.
 */
int hd_cli_report_run(int argc, char **argv, const struct hd_cli_extra *extra,
		      bool positional_regex, void (*usage)(FILE *),
		      bool (*prepare)(struct hd_cli_report *r), hd_cli_render_fn render,
		      void *ctx);

/* For prepare: refuses -divide_by, which only top, traces and peek apply
 * (`cmd` names the command in the message). */
bool hd_cli_report_no_divide_by(const struct hd_cli_report *r, const char *cmd);

#endif /* HD_REPORT_OPTS_H */
