"""Every configured backend is reachable and usable: an unreachable one fails, never skips."""

import sqlalchemy as sa


def test_backend_round_trip(engine: sa.Engine) -> None:
    table = sa.Table("mig_probe", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))
    with engine.begin() as conn:
        table.create(conn)
        conn.execute(table.insert(), [{"id": 1}, {"id": 2}])
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 2
    assert sa.inspect(engine).has_table("mig_probe")
