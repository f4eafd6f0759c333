/*
 * folded.c - `heapdoc folded`: the call tree as folded stacks, one line
 * `root;caller;leaf VALUE` per distinct stack, the input format of
 * flamegraph.pl, inferno and speedscope.  Differential profiles (negative
 * weights) give `stack BEFORE AFTER`, the format difffolded.pl writes and
 * flamegraph.pl draws as a differential flame graph.  Lines are sorted
 * bytewise so the output is deterministic.  The tree is flame_tree.c's.
 */
#include <stdlib.h>

#include "flame_tree.h"

struct line {
	size_t off, len;
};

/* qsort has no context argument in C11; thread-local keeps renders on
 * distinct threads apart. */
static _Thread_local const char *sort_base;

static int line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(sort_base + x->off, sort_base + y->off, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static enum hd_status render(struct hd_ftree *tree, char **out_ret, size_t *len_ret,
			     struct hd_error *err)
{
	struct hd_ftree t = *tree;
	enum hd_status st = HD_OK;
	struct hd_buf text = HD_BUF_INIT, out = HD_BUF_INIT;
	struct line *lines = NULL;
	uint32_t *path = NULL;
	size_t n_lines = 0, cap_lines = 0, cap_path = 0;
	for (size_t i = 1; i < t.n_nodes; i++) {
		const struct hd_ftnode *n = &t.nodes[i];
		if (!n->self_pos && !n->self_neg)
			continue;
		if (n->depth > cap_path) {
			hd_free(path);
			cap_path = n->depth;
			path = hd_malloc(cap_path * sizeof(*path));
			if (!path)
				goto nomem;
		}
		uint32_t d = 0;
		for (uint32_t j = (uint32_t)i; j != 0; j = t.nodes[j].parent)
			path[d++] = t.nodes[j].frame;
		size_t off = text.len;
		while (d-- > 0) {
			hd_buf_append(&text, t.frames[path[d]].ptr, t.frames[path[d]].len);
			if (d)
				hd_buf_putc(&text, ';');
		}
		if (t.diff)
			hd_buf_printf(&text, " %lld %lld", (long long)n->self_neg,
				      (long long)n->self_pos);
		else
			hd_buf_printf(&text, " %lld", (long long)n->self_pos);
		if (n_lines == cap_lines) {
			size_t nc = cap_lines ? cap_lines * 2 : 1024;
			struct line *nl = hd_realloc(lines, nc * sizeof(*nl));
			if (!nl)
				goto nomem;
			lines = nl;
			cap_lines = nc;
		}
		lines[n_lines].off = off;
		lines[n_lines].len = text.len - off;
		n_lines++;
	}
	if (text.failed)
		goto nomem;
	sort_base = text.data;
	if (n_lines > 1)
		qsort(lines, n_lines, sizeof(*lines), line_cmp);
	if (!hd_buf_reserve(&out, text.len + n_lines))
		goto nomem;
	for (size_t i = 0; i < n_lines; i++) {
		hd_buf_append(&out, text.data + lines[i].off, lines[i].len);
		hd_buf_putc(&out, '\n');
	}
	if (out.failed)
		goto nomem;
	*out_ret = hd_buf_detach(&out, len_ret);
	if (!*out_ret)
		goto nomem;
	goto done;
nomem:
	st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
done:
	hd_free(lines);
	hd_free(path);
	hd_buf_release(&text);
	hd_buf_release(&out);
	return st;
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
	struct hd_ftree t;
	enum hd_status st = hd_ftree_build(&t, profile, options, true, err);
	if (st != HD_OK)
		return st;
	st = render(&t, out_ret, len_ret, err);
	hd_ftree_release(&t);
	return st;
}

enum hd_status hd_render_folded_view(const struct hd_view *view,
				     const struct hd_flame_options *options, char **out_ret,
				     size_t *len_ret, struct hd_error *err)
{
	(void)options;
	if (!view || !out_ret || !len_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no view to render");
	struct hd_ftree t;
	enum hd_status st = hd_ftree_build_view(&t, view, true, err);
	if (st != HD_OK)
		return st;
	st = render(&t, out_ret, len_ret, err);
	hd_ftree_release(&t);
	return st;
}
