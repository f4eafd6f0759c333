module heapdoc/testdata/gen/probes

go 1.22
