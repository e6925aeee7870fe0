package workbench

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestReplayExactRebuildsTheSameBytes: an entry replayed --exact is sent
// byte for byte as it was (rebuilt, since the history keeps no secret)
// while its signature is valid; later, or once the request changed, it is
// refused with the reason; a plain replay signs afresh.
func TestReplayExactRebuildsTheSameBytes(t *testing.T) {
	wb, _ := demoBench(t)
	mem := &memHistory{}
	wb.Env.History = mem
	login(t, wb)
	ctx := context.Background()
	o := wb.Send(ctx, "teaching/Awkward path", Run{Timeout: 10 * time.Second})
	o.Close()
	if o.Err != nil || o.Result.Response == nil || o.Result.Response.Status != 200 {
		t.Fatalf("send: %v %+v", o.Err, o.Result)
	}
	first := mem.entries[0]

	again := wb.Replay(ctx, first, true, Run{Timeout: 10 * time.Second})
	again.Close()
	if again.Err != nil || again.Result.Response.Status != 200 {
		t.Fatalf("replay --exact: %v", again.Err)
	}
	if got, want := string(again.Result.Wire), string(o.Result.Wire); got != want {
		t.Errorf("replay --exact sent other bytes:\n%s\nwant\n%s", got, want)
	}
	if e := mem.entries[len(mem.entries)-1]; e.Source != "replay" || e.Signing.Signature != first.Signing.Signature {
		t.Errorf("replayed entry: source %q signature %s, first %s", e.Source, e.Signing.Signature, first.Signing.Signature)
	}

	late := time.Now().Add(20 * time.Minute)
	wb.Env.Now = func() time.Time { return late }
	if r := wb.Replay(ctx, first, true, Run{}); r.Err == nil || !strings.Contains(r.Err.Error(), "15m0s") {
		t.Errorf("expired replay --exact: %v", r.Err)
	}
	wb.Env.Now = nil

	changed := *first
	changed.RequestWireHead = strings.Replace(first.RequestWireHead, "Accept: application/json", "Accept: text/plain", 1)
	if r := wb.Replay(ctx, &changed, true, Run{}); r.Err == nil || !strings.Contains(r.Err.Error(), "headers differ") {
		t.Errorf("changed replay --exact: %v", r.Err)
	}
	fresh := wb.Replay(ctx, first, false, Run{Timeout: 10 * time.Second})
	fresh.Close()
	if fresh.Err != nil || fresh.Result.Response.Status != 200 {
		t.Fatalf("replay: %v", fresh.Err)
	}
}
