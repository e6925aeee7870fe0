package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/importer"
	"github.com/sigscope/sigscope/internal/atomicfile"
	"github.com/sigscope/sigscope/internal/termsafe"
)

// maxImportInput bounds what import reads from standard input, as the
// importer bounds files.
const maxImportInput = 64 << 20

func newImportCmd() *cobra.Command {
	var output, merge, format string
	var envs []string
	var force bool
	cmd := &cobra.Command{
		Use:   "import SOURCE [-o collection.yaml] [--merge INTO] [--format FORMAT] [--env ENV.json]...",
		Short: "Turn curl command lines, OpenAPI/Swagger (API Gateway exports), Postman, Insomnia or Bruno exports, or an Amplify configuration into a collection",
		Long: `import reads requests written for other tools and writes a sigscope
collection: curl command lines (as browsers and docs write them, never run),
OpenAPI 3 and Swagger 2 documents (API Gateway exports with their IAM,
Cognito, API key and JWT authorizers), Postman collections and environments,
Insomnia exports, Bruno collections (a folder) and Amplify configurations
(amplify_outputs.json, aws-exports.js, amplifyconfiguration.json: the
Cognito setup and the REST APIs, the .js read as data, never run). SOURCE is a file, a
folder, or - for standard input; the format is detected unless --format
says it. A Postman collection's environments are separate files: give each
with --env, and each becomes an environment of the collection.

The collection is printed, or written to -o FILE (refused when FILE exists,
unless --force), or added to an existing collection with --merge INTO (in a
folder of its own, the file's comments kept; written back to INTO, or to -o).
Secrets are never written: keys, tokens, passwords and cookies become
environment variables the collection declares, and AWS keys a static profile
reading them. What could not be imported (scripts, tests, other auth types)
is listed on standard error and kept as comments in the YAML.

Exit codes: 0 imported, 1 the source cannot be read or imported, 2 usage error.`,
		Example: `  sigscope import api-export.json -o api.yaml
  pbpaste | sigscope import - -o pets.yaml
  sigscope import openapi.yaml --merge pets.yaml
  sigscope import pets.postman_collection.json --env prod.postman_environment.json -o pets.yaml
  sigscope import my-bruno-collection/ --format bruno
  sigscope import amplify_outputs.json -o app.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "" {
				if _, err := importer.Lookup(format); err != nil {
					return withCode(ExitUsage, fmt.Errorf("--format: %w", err))
				}
			}
			if len(envs) > 0 && format != "" && format != "postman" {
				return withCode(ExitUsage, fmt.Errorf("--env names Postman environment files, and --format is %s: leave --env out, or import the Postman collection", format))
			}
			target := output
			if target == "" && merge != "" {
				target = merge
			}
			if output != "" && !force && output != merge {
				if _, err := os.Lstat(output); err == nil {
					return fmt.Errorf("%s exists: choose another file, add to it with --merge %s, or replace it with --force", output, output)
				} else if !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("check %s: %w", output, err)
				}
			}
			var c *importer.Collection
			var err error
			if len(envs) > 0 {
				c, err = importPostmanWithEnvs(cmd.InOrStdin(), args[0], format, envs)
			} else {
				c, err = importSource(cmd.InOrStdin(), args[0], format)
			}
			if err != nil {
				return err
			}
			var data []byte
			if merge != "" {
				into, err := os.ReadFile(merge)
				if err != nil {
					return fmt.Errorf("merge into %s: %w", merge, err)
				}
				data, err = importer.Merge(into, merge, c)
				if err != nil {
					return err
				}
			} else {
				data, err = c.YAML()
				if err != nil {
					return err
				}
			}
			if target == "" {
				if _, err := io.WriteString(cmd.OutOrStdout(), termsafe.Text(string(data))); err != nil {
					return err
				}
			} else {
				perm := os.FileMode(0o644)
				if st, err := os.Stat(target); err == nil && merge == target {
					perm = st.Mode().Perm()
				}
				if err := atomicfile.Write(target, data, perm); err != nil {
					return fmt.Errorf("write %s: %w", target, err)
				}
			}
			writeImportReport(cmd.ErrOrStderr(), c, target)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "", "write the collection to this file instead of standard output")
	f.StringVar(&merge, "merge", "", "add the imported requests, environments and profiles to this collection file")
	f.StringVar(&format, "format", "", "the source's format: "+strings.Join(importer.Formats(), ", ")+" (default: detected)")
	f.BoolVar(&force, "force", false, "replace the -o file when it exists")
	f.StringArrayVar(&envs, "env", nil, "a Postman environment file imported with a Postman collection (repeatable)")
	return cmd
}

// importSource reads SOURCE: a file, a folder, or "-" for standard input.
func importSource(stdin io.Reader, source, format string) (*importer.Collection, error) {
	if source != "-" {
		return importer.ImportPath(source, format)
	}
	data, err := readBounded(stdin, "standard input")
	if err != nil {
		return nil, err
	}
	return importer.Import(data, "-", format)
}

// importPostmanWithEnvs imports a Postman collection (a file or "-")
// with the environment files named by --env; any other format is a usage
// error, since only Postman keeps environments in files of their own.
func importPostmanWithEnvs(stdin io.Reader, source, format string, envs []string) (*importer.Collection, error) {
	name := source
	var data []byte
	var err error
	if source == "-" {
		name = "standard input"
		data, err = readBounded(stdin, name)
	} else {
		if st, serr := os.Stat(source); serr == nil && st.IsDir() {
			return nil, withCode(ExitUsage, fmt.Errorf("--env names Postman environment files, and %s is a folder: leave --env out, or name the Postman collection file", source))
		}
		data, err = readImportFile(source)
	}
	if err != nil {
		return nil, err
	}
	if format == "" {
		im, err := importer.Detect(data, source)
		if err != nil {
			return nil, err
		}
		if im.Name() != "postman" {
			return nil, withCode(ExitUsage, fmt.Errorf("--env names Postman environment files, and %s is %s: leave --env out", name, im.Name()))
		}
	}
	envData := make([][]byte, len(envs))
	for i, e := range envs {
		if envData[i], err = readImportFile(e); err != nil {
			return nil, fmt.Errorf("--env: %w", err)
		}
	}
	c, err := importer.ImportPostman(data, envData...)
	if err != nil {
		var ee *importer.EnvironmentError
		if errors.As(err, &ee) && ee.N >= 1 && ee.N <= len(envs) {
			return nil, fmt.Errorf("--env %s: %w", envs[ee.N-1], ee.Err)
		}
		return nil, fmt.Errorf("import %s as postman: %w", name, err)
	}
	c.Report.Source = source
	return c, nil
}

// readImportFile reads one file of an import, refusing folders and files
// larger than an export can be.
func readImportFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("import %s: a folder: name the Postman export file", path)
	}
	return readBounded(f, path)
}

func readBounded(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportInput+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxImportInput {
		return nil, fmt.Errorf("%s: more than %d MiB, more than an export can be", name, maxImportInput>>20)
	}
	return data, nil
}

// writeImportReport tells what was imported and what was not, on standard
// error: the source's text is quoted there, so it goes through termsafe.
func writeImportReport(w io.Writer, c *importer.Collection, target string) {
	var b strings.Builder
	r := c.Report
	src := r.Source
	if src == "-" {
		src = "standard input"
	}
	fmt.Fprintf(&b, "imported %d request(s) from %s (%s)", r.Imported, src, r.Format)
	if target != "" {
		fmt.Fprintf(&b, " into %s", target)
	}
	b.WriteString("\n")
	if len(r.Findings) > 0 {
		fmt.Fprintf(&b, "%d note(s), not imported or imported by a guess:\n", len(r.Findings))
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "  - %s: %s\n", f.Where, f.What)
		}
	}
	if len(c.Variables) > 0 {
		fmt.Fprintf(&b, "the collection reads these environment variables: %s\n", strings.Join(c.Variables, ", "))
	}
	_, _ = io.WriteString(w, termsafe.Text(b.String()))
}
