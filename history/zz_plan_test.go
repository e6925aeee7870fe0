package history

import (
	"fmt"
	"os"
	"testing"
)

func BenchmarkZZPlans(b *testing.B) {
	s := benchStore(b, Options{})
	for _, f := range []Filter{{}, {Request: "get-42"}, {Collection: "Collection 2", Request: "pets/get-42"}, {Status: "4xx"}, {Status: "403"}, {Status: "error"}, {Status: "mismatch"}, {Text: "lorem"}, {Text: "lorem", Status: "error"}, {Since: baseTime.Add(99000 * 1e9)}} {
		q, _ := s.query(f)
		from, args := q.sql()
		rows, err := s.db.Query(`EXPLAIN QUERY PLAN SELECT `+summaryColumns+from+q.order()+` LIMIT 100`, args...)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "%+v\n", f)
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			fmt.Fprintf(os.Stderr, "   %s\n", detail)
		}
		rows.Close()
	}
}
