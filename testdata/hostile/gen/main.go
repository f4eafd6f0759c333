// Command gen writes the small crafted inputs of testdata/hostile/ that
// heapdoc's hostile-input tests (tests/cli/hostile*.sh) feed to every
// command: malformed, lying or oversized profiles that must be refused with
// one clean error line, and valid profiles whose names are hostile (escape
// sequences, HTML, shell syntax, paths) that must come out escaped.  Inputs
// too large to commit (decompression bombs, 10-million-frame stacks) are made
// at test time by tests/cli/hostile_limits.sh with shell tools instead.
// Standard library only; deterministic (same bytes on every run).
//
//	cd testdata/hostile/gen && go run . ..
package main

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
)

type pb struct{ bytes.Buffer }

func (b *pb) varint(x uint64) {
	for x >= 0x80 {
		b.WriteByte(byte(x) | 0x80)
		x >>= 7
	}
	b.WriteByte(byte(x))
}
func (b *pb) key(field, wire int)       { b.varint(uint64(field)<<3 | uint64(wire)) }
func (b *pb) u(field int, x uint64)     { b.key(field, 0); b.varint(x) }
func (b *pb) bytes(field int, x []byte) { b.key(field, 2); b.varint(uint64(len(x))); b.Write(x) }
func (b *pb) msg(field int, f func(m *pb)) {
	var m pb
	f(&m)
	b.bytes(field, m.Bytes())
}
func (b *pb) packed(field int, xs ...uint64) {
	var m pb
	for _, x := range xs {
		m.varint(x)
	}
	b.bytes(field, m.Bytes())
}

// profile builds a small Go-runtime-style heap profile whose function names
// are `names` (one location and function per name, a stack per name).
func profile(names []string, extra func(b *pb)) []byte {
	var b pb
	strs := []string{""}
	idx := map[string]uint64{"": 0}
	s := func(x string) uint64 {
		if i, ok := idx[x]; ok {
			return i
		}
		idx[x] = uint64(len(strs))
		strs = append(strs, x)
		return idx[x]
	}
	vt := func(field int, t, u string) {
		b.msg(field, func(m *pb) { m.u(1, s(t)); m.u(2, s(u)) })
	}
	vt(11, "space", "bytes")
	b.u(12, 524288)
	vt(1, "alloc_objects", "count")
	vt(1, "alloc_space", "bytes")
	vt(1, "inuse_objects", "count")
	vt(1, "inuse_space", "bytes")
	for i, n := range names {
		id := uint64(i + 1)
		b.msg(4, func(m *pb) {
			m.u(1, id)
			m.u(3, 0x401000+id*16)
			m.msg(4, func(l *pb) { l.u(1, id); l.u(2, uint64(10+i)) })
			m.u(2, 1)
		})
		b.msg(5, func(m *pb) {
			m.u(1, id)
			m.u(2, s(n))
			m.u(3, s(n))
			m.u(4, s("/src/"+n+".go"))
			m.u(5, 1)
		})
	}
	for i := range names {
		// stack: this function, called by the next one, called by the first
		locs := []uint64{uint64(i + 1)}
		if i+1 < len(names) {
			locs = append(locs, uint64(i+2))
		}
		if i != 0 {
			locs = append(locs, 1)
		}
		size := uint64(64 << uint(i%6))
		b.msg(2, func(m *pb) {
			m.packed(2, 3, 3*size*2, 1, size*2)
			m.packed(1, locs...)
			m.msg(3, func(l *pb) { l.u(1, s("bytes")); l.u(3, size*2) })
		})
	}
	if extra != nil {
		extra(&b)
	}
	b.u(9, 1764000000000000000)
	b.msg(3, func(m *pb) {
		m.u(1, 1)
		m.u(2, 0x400000)
		m.u(3, 0x800000)
		m.u(5, s("/usr/local/bin/app"))
		m.u(7, 1)
	})
	for _, x := range strs {
		b.bytes(6, []byte(x))
	}
	return b.Bytes()
}

func gz(data []byte) []byte {
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	w.Write(data)
	w.Close()
	return out.Bytes()
}

func main() {
	dir := ".."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	files := map[string][]byte{}
	small := profile([]string{"main.main", "main.handle", "main.alloc"}, nil)
	files["small.pb"] = small
	files["small.pb.gz"] = gz(small)
	files["empty.pb.gz"] = nil
	files["html-404.pb.gz"] = []byte("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n" +
		"<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n")
	files["html-login.pb"] = []byte("<html>\r\n<body onload=\"document.forms[0].submit()\"><form action=\"/login\"></form></body></html>\r\n")
	files["text-garbage.pb"] = []byte("this is not a profile\x00\x01\x02 but it has bytes\n")

	// A string table entry declaring 4 GiB that is not there.
	files["gigastring-declared.pb"] = func() []byte {
		var b pb
		b.bytes(6, nil)
		b.key(6, 2)
		b.varint(4 << 30)
		b.WriteString("abc")
		return b.Bytes()
	}()
	// A sample declaring a billion packed values / location ids.
	files["billion-values-declared.pb"] = func() []byte {
		var b pb
		b.key(2, 2)
		b.varint(1_000_000_010)
		b.key(2, 2)
		b.varint(1_000_000_000)
		b.WriteString("\x01\x01\x01")
		return b.Bytes()
	}()
	// A gzip trailer announcing a billion bytes (ISIZE) for a tiny body.
	files["isize-lies.pb.gz"] = func() []byte {
		g := gz(small)
		n := len(g)
		g[n-4], g[n-3], g[n-2], g[n-1] = 0x00, 0xca, 0x9a, 0x3b // 1e9
		return g
	}()
	// 200,000 nested groups (wire type 3), and 30,000 nested
	// length-delimited messages in an unknown field: a decoder that recurses
	// on input depth overflows its stack.
	files["deep-groups.pb.gz"] = gz(bytes.Repeat([]byte{0x0b}, 200000))
	files["deep-nesting.pb.gz"] = func() []byte {
		inner := []byte{}
		for i := 0; i < 30000; i++ {
			var b pb
			b.bytes(99, inner)
			inner = b.Bytes()
		}
		return gz(profile([]string{"main.main"}, func(b *pb) { b.Write(inner) }))
	}()
	files["varint-overflow.pb"] = []byte{0x60, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}
	files["zero-id.pb"] = func() []byte {
		var b pb
		b.msg(4, func(m *pb) { m.u(1, 0) })
		b.bytes(6, nil)
		return b.Bytes()
	}()
	files["concatenated.pb"] = append(append([]byte{}, small...), small...)
	files["truncated.pb.gz"] = func() []byte { g := gz(small); return g[:len(g)/2] }()
	files["trailing-garbage.pb.gz"] = append(gz(small), []byte("GARBAGE")...)
	// Legacy text: a header and a record declaring a billion objects, and
	// a record line of 1 MB of stack addresses.
	files["billion-objects.txt"] = []byte("heap profile: 1000000000: 1099511627776 [1000000000: 1099511627776] @ heap/1048576\n" +
		"1000000000: 1099511627776 [1000000000: 1099511627776] @ 0x401010 0x401020\n" +
		"#\t0x40100f\tmain.alloc+0xf\t/src/main.go:10\n#\t0x40101f\tmain.main+0x1f\t/src/main.go:20\n")
	files["legacy-bad-record.txt"] = []byte("heap profile: 1: 2 [3: 4] @ heap/1048576\n1: 2 [3: 4] @ 0xzz\n")

	// Valid profiles whose names are hostile: they must be printed escaped,
	// never run, never used as paths.
	hostile := []string{
		"main.\x1b[31mRED\x1b[0m\x1b]0;pwned\x07",
		"main.<script>alert(1)</script>",
		"main.\"quoted\"&amp;'single'",
		"../../../../tmp/heapdoc-escape",
		"$(touch /tmp/heapdoc-pwned)`touch /tmp/heapdoc-pwned`;rm -rf x",
		"main.new\nline\rcarriage\ttab\x00nul",
		"main.bad\xff\xfeutf8\xc3",
		"main.semi;colon frame]]>",
		"main.long" + strings.Repeat("x", 5000),
	}
	names := profile(hostile, nil)
	files["hostile-names.pb.gz"] = gz(names)
	var text strings.Builder
	text.WriteString("heap profile: 2: 128 [4: 256] @ heap/1048576\n")
	text.WriteString("1: 64 [2: 128] @ 0x401010 0x401020\n")
	text.WriteString("#\t0x40100f\tmain.\x1b[31mRED\x1b[0m+0xf\t/src/<b>x</b>.go:10\n")
	text.WriteString("#\t0x40101f\tmain.<script>alert(1)</script>+0x1f\t/src/main.go:20\n\n")
	text.WriteString("1: 64 [2: 128] @ 0x401030\n")
	text.WriteString("#\t0x40102f\t$(touch /tmp/heapdoc-pwned)+0xf\t../../etc/passwd:1\n")
	files["hostile-names.txt"] = []byte(text.String())

	// Pieces of a single-member gzip bomb, assembled at test time by
	// tests/cli/hostile_limits.sh: head, bombChunks copies of a
	// sync-flushed (byte-aligned, non-final) deflate run of 16 MiB of zeros,
	// then a final empty block and a trailer - honest (ISIZE = the real size
	// mod 2^32) or lying (ISIZE 1000).  1.1 GiB of output from 1.1 MB.
	const chunkBytes, bombChunks = 16 << 20, 70
	var chunk bytes.Buffer
	fw, _ := flate.NewWriter(&chunk, flate.BestCompression)
	fw.Write(make([]byte, chunkBytes))
	fw.Flush()
	files["bomb/head.bin"] = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}
	files["bomb/zeros-16MiB.deflate"] = chunk.Bytes()
	crc := crc32.NewIEEE()
	zeros := make([]byte, chunkBytes)
	for i := 0; i < bombChunks; i++ {
		crc.Write(zeros)
	}
	tail := func(isize uint32) []byte {
		t := []byte{0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.LittleEndian.PutUint32(t[2:], crc.Sum32())
		binary.LittleEndian.PutUint32(t[6:], isize)
		return t
	}
	files["bomb/tail-honest.bin"] = tail(uint32(uint64(chunkBytes) * bombChunks))
	files["bomb/tail-lying.bin"] = tail(1000)

	os.MkdirAll(filepath.Join(dir, "bomb"), 0o755)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}
