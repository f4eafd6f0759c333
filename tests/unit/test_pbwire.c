/*
 * test_pbwire.c - unit tests of the protobuf wire reader (pbwire.h):
 * varints of every length including the 10-byte maximum and overflow,
 * truncation on both the fast and the slow path, every wire type, lengths
 * past the end, packed-varint counting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode/pbwire.h"
#include "pbenc.h"

/* Reads one varint from bytes[0..n), padded or not to reach the fast path. */
static enum hd_pb_result read_one(const uint8_t *bytes, size_t n, bool pad,
				  uint64_t *v, size_t *used)
{
	uint8_t buf[32] = {0};
	memcpy(buf, bytes, n);
	const uint8_t *p = buf, *end = buf + (pad ? sizeof(buf) : n);
	enum hd_pb_result r = hd_pb_read_varint(&p, end, v);
	*used = (size_t)(p - buf);
	return r;
}

static void test_varint_lengths(void **state)
{
	(void)state;
	static const uint64_t values[] = {
		0, 1, 127, 128, 300, 16383, 16384, (1ull << 21) - 1, 1ull << 28,
		1ull << 35, 1ull << 42, 1ull << 49, 1ull << 56, 1ull << 63,
		UINT64_MAX, (uint64_t)-2,
	};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct pbenc e;
		pbenc_init(&e);
		pbenc_varint(&e, values[i]);
		for (int pad = 0; pad < 2; pad++) {
			uint64_t v = 12345;
			size_t used;
			assert_int_equal(read_one(e.data, e.len, pad, &v, &used), HD_PB_OK);
			assert_true(v == values[i]);
			assert_int_equal(used, e.len);
		}
		pbenc_release(&e);
	}
}

static void test_varint_max_is_ten_bytes(void **state)
{
	(void)state;
	static const uint8_t max[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	for (int pad = 0; pad < 2; pad++) {
		uint64_t v;
		size_t used;
		assert_int_equal(read_one(max, 10, pad, &v, &used), HD_PB_OK);
		assert_true(v == UINT64_MAX);
		assert_int_equal(used, 10);
	}
}

static void test_varint_overflow(void **state)
{
	(void)state;
	/* 10th byte 2: the value needs 65 bits. */
	static const uint8_t big[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02};
	/* 11 bytes: continuation on the 10th. */
	static const uint8_t eleven[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x00};
	for (int pad = 0; pad < 2; pad++) {
		uint64_t v;
		size_t used;
		assert_int_equal(read_one(big, sizeof(big), pad, &v, &used), HD_PB_ERR_OVERFLOW);
		assert_int_equal(used, 0);
		assert_int_equal(read_one(eleven, sizeof(eleven), pad, &v, &used),
				 HD_PB_ERR_OVERFLOW);
	}
}

static void test_varint_truncated(void **state)
{
	(void)state;
	static const uint8_t cut[] = {0x80, 0x80, 0x80};
	uint64_t v;
	size_t used;
	assert_int_equal(read_one(cut, 3, false, &v, &used), HD_PB_ERR_TRUNCATED);
	assert_int_equal(used, 0);
	const uint8_t *p = cut;
	assert_int_equal(hd_pb_read_varint(&p, cut, &v), HD_PB_ERR_TRUNCATED); /* empty */
}

static void test_fields_every_wire_type(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	pbenc_uint(&e, 1, 150);
	pbenc_fixed64(&e, 2, 0x0102030405060708ull);
	pbenc_string(&e, 3, "hello");
	pbenc_fixed32(&e, 4, 0xdeadbeef);
	pbenc_uint(&e, 536870911, 7); /* the largest field number */
	const uint8_t *p = e.data, *end = e.data + e.len;
	struct hd_pb_field f;
	assert_int_equal(hd_pb_next_field(&p, end, &f), HD_PB_OK);
	assert_int_equal(f.number, 1);
	assert_int_equal(f.wire_type, 0);
	assert_int_equal(f.value, 150);
	assert_int_equal(hd_pb_next_field(&p, end, &f), HD_PB_OK);
	assert_int_equal(f.wire_type, 1);
	assert_true(f.value == 0x0102030405060708ull);
	assert_int_equal(hd_pb_next_field(&p, end, &f), HD_PB_OK);
	assert_int_equal(f.wire_type, 2);
	assert_int_equal(f.len, 5);
	assert_memory_equal(f.data, "hello", 5);
	assert_int_equal(hd_pb_next_field(&p, end, &f), HD_PB_OK);
	assert_int_equal(f.wire_type, 5);
	assert_true(f.value == 0xdeadbeef);
	assert_int_equal(hd_pb_next_field(&p, end, &f), HD_PB_OK);
	assert_int_equal(f.number, 536870911);
	assert_int_equal(f.value, 7);
	assert_ptr_equal(p, end);
	pbenc_release(&e);
}

static void test_fields_bad_wire_types(void **state)
{
	(void)state;
	for (unsigned wt = 3; wt <= 7; wt++) {
		if (wt == 5)
			continue;
		struct pbenc e;
		pbenc_init(&e);
		pbenc_tag(&e, 1, wt);
		pbenc_raw(&e, "\0\0\0\0\0\0\0\0", 8);
		const uint8_t *p = e.data;
		struct hd_pb_field f;
		assert_int_equal(hd_pb_next_field(&p, e.data + e.len, &f), HD_PB_ERR_WIRETYPE);
		assert_ptr_equal(p, e.data); /* left at the failing field */
		pbenc_release(&e);
	}
}

static void test_fields_past_end(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	pbenc_tag(&e, 1, PB_WT_LEN);
	pbenc_varint(&e, 10);
	pbenc_raw(&e, "abc", 3);
	const uint8_t *p = e.data;
	struct hd_pb_field f;
	assert_int_equal(hd_pb_next_field(&p, e.data + e.len, &f), HD_PB_ERR_LENGTH);
	/* A length of 2^63 must not wrap the pointer. */
	pbenc_reset(&e);
	pbenc_tag(&e, 1, PB_WT_LEN);
	pbenc_varint(&e, 1ull << 63);
	p = e.data;
	assert_int_equal(hd_pb_next_field(&p, e.data + e.len, &f), HD_PB_ERR_LENGTH);
	/* Fixed values cut short. */
	pbenc_reset(&e);
	pbenc_tag(&e, 1, PB_WT_FIXED64);
	pbenc_raw(&e, "1234567", 7);
	p = e.data;
	assert_int_equal(hd_pb_next_field(&p, e.data + e.len, &f), HD_PB_ERR_TRUNCATED);
	pbenc_reset(&e);
	pbenc_tag(&e, 1, PB_WT_FIXED32);
	pbenc_raw(&e, "123", 3);
	p = e.data;
	assert_int_equal(hd_pb_next_field(&p, e.data + e.len, &f), HD_PB_ERR_TRUNCATED);
	/* A varint field without its value. */
	pbenc_reset(&e);
	pbenc_tag(&e, 1, PB_WT_VARINT);
	p = e.data;
	assert_int_equal(hd_pb_next_field(&p, e.data + e.len, &f), HD_PB_ERR_TRUNCATED);
	pbenc_release(&e);
}

static void test_count_varints(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	for (uint64_t i = 0; i < 1000; i++)
		pbenc_varint(&e, i * i * 977);
	assert_int_equal(hd_pb_count_varints(e.data, e.len), 1000);
	assert_int_equal(hd_pb_count_varints(e.data, 0), 0);
	static const uint8_t tail[] = {0x01, 0x80};
	assert_int_equal(hd_pb_count_varints(tail, 2), 1);
	pbenc_release(&e);
	assert_string_equal(hd_pb_result_str(HD_PB_ERR_OVERFLOW), "varint overflows 64 bits");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint_lengths),
		cmocka_unit_test(test_varint_max_is_ten_bytes),
		cmocka_unit_test(test_varint_overflow),
		cmocka_unit_test(test_varint_truncated),
		cmocka_unit_test(test_fields_every_wire_type),
		cmocka_unit_test(test_fields_bad_wire_types),
		cmocka_unit_test(test_fields_past_end),
		cmocka_unit_test(test_count_varints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
