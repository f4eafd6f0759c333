/*
 * pbenc.c - the test-only protobuf encoder (see pbenc.h).  Aborts on
 * out-of-memory: tests exercise the library's error paths, not these.
 */
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbenc.h"

static void reserve(struct pbenc *e, size_t extra)
{
	if (e->len + extra <= e->cap)
		return;
	size_t cap = e->cap ? e->cap : 256;
	while (cap < e->len + extra)
		cap *= 2;
	uint8_t *d = realloc(e->data, cap);
	if (!d) {
		fprintf(stderr, "pbenc: out of memory\n");
		abort();
	}
	e->data = d;
	e->cap = cap;
}

void pbenc_init(struct pbenc *e)
{
	e->data = NULL;
	e->len = e->cap = 0;
}

void pbenc_release(struct pbenc *e)
{
	free(e->data);
	pbenc_init(e);
}

void pbenc_reset(struct pbenc *e)
{
	e->len = 0;
}

void pbenc_raw(struct pbenc *e, const void *data, size_t len)
{
	reserve(e, len);
	if (len)
		memcpy(e->data + e->len, data, len);
	e->len += len;
}

static size_t varint_len(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

void pbenc_varint(struct pbenc *e, uint64_t v)
{
	reserve(e, 10);
	e->len += put_varint(e->data + e->len, v);
}

void pbenc_tag(struct pbenc *e, uint64_t field, unsigned wire_type)
{
	pbenc_varint(e, field << 3 | wire_type);
}

void pbenc_uint(struct pbenc *e, uint64_t field, uint64_t v)
{
	pbenc_tag(e, field, PB_WT_VARINT);
	pbenc_varint(e, v);
}

void pbenc_int(struct pbenc *e, uint64_t field, int64_t v)
{
	pbenc_uint(e, field, (uint64_t)v);
}

void pbenc_fixed64(struct pbenc *e, uint64_t field, uint64_t v)
{
	pbenc_tag(e, field, PB_WT_FIXED64);
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	pbenc_raw(e, b, 8);
}

void pbenc_fixed32(struct pbenc *e, uint64_t field, uint32_t v)
{
	pbenc_tag(e, field, PB_WT_FIXED32);
	uint8_t b[4];
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	pbenc_raw(e, b, 4);
}

void pbenc_bytes(struct pbenc *e, uint64_t field, const void *data, size_t len)
{
	pbenc_tag(e, field, PB_WT_LEN);
	pbenc_varint(e, len);
	pbenc_raw(e, data, len);
}

void pbenc_string(struct pbenc *e, uint64_t field, const char *s)
{
	pbenc_bytes(e, field, s, strlen(s));
}

void pbenc_packed(struct pbenc *e, uint64_t field, const uint64_t *v, size_t n)
{
	size_t mark = pbenc_begin(e, field);
	for (size_t i = 0; i < n; i++)
		pbenc_varint(e, v[i]);
	pbenc_end(e, mark);
}

void pbenc_unpacked(struct pbenc *e, uint64_t field, const uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pbenc_uint(e, field, v[i]);
}

size_t pbenc_begin(struct pbenc *e, uint64_t field)
{
	pbenc_tag(e, field, PB_WT_LEN);
	return e->len;
}

void pbenc_end(struct pbenc *e, size_t mark)
{
	size_t body = e->len - mark;
	size_t n = varint_len(body);
	reserve(e, n);
	memmove(e->data + mark + n, e->data + mark, body);
	put_varint(e->data + mark, body);
	e->len += n;
}

void pbenc_value_type(struct pbenc *e, uint64_t field, int64_t type, int64_t unit)
{
	size_t m = pbenc_begin(e, field);
	pbenc_int(e, PB_VALUE_TYPE_TYPE, type);
	pbenc_int(e, PB_VALUE_TYPE_UNIT, unit);
	pbenc_end(e, m);
}

void pbenc_sample(struct pbenc *e, const uint64_t *location_ids, size_t n_locs,
		  const int64_t *values, size_t n_values, bool packed)
{
	size_t m = pbenc_begin(e, PB_PROFILE_SAMPLE);
	if (packed) {
		pbenc_packed(e, PB_SAMPLE_LOCATION_ID, location_ids, n_locs);
		pbenc_packed(e, PB_SAMPLE_VALUE, (const uint64_t *)values, n_values);
	} else {
		pbenc_unpacked(e, PB_SAMPLE_LOCATION_ID, location_ids, n_locs);
		pbenc_unpacked(e, PB_SAMPLE_VALUE, (const uint64_t *)values, n_values);
	}
	pbenc_end(e, m);
}

void pbenc_location(struct pbenc *e, uint64_t id, uint64_t mapping_id,
		    uint64_t address, const uint64_t *function_ids,
		    const int64_t *lines, size_t n_lines)
{
	size_t m = pbenc_begin(e, PB_PROFILE_LOCATION);
	pbenc_uint(e, PB_LOCATION_ID, id);
	if (mapping_id)
		pbenc_uint(e, PB_LOCATION_MAPPING_ID, mapping_id);
	if (address)
		pbenc_uint(e, PB_LOCATION_ADDRESS, address);
	for (size_t i = 0; i < n_lines; i++) {
		size_t l = pbenc_begin(e, PB_LOCATION_LINE);
		pbenc_uint(e, PB_LINE_FUNCTION_ID, function_ids[i]);
		if (lines)
			pbenc_int(e, PB_LINE_LINE, lines[i]);
		pbenc_end(e, l);
	}
	pbenc_end(e, m);
}

void pbenc_function(struct pbenc *e, uint64_t id, int64_t name, int64_t system_name,
		    int64_t filename, int64_t start_line)
{
	size_t m = pbenc_begin(e, PB_PROFILE_FUNCTION);
	pbenc_uint(e, PB_FUNCTION_ID, id);
	pbenc_int(e, PB_FUNCTION_NAME, name);
	pbenc_int(e, PB_FUNCTION_SYSTEM_NAME, system_name);
	pbenc_int(e, PB_FUNCTION_FILENAME, filename);
	if (start_line)
		pbenc_int(e, PB_FUNCTION_START_LINE, start_line);
	pbenc_end(e, m);
}

void pbenc_mapping(struct pbenc *e, uint64_t id, uint64_t start, uint64_t limit,
		   uint64_t offset, int64_t filename, int64_t build_id)
{
	size_t m = pbenc_begin(e, PB_PROFILE_MAPPING);
	pbenc_uint(e, PB_MAPPING_ID, id);
	pbenc_uint(e, PB_MAPPING_MEMORY_START, start);
	pbenc_uint(e, PB_MAPPING_MEMORY_LIMIT, limit);
	pbenc_uint(e, PB_MAPPING_FILE_OFFSET, offset);
	pbenc_int(e, PB_MAPPING_FILENAME, filename);
	pbenc_int(e, PB_MAPPING_BUILD_ID, build_id);
	pbenc_uint(e, PB_MAPPING_HAS_FUNCTIONS, 1);
	pbenc_end(e, m);
}

void pbenc_strings(struct pbenc *e, const char *const *strings, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pbenc_string(e, PB_PROFILE_STRING_TABLE, strings[i]);
}

void pbenc_small_profile(struct pbenc *e)
{
	static const char *const strings[] = {
		"", "alloc_objects", "count", "alloc_space", "bytes", "inuse_objects",
		"inuse_space", "space", "main.a", "main.b", "main.go", "/bin/app",
	};
	pbenc_value_type(e, PB_PROFILE_PERIOD_TYPE, 7, 4);
	pbenc_int(e, PB_PROFILE_PERIOD, 524288);
	pbenc_value_type(e, PB_PROFILE_SAMPLE_TYPE, 1, 2);
	pbenc_value_type(e, PB_PROFILE_SAMPLE_TYPE, 3, 4);
	pbenc_value_type(e, PB_PROFILE_SAMPLE_TYPE, 5, 2);
	pbenc_value_type(e, PB_PROFILE_SAMPLE_TYPE, 6, 4);
	/* Interleaved like the Go runtime: a location, then the sample. */
	uint64_t fn1 = 1, fn2 = 2;
	int64_t l10 = 10, l20 = 20;
	pbenc_function(e, 1, 8, 8, 10, 0);
	pbenc_location(e, 1, 1, 0x1000, &fn1, &l10, 1);
	pbenc_function(e, 2, 9, 9, 10, 0);
	pbenc_location(e, 2, 1, 0x2000, &fn2, &l20, 1);
	uint64_t locs[] = {1, 2};
	int64_t v1[] = {1, 100, 1, 100};
	size_t m = pbenc_begin(e, PB_PROFILE_SAMPLE);
	pbenc_packed(e, PB_SAMPLE_LOCATION_ID, locs, 2);
	pbenc_packed(e, PB_SAMPLE_VALUE, (const uint64_t *)v1, 4);
	size_t l = pbenc_begin(e, PB_SAMPLE_LABEL);
	pbenc_int(e, PB_LABEL_KEY, 4);
	pbenc_int(e, PB_LABEL_NUM, 100);
	pbenc_end(e, l);
	pbenc_end(e, m);
	int64_t v2[] = {2, 64, 0, 0};
	pbenc_sample(e, &locs[1], 1, v2, 4, true);
	pbenc_int(e, PB_PROFILE_TIME_NANOS, 1700000000000000000);
	pbenc_mapping(e, 1, 0x400000, 0x800000, 0, 11, 0);
	pbenc_strings(e, strings, sizeof(strings) / sizeof(strings[0]));
}

uint8_t *pbenc_gzip(const void *data, size_t len, size_t *out_len)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
	size_t cap = libdeflate_gzip_compress_bound(c, len);
	uint8_t *out = malloc(cap);
	if (!c || !out) {
		fprintf(stderr, "pbenc: out of memory\n");
		abort();
	}
	*out_len = libdeflate_gzip_compress(c, data, len, out, cap);
	libdeflate_free_compressor(c);
	return out;
}
