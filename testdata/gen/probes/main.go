// Command probes prints facts about the Go runtime it was built with, for the
// unit tests of heapdoc's C model of the Go runtime. regen.sh runs it under
// each toolchain and stores the output as testdata/gomodel/<goversion>.txt.
// The output format is documented in the header the program prints (see
// header below).
package main

import (
	"bytes"
	"container/list"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

const header = `# heapdoc gomodel: facts observed by running testdata/gen/probes (do not edit; see testdata/gen/regen.sh)
#
# All allocation sizes are the sizes the allocator really used (size-class or
# page rounded, including a malloc header where there is one), observed with
# runtime.MemProfileRate = 1 and automatic GC off (debug.SetGCPercent(-1)), both set
# first thing in main, by:
#   memprofile: runtime.GC() then runtime.MemProfile; difference of AllocObjects per
#               (stack, size) record, restricted to records whose first frame outside
#               runtime.* / internal/* is the probe function (bytes.* / strings.* for
#               bufgrow) and that have no GC-assist/scheduler frames (a GC assist can
#               allocate e.g. a 112-byte sudog on the user's stack); gives the
#               individual object sizes of one operation
#   memstats:   runtime.ReadMemStats (TotalAlloc, Mallocs) after every operation, used
#               only to detect which map inserts allocated (then measured by memprofile)
#   append:     cap() of the slice that append returned
# Pointer-free objects smaller than 16 bytes come from the tiny allocator: one is
# recorded (as a 16-byte block) only when it starts a new block, so e.g. the first
# growth of a []byte or []int64 shows 16 bytes.
# Lines (fields are space separated; "key=value" fields; lists after ": "):
#   goversion <runtime.Version()>          goarch <GOARCH>
#   sizeof <type>=<unsafe.Sizeof> ...      sizes of types reachable from user code
#   slicecaps elem=E ptr=P type=T: c0 c1 c2 ...
#        cap() after each growth when appending one element at a time to a nil
#        slice that escapes to the heap, up to >= 1e6 elements (c0 = 0, the nil slice)
#   slicebytes elem=E ptr=P type=T: b1 b2 ...
#        bytes allocated by each growth (memprofile), aligned with c1 c2 ... (b_i belongs to c_i)
#   slicecaps_local elem=E ptr=P type=T: ...
#        same for a slice that does not escape (Go 1.25+: first appends use a 32-byte
#        stack buffer, so the first heap capacity differs; bytes 0 = stack)
#   slicebytes_local ...                   bytes for slicecaps_local
#   sizeclass noscan method=append: lo-hi:size ...
#        roundupsize(n, noscan=true) for n = 1..32768, as cap(append([]byte(nil), make([]byte, n)...)):
#        every request size n in [lo,hi] becomes size
#   sizeclass scan method=append: lo-hi:size ...
#        same for pointerful memory in 8-byte steps ([]*byte of n/8 elements):
#        size = usable bytes (cap*8); with malloc headers (1.22+) the slot is size+8 for size > 512
#   sizeclass noscan method=memprofile: lo-hi:size ...
#        make([]byte, n) for n = 16..32768 (n < 16 is tiny-allocated), recorded sizes
#   sizeclass scan method=memprofile: lo-hi:size ...
#        make([]*byte, n/8) for n = 8..32768 step 8, recorded sizes (full slot incl. header)
#   largealloc noscan request=N recorded=M          large objects (page rounding)
#   tiny request=8 count=C recorded_objects=O recorded_bytes=B
#        C escaping 8-byte pointer-free objects: only new 16-byte tiny blocks are recorded
#   mapgrow type=T impl=classic|swiss insert=N objs=K bytes=B sizes=s1,s2xR,...
#        one line per insert that allocated, inserting keys 0..n-1 (int keys i, string keys
#        "key-<i>", prebuilt) one at a time into a map made by make(map[K]V) (escaping);
#        insert=N is the 1-based number of the insert; objs, bytes and sizes from
#        memprofile (sxR = R objects of s bytes). Printed for inserts 1..64 and for
#        every insert that allocated an object larger than the first bucket/group
#        (array growth, swiss table split); other allocating inserts are summed in
#   mapgrow_other type=T impl=I events=E sizes=...
#        (classic overflow buckets and their bookkeeping, swiss directory growth alone)
#   mapgrow_summary type=T impl=I n=N total_objs=K total_bytes=B   (all inserts)
#        Map results depend on the random hash seed: the insert numbers of swiss splits and
#        the number of classic overflow buckets vary between runs; array sizes do not.
#   maphint type=T hint=H: objs=K bytes=B sizes=...
#        allocations of make(map[K]V, H) alone (H not a constant, map escapes)
#   bufgrow kind=bytes.Buffer|strings.Builder write=W total=T: caps=c1,c2,... bytes=b1,b2,...
#        Cap() after each growth while writing W bytes at a time up to T bytes, and the
#        bytes allocated by each growth (memprofile, first frame outside the runtime in package
#        bytes or strings); a zero-value Buffer/Builder
#`

var (
	pin     unsafe.Pointer
	keep    []byte
	keepPtr []*byte
	sinkMap any
)

func main() {
	runtime.MemProfileRate = 1
	// No automatic GC: GC assists and background work would otherwise add
	// allocations to the measured operations. Every profile read runs runtime.GC().
	debug.SetGCPercent(-1)
	out := os.Stdout
	fmt.Fprintln(out, header)
	fmt.Fprintf(out, "goversion %s\ngoarch %s\n", runtime.Version(), runtime.GOARCH)
	sizes(out)
	slices(out)
	sizeClasses(out)
	maps(out)
	buffers(out)
	if warnings > 0 {
		fmt.Fprintf(out, "# warning: %d growth events were not exactly one allocation\n", warnings)
		fmt.Fprintf(os.Stderr, "probes: %d growth events were not exactly one allocation\n", warnings)
	}
}

// ---- measurement helpers ---------------------------------------------------

func memstats() (objs, bytes uint64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs, ms.TotalAlloc
}

func profile() []runtime.MemProfileRecord {
	n, _ := runtime.MemProfile(nil, true)
	for {
		p := make([]runtime.MemProfileRecord, n+64)
		m, ok := runtime.MemProfile(p, true)
		if ok {
			return p[:m]
		}
		n = m
	}
}

type recKey struct {
	stk  [32]uintptr
	size int64
}

var stackHas = map[[32]uintptr]map[string]bool{}

// noise lists runtime frames that mean the record is not the probed
// allocation but runtime work done on its behalf (GC assist, scheduling...).
var noise = []string{"runtime.gc", "runtime.deductAssistCredit", "runtime.semacquire",
	"runtime.acquireSudog", "runtime.newproc", "runtime.malg", "runtime.systemstack",
	"runtime.mcall", "runtime.schedule", "runtime.park", "runtime.morestack", "runtime.newstack"}

// hasFunc reports whether the first frame of stk outside the runtime
// (runtime.*, internal/*) starts with prefix, and no frame is runtime noise.
func hasFunc(stk [32]uintptr, prefix string) bool {
	c := stackHas[stk]
	if c == nil {
		c = map[string]bool{}
		stackHas[stk] = c
	}
	if v, ok := c[prefix]; ok {
		return v
	}
	v := false
	n := 0
	for n < len(stk) && stk[n] != 0 {
		n++
	}
	frames := runtime.CallersFrames(stk[:n])
	for {
		f, more := frames.Next()
		isNoise := false
		for _, p := range noise {
			if strings.HasPrefix(f.Function, p) {
				isNoise = true
			}
		}
		if isNoise {
			break
		}
		if !strings.HasPrefix(f.Function, "runtime.") && !strings.HasPrefix(f.Function, "internal/") {
			v = strings.HasPrefix(f.Function, prefix)
			break
		}
		if !more {
			break
		}
	}
	c[prefix] = v
	return v
}

// profState holds AllocObjects per record for records whose stack contains fn.
type profState map[recKey]int64

func snapProfile(fn string) profState {
	runtime.GC()
	st := profState{}
	for _, r := range profile() {
		if r.AllocObjects == 0 || !hasFunc(r.Stack0, fn) {
			continue
		}
		st[recKey{r.Stack0, r.AllocBytes / r.AllocObjects}] += r.AllocObjects
	}
	return st
}

// diffSizes returns size -> objects allocated between a and b.
func diffSizes(a, b profState) map[int64]int64 {
	d := map[int64]int64{}
	for k, v := range b {
		if n := v - a[k]; n > 0 {
			d[k.size] += n
		}
	}
	return d
}

func fmtSizes(d map[int64]int64) string {
	var ks []int64
	for k := range d {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	var parts []string
	for _, k := range ks {
		if d[k] == 1 {
			parts = append(parts, strconv.FormatInt(k, 10))
		} else {
			parts = append(parts, fmt.Sprintf("%dx%d", k, d[k]))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

func join[T any](xs []T) string {
	var b strings.Builder
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(&b, x)
	}
	return b.String()
}

// ---- sizeof ----------------------------------------------------------------

func sizes(out *os.File) {
	var (
		s   []byte
		str string
		e   any
		bb  bytes.Buffer
		sb  strings.Builder
		le  list.Element
		ll  list.List
		mu  sync.Mutex
		mp  map[int]int
		ch  chan int
		mpr runtime.MemProfileRecord
	)
	fmt.Fprintf(out, "sizeof slice=%d string=%d interface=%d map=%d chan=%d pointer=%d int=%d\n",
		unsafe.Sizeof(s), unsafe.Sizeof(str), unsafe.Sizeof(e), unsafe.Sizeof(mp), unsafe.Sizeof(ch),
		unsafe.Sizeof(&s), unsafe.Sizeof(0))
	fmt.Fprintf(out, "sizeof bytes.Buffer=%d strings.Builder=%d list.Element=%d list.List=%d sync.Mutex=%d runtime.MemProfileRecord=%d\n",
		unsafe.Sizeof(bb), unsafe.Sizeof(sb), unsafe.Sizeof(le), unsafe.Sizeof(ll), unsafe.Sizeof(mu), unsafe.Sizeof(mpr))
}

// ---- slices ----------------------------------------------------------------

const sliceMax = 1000000

//go:noinline
func growEscaping[T any](max int) (caps []int, bytes []int64) {
	caps = make([]int, 1, 256)
	bytes = make([]int64, 0, 256)
	var s []T
	var zero T
	prof := snapProfile("main.growEscaping")
	for len(s) < max {
		oc := cap(s)
		s = append(s, zero)
		if cap(s) != oc {
			pin = unsafe.Pointer(unsafe.SliceData(s))
			var b int64
			prof, b = event("main.growEscaping", prof)
			caps = append(caps, cap(s))
			bytes = append(bytes, b)
		}
	}
	pin = nil
	return caps, bytes
}

//go:noinline
func growLocal[T any](max int) (caps []int, bytes []int64) {
	caps = make([]int, 1, 256)
	bytes = make([]int64, 0, 256)
	var s []T
	var zero T
	prof := snapProfile("main.growLocal")
	for len(s) < max {
		oc := cap(s)
		s = append(s, zero)
		if cap(s) != oc {
			var b int64
			prof, b = event("main.growLocal", prof)
			caps = append(caps, cap(s))
			bytes = append(bytes, b)
		}
	}
	return caps, bytes
}

// event returns the new profile state and the bytes of the single object
// allocated since prof (0 if none; a warning if more than one).
func event(fn string, prof profState) (profState, int64) {
	np := snapProfile(fn)
	var objs, byts int64
	for k, v := range diffSizes(prof, np) {
		objs += v
		byts += k * v
	}
	if objs > 1 {
		warnings++
		fmt.Fprintf(os.Stderr, "probes: %s: growth event with %d objects\n", fn, objs)
	}
	return np, byts
}

// warnings counts growth events that were not exactly one allocation.
var warnings int

type (
	p16 struct {
		p *byte
		a [8]byte
	}
	p24 struct {
		p *byte
		a [16]byte
	}
	p32 struct {
		p *byte
		a [24]byte
	}
	p48 struct {
		p *byte
		a [40]byte
	}
	p64 struct {
		p *byte
		a [56]byte
	}
	p104 struct {
		p *byte
		a [96]byte
	}
)

func sliceLine[T any](out *os.File, ptr int, name string) {
	var z T
	c, b := growEscaping[T](sliceMax)
	runtime.GC()
	fmt.Fprintf(out, "slicecaps elem=%d ptr=%d type=%s: %s\n", unsafe.Sizeof(z), ptr, name, join(c))
	fmt.Fprintf(out, "slicebytes elem=%d ptr=%d type=%s: %s\n", unsafe.Sizeof(z), ptr, name, join(b))
}

func slices(out *os.File) {
	sliceLine[[1]byte](out, 0, "[1]byte")
	sliceLine[[8]byte](out, 0, "[8]byte")
	sliceLine[[16]byte](out, 0, "[16]byte")
	sliceLine[[24]byte](out, 0, "[24]byte")
	sliceLine[[32]byte](out, 0, "[32]byte")
	sliceLine[[48]byte](out, 0, "[48]byte")
	sliceLine[[64]byte](out, 0, "[64]byte")
	sliceLine[[100]byte](out, 0, "[100]byte")
	sliceLine[*byte](out, 1, "*byte")
	sliceLine[string](out, 1, "string")
	sliceLine[p16](out, 1, "struct{p *byte;a [8]byte}")
	sliceLine[[]byte](out, 1, "[]byte")
	sliceLine[p24](out, 1, "struct{p *byte;a [16]byte}")
	sliceLine[p32](out, 1, "struct{p *byte;a [24]byte}")
	sliceLine[p48](out, 1, "struct{p *byte;a [40]byte}")
	sliceLine[p64](out, 1, "struct{p *byte;a [56]byte}")
	sliceLine[p104](out, 1, "struct{p *byte;a [96]byte}")
	for _, f := range []func(){
		func() {
			c, b := growLocal[int64](5000)
			fmt.Fprintf(out, "slicecaps_local elem=8 ptr=0 type=int64: %s\nslicebytes_local elem=8 ptr=0 type=int64: %s\n", join(c), join(b))
		},
		func() {
			c, b := growLocal[*byte](5000)
			fmt.Fprintf(out, "slicecaps_local elem=8 ptr=1 type=*byte: %s\nslicebytes_local elem=8 ptr=1 type=*byte: %s\n", join(c), join(b))
		},
	} {
		f()
	}
}

// ---- size classes ----------------------------------------------------------

func intervals(req []int, got []int64) string {
	var parts []string
	lo := 0
	for i := range req {
		if i == len(req)-1 || got[i+1] != got[i] {
			parts = append(parts, fmt.Sprintf("%d-%d:%d", req[lo], req[i], got[i]))
			lo = i + 1
		}
	}
	return strings.Join(parts, " ")
}

//go:noinline
func allocNoscan(n int) { keep = make([]byte, n) }

//go:noinline
func allocScan(n int) { keepPtr = make([]*byte, n) }

//go:noinline
func allocTiny() { pin = unsafe.Pointer(new(int64)) }

// recordedSizes runs f(i) for each request, then returns the recorded size per
// request, assuming sizes are monotone in the request (records are merged per size).
func recordedSizes(fn string, reqs []int, f func(int)) []int64 {
	before := snapProfile(fn)
	for _, r := range reqs {
		f(r)
	}
	d := diffSizes(before, snapProfile(fn))
	var ks []int64
	for k := range d {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	got := make([]int64, 0, len(reqs))
	for _, k := range ks {
		for j := int64(0); j < d[k]; j++ {
			got = append(got, k)
		}
	}
	if len(got) != len(reqs) {
		fmt.Fprintf(os.Stderr, "probes: %s: %d records for %d requests\n", fn, len(got), len(reqs))
		for len(got) < len(reqs) {
			got = append(got, -1)
		}
	}
	return got[:len(reqs)]
}

func sizeClasses(out *os.File) {
	var req []int
	var got []int64
	for n := 1; n <= 32768; n++ {
		keep = append([]byte(nil), make([]byte, n)...)
		req = append(req, n)
		got = append(got, int64(cap(keep)))
	}
	fmt.Fprintf(out, "sizeclass noscan method=append: %s\n", intervals(req, got))
	req, got = req[:0], got[:0]
	for n := 1; n <= 4096; n++ {
		keepPtr = append([]*byte(nil), make([]*byte, n)...)
		req = append(req, n*8)
		got = append(got, int64(cap(keepPtr)*8))
	}
	fmt.Fprintf(out, "sizeclass scan method=append: %s\n", intervals(req, got))

	req = req[:0]
	for n := 16; n <= 32768; n++ {
		req = append(req, n)
	}
	got = recordedSizes("main.allocNoscan", req, allocNoscan)
	fmt.Fprintf(out, "sizeclass noscan method=memprofile: %s\n", intervals(req, got))
	req = req[:0]
	for n := 8; n <= 32768; n += 8 {
		req = append(req, n)
	}
	got = recordedSizes("main.allocScan", req, func(n int) { allocScan(n / 8) })
	fmt.Fprintf(out, "sizeclass scan method=memprofile: %s\n", intervals(req, got))

	for _, n := range []int{32769, 40000, 40961, 65536, 65537, 100000, 1 << 20, 1<<20 + 1} {
		g := recordedSizes("main.allocNoscan", []int{n}, allocNoscan)
		fmt.Fprintf(out, "largealloc noscan request=%d recorded=%d\n", n, g[0])
	}
	keep = nil
	keepPtr = nil

	before := snapProfile("main.allocTiny")
	for i := 0; i < 1000; i++ {
		allocTiny()
	}
	d := diffSizes(before, snapProfile("main.allocTiny"))
	var objs, byts int64
	for k, v := range d {
		objs += v
		byts += k * v
	}
	fmt.Fprintf(out, "tiny request=8 count=1000 recorded_objects=%d recorded_bytes=%d\n", objs, byts)
}

// ---- maps ------------------------------------------------------------------

var mapImpl = "swiss"

//go:noinline
func insertI64(m map[int64]int64, k int64) { m[k] = k }

//go:noinline
func insertStr(m map[string]int, k string) { m[k] = len(k) }

//go:noinline
func insertBig(m map[int64][64]byte, k int64) { m[k] = [64]byte{1} }

//go:noinline
func makeI64(h int) { sinkMap = make(map[int64]int64, h) }

//go:noinline
func makeStr(h int) { sinkMap = make(map[string]int, h) }

//go:noinline
func makeBig(h int) { sinkMap = make(map[int64][64]byte, h) }

const mapN = 100000

// mapGrowth inserts 0..n-1 one at a time and reports each insert that
// allocated: a mapgrow line for the first 64 inserts and for every insert
// that allocated an object larger than the map's first bucket/group (array
// growth, swiss table splits); the other allocations (classic overflow
// buckets and their bookkeeping, swiss directory growth alone) are summed
// into one mapgrow_other line.
func mapGrowth(out *os.File, typ, fn string, n int, insert func(i int)) {
	var totObjs, totBytes uint64
	var first int64
	other := map[int64]int64{}
	otherEvents := 0
	prof := snapProfile(fn)
	o0, b0 := memstats()
	for i := 0; i < n; i++ {
		insert(i)
		o1, b1 := memstats()
		if o1 != o0 || b1 != b0 {
			np := snapProfile(fn)
			d := diffSizes(prof, np)
			prof = np
			var objs, byts uint64
			var maxSize int64
			for k, v := range d {
				objs += uint64(v)
				byts += uint64(k * v)
				maxSize = max(maxSize, k)
			}
			if objs != o1-o0 || byts != b1-b0 {
				fmt.Fprintf(os.Stderr, "probes: %s insert %d: memstats objs=%d bytes=%d, profile objs=%d bytes=%d\n",
					typ, i+1, o1-o0, b1-b0, objs, byts)
			}
			if first == 0 {
				first = maxSize
			}
			switch {
			case objs == 0:
			case i < 64 || maxSize > first:
				fmt.Fprintf(out, "mapgrow type=%s impl=%s insert=%d objs=%d bytes=%d sizes=%s\n",
					typ, mapImpl, i+1, objs, byts, fmtSizes(d))
			default:
				otherEvents++
				for k, v := range d {
					other[k] += v
				}
			}
			totObjs += objs
			totBytes += byts
			o1, b1 = memstats()
		}
		o0, b0 = o1, b1
	}
	fmt.Fprintf(out, "mapgrow_other type=%s impl=%s events=%d sizes=%s\n", typ, mapImpl, otherEvents, fmtSizes(other))
	fmt.Fprintf(out, "mapgrow_summary type=%s impl=%s n=%d total_objs=%d total_bytes=%d\n", typ, mapImpl, n, totObjs, totBytes)
}

func mapHints(out *os.File, typ, fn string, mk func(int)) {
	for _, h := range []int{0, 8, 9, 13, 14, 26, 27, 100, 1000, 100000} {
		prof := snapProfile(fn)
		o0, b0 := memstats()
		mk(h)
		o1, b1 := memstats()
		d := diffSizes(prof, snapProfile(fn))
		var objs, byts uint64
		for k, v := range d {
			objs += uint64(v)
			byts += uint64(k * v)
		}
		if objs != o1-o0 || byts != b1-b0 {
			warnings++
			fmt.Fprintf(out, "# warning: hint %d: memstats objs=%d bytes=%d\n", h, o1-o0, b1-b0)
		}
		fmt.Fprintf(out, "maphint type=%s impl=%s hint=%d: objs=%d bytes=%d sizes=%s\n", typ, mapImpl, h, objs, byts, fmtSizes(d))
		sinkMap = nil
	}
}

func maps(out *os.File) {
	if isClassic() {
		mapImpl = "classic"
	}
	{
		m := make(map[int64]int64)
		sinkMap = m
		mapGrowth(out, "map[int64]int64", "main.insertI64", mapN, func(i int) { insertI64(m, int64(i)) })
	}
	{
		keys := make([]string, mapN)
		for i := range keys {
			keys[i] = "key-" + strconv.Itoa(i)
		}
		m := make(map[string]int)
		sinkMap = m
		mapGrowth(out, "map[string]int", "main.insertStr", mapN, func(i int) { insertStr(m, keys[i]) })
	}
	{
		m := make(map[int64][64]byte)
		sinkMap = m
		mapGrowth(out, "map[int64][64]byte", "main.insertBig", mapN, func(i int) { insertBig(m, int64(i)) })
	}
	sinkMap = nil
	mapHints(out, "map[int64]int64", "main.makeI64", makeI64)
	mapHints(out, "map[string]int", "main.makeStr", makeStr)
	mapHints(out, "map[int64][64]byte", "main.makeBig", makeBig)
}

// isClassic tells the map implementation from the first allocation of a
// map[int64]int64: a classic bucket is 144 bytes, a swiss group 136 (class 144)
// -- equal, so use a 9-entry hint instead: classic 2 buckets = 288 B in one
// object, swiss = table struct + 2 groups + directory (several objects).
func isClassic() bool {
	prof := snapProfile("main.makeI64")
	makeI64(9)
	d := diffSizes(prof, snapProfile("main.makeI64"))
	sinkMap = nil
	n := int64(0)
	for _, v := range d {
		n += v
	}
	return n <= 2 // hmap + bucket array
}

// ---- buffers ---------------------------------------------------------------

type grower interface {
	Cap() int
	Len() int
}

func bufLine(out *os.File, kind string, w, total int, write func([]byte), g grower) {
	chunk := bytes.Repeat([]byte{'x'}, w)
	caps := make([]int, 0, 256)
	byts := make([]int64, 0, 256)
	fn := strings.SplitN(kind, ".", 2)[0] + "."
	prof := snapProfile(fn)
	for g.Len() < total {
		oc := g.Cap()
		write(chunk)
		if g.Cap() != oc {
			var b int64
			prof, b = event(fn, prof)
			caps = append(caps, g.Cap())
			byts = append(byts, b)
		}
	}
	fmt.Fprintf(out, "bufgrow kind=%s write=%d total=%d: caps=%s bytes=%s\n", kind, w, total,
		strings.ReplaceAll(join(caps), " ", ","), strings.ReplaceAll(join(byts), " ", ","))
}

var (
	gBuf bytes.Buffer
	gSB  strings.Builder
)

func buffers(out *os.File) {
	for _, w := range []int{1, 100} {
		gBuf = bytes.Buffer{}
		bufLine(out, "bytes.Buffer", w, 1<<20, func(p []byte) { gBuf.Write(p) }, &gBuf)
		gSB = strings.Builder{}
		bufLine(out, "strings.Builder", w, 1<<20, func(p []byte) { gSB.Write(p) }, &gSB)
	}
}
