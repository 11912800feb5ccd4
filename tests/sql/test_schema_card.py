"""SchemaCard: DDL with keys and comments, samples, values and glossary, within the budget."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tools.sql.engine import ReadOnlyDatabase
from tools.sql.schema import SchemaInfo, reflect_schema
from tools.sql.schema_card import SchemaCard, SchemaCardCache, estimate_tokens

EMAIL = re.compile(r"[\w.]+@example\.com")


def test_full_card_has_keys_comments_samples_and_values(demo_db: ReadOnlyDatabase, demo_schema: SchemaInfo) -> None:
    card = SchemaCard.build(demo_db, demo_schema, glossary="active member: bought something in the last 90 days")
    text = card.full_text()
    for table in demo_schema.tables:
        assert f"CREATE TABLE {table} (" in text
    assert "member_id INTEGER PRIMARY KEY" in text
    assert "home_store_id INTEGER NOT NULL REFERENCES stores(store_id)" in text
    assert "PRIMARY KEY (transaction_id, line_no)" in text
    assert "-- Loyalty-club members" in text
    assert "'dairy'" in text and "'pet supplies'" in text  # values of a low-cardinality column
    assert "3 sample rows: member_id | first_name" in text
    assert "active member: bought something" in text
    assert "email VARCHAR UNIQUE NOT NULL, -- E-mail address, unique per member; personal: may filter, never select" in text


def test_personal_data_never_reaches_the_card(demo_db: ReadOnlyDatabase, demo_schema: SchemaInfo) -> None:
    text = SchemaCard.build(demo_db, demo_schema).full_text()
    assert not EMAIL.search(text)
    sample_header = next(line for line in text.splitlines() if line.startswith("-- 3 sample rows: member_id"))
    assert "email" not in sample_header and "last_name" not in sample_header and "birth_date" not in sample_header


def test_over_budget_only_the_relevant_tables_go_in(demo_db: ReadOnlyDatabase, demo_schema: SchemaInfo) -> None:
    card = SchemaCard.build(demo_db, demo_schema)
    full = estimate_tokens(card.full_text())
    budget = int(0.4 * 4096)  # the default: 40 % of a 4096-token context
    assert full > budget
    view = card.render("Which gold members bought the most dairy products?", budget)
    assert view.tokens <= budget and not view.complete
    assert {"members", "products", "transactions", "transaction_items"} <= set(view.tables)
    assert "campaigns(campaign_id, name" in view.text  # the others are still named, columns only
    campaigns = card.render("What was the conversion rate of sms campaigns?", budget)
    assert campaigns.tables[:2] == ("campaigns", "campaign_responses")
    whole = card.render("anything", full + 10)
    assert whole.complete and whole.text == card.full_text()


def _sqlite(path: Path, statements: list[str]) -> None:
    con = sqlite3.connect(path)
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()


def test_cache_is_reused_until_the_schema_changes(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    _sqlite(path, ["CREATE TABLE shop (id INTEGER PRIMARY KEY, kind TEXT)", "INSERT INTO shop VALUES (1, 'bakery')"])
    cache = SchemaCardCache(tmp_path / "cards")
    db = ReadOnlyDatabase(f"sqlite:///{path}")
    first = cache.get(db, reflect_schema(db))
    assert cache.get(db, reflect_schema(db)) is first
    assert len(list((tmp_path / "cards").glob("card-*.json"))) == 1
    assert "'bakery'" in SchemaCardCache(tmp_path / "cards").get(db, reflect_schema(db)).full_text()  # from disk
    db.close()
    _sqlite(path, ["CREATE TABLE visit (id INTEGER PRIMARY KEY, shop_id INTEGER REFERENCES shop(id))"])
    db = ReadOnlyDatabase(f"sqlite:///{path}")
    rebuilt = cache.get(db, reflect_schema(db))
    assert rebuilt is not first
    assert "CREATE TABLE visit" in rebuilt.full_text() and "REFERENCES shop(id)" in rebuilt.full_text()
    db.close()


def test_a_wide_schema_stays_under_budget(tmp_path: Path) -> None:
    path = tmp_path / "wide.sqlite"
    statements = []
    for i in range(60):
        statements.append(
            f"CREATE TABLE t{i:03d}_facts (id INTEGER PRIMARY KEY, ref_id INTEGER REFERENCES t{max(i - 1, 0):03d}_facts(id), "
            f"label TEXT, amount REAL, created_at TEXT)"
        )
        statements.append(f"INSERT INTO t{i:03d}_facts VALUES (1, 1, 'x{i}', 1.5, '2024-01-01')")
    _sqlite(path, statements)
    db = ReadOnlyDatabase(f"sqlite:///{path}")
    card = SchemaCard.build(db, reflect_schema(db))
    view = card.render("total amount in t042 facts", 1638)
    assert view.tokens <= 1638
    assert view.tables[0] == "t042_facts"
    db.close()
