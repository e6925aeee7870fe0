package workbench

// MaskError masks, in an error met before anything was prepared (a
// template that expands to a URL that does not parse, a resolve that
// quotes a value), the values the collection reads from the environment
// and what looks like a credential. Nothing prepared means no redactor
// knows those values yet, while the message may quote them. The error
// keeps what it wraps, for errors.Is and errors.As.
func (w *Workbench) MaskError(err error) error {
	if err == nil {
		return nil
	}
	msg := w.environmentRedactor(nil).Text(err.Error())
	if msg == err.Error() {
		return err
	}
	return &maskedError{msg: msg, err: err}
}

type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

// environmentRedactor masks the values of the variables the collection
// reads from the environment (its variables: and its profiles' *_env
// fields) and the given secrets. A value under 4 bytes (a flag, a
// count) is left alone: it would mask ordinary words of the message.
func (w *Workbench) environmentRedactor(secrets []string) *Redactor {
	ms := newMaskSet(nil, secrets...)
	for _, name := range w.Coll.Variables() {
		if v, ok := w.Env.lookup(name); ok {
			ms.secret(v, 4)
		}
	}
	return ms.redactor()
}
