# source: https://pastebin.com/c95BNQ0A
curl -d "name=Rafael%20Sagula%26phone=3320780" http://www.where.com/guest.cgi
