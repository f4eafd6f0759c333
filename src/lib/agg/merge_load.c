/*
 * merge_load.c - the ordered loader (struct hd_loader) that feeds mergers:
 * it reads and decodes inputs 0..n-1 on up to hd_threads() threads, the
 * caller's included, and hands the decoded profiles out strictly in input
 * order, so a caller folding them into an hd_merger one by one gets exactly
 * the sequential result while the next inputs are inflated and decoded on
 * the other cores.  At most `window` inputs (threads + 1) are claimed and
 * not yet handed out, so memory stays bounded by a few inputs whatever n
 * is.  The first failure in input order is the one reported; inputs after
 * it that were decoded speculatively are dropped silently.  No I/O here:
 * the caller's read callback fetches the bytes.  Not the merging itself
 * (merge.c, merge_keys.c); docs/internals/merge.md has the picture.
 */
#include <pthread.h>
#include <stdlib.h>

#include "merge.h"

/*
 * Below this many input bytes still to come (estimated as the average size
 * of the inputs read so far times the number left), no thread is started:
 * a thread costs tens of microseconds to start and join, and a merge of a
 * few small profiles finishes in a millisecond or two.
 */
#define PARALLEL_MIN_BYTES ((uint64_t)1 << 20)

static uint64_t parallel_min_bytes = PARALLEL_MIN_BYTES;

void hd_loader_set_parallel_min(uint64_t bytes)
{
	parallel_min_bytes = bytes;
}

/* One input claimed and not yet handed out; slot k % window. */
struct slot {
	size_t index;
	struct hd_profile *profile;
	enum hd_status status;
	struct hd_error err;
	bool done;
};

struct hd_loader {
	size_t n;
	hd_loader_read_fn read;
	void *ctx;
	struct hd_limits limits;

	unsigned threads;   /* cap, the caller's thread included */
	pthread_t *workers; /* threads - 1 */
	unsigned n_workers; /* started */

	pthread_mutex_t lock;
	pthread_cond_t cond_done;  /* an input finished decoding */
	pthread_cond_t cond_space; /* the window moved or the loader stops */
	struct slot *slots;
	size_t window;
	size_t next_claim;   /* next input nobody decodes yet */
	size_t next_deliver; /* next input to hand out */
	size_t claim_end;    /* claim nothing at or past this: an earlier input failed */
	bool stopped;        /* an error was handed out: only free is allowed */

	/* until the workers start, only the caller's thread reads these */
	uint64_t bytes_read; /* the sizes of the inputs read so far */
	bool started;        /* the workers were started (or tried) */
};

static bool can_claim(const struct hd_loader *l)
{
	return l->next_claim < l->claim_end && l->next_claim < l->next_deliver + l->window;
}

static void *worker_main(void *arg);

/* Starts the worker threads once the inputs are worth it; called by the
 * caller's thread after reading input k (len bytes), while the workers do
 * not run yet - so inputs 0..k were all read by it, in order.  Failing to
 * start one is not an error: the others, and the caller, do its share. */
static void maybe_start_workers(struct hd_loader *l, size_t k, size_t len)
{
	l->bytes_read += len;
	if (l->threads < 2 || k + 1 >= l->n)
		return;
	uint64_t average = l->bytes_read / (k + 1), left = l->n - k - 1;
	uint64_t rest = average > UINT64_MAX / left ? UINT64_MAX : average * left;
	if (rest < parallel_min_bytes)
		return;
	l->started = true;
	for (unsigned i = 0; i + 1 < l->threads; i++) {
		if (pthread_create(&l->workers[l->n_workers], NULL, worker_main, l) != 0)
			break;
		l->n_workers++;
	}
}

/* Reads and decodes input k into its slot; called without the lock. */
static void load_one(struct hd_loader *l, size_t k, bool on_caller)
{
	struct slot *s = &l->slots[k % l->window];
	void *data = NULL;
	size_t len = 0;
	s->profile = NULL;
	s->err.code = HD_OK;
	s->err.msg[0] = '\0';
	s->err.has_offset = false;
	s->status = l->read(l->ctx, k, &data, &len, &s->err);
	if (s->status == HD_OK && on_caller && !l->started)
		maybe_start_workers(l, k, len);
	if (s->status == HD_OK)
		s->status = hd_profile_parse(data, len, &l->limits, &s->profile, &s->err);
	else if (s->err.code != s->status)
		hd_error_set(&s->err, s->status, "%s", hd_status_str(s->status));
	free(data);
}

/* Marks input k decoded; called with the lock held. */
static void finish_one(struct hd_loader *l, size_t k)
{
	struct slot *s = &l->slots[k % l->window];
	s->index = k;
	s->done = true;
	if (s->status != HD_OK && l->claim_end > k + 1)
		l->claim_end = k + 1;
	pthread_cond_broadcast(&l->cond_done);
}

static void *worker_main(void *arg)
{
	struct hd_loader *l = arg;
	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (!l->stopped && l->next_claim < l->claim_end && !can_claim(l))
			pthread_cond_wait(&l->cond_space, &l->lock);
		if (l->stopped || l->next_claim >= l->claim_end)
			break;
		size_t k = l->next_claim++;
		pthread_mutex_unlock(&l->lock);
		load_one(l, k, false);
		pthread_mutex_lock(&l->lock);
		finish_one(l, k);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

enum hd_status hd_loader_new(size_t n_inputs, hd_loader_read_fn read, void *ctx,
			     const struct hd_limits *limits, unsigned max_threads,
			     struct hd_loader **loader_ret, struct hd_error *err)
{
	if (!loader_ret || !read)
		return hd_error_set(err, HD_ERR_USAGE, "no loader to return");
	unsigned threads = max_threads ? max_threads : hd_threads();
	struct hd_loader *l = hd_calloc(1, sizeof(*l));
	if (!l)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	l->n = n_inputs;
	l->read = read;
	l->ctx = ctx;
	hd_limits_default(&l->limits);
	if (limits) {
		/* A zero field means its default (hd_profile_parse's rule). */
		l->limits = *limits;
	}
	l->threads = threads;
	l->window = (size_t)threads + 1;
	l->claim_end = n_inputs;
	l->slots = hd_calloc(l->window, sizeof(*l->slots));
	l->workers = threads > 1 ? hd_calloc(threads - 1, sizeof(*l->workers)) : NULL;
	if (!l->slots || (threads > 1 && !l->workers)) {
		hd_free(l->slots);
		hd_free(l->workers);
		hd_free(l);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	if (pthread_mutex_init(&l->lock, NULL) != 0) {
		hd_free(l->slots);
		hd_free(l->workers);
		hd_free(l);
		return hd_error_set(err, HD_ERR_INTERNAL, "cannot create a mutex");
	}
	if (pthread_cond_init(&l->cond_done, NULL) != 0) {
		pthread_mutex_destroy(&l->lock);
		hd_free(l->slots);
		hd_free(l->workers);
		hd_free(l);
		return hd_error_set(err, HD_ERR_INTERNAL, "cannot create a condition variable");
	}
	if (pthread_cond_init(&l->cond_space, NULL) != 0) {
		pthread_cond_destroy(&l->cond_done);
		pthread_mutex_destroy(&l->lock);
		hd_free(l->slots);
		hd_free(l->workers);
		hd_free(l);
		return hd_error_set(err, HD_ERR_INTERNAL, "cannot create a condition variable");
	}
	*loader_ret = l;
	return HD_OK;
}

enum hd_status hd_loader_next(struct hd_loader *l, struct hd_profile **profile_ret,
			      struct hd_error *err)
{
	if (!l || !profile_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no loader");
	*profile_ret = NULL;
	pthread_mutex_lock(&l->lock);
	if (l->stopped || l->next_deliver >= l->n) {
		pthread_mutex_unlock(&l->lock);
		return hd_error_set(err, HD_ERR_USAGE, "no more inputs to load");
	}
	size_t k = l->next_deliver;
	struct slot *s = &l->slots[k % l->window];
	while (!(s->done && s->index == k)) {
		/* Rather than wait, decode the next unclaimed input: input k
		 * itself when no worker took it (always so with one thread),
		 * else one ahead, so that both cores stay busy whichever of
		 * folding and decoding is the slower. */
		if (can_claim(l)) {
			size_t j = l->next_claim++;
			pthread_mutex_unlock(&l->lock);
			load_one(l, j, true);
			pthread_mutex_lock(&l->lock);
			finish_one(l, j);
			continue;
		}
		pthread_cond_wait(&l->cond_done, &l->lock);
	}
	enum hd_status st = s->status;
	struct hd_profile *p = s->profile;
	if (st != HD_OK && err)
		*err = s->err;
	s->profile = NULL;
	s->done = false;
	l->next_deliver++;
	if (st != HD_OK) {
		l->stopped = true;
		l->claim_end = 0;
	}
	pthread_cond_broadcast(&l->cond_space);
	pthread_mutex_unlock(&l->lock);
	if (st != HD_OK)
		return st;
	*profile_ret = p;
	return HD_OK;
}

void hd_loader_free(struct hd_loader *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	l->stopped = true;
	l->claim_end = 0;
	pthread_cond_broadcast(&l->cond_space);
	pthread_mutex_unlock(&l->lock);
	for (unsigned i = 0; i < l->n_workers; i++)
		pthread_join(l->workers[i], NULL);
	for (size_t i = 0; i < l->window; i++)
		hd_profile_free(l->slots[i].profile);
	pthread_cond_destroy(&l->cond_space);
	pthread_cond_destroy(&l->cond_done);
	pthread_mutex_destroy(&l->lock);
	hd_free(l->slots);
	hd_free(l->workers);
	hd_free(l);
}
