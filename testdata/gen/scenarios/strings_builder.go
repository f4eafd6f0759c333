package main

import "strings"

// strings_builder: reports are built with strings.Builder (growth chain inside
// the builder) and the finished strings are kept in a package-level archive.

const (
	reportsPerPhase = 60
	linesPerReport  = 4000 // 50 bytes each: ~200 KB per report
)

var reportArchive []string

var reportBytes int64

// buildReport grows a strings.Builder line by line; String() shares the final
// backing array, so the last (largest) array of each chain stays live.
//
//go:noinline
func buildReport(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		sb.WriteString("2024-01-01T00:00:00Z service=api status=200 ok\n") // SITE strings_builder.report
	}
	return sb.String()
}

//go:noinline
func archiveReport(s string) {
	reportArchive = append(reportArchive, s)
}

func init() {
	register(&Scenario{
		Name:        "strings_builder",
		Description: "60 reports per phase built with strings.Builder (~200 KB each, no Grow) and kept forever in a package-level []string",
		Phase: func(p int) {
			for i := 0; i < reportsPerPhase; i++ {
				r := buildReport(linesPerReport)
				reportBytes += int64(len(r))
				archiveReport(r)
			}
		},
		Counts: func() map[string]Count {
			n := int64(len(reportArchive))
			return map[string]Count{
				"strings_builder.report": {Live: reportBytes, Cumulative: reportBytes, Objects: p64(n)},
			}
		},
		Sites: []Site{
			{ID: "strings_builder.report", Function: "main.buildReport",
				StdLeaf: []string{"strings.(*Builder).WriteString", "strings.(*Builder).grow"},
				Kind:    "string", Shape: "builder-growth-chain",
				Owner: "main.archiveReport", Holder: "package var reportArchive []string",
				Verdict: "growing", Unit: "bytes", Sizes: sliceSizes[byte](),
				Detail: "live = bytes of kept report strings (their backing arrays have cap >= len); objects = kept reports. Each report is a doubling-ish growslice chain; only the final array survives. The []string archive itself (archiveReport) is too small to be sampled reliably and is not a truth site"},
		},
	})
}
