# source: https://pastebin.com/c95BNQ0A
curl -d "username=admin&password=admin&submit=Login" --dump-header headers http://localhost/Login
