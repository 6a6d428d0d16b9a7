"""Reads a feed file with Debian's python3-feedparser and prints what a feed reader would see, as JSON.

    python3 parse_feed.py FEED_FILE
"""
import json
import sys

import feedparser

feed = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": bool(feed.bozo),
    "bozo_exception": str(feed.get("bozo_exception", "")),
    "version": feed.version,
    "title": feed.feed.get("title"),
    "subtitle": feed.feed.get("subtitle"),
    "entries": [{
        "id": e.get("id"),
        "link": e.get("link"),
        "title": e.get("title"),
        "author": e.get("author"),
        "content": (e.get("content") or [{}])[0].get("value", ""),
    } for e in feed.entries],
}))
