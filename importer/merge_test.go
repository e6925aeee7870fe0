package importer

import (
	"os"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// commentLines returns the comment lines of a YAML text, trimmed.
func commentLines(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "#") {
			out = append(out, t)
		}
	}
	return out
}

func TestMergeKeepsTheFileAndAddsTheImport(t *testing.T) {
	for _, file := range []string{"../examples/collections/api-gateway-template.yaml", "../examples/collections/s3.yaml", "../collections/testdata/commented.yaml"} {
		t.Run(file, func(t *testing.T) {
			into, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			before, err := collections.LoadBytes(file, into)
			if err != nil {
				t.Fatal(err)
			}
			c := sample()
			c.Environment("dev").Set("base_url", "https://dev.example.com")
			c.AddProfile(Profile{Name: "user", Type: "aws"})
			out, err := Merge(into, file, c)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			after, err := collections.LoadBytes(file, out)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range commentLines(into) {
				if !strings.Contains(string(out), l) {
					t.Errorf("comment lost: %s", l)
				}
			}
			if !strings.HasPrefix(string(out), strings.SplitN(string(into), "requests:", 2)[0][:40]) {
				t.Errorf("the head of the file changed")
			}
			if got, want := len(after.Requests()), len(before.Requests())+c.Requests(); got != want {
				t.Errorf("%d requests after the merge, want %d", got, want)
			}
			if _, err := after.RequestSpec("Pets/Create"); err != nil {
				t.Errorf("imported request missing: %v", err)
			}
			for _, f := range c.Report.Findings {
				if strings.Contains(f.What, "re-encoded") {
					t.Errorf("%s was re-encoded whole instead of edited in place", file)
				}
			}
			envs := strings.Join(after.Environments(), ",")
			if strings.Contains(envs, "dev") && !strings.Contains(envs, "dev-2") && strings.Contains(string(into), "\n  dev:") {
				t.Errorf("clashing environment not renamed: %s", envs)
			}
			t.Logf("%s", out)
		})
	}
}

func TestMergeIntoFlowStyleReencodes(t *testing.T) {
	into := []byte("# top comment\nname: x\nvariables: [A]\nenvironments: {e: {base_url: http://h}}\nrequests: [{name: r, url: http://h/}] # trailing\n")
	c := sample()
	out, err := Merge(into, "x.yaml", c)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	col, err := collections.LoadBytes("x.yaml", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "# top comment") || len(col.Requests()) != 1+c.Requests() {
		t.Errorf("merge lost something:\n%s", out)
	}
	if !strings.Contains(strings.Join(col.Variables(), ","), "AUTHORIZATION") {
		t.Errorf("variables not merged: %v", col.Variables())
	}
}
