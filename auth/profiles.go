package auth

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ProfileNames lists the profiles of the shared config and credentials
// files, for shell completion. Unreadable files give no names.
func ProfileNames() []string {
	home, _ := os.UserHomeDir()
	files := map[string]bool{ // file -> whether sections are "profile NAME"
		envOr("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config")):                  true,
		envOr("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials")): false,
	}
	seen := map[string]bool{}
	for path, prefixed := range files {
		for _, n := range sectionNames(path) {
			if prefixed {
				if n != "default" {
					var ok bool
					if n, ok = strings.CutPrefix(n, "profile "); !ok {
						continue // sso-session and services sections
					}
				}
			}
			seen[strings.TrimSpace(n)] = true
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func sectionNames(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			names = append(names, strings.TrimSpace(line[1:len(line)-1]))
		}
	}
	return names
}
