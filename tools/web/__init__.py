"""The polite web crawler: fetch pages (robots.txt, rate limits, size limits, safe redirects),
extract their main text, and cache every crawl on disk by URL."""
