module heapdoc/bench/gen

go 1.22
