"""``mig revision --autogenerate`` and ``mig check`` against a model module, on each backend."""

from __future__ import annotations

import json
import re

from .conftest import Project

MODEL_V1 = """
import sqlalchemy as sa

metadata = sa.MetaData()

authors = sa.Table(
    "authors",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
)
"""

MODEL_V2 = (
    MODEL_V1
    + """
posts = sa.Table(
    "posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("authors.id"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Index("ix_posts_title", "title"),
)
"""
)


def _point_env_at_model(project: Project) -> None:
    env_py = project.root / "migrations" / "env.py"
    text = env_py.read_text()
    assert "target_metadata = None" in text
    env_py.write_text(
        text.replace("target_metadata = None", "from models import metadata as target_metadata")
    )


def test_autogenerate_check_and_lint(project: Project) -> None:
    project.init()
    _point_env_at_model(project)
    (project.root / "models.py").write_text(MODEL_V1)

    out = project.mig("revision", "--autogenerate", "-m", "authors", "--rev-id", "a00001").out
    assert re.search(r"Generating .*a00001_authors\.py \.\.\. done", out)
    first = (project.root / "migrations" / "versions" / "a00001_authors.py").read_text()
    assert 'op.create_table(\n        "authors",' in first
    assert 'op.drop_table("authors")' in first

    # the database is behind the new revision: check says so
    err = project.mig("check", code=1).err
    assert "not at the head(s) a00001" in err
    project.mig("upgrade", "head")
    assert project.mig("check").out.strip() == "No new upgrade operations detected."

    (project.root / "models.py").write_text(MODEL_V2)
    result = project.mig("check", code=1)
    # issue 15: worded as mig-diff words it (one vocabulary)
    assert "  + create table posts: 3 columns: id, author_id, title" in result.out
    assert "the model and the database differ" in result.err
    report = json.loads(project.mig("check", "--format", "json", code=1).out)
    assert report["equal"] is False
    assert [(d["op"], d["object"]) for d in report["differences"]] == [("create_table", "posts")]

    project.mig("revision", "--autogenerate", "-m", "posts", "--rev-id", "b00002")
    second = (project.root / "migrations" / "versions" / "b00002_posts.py").read_text()
    assert 'sa.Index("ix_posts_title", "title")' in second
    project.mig("upgrade", "head")
    assert {"authors", "posts"} <= project.table_names()
    assert project.mig("check").out.strip() == "No new upgrade operations detected."

    # downgrade of the generated script undoes it
    project.mig("downgrade", "a00001")
    assert "posts" not in project.table_names()

    # lint: nothing risky so far; a dropped column is reported by autogenerate and by lint
    assert project.mig("lint").out.strip() == "mig lint: no findings in 2 migrations"
    project.mig("upgrade", "head")
    (project.root / "models.py").write_text(
        MODEL_V2.replace('    sa.Column("title", sa.String(200), nullable=False),\n', "").replace(
            '    sa.Index("ix_posts_title", "title"),\n', ""
        )
    )
    out = project.mig("revision", "--autogenerate", "-m", "no title", "--rev-id", "c00003").out
    assert "review before applying" in out and "MIG002" in out
    lint = project.mig("lint", code=1).out
    assert re.search(
        r"c00003_no_title\.py:\d+: MIG002 \[revision c00003\] drop_column posts\.title", lint
    )
    sarif = json.loads(project.mig("lint", "--format", "sarif", code=1).out)
    assert sarif["version"] == "2.1.0"
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"MIG002"}
