"""Writing a new revision file: the file name, the Mako render, the post-write hooks.

``generate_revision`` checks everything it can *before* writing (unknown head, a head that
is not a head, a label already used, a version path that is not a location) so a refusal
never leaves a half-made file behind.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mako.exceptions import text_error_template
from mako.template import Template

from mig.scripts.errors import (
    BranchLabelError,
    ConfigError,
    DuplicateRevision,
    MultipleHeads,
    WriteError,
)
from mig.scripts.header import read_header
from mig.scripts.hooks import run_hooks
from mig.scripts.revision import Script, as_written

if TYPE_CHECKING:
    from mig.scripts.directory import ScriptDirectory

FORBIDDEN_ID_CHARS = ("@", "-", "+", ":", "/", "\\", " ")
TEMPLATE_TOKENS = ("rev", "slug", "epoch", "year", "month", "day", "hour", "minute", "second")


def slugify(message: str | None, length: int) -> str:
    """Words of the message joined by ``_``, lower case, cut at a word end near ``length``."""
    slug = "_".join(re.findall(r"\w+", message or "")).lower()
    if len(slug) > length:
        cut = slug[:length]
        slug = (cut.rsplit("_", 1)[0] if "_" in cut else cut) + "_"
    return slug


def create_date(timezone: str | None) -> dt.datetime:
    if timezone:
        return dt.datetime.now(tz=zoneinfo.ZoneInfo(timezone))
    return dt.datetime.now()


def render_file_name(
    template: str, rev: str, message: str | None, when: dt.datetime, truncate: int
) -> str:
    """``file_template`` filled in; ``%(year)d`` style formats work, as in Alembic."""
    values: dict[str, Any] = {
        "rev": rev,
        "slug": slugify(message, truncate),
        "epoch": int(when.timestamp()),
        "year": when.year,
        "month": when.month,
        "day": when.day,
        "hour": when.hour,
        "minute": when.minute,
        "second": when.second,
    }
    try:
        name = template % values
    except KeyError as exc:
        raise ConfigError(
            "file_template",
            f"unknown token %({exc.args[0]})s; use {', '.join(TEMPLATE_TOKENS)}",
        ) from None
    except (TypeError, ValueError) as exc:
        raise ConfigError("file_template", f"{template!r} cannot be filled in: {exc}") from None
    _check_file_name(template, name)
    return name


#: a token the formatting left as it was: ``%(year)d`` written as ``%%(year)d`` in pyproject
_UNFILLED = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


def _check_file_name(template: str, name: str) -> None:
    """Refuse a file name that would surprise: a token left unfilled, a line break."""
    unfilled = _UNFILLED.search(name)
    if unfilled:
        raise ConfigError(
            "file_template",
            f"{template!r} leaves {unfilled.group()!r} unfilled in the file name {name!r}: "
            f"write a token with one % in pyproject.toml ([tool.mig]) and with %% in an "
            f"ini file",
        )
    if any(ch in name for ch in "\r\n\t\0"):
        raise ConfigError(
            "file_template", f"{template!r} makes a file name with a line break or tab in it"
        )


def _comma(value: str | Sequence[str] | None) -> str:
    """The template filter ``comma`` (Alembic's script.py.mako: ``${down_revision | comma,n}``):
    None is empty, one id is itself, several are joined with ``, ``."""
    if value is None:
        return ""
    return value if isinstance(value, str) else ", ".join(value)


def _as_tuple(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v for v in re.split(r"[\s,]+", value) if v) if "," in value else (value,)
    return tuple(value)


def render_template(template_path: str, output_path: str, encoding: str, **kw: Any) -> None:
    """Render a Mako file to ``output_path``; a template bug names the template."""
    try:
        template = Template(filename=template_path)
        text = template.render_unicode(**kw)
    except Exception as exc:
        detail = text_error_template().render().strip().splitlines()
        last = detail[-1] if detail else repr(exc)
        raise WriteError(f"{template_path}: the template failed to render: {last}") from exc
    Path(output_path).parent.mkdir(parents=True, exist_ok=True)
    with open(output_path, "w", encoding=encoding, newline="\n") as fh:
        fh.write(text)


def _pick_version_path(sd: ScriptDirectory, version_path: str | None, heads: list[Script]) -> str:
    locations = sd._version_locations
    if version_path is None:
        if len(locations) == 1:
            return locations[0]
        for head in heads:
            if head.path:
                return os.path.dirname(head.path)
        raise WriteError(
            f"there are {len(locations)} version locations ({', '.join(locations)}); "
            f"say which with --version-path"
        )
    wanted = os.path.normpath(os.path.abspath(version_path))
    for loc in locations:
        norm = os.path.normpath(os.path.abspath(loc))
        if wanted == norm or (sd.recursive_version_locations and wanted.startswith(norm + os.sep)):
            return version_path
    raise WriteError(
        f"version path {version_path!r} is not one of the version locations "
        f"({', '.join(locations)}); add it to version_locations or pick one of them"
    )


def generate_revision(
    sd: ScriptDirectory,
    revid: str,
    message: str | None,
    head: str | Sequence[str] | None = "head",
    splice: bool = False,
    branch_labels: str | Sequence[str] | None = None,
    version_path: str | None = None,
    depends_on: str | Sequence[str] | None = None,
    **template_args: Any,
) -> Script:
    """Write revision ``revid`` on top of ``head`` and return its Script.

    ``head`` is a spec or several ("head", "heads" for a merge of all, "branch@head", ids).
    Template variables: ``up_revision``, ``down_revision``, ``branch_labels``,
    ``depends_on``, ``create_date``, ``message``, ``upgrades``/``downgrades`` (default
    ``pass``), plus the directory's ``template_args`` and any passed here.
    """
    if not revid or any(c in revid for c in FORBIDDEN_ID_CHARS):
        raise WriteError(
            f"revision id {revid!r} is not allowed: it must be non-empty and contain none of "
            f"{' '.join(repr(c) for c in FORBIDDEN_ID_CHARS)}"
        )
    rmap = sd.revision_map
    if revid in rmap:
        raise DuplicateRevision(revid, [str(rmap.script(revid).path), "<new revision>"])
    heads: list[Script] = []
    for spec in _as_tuple(head) if head is not None else ("head",):
        try:
            heads.extend(rmap.script(r) for r in sd.resolve(spec))
        except MultipleHeads as exc:
            raise WriteError(
                f"there are several heads ({', '.join(exc.heads)}); give --head to choose "
                f"the one the new revision follows, or merge them first with `mig merge`"
            ) from None
    if len({h.revision for h in heads}) != len(heads):
        raise WriteError("the same head revision was given twice")
    if not splice:
        for h in heads:
            if not h.is_head:
                raise WriteError(
                    f"revision {h.revision!r} is not a head; pass --splice to start a new "
                    f"branch from it"
                )
    labels = _as_tuple(branch_labels)
    for label in labels:
        owner = rmap.label_owner(label)
        if owner is not None:
            raise BranchLabelError(
                f"branch label {label!r} is already used by revision {owner.revision!r} "
                f"({owner.path}); choose another label",
                label,
            )
        if label in rmap:
            raise BranchLabelError(f"branch label {label!r} is a revision id", label)
    deps: list[str] = []
    for dep in _as_tuple(depends_on):
        owner = rmap.label_owner(dep)
        deps.append(dep if owner is not None else rmap.lookup(dep).revision)
    directory = _pick_version_path(sd, version_path, heads)
    when = create_date(sd.timezone)
    name = render_file_name(sd.file_template, revid, message, when, sd.truncate_slug_length)
    if ("/" in name or os.sep in name) and not sd.recursive_version_locations:
        raise ConfigError(
            "file_template",
            f"{sd.file_template!r} puts revisions in subdirectories, which are only read "
            f"with recursive_version_locations = true",
        )
    path = os.path.join(directory, f"{name}.py")
    if os.path.exists(path):
        raise WriteError(f"{path} already exists; choose another revision id or message")
    template_path = os.path.join(sd.dir, "script.py.mako")
    if not os.path.exists(template_path):
        raise WriteError(f"{template_path} does not exist; the script location needs it")
    args: dict[str, Any] = {"upgrades": "pass", "downgrades": "pass"}
    args.update(sd.template_args)
    args.update(template_args)
    render_template(
        template_path,
        path,
        sd.output_encoding,
        up_revision=revid,
        down_revision=as_written(tuple(h.revision for h in heads)),
        branch_labels=as_written(labels),
        depends_on=as_written(tuple(deps)),
        create_date=when,
        message=message if message is not None else "empty message",
        comma=_comma,
        **args,
    )
    if sd.hooks:
        run_hooks(sd.hooks, path)
    header = read_header(Path(path))
    if header.revision != revid:
        raise WriteError(
            f"{path}: the template wrote revision {header.revision!r}, not {revid!r}; "
            f"check script.py.mako"
        )
    if labels and not header.branch_labels:
        raise WriteError(
            f"{path}: branch labels {', '.join(labels)} were asked for but the file has none; "
            f"add a branch_labels line to script.py.mako"
        )
    sd.refresh()
    return sd.revision_map.script(revid)
