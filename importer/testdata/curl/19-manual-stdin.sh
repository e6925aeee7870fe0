# source: https://pastebin.com/c95BNQ0A
echo '{"text": "Hello **world**!"}' | curl -d @- https://api.github.com/markdown
