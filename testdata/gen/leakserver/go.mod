module heapdoc/testdata/gen/leakserver

go 1.22
