package apigw

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// SelfCommand as a command's first element is this very program (the
// sigscope binary serving the emulator), so that the demo's command
// authorizer runs wherever sigscope does.
const SelfCommand = "sigscope"

// SampleAuthorizerArgs are the arguments that make sigscope play the
// sample authorizer: `sigscope emulator sample-authorizer`.
var SampleAuthorizerArgs = []string{"emulator", "sample-authorizer"}

// resolveCommand puts this program's path in place of SelfCommand.
func resolveCommand(argv []string) []string {
	if len(argv) == 0 || argv[0] != SelfCommand {
		return argv
	}
	exe, err := os.Executable()
	if err != nil {
		return argv // then "sigscope" is looked up in PATH
	}
	return append([]string{exe}, argv[1:]...)
}

// SampleAuthorizer is the demo's command authorizer, a stand-in for a
// Lambda: it reads a TOKEN or REQUEST event on in and writes its response
// on out. The token (a TOKEN event's authorizationToken, a REQUEST
// event's Authorization header) decides:
//
//	Bearer cmd-allow    Allow on every method of the API, with a context
//	Bearer cmd-deny     Deny on every method (403 … with an explicit deny)
//	Bearer cmd-garbage  an output that is not JSON (500)
//	Bearer cmd-slow     no answer for a minute (500 once the timeout ends)
//	anything else       "Unauthorized" (401)
func SampleAuthorizer(in io.Reader, out io.Writer) error {
	var ev struct {
		Type               string            `json:"type"`
		AuthorizationToken string            `json:"authorizationToken"`
		MethodArn          string            `json:"methodArn"`
		Headers            map[string]string `json:"headers"`
	}
	if err := json.NewDecoder(io.LimitReader(in, 1<<20)).Decode(&ev); err != nil {
		return fmt.Errorf("sample authorizer: read the event on stdin: %w", err)
	}
	token := ev.AuthorizationToken
	if ev.Type == "REQUEST" {
		for k, v := range ev.Headers {
			if strings.EqualFold(k, "Authorization") {
				token = v
			}
		}
	}
	// arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH → API/*
	api, _, _ := strings.Cut(ev.MethodArn, "/")
	policy := func(effect string) map[string]any {
		return map[string]any{
			"principalId": "command-user",
			"policyDocument": map[string]any{"Version": "2012-10-17", "Statement": []map[string]any{
				{"Effect": effect, "Action": actionInvoke, "Resource": api + "/*"},
			}},
			"context": map[string]any{"source": "command", "tenant": "demo"},
		}
	}
	var err error
	switch token {
	case "Bearer cmd-allow":
		err = json.NewEncoder(out).Encode(policy("Allow"))
	case "Bearer cmd-deny":
		err = json.NewEncoder(out).Encode(policy("Deny"))
	case "Bearer cmd-garbage":
		_, err = fmt.Fprintln(out, "this is not an authorizer response")
	case "Bearer cmd-slow":
		time.Sleep(time.Minute)
	default:
		_, err = fmt.Fprintln(out, "Unauthorized")
	}
	return err
}

// RunSampleAuthorizerIfAsked plays the sample authorizer and exits when
// the program was started as one (os.Args[1:] is SampleAuthorizerArgs):
// test binaries call it from TestMain, being the program the emulator
// they start runs.
func RunSampleAuthorizerIfAsked() {
	if len(os.Args) == 1+len(SampleAuthorizerArgs) && os.Args[1] == SampleAuthorizerArgs[0] && os.Args[2] == SampleAuthorizerArgs[1] {
		if err := SampleAuthorizer(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}
