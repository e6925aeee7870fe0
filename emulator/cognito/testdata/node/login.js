// Logs in to the emulator with amazon-cognito-identity-js, the library
// Amplify uses: USER_SRP_AUTH, then a refresh, then GetUser. Prints the id
// token's payload claims (never the tokens) as JSON on stdout.
//
// Environment: COGNITO_ENDPOINT (the emulator's URL), COGNITO_USER_POOL_ID,
// COGNITO_CLIENT_ID, COGNITO_USERNAME, COGNITO_PASSWORD.
'use strict';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = require('amazon-cognito-identity-js');

function env(name) {
	const v = process.env[name];
	if (!v) {
		process.stderr.write(`login.js: set ${name}\n`);
		process.exit(2);
	}
	return v;
}

function fail(step, err) {
	// err.code and err.message come from the emulator's error body; neither
	// holds a token or the password.
	process.stderr.write(`login.js: ${step} failed: ${err.code || err.name}: ${err.message}\n`);
	process.exit(1);
}

const pool = new CognitoUserPool({
	UserPoolId: env('COGNITO_USER_POOL_ID'),
	ClientId: env('COGNITO_CLIENT_ID'),
	endpoint: env('COGNITO_ENDPOINT'),
});
const user = new CognitoUser({ Username: env('COGNITO_USERNAME'), Pool: pool });
const details = new AuthenticationDetails({ Username: env('COGNITO_USERNAME'), Password: env('COGNITO_PASSWORD') });

user.authenticateUser(details, {
	onSuccess(session) {
		const result = { flow: user.authenticationFlowType, login: session.getIdToken().decodePayload() };
		user.refreshSession(session.getRefreshToken(), (err, refreshed) => {
			if (err) fail('refreshSession', err);
			result.refreshed = refreshed.getIdToken().decodePayload();
			result.refresh_token_kept = refreshed.getRefreshToken().getToken() === session.getRefreshToken().getToken();
			user.getUserAttributes((err2, attrs) => {
				if (err2) fail('getUserAttributes', err2);
				result.attributes = Object.fromEntries(attrs.map(a => [a.getName(), a.getValue()]));
				process.stdout.write(`${JSON.stringify(result)}\n`);
			});
		});
	},
	onFailure: err => fail('authenticateUser', err),
	newPasswordRequired: () => fail('authenticateUser', { code: 'Unexpected', message: 'NEW_PASSWORD_REQUIRED' }),
	mfaRequired: () => fail('authenticateUser', { code: 'Unexpected', message: 'SMS_MFA' }),
	totpRequired: () => fail('authenticateUser', { code: 'Unexpected', message: 'SOFTWARE_TOKEN_MFA' }),
});
