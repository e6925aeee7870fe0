// Generates SRP interop vectors for sigscope's auth/srp with the real
// amazon-cognito-identity-js code path: CognitoUser.authenticateUser runs
// USER_SRP_AUTH against an in-process fake of the Cognito API, with the
// library's random private value and clock pinned so the output is fixed.
//
// Server-side values (v, B) are computed here from a fixed b with the
// library's own BigInteger and hashing helpers, so the Go server half can be
// checked too. SECRET_HASH vectors come from Node's crypto (the library has no
// SECRET_HASH support). Prints JSON on stdout; from auth/srp:
//   node testdata/node/gen-vectors.js > testdata/vectors.json
'use strict';

const crypto = require('crypto');

const lib = require('amazon-cognito-identity-js');
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
const version = require('amazon-cognito-identity-js/package.json').version;

const { AuthenticationHelper, AuthenticationDetails, CognitoUser, CognitoUserPool, DateHelper } = lib;

const cases = [
	{
		name: 'demo user, salt with top bit set, single-digit day',
		user_pool_id: 'us-east-1_Demo1',
		client_id: '3n4b5urk1ft4fl3mg5e62d9ado',
		user_id_for_srp: 'demo',
		password: 'Passw0rd!',
		a: '5f3c9a1e7b2d4c6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7',
		b: 'c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789',
		salt: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
		secret_block: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
		now: '2024-03-05T09:04:05Z',
	},
	{
		name: 'salt with leading zero bytes, non-ASCII user and password',
		user_pool_id: 'eu-west-1_AbC123xyz',
		client_id: '1example23456789',
		user_id_for_srp: 'jürgen',
		password: 'Pässwörd-№1',
		a: '01',
		b: '02',
		salt: '0000f3',
		secret_block: Buffer.from('a secret block that is not a multiple of three').toString('base64'),
		now: '2023-12-31T23:59:59Z',
	},
	{
		name: 'uuid user id, 1024-bit a like the library picks',
		user_pool_id: 'ap-southeast-2_Zz9',
		client_id: 'abcdefghijklmnopqrstuvwxyz',
		user_id_for_srp: '6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8',
		password: 'correct horse battery staple',
		a: 'f'.repeat(256),
		b: '8'.repeat(64),
		salt: '7f',
		secret_block: Buffer.alloc(1024, 0xa5).toString('base64'),
		now: '2024-01-10T00:00:00Z',
	},
];

const RealDate = Date;

// pinClock makes `new Date()` return the instant iso until the returned
// function is called; DateHelper reads the clock that way.
function pinClock(iso) {
	const ms = RealDate.parse(iso);
	global.Date = class extends RealDate {
		constructor(...args) {
			if (args.length === 0) super(ms);
			else super(...args);
		}
		static now() {
			return ms;
		}
	};
	return () => {
		global.Date = RealDate;
	};
}

function pinA(c) {
	AuthenticationHelper.prototype.generateRandomSmallA = function fixedA() {
		return new BigInteger(c.a, 16);
	};
}

// serverValues mirrors what a Cognito server holds for this user: v = g^x and
// B = k·v + g^b mod N, using the helper's own N, g, k, padHex and hashes.
function serverValues(helper, c) {
	const poolName = c.user_pool_id.split('_')[1];
	const inner = helper.hash(`${poolName}${c.user_id_for_srp}:${c.password}`);
	const x = new BigInteger(helper.hexHash(helper.padHex(new BigInteger(c.salt, 16)) + inner), 16);
	let v;
	helper.g.modPow(x, helper.N, (err, r) => {
		if (err) throw err;
		v = r;
	});
	let gb;
	helper.g.modPow(new BigInteger(c.b, 16), helper.N, (err, r) => {
		if (err) throw err;
		gb = r;
	});
	const B = helper.k.multiply(v).add(gb).mod(helper.N);
	return { v, B };
}

function runCase(c) {
	return new Promise((resolve, reject) => {
		pinA(c);
		const unpin = pinClock(c.now);
		const probe = new AuthenticationHelper(c.user_pool_id.split('_')[1]);
		const { v, B } = serverValues(probe, c);

		let helper;
		let key;
		const original = AuthenticationHelper.prototype.getPasswordAuthenticationKey;
		AuthenticationHelper.prototype.getPasswordAuthenticationKey = function capture(user, pw, b, s, cb) {
			helper = this;
			return original.call(this, user, pw, b, s, (err, hkdf) => {
				key = hkdf;
				cb(err, hkdf);
			});
		};

		const pool = new CognitoUserPool({ UserPoolId: c.user_pool_id, ClientId: c.client_id });
		let srpA;
		pool.client.request = (op, params, cb) => {
			if (op === 'InitiateAuth') {
				srpA = params.AuthParameters.SRP_A;
				return cb(null, {
					ChallengeName: 'PASSWORD_VERIFIER',
					Session: 'fake-session',
					ChallengeParameters: {
						SALT: c.salt,
						SRP_B: B.toString(16),
						SECRET_BLOCK: c.secret_block,
						USER_ID_FOR_SRP: c.user_id_for_srp,
						USERNAME: c.user_id_for_srp,
					},
				});
			}
			if (op === 'RespondToAuthChallenge') {
				AuthenticationHelper.prototype.getPasswordAuthenticationKey = original;
				unpin();
				const r = params.ChallengeResponses;
				resolve({
					name: c.name,
					user_pool_id: c.user_pool_id,
					user_id_for_srp: c.user_id_for_srp,
					password: c.password,
					a: c.a,
					b: c.b,
					salt: c.salt,
					secret_block: c.secret_block,
					now: c.now,
					expected: {
						k: helper.k.toString(16),
						A: srpA,
						v: v.toString(16),
						B: B.toString(16),
						u: helper.UValue.toString(16),
						key: Buffer.from(key).toString('hex'),
						timestamp: r.TIMESTAMP,
						signature: r.PASSWORD_CLAIM_SIGNATURE,
					},
				});
				return cb(new Error('captured'));
			}
			return cb(new Error(`unexpected operation ${op}`));
		};

		const user = new CognitoUser({ Username: c.user_id_for_srp, Pool: pool });
		user.authenticateUser(new AuthenticationDetails({ Username: c.user_id_for_srp, Password: c.password }), {
			onSuccess: () => reject(new Error('fake server never succeeds')),
			onFailure: err => {
				if (err.message !== 'captured') reject(err);
			},
		});
	});
}

const timestampInstants = ['1970-01-01T00:00:00Z', '2024-02-29T07:08:09Z', '2024-11-09T13:05:00Z', '2031-10-10T23:59:59Z'];

function timestamps() {
	return timestampInstants.map(now => {
		const unpin = pinClock(now);
		try {
			return { now, text: new DateHelper().getNowString() };
		} finally {
			unpin();
		}
	});
}

const secretHashInputs = [
	{ client_id: '3n4b5urk1ft4fl3mg5e62d9ado', client_secret: 'k1tl3n5ecr3t0000000000000000000000000000000000000000', username: 'demo' },
	{ client_id: '1example23456789', client_secret: 's', username: 'jürgen@example.com' },
];

function secretHashes() {
	return secretHashInputs.map(x => ({
		...x,
		secret_hash: crypto.createHmac('sha256', x.client_secret).update(x.username + x.client_id).digest('base64'),
	}));
}

(async () => {
	const out = [];
	for (const c of cases) out.push(await runCase(c));
	const doc = { generator: `amazon-cognito-identity-js@${version}`, cases: out, timestamps: timestamps(), secret_hashes: secretHashes() };
	process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
})().catch(err => {
	process.stderr.write(`gen-vectors: ${err.stack || err}\n`);
	process.exit(1);
});
