package main

// prealloc_slice: batches are allocated with make([]Record, 0, batchCap) and
// filled up to exactly batchCap (no growth chain). A fixed ring of batchRingLen
// batches is kept; every phase replaces all of them, so in-use is flat while
// alloc grows.

const (
	batchCap     = 8192
	batchRingLen = 48
)

// Record is one row of a batch (64 bytes, no pointers).
type Record struct {
	Key                 uint64
	A, B, C, D, E, F, G int64
}

var batchRing [batchRingLen][]Record

var batchesMade int64

//go:noinline
func newBatch(seq int64) []Record {
	b := make([]Record, 0, batchCap) // SITE prealloc_slice.batch
	for i := 0; i < batchCap; i++ {
		b = append(b, Record{Key: uint64(seq)<<20 | uint64(i), A: int64(i)})
	}
	return b
}

func init() {
	register(&Scenario{
		Name:        "prealloc_slice",
		Description: "ring of 48 batches, each make([]Record, 0, 8192) (64-byte records, 512 KiB) filled without growth; every phase replaces all 48",
		Phase: func(p int) {
			for i := range batchRing {
				batchRing[i] = newBatch(int64(p*batchRingLen + i))
				batchesMade++
			}
		},
		Counts: func() map[string]Count {
			var n int64
			for _, b := range batchRing {
				n += int64(len(b))
			}
			return map[string]Count{
				"prealloc_slice.batch": {Live: n, Cumulative: batchesMade * batchCap,
					Len: p64(batchCap), Cap: p64(int64(cap(batchRing[0]))), Objects: p64(batchRingLen)},
			}
		},
		Sites: []Site{
			{ID: "prealloc_slice.batch", Function: "main.newBatch", Kind: "slice", Shape: "preallocated",
				Owner: "main.newBatch", Holder: "package var batchRing [48][]Record",
				Verdict: "stable", VerdictAlso: []string{"retained"}, Unit: "elements", Sizes: sliceSizes[Record](),
				Detail: "each backing array is exactly 8192*64 = 524288 bytes (a page multiple, large object); len/cap are per batch, live = elements over all kept batches"},
		},
	})
}
