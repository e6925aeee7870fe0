# source: https://pastebin.com/c95BNQ0A
curl -X POST https://example.com/resource.cgi
curl --request POST https://example.com/resource.cgi
