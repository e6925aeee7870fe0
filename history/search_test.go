package history

import (
	"context"
	"testing"
)

func TestSearch(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	zebra := sampleEntry(1)
	zebra.ResponseBody = Body{Data: []byte(`{"animal":"quick zebra","café":"crème"}`)}
	zebraID := mustAdd(t, s, zebra)
	canon := sampleEntry(2)
	canon.Signing.CanonicalRequest = "GET\n/prod/giraffes\n\nhost:example\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n\nhost;x-amz-content-sha256\nUNSIGNED-PAYLOAD"
	canonID := mustAdd(t, s, canon)
	url := sampleEntry(3)
	url.URL = "https://127.0.0.1:8443/prod/okapis/77?limit=10"
	urlID := mustAdd(t, s, url)
	failed := sampleEntry(4)
	failed.Status, failed.Error, failed.Diagnosis = 0, "dial tcp: connection refused", "the emulator is not running"
	failedID := mustAdd(t, s, failed)

	find := map[string][]int64{
		"zebra":                  {zebraID},
		"QUICK zebra":            {zebraID},
		"creme":                  {zebraID}, // diacritics folded
		"unsigned-payload":       {canonID},
		"x-amz-content-sha256":   {canonID},
		"okapis":                 {urlID},
		"okap":                   {urlID}, // a word matches the start of a longer one
		"prod/okapis/77":         {urlID},
		"connection refused":     {failedID},
		"emulator not running":   {failedID},
		"zebra okapis":           nil, // every word must appear
		"-zebra":                 {zebraID},
		"zebra*":                 {zebraID},
		`"zebra`:                 {zebraID},
		"NEAR(quick zebra)":      nil, // "near" is a word here, and no entry holds it
		"(zebra)":                {zebraID},
		"zebra OR okapis":        nil, // OR is a word too
		"animal: zebra":          {zebraID},
		"url:okapis":             nil, // no column filters: "url okapis" as a phrase
		"^zebra":                 {zebraID},
		`"" " * - ( ) : ^ { } +`: nil,
		"AND":                    nil,
		"{url body}: zebra":      nil,
	}
	for text, want := range find {
		list, err := s.List(ctx, Filter{Text: text})
		if err != nil {
			t.Errorf("search %q: %v", text, err)
			continue
		}
		n, err := s.Count(ctx, Filter{Text: text})
		if err != nil || n != len(list) {
			t.Errorf("search %q: Count %d (%v), List %d", text, n, err, len(list))
		}
		var got []int64
		for _, sm := range list {
			got = append(got, sm.ID)
		}
		if len(got) != len(want) || (len(want) > 0 && got[0] != want[0]) {
			t.Errorf("search %q found %v, want %v", text, got, want)
		}
	}
	// Text combines with the other filters.
	if list, err := s.List(ctx, Filter{Text: "pets", Status: "error"}); err != nil || len(list) != 1 || list[0].ID != failedID {
		t.Errorf("text and status: %v, %v", list, err)
	}
}

func TestFTSQueryQuotesEverything(t *testing.T) {
	cases := map[string]string{
		"zebra":            `"zebra"*`,
		`say "hi"`:         `"say"* """hi"""*`,
		"NEAR(a b)":        `"NEAR(a"* "b)"*`,
		"-x * ( )":         `"-x"*`,
		"  ":               "",
		"col:val":          `"col:val"*`,
		"x-amz-date AND y": `"x-amz-date"* "AND"* "y"*`,
	}
	for in, want := range cases {
		if got := ftsQuery(in); got != want {
			t.Errorf("ftsQuery(%q) = %s, want %s", in, got, want)
		}
	}
}
