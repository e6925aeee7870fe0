"""Signs each request of the differential corpus with botocore (SigV4Auth,
S3SigV4Auth for s3) and sends it with botocore's own HTTP session
(URLLib3Session) to the relay port it is given. One process for the whole
corpus; run with Debian's /usr/bin/python3 (python3-botocore).

Input (standard input): [{"id", "method", "host", "port", "target",
  "headers", "body", "service", "region", "accessKeyId", "secretAccessKey"}]
Output (standard output): [{"signer": "botocore", "id", "canonical",
  "status", "error"}]; canonical is the canonical request botocore computed.
"""
import json
import sys

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.httpsession import URLLib3Session


def one(session, c):
    res = {"signer": "botocore", "id": c["id"], "canonical": "", "status": 0, "error": ""}
    try:
        creds = Credentials(c["accessKeyId"], c["secretAccessKey"])
        cls = S3SigV4Auth if c["service"] == "s3" else SigV4Auth
        auth = cls(creds, c["service"], c["region"])
        seen = []
        canonical = auth.canonical_request

        def recording(request):
            s = canonical(request)
            seen.append(s)
            return s

        auth.canonical_request = recording
        url = "http://%s:%d%s" % (c["host"], c["port"], c["target"])
        body = c.get("body") or None
        req = AWSRequest(method=c["method"], url=url, data=body, headers=dict(c.get("headers") or {}))
        auth.add_auth(req)
        res["canonical"] = seen[-1] if seen else ""
        resp = session.send(req.prepare())
        res["status"] = resp.status_code
    except Exception as e:  # a client that cannot send the request says so
        res["error"] = "%s: %s" % (type(e).__name__, e)
    return res


def main():
    cases = json.load(sys.stdin)
    session = URLLib3Session()
    json.dump([one(session, c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
