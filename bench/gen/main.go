// Command gen writes large, realistic Go heap profiles for heapdoc's
// benchmarks: one big profile (-o) or a series of snapshots of one simulated
// process (-series DIR).  It encodes profile.proto the way the Go runtime's
// runtime/pprof (proto.go, protomem.go) does - period_type space/bytes,
// period 524288, the four heap sample types, samples interleaved with the
// locations and functions they introduce, a numeric `bytes` label per
// sample, time_nanos and mappings after the samples and the string table
// last, gzip at BestSpeed - so that decoders meet the same field order and
// packing as on real files.  It is a benchmark input generator, not a
// simulator of any real program: stacks are random walks over a fixed call
// graph, deterministic for a given seed.  Standard library only; outputs go
// to bench/out/ (see bench/run.sh and docs/internals/performance.md).
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// Go runtime constants (runtime/pprof, runtime/msize.go).
const (
	memProfileRate = 524288 // runtime.MemProfileRate default
)

// A subset of Go's size classes (runtime/sizeclasses.go) plus large sizes.
var sizeClasses = []int64{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160,
	176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576,
	640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688,
	3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472,
	9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480,
	21760, 24576, 27264, 28672, 32768, 40960, 65536, 139264, 1048576}

type params struct {
	samples, locations, functions, depth int
	seed                                 uint64
	snapshot                             int // series index (values grow with it)
	timeNanos                            int64
}

// splitmix64: a tiny deterministic PRNG / hash.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

type rng struct{ s uint64 }

func (r *rng) next() uint64   { r.s = mix(r.s); return r.s }
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }
func (r *rng) geom(max int) int {
	k := 0
	for k < max-1 && r.next()&7 == 7 {
		k++
	}
	return k
}

// zipf-ish: small indices much more likely.
func (r *rng) skew(n int) int {
	u := float64(r.next()>>11) / float64(1<<53)
	return int(math.Pow(u, 3) * float64(n))
}

// ---- protobuf encoding, as runtime/pprof/protobuf.go ----

type pb struct{ data []byte }

func (b *pb) varint(x uint64) {
	for x >= 128 {
		b.data = append(b.data, byte(x)|0x80)
		x >>= 7
	}
	b.data = append(b.data, byte(x))
}
func (b *pb) uint64(tag int, x uint64) { b.varint(uint64(tag)<<3 | 0); b.varint(x) }
func (b *pb) uint64Opt(tag int, x uint64) {
	if x != 0 {
		b.uint64(tag, x)
	}
}
func (b *pb) int64Opt(tag int, x int64) {
	if x != 0 {
		b.uint64(tag, uint64(x))
	}
}
func (b *pb) bytesField(tag int, x []byte) {
	b.varint(uint64(tag)<<3 | 2)
	b.varint(uint64(len(x)))
	b.data = append(b.data, x...)
}

// uint64s packs when len > 2, like the runtime.
func (b *pb) uint64s(tag int, x []uint64) {
	if len(x) > 2 {
		var t pb
		for _, u := range x {
			t.varint(u)
		}
		b.bytesField(tag, t.data)
		return
	}
	for _, u := range x {
		b.uint64(tag, u)
	}
}

// message appends a nested message built by f.
func (b *pb) message(tag int, f func(m *pb)) {
	var m pb
	f(&m)
	b.bytesField(tag, m.data)
}

// ---- the simulated program ----

type world struct {
	p        params
	funcName []string
	funcFile []string
	funcLine []int64
	locFuncs [][]int // per location: function indices, innermost first
	locLines [][]int64
	leaves   int   // locations [0, leaves) are allocation sites
	segStart []int // segment i is locations [segStart[i], segStart[i+1])
}

var pkgs = []string{"net/http", "encoding/json", "bytes", "strings", "fmt",
	"bufio", "sync", "context", "database/sql", "google.golang.org/grpc",
	"github.com/acme/shop/internal/cart", "github.com/acme/shop/internal/cache",
	"github.com/acme/shop/internal/api", "github.com/acme/shop/pkg/store",
	"github.com/acme/shop/pkg/index", "main"}

func newWorld(p params) *world {
	w := &world{p: p}
	r := rng{s: p.seed ^ 0x5eed}
	for i := 0; i < p.functions; i++ {
		pkg := pkgs[r.intn(len(pkgs))]
		var name string
		switch r.intn(3) {
		case 0:
			name = fmt.Sprintf("%s.(*T%d).Method%d", pkg, i%97, i)
		case 1:
			name = fmt.Sprintf("%s.func%d", pkg, i)
		default:
			name = fmt.Sprintf("%s.handle%d.func1", pkg, i)
		}
		w.funcName = append(w.funcName, name)
		w.funcFile = append(w.funcFile, fmt.Sprintf("/src/%s/file%d.go", pkg, i%13))
		w.funcLine = append(w.funcLine, int64(10+r.intn(2000)))
	}
	w.locFuncs = make([][]int, p.locations)
	w.locLines = make([][]int64, p.locations)
	for i := 0; i < p.locations; i++ {
		n := 1
		if r.intn(100) < 15 { // some PCs expand to inlined frames
			n += 1 + r.intn(2)
		}
		for j := 0; j < n; j++ {
			f := r.intn(p.functions)
			w.locFuncs[i] = append(w.locFuncs[i], f)
			w.locLines[i] = append(w.locLines[i], w.funcLine[f]+int64(r.intn(200)))
		}
	}
	w.leaves = p.locations / 20
	if w.leaves < 1 {
		w.leaves = 1
	}
	// The other locations are cut into short call-chain segments (a
	// middleware chain, a library's internal calls); a stack is a chain of
	// segments, which gives the long shared runs real stacks have.
	for i := w.leaves; i < p.locations; i += 2 + r.intn(9) {
		w.segStart = append(w.segStart, i)
	}
	w.segStart = append(w.segStart, p.locations)
	return w
}

// stack returns sample k's stack (location indices, leaf first) and its
// block size; it depends only on (seed, k), so snapshots of a series share
// their samples.
func (w *world) stack(k int, out []int) ([]int, int64) {
	r := rng{s: mix(w.p.seed ^ uint64(k)*0x2545f4914f6cdd1d)}
	depth := w.p.depth/4 + r.intn(w.p.depth-w.p.depth/4+1)
	if depth < 1 {
		depth = 1
	}
	// Walk from a root segment down a fixed graph of segments: successor
	// j of segment s is hash(s, j), with small j far more likely, so
	// stacks share long prefixes and runs the way real ones do.
	nseg := len(w.segStart) - 1
	frames := out[:0]
	if nseg > 0 {
		roots := nseg/64 + 1
		seg := r.skew(roots)
		for len(frames) < depth-1 {
			for i := w.segStart[seg]; i < w.segStart[seg+1] && len(frames) < depth-1; i++ {
				frames = append(frames, i)
			}
			seg = int(mix(uint64(seg)*16+uint64(r.geom(16))) % uint64(nseg))
		}
	}
	leaf := r.skew(w.leaves)
	frames = append(frames, leaf)
	// reverse: leaf first
	for i, j := 0, len(frames)-1; i < j; i, j = i+1, j-1 {
		frames[i], frames[j] = frames[j], frames[i]
	}
	size := sizeClasses[mix(uint64(leaf)*31+uint64(r.intn(3)))%uint64(len(sizeClasses))]
	return frames, size
}

func scaleHeapSample(count, size, rate int64) (int64, int64) {
	if count == 0 || size == 0 {
		return 0, 0
	}
	if rate <= 1 {
		return count, size
	}
	avgSize := float64(size) / float64(count)
	scale := 1 / (1 - math.Exp(-avgSize/float64(rate)))
	return int64(float64(count) * scale), int64(float64(size) * scale)
}

// write encodes one profile.
func (w *world) write(out io.Writer, nsamples int, raw bool) error {
	var zw *gzip.Writer
	sink := out
	if !raw {
		var err error
		zw, err = gzip.NewWriterLevel(out, gzip.BestSpeed)
		if err != nil {
			return err
		}
		sink = zw
	}
	strs := map[string]int64{"": 0}
	var table []string
	table = append(table, "")
	str := func(s string) int64 {
		if i, ok := strs[s]; ok {
			return i
		}
		i := int64(len(table))
		strs[s] = i
		table = append(table, s)
		return i
	}
	var b pb
	flush := func() error {
		if len(b.data) > 4096 {
			if _, err := sink.Write(b.data); err != nil {
				return err
			}
			b.data = b.data[:0]
		}
		return nil
	}
	valueType := func(tag int, typ, unit string) {
		b.message(tag, func(m *pb) {
			m.uint64(1, uint64(str(typ)))
			m.uint64(2, uint64(str(unit)))
		})
	}
	valueType(11, "space", "bytes")
	b.int64Opt(12, memProfileRate)
	valueType(1, "alloc_objects", "count")
	valueType(1, "alloc_space", "bytes")
	valueType(1, "inuse_objects", "count")
	valueType(1, "inuse_space", "bytes")

	locID := make([]uint64, w.p.locations)
	funcID := make([]uint64, w.p.functions)
	var nloc, nfunc uint64
	const textStart = 0x400000
	var frames []int
	var locs []uint64
	snap := int64(w.p.snapshot)
	for k := 0; k < nsamples; k++ {
		var size int64
		frames, size = w.stack(k, frames)
		locs = locs[:0]
		for _, li := range frames {
			if locID[li] == 0 {
				nloc++
				locID[li] = nloc
				var newFuncs []int
				b.message(4, func(m *pb) {
					m.uint64Opt(1, nloc)
					m.uint64Opt(3, textStart+uint64(li)*24+5)
					for j, f := range w.locFuncs[li] {
						if funcID[f] == 0 {
							nfunc++
							funcID[f] = nfunc
							newFuncs = append(newFuncs, f)
						}
						m.message(4, func(l *pb) {
							l.uint64Opt(1, funcID[f])
							l.int64Opt(2, w.locLines[li][j])
						})
					}
					m.uint64Opt(2, 1)
				})
				for _, f := range newFuncs {
					b.message(5, func(m *pb) {
						m.uint64Opt(1, funcID[f])
						m.int64Opt(2, str(w.funcName[f]))
						m.int64Opt(3, str(w.funcName[f]))
						m.int64Opt(4, str(w.funcFile[f]))
						m.int64Opt(5, w.funcLine[f])
					})
				}
			}
			locs = append(locs, locID[li])
		}
		// Raw sampled counts: a few samples are all zero (buckets not yet
		// published by a GC, as in real files); values grow with the
		// snapshot index in a series.
		r := rng{s: mix(uint64(k)*977 + w.p.seed)}
		var allocObjs, inuseObjs int64
		if r.intn(100) >= 5 {
			allocObjs = 1 + int64(r.skew(400)) + snap*int64(r.intn(3))
			if size > 32768 {
				allocObjs = 1 + int64(r.intn(4)) + snap*int64(r.intn(2))
			}
			if r.intn(100) >= 40 { // many sites keep nothing live
				inuseObjs = allocObjs * int64(r.intn(101)) / 100
			}
		}
		ao, ab := scaleHeapSample(allocObjs, allocObjs*size, memProfileRate)
		io_, ib := scaleHeapSample(inuseObjs, inuseObjs*size, memProfileRate)
		b.message(2, func(m *pb) {
			vals := []uint64{uint64(ao), uint64(ab), uint64(io_), uint64(ib)}
			m.uint64s(2, vals)
			m.uint64s(1, locs)
			if allocObjs > 0 {
				m.message(3, func(l *pb) {
					l.int64Opt(1, str("bytes"))
					l.int64Opt(3, size)
				})
			}
		})
		if err := flush(); err != nil {
			return err
		}
	}
	b.int64Opt(9, w.p.timeNanos)
	b.message(3, func(m *pb) {
		m.uint64Opt(1, 1)
		m.uint64Opt(2, textStart)
		m.uint64Opt(3, textStart+uint64(w.p.locations)*24+4096)
		m.int64Opt(5, str("/usr/local/bin/shop-server"))
		m.int64Opt(6, str("9f1c0ffee0d15ea5e"))
		m.uint64(7, 1)
	})
	b.message(3, func(m *pb) {
		m.uint64Opt(1, 2)
		m.uint64Opt(2, 0x7ffd0000)
		m.uint64Opt(3, 0x7ffd2000)
		m.int64Opt(5, str("[vdso]"))
	})
	for _, s := range table {
		b.bytesField(6, []byte(s))
	}
	if _, err := sink.Write(b.data); err != nil {
		return err
	}
	if zw != nil {
		return zw.Close()
	}
	return nil
}

func writeFile(path string, w *world, n int, raw bool) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := w.write(bw, n, raw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func main() {
	var p params
	out := flag.String("o", "", "write one profile to this file")
	series := flag.String("series", "", "write -count snapshots into this directory")
	count := flag.Int("count", 100, "series: number of snapshots")
	growth := flag.Float64("growth", 0.002, "series: relative growth of the sample count per snapshot")
	raw := flag.Bool("raw", false, "write uncompressed profile.proto")
	seed := flag.Uint64("seed", 1, "seed (same seed, same bytes)")
	flag.IntVar(&p.samples, "samples", 1000000, "samples (distinct stacks) per profile")
	flag.IntVar(&p.locations, "locations", 200000, "locations (PCs) in the simulated program")
	flag.IntVar(&p.functions, "functions", 50000, "functions in the simulated program")
	flag.IntVar(&p.depth, "depth", 64, "maximum stack depth (frames); depths are spread over [depth/4, depth]")
	flag.Parse()
	p.seed = *seed
	if p.samples < 1 || p.locations < 1 || p.functions < 1 || p.depth < 1 || (*out == "") == (*series == "") {
		fmt.Fprintln(os.Stderr, "usage: gen (-o FILE | -series DIR [-count N]) [-samples N] [-locations N] [-functions N] [-depth N] [-seed N] [-raw]")
		os.Exit(2)
	}
	const t0 = int64(1764000000) * 1e9
	if *out != "" {
		p.timeNanos = t0
		if err := writeFile(*out, newWorld(p), p.samples, *raw); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		return
	}
	if err := os.MkdirAll(*series, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	w := newWorld(p)
	for i := 0; i < *count; i++ {
		w.p.snapshot = i
		w.p.timeNanos = t0 + int64(i)*30e9
		n := int(float64(p.samples) * (1 + *growth*float64(i)))
		name := filepath.Join(*series, fmt.Sprintf("snap-%05d.pb.gz", i))
		if *raw {
			name = filepath.Join(*series, fmt.Sprintf("snap-%05d.pb", i))
		}
		if err := writeFile(name, w, n, *raw); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}
