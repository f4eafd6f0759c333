/*
 * fetch.h - the only network code of heapdoc: one HTTP(S) GET of a pprof
 * endpoint into memory, with timeouts, retries with backoff, a size cap,
 * http/https only (redirects too) and cancellation by a signal flag.  Used by
 * `heapdoc collect` (cmd_collect.c); libcurl stays behind this header, and
 * the library (src/lib) never touches the network.
 */
#ifndef HD_CLI_FETCH_H
#define HD_CLI_FETCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct fetch_options {
	long connect_timeout_ms; /* default 5000 */
	long timeout_ms;         /* whole transfer, default 30000 */
	unsigned retries;        /* extra attempts after a retryable failure, default 2 */
	long backoff_ms;         /* delay before the first retry, doubled each time, default 500 */
	size_t max_bytes;        /* largest body accepted, default 128 MiB */
	/* Set (by a signal handler) to abandon the transfer; may be NULL. */
	volatile sig_atomic_t *interrupted;
};

void fetch_options_default(struct fetch_options *o);

enum fetch_outcome {
	FETCH_OK = 0,
	FETCH_FAILED,     /* the message says why (status, timeout, refused, ...) */
	FETCH_TOO_LARGE,  /* the body exceeded max_bytes */
	FETCH_INTERRUPTED /* *interrupted was set */
};

struct fetch_result {
	char *body; /* malloc'ed, NUL-terminated past len; caller frees */
	size_t len;
	long http_status; /* 0 when no HTTP response came */
	char content_type[128];
	unsigned attempts;
	/* On failure: "HTTP 404 Not Found, text/html: \"<!DOCTYPE html>...\"" etc. */
	char msg[512];
};

/* Global libcurl set-up and tear-down; call once per process. */
bool fetch_global_init(void);
void fetch_global_cleanup(void);

/*
 * GETs url.  On FETCH_OK, res->body holds the whole body of a 2xx answer.
 * Otherwise res->msg explains (no body kept).  Connection failures,
 * timeouts and 5xx answers are retried; 4xx, size and scheme errors are not.
 */
enum fetch_outcome fetch_url(const char *url, const struct fetch_options *o,
			     struct fetch_result *res);

void fetch_result_release(struct fetch_result *res);

/*
 * Describes the first bytes of a body for an error message: printable
 * ASCII, whitespace runs collapsed, other bytes as \xNN, at most `max` input
 * bytes, with "..." when cut.
 */
void fetch_snippet(const char *body, size_t len, size_t max, char *out, size_t cap);

#endif /* HD_CLI_FETCH_H */
