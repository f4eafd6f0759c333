/*
 * util.c - input reading, error messages and size parsing for the heapdoc
 * program.  Library errors arrive as struct hd_error; here they become the
 * one-line messages the user sees.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "fetch.h"

const char *hd_progname = "heapdoc";

/*
 * Messages often quote the profile (a sample type, a label, a function
 * name in a library error): control bytes in them are escaped as in the
 * reports, so a hostile profile cannot drive the terminal through stderr
 * either, and a message stays one line.
 */
void hd_cli_error(const char *fmt, ...)
{
	char msg[2048], esc[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;
	size_t e = hd_escape_terminal(esc, sizeof(esc), msg, len);
	fflush(stdout);
	/* (size_t)-1: no memory to escape with; say nothing of the profile */
	fprintf(stderr, "%s: %s\n", hd_progname, e == (size_t)-1 ? "error (out of memory)" : esc);
}

/* Quotes a path for a message, escaping control characters. */
static void quote_path(char *out, size_t cap, const char *path)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)path; *p && o + 5 < cap; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\'')
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = '\0';
}

void hd_cli_input_error(const char *path, const struct hd_error *err)
{
	char q[1024];
	quote_path(q, sizeof(q), strcmp(path, "-") == 0 ? "<stdin>" : path);
	if (err->has_offset)
		hd_cli_error("cannot read '%s': %s at offset %llu", q, err->msg,
			     (unsigned long long)err->offset);
	else
		hd_cli_error("cannot read '%s': %s", q, err->msg);
}

static void set_error(struct hd_error *err, enum hd_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(struct hd_error *err, enum hd_status code, const char *fmt, ...)
{
	va_list ap;
	err->code = code;
	err->has_offset = false;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

bool hd_cli_is_url(const char *path)
{
	return strncasecmp(path, "http://", 7) == 0 || strncasecmp(path, "https://", 8) == 0;
}

static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static bool fetch_ready;

static void fetch_init_once(void)
{
	fetch_ready = fetch_global_init();
}

/*
 * A profile named by an http(s) URL, as `go tool pprof URL` takes it: one
 * GET (fetch.c: timeouts, retries, http/https only), the body capped at
 * max_bytes.  Thread-safe: the merge loader reads on several threads.
 */
static bool read_url(const char *url, size_t max_bytes, char **data_ret, size_t *len_ret,
		     struct hd_error *err)
{
	pthread_once(&fetch_once, fetch_init_once);
	if (!fetch_ready) {
		set_error(err, HD_ERR_IO, "cannot fetch URLs: libcurl could not be loaded "
					  "(Debian: apt install libcurl4)");
		return false;
	}
	struct fetch_options o;
	fetch_options_default(&o);
	o.max_bytes = max_bytes;
	struct fetch_result res;
	switch (fetch_url(url, &o, &res)) {
	case FETCH_OK:
		*data_ret = res.body;
		*len_ret = res.len;
		return true;
	case FETCH_TOO_LARGE:
		set_error(err, HD_ERR_LIMIT, "%s (see --max-input)", res.msg);
		return false;
	default:
		set_error(err, HD_ERR_IO, "%s", res.msg);
		return false;
	}
}

bool hd_cli_read_file_err(const char *path, size_t max_bytes, char **data_ret,
			  size_t *len_ret, struct hd_error *err)
{
	if (hd_cli_is_url(path))
		return read_url(path, max_bytes, data_ret, len_ret, err);
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		set_error(err, HD_ERR_IO, "%s", strerror(errno));
		return false;
	}
	struct stat st;
	if (!is_stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		set_error(err, HD_ERR_IO, "is a directory");
		return false;
	}
	size_t cap = 1 << 16, len = 0;
	if (!is_stdin && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 1 < max_bytes + 1 ? (size_t)st.st_size + 1 : max_bytes + 1;
	char *data = malloc(cap);
	if (!data)
		goto nomem;
	for (;;) {
		if (len == cap) {
			if (cap > max_bytes)
				break;
			size_t ncap = cap * 2 > max_bytes + 1 ? max_bytes + 1 : cap * 2;
			char *nd = realloc(data, ncap);
			if (!nd)
				goto nomem;
			data = nd;
			cap = ncap;
		}
		size_t n = fread(data + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	bool io_error = ferror(f);
	int saved_errno = errno;
	if (!is_stdin)
		fclose(f);
	if (io_error) {
		free(data);
		set_error(err, HD_ERR_IO, "%s", strerror(saved_errno));
		return false;
	}
	if (len > max_bytes) {
		free(data);
		set_error(err, HD_ERR_LIMIT, "input larger than %zu bytes (see --max-input)",
			  max_bytes);
		return false;
	}
	*data_ret = data;
	*len_ret = len;
	return true;
nomem:
	free(data);
	if (!is_stdin)
		fclose(f);
	set_error(err, HD_ERR_NOMEM, "out of memory");
	return false;
}

bool hd_cli_read_file(const char *path, size_t max_bytes, char **data_ret,
		      size_t *len_ret)
{
	struct hd_error err = {0};
	if (hd_cli_read_file_err(path, max_bytes, data_ret, len_ret, &err))
		return true;
	if (err.code == HD_ERR_NOMEM) {
		hd_cli_error("out of memory");
		exit(HD_EXIT_ERROR);
	}
	hd_cli_input_error(path, &err);
	return false;
}

struct hd_profile *hd_cli_load_profile(const char *path, const struct hd_limits *limits)
{
	struct hd_limits def;
	if (!limits) {
		hd_limits_default(&def);
		limits = &def;
	}
	char *data;
	size_t len;
	if (!hd_cli_read_file(path, (size_t)limits->max_input_bytes, &data, &len))
		return NULL;
	struct hd_profile *p = NULL;
	struct hd_error err = {0};
	enum hd_status st = hd_profile_parse(data, len, limits, &p, &err);
	free(data);
	if (st != HD_OK) {
		hd_cli_input_error(path, &err);
		return NULL;
	}
	return p;
}

int hd_cli_finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write output: %s\n", hd_progname, strerror(errno));
		return HD_EXIT_ERROR;
	}
	return code;
}

bool hd_cli_parse_size(const char *s, unsigned long long *ret)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || v < 0)
		return false;
	while (*end == ' ')
		end++;
	static const struct { const char *suffix; double mult; } units[] = {
		{"", 1}, {"b", 1}, {"k", 1024.0}, {"kb", 1024.0}, {"kib", 1024.0},
		{"m", 1048576.0}, {"mb", 1048576.0}, {"mib", 1048576.0},
		{"g", 1073741824.0}, {"gb", 1073741824.0}, {"gib", 1073741824.0},
		{"t", 1099511627776.0}, {"tb", 1099511627776.0}, {"tib", 1099511627776.0},
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].suffix) == 0) {
			double r = v * units[i].mult;
			if (r > 1.8e19)
				return false;
			*ret = (unsigned long long)r;
			return true;
		}
	}
	return false;
}

int hd_cli_limit_option(const char *cmd, int code, const char *arg,
			struct hd_limits *limits)
{
	static const struct {
		int code;
		const char *name;
		bool is_size;
	} opts[] = {
		{HD_CLI_OPT_MAX_SAMPLES, "max-samples", false},
		{HD_CLI_OPT_MAX_STACK_DEPTH, "max-stack-depth", false},
		{HD_CLI_OPT_MAX_STRING, "max-string", true},
		{HD_CLI_OPT_MAX_LINE, "max-line", true},
	};
	if (code == HD_CLI_OPT_THREADS) {
		char *end = NULL;
		errno = 0;
		unsigned long v = strtoul(arg, &end, 10);
		if (end == arg || *end != '\0' || errno != 0 || arg[0] == '-' || v > 1024) {
			hd_cli_error("%s: invalid value '%s' for --threads (0-1024)", cmd, arg);
			return -1;
		}
		hd_set_threads((unsigned)v);
		return 1;
	}
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (opts[i].code != code)
			continue;
		unsigned long long v;
		char *end = NULL;
		bool ok;
		if (opts[i].is_size) {
			ok = hd_cli_parse_size(arg, &v);
		} else {
			errno = 0;
			v = strtoull(arg, &end, 10);
			ok = end != arg && *end == '\0' && errno == 0 && arg[0] != '-';
		}
		if (!ok || v == 0) {
			hd_cli_error("%s: invalid value '%s' for --%s", cmd, arg, opts[i].name);
			return -1;
		}
		switch (code) {
		case HD_CLI_OPT_MAX_SAMPLES: limits->max_samples = v; break;
		case HD_CLI_OPT_MAX_STACK_DEPTH: limits->max_stack_depth = v; break;
		case HD_CLI_OPT_MAX_STRING: limits->max_string_bytes = v; break;
		default: limits->max_line_bytes = v; break;
		}
		return 1;
	}
	return 0;
}

int hd_cli_getopt(int argc, char **argv, const char *shortopts,
		  const struct option *longopts, int *idx_ret, bool long_only)
{
	int idx = -1;
	int c = long_only ? getopt_long_only(argc, argv, shortopts, longopts, &idx)
			  : getopt_long(argc, argv, shortopts, longopts, &idx);
	if (idx_ret)
		*idx_ret = idx;
	if (c == -1 || c == '?' || c == ':' || idx < 0)
		return c;
	/* The element that held the option: the one before its value when
	 * the value was the next element ("-focus RE"). */
	int at = optind - 1;
	if (optarg && at > 0 && optarg == argv[at])
		at--;
	const char *typed = argv[at];
	for (int i = 0; i < 2 && *typed == '-'; i++)
		typed++;
	size_t n = strcspn(typed, "=");
	const char *name = longopts[idx].name;
	if (strlen(name) == n && memcmp(typed, name, n) == 0)
		return c;
	if (n == 1 && typed[0] != ':' && strchr(shortopts, typed[0]))
		return c;
	optind = at + 1;
	if (idx_ret)
		*idx_ret = -1;
	return '?';
}
