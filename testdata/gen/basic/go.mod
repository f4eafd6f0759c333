module heapdoc/testdata/gen/basic

go 1.22
