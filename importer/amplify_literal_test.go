package importer

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// plainOf turns a parsed value into what encoding/json gives, to compare.
func plainOf(v jsValue) any {
	switch x := v.(type) {
	case *jsObject:
		m := map[string]any{}
		for _, k := range x.keys {
			m[k] = plainOf(x.vals[k])
		}
		return m
	case []jsValue:
		out := []any{}
		for _, e := range x {
			out = append(out, plainOf(e))
		}
		return out
	case jsExpr:
		return "<code " + x.src + ">"
	}
	return v
}

func TestAmplifyLiteralParses(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"json", `{"a": "x", "b": [1, 2.5, -3e2], "c": {"d": true, "e": null}}`, `{"a":"x","b":[1,2.5,-300],"c":{"d":true,"e":null}}`},
		{"aws-exports", "// generated\n/* eslint-disable */\nconst awsmobile = {\n  \"aws_project_region\": \"us-east-1\",\n  aws_cloud_logic_custom: [{name: 'api', endpoint: 'https://x', region: 'us-east-1',},],\n};\nexport default awsmobile;\n",
			`{"aws_cloud_logic_custom":[{"endpoint":"https://x","name":"api","region":"us-east-1"}],"aws_project_region":"us-east-1"}`},
		{"export default", "export default {\n  a: 'b', // comment\n  c: `tick`,\n}", `{"a":"b","c":"tick"}`},
		{"module.exports", "'use strict';\nmodule.exports = { a: 0x1f, b: undefined, 'c-d': 'it\\'s', \"e\": \"\\u00e9\\x41\\n\" }", `{"a":31,"b":null,"c-d":"it's","e":"éA\n"}`},
		{"configure call", "import { Amplify } from 'aws-amplify'; // { not this\nAmplify.configure({ Auth: { Cognito: { userPoolId: \"p\" } } });", `{"Auth":{"Cognito":{"userPoolId":"p"}}}`},
		{"brace in a string before", "const s = \"{ no\"; const x = { a: 1 }", `{"a":1}`},
		{"code kept as text", "const c = { a: process.env.REACT_APP_POOL || \"\", b: isLoggedIn ? 'x' : 'y', c: `id-${n}`, d: f(1, [2]), e: 'a' + b }",
			`{"a":"<code process.env.REACT_APP_POOL || \"\">","b":"<code isLoggedIn ? 'x' : 'y'>","c":"<code ` + "`id-${n}`" + `>","d":"<code f(1, [2])>","e":"<code 'a' + b>"}`},
		{"repeated key keeps the last", `{"a": 1, "a": 2}`, `{"a":2}`},
		{"bom and unicode keys", "\uFEFF{ ñandú: 'sí' }", `{"ñandú":"sí"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			obj, err := parseJSConfig("f.js", c.src)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(plainOf(obj))
			var a, b any
			_ = json.Unmarshal(got, &a)
			if err := json.Unmarshal([]byte(c.want), &b); err != nil {
				t.Fatalf("want: %v", err)
			}
			ga, _ := json.Marshal(a)
			gb, _ := json.Marshal(b)
			if string(ga) != string(gb) {
				t.Fatalf("got  %s\nwant %s", ga, gb)
			}
		})
	}
}

// Every error names the file, line and column (characters, 1-based).
func TestAmplifyLiteralErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"unclosed string", "const a = {\n  k: 'abc\n}", "f.js:2:6: this string is never closed on its line"},
		{"missing comma", "{\n  \"a\": 1\n  \"b\": 2\n}", `f.js:3:3: want ',' or '}' after the value of "a", got '"'`},
		{"unclosed object", "const x = {\n  a: [1, 2],\n", "f.js:1:11: this { is never closed"},
		{"unclosed list", "{ a: [1, 2 }", "f.js:1:12: want ',' or ']' in the list, got '}'"},
		{"unclosed comment", "{ a: 1 /* oops }", "f.js:1:8: a /* comment is never closed"},
		{"spread", "const x = {\n  ...base,\n}", "f.js:2:3: a spread (...) is code, not data: write the keys out"},
		{"computed key", "{ [k]: 1 }", "f.js:1:3: a computed key ([...]) is code, not data: write the key as a string"},
		{"method", "{ f() { return 1 } }", "f.js:1:4: f(...) is a method, not data"},
		{"no object", "export const x = 1;\n", "f.js:2:1: no object literal found"},
		{"key without value", "{ a }", `f.js:1:3: key "a": want ':' and a value after it`},
		{"bad escape", `{ a: "\u12" }`, `f.js:1:7: bad \u escape`},
		{"ends early", "{ a:", "f.js:1:5: the file ends where a value should be"},
		{"column counts characters", "{ ñandú: 'sí', 'x' 1 }", `f.js:1:16: key "x": want ':' and a value after it`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseJSConfig("f.js", c.src)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v\nwant %s", err, c.want)
			}
		})
	}
}

// Deep nesting is refused, not a stack overflow.
func TestAmplifyLiteralDepth(t *testing.T) {
	src := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	if _, err := parseJSConfig("f.json", "{a:"+src+"}"); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Fatalf("deep: %v", err)
	}
}

// Any input is either parsed or refused with a position, never a panic
// or a hang; what parses imports to a collection or a clear error.
func FuzzAmplify(f *testing.F) {
	for _, name := range []string{"testdata/amplify/aws-exports.gen1-web.js", "testdata/amplify/amplifyconfiguration.gen1-mobile.json", "testdata/amplify/amplify_outputs.gen2-appsync.json", "testdata/amplify/amplify_outputs.gen2-rest.json", demoOutputs} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(string(data))
		}
	}
	for _, s := range []string{"const a = { b: [1, 'x', {c: `d`}], e: process.env.X, /* c */ f: -1.5e3, }", `{"a": "\u00e9\\", "b": [true, false, null]}`, "module.exports = {a: f({b: [1,2]}), c: 'x' + y}",
		"{\"\":\"\", \"\":\xe80,00A0Y0,", // a numeric key that is no number once panicked
		`{"auth":{"plugins":{"awsCognitoAuthPlugin":{"CognitoUserPool":{"Default":{"PoolId":"0","AppClientId":"0"}}}}}}`, // a pool id of the wrong shape once gave a collection that did not load
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := parseJSConfig("f.js", src)
		if err != nil && !strings.HasPrefix(err.Error(), "f.js:") {
			t.Fatalf("error without a position: %v", err)
		}
		if err != nil {
			return
		}
		for _, name := range []string{"aws-exports.js", "amplify_outputs.json"} {
			c, err := Import([]byte(src), name, "amplify")
			if err != nil {
				continue
			}
			if y, err := c.YAML(); err != nil {
				t.Fatalf("the import does not load as a collection: %v\n%s", err, y)
			}
		}
	})
}
