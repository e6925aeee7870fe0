package cognito

import (
	"fmt"
	"net/http"
)

// apiError is an error answered in the AWS JSON 1.1 shape:
// {"__type": Type, "message": Message} plus the x-amzn-ErrorType header.
type apiError struct {
	Status  int
	Type    string
	Message string
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

func newErr(typ, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Type: typ, Message: fmt.Sprintf(format, args...)}
}

func notAuthorized(format string, args ...any) *apiError {
	return newErr("NotAuthorizedException", format, args...)
}

func invalidParameter(format string, args ...any) *apiError {
	return newErr("InvalidParameterException", format, args...)
}

// missingMember is the validation message AWS gives for an absent top-level member.
func missingMember(member string) *apiError {
	return invalidParameter("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

// missingParameter is Cognito's message for an absent AuthParameters or
// ChallengeResponses entry.
func missingParameter(name string) *apiError {
	return invalidParameter("Missing required parameter %s", name)
}

var (
	errIncorrectPassword = notAuthorized("Incorrect username or password.")
	errUserNotFound      = newErr("UserNotFoundException", "User does not exist.")
	errSessionExpired    = notAuthorized("Invalid session for the user, session is expired.")
	errInvalidSession    = notAuthorized("Invalid session for the user.")
	errInvalidRefresh    = notAuthorized("Invalid Refresh Token")
)

func internalError(err error) *apiError {
	return &apiError{Status: http.StatusInternalServerError, Type: "InternalErrorException", Message: "internal error in the sigscope emulator: " + err.Error()}
}
