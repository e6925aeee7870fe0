// Package emulator runs sigscope's local AWS emulator on loopback: Cognito
// user pools and identity pools (package emulator/cognito), an API
// Gateway REST API (package emulator/apigw) and a minimal path-style S3
// (package emulator/s3) behind one listener, configured by one YAML file.
//
// A request goes to Cognito when it names a Cognito X-Amz-Target (or a
// hosted-UI path), to S3 when its SigV4 credential scope names the service
// s3, and to API Gateway otherwise: so /prod/pets/photo.jpg signed for s3
// is the object pets/photo.jpg of bucket prod, and signed for execute-api
// the gateway's route. S3 shares the gateway's keys (static and Cognito
// identity-pool credentials) and region.
package emulator

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/emulator/apigw"
	"github.com/sigscope/sigscope/emulator/cognito"
	"github.com/sigscope/sigscope/internal/lazyre"
)

// Config is the emulator's whole configuration, one YAML file.
type Config struct {
	Region    string `yaml:"region"`
	AccountID string `yaml:"account_id,omitempty"`
	// Credentials are long-term IAM user keys the AWS_IAM authorizer accepts.
	Credentials []StaticCredential `yaml:"credentials,omitempty"`
	// Cognito's user_pools, identity_pools, token_lifetime and
	// credential_lifetime sit at the top level of the file.
	Cognito cognito.Config `yaml:",inline"`
	API     apigw.Config   `yaml:"api"`

	src     *source // where the config came from, for file:line errors
	builtin bool
}

// StaticCredential is an IAM user's access key.
type StaticCredential struct {
	AccessKeyID     string `yaml:"access_key_id"`
	SecretAccessKey string `yaml:"secret_access_key"`
	ARN             string `yaml:"arn,omitempty"` // arn:aws:iam::<account>:user/<name>
	// Policies are the user's identity policies for execute-api:Invoke.
	// Without the key the user may invoke every method (the API's
	// resource policy still applies); with it, only what they allow.
	Policies []apigw.PolicyDoc `yaml:"policies,omitempty"`
}

// Builtin reports whether this is DefaultConfig, whose keys and passwords
// are public demo values that may be printed.
func (c *Config) Builtin() bool { return c.builtin }

// source remembers a config file's parsed YAML, to point errors at lines.
type source struct {
	name string
	root *yaml.Node // the document's top mapping
}

//go:embed default.yaml
var defaultYAML []byte

// DefaultConfigYAML returns the text of the built-in demo configuration,
// a starting point for a config file of one's own.
func DefaultConfigYAML() []byte { return bytes.Clone(defaultYAML) }

// DefaultConfig returns the built-in demo configuration (emulator/default.yaml).
func DefaultConfig() *Config {
	cfg, err := ParseConfig("default.yaml", defaultYAML)
	if err != nil {
		// default.yaml is part of the program and tested; this is a build defect.
		panic("emulator: built-in default.yaml is invalid: " + err.Error())
	}
	cfg.builtin = true
	return cfg
}

// LoadConfig reads and checks a config file. Every error names file:line.
// The Cognito sections are checked in depth when the emulator starts (with
// file:line too), since that builds the user pools.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load emulator config: %w", err)
	}
	return ParseConfig(path, data)
}

var lineRE = lazyre.New(`^(?:yaml: )?line (\d+): `)

// ParseConfig is LoadConfig on bytes; name is used in error messages.
func ParseConfig(name string, data []byte) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(name, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s:1: the config is empty; start from `sigscope emulator --print-config`", name)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: the config must be a mapping (region:, credentials:, user_pools:, api: ...)", name, root.Line)
	}
	cfg := &Config{src: &source{name: name, root: root}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		return nil, yamlError(name, err)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// yamlError rewrites yaml.v3's "line N: ..." messages as "file:N: ...".
func yamlError(name string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	out := make([]string, len(msgs))
	for i, m := range msgs {
		if sm := lineRE.FindStringSubmatch(m); sm != nil {
			m = name + ":" + sm[1] + ": " + m[len(sm[0]):]
		} else {
			m = name + ": " + strings.TrimPrefix(m, "yaml: ")
		}
		out[i] = strings.Replace(m, "in type emulator.Config", "(see `sigscope emulator --print-config` for the format)", 1)
	}
	return errors.New(strings.Join(out, "\n"))
}

var (
	regionRE = lazyre.New(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	akidRE   = lazyre.New(`^[A-Z0-9]{16,128}$`)
	arnRE    = lazyre.New(`^arn:aws[a-z-]*:iam::(\d{12}):user/[\w+=,.@/-]+$`)
	acctRE   = lazyre.New(`^\d{12}$`)
)

// validate checks what the top package owns and the API section; each
// error is located in the file.
func (c *Config) validate() error {
	var errs []string
	add := func(path, format string, args ...any) {
		errs = append(errs, c.src.at(path)+fmt.Sprintf(format, args...))
	}
	switch {
	case c.Region == "":
		add("region", "region is missing (e.g. region: us-east-1)")
	case !regionRE.MatchString(c.Region):
		add("region", "region %q does not look like an AWS region (e.g. us-east-1)", c.Region)
	}
	if c.AccountID != "" && !acctRE.MatchString(c.AccountID) {
		add("account_id", "account_id %q must be 12 digits", c.AccountID)
	}
	seen := map[string]int{}
	for i, sc := range c.Credentials {
		p := fmt.Sprintf("credentials[%d]", i)
		switch {
		case sc.AccessKeyID == "":
			add(p, "access_key_id is missing")
		case !akidRE.MatchString(sc.AccessKeyID):
			add(p+".access_key_id", "access key id %q must be 16 to 128 upper-case letters and digits", sc.AccessKeyID)
		default:
			if j, dup := seen[sc.AccessKeyID]; dup {
				add(p+".access_key_id", "access key id %s repeats credentials[%d]", sc.AccessKeyID, j)
			}
			seen[sc.AccessKeyID] = i
		}
		if sc.SecretAccessKey == "" {
			add(p, "secret_access_key is missing")
		}
		if sc.ARN != "" && !arnRE.MatchString(sc.ARN) {
			add(p+".arn", "arn %q must look like arn:aws:iam::123456789012:user/name", sc.ARN)
		}
	}
	if c.Region != "" {
		for i, up := range c.Cognito.UserPools {
			if up.ID != "" && !strings.HasPrefix(up.ID, c.Region+"_") {
				add(fmt.Sprintf("user_pools[%d].id", i), "user pool %s is not in region %s (ids look like %s_Name)", up.ID, c.Region, c.Region)
			}
		}
		for i, ip := range c.Cognito.IdentityPools {
			if ip.ID != "" && !strings.HasPrefix(ip.ID, c.Region+":") {
				add(fmt.Sprintf("identity_pools[%d].id", i), "identity pool %s is not in region %s (ids look like %s:<uuid>)", ip.ID, c.Region, c.Region)
			}
		}
	}
	if err := apigw.Validate(c.API); err != nil {
		var ve *apigw.ValidationError
		if errors.As(err, &ve) {
			for _, fe := range ve.Errors {
				add("api."+fe.Path, "%s", fe.Msg)
			}
		} else {
			add("api", "%v", err)
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

var cognitoPathRE = lazyre.New(`^((?:user_pools|identity_pools|token_lifetime|credential_lifetime)(?:\[\d+\]|\.[a-z_]+)*)`)

// cognitoError locates each line of a cognito.New error, which names items
// as `user_pools[0].users[1] (alice): ...`.
func (c *Config) cognitoError(err error) error {
	text := strings.TrimPrefix(err.Error(), "cognito config: ")
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line == "" {
			continue
		}
		path := ""
		if m := cognitoPathRE.FindStringSubmatch(line); m != nil {
			path = m[1]
		}
		out = append(out, c.src.at(path)+line)
	}
	return errors.New(strings.Join(out, "\n"))
}

// at returns "file:line: " for a path such as api.routes[2].method, using
// the deepest part of the path that exists in the file.
func (s *source) at(path string) string {
	if s == nil {
		return ""
	}
	line := 1
	if s.root != nil {
		line = s.root.Line
	}
	node := s.root
	for _, tok := range splitPath(path) {
		if node == nil {
			break
		}
		switch node.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(node.Content); i += 2 {
				if node.Content[i].Value == tok {
					line = node.Content[i].Line
					next = node.Content[i+1]
					break
				}
			}
			node = next
		case yaml.SequenceNode:
			idx, err := strconv.Atoi(tok)
			if err != nil || idx < 0 || idx >= len(node.Content) {
				node = nil
				break
			}
			node = node.Content[idx]
			line = node.Line
		default:
			node = nil
		}
	}
	return fmt.Sprintf("%s:%d: ", s.name, line)
}

// splitPath turns a.b[2].c into a, b, 2, c.
func splitPath(p string) []string {
	p = strings.NewReplacer("[", ".", "]", "").Replace(p)
	var out []string
	for _, t := range strings.Split(p, ".") {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}
