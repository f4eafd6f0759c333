/*
 * cmd_collect.c - `heapdoc collect URL -o DIR`: takes a series of heap
 * snapshots from a live Go process's net/http/pprof endpoint.  Each snapshot
 * is checked to be a profile (decoded by the library) before it is written
 * under its final name, through a temporary file and a rename, so DIR never
 * holds a partial snapshot; DIR/index.json lists what was taken.  The wire
 * is fetch.c's business; `heapdoc trend DIR` reads the result.  The layout
 * of DIR is described in docs/internals/trend.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fetch.h"

#define INDEX_NAME "index.json"
#define TMP_PREFIX ".hd-tmp-"
#define STEM_LEN 20 /* "20260301T101502.250Z" */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: heapdoc collect [OPTIONS] URL -o DIR\n"
		"\n"
		"Takes a series of heap profiles from a Go process's net/http/pprof\n"
		"endpoint (URL is the base, e.g. http://127.0.0.1:6060, or the full\n"
		".../debug/pprof/heap) and writes each to DIR as <time>.pb.gz, atomically.\n"
		"DIR/index.json lists the snapshots; an existing DIR of the same URL is\n"
		"resumed.  Analyse the result with 'heapdoc trend DIR'.\n"
		"\n"
		"options:\n"
		"  -o, --output DIR        where to write the snapshots (required)\n"
		"  -e, --every DURATION    time between snapshots (default 30s; 500ms, 2m, ...)\n"
		"  -n, --count N           snapshots wanted in DIR in total (default 10;\n"
		"                          0 = until interrupted)\n"
		"      --gc                ask the process to run a GC first (gc=1): fresh data\n"
		"      --text              also fetch the debug=1 text form (<time>.txt), which\n"
		"                          carries runtime.MemStats\n"
		"      --allocs            also fetch /debug/pprof/allocs (<time>.allocs.pb.gz)\n"
		"      --timeout DURATION  per request (default 30s)\n"
		"      --connect-timeout DURATION  (default 5s)\n"
		"      --retries N         retries of a failed request, with backoff from\n"
		"                          0.5s doubling (default 2)\n"
		"      --max-size SIZE     largest response accepted (default 128MiB)\n"
		"      --interrupt-ok      exit 0 (not 130) when stopped by Ctrl-C or SIGTERM\n"
		"  -q, --quiet             no progress line (it only shows on a terminal)\n"
		"\n"
		"Ctrl-C (SIGINT) or SIGTERM stops cleanly: every snapshot taken so far is\n"
		"intact and listed in the index.\n"
		"\n"
		"exit status: 0 done; 1 DIR cannot be written; 2 bad command line;\n"
		"4 the endpoint failed (refused, timeout, HTTP error, not a profile);\n"
		"130 interrupted (0 with --interrupt-ok).\n");
}

/* "30s", "500ms", "2m", "1h", "1.5" (seconds) -> milliseconds. */
static bool parse_duration_ms(const char *s, long *ms_ret)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || !(v >= 0) || isinf(v))
		return false;
	double mult;
	if (*end == '\0' || strcmp(end, "s") == 0)
		mult = 1000;
	else if (strcmp(end, "ms") == 0)
		mult = 1;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mult = 60000;
	else if (strcmp(end, "h") == 0)
		mult = 3600000;
	else
		return false;
	double ms = v * mult;
	if (ms > 1e12)
		return false;
	*ms_ret = (long)ms;
	return true;
}

static int64_t now_nanos(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* unix ns -> "20260301T101502.250Z" (UTC, millisecond precision). */
static void stem_of(int64_t nanos, char out[STEM_LEN + 1])
{
	time_t sec = (time_t)(nanos / 1000000000LL);
	struct tm tm;
	gmtime_r(&sec, &tm);
	strftime(out, STEM_LEN + 1, "%Y%m%dT%H%M%S", &tm); /* 15 characters */
	int ms = (int)((nanos / 1000000) % 1000);
	out[15] = '.';
	out[16] = (char)('0' + ms / 100);
	out[17] = (char)('0' + ms / 10 % 10);
	out[18] = (char)('0' + ms % 10);
	out[19] = 'Z';
	out[20] = '\0';
}

/*
 * Base URL from what the user gave: scheme checked (http/https only),
 * query dropped, a trailing /debug/pprof[/heap] and slashes removed.
 */
static bool base_url(const char *url, char *out, size_t cap)
{
	if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
		return false;
	size_t n = strcspn(url, "?#");
	if (n + 1 > cap)
		return false;
	memcpy(out, url, n);
	out[n] = '\0';
	static const char *const tails[] = {"/debug/pprof/heap", "/debug/pprof/allocs",
					    "/debug/pprof/", "/debug/pprof"};
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		size_t tl = strlen(tails[i]);
		if (n >= tl && strcmp(out + n - tl, tails[i]) == 0) {
			n -= tl;
			out[n] = '\0';
			break;
		}
	}
	while (n > 0 && out[n - 1] == '/')
		out[--n] = '\0';
	const char *host = strstr(out, "://") + 3;
	return *host != '\0';
}

/* ---- DIR: snapshots on disk and the index ---- */

struct snapshot {
	char stem[STEM_LEN + 1];
	int64_t time_nanos;
	long long heap_bytes, text_bytes, allocs_bytes; /* -1: file absent */
};

struct series_dir {
	const char *path;
	struct snapshot *snaps;
	size_t n, cap;
};

static bool is_stem(const char *name)
{
	/* YYYYMMDDTHHMMSS.mmmZ */
	for (int i = 0; i < STEM_LEN; i++) {
		char c = name[i];
		bool ok = i == 8    ? c == 'T'
			  : i == 15 ? c == '.'
			  : i == 19 ? c == 'Z'
				    : (c >= '0' && c <= '9');
		if (!ok)
			return false;
	}
	return true;
}

static int64_t stem_nanos(const char *stem)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(stem, "%4d%2d%2dT%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	int ms = atoi(stem + 16);
	return (int64_t)timegm(&tm) * 1000000000LL + (int64_t)ms * 1000000LL;
}

static struct snapshot *find_or_add(struct series_dir *d, const char *stem)
{
	for (size_t i = 0; i < d->n; i++)
		if (memcmp(d->snaps[i].stem, stem, STEM_LEN) == 0)
			return &d->snaps[i];
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct snapshot *s = realloc(d->snaps, cap * sizeof(*s));
		if (!s) {
			hd_cli_error("out of memory");
			exit(HD_EXIT_ERROR);
		}
		d->snaps = s;
		d->cap = cap;
	}
	struct snapshot *s = &d->snaps[d->n++];
	memcpy(s->stem, stem, STEM_LEN);
	s->stem[STEM_LEN] = '\0';
	s->time_nanos = stem_nanos(stem);
	s->heap_bytes = s->text_bytes = s->allocs_bytes = -1;
	return s;
}

static int cmp_snap(const void *a, const void *b)
{
	return strcmp(((const struct snapshot *)a)->stem, ((const struct snapshot *)b)->stem);
}

/*
 * Lists the snapshots in DIR and removes temporary files a killed run left
 * behind.  Sets *foreign when DIR holds files that are not ours.
 */
static bool scan_dir(struct series_dir *d, bool *has_index, bool *foreign)
{
	DIR *dir = opendir(d->path);
	if (!dir) {
		hd_cli_error("cannot read directory '%s': %s", d->path, strerror(errno));
		return false;
	}
	*has_index = *foreign = false;
	struct dirent *e;
	while ((e = readdir(dir))) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (strncmp(name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0) {
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", d->path, name);
			unlink(p);
			continue;
		}
		if (strcmp(name, INDEX_NAME) == 0) {
			*has_index = true;
			continue;
		}
		if (strlen(name) > STEM_LEN && is_stem(name)) {
			const char *ext = name + STEM_LEN;
			char p[4096];
			struct stat st;
			snprintf(p, sizeof(p), "%s/%s", d->path, name);
			long long size = stat(p, &st) == 0 ? (long long)st.st_size : 0;
			if (strcmp(ext, ".pb.gz") == 0) {
				find_or_add(d, name)->heap_bytes = size;
				continue;
			}
			if (strcmp(ext, ".txt") == 0) {
				find_or_add(d, name)->text_bytes = size;
				continue;
			}
			if (strcmp(ext, ".allocs.pb.gz") == 0) {
				find_or_add(d, name)->allocs_bytes = size;
				continue;
			}
		}
		*foreign = true;
	}
	closedir(dir);
	if (d->n)
		qsort(d->snaps, d->n, sizeof(d->snaps[0]), cmp_snap);
	return true;
}

/* Writes data to DIR/name through a temporary file and a rename. */
static bool write_atomic(const char *dirpath, const char *name, const void *data, size_t len)
{
	char tmp[4096], final[4096];
	snprintf(tmp, sizeof(tmp), "%s/" TMP_PREFIX "XXXXXX", dirpath);
	snprintf(final, sizeof(final), "%s/%s", dirpath, name);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		hd_cli_error("cannot write '%s': %s", final, strerror(errno));
		return false;
	}
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		left -= (size_t)w;
	}
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, final) != 0)
		goto fail;
	return true;
fail:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	hd_cli_error("cannot write '%s': %s", final, strerror(e ? e : EIO));
	return false;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static bool write_index(const struct series_dir *d, const char *url)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		hd_cli_error("out of memory");
		exit(HD_EXIT_ERROR);
	}
	fprintf(f, "{\"format\": \"heapdoc-collect/1\",\n \"url\": ");
	json_string(f, url);
	fprintf(f, ",\n \"snapshots\": [");
	for (size_t i = 0; i < d->n; i++) {
		const struct snapshot *s = &d->snaps[i];
		fprintf(f, "%s\n  {\"time\": \"%s\", \"time_nanos\": %lld", i ? "," : "", s->stem,
			(long long)s->time_nanos);
		if (s->heap_bytes >= 0)
			fprintf(f, ", \"heap\": \"%s.pb.gz\", \"heap_bytes\": %lld", s->stem,
				s->heap_bytes);
		if (s->text_bytes >= 0)
			fprintf(f, ", \"text\": \"%s.txt\", \"text_bytes\": %lld", s->stem,
				s->text_bytes);
		if (s->allocs_bytes >= 0)
			fprintf(f, ", \"allocs\": \"%s.allocs.pb.gz\", \"allocs_bytes\": %lld",
				s->stem, s->allocs_bytes);
		fputc('}', f);
	}
	fprintf(f, "\n ]}\n");
	fclose(f);
	bool ok = write_atomic(d->path, INDEX_NAME, buf, len);
	free(buf);
	return ok;
}

/* The "url" of an existing index.json, or false. */
static bool index_url(const char *dirpath, char *out, size_t cap)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/" INDEX_NAME, dirpath);
	char *data;
	size_t len;
	if (!hd_cli_read_file(p, 1 << 26, &data, &len))
		return false;
	bool ok = false;
	const char *k = strstr(data, "\"url\": \"");
	if (k) {
		k += 8;
		size_t o = 0;
		for (; *k && *k != '"' && o + 1 < cap; k++) {
			if (*k == '\\' && k[1])
				k++;
			out[o++] = *k;
		}
		out[o] = '\0';
		ok = *k == '"';
	}
	if (!ok)
		hd_cli_error("cannot read '%s': no \"url\" in the index", p);
	free(data);
	return ok;
}

/* ---- one snapshot ---- */

struct collect_opts {
	const char *dir;
	char base[2048];
	long every_ms;
	long count;
	bool gc, text, allocs, quiet, interrupt_ok;
	struct fetch_options fetch;
	struct hd_limits limits;
};

/*
 * Fetches one endpoint and checks the body decodes as a heap profile before
 * it is written.  Returns the exit code (HD_EXIT_OK on success).
 */
static int take(const struct collect_opts *o, const char *path_query, const char *name,
		long long *bytes_ret)
{
	char url[2300];
	snprintf(url, sizeof(url), "%s%s", o->base, path_query);
	struct fetch_result res;
	enum fetch_outcome out = fetch_url(url, &o->fetch, &res);
	if (out == FETCH_INTERRUPTED)
		return -1;
	if (out != FETCH_OK) {
		hd_cli_error("cannot fetch '%s': %s", url, res.msg);
		return HD_EXIT_NETWORK;
	}
	struct hd_profile *p = NULL;
	struct hd_error err = {0};
	enum hd_status st = hd_profile_parse(res.body, res.len, &o->limits, &p, &err);
	if (st != HD_OK) {
		/* What came back: the start of a text body, or what a binary one is. */
		char snip[200];
		size_t printable = 0, look = res.len < 256 ? res.len : 256;
		for (size_t i = 0; i < look; i++) {
			unsigned char ch = (unsigned char)res.body[i];
			printable += (ch >= 0x20 && ch < 0x7f) || ch == '\n' || ch == '\r' || ch == '\t';
		}
		if (res.len >= 2 && (unsigned char)res.body[0] == 0x1f &&
		    (unsigned char)res.body[1] == 0x8b)
			snprintf(snip, sizeof(snip), "a gzip stream");
		else if (printable * 10 < look * 9)
			snprintf(snip, sizeof(snip), "binary data");
		else {
			char text[160];
			fetch_snippet(res.body, res.len, 80, text, sizeof(text));
			snprintf(snip, sizeof(snip), "\"%s\"", text);
		}
		hd_cli_error("cannot use '%s': HTTP %ld, %s, %zu bytes of %s: %s", url, res.http_status,
			     res.content_type[0] ? res.content_type : "no content type", res.len, snip,
			     err.msg);
		fetch_result_release(&res);
		return HD_EXIT_NETWORK;
	}
	hd_profile_free(p);
	bool ok = write_atomic(o->dir, name, res.body, res.len);
	*bytes_ret = (long long)res.len;
	fetch_result_release(&res);
	return ok ? HD_EXIT_OK : HD_EXIT_ERROR;
}

static void human_bytes(long long b, char *out, size_t cap)
{
	if (b >= 1 << 20)
		snprintf(out, cap, "%.1f MiB", (double)b / (1 << 20));
	else if (b >= 1 << 10)
		snprintf(out, cap, "%.1f KiB", (double)b / (1 << 10));
	else
		snprintf(out, cap, "%lld B", b);
}

static void progress(const struct collect_opts *o, bool tty, size_t k, long long bytes,
		     double next_s)
{
	if (!tty || o->quiet)
		return;
	char hb[32];
	human_bytes(bytes, hb, sizeof(hb));
	char total[32] = "";
	if (o->count > 0)
		snprintf(total, sizeof(total), " of %ld", o->count);
	if (next_s >= 0)
		fprintf(stderr, "\r\033[Kheapdoc: collect: snapshot %zu%s, %s, next in %.*fs", k,
			total, hb, next_s < 10 ? 1 : 0, next_s);
	else
		fprintf(stderr, "\r\033[Kheapdoc: collect: snapshot %zu%s, %s", k, total, hb);
	fflush(stderr);
}

static bool parse_args(int argc, char **argv, struct collect_opts *o, int *exit_ret)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"every", required_argument, NULL, 'e'},
		{"count", required_argument, NULL, 'n'},
		{"gc", no_argument, NULL, 'G'},
		{"text", no_argument, NULL, 'T'},
		{"allocs", no_argument, NULL, 'A'},
		{"timeout", required_argument, NULL, 't'},
		{"connect-timeout", required_argument, NULL, 'c'},
		{"retries", required_argument, NULL, 'r'},
		{"max-size", required_argument, NULL, 'm'},
		{"interrupt-ok", no_argument, NULL, 'I'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof(*o));
	o->every_ms = 30000;
	o->count = 10;
	fetch_options_default(&o->fetch);
	hd_limits_default(&o->limits);
	optind = 1;
	opterr = 0;
	int c;
	while ((c = hd_cli_getopt(argc, argv, ":o:e:n:qh", longopts, NULL, false)) != -1) {
		char *end;
		unsigned long long size;
		switch (c) {
		case 'o': o->dir = optarg; break;
		case 'e':
			if (!parse_duration_ms(optarg, &o->every_ms) || o->every_ms < 10) {
				hd_cli_error("collect: invalid --every '%s' (e.g. 30s, 500ms; at least 10ms)", optarg);
				goto usage_err;
			}
			break;
		case 'n':
			errno = 0;
			o->count = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || o->count < 0) {
				hd_cli_error("collect: invalid --count '%s'", optarg);
				goto usage_err;
			}
			break;
		case 'G': o->gc = true; break;
		case 'T': o->text = true; break;
		case 'A': o->allocs = true; break;
		case 't':
			if (!parse_duration_ms(optarg, &o->fetch.timeout_ms) || o->fetch.timeout_ms < 1) {
				hd_cli_error("collect: invalid --timeout '%s'", optarg);
				goto usage_err;
			}
			break;
		case 'c':
			if (!parse_duration_ms(optarg, &o->fetch.connect_timeout_ms) ||
			    o->fetch.connect_timeout_ms < 1) {
				hd_cli_error("collect: invalid --connect-timeout '%s'", optarg);
				goto usage_err;
			}
			break;
		case 'r': {
			errno = 0;
			long r = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || r < 0 || r > 100) {
				hd_cli_error("collect: invalid --retries '%s' (0..100)", optarg);
				goto usage_err;
			}
			o->fetch.retries = (unsigned)r;
			break;
		}
		case 'm':
			if (!hd_cli_parse_size(optarg, &size) || size == 0 || size > ((size_t)1 << 40)) {
				hd_cli_error("collect: invalid --max-size '%s'", optarg);
				goto usage_err;
			}
			o->fetch.max_bytes = (size_t)size;
			o->limits.max_input_bytes = size;
			break;
		case 'I': o->interrupt_ok = true; break;
		case 'q': o->quiet = true; break;
		case 'h':
			usage(stdout);
			*exit_ret = hd_cli_finish(HD_EXIT_OK);
			return false;
		case ':':
			hd_cli_error("collect: option '%s' needs a value (see 'heapdoc collect --help')",
				     argv[optind - 1]);
			goto usage_err;
		default:
			hd_cli_error("collect: unknown option '%s' (see 'heapdoc collect --help')",
				     argv[optind - 1]);
			goto usage_err;
		}
	}
	if (optind != argc - 1) {
		hd_cli_error(optind == argc ? "collect: no URL given (see 'heapdoc collect --help')"
					   : "collect: more than one URL given");
		goto usage_err;
	}
	if (!o->dir) {
		hd_cli_error("collect: no output directory (-o DIR)");
		goto usage_err;
	}
	if (!base_url(argv[optind], o->base, sizeof(o->base))) {
		hd_cli_error("collect: invalid URL '%s' (only http:// and https:// are supported)",
			     argv[optind]);
		goto usage_err;
	}
	return true;
usage_err:
	*exit_ret = HD_EXIT_USAGE;
	return false;
}

/* Creates DIR or checks it may be resumed.  Fills d with what is there. */
static bool prepare_dir(const struct collect_opts *o, struct series_dir *d)
{
	if (mkdir(o->dir, 0755) != 0 && errno != EEXIST) {
		hd_cli_error("cannot create directory '%s': %s", o->dir, strerror(errno));
		return false;
	}
	bool has_index, foreign;
	if (!scan_dir(d, &has_index, &foreign))
		return false;
	if (foreign || (d->n > 0 && !has_index)) {
		hd_cli_error("cannot collect into '%s': it holds files that are not a heapdoc series",
			     o->dir);
		return false;
	}
	if (has_index) {
		char url[2048];
		if (!index_url(o->dir, url, sizeof(url)))
			return false;
		if (strcmp(url, o->base) != 0) {
			hd_cli_error("cannot resume '%s': it holds snapshots of '%s', not '%s'", o->dir,
				     url, o->base);
			return false;
		}
	}
	return true;
}

int cmd_collect(int argc, char **argv)
{
	struct collect_opts o;
	int code;
	if (!parse_args(argc, argv, &o, &code))
		return code;
	struct series_dir d = {o.dir, NULL, 0, 0};
	if (!prepare_dir(&o, &d)) {
		free(d.snaps);
		return HD_EXIT_ERROR;
	}
	bool tty = isatty(STDERR_FILENO) != 0;
	if (d.n > 0 && !o.quiet)
		fprintf(stderr, "heapdoc: collect: resuming '%s': %zu snapshot%s already there\n", o.dir,
			d.n, d.n == 1 ? "" : "s");
	if (o.count > 0 && d.n >= (size_t)o.count) {
		free(d.snaps);
		return HD_EXIT_OK;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: sleeps end at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	o.fetch.interrupted = &interrupted;
	if (!fetch_global_init()) {
		hd_cli_error("cannot initialise libcurl");
		free(d.snaps);
		return HD_EXIT_ERROR;
	}

	code = HD_EXIT_OK;
	double start = mono_ms();
	size_t taken = 0;
	long long last_bytes = 0;
	const char *heap_q = o.gc ? "/debug/pprof/heap?gc=1" : "/debug/pprof/heap";
	while (!interrupted && (o.count == 0 || d.n < (size_t)o.count)) {
		/* Snapshot k is due at start + k*every: no drift. */
		double due = start + (double)taken * (double)o.every_ms;
		for (double now = mono_ms(); now < due && !interrupted; now = mono_ms()) {
			progress(&o, tty, d.n, last_bytes, (due - now) / 1000.0);
			double left = due - now;
			long step = left > 250 ? 250 : (long)left + 1;
			struct timespec ts = {0, step * 1000000L};
			nanosleep(&ts, NULL);
		}
		if (interrupted)
			break;
		int64_t t = now_nanos();
		char stem[STEM_LEN + 1], name[64];
		stem_of(t, stem);
		if (d.n > 0 && strcmp(stem, d.snaps[d.n - 1].stem) <= 0) {
			/* Same millisecond as the last one (or a clock step back): wait. */
			struct timespec ts = {0, 2000000L};
			nanosleep(&ts, NULL);
			continue;
		}
		long long heap_bytes = -1, text_bytes = -1, allocs_bytes = -1;
		snprintf(name, sizeof(name), "%s.pb.gz", stem);
		int rc = take(&o, heap_q, name, &heap_bytes);
		if (rc == 0 && o.text) {
			snprintf(name, sizeof(name), "%s.txt", stem);
			rc = take(&o, "/debug/pprof/heap?debug=1", name, &text_bytes);
		}
		if (rc == 0 && o.allocs) {
			snprintf(name, sizeof(name), "%s.allocs.pb.gz", stem);
			rc = take(&o, "/debug/pprof/allocs", name, &allocs_bytes);
		}
		if (heap_bytes >= 0) {
			struct snapshot *s = find_or_add(&d, stem);
			s->heap_bytes = heap_bytes;
			s->text_bytes = text_bytes;
			s->allocs_bytes = allocs_bytes;
			s->time_nanos = t;
			last_bytes = heap_bytes + (text_bytes > 0 ? text_bytes : 0) +
				     (allocs_bytes > 0 ? allocs_bytes : 0);
			if (!write_index(&d, o.base) && rc == 0)
				rc = HD_EXIT_ERROR;
		}
		taken++;
		if (rc < 0)
			break; /* interrupted during a transfer */
		if (rc != HD_EXIT_OK) {
			code = rc;
			break;
		}
		progress(&o, tty, d.n, last_bytes, -1);
	}
	if (tty && !o.quiet)
		fprintf(stderr, "\r\033[K");
	if (d.n > 0 && code == HD_EXIT_OK && !interrupted && !o.quiet && tty)
		fprintf(stderr, "heapdoc: collect: %zu snapshots in '%s'\n", d.n, o.dir);
	if (interrupted) {
		if (!o.quiet)
			fprintf(stderr, "heapdoc: collect: interrupted; %zu snapshot%s kept in '%s'\n",
				d.n, d.n == 1 ? "" : "s", o.dir);
		if (code == HD_EXIT_OK && !o.interrupt_ok)
			code = 128 + (int)interrupted;
	}
	fetch_global_cleanup();
	free(d.snaps);
	return hd_cli_finish(code);
}
