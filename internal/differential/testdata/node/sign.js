// Signs each request of the differential corpus with aws4 or
// @smithy/signature-v4 (the AWS SDK for JavaScript v3) and sends it with
// that signer's usual HTTP stack (node's http for aws4, @smithy's
// NodeHttpHandler for smithy) to the relay port it is given. One process
// for the whole corpus.
//
// Input (standard input): [{"signer": "aws4"|"smithy", "id", "method",
//   "host", "port", "target", "headers", "body", "service", "region",
//   "accessKeyId", "secretAccessKey"}]
// Output (standard output): [{"signer", "id", "canonical", "status", "error"}]
// canonical is the canonical request the signer computed.
const http = require('http')
const aws4 = require('aws4')
const { SignatureV4 } = require('@smithy/signature-v4')
const { HttpRequest, parseQueryString } = require('@smithy/core/protocols')
const { NodeHttpHandler } = require('@smithy/node-http-handler')
const { Sha256 } = require('@aws-crypto/sha256-js')

async function main() {
  const chunks = []
  for await (const c of process.stdin) chunks.push(c)
  const out = []
  for (const c of JSON.parse(Buffer.concat(chunks).toString('utf8'))) {
    const res = { signer: c.signer, id: c.id, canonical: '', status: 0, error: '' }
    try {
      Object.assign(res, c.signer === 'aws4' ? await withAWS4(c) : await withSmithy(c))
    } catch (e) {
      res.error = String(e && e.message ? e.message : e)
    }
    out.push(res)
  }
  process.stdout.write(JSON.stringify(out))
}

// aws4 signs the path it is given (parsing and re-encoding its query) and
// rewrites opts.path to what it signed; node's http sends opts.path.
async function withAWS4(c) {
  const opts = { host: c.host, port: c.port, method: c.method, path: c.target, headers: { ...c.headers }, service: c.service, region: c.region }
  if (c.body) opts.body = c.body
  const signer = new aws4.RequestSigner(opts, { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey })
  signer.sign()
  const canonical = signer.canonicalString()
  const status = await new Promise((resolve, reject) => {
    const req = http.request({ host: c.host, port: c.port, method: opts.method, path: opts.path, headers: opts.headers, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', reject)
    req.end(c.body || undefined)
  })
  return { canonical, status }
}

// smithy takes the query as a map (parsed here with @smithy's own
// parseQueryString, as its URL parser does) and the path as given; the
// handler rebuilds the query string it sends from the map.
async function withSmithy(c) {
  const [path, query] = splitTarget(c.target)
  const headers = { host: `${c.host}:${c.port}`, ...lower(c.headers) }
  if (c.body) headers['content-length'] = String(Buffer.byteLength(c.body))
  const request = new HttpRequest({ method: c.method, protocol: 'http:', hostname: c.host, port: c.port, path, query: query === null ? {} : parseQueryString(query), headers, body: c.body || undefined })
  const recorder = recordingSha256()
  const signer = new SignatureV4({
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
    region: c.region, service: c.service, sha256: recorder.Hash,
    uriEscapePath: c.service !== 's3', applyChecksum: c.service === 's3',
  })
  const signed = await signer.sign(request, { signingDate: new Date() })
  const canonical = recorder.last(`${c.method}\n`)
  const handler = new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: false }) })
  const { response } = await handler.handle(signed)
  for await (const _ of response.body) { /* drain */ }
  handler.destroy()
  return { canonical, status: response.statusCode }
}

// recordingSha256 is @aws-crypto's Sha256 that remembers what it hashed
// without a key: smithy hashes the canonical request that way.
function recordingSha256() {
  const seen = []
  class Hash extends Sha256 {
    constructor(secret) {
      super(secret)
      this.keyed = secret !== undefined
      this.parts = []
      if (!this.keyed) seen.push(this.parts)
    }
    update(data) {
      if (!this.keyed) this.parts.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data))
      return super.update(data)
    }
  }
  return {
    Hash,
    last(prefix) {
      for (let i = seen.length - 1; i >= 0; i--) {
        const s = Buffer.concat(seen[i]).toString('utf8')
        if (s.startsWith(prefix)) return s
      }
      return ''
    },
  }
}

function splitTarget(target) {
  const i = target.indexOf('?')
  return i < 0 ? [target, null] : [target.slice(0, i), target.slice(i + 1)]
}

function lower(h) {
  const out = {}
  for (const k of Object.keys(h || {})) out[k.toLowerCase()] = h[k]
  return out
}

main().catch((e) => { console.error(e); process.exit(1) })
