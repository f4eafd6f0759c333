/*
 * cli.h - what the heapdoc program's command files share: exit codes, the
 * command table entry type, input reading (files, `-` for stdin) and message
 * helpers.  The CLI sees only include/heapdoc/heapdoc.h of the library; it
 * maps library results to output and exit codes and holds no analysis logic.
 */
#ifndef HD_CLI_H
#define HD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "heapdoc/heapdoc.h"

/* Exit codes, documented in --help and heapdoc(1). */
enum hd_exit {
	HD_EXIT_OK = 0,      /* success */
	HD_EXIT_ERROR = 1,   /* an input could not be read or decoded, or output failed */
	HD_EXIT_USAGE = 2,   /* bad command line */
	HD_EXIT_GATE = 3,    /* a --fail-on condition was met (trend, diagnose) */
	HD_EXIT_NETWORK = 4  /* collect: the endpoint could not be fetched */
};

struct hd_command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
	const char *summary;
};

extern const char *hd_progname;

/* "heapdoc: <fmt>\n" on stderr. */
void hd_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "heapdoc: cannot read '<path>': <msg>[ at offset N]" on stderr. */
void hd_cli_input_error(const char *path, const struct hd_error *err);

/* Whether an input name is an http:// or https:// URL (fetched, not opened). */
bool hd_cli_is_url(const char *path);

/*
 * Reads a whole file (or stdin for "-", or the body of a GET for an
 * http(s) URL, as `go tool pprof URL`) into a malloc'ed buffer, refusing
 * inputs larger than max_bytes.  Prints the error and returns false on
 * failure.
 */
bool hd_cli_read_file(const char *path, size_t max_bytes, char **data_ret,
		      size_t *len_ret);
/* The same, returning the error in *err instead of printing it (out of
 * memory included); thread-safe, for the merge loader's threads. */
bool hd_cli_read_file_err(const char *path, size_t max_bytes, char **data_ret,
			  size_t *len_ret, struct hd_error *err);

/* Reads and decodes one profile; prints the error and returns NULL on failure. */
struct hd_profile *hd_cli_load_profile(const char *path,
				       const struct hd_limits *limits);

/*
 * Flushes stdout and checks ferror(); on failure prints an error and
 * returns HD_EXIT_ERROR, else `code`.
 */
int hd_cli_finish(int code);

struct option;

/*
 * getopt_long_only() (getopt_long() when !long_only: `collect`, whose
 * options are GNU-style) with whole long names only, as Go's flag package
 * (and so pprof) takes them.  GNU getopt also accepts any unambiguous
 * prefix, which turned pprof's `-tags` (a report heapdoc does not have)
 * into -tagshow with the profile as its value.  An abbreviated name is
 * returned as '?' with argv[optind - 1] the option as typed; a single
 * letter that is also in `shortopts` (-h, -o) stays accepted.  *idx_ret
 * (may be NULL) is the long option's index, -1 for none.
 */
int hd_cli_getopt(int argc, char **argv, const char *shortopts,
		  const struct option *longopts, int *idx_ret, bool long_only);

/*
 * The input-limit options every profile-reading command takes besides
 * --max-input and --max-decompressed (the library's messages name them).
 * Put HD_CLI_LIMIT_LONGOPTS in a getopt_long table and hand its codes to
 * hd_cli_limit_option(), which returns 1 when it set the limit, 0 when `code`
 * is not one of them, -1 (message printed) for an invalid value.
 */
enum {
	HD_CLI_OPT_MAX_SAMPLES = 0x0e00, /* below report_opts.h HD_CLI_EXTRA_BASE */
	HD_CLI_OPT_MAX_STACK_DEPTH,
	HD_CLI_OPT_MAX_STRING,
	HD_CLI_OPT_MAX_LINE,
	HD_CLI_OPT_THREADS
};
#define HD_CLI_LIMIT_LONGOPTS \
	{"max-samples", required_argument, NULL, HD_CLI_OPT_MAX_SAMPLES}, \
	{"max-stack-depth", required_argument, NULL, HD_CLI_OPT_MAX_STACK_DEPTH}, \
	{"max-string", required_argument, NULL, HD_CLI_OPT_MAX_STRING}, \
	{"max-line", required_argument, NULL, HD_CLI_OPT_MAX_LINE}, \
	{"threads", required_argument, NULL, HD_CLI_OPT_THREADS}
#define HD_CLI_LIMIT_HELP \
	"  --max-samples N --max-stack-depth N --max-string SIZE --max-line SIZE\n" \
	"                         further input limits (defaults 100000000,\n" \
	"                         1000000, 64MiB, 64MiB)\n" \
	"  --threads N            use at most N threads (0 = one per CPU, the\n" \
	"                         default; 1 = single-threaded); same output\n"
int hd_cli_limit_option(const char *cmd, int code, const char *arg,
			struct hd_limits *limits);

/* Parses "1GiB", "512MB", "4096" etc. into bytes (binary units). */
bool hd_cli_parse_size(const char *s, unsigned long long *ret);

#endif /* HD_CLI_H */
