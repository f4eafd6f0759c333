module heapdoc/testdata/gen/scenarios

go 1.22
