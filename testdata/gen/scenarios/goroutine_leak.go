package main

import "io"

// goroutine_leak: a connection handler goroutine per connection that never
// exits (it waits on a channel nobody closes), each holding a 64 KiB read
// buffer. The buffers' stack root is the goroutine, not main.

const (
	connsPerPhase = 400
	readBufSize   = 64 << 10
)

var (
	neverClosed = make(chan struct{})
	connStarted = make(chan struct{})
	connsOpen   int64
)

// fakeConn stands in for a net.Conn; reading through the io.Reader interface
// makes the buffer escape to the heap, as with a real connection.
type fakeConn struct{}

func (fakeConn) Read(p []byte) (int, error) {
	p[0] = 1
	return 1, nil
}

var connSource io.Reader = fakeConn{}

// serveConn allocates the per-connection read buffer and then blocks forever.
//
//go:noinline
func serveConn(id int64) {
	buf := make([]byte, readBufSize) // SITE goroutine_leak.readbuf
	if n, err := connSource.Read(buf); err == nil {
		sink += int64(n) + id
	}
	connStarted <- struct{}{}
	<-neverClosed
	sink += int64(buf[len(buf)-1]) + int64(buf[0])
}

func init() {
	register(&Scenario{
		Name:        "goroutine_leak",
		Description: "400 leaked connection goroutines per phase, each blocked forever holding a 64 KiB read buffer (make([]byte, 65536))",
		Phase: func(p int) {
			for i := 0; i < connsPerPhase; i++ {
				go serveConn(int64(p*connsPerPhase + i))
				<-connStarted
				connsOpen++
			}
		},
		Counts: func() map[string]Count {
			return map[string]Count{
				"goroutine_leak.readbuf": {Live: connsOpen, Cumulative: connsOpen},
			}
		},
		Sites: []Site{
			{ID: "goroutine_leak.readbuf", Function: "main.serveConn", Kind: "slice", Shape: "fixed",
				Owner: "main.serveConn", Holder: "stack of leaked goroutines started by go serveConn (root frame runtime.goexit)",
				Verdict: "growing", Unit: "objects", Sizes: Sizes{ElemSize: 1, ObjectSize: readBufSize},
				Detail: "one 65536-byte buffer per leaked goroutine (large object, page-rounded = 65536); live = goroutines alive"},
		},
	})
}
