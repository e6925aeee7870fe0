package logindialog

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/sigscope/sigscope/auth"
)

type fieldKind int

const (
	plainField fieldKind = iota
	secretField
	codeField
)

// codeSlots is how many digits a code field shows: Cognito's TOTP, SMS and
// email codes have six.
const codeSlots = 6

// field is one labelled input. Every kind edits through a lineInput, so
// that paste, backspace and ctrl+u behave alike; a code only renders
// differently.
type field struct {
	kind  fieldKind
	label string
	attr  string // the user attribute a field answers (NEW_PASSWORD_REQUIRED)
	input lineInput
}

func newField(kind fieldKind, label string) field {
	f := field{kind: kind, label: label}
	switch kind {
	case secretField:
		f.input.mask = true
	case codeField:
		// Eight leaves room for the longer codes some pools send by email.
		f.input.limit = 8
	}
	return f
}

func (f *field) value() string {
	if f.kind == plainField {
		return strings.TrimSpace(f.input.Value())
	}
	return f.input.Value()
}

func (f *field) update(msg tea.Msg) {
	if f.kind == codeField {
		if msg = digitsOnly(msg); msg == nil {
			return
		}
	}
	f.input.update(msg)
}

// digitsOnly keeps the digits of typed or pasted text, so that a code
// pasted as "123 456" lands as six digits and letters never do.
func digitsOnly(msg tea.Msg) tea.Msg {
	keep := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	switch m := msg.(type) {
	case tea.KeyPressMsg:
		if m.Text == "" {
			return m
		}
		if m.Text = keep(m.Text); m.Text == "" {
			return nil
		}
		return m
	case tea.PasteMsg:
		if m.Content = keep(m.Content); m.Content == "" {
			return nil
		}
		return m
	}
	return msg
}

// credentialFields is the first screen: who logs in, and the password.
func credentialFields(cfg Config) []field {
	user := newField(plainField, "user")
	user.input.SetValue(cfg.Username)
	pass := newField(secretField, "password")
	pass.input.SetValue(cfg.Password)
	return []field{user, pass}
}

// stepFields is the field set a step asks for.
func stepFields(step auth.Step) []field {
	switch step.Kind {
	case auth.StepNewPassword:
		fs := []field{newField(secretField, "new password"), newField(secretField, "again")}
		for _, name := range step.RequiredAttributes {
			f := newField(plainField, name)
			f.attr = name
			// Cognito sends what it already knows; often that is the value.
			f.input.SetValue(step.UserAttributes[name])
			fs = append(fs, f)
		}
		return fs
	case auth.StepMFACode, auth.StepTOTPSetup:
		return []field{newField(codeField, "code")}
	}
	return nil
}

// missing returns the index of the first empty field, or -1.
func missing(fs []field) int {
	for i := range fs {
		if fs[i].value() == "" {
			return i
		}
	}
	return -1
}

// problem is a reply refused before anything is sent: the message to
// show and the field to put the cursor in.
type problem struct {
	msg   string
	field int
	clear bool // empty the secret fields: a mismatch cannot be fixed by eye
}

// newPasswordAnswer checks the NEW_PASSWORD_REQUIRED form. The password
// is typed blind, so it is typed twice: a typo would set a password nobody
// knows.
func newPasswordAnswer(fs []field) (auth.Answer, *problem) {
	pw, again := fs[0].value(), fs[1].value()
	switch {
	case pw == "":
		return auth.Answer{}, &problem{msg: "type a new password"}
	case again == "":
		return auth.Answer{}, &problem{msg: "type the new password again", field: 1}
	case pw != again:
		return auth.Answer{}, &problem{msg: "the two passwords differ; type them again", clear: true}
	}
	a := auth.Answer{NewPassword: pw, Attributes: map[string]string{}}
	var empty []string
	first := -1
	for i := 2; i < len(fs); i++ {
		v := fs[i].value()
		if v == "" {
			empty = append(empty, fs[i].attr)
			if first < 0 {
				first = i
			}
		}
		a.Attributes[fs[i].attr] = v
	}
	if len(empty) > 0 {
		return auth.Answer{}, &problem{msg: "Cognito requires " + strings.Join(empty, ", "), field: first}
	}
	return a, nil
}

func codeAnswer(fs []field) (auth.Answer, *problem) {
	code := fs[0].value()
	if len(code) < codeSlots {
		return auth.Answer{}, &problem{msg: "type the 6-digit code"}
	}
	return auth.Answer{Code: code}, nil
}
