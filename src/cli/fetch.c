/*
 * fetch.c - HTTP(S) GET of pprof endpoints with libcurl, for `heapdoc
 * collect`.  Everything that can go wrong on the wire becomes one message
 * naming the status and what came back; bodies are bounded; a signal flag
 * cancels a transfer in progress.  This is the only file of heapdoc that
 * uses libcurl (see fetch.h; the library never touches the network).
 *
 * libcurl is loaded with dlopen() when `collect` starts, not linked: loading
 * it (and the TLS stack behind it) at every start cost every other command
 * about 34 ms of wall time and 91% of the instructions of `top` on a small
 * profile (docs/internals/performance.md).  The curl_* names below are
 * function pointers filled by fetch_global_init().
 */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "fetch.h"

void fetch_options_default(struct fetch_options *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_ms = 5000;
	o->timeout_ms = 30000;
	o->retries = 2;
	o->backoff_ms = 500;
	o->max_bytes = (size_t)128 << 20;
	o->interrupted = NULL;
}

/* The libcurl entry points fetch.c uses, resolved at run time. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
static struct {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *curl);
	void (*easy_reset)(CURL *curl);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode code);
} curlfn;
#define curl_global_init (*curlfn.global_init)
#define curl_global_cleanup (*curlfn.global_cleanup)
#define curl_easy_init (*curlfn.easy_init)
#define curl_easy_cleanup (*curlfn.easy_cleanup)
#define curl_easy_reset (*curlfn.easy_reset)
#define curl_easy_perform (*curlfn.easy_perform)
#define curl_easy_setopt (*curlfn.easy_setopt)
#define curl_easy_getinfo (*curlfn.easy_getinfo)
#define curl_easy_strerror (*curlfn.easy_strerror)

static void *curl_handle;

static bool load_libcurl(void)
{
	if (curl_handle)
		return true;
	static const char *const names[] = {"libcurl.so.4", "libcurl.so"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !curl_handle; i++)
		curl_handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!curl_handle) {
		hd_cli_error("collect: cannot load libcurl (Debian package libcurl4): %s", dlerror());
		return false;
	}
	static const struct {
		const char *name;
		void **slot;
	} syms[] = {
		{"curl_global_init", (void **)&curlfn.global_init},
		{"curl_global_cleanup", (void **)&curlfn.global_cleanup},
		{"curl_easy_init", (void **)&curlfn.easy_init},
		{"curl_easy_cleanup", (void **)&curlfn.easy_cleanup},
		{"curl_easy_reset", (void **)&curlfn.easy_reset},
		{"curl_easy_perform", (void **)&curlfn.easy_perform},
		{"curl_easy_setopt", (void **)&curlfn.easy_setopt},
		{"curl_easy_getinfo", (void **)&curlfn.easy_getinfo},
		{"curl_easy_strerror", (void **)&curlfn.easy_strerror},
	};
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].slot = dlsym(curl_handle, syms[i].name);
		if (!*syms[i].slot) {
			hd_cli_error("collect: libcurl lacks %s", syms[i].name);
			dlclose(curl_handle);
			curl_handle = NULL;
			return false;
		}
	}
	return true;
}

bool fetch_global_init(void)
{
	if (!load_libcurl())
		return false;
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void fetch_global_cleanup(void)
{
	curl_global_cleanup();
}

void fetch_result_release(struct fetch_result *res)
{
	if (!res)
		return;
	free(res->body);
	res->body = NULL;
	res->len = 0;
}

void fetch_snippet(const char *body, size_t len, size_t max, char *out, size_t cap)
{
	size_t o = 0;
	bool space = false;
	size_t n = len < max ? len : max;
	if (cap == 0)
		return;
	for (size_t i = 0; i < n && o + 8 < cap; i++) {
		unsigned char c = (unsigned char)body[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = o > 0;
			continue;
		}
		if (space) {
			out[o++] = ' ';
			space = false;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
	}
	if (n < len && o + 4 < cap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

struct sink {
	char *data;
	size_t len, cap, max;
	bool too_large;
	bool nomem;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct sink *s = userdata;
	size_t n = size * nmemb;
	if (n > s->max - s->len) {
		s->too_large = true;
		return 0; /* abort: CURLE_WRITE_ERROR */
	}
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 64 * 1024;
		while (cap < s->len + n + 1)
			cap *= 2;
		if (cap > s->max + 1)
			cap = s->max + 1;
		char *d = realloc(s->data, cap);
		if (!d) {
			s->nomem = true;
			return 0;
		}
		s->data = d;
		s->cap = cap;
	}
	memcpy(s->data + s->len, ptr, n);
	s->len += n;
	return n;
}

static int on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	const struct fetch_options *o = clientp;
	return o->interrupted && *o->interrupted ? 1 : 0;
}

/* Sleeps ms milliseconds, waking early when interrupted; false if so. */
static bool pause_ms(long ms, const struct fetch_options *o)
{
	while (ms > 0) {
		if (o->interrupted && *o->interrupted)
			return false;
		long step = ms < 100 ? ms : 100;
		struct timespec ts = {step / 1000, (step % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return !(o->interrupted && *o->interrupted);
}

/* One attempt.  *retryable tells whether another attempt may succeed. */
static enum fetch_outcome attempt(CURL *curl, const char *url, const struct fetch_options *o,
				  struct fetch_result *res, bool *retryable)
{
	struct sink s = {NULL, 0, 0, o->max_bytes, false, false};
	char curl_msg[CURL_ERROR_SIZE] = "";
	*retryable = false;
	res->http_status = 0;
	res->content_type[0] = '\0';

	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	/* Redirects are followed within http/https only (an ftp:// or file://
	 * Location is refused), at most 5. */
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, (void *)o);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_msg);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "heapdoc-collect/" HD_VERSION_STRING);
	/* Ask for the body as is: the proto is gzip already, and a transparent
	 * Content-Encoding would be undone by libcurl anyway. */
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, NULL);

	CURLcode rc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	res->http_status = status;
	char *ct = NULL;
	if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(res->content_type, sizeof(res->content_type), "%s", ct);

	if (o->interrupted && *o->interrupted) {
		free(s.data);
		snprintf(res->msg, sizeof(res->msg), "interrupted");
		return FETCH_INTERRUPTED;
	}
	if (s.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		free(s.data);
		snprintf(res->msg, sizeof(res->msg),
			 "response larger than %zu bytes (see --max-size)", o->max_bytes);
		return FETCH_TOO_LARGE;
	}
	if (s.nomem) {
		free(s.data);
		snprintf(res->msg, sizeof(res->msg), "out of memory");
		return FETCH_FAILED;
	}
	if (rc != CURLE_OK) {
		free(s.data);
		const char *why = curl_msg[0] ? curl_msg : curl_easy_strerror(rc);
		switch (rc) {
		case CURLE_OPERATION_TIMEDOUT:
			snprintf(res->msg, sizeof(res->msg), "timed out after %ld ms (%s)",
				 o->timeout_ms, why);
			*retryable = true;
			break;
		case CURLE_COULDNT_CONNECT:
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_RECV_ERROR:
		case CURLE_SEND_ERROR:
		case CURLE_GOT_NOTHING:
		case CURLE_PARTIAL_FILE:
			snprintf(res->msg, sizeof(res->msg), "%s", why);
			*retryable = true;
			break;
		case CURLE_UNSUPPORTED_PROTOCOL:
			snprintf(res->msg, sizeof(res->msg),
				 "refused: only http and https are allowed (%s)", why);
			break;
		case CURLE_TOO_MANY_REDIRECTS:
			snprintf(res->msg, sizeof(res->msg), "too many redirects (%s)", why);
			break;
		default:
			snprintf(res->msg, sizeof(res->msg), "%s", why);
			break;
		}
		return FETCH_FAILED;
	}
	if (status < 200 || status > 299) {
		char snip[200];
		fetch_snippet(s.data ? s.data : "", s.len, 120, snip, sizeof(snip));
		const char *reason = status == 404 ? " Not Found"
				     : status == 400 ? " Bad Request"
				     : status == 403 ? " Forbidden"
				     : status == 500 ? " Internal Server Error"
				     : status == 503 ? " Service Unavailable"
						     : "";
		snprintf(res->msg, sizeof(res->msg), "HTTP %ld%s, %s: \"%s\"", status, reason,
			 res->content_type[0] ? res->content_type : "no content type", snip);
		free(s.data);
		*retryable = status >= 500;
		return FETCH_FAILED;
	}
	if (!s.data) {
		s.data = malloc(1);
		if (!s.data) {
			snprintf(res->msg, sizeof(res->msg), "out of memory");
			return FETCH_FAILED;
		}
	}
	s.data[s.len] = '\0';
	res->body = s.data;
	res->len = s.len;
	return FETCH_OK;
}

enum fetch_outcome fetch_url(const char *url, const struct fetch_options *o,
			     struct fetch_result *res)
{
	memset(res, 0, sizeof(*res));
	CURL *curl = curl_easy_init();
	if (!curl) {
		snprintf(res->msg, sizeof(res->msg), "cannot initialise libcurl");
		return FETCH_FAILED;
	}
	enum fetch_outcome out = FETCH_FAILED;
	long delay = o->backoff_ms;
	for (unsigned i = 0; i <= o->retries; i++) {
		bool retryable;
		res->attempts = i + 1;
		out = attempt(curl, url, o, res, &retryable);
		if (out != FETCH_FAILED || !retryable || i == o->retries)
			break;
		if (!pause_ms(delay, o)) {
			snprintf(res->msg, sizeof(res->msg), "interrupted");
			out = FETCH_INTERRUPTED;
			break;
		}
		delay *= 2;
	}
	if (out == FETCH_FAILED && res->attempts > 1) {
		size_t l = strlen(res->msg);
		snprintf(res->msg + l, sizeof(res->msg) - l, " (after %u attempts)", res->attempts);
	}
	curl_easy_cleanup(curl);
	return out;
}
