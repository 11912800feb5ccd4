"""The demo database's rows, generated as numpy arrays from one seed.

Everything is vectorised: scale 50 means 10 million receipts and about 32 million receipt
lines, which a Python loop over rows could not build in reasonable time. Strings are kept as
indexes into the word lists of `demo_vocab`; the loader turns them into text inside DuckDB.

Time is counted from 2022-01-01: days for dates, seconds for timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tools.sql import demo_vocab as vocab

DAYS = 1461  # 2022-01-01 .. 2025-12-31
FIRST_JOIN_DAY = -2191  # 2016-01-01: the club is older than the data window
N_STORES_PHYSICAL = 46
N_STORES_ONLINE = 2
N_PRODUCTS = 600
N_CAMPAIGNS = 48  # one a month
BASE_MEMBERS = 10_000
BASE_TRANSACTIONS = 200_000
# Welcome and campaign bonuses, and the size of one redemption, in points.
WELCOME_BONUS = 100
CONVERSION_BONUS = 50
REDEMPTION_BLOCK = 500
# Points per euro by tier, in quarters, so points can be computed on integer cents.
TIER_QUARTERS = np.array([round(m * 4) for m in vocab.TIER_MULTIPLIER], dtype=np.int64)


@dataclass
class SmallTables:
    """stores, products and campaigns: a few hundred rows, kept as Python rows."""

    stores: list[tuple]
    products: list[tuple]
    campaigns: list[tuple]
    store_region: np.ndarray
    product_price_cents: np.ndarray
    product_popularity: np.ndarray


@dataclass
class Members:
    arrays: dict[str, np.ndarray]
    activity: np.ndarray  # relative purchase frequency, drives the tier
    tier: np.ndarray
    join_day: np.ndarray
    home_store: np.ndarray


@dataclass
class Receipts:
    """Receipt headers sorted by time; ids are 1..n in that order."""

    member: np.ndarray
    seconds: np.ndarray
    channel: np.ndarray
    store: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def sizes(scale: float) -> tuple[int, int]:
    """(members, transactions) for a scale; scale 1 is 10 000 members and 200 000 receipts."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    return max(200, round(BASE_MEMBERS * scale)), max(1_000, round(BASE_TRANSACTIONS * scale))


def day_weights() -> np.ndarray:
    """How likely a purchase falls on each day: growth, December peak, busy weekends."""
    days = np.datetime64("2022-01-01") + np.arange(DAYS)
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    year = days.astype("datetime64[Y]").astype(np.int64) - 52
    month_factor = np.array([0.82, 0.85, 0.95, 1.0, 1.0, 1.05, 1.1, 1.08, 0.97, 1.0, 1.2, 1.45])
    weekday_factor = np.array([0.9, 0.92, 0.95, 1.0, 1.15, 1.35, 0.85])
    weights = (1 + 0.12 * year) * month_factor[month] * weekday_factor[weekday]
    return weights / weights.sum()


HOUR_WEIGHTS = np.array(
    [0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.4, 1.2, 2.5, 3.5, 4.2, 4.8, 5.5, 5.0, 4.4, 4.5, 5.2, 6.5, 6.8, 5.5,
     3.8, 2.2, 1.0, 0.5]
)


def small_tables(rng: np.random.Generator) -> SmallTables:
    stores: list[tuple] = []
    regions: list[int] = []
    used_names: set[str] = set()
    for i in range(N_STORES_PHYSICAL):
        city_index = i if i < len(vocab.CITIES) else int(rng.integers(len(vocab.CITIES)))
        city = vocab.CITIES[city_index]
        region = city_index // 5
        suffix = vocab.STORE_SUFFIXES[int(rng.integers(len(vocab.STORE_SUFFIXES)))]
        name = f"{city} {suffix}"
        while name in used_names:
            suffix = vocab.STORE_SUFFIXES[int(rng.integers(len(vocab.STORE_SUFFIXES)))]
            name = f"{city} {suffix} {len(used_names)}"
        used_names.add(name)
        fmt = vocab.FORMATS[int(rng.choice(3, p=[0.15, 0.5, 0.35]))]
        opened = int(rng.integers(-8000, -30))  # opened before the data window
        stores.append((i + 1, name, city, vocab.REGIONS[region], fmt, opened))
        regions.append(region)
    for j, name in enumerate(("Web Shop", "Mobile App Shop")):
        stores.append((N_STORES_PHYSICAL + j + 1, name, "Online", "Central", "online", -2400 + 900 * j))
        regions.append(4)

    products: list[tuple] = []
    prices: list[int] = []
    popularity: list[float] = []
    categories = list(vocab.CATEGORIES.items())
    per_category = N_PRODUCTS // len(categories)
    for c, (category, (median, frequency, brands, nouns)) in enumerate(categories):
        for k in range(per_category):
            product_id = len(products) + 1
            brand = brands[int(rng.integers(len(brands)))]
            noun = nouns[k % len(nouns)]
            variant = vocab.PRODUCT_VARIANTS[(k // len(nouns)) % len(vocab.PRODUCT_VARIANTS)]
            cents = max(49, int(round(median * 100 * rng.lognormal(0, 0.35))))
            cents = cents - cents % 10 + 9  # prices end in 9
            products.append((product_id, f"SKU-{product_id:06d}", f"{brand} {noun}{variant}", category, brand, cents))
            prices.append(cents)
            popularity.append(frequency / (k + 1) ** 0.8)

    campaigns: list[tuple] = []
    for m in range(N_CAMPAIGNS):
        year, month = 2022 + m // 12, m % 12
        first_day = int((np.datetime64(f"{year}-{month + 1:02d}-01") - np.datetime64("2022-01-01")).astype(int))
        starts = first_day + int(rng.integers(0, 10))
        ends = min(DAYS - 1, starts + int(rng.integers(10, 29)))
        channel = vocab.CAMPAIGN_CHANNELS[int(rng.choice(3, p=[0.55, 0.2, 0.25]))]
        target = None if rng.random() < 0.5 else vocab.TIERS[int(rng.choice(4, p=[0.2, 0.35, 0.3, 0.15]))]
        campaigns.append((m + 1, f"{vocab.CAMPAIGN_THEMES[month]} {year}", channel, starts, ends, target))

    weights = np.array(popularity)
    return SmallTables(
        stores=stores,
        products=products,
        campaigns=campaigns,
        store_region=np.array(regions),
        product_price_cents=np.array(prices, dtype=np.int64),
        product_popularity=weights / weights.sum(),
    )


def members(rng: np.random.Generator, n: int, small: SmallTables) -> Members:
    member_id = np.arange(1, n + 1, dtype=np.int32)
    span = DAYS - FIRST_JOIN_DAY
    # More members joined recently: the club grows.
    join_day = (FIRST_JOIN_DAY + np.floor(span * rng.random(n) ** 0.75)).astype(np.int32)
    activity = rng.lognormal(0.0, 0.9, n)
    order = np.argsort(-activity, kind="stable")
    tier = np.zeros(n, dtype=np.int8)
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(n)
    tier[ranks < 0.38 * n] = 1
    tier[ranks < 0.13 * n] = 2
    tier[ranks < 0.03 * n] = 3
    home_store = rng.integers(1, N_STORES_PHYSICAL + 1, n).astype(np.int32)
    store_city = np.array([vocab.CITIES.index(s[2]) for s in small.stores[:N_STORES_PHYSICAL]])
    city = np.where(rng.random(n) < 0.85, store_city[home_store - 1], rng.integers(0, len(vocab.CITIES), n))
    age_days = rng.integers(18 * 365, 86 * 365, n)
    birth_day = (join_day.clip(min=0) - age_days).astype(np.int32)
    gender = rng.choice(np.array([0, 1, 2, -1], dtype=np.int8), n, p=[0.48, 0.46, 0.02, 0.04])
    status = rng.choice(np.array([0, 1, 2], dtype=np.int8), n, p=[0.9, 0.03, 0.07])
    arrays = {
        "member_id": member_id,
        "first_i": rng.integers(0, len(vocab.FIRST_NAMES), n).astype(np.int32),
        "last_i": rng.integers(0, len(vocab.LAST_NAMES), n).astype(np.int32),
        "birth_day": birth_day,
        "birth_known": rng.random(n) >= 0.08,
        "gender_i": gender,
        "city_i": city.astype(np.int32),
        "home_store_id": home_store,
        "tier_i": tier,
        "join_day": join_day,
        "status_i": status,
        "consent": rng.random(n) < 0.65,
    }
    # Closed accounts buy less; recent joiners have had less time to buy.
    active_share = (DAYS - join_day.clip(min=0) + 30) / (DAYS + 30)
    weight = activity * active_share * np.where(status == 2, 0.3, 1.0)
    return Members(arrays, weight / weight.sum(), tier, join_day, home_store)


def receipts(rng: np.random.Generator, n: int, people: Members, online_store_ids: tuple[int, int]) -> Receipts:
    member = rng.choice(len(people.tier), n, p=people.activity).astype(np.int32) + 1
    day = rng.choice(DAYS, n, p=day_weights()).astype(np.int64)
    join = people.join_day[member - 1].astype(np.int64)
    late = day < join
    # A purchase drawn before the member joined is moved into their membership, keeping the shape.
    day[late] = join[late] + (day[late] * (DAYS - 1 - join[late])) // (DAYS - 1)
    hour = rng.choice(24, n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    seconds = day * 86_400 + hour * 3_600 + rng.integers(0, 3_600, n)
    # The app grows from 8 % of receipts in 2022 to 29 % in 2025, mostly at the stores' expense.
    year = np.minimum(day // 365, 3)
    u = rng.random(n)
    app_share = 0.08 + 0.07 * year
    online_share = 0.12 + 0.01 * year
    channel = np.where(u < app_share, 2, np.where(u < app_share + online_share, 1, 0)).astype(np.int8)
    own = rng.random(n) < 0.75
    any_physical = rng.integers(1, N_STORES_PHYSICAL + 1, n)
    store = np.where(own, people.home_store[member - 1], any_physical)
    store = np.where(channel == 1, online_store_ids[0], np.where(channel == 2, online_store_ids[1], store))
    order = np.argsort(seconds, kind="stable")
    return Receipts(member[order], seconds[order], channel[order], store[order].astype(np.int32))


def receipt_lines(rng: np.random.Generator, first_id: int, count: int, small: SmallTables) -> dict[str, np.ndarray]:
    """The lines of receipts first_id .. first_id+count-1, and each receipt's total in cents."""
    n_lines = 1 + np.minimum(rng.poisson(2.2, count), 14)
    receipt = np.repeat(np.arange(count), n_lines)
    starts = np.cumsum(n_lines) - n_lines
    line_no = np.arange(len(receipt)) - starts[receipt] + 1
    product = rng.choice(N_PRODUCTS, len(receipt), p=small.product_popularity) + 1
    quantity = 1 + np.minimum(rng.poisson(0.35, len(receipt)), 7)
    price = small.product_price_cents[product - 1]
    discounted = rng.random(len(receipt)) < 0.12
    percent = rng.choice(np.array([5, 10, 15, 20, 30]), len(receipt))
    discount = np.where(discounted, (quantity * price * percent + 50) // 100, 0)
    net = quantity * price - discount
    total = np.bincount(receipt, weights=net, minlength=count).round().astype(np.int64)
    return {
        "transaction_id": (receipt + first_id).astype(np.int64),
        "line_no": line_no.astype(np.int32),
        "product_id": product.astype(np.int32),
        "quantity": quantity.astype(np.int32),
        "price_cents": price.astype(np.int64),
        "discount_cents": discount.astype(np.int64),
        "_total_cents": total,
    }


def points_for(total_cents: np.ndarray, tier: np.ndarray) -> np.ndarray:
    return (total_cents * TIER_QUARTERS[tier] // 400).astype(np.int32)


def campaign_responses(rng: np.random.Generator, small: SmallTables, people: Members) -> dict[str, np.ndarray]:
    consent = people.arrays["consent"]
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("campaign_id", "member_id", "seconds", "opened", "converted")}
    open_rate = {"email": 0.35, "sms": 0.6, "push": 0.25}
    for campaign_id, _name, channel, starts, _ends, target in small.campaigns:
        eligible = consent & (people.join_day <= starts)
        if target is not None:
            eligible &= people.tier == vocab.TIERS.index(target)
        chosen = np.flatnonzero(eligible & (rng.random(len(consent)) < 0.3))
        opened = rng.random(len(chosen)) < open_rate[channel]
        converted = opened & (rng.random(len(chosen)) < 0.12 + 0.05 * people.tier[chosen])
        parts["campaign_id"].append(np.full(len(chosen), campaign_id, dtype=np.int32))
        parts["member_id"].append((chosen + 1).astype(np.int32))
        parts["seconds"].append(starts * 86_400 + rng.integers(8 * 3_600, 20 * 3_600, len(chosen)))
        parts["opened"].append(opened)
        parts["converted"].append(converted)
    return {k: np.concatenate(v) for k, v in parts.items()}


def ledger(
    rng: np.random.Generator, people: Members, receipts: Receipts, points: np.ndarray, responses: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Every points movement, sorted by time, with entry ids 1..n."""
    n_members = len(people.tier)
    earning = points > 0
    members_parts = [receipts.member[earning]]
    seconds_parts = [receipts.seconds[earning]]
    points_parts = [points[earning].astype(np.int64)]
    reason_parts = [np.zeros(int(earning.sum()), dtype=np.int8)]

    joined_in_window = np.flatnonzero(people.join_day >= 0)
    members_parts.append((joined_in_window + 1).astype(np.int32))
    seconds_parts.append(people.join_day[joined_in_window].astype(np.int64) * 86_400 + 10 * 3_600)
    points_parts.append(np.full(len(joined_in_window), WELCOME_BONUS, dtype=np.int64))
    reason_parts.append(np.ones(len(joined_in_window), dtype=np.int8))

    won = responses["converted"]
    members_parts.append(responses["member_id"][won])
    seconds_parts.append(responses["seconds"][won] + 2 * 86_400)
    points_parts.append(np.full(int(won.sum()), CONVERSION_BONUS, dtype=np.int64))
    reason_parts.append(np.ones(int(won.sum()), dtype=np.int8))

    earned = np.bincount(receipts.member - 1, weights=points, minlength=n_members).astype(np.int64)
    redemptions = rng.binomial(earned // REDEMPTION_BLOCK, 0.55)
    redeemer = np.repeat(np.arange(n_members), redemptions)
    first_day = people.join_day[redeemer].clip(min=0).astype(np.int64)
    day = first_day + (rng.random(len(redeemer)) * (DAYS - first_day)).astype(np.int64)
    members_parts.append((redeemer + 1).astype(np.int32))
    seconds_parts.append(day * 86_400 + rng.integers(8 * 3_600, 21 * 3_600, len(redeemer)))
    points_parts.append(np.full(len(redeemer), -REDEMPTION_BLOCK, dtype=np.int64))
    reason_parts.append(np.full(len(redeemer), 2, dtype=np.int8))

    # Closed accounts lose what is left of their purchase points at some point in 2025.
    left = earned - REDEMPTION_BLOCK * redemptions
    expiring = np.flatnonzero((people.arrays["status_i"] == 2) & (left > 0))
    members_parts.append((expiring + 1).astype(np.int32))
    seconds_parts.append((1096 + rng.integers(0, 365, len(expiring))) * 86_400 + 2 * 3_600)
    points_parts.append(-left[expiring])
    reason_parts.append(np.full(len(expiring), 3, dtype=np.int8))

    member = np.concatenate(members_parts)
    seconds = np.concatenate(seconds_parts)
    order = np.lexsort((member, seconds))
    return {
        "entry_id": np.arange(1, len(order) + 1, dtype=np.int64),
        "member_id": member[order].astype(np.int32),
        "seconds": seconds[order],
        "points": np.concatenate(points_parts)[order].astype(np.int32),
        "reason_i": np.concatenate(reason_parts)[order],
    }
