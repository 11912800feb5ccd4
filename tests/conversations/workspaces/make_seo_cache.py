"""Write the crawl cache of workspaces/seo_saved_page: one real saved page, as the seo agent's
crawler would have cached it, so seo conversations never touch the web.

    PYTHONPATH=. python tests/conversations/workspaces/make_seo_cache.py

The conversations set `cache_ttl_days` high, so the entry's fetch time never makes it stale.
"""

from pathlib import Path

from tools.web.cache import CrawlCache
from tools.web.extract import extract_page

HERE = Path(__file__).resolve().parent
SAVED = HERE.parents[1] / "data" / "seo" / "html" / "stackoverflow.com.rust.html"
URL = "https://stackoverflow.blog/2020/01/20/what-is-rust-and-why-is-it-so-popular/"


def main() -> None:
    raw = SAVED.read_bytes()
    page = extract_page(raw, URL, URL, False, False)
    CrawlCache(HERE / "seo_saved_page" / "seo" / "cache").put(page, raw)
    print(f"cached {URL}: {page.word_count} words")


if __name__ == "__main__":
    main()
