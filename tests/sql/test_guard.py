"""SqlGuard: one read-only query over known tables, with a LIMIT, never returning personal data."""

from __future__ import annotations

import json

import pytest

from tests.sql.conftest import SPIDER_DIR
from tools.sql.engine import ReadOnlyDatabase
from tools.sql.guard import SqlGuard, SqlRefused
from tools.sql.schema import SchemaInfo, reflect_schema


@pytest.fixture(scope="module")
def guard(demo_schema: SchemaInfo) -> SqlGuard:
    return SqlGuard(demo_schema, "duckdb", row_cap=100)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT tier, count(*) FROM members GROUP BY tier",
        "SELECT s.region, sum(t.total_amount) AS revenue FROM transactions t JOIN stores s "
        "ON s.store_id = t.store_id GROUP BY 1 ORDER BY revenue DESC",
        "WITH monthly AS (SELECT date_trunc('month', purchased_at) AS m, sum(total_amount) AS s FROM transactions "
        "GROUP BY 1) SELECT m, s FROM monthly ORDER BY m",
        "SELECT first_name FROM members UNION SELECT city FROM stores",
        "SELECT count(*) FROM members WHERE email LIKE '%@example.com'",
        "SELECT count(*) FROM members WHERE birth_date < DATE '1970-01-01' AND last_name = 'Smith'",
        "(SELECT category FROM products)",
        "SELECT * FROM range(5)",
        "SELECT first_name, count(*) AS n FROM members GROUP BY 1 HAVING n > 3 ORDER BY n DESC",
    ],
)
def test_reading_queries_pass_and_still_run(guard: SqlGuard, demo_db: ReadOnlyDatabase, sql: str) -> None:
    checked = guard.check(sql)
    assert checked.sql.endswith("LIMIT 100")
    demo_db.execute(checked.sql)


def test_limit_is_added_clamped_or_kept(guard: SqlGuard) -> None:
    assert guard.check("SELECT name FROM stores").limit == 100
    assert guard.check("SELECT name FROM stores LIMIT 100000").sql.endswith("LIMIT 100")
    assert guard.check("SELECT name FROM stores LIMIT 5").limit == 5
    assert guard.check("SELECT name FROM stores FETCH FIRST 3 ROWS ONLY").limit == 3


def test_select_star_leaves_personal_columns_out(guard: SqlGuard, demo_db: ReadOnlyDatabase) -> None:
    checked = guard.check("SELECT * FROM members m JOIN stores s ON s.store_id = m.home_store_id")
    columns = demo_db.execute(checked.sql).columns
    assert "email" not in columns and "last_name" not in columns and "birth_date" not in columns
    assert "first_name" in columns and "region" in columns
    assert any("members.email" in note for note in checked.notes)
    nested = guard.check("WITH x AS (SELECT * FROM members) SELECT * FROM x")
    assert "email" not in demo_db.execute(nested.sql).columns


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT email FROM members",
        "SELECT m.last_name FROM members m",
        "SELECT upper(email) AS shout FROM members",
        "SELECT string_agg(email, ',') FROM members",
        "SELECT (SELECT birth_date FROM members LIMIT 1)",
        "SELECT first_name FROM members UNION ALL SELECT email FROM members",
        "WITH x AS (SELECT email AS e FROM members) SELECT e FROM x",
    ],
)
def test_personal_columns_are_never_returned(guard: SqlGuard, sql: str) -> None:
    with pytest.raises(SqlRefused) as caught:
        guard.check(sql)
    assert caught.value.kind == "personal" and not caught.value.repairable
    assert "personal data" in caught.value.message


def test_deny_list_is_configurable(demo_schema: SchemaInfo) -> None:
    open_guard = SqlGuard(demo_schema, "duckdb", deny_columns=())
    assert open_guard.check("SELECT email FROM members").sql.startswith("SELECT email")
    strict = SqlGuard(demo_schema, "duckdb", deny_columns=["stores.name"])
    with pytest.raises(SqlRefused):
        strict.check("SELECT name FROM stores")


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("SELECT nope FROM members", "unknown_name"),
        ("SELECT * FROM customers", "unknown_name"),
        ("SELECT m FROM members m", "unknown_name"),
        ("SELEC tier FROM members", "syntax"),
        ("SELECT tier FROM members WHERE (", "syntax"),
        ("", "syntax"),
        ("SELECT ? FROM members", "syntax"),
    ],
)
def test_mistakes_are_refused_with_a_reason_the_model_can_fix(guard: SqlGuard, sql: str, kind: str) -> None:
    with pytest.raises(SqlRefused) as caught:
        guard.check(sql)
    assert caught.value.kind == kind
    assert caught.value.message and "Traceback" not in caught.value.message


def test_unknown_names_list_what_exists(guard: SqlGuard) -> None:
    with pytest.raises(SqlRefused, match="transactions"):
        guard.check("SELECT * FROM purchases")


def test_spider_gold_queries_pass_unchanged_in_meaning() -> None:
    items = json.loads((SPIDER_DIR / "dev.json").read_text())
    for item in items:
        path = SPIDER_DIR / "database" / item["db_id"] / f"{item['db_id']}.sqlite"
        db = ReadOnlyDatabase(f"sqlite:///{path}")
        guard = SqlGuard(reflect_schema(db), "sqlite", row_cap=10_000, deny_columns=())
        checked = guard.check(item["query"])
        assert sorted(map(repr, db.execute(checked.sql).rows)) == sorted(map(repr, db.execute(item["query"]).rows))
        db.close()


def test_sqlite_double_quoted_strings_are_read_as_sqlite_reads_them() -> None:
    db = ReadOnlyDatabase(f"sqlite:///{SPIDER_DIR / 'database' / 'pets_1' / 'pets_1.sqlite'}")
    guard = SqlGuard(reflect_schema(db), "sqlite", deny_columns=())
    checked = guard.check('SELECT count(*) FROM Pets WHERE PetType = "dog"')
    assert "'dog'" in checked.sql
    assert db.execute(checked.sql).rows[0][0] > 0
    db.close()
