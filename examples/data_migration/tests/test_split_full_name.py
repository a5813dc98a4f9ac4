"""The data migration b2f0c0de0002, tested with mig's pytest fixtures: stop at the revision
before it, put rows in, run it, read what it made of them (and back again)."""

BEFORE, SPLIT = "a1f0c0de0001", "b2f0c0de0002"

PEOPLE = [
    {"id": 1, "full_name": "Ada Lovelace", "email": "ada@example.org"},
    {"id": 2, "full_name": "Grace Brewster Hopper", "email": None},
    {"id": 3, "full_name": "Plato", "email": None},
]


def test_upgrade_splits_full_names(mig_runner) -> None:
    mig_runner.migrate_up_to(BEFORE)
    mig_runner.insert_into("users", PEOPLE)
    mig_runner.migrate_up_one()
    assert mig_runner.current == (SPLIT,)
    assert mig_runner.rows("users") == [
        {"id": 1, "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org"},
        {"id": 2, "first_name": "Grace", "last_name": "Brewster Hopper", "email": None},
        {"id": 3, "first_name": "Plato", "last_name": "", "email": None},
    ]


def test_downgrade_joins_them_again(mig_runner) -> None:
    mig_runner.insert_into(
        "users", [{"id": 7, "first_name": "Alan", "last_name": "Turing"}], revision=SPLIT
    )
    mig_runner.migrate_down_to(BEFORE)
    assert mig_runner.rows("users") == [{"id": 7, "full_name": "Alan Turing", "email": None}]


def test_table_at_revision_follows_history(mig_runner) -> None:
    assert {c.name for c in mig_runner.table_at_revision("users", BEFORE).columns} == {
        "id",
        "full_name",
        "email",
    }
    after = mig_runner.table_at_revision("users", SPLIT)
    assert {c.name for c in after.columns} == {"id", "email", "first_name", "last_name"}
    assert after.c.first_name.nullable is False
    assert mig_runner.table_at_revision("users", BEFORE).c.full_name.nullable is False


def test_every_step_round_trips(mig_runner) -> None:
    stepped = []
    while (revision := mig_runner.roundtrip_next_revision()) is not None:
        stepped.append(revision)
    assert stepped == [BEFORE, SPLIT]
    assert mig_runner.current == mig_runner.heads == (SPLIT,)
