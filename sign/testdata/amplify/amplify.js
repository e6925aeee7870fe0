// Signs each request read as a JSON array on standard input with Amplify's
// Signer (@aws-amplify/core, internals/utils: the class Amplify's API
// client signs with) at the time of the run, and prints what it signed:
// the Authorization header or the presigned URL, and Amplify's own
// canonical request for a header-signed one (its getCanonicalRequest, read
// from the package's files: the package does not export it).
//
// Input:  [{"url", "headers", "service", "region", "presign"}]
// Output: [{"authorization"?, "amzDate"?, "url"?, "canonical"?}]
const path = require('path')
const { Signer, AmplifyUrl } = require('@aws-amplify/core/internals/utils')
const core = path.dirname(require.resolve('@aws-amplify/core'))
const { getCanonicalRequest } = require(path.join(core, 'clients/middleware/signing/signer/signatureV4/utils/getCanonicalRequest.js'))

async function main() {
  const chunks = []
  for await (const c of process.stdin) chunks.push(c)
  const access = { access_key: 'AKIDEXAMPLE', secret_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
  const out = []
  for (const c of JSON.parse(Buffer.concat(chunks).toString('utf8'))) {
    const service = { service: c.service, region: c.region }
    if (c.presign) {
      out.push({ url: Signer.signUrl({ url: c.url, method: 'GET' }, access, service, 3600) })
      continue
    }
    const signed = Signer.sign({ method: 'GET', url: c.url, headers: { ...c.headers } }, access, service)
    const headers = { ...signed.headers }
    const authorization = headers.Authorization
    delete headers.Authorization
    delete headers['X-Amz-Security-Token']
    const canonical = getCanonicalRequest({ method: 'GET', url: new AmplifyUrl(c.url), headers, body: undefined })
    out.push({ authorization, amzDate: headers['x-amz-date'], canonical })
  }
  process.stdout.write(JSON.stringify(out))
}

main().catch((e) => { console.error(e); process.exit(1) })
