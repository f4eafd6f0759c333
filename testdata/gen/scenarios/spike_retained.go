package main

// spike_retained: a work queue slice grows to spikeLen elements during a burst
// early in phase 1, then is reused with queue = queue[:0]. Its capacity (and
// memory) stays at the spike's size for the rest of the run although it only
// ever holds steadyLen elements afterwards.

const (
	spikeLen  = 1000000
	steadyLen = 1000
)

// Task is a queued unit of work (24 bytes, no pointers).
type Task struct {
	ID       int64
	Priority int64
	Deadline int64
}

var workQueue []Task

var tasksQueued, queuePeak int64

//go:noinline
func enqueue(t Task) {
	workQueue = append(workQueue, t) // SITE spike_retained.queue
}

//go:noinline
func drainQueue() int64 {
	var s int64
	for _, t := range workQueue {
		s += t.Priority
	}
	workQueue = workQueue[:0]
	return s
}

func fillQueue(n int) {
	for i := 0; i < n; i++ {
		enqueue(Task{ID: tasksQueued, Priority: int64(i & 3)})
		tasksQueued++
	}
	if l := int64(len(workQueue)); l > queuePeak {
		queuePeak = l
	}
}

func init() {
	register(&Scenario{
		Name:        "spike_retained",
		Description: "package-level []Task queue that grows to 1000000 elements in a burst during phase 1 and is then reused with q = q[:0] holding 1000 elements per phase: capacity stays at the spike",
		Phase: func(p int) {
			if p == 1 {
				fillQueue(spikeLen)
				sink += drainQueue()
			}
			fillQueue(steadyLen)
			sink += drainQueue()
			fillQueue(steadyLen)
		},
		Counts: func() map[string]Count {
			n := int64(len(workQueue))
			return map[string]Count{
				"spike_retained.queue": {Live: n, Cumulative: tasksQueued, Len: p64(n),
					Cap: p64(int64(cap(workQueue))), Peak: p64(queuePeak)},
			}
		},
		Sites: []Site{
			{ID: "spike_retained.queue", Function: "main.enqueue", Kind: "slice", Shape: "growth-chain",
				Owner: "main.enqueue", Holder: "package var workQueue []Task (capacity of the spike kept by q = q[:0])",
				Verdict: "retained", VerdictAlso: []string{"stable"}, Unit: "elements", Sizes: sliceSizes[Task](),
				Detail: "all allocation happens in phase 1 (growth chain to >= 1000000 elements, ~24-30 MB array); live = len (1000 at every snapshot), peak = 1000000; the backing array is sized for the peak"},
		},
	})
}
