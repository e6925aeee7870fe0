# source: https://pastebin.com/c95BNQ0A
curl --data '' https://example.com/resource.cgi
