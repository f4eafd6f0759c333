/*
 * cmd_list.c - `heapdoc list REGEX PROFILE...`: the source of every
 * function whose name matches REGEX, each line with the memory allocated
 * there (flat) and below it (cum), as `go tool pprof -list REGEX` prints
 * it.  The library computes the lines (hd_view_list) and renders them
 * (hd_render_list_text) asking this file for each source line: the files
 * are found as pprof's source.go openSourceFile finds them - the node's
 * file name trimmed again (trimPath, with -source_path or the working
 * directory as the search path), opened as it is when absolute, else
 * looked for under each search directory and each of its parents - and
 * read as bufio.Scanner reads lines (a trailing \r dropped; reading stops
 * at a line of 64 KiB or more).  Errors read as Go's would.  Like pprof,
 * it reads whatever files the profile names; unlike it, only regular
 * files (opened without blocking), 256 MiB in all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "report_opts.h"

static void usage(FILE *f)
{
	hd_cli_report_usage(f,
		"usage: heapdoc list [OPTIONS] REGEX PROFILE...\n"
		"\n"
		"Prints the source of each function whose name matches REGEX, every line\n"
		"with the memory allocated right there (flat) and in what it calls (cum),\n"
		"as `go tool pprof -list REGEX` does: from the function's first line (five\n"
		"lines before its first line with samples when the profile does not say)\n"
		"to five after the last.  Source files are looked for\n"
		"as pprof looks: a profile's path, trimmed by -trim_path (and by the\n"
		"-source_path heuristic), is opened as it is when absolute, else under each\n"
		"-source_path directory (default: the working directory) and its parents.\n"
		"The granularity is always -lines.  --format=json gives the sampled lines\n"
		"without the source text.\n"
		"\n",
		"\n"
		"exit status: 0 success (a source file that cannot be found is reported in\n"
		"the listing); 1 an input could not be read or decoded, the output written,\n"
		"or no function matched REGEX; 2 bad command line.\n");
}

/* ---- source files, as pprof's sourceReader ---- */

#define SCAN_MAX_TOKEN (64 * 1024) /* bufio.MaxScanTokenSize */
/* What may be read in all: a profile names the files, so a hostile one
 * could name many large ones. */
#define SOURCE_BUDGET ((size_t)256 << 20)

struct source_file {
	char *name;   /* as asked for (the node's file) */
	char *data;   /* contents, NULL when unreadable or empty */
	size_t *line; /* offsets of lines 1..n_lines, and one past the last */
	size_t n_lines;
	char *error;  /* Go's error text, or NULL */
};

struct source_reader {
	const char *search; /* -source_path, or the working directory */
	const char *trim;   /* -trim_path, may be NULL */
	struct source_file *files;
	size_t n, cap;
	size_t budget;      /* bytes that may still be read */
};

/* Go's syscall.Errno text: strerror with a lower-case first letter. */
static void go_errno_text(char *out, size_t cap, int e)
{
	snprintf(out, cap, "%s", strerror(e));
	if (out[0] >= 'A' && out[0] <= 'Z')
		out[0] = (char)(out[0] - 'A' + 'a');
}

/* filepath.Join(dir, path) and filepath.Dir(dir), via hd_path_clean. */
static char *path_join(const char *dir, const char *path)
{
	size_t a = strlen(dir), b = strlen(path);
	char *raw = malloc(a + b + 2), *out = malloc(a + b + 4);
	if (!raw || !out) {
		free(raw);
		free(out);
		return NULL;
	}
	if (a == 0)
		memcpy(raw, path, b + 1);
	else
		snprintf(raw, a + b + 2, "%s/%s", dir, path);
	size_t n = hd_path_clean(out, raw, strlen(raw));
	out[n] = '\0';
	free(raw);
	return out;
}

static char *path_dir(const char *dir)
{
	size_t i = strlen(dir);
	while (i > 0 && dir[i - 1] != '/')
		i--;
	char *out = malloc(i + 3);
	if (!out)
		return NULL;
	size_t n = hd_path_clean(out, dir, i);
	out[n] = '\0';
	return out;
}

/* Reads fd as bufio.Scanner splits lines into f.  Not a regular file (a
 * directory: pprof's read fails and it shows no lines; a FIFO or device,
 * which pprof would block on or read forever): no lines. */
static void scan_lines(struct source_reader *rd, int fd, struct source_file *f)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	size_t size = (size_t)st.st_size;
	if (size > rd->budget) {
		f->error = strdup("not read: the source files of this listing exceed 256 MiB");
		return;
	}
	rd->budget -= size;
	f->data = malloc(size + 1);
	if (!f->data)
		return;
	size_t got = 0;
	while (got < size) {
		ssize_t r = read(fd, f->data + got, size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	f->data[got] = '\0';
	size_t cap = 64, n = 0;
	f->line = malloc(cap * sizeof(*f->line));
	if (!f->line)
		return;
	for (size_t at = 0; at < got;) {
		const char *nl = memchr(f->data + at, '\n', got - at);
		size_t end = nl ? (size_t)(nl - f->data) : got;
		if (end - at >= SCAN_MAX_TOKEN)
			break; /* bufio.ErrTooLong: pprof keeps what it read */
		if (n + 2 > cap) {
			size_t *l = realloc(f->line, cap * 2 * sizeof(*l));
			if (!l)
				break;
			f->line = l;
			cap *= 2;
		}
		f->line[n++] = at;
		at = nl ? end + 1 : got;
		f->line[n] = at;
	}
	f->n_lines = n;
}

/* openSourceFile + the reading: fills f. */
static void load(struct source_reader *rd, struct source_file *f)
{
	char msg[256];
	const char *path = f->name + hd_path_trim(f->name, strlen(f->name), rd->trim, rd->search);
	if (path[0] == '/') {
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			go_errno_text(msg, sizeof(msg), errno);
			size_t n = strlen(path) + strlen(msg) + 8;
			if ((f->error = malloc(n)))
				snprintf(f->error, n, "open %s: %s", path, msg);
			return;
		}
		scan_lines(rd, fd, f);
		close(fd);
		return;
	}
	const char *list = rd->search;
	for (;;) {
		const char *sep = strchr(list, ':');
		size_t len = sep ? (size_t)(sep - list) : strlen(list);
		char *dir = strndup(list, len);
		while (dir) {
			char *name = path_join(dir, path);
			int fd = name ? open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : -1;
			free(name);
			if (fd >= 0) {
				scan_lines(rd, fd, f);
				close(fd);
				free(dir);
				return;
			}
			/* up to the parent, until the root (or ".") */
			char *parent = path_dir(dir);
			if (parent && strcmp(parent, dir) == 0) {
				free(parent);
				parent = NULL;
			}
			free(dir);
			dir = parent;
		}
		if (!sep)
			break;
		list = sep + 1;
	}
	size_t n = strlen(path) + strlen(rd->search) + 40;
	if ((f->error = malloc(n)))
		snprintf(f->error, n, "could not find file %s on path %s", path, rd->search);
}

static int source_line(void *ctx, const char *file, int64_t line, const char **text_ret,
		       size_t *len_ret)
{
	struct source_reader *rd = ctx;
	struct source_file *f = NULL;
	for (size_t i = 0; i < rd->n && !f; i++)
		if (strcmp(rd->files[i].name, file) == 0)
			f = &rd->files[i];
	if (!f && line == 0)
		return 0; /* never read: no error to report */
	if (!f) {
		if (rd->n == rd->cap) {
			size_t cap = rd->cap ? rd->cap * 2 : 8;
			struct source_file *nf = realloc(rd->files, cap * sizeof(*nf));
			if (!nf)
				goto nomem;
			rd->files = nf;
			rd->cap = cap;
		}
		f = &rd->files[rd->n];
		memset(f, 0, sizeof(*f));
		if (!(f->name = strdup(file)))
			goto nomem;
		rd->n++;
		load(rd, f);
	}
	if (f->error) {
		*text_ret = f->error;
		return -1;
	}
	if (line < 1 || (uint64_t)line > f->n_lines)
		return 0;
	size_t a = f->line[line - 1], b = f->line[line];
	size_t n = b - a;
	if (n > 0 && f->data[a + n - 1] == '\n')
		n--;
	if (n > 0 && f->data[a + n - 1] == '\r')
		n--;
	*text_ret = f->data + a;
	*len_ret = n;
	return 1;
nomem:
	*text_ret = "out of memory";
	return -1;
}

static void reader_release(struct source_reader *rd)
{
	for (size_t i = 0; i < rd->n; i++) {
		free(rd->files[i].name);
		free(rd->files[i].data);
		free(rd->files[i].line);
		free(rd->files[i].error);
	}
	free(rd->files);
}

/* ---- the command ---- */

/* pprof's applyCommandOverrides for list: line granularity; and its
 * report's ObjNames. */
static bool prepare_list(struct hd_cli_report *r)
{
	r->ropt.granularity = HD_GRANULARITY_LINES;
	r->ropt.obj_names = true;
	return true;
}

static int render_list(struct hd_view *v, struct hd_cli_report *r, void *ctx,
		       struct hd_cli_output *out)
{
	(void)ctx;
	const char *regex = r->args[0];
	struct hd_list *list = NULL;
	struct hd_error err = {0};
	int rc = HD_EXIT_OK;
	char cwd[4096];
	struct source_reader rd = {0};
	rd.budget = SOURCE_BUDGET;
	rd.trim = r->ropt.trim_path && *r->ropt.trim_path ? r->ropt.trim_path : NULL;
	rd.search = r->ropt.source_path && *r->ropt.source_path ? r->ropt.source_path : NULL;
	out->free_text = hd_report_text_free;
	enum hd_status st = hd_view_list(v, &r->ropt, regex, &list, &err);
	int done = hd_cli_regex_status("list", st, &err, st == HD_OK && list->n_files > 0, regex);
	if (done >= 0) {
		rc = done;
	} else if (r->format == HD_CLI_FORMAT_JSON) {
		if (hd_render_list_json(v, list, &out->text, &out->len, &err) != HD_OK) {
			hd_cli_error("list: %s", err.msg);
			rc = HD_EXIT_ERROR;
		}
	} else if (!rd.search && !(rd.search = getcwd(cwd, sizeof(cwd)))) {
		hd_cli_error("list: could not stat current dir: %s", strerror(errno));
		rc = HD_EXIT_ERROR;
	} else if (hd_render_list_text(v, list, source_line, &rd, &out->text, &out->len, &err) !=
		   HD_OK) {
		hd_cli_error("list: %s", err.msg);
		rc = HD_EXIT_ERROR;
	}
	reader_release(&rd);
	hd_list_free(list);
	return rc;
}

int cmd_list(int argc, char **argv)
{
	return hd_cli_report_run(argc, argv, NULL, true, usage, prepare_list, render_list, NULL);
}
