// Command leakserver is heapdoc's live test subject: a small HTTP server with
// net/http/pprof that leaks memory at a known rate, for `heapdoc collect` and
// `heapdoc trend` tests and for `make demo-live`.  With -mode it instead plays
// a broken endpoint (slow, HTML 404, truncated gzip, endless body, redirect to
// another scheme, an HTML page with status 200, dying after N profiles) for collect's fault tests.
//
// It binds to 127.0.0.1 only, writes its base URL to -portfile once
// listening, and exits by itself after -deadline.  Standard library only.
//
// Heap sites, by design (see docs/internals/trend.md):
//
//	main.leak        retains -rate bytes per second in 64 KiB chunks (growing)
//	main.buildTable  one 8 MiB table allocated at start-up (stable)
//	main.churn       1 MiB buffers allocated and dropped (garbage; not growing)
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const chunkSize = 64 << 10

var (
	mu       sync.Mutex
	retained [][]byte
	table    []uint64
	sink     atomic.Value
)

// leak keeps one more chunk; the heap profile shows this line as the site.
func leak() {
	chunk := make([]byte, chunkSize)
	for i := range chunk {
		chunk[i] = byte(i)
	}
	mu.Lock()
	retained = append(retained, chunk)
	mu.Unlock()
}

// buildTable is the start-up allocation that never changes.
func buildTable() {
	table = make([]uint64, 1<<20)
	for i := range table {
		table[i] = uint64(i) * 2654435761
	}
}

// churn allocates garbage: each buffer is dropped at the next call.
func churn() {
	b := make([]byte, 1<<20)
	b[0] = 1
	sink.Store(b)
}

func leaker(rate int64, stop <-chan struct{}) {
	const tick = 50 * time.Millisecond
	perTick := float64(rate) * tick.Seconds() / chunkSize
	owed := 0.0
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		owed += perTick
		for ; owed >= 1; owed-- {
			leak()
		}
		churn()
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback only)")
	portfile := flag.String("portfile", "", "write the base URL here once listening")
	rate := flag.Int64("rate", 2<<20, "bytes leaked per second")
	deadline := flag.Duration("deadline", 60*time.Second, "exit after this long")
	mode := flag.String("mode", "normal", "normal|slow|html404|html200|truncgzip|endless|redirect|exitafter")
	exitAfter := flag.Int("exit-after", 3, "mode exitafter: exit after serving this many heap profiles")
	memRate := flag.Int("memprofilerate", 512*1024, "runtime.MemProfileRate")
	gcEvery := flag.Duration("gc-every", 0, "run runtime.GC at this interval (0 = never)")
	flag.Parse()

	runtime.MemProfileRate = *memRate
	if !strings.HasPrefix(*addr, "127.0.0.1:") {
		log.Fatalf("leakserver: refusing to listen on %q (loopback only)", *addr)
	}
	buildTable()
	retained = make([][]byte, 0, 1<<16)

	stop := make(chan struct{})
	go leaker(*rate, stop)
	if *gcEvery > 0 {
		go func() {
			for {
				time.Sleep(*gcEvery)
				runtime.GC()
			}
		}()
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("leakserver: %v", err)
	}
	base := "http://" + ln.Addr().String()

	var served atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	heap := pprof.Handler("heap")
	mux.HandleFunc("/debug/pprof/heap", func(w http.ResponseWriter, r *http.Request) {
		switch *mode {
		case "slow":
			time.Sleep(*deadline)
		case "html404":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n<body><h1>Not Found</h1><p>no such page</p></body></html>\n")
			return
		case "html200":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Login</title></head>\n<body>please sign in</body></html>\n")
			return
		case "truncgzip":
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			for i := 0; i < 4096; i++ {
				fmt.Fprintf(zw, "sample %d\n", i)
			}
			zw.Close()
			b := buf.Bytes()
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(b[:len(b)/2])
			return
		case "endless":
			w.Header().Set("Content-Type", "application/octet-stream")
			chunk := make([]byte, 64<<10)
			end := time.Now().Add(*deadline)
			for time.Now().Before(end) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			return
		case "redirect":
			http.Redirect(w, r, "ftp://127.0.0.1/heap", http.StatusFound)
			return
		case "exitafter":
			if served.Add(1) > int64(*exitAfter) {
				os.Exit(0)
			}
		}
		heap.ServeHTTP(w, r)
	})
	mux.Handle("/debug/pprof/allocs", pprof.Handler("allocs"))

	if *portfile != "" {
		tmp := *portfile + ".tmp"
		if err := os.WriteFile(tmp, []byte(base+"\n"), 0o644); err != nil {
			log.Fatalf("leakserver: %v", err)
		}
		if err := os.Rename(tmp, *portfile); err != nil {
			log.Fatalf("leakserver: %v", err)
		}
	}
	fmt.Println(base)
	time.AfterFunc(*deadline, func() { os.Exit(0) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.Serve(ln))
}
