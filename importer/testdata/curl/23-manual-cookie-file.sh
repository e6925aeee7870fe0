# source: https://pastebin.com/c95BNQ0A
curl -L -b headers http://localhost/
