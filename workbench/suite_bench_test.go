package workbench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/history"
)

// BenchmarkRunSuite is one step of bench/run-vs-newman.sh's run, in
// process: a SigV4-signed GET to the emulator with its status asserted,
// kept in a history as `sigscope run` keeps it. With -cpuprofile it says
// where a run's time goes.
func BenchmarkRunSuite(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := emulator.Start(ctx, emulator.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	keys := map[string]string{
		"SIGSCOPE_DEMO_ACCESS_KEY_ID":     srv.Config.Credentials[0].AccessKeyID,
		"SIGSCOPE_DEMO_SECRET_ACCESS_KEY": srv.Config.Credentials[0].SecretAccessKey,
	}
	wb, err := Open(filepath.Join("..", "bench", "testdata", "run-bench.yaml"), Options{Trusted: true,
		Vars: map[string]string{"emulator": srv.URL},
		Env:  Env{LookupEnv: func(n string) (string, bool) { v, ok := keys[n]; return v, ok }, CacheDir: b.TempDir(), UserAgent: "sigscope/bench"}})
	if err != nil {
		b.Fatal(err)
	}
	store, err := history.Open(filepath.Join(b.TempDir(), "history.db"), history.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	wb.Env.History = store
	run := Run{Source: history.RunPrefix + "bench", SpoolDir: b.TempDir()}
	b.ResetTimer()
	res, err := wb.RunSuite(ctx, SuiteOptions{Repeat: b.N, Run: run}, func(s StepResult) {
		if s.Outcome != nil && s.Outcome.Result != nil {
			s.Outcome.Result.Close()
		}
	})
	if err != nil || res.Passed != b.N {
		b.Fatalf("%v: %s", err, res.Counts())
	}
}
