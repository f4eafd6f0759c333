/*
 * buf.c - a growable heap byte buffer with sticky failure, in the spirit of
 * git's strbuf: renderers append to it and check once at the end.  Not an
 * arena: the caller releases it, or detaches the data and owns it.
 */
#include <math.h>
#include <stdio.h>

#include "common.h"

void hd_buf_release(struct hd_buf *b)
{
	if (!b)
		return;
	hd_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

bool hd_buf_reserve(struct hd_buf *b, size_t extra)
{
	if (b->failed)
		return false;
	size_t need;
	if (hd_add_overflow(b->len, extra, &need) || hd_add_overflow(need, 1, &need)) {
		b->failed = true;
		return false;
	}
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	char *d = hd_realloc(b->data, cap);
	if (!d) {
		b->failed = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

bool hd_buf_append(struct hd_buf *b, const void *data, size_t len)
{
	if (!hd_buf_reserve(b, len))
		return false;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return true;
}

bool hd_buf_putc(struct hd_buf *b, char c)
{
	return hd_buf_append(b, &c, 1);
}

bool hd_buf_vprintf(struct hd_buf *b, const char *fmt, va_list ap)
{
	if (b->failed)
		return false;
	va_list cp;
	va_copy(cp, ap);
	char small[256];
	int n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->failed = true;
		return false;
	}
	if ((size_t)n < sizeof(small))
		return hd_buf_append(b, small, (size_t)n);
	if (!hd_buf_reserve(b, (size_t)n))
		return false;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return true;
}

bool hd_buf_printf(struct hd_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = hd_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return ok;
}

char *hd_buf_detach(struct hd_buf *b, size_t *len_ret)
{
	if (!b->data && !b->failed)
		hd_buf_reserve(b, 0);
	char *d = b->data;
	if (d)
		d[b->len] = '\0'; /* reserve() alone leaves an empty buffer unterminated */
	if (len_ret)
		*len_ret = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

bool hd_grow_array(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 64;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return false;
		ncap *= 2;
	}
	size_t bytes;
	if (hd_mul_overflow(ncap, size, &bytes))
		return false;
	void *n = hd_realloc(*arr, bytes);
	if (!n)
		return false;
	*arr = n;
	*cap = ncap;
	return true;
}

char *hd_fmt_bytes(char *buf, size_t cap, double bytes)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
	double v = bytes;
	size_t u = 0;
	while (fabs(v) >= 1024 && u + 1 < HD_ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, cap, u ? "%.2f%s" : "%.0f%s", v, units[u]);
	return buf;
}
