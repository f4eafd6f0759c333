module heapdoc/testdata/hostile/gen

go 1.22
