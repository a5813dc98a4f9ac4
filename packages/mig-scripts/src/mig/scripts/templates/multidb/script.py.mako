<%!
import re
%>"""${message}

Revision ID: ${up_revision}
${("Revises: " + (", ".join(down_revision) if isinstance(down_revision, tuple) else (down_revision or ""))).rstrip()}
Create Date: ${create_date}

"""

from collections.abc import Sequence

import sqlalchemy as sa

from mig.ops import op
${imports if imports else ""}
# Revision identifiers: mig reads these four lines without running the file.
revision: str = ${repr(up_revision)}
down_revision: str | Sequence[str] | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade(engine_name: str) -> None:
    globals()[f"upgrade_{engine_name}"]()


def downgrade(engine_name: str) -> None:
    globals()[f"downgrade_{engine_name}"]()
<%
    names = context.get("databases", ())
    if isinstance(names, str):
        names = [n for n in re.split(r"[\s,]+", names) if n]
%>
% for db_name in names:


def upgrade_${db_name}() -> None:
    ${context.get(f"{db_name}_upgrades", "pass")}


def downgrade_${db_name}() -> None:
    ${context.get(f"{db_name}_downgrades", "pass")}
% endfor
