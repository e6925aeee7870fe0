# source: https://docs.k9.io/key9-identity/jsonair/3-using-the-api/3.4-curl-examples
curl -s -X POST https://jsonair.example.com/api/v1/jsonair/auth/token \
  -H "Content-Type: application/json" \
  -d '{"token": "your-plain-text-pat"}'
