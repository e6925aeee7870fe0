package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// readDataRows reads --data: a CSV file whose first line names the
// variables, or a JSON array of objects of scalars.
func readDataRows(path string) ([]map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--data: %w", err)
	}
	// A spreadsheet's CSV export starts with a byte order mark: not part
	// of the first column's name.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		var raw []map[string]any
		if err := json.Unmarshal(t, &raw); err != nil {
			return nil, fmt.Errorf("--data %s: want a JSON array of objects: %w", path, err)
		}
		rows := make([]map[string]string, len(raw))
		for i, o := range raw {
			rows[i] = map[string]string{}
			for k, v := range o {
				switch x := v.(type) {
				case string:
					rows[i][k] = x
				case map[string]any, []any:
					return nil, fmt.Errorf("--data %s: row %d, %q: a value must be a string, number or boolean", path, i+1, k)
				default:
					b, _ := json.Marshal(x)
					rows[i][k] = string(b)
				}
			}
		}
		return rows, nil
	}
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", path, err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("--data %s: want a header line naming the variables and at least one row", path)
	}
	head := recs[0]
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range head {
			row[strings.TrimSpace(h)] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows, nil
}
