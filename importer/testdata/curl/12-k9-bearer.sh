# source: https://docs.k9.io/key9-identity/jsonair/3-using-the-api/3.4-curl-examples
curl -s -X GET https://jsonair.example.com/api/v1/jsonair/config \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"type": "myapp", "name": "prod.yaml", "decode": true}'
