"""robots.txt, fetched once per site per crawl and obeyed (RFC 9309 rules for errors).

- 200: the rules apply (Crawl-delay too, capped so one site cannot stall a job).
- 4xx (no robots.txt, or it is forbidden): everything may be crawled.
- 5xx: nothing may be crawled, as the RFC asks, until it answers.
- a network failure is raised: the site is unreachable, and the caller says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

import httpx

MAX_ROBOTS_BYTES = 512 * 1024
MAX_CRAWL_DELAY_S = 10.0


@dataclass
class RobotsRules:
    parser: RobotFileParser | None  # None: everything allowed
    blocked_reason: str = ""  # set when the whole site is off limits
    crawl_delay_s: float = 0.0

    def allows(self, url: str, user_agent: str) -> bool:
        if self.blocked_reason:
            return False
        return self.parser is None or self.parser.can_fetch(user_agent, url)


async def fetch_robots(client: httpx.AsyncClient, origin: str, user_agent: str) -> RobotsRules:
    url = f"{origin}/robots.txt"
    # Network errors propagate: the caller reports the site as unreachable, which says more.
    response = await client.get(url, follow_redirects=True)
    if 400 <= response.status_code < 500:
        return RobotsRules(None)
    if response.status_code >= 500:
        return RobotsRules(None, blocked_reason=f"{url} answered with server error {response.status_code}")
    parser = RobotFileParser(url)
    parser.parse(response.content[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace").splitlines())
    delay = parser.crawl_delay(user_agent)
    return RobotsRules(parser, crawl_delay_s=min(float(delay or 0.0), MAX_CRAWL_DELAY_S))
