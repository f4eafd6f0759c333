/* keeps the test support library non-empty */
typedef int hd_test_support_keep;
