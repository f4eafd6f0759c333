// Command basic writes small single-snapshot heap profiles for decoder and
// pprof-parity tests (testdata/profiles/basic/). See testdata/profiles/README.md.
//
//	basic -mode heap    -out PREFIX   PREFIX.pb.gz + PREFIX.txt (same moment)
//	basic -mode allocs  -out PREFIX   PREFIX.pb.gz from pprof.Lookup("allocs")
//	basic -mode rate1   -out PREFIX   runtime.MemProfileRate=1 from the start; .pb.gz + .txt
//	basic -mode inlined -out PREFIX   allocations inside inlined helpers; .pb.gz + .txt
//	basic -mode deep    -out PREFIX   stacks deeper than 32 (and than 128) frames, with
//	                                  direct and mutual recursion; .pb.gz + .txt
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

var sink int64

func main() {
	mode := flag.String("mode", "heap", "heap|allocs|rate1|inlined|deep")
	out := flag.String("out", "", "output path prefix")
	flag.Parse()
	if *mode == "rate1" {
		// Must be set before the allocations of interest (as early as possible).
		runtime.MemProfileRate = 1
	}
	if *out == "" {
		fatalf("need -out PREFIX")
	}
	switch *mode {
	case "heap", "rate1":
		mixedWorkload(*mode == "rate1")
		snapshot("heap", *out, true)
	case "allocs":
		mixedWorkload(false)
		snapshot("allocs", *out, false)
	case "inlined":
		buildShapes(400000)
		snapshot("heap", *out, true)
	case "deep":
		deepWorkload()
		snapshot("heap", *out, true)
	default:
		fatalf("unknown mode %q", *mode)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "basic: "+format+"\n", args...)
	os.Exit(1)
}

// snapshot publishes the profile (two GCs) and writes PREFIX.pb.gz (and PREFIX.txt).
func snapshot(name, prefix string, text bool) {
	runtime.GC()
	runtime.GC()
	write := func(path string, debug int) {
		f, err := os.Create(path)
		if err != nil {
			fatalf("%v", err)
		}
		if err := pprof.Lookup(name).WriteTo(f, debug); err != nil {
			fatalf("%v", err)
		}
		if err := f.Close(); err != nil {
			fatalf("%v", err)
		}
	}
	write(prefix+".pb.gz", 0)
	if text {
		write(prefix+".txt", 1)
	}
}

// ---- mixed workload: a few kept and a few transient sites -------------------

type user struct {
	ID    int64
	Name  [40]byte
	Score float64
}

var (
	usersByID map[int64]*user
	scores    []float64
	blobs     [][]byte

	lastScratch []byte
)

//go:noinline
func loadUsers(n int) {
	usersByID = make(map[int64]*user)
	for i := 0; i < n; i++ {
		usersByID[int64(i)] = &user{ID: int64(i)}
	}
}

//go:noinline
func collectScores(n int) {
	for i := 0; i < n; i++ {
		scores = append(scores, float64(i))
	}
}

//go:noinline
func keepBlobs(n, size int) {
	for i := 0; i < n; i++ {
		blobs = append(blobs, make([]byte, size))
	}
}

//go:noinline
func scratch(n int) int64 {
	var s int64
	for i := 0; i < n; i++ {
		b := make([]byte, 4096)
		lastScratch = b // escapes: heap-allocated, garbage at the next iteration
		b[i%4096] = byte(i)
		sink += int64(b[0])
		s += int64(len(b))
	}
	return s
}

func mixedWorkload(small bool) {
	scale := 1
	if small {
		scale = 50 // every allocation is recorded: keep the profile small
	}
	loadUsers(100000 / scale)
	collectScores(500000 / scale)
	keepBlobs(200/scale+1, 64<<10)
	sink += scratch(5000 / scale)
}

// ---- inlined allocations ----------------------------------------------------

type point struct{ X, Y, Z int64 }

type segment struct{ A, B *point }

var shapes []*segment

// newPoint and newSegment are small enough to be inlined, so the allocation
// in newPoint is reported as newPoint <- newSegment <- buildShapes inside a
// single Location with several Line entries.
func newPoint(i int) *point { return &point{X: int64(i), Y: 1, Z: 2} }

func newSegment(i int) *segment { return &segment{A: newPoint(i), B: newPoint(i + 1)} }

//go:noinline
func buildShapes(n int) {
	for i := 0; i < n; i++ {
		shapes = append(shapes, newSegment(i))
	}
}

// ---- deep and recursive stacks ---------------------------------------------

var deepKeep [][]byte

//go:noinline
func leafAlloc() {
	deepKeep = append(deepKeep, make([]byte, 1<<20))
}

// walkTree recurses depth times (direct recursion) before allocating.
//
//go:noinline
func walkTree(depth int) {
	if depth == 0 {
		leafAlloc()
		return
	}
	walkTree(depth - 1)
	sink++
}

// evalExpr / evalTerm recurse into each other (mutual recursion).
//
//go:noinline
func evalExpr(depth int) {
	if depth == 0 {
		leafAlloc()
		return
	}
	evalTerm(depth - 1)
	sink++
}

//go:noinline
func evalTerm(depth int) {
	if depth == 0 {
		leafAlloc()
		return
	}
	evalExpr(depth - 1)
	sink++
}

//go:noinline
func shallow() { walkTree(3) }

//go:noinline
func deep40() { walkTree(40) }

//go:noinline
func deep200() { walkTree(200) }

//go:noinline
func mutual50() { evalExpr(50) }

func deepWorkload() {
	for i := 0; i < 20; i++ {
		shallow()
		deep40()
		deep200()
		mutual50()
	}
}
