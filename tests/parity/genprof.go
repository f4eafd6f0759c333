// genprof writes random but valid profile.proto files for the parity test
// tests/parity/parity_random.sh: profiles built to reach the corners of
// pprof's report semantics that real heap profiles rarely show - functions
// inlined in some locations and not in others (partial-inline), recursion,
// locations without lines, nameless functions, several files and start
// lines per name, zero and negative values, numeric labels with and
// without units, string labels, drop_frames/keep_frames, comments, times.
// Go standard library only (the encoder is hand-written, like pprof's).
//
// Usage: genprof SEED OUT.pb [BASE.pb]
// With BASE.pb, also writes a second profile over the same functions and
// locations (for -base/-diff_base runs).
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand"
	"os"
	"strconv"
)

type enc struct{ b []byte }

func (e *enc) varint(v uint64) {
	for v >= 0x80 {
		e.b = append(e.b, byte(v)|0x80)
		v >>= 7
	}
	e.b = append(e.b, byte(v))
}
func (e *enc) tag(field, wt int) { e.varint(uint64(field<<3 | wt)) }
func (e *enc) uint(field int, v uint64) {
	if v != 0 {
		e.tag(field, 0)
		e.varint(v)
	}
}
func (e *enc) int(field int, v int64) { e.uint(field, uint64(v)) }
func (e *enc) bytes(field int, b []byte) {
	e.tag(field, 2)
	e.varint(uint64(len(b)))
	e.b = append(e.b, b...)
}
func (e *enc) msg(field int, f func(*enc)) {
	var m enc
	f(&m)
	e.bytes(field, m.b)
}
func (e *enc) packed(field int, vs []uint64) {
	var m enc
	for _, v := range vs {
		m.varint(v)
	}
	e.bytes(field, m.b)
}

type strtab struct {
	list []string
	idx  map[string]int64
}

func (s *strtab) id(x string) int64 {
	if s.idx == nil {
		s.idx = map[string]int64{"": 0}
		s.list = []string{""}
	}
	if i, ok := s.idx[x]; ok {
		return i
	}
	s.idx[x] = int64(len(s.list))
	s.list = append(s.list, x)
	return s.idx[x]
}

type function struct {
	name, file string
	start      int64
}
type line struct {
	fn   int // 1-based function id, 0 = none
	line int64
	col  int64
}
type location struct {
	mapping int
	addr    uint64
	lines   []line
}
type label struct {
	key, str string
	num      int64
	unit     string
}
type sample struct {
	locs   []uint64
	values []int64
	labels []label
}

var names = []string{
	"main.main", "main.handle", "main.load", "main.(*Cache).Put", "main.(*Cache).grow",
	"main.newPoint", "main.newSegment", "main.walk", "main.eval", "main.term",
	"bytes.(*Buffer).grow", "bytes.growSlice", "strings.(*Builder).WriteString",
	"encoding/json.Unmarshal", "net/http.(*conn).serve", "runtime.mallocgc",
	"runtime.newobject", "runtime.makeslice", "runtime.growslice", "sync.(*Pool).Get",
	"github.com/x/y/v2.(*T).Do", "github.com/x/y/v2.helper", "main.init.func1", "",
}
var files = []string{"/src/app/main.go", "/src/app/cache.go", "/usr/lib/go/src/bytes/buffer.go",
	"/usr/lib/go/src/runtime/malloc.go", "/proc/self/cwd/./app/x.go", "/src/app/../app/y.go", ""}

func gen(r *rand.Rand, base bool, fns []function, locs []location) []byte {
	var st strtab
	st.id("")
	types := [][2]string{{"alloc_objects", "count"}, {"alloc_space", "bytes"},
		{"inuse_objects", "count"}, {"inuse_space", "bytes"}}
	var samples []sample
	nsamples := 20 + r.Intn(120)
	if base {
		nsamples = 10 + r.Intn(60)
	}
	for i := 0; i < nsamples; i++ {
		var s sample
		depth := 1 + r.Intn(14)
		if r.Intn(15) == 0 {
			depth = 0
		}
		for d := 0; d < depth; d++ {
			if d > 0 && r.Intn(6) == 0 {
				s.locs = append(s.locs, s.locs[r.Intn(len(s.locs))]) // recursion
				continue
			}
			s.locs = append(s.locs, uint64(1+r.Intn(len(locs))))
		}
		objs := int64(r.Intn(50))
		size := objs * int64(8<<r.Intn(12))
		inuse := int64(0)
		if objs > 0 {
			inuse = int64(r.Intn(int(objs) + 1))
		}
		s.values = []int64{objs, size, inuse, inuse * (size / max(objs, 1))}
		if r.Intn(12) == 0 {
			s.values = []int64{0, 0, 0, 0}
		}
		if r.Intn(10) == 0 {
			for k := range s.values {
				s.values[k] = -s.values[k]
			}
		}
		if objs > 0 && r.Intn(3) != 0 {
			l := label{key: "bytes", num: size / objs}
			switch r.Intn(4) {
			case 0:
				l.unit = "bytes"
			case 1:
				l.key, l.unit = "request", ""
			}
			s.labels = append(s.labels, l)
		}
		if r.Intn(3) == 0 {
			s.labels = append(s.labels, label{key: "region", str: []string{"eu", "us", "ap"}[r.Intn(3)]})
		}
		if r.Intn(6) == 0 {
			s.labels = append(s.labels, label{key: "region", str: "global"})
		}
		samples = append(samples, s)
	}
	var e enc
	for _, t := range types {
		a, b := st.id(t[0]), st.id(t[1])
		e.msg(1, func(m *enc) { m.int(1, a); m.int(2, b) })
	}
	for _, s := range samples {
		e.msg(2, func(m *enc) {
			if len(s.locs) > 2 || r.Intn(2) == 0 {
				m.packed(1, s.locs)
			} else {
				for _, l := range s.locs {
					m.tag(1, 0)
					m.varint(l)
				}
			}
			vs := make([]uint64, len(s.values))
			for i, v := range s.values {
				vs[i] = uint64(v)
			}
			m.packed(2, vs)
			for _, l := range s.labels {
				k, sv, u := st.id(l.key), st.id(l.str), st.id(l.unit)
				m.msg(3, func(lm *enc) { lm.int(1, k); lm.int(2, sv); lm.int(3, l.num); lm.int(4, u) })
			}
		})
	}
	maps := []string{"/usr/bin/app", "/usr/lib/libc.so.6"}
	for i, mf := range maps {
		id := st.id(mf)
		e.msg(3, func(m *enc) {
			m.uint(1, uint64(i+1))
			m.uint(2, uint64(0x400000*(i+1)))
			m.uint(3, uint64(0x400000*(i+2)))
			m.int(5, id)
			m.uint(7, 1)
			m.uint(8, 1)
			m.uint(9, 1)
			m.uint(10, 1)
		})
	}
	for i, l := range locs {
		e.msg(4, func(m *enc) {
			m.uint(1, uint64(i+1))
			m.uint(2, uint64(l.mapping))
			m.uint(3, l.addr)
			for _, ln := range l.lines {
				m.msg(4, func(lm *enc) { lm.uint(1, uint64(ln.fn)); lm.int(2, ln.line); lm.int(3, ln.col) })
			}
		})
	}
	for i, f := range fns {
		n, fl := st.id(f.name), st.id(f.file)
		e.msg(5, func(m *enc) { m.uint(1, uint64(i+1)); m.int(2, n); m.int(3, n); m.int(4, fl); m.int(5, f.start) })
	}
	if !base {
		switch r.Intn(4) {
		case 0:
			e.int(7, st.id(`runtime\..*|main\.\(\*Cache\)\.grow`))
		case 1:
			e.int(7, st.id(`runtime\..*`))
			e.int(8, st.id(`runtime\.mallocgc`))
		case 2:
			e.int(7, st.id(`bytes\..*|(`)) // invalid: pprof ignores it
		}
		if r.Intn(2) == 0 {
			e.int(9, 1700000000000000000+r.Int63n(1e17))
		}
		if r.Intn(3) == 0 {
			e.int(10, 30000000000)
		}
		if r.Intn(3) == 0 {
			e.int(13, st.id("heapdoc parity seed"))
			e.int(13, st.id("# hidden comment"))
		}
		if r.Intn(3) == 0 {
			e.int(14, st.id("alloc_space"))
		}
	}
	e.msg(11, func(m *enc) { m.int(1, st.id("space")); m.int(2, st.id("bytes")) })
	e.int(12, 524288)
	for _, s := range st.list {
		e.bytes(6, []byte(s))
	}
	return e.b
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: genprof SEED OUT.pb [BASE.pb]")
		os.Exit(2)
	}
	seed, err := strconv.ParseInt(os.Args[1], 10, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad seed:", err)
		os.Exit(2)
	}
	r := rand.New(rand.NewSource(seed))
	var fns []function
	for i := 0; i < 8+r.Intn(16); i++ {
		fns = append(fns, function{names[r.Intn(len(names))], files[r.Intn(len(files))], int64(r.Intn(3) * 10)})
	}
	var locs []location
	for i := 0; i < 10+r.Intn(30); i++ {
		l := location{mapping: r.Intn(3), addr: uint64(0x400000 + r.Intn(0x10000))}
		n := 1 + r.Intn(3)
		if r.Intn(10) == 0 {
			n = 0
		}
		for k := 0; k < n; k++ {
			// Every line names a function: pprof refuses a line without
			// one ("has a line with nil function"), so such a profile
			// would only compare two empty reports.  Nameless functions
			// ("" among names) cover the corner instead.
			ln := line{fn: 1 + r.Intn(len(fns)), line: int64(1 + r.Intn(40))}
			if r.Intn(8) == 0 {
				ln.col = int64(1 + r.Intn(9))
			}
			l.lines = append(l.lines, ln)
		}
		locs = append(locs, l)
	}
	write := func(path string, data []byte) {
		if r.Intn(2) == 0 {
			var b bytes.Buffer
			w := gzip.NewWriter(&b)
			w.Write(data)
			w.Close()
			data = b.Bytes()
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	write(os.Args[2], gen(r, false, fns, locs))
	if len(os.Args) > 3 {
		write(os.Args[3], gen(r, true, fns, locs))
	}
}
