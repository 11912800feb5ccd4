"""The demo database: exactly the tables of the design, deterministic, internally consistent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sql.conftest import TEST_SCALE, database_checksum, independent_connection
from tools.sql.demo_db import TABLES, build_demo_db

EXPECTED_COLUMNS = {
    "stores": ["store_id", "name", "city", "region", "format", "opened_on"],
    "members": ["member_id", "first_name", "last_name", "email", "birth_date", "gender", "city", "home_store_id",
                "tier", "joined_on", "status", "marketing_consent"],
    "products": ["product_id", "sku", "name", "category", "brand", "unit_price"],
    "transactions": ["transaction_id", "member_id", "store_id", "purchased_at", "channel", "total_amount",
                     "points_earned"],
    "transaction_items": ["transaction_id", "line_no", "product_id", "quantity", "unit_price", "discount"],
    "points_ledger": ["entry_id", "member_id", "created_at", "points", "reason"],
    "campaigns": ["campaign_id", "name", "channel", "starts_on", "ends_on", "target_tier"],
    "campaign_responses": ["campaign_id", "member_id", "sent_at", "opened", "converted"],
}


@pytest.fixture(scope="module")
def con(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory):
    connection = independent_connection(demo_db_file, tmp_path_factory.mktemp("demo_copy"))
    yield connection
    connection.close()


def one(con, sql: str):  # type: ignore[no-untyped-def]
    return con.execute(sql).fetchone()[0]


def test_tables_and_columns_are_exactly_the_designed_ones(con) -> None:
    for table, columns in EXPECTED_COLUMNS.items():
        found = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]
        ).fetchall()]
        assert found == columns, table
    assert set(TABLES) == set(EXPECTED_COLUMNS)


def test_every_table_and_column_has_a_comment(con) -> None:
    assert one(con, "SELECT count(*) FROM duckdb_tables() WHERE NOT internal AND coalesce(comment, '') = ''") == 0
    assert one(con, "SELECT count(*) FROM duckdb_columns() WHERE NOT internal AND coalesce(comment, '') = ''") == 0


def test_sizes_follow_the_scale(con) -> None:
    assert one(con, "SELECT count(*) FROM members") == round(10_000 * TEST_SCALE)
    assert one(con, "SELECT count(*) FROM transactions") == round(200_000 * TEST_SCALE)
    assert one(con, "SELECT count(DISTINCT category) FROM products") == 12


def test_value_domains(con) -> None:
    domains = {
        ("stores", "region"): {"North", "South", "East", "West", "Central"},
        ("stores", "format"): {"hypermarket", "supermarket", "convenience", "online"},
        ("members", "tier"): {"basic", "silver", "gold", "platinum"},
        ("members", "status"): {"active", "suspended", "closed"},
        ("members", "gender"): {"F", "M", "X", None},
        ("transactions", "channel"): {"store", "online", "app"},
        ("points_ledger", "reason"): {"purchase", "bonus", "redemption", "expiry"},
        ("campaigns", "channel"): {"email", "sms", "push"},
    }
    for (table, column), allowed in domains.items():
        values = {r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM {table}").fetchall()}
        assert values == allowed, (table, column)
    assert one(con, "SELECT count(*) FROM members WHERE birth_date IS NULL") > 0
    assert one(con, "SELECT count(*) FROM campaigns WHERE target_tier IS NULL") > 0


def test_totals_agree_with_their_items(con) -> None:
    mismatches = one(con, """
        SELECT count(*) FROM transactions t
        JOIN (SELECT transaction_id, sum(quantity * unit_price - discount) AS s FROM transaction_items GROUP BY 1) i
        USING (transaction_id) WHERE i.s <> t.total_amount""")
    assert mismatches == 0
    assert one(con, "SELECT count(*) FROM transactions WHERE transaction_id NOT IN "
                    "(SELECT transaction_id FROM transaction_items)") == 0


def test_dates_span_2022_to_2025_with_a_december_peak(con) -> None:
    first, last = con.execute("SELECT min(purchased_at), max(purchased_at) FROM transactions").fetchone()
    assert first.year == 2022 and last.year == 2025
    by_month = dict(con.execute("SELECT month(purchased_at), count(*) FROM transactions GROUP BY 1").fetchall())
    assert by_month[12] > 1.3 * by_month[2]
    assert one(con, "SELECT count(*) FROM transactions t JOIN members m USING (member_id) "
                    "WHERE t.purchased_at < m.joined_on") == 0


def test_points_ledger_matches_purchases_and_balances_stay_positive(con) -> None:
    earned = one(con, "SELECT sum(points_earned) FROM transactions")
    booked = one(con, "SELECT sum(points) FROM points_ledger WHERE reason = 'purchase'")
    assert earned == booked
    assert one(con, "SELECT count(*) FROM points_ledger WHERE reason IN ('redemption', 'expiry') AND points >= 0") == 0
    assert one(con, "SELECT min(b) FROM (SELECT sum(points) b FROM points_ledger GROUP BY member_id)") >= 0


def test_higher_tiers_spend_more(con) -> None:
    spend = dict(con.execute("""
        SELECT m.tier, avg(t.total_amount) * count(*) / count(DISTINCT m.member_id)
        FROM members m JOIN transactions t USING (member_id) GROUP BY 1""").fetchall())
    assert spend["basic"] < spend["silver"] < spend["gold"] < spend["platinum"]


def test_campaigns_reach_only_consenting_members_of_the_target_tier(con) -> None:
    assert one(con, "SELECT count(*) FROM campaign_responses r JOIN members m USING (member_id) "
                    "WHERE NOT m.marketing_consent") == 0
    assert one(con, "SELECT count(*) FROM campaign_responses r JOIN campaigns c USING (campaign_id) "
                    "JOIN members m USING (member_id) WHERE c.target_tier IS NOT NULL AND c.target_tier <> m.tier") == 0
    assert one(con, "SELECT count(*) FROM campaign_responses WHERE converted AND NOT opened") == 0


def test_the_same_seed_builds_the_same_rows(tmp_path: Path, demo_db_file: Path) -> None:
    again = build_demo_db(tmp_path / "again.duckdb", scale=TEST_SCALE).path
    assert database_checksum(again) == database_checksum(demo_db_file)
    other = build_demo_db(tmp_path / "other.duckdb", scale=TEST_SCALE, seed=1).path
    assert database_checksum(other)["transactions"] != database_checksum(demo_db_file)["transactions"]


def test_a_failed_build_leaves_no_database_behind(tmp_path: Path) -> None:
    target = tmp_path / "never.duckdb"
    with pytest.raises(ValueError):
        build_demo_db(target, scale=0)
    assert not target.exists()
