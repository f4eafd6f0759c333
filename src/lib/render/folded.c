/*
 * folded.c - `heapdoc folded`: the call tree as folded stacks, one line
 * `root;caller;leaf VALUE` per distinct stack, the input format of
 * flamegraph.pl, inferno and speedscope.  Differential profiles (negative
 * weights) give `stack BEFORE AFTER`, the format difffolded.pl writes and
 * flamegraph.pl draws as a differential flame graph.  Lines are sorted
 * bytewise so the output is deterministic.
 *
 * The lines are written in their final order straight from the partitions
 * of flame_part.c, without building the tree or sorting the text: below a
 * node, the lines of a child c's subtree all start with "c;" and no other
 * line does (names hold no ';'), so they are contiguous in sorted order;
 * sorting a node's children by "name;" (their subtree) and by "name VALUE"
 * (their own line) and walking them in that order gives exactly the bytewise
 * order of all lines.  Large profiles are cut into subtrees walked on
 * hd_threads() threads, each into its own buffer, concatenated in order.
 * docs/internals/flame.md.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "flame_tree.h"

/* A line of a child (kind SELF) or the lines of its subtree (GROUP). */
struct entry {
	struct hd_str name;
	uint32_t first, n; /* GROUP: the items continuing below the child */
	uint8_t buf;       /* GROUP: the item buffer holding them */
	uint8_t kind;
	uint8_t suffix_len;
	char suffix[45];   /* SELF: " VALUE" or " BEFORE AFTER"; GROUP: ";" */
};

enum { SELF, GROUP };

/* Bytewise order of name + suffix (the text an entry's lines start with). */
static int entry_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	const char *as[2] = {a->name.ptr, a->suffix}, *bs[2] = {b->name.ptr, b->suffix};
	size_t al[2] = {a->name.len, a->suffix_len}, bl[2] = {b->name.len, b->suffix_len};
	unsigned ai = 0, bi = 0;
	size_t ao = 0, bo = 0;
	for (;;) {
		while (ai < 2 && ao == al[ai]) {
			ai++;
			ao = 0;
		}
		while (bi < 2 && bo == bl[bi]) {
			bi++;
			bo = 0;
		}
		if (ai == 2 || bi == 2)
			return (ai != 2) - (bi != 2);
		size_t n = al[ai] - ao < bl[bi] - bo ? al[ai] - ao : bl[bi] - bo;
		int c = memcmp(as[ai] + ao, bs[bi] + bo, n);
		if (c)
			return c;
		ao += n;
		bo += n;
	}
}

struct folder {
	const struct hd_ftsrc *src;
	struct hd_ftitem *buf[2];
	/* the root's children, cut into tasks: entries with their path */
	struct entry *tasks;
	size_t *task_path_off, *task_path_len;
	size_t n_tasks;
	struct hd_buf paths;
	size_t *cut; /* thread i walks tasks cut[i] .. cut[i + 1] */
	struct hd_buf *out;
	bool *failed;
	atomic_bool any_failed;
};

struct walker {
	struct hd_ftpart part;
	struct entry *ents;
	size_t n_ents, cap_ents;
	struct frame {
		size_t next, end, base, path_len;
	} *stack;
	size_t n_stack, cap_stack;
	struct hd_buf path;
};

static void self_suffix(struct entry *e, bool diff, uint64_t self_pos, uint64_t self_neg)
{
	int n = diff ? snprintf(e->suffix, sizeof(e->suffix), " %lld %lld", (long long)self_neg,
				(long long)self_pos)
		     : snprintf(e->suffix, sizeof(e->suffix), " %lld", (long long)self_pos);
	e->suffix_len = (uint8_t)n;
}

/*
 * Splits the items of a GROUP entry and appends the entries of its
 * children to *ents, sorted; returns false when out of memory.
 */
static bool expand(const struct folder *f, struct hd_ftpart *part, const struct entry *g,
		   struct entry **ents, size_t *n_ents, size_t *cap_ents)
{
	const struct hd_ftsrc *src = f->src;
	if (!hd_ftpart_split(part, f->buf[g->buf], f->buf[!g->buf], g->first, g->n))
		return false;
	size_t begin = *n_ents;
	if (!hd_grow_array((void **)ents, cap_ents, begin + 2 * part->n_groups, sizeof(**ents)))
		return false;
	for (size_t i = 0; i < part->n_groups; i++) {
		const struct hd_ftgroup *c = &part->groups[i];
		struct entry *e;
		if (c->self_pos || c->self_neg) {
			e = &(*ents)[(*n_ents)++];
			e->name = src->frames[c->frame];
			e->kind = SELF;
			self_suffix(e, src->diff, c->self_pos, c->self_neg);
		}
		if (c->n_cont) {
			e = &(*ents)[(*n_ents)++];
			e->name = src->frames[c->frame];
			e->kind = GROUP;
			e->first = c->first;
			e->n = c->n_cont;
			e->buf = (uint8_t)!g->buf;
			e->suffix[0] = ';';
			e->suffix_len = 1;
		}
	}
	if (*n_ents - begin > 1)
		qsort(*ents + begin, *n_ents - begin, sizeof(**ents), entry_cmp);
	return true;
}

static void put_entry_line(struct hd_buf *out, const struct hd_buf *path, const struct entry *e)
{
	if (!hd_buf_reserve(out, path->len + e->name.len + e->suffix_len + 1))
		return;
	char *p = out->data + out->len;
	if (path->len) {
		memcpy(p, path->data, path->len);
		p += path->len;
	}
	memcpy(p, e->name.ptr, e->name.len);
	p += e->name.len;
	memcpy(p, e->suffix, e->suffix_len);
	p += e->suffix_len;
	*p++ = '\n';
	out->len = (size_t)(p - out->data);
}

/* The one line below a GROUP entry holding a single item: its remaining
 * frames, and its weight. */
static void put_chain(struct hd_buf *out, const struct folder *f, const struct hd_buf *path,
		      const struct entry *e)
{
	const struct hd_ftsrc *src = f->src;
	struct hd_ftitem *it = &f->buf[e->buf][e->first];
	hd_buf_append(out, path->data, path->len);
	hd_buf_append(out, e->name.ptr, e->name.len);
	while (it->f > it->lo) {
		struct hd_str s = src->frames[src->loc_frames[--it->f]];
		hd_ftitem_normalize(it, src->loc_first);
		hd_buf_putc(out, ';');
		hd_buf_append(out, s.ptr, s.len);
	}
	uint64_t mag = it->w < 0 ? (uint64_t)0 - (uint64_t)it->w : (uint64_t)it->w;
	struct entry tail;
	self_suffix(&tail, src->diff, it->w > 0 ? mag : 0, it->w < 0 ? mag : 0);
	hd_buf_append(out, tail.suffix, tail.suffix_len);
	hd_buf_putc(out, '\n');
}

/* All lines below GROUP entry g whose lines start with w->path (which
 * ends in g's name and ';'), in order, depth first: a frame of the stack
 * walks the sorted entries [next, end) of one node, appended to w->ents
 * from `base` on. */
static bool walk(const struct folder *f, struct walker *w, const struct entry *g,
		 struct hd_buf *out)
{
	w->n_ents = 0;
	w->n_stack = 0;
	if (!expand(f, &w->part, g, &w->ents, &w->n_ents, &w->cap_ents) ||
	    !hd_grow_array((void **)&w->stack, &w->cap_stack, 1, sizeof(*w->stack)))
		return false;
	w->stack[w->n_stack++] = (struct frame){0, w->n_ents, 0, w->path.len};
	while (w->n_stack > 0) {
		struct frame *top = &w->stack[w->n_stack - 1];
		if (top->next == top->end) {
			w->n_ents = top->base;
			w->n_stack--;
			continue;
		}
		struct entry e = w->ents[top->next++];
		w->path.len = top->path_len;
		if (e.kind == SELF) {
			put_entry_line(out, &w->path, &e);
		} else if (e.n == 1) {
			put_chain(out, f, &w->path, &e);
		} else {
			hd_buf_append(&w->path, e.name.ptr, e.name.len);
			hd_buf_putc(&w->path, ';');
			size_t base = w->n_ents;
			if (!expand(f, &w->part, &e, &w->ents, &w->n_ents, &w->cap_ents) ||
			    !hd_grow_array((void **)&w->stack, &w->cap_stack, w->n_stack + 1,
				  sizeof(*w->stack)))
				return false;
			w->stack[w->n_stack++] =
				(struct frame){base, w->n_ents, base, w->path.len};
		}
		if (out->failed || w->path.failed)
			return false;
	}
	return true;
}

static void walk_tasks(void *ctx, unsigned t)
{
	struct folder *f = ctx;
	struct walker w;
	memset(&w, 0, sizeof(w));
	struct hd_buf *out = &f->out[t];
	bool ok = hd_ftpart_init(&w.part, f->src);
	for (size_t i = f->cut[t]; ok && i < f->cut[t + 1]; i++) {
		if (atomic_load_explicit(&f->any_failed, memory_order_relaxed))
			break;
		const struct entry *e = &f->tasks[i];
		w.path.len = 0;
		if (f->task_path_len[i])
			hd_buf_append(&w.path, f->paths.data + f->task_path_off[i],
				      f->task_path_len[i]);
		if (e->kind == SELF) {
			put_entry_line(out, &w.path, e);
		} else if (e->n == 1) {
			put_chain(out, f, &w.path, e);
		} else {
			hd_buf_append(&w.path, e->name.ptr, e->name.len);
			hd_buf_putc(&w.path, ';');
			ok = !w.path.failed && walk(f, &w, e, out);
		}
		ok = ok && !out->failed && !w.path.failed;
	}
	if (!ok) {
		f->failed[t] = true;
		atomic_store(&f->any_failed, true);
	}
	hd_ftpart_release(&w.part);
	hd_free(w.ents);
	hd_free(w.stack);
	hd_buf_release(&w.path);
}

/*
 * The root's entries as tasks; with several threads, the largest subtrees
 * are split further (in place, so the tasks stay in output order) until
 * there are 8 per thread or none holds more than a 32nd of the items.
 */
static bool make_tasks(struct folder *f, unsigned threads, struct hd_ftpart *part,
		       uint32_t n_root)
{
	size_t cap = 0, cap_off = 0, cap_len = 0;
	struct entry root = {0};
	root.kind = GROUP;
	root.n = n_root;
	if (n_root && !expand(f, part, &root, &f->tasks, &f->n_tasks, &cap))
		return false;
	if (!hd_grow_array((void **)&f->task_path_off, &cap_off, f->n_tasks + 1, sizeof(size_t)) ||
	    !hd_grow_array((void **)&f->task_path_len, &cap_len, f->n_tasks + 1, sizeof(size_t)))
		return false;
	memset(f->task_path_off, 0, f->n_tasks * sizeof(size_t));
	memset(f->task_path_len, 0, f->n_tasks * sizeof(size_t));
	const size_t want = (size_t)threads * 8;
	const uint32_t small = f->src->n_items / 32;
	struct entry *kids = NULL;
	size_t n_kids = 0, cap_kids = 0;
	bool ok = true;
	while (threads > 1 && f->n_tasks < want) {
		size_t big = 0;
		for (size_t i = 1; i < f->n_tasks; i++)
			if (f->tasks[i].kind == GROUP && f->tasks[i].n > f->tasks[big].n)
				big = i;
		struct entry g = f->tasks[big];
		if (g.kind != GROUP || g.n <= small || g.n < 2)
			break;
		n_kids = 0;
		size_t off = f->paths.len;
		/* reserved first: the path copied is in the same buffer */
		if (hd_buf_reserve(&f->paths, f->task_path_len[big]) && f->task_path_len[big])
			hd_buf_append(&f->paths, f->paths.data + f->task_path_off[big],
				      f->task_path_len[big]);
		hd_buf_append(&f->paths, g.name.ptr, g.name.len);
		hd_buf_putc(&f->paths, ';');
		size_t len = f->paths.len - off;
		size_t n = f->n_tasks - 1;
		if (f->paths.failed || !expand(f, part, &g, &kids, &n_kids, &cap_kids) ||
		    !hd_grow_array((void **)&f->tasks, &cap, n + n_kids, sizeof(*f->tasks)) ||
		    !hd_grow_array((void **)&f->task_path_off, &cap_off, n + n_kids, sizeof(size_t)) ||
		    !hd_grow_array((void **)&f->task_path_len, &cap_len, n + n_kids, sizeof(size_t))) {
			ok = false;
			break;
		}
		size_t tail = f->n_tasks - big - 1;
		memmove(&f->tasks[big + n_kids], &f->tasks[big + 1], tail * sizeof(*f->tasks));
		memmove(&f->task_path_off[big + n_kids], &f->task_path_off[big + 1],
			tail * sizeof(size_t));
		memmove(&f->task_path_len[big + n_kids], &f->task_path_len[big + 1],
			tail * sizeof(size_t));
		for (size_t i = 0; i < n_kids; i++) {
			f->tasks[big + i] = kids[i];
			f->task_path_off[big + i] = off;
			f->task_path_len[big + i] = len;
		}
		f->n_tasks = n + n_kids;
	}
	hd_free(kids);
	return ok;
}

/* Cuts the tasks into `threads` runs of about equal numbers of items. */
static void cut_tasks(struct folder *f, unsigned threads)
{
	uint64_t total = 0, sum = 0;
	for (size_t i = 0; i < f->n_tasks; i++)
		total += f->tasks[i].kind == GROUP ? f->tasks[i].n : 1;
	size_t i = 0;
	f->cut[0] = 0;
	for (unsigned t = 1; t < threads; t++) {
		uint64_t goal = total * t / threads;
		while (i < f->n_tasks && sum < goal) {
			sum += f->tasks[i].kind == GROUP ? f->tasks[i].n : 1;
			i++;
		}
		f->cut[t] = i;
	}
	f->cut[threads] = f->n_tasks;
}

static enum hd_status render(struct hd_ftsrc *src, char **out_ret, size_t *len_ret,
			     struct hd_error *err)
{
	unsigned threads = hd_ftthreads(src);
	struct folder f;
	memset(&f, 0, sizeof(f));
	f.src = src;
	atomic_init(&f.any_failed, false);
	struct hd_ftpart part;
	bool ok = hd_ftpart_init(&part, src);
	f.buf[0] = src->items;
	f.buf[1] = hd_malloc(((size_t)src->n_items + 1) * sizeof(*f.buf[1]));
	f.cut = hd_malloc((threads + 1) * sizeof(*f.cut));
	f.out = hd_calloc(threads, sizeof(*f.out));
	f.failed = hd_calloc(threads, sizeof(*f.failed));
	if (!ok || !f.buf[1] || !f.cut || !f.out || !f.failed)
		goto nomem;
	/* Items without frames end at the root, which has no line. */
	uint32_t n_root = 0;
	for (uint32_t i = 0; i < src->n_items; i++)
		if (src->items[i].f != src->items[i].lo)
			src->items[n_root++] = src->items[i];
	if (!make_tasks(&f, threads, &part, n_root))
		goto nomem;
	cut_tasks(&f, threads);
	hd_ftrun(threads, walk_tasks, &f);
	if (atomic_load(&f.any_failed))
		goto nomem;
	size_t total = 0;
	for (unsigned t = 0; t < threads; t++)
		total += f.out[t].len;
	if (!hd_buf_reserve(&f.out[0], total - f.out[0].len))
		goto nomem;
	for (unsigned t = 1; t < threads; t++) {
		hd_buf_append(&f.out[0], f.out[t].data, f.out[t].len);
		hd_buf_release(&f.out[t]);
	}
	/* an empty output is "" */
	if (!hd_buf_append(&f.out[0], "", 0))
		goto nomem;
	*out_ret = hd_buf_detach(&f.out[0], len_ret);
	if (!*out_ret)
		goto nomem;
	goto done;
nomem:
	ok = false;
done:
	hd_ftpart_release(&part);
	for (unsigned t = 0; f.out && t < threads; t++)
		hd_buf_release(&f.out[t]);
	hd_free(f.out);
	hd_free(f.failed);
	hd_free(f.cut);
	hd_free(f.buf[1]);
	hd_free(f.tasks);
	hd_free(f.task_path_off);
	hd_free(f.task_path_len);
	hd_buf_release(&f.paths);
	if (ok)
		return HD_OK;
	return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
}

enum hd_status hd_render_folded(const struct hd_profile *profile,
				const struct hd_flame_options *options, char **out_ret,
				size_t *len_ret, struct hd_error *err)
{
	if (!profile || !out_ret || !len_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no profile to render");
	struct hd_flame_options def;
	if (!options) {
		hd_flame_options_default(&def);
		options = &def;
	}
	struct hd_ftsrc src;
	enum hd_status st = hd_ftsrc_build(&src, profile, options, true, err);
	if (st != HD_OK)
		return st;
	st = render(&src, out_ret, len_ret, err);
	hd_ftsrc_release(&src);
	return st;
}

enum hd_status hd_render_folded_view(const struct hd_view *view,
				     const struct hd_flame_options *options, char **out_ret,
				     size_t *len_ret, struct hd_error *err)
{
	(void)options;
	if (!view || !out_ret || !len_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no view to render");
	struct hd_ftsrc src;
	enum hd_status st = hd_ftsrc_build_view(&src, view, true, err);
	if (st != HD_OK)
		return st;
	st = render(&src, out_ret, len_ret, err);
	hd_ftsrc_release(&src);
	return st;
}
