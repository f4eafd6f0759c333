module heapdoc/testdata/gen/check

go 1.22
