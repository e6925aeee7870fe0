# source: https://pastebin.com/c95BNQ0A
curl -v --data-ascii var=value http://example.com
