// Signs each request read as a JSON array on standard input with the aws4
// package and prints, for each, its canonical request and, when the
// request names an endpoint, the status and body the endpoint answered
// to the request aws4 signed, sent with its path and query as given.
//
// Input:  [{"method", "host", "path", "headers", "service", "region",
//           "accessKeyId", "secretAccessKey", "signQuery"?, "endpoint"?}]
// (signQuery presigns: the path carries X-Amz-Date and X-Amz-Expires.)
// Output: [{"canonical", "sent", "status"?, "body"?}]; sent is the path
// and query aws4 left in opts.path.
const aws4 = require('aws4')
const http = require('http')

async function main() {
  const chunks = []
  for await (const c of process.stdin) chunks.push(c)
  const out = []
  for (const c of JSON.parse(Buffer.concat(chunks).toString('utf8'))) {
    const opts = { method: c.method, host: c.host, path: c.path, headers: c.headers || {}, service: c.service, region: c.region, signQuery: !!c.signQuery }
    const creds = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }
    const signer = new aws4.RequestSigner(opts, creds)
    signer.prepareRequest()
    const canonical = signer.canonicalString() // before sign() adds X-Amz-Signature to a presigned query
    signer.sign()
    const res = { canonical, sent: opts.path } // sign() rewrote opts.path
    if (c.endpoint) Object.assign(res, await send(c.endpoint, opts))
    out.push(res)
  }
  process.stdout.write(JSON.stringify(out))
}

function send(endpoint, opts) {
  const u = new URL(endpoint)
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: u.hostname, port: u.port, method: opts.method, path: opts.path, headers: opts.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

main().catch((e) => { console.error(e); process.exit(1) })
