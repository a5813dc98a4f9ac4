"""mig lint's reports (text, JSON, SARIF 2.1.0), its exit code, its errors for migrations that
cannot be read, and walking a script directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mig.cli.lint import (
    LintConfigError,
    LintReport,
    MigrationLoadError,
    exit_code,
    format_json,
    format_text,
    lint_file,
    lint_script_directory,
    lint_scripts,
    render,
    to_json,
    to_sarif,
)
from mig.scripts import ScriptDirectory

from .lint_scripts import line_of, write_script


@pytest.fixture
def report_and_path(tmp_path, monkeypatch) -> tuple[LintReport, Path]:
    monkeypatch.chdir(tmp_path)
    path = write_script(
        tmp_path / "versions",
        """
        op.drop_column("t", "c")
        op.drop_table("old")  # mig-lint: disable=MIG001
        op.create_index("ix_t_a", "t", ["a"])
        """,
        rev="abc123",
    )
    return lint_file(path, dialect="postgresql"), path


# -- text -------------------------------------------------------------------------------------


def test_text_output_has_path_line_rule_revision_op_and_explanation(report_and_path) -> None:
    report, path = report_and_path
    lines = format_text(report).splitlines()
    assert lines == [
        f"versions/abc123_step.py:{line_of(path, 'drop_column')}: MIG002 [revision abc123] "
        "drop_column t.c: dropping a column loses data and breaks code still reading it",
        f"versions/abc123_step.py:{line_of(path, 'create_index')}: MIG009 [revision abc123] "
        "create_index ix_t_a on t: creating an index without postgresql_concurrently=True "
        "blocks writes to the table until it is built",
        "mig lint: 2 findings in 1 migration (1 suppressed)",
    ]


def test_text_output_of_a_clean_run(tmp_path) -> None:
    path = write_script(tmp_path, 'op.add_column("t", sa.Column("n", sa.Integer))')
    report = lint_file(path)
    assert format_text(report) == "mig lint: no findings in 1 migration"
    assert exit_code(report) == 0


def test_paths_outside_the_base_directory_stay_as_recorded(report_and_path, tmp_path) -> None:
    report, path = report_and_path
    first = format_text(report, base_dir=tmp_path / "elsewhere", summary=False).splitlines()[0]
    assert first.startswith(f"{path}:")


# -- exit code --------------------------------------------------------------------------------


def test_exit_code_is_1_when_an_enabled_rule_fires_else_0(tmp_path) -> None:
    loud = write_script(tmp_path, 'op.drop_table("t")', rev="aa01")
    quiet = write_script(tmp_path, 'op.drop_table("t")  # mig-lint: disable=MIG001', rev="bb02")
    assert exit_code(lint_file(loud)) == 1
    assert exit_code(lint_file(quiet)) == 0
    assert exit_code(lint_scripts([quiet, loud])) == 1


# -- JSON -------------------------------------------------------------------------------------


def test_json_output_shape(report_and_path) -> None:
    report, path = report_and_path
    data = json.loads(format_json(report))
    assert data == to_json(report)
    assert set(data) == {
        "version",
        "tool",
        "dialect",
        "migrations",
        "rules",
        "findings",
        "suppressed",
        "summary",
        "fail_on",
        "exit_code",
    }
    assert data["version"] == 1
    assert data["tool"]["name"] == "mig-lint"
    assert (data["dialect"], data["migrations"], data["exit_code"]) == ("postgresql", 1, 1)
    assert data["summary"] == {
        "findings": 2,
        "suppressed": 1,
        "by_severity": {"error": 1, "warning": 1},
    }
    assert data["findings"][0] == {
        "rule": "MIG002",
        "name": "drop-column",
        "severity": "error",
        "revision": "abc123",
        "path": "versions/abc123_step.py",
        "line": line_of(path, "drop_column"),
        "op": "drop_column",
        "target": "t.c",
        "message": "dropping a column loses data and breaks code still reading it",
    }
    assert data["suppressed"][0]["rule"] == "MIG001"
    assert data["suppressed"][0]["suppressed"] == "op"
    assert {r["id"] for r in data["rules"]} >= {"MIG001", "MIG009", "MIG013"}
    assert all(set(r) == {"id", "name", "severity", "summary"} for r in data["rules"])


def test_render_picks_a_format_by_name(report_and_path) -> None:
    report, _ = report_and_path
    assert render(report, "text") == format_text(report)
    assert json.loads(render(report, "json"))["summary"]["findings"] == 2
    assert json.loads(render(report, "sarif"))["version"] == "2.1.0"
    with pytest.raises(
        LintConfigError, match="unknown output format 'xml' \\(choose from text, json, sarif\\)"
    ):
        render(report, "xml")


# -- SARIF 2.1.0 ------------------------------------------------------------------------------

# The SARIF 2.1.0 schema objects mig lint writes: their required properties, the properties
# the schema allows (it sets additionalProperties: false on each), and the schema object of
# each nested property ("[x]" = an array of x). From sarif-schema-2.1.0.json (OASIS).
SARIF_OBJECTS: dict[str, dict[str, Any]] = {
    "sarifLog": {
        "required": {"version", "runs"},
        "allowed": {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
        "nested": {"runs": "[run]", "properties": "propertyBag"},
    },
    "run": {
        "required": {"tool"},
        "allowed": {
            "tool",
            "invocations",
            "conversion",
            "language",
            "versionControlProvenance",
            "originalUriBaseIds",
            "artifacts",
            "logicalLocations",
            "graphs",
            "results",
            "automationDetails",
            "runAggregates",
            "baselineGuid",
            "redactionTokens",
            "defaultEncoding",
            "defaultSourceLanguage",
            "newlineSequences",
            "columnKind",
            "externalPropertyFileReferences",
            "threadFlowLocations",
            "taxonomies",
            "addresses",
            "translations",
            "policies",
            "webRequests",
            "webResponses",
            "specialLocations",
            "properties",
        },
        "nested": {
            "tool": "tool",
            "results": "[result]",
            "originalUriBaseIds": "{artifactLocation}",
            "properties": "propertyBag",
        },
    },
    "tool": {
        "required": {"driver"},
        "allowed": {"driver", "extensions", "properties"},
        "nested": {"driver": "toolComponent", "properties": "propertyBag"},
    },
    "toolComponent": {
        "required": {"name"},
        "allowed": {
            "guid",
            "name",
            "organization",
            "product",
            "productSuite",
            "shortDescription",
            "fullDescription",
            "fullName",
            "version",
            "semanticVersion",
            "dottedQuadFileVersion",
            "releaseDateUtc",
            "downloadUri",
            "informationUri",
            "globalMessageStrings",
            "notifications",
            "rules",
            "taxa",
            "locations",
            "language",
            "contents",
            "isComprehensive",
            "localizedDataSemanticVersion",
            "minimumRequiredLocalizedDataSemanticVersion",
            "associatedComponent",
            "translationMetadata",
            "supportedTaxonomies",
            "properties",
        },
        "nested": {
            "rules": "[reportingDescriptor]",
            "shortDescription": "multiformatMessageString",
            "properties": "propertyBag",
        },
    },
    "reportingDescriptor": {
        "required": {"id"},
        "allowed": {
            "id",
            "deprecatedIds",
            "guid",
            "deprecatedGuids",
            "name",
            "deprecatedNames",
            "shortDescription",
            "fullDescription",
            "messageStrings",
            "defaultConfiguration",
            "helpUri",
            "help",
            "relationships",
            "properties",
        },
        "nested": {
            "shortDescription": "multiformatMessageString",
            "fullDescription": "multiformatMessageString",
            "defaultConfiguration": "reportingConfiguration",
            "properties": "propertyBag",
        },
    },
    "reportingConfiguration": {
        "required": set(),
        "allowed": {"enabled", "level", "rank", "parameters", "properties"},
        "nested": {},
        "enums": {"level": {"none", "note", "warning", "error"}},
    },
    "multiformatMessageString": {
        "required": {"text"},
        "allowed": {"text", "markdown", "properties"},
        "nested": {},
    },
    "result": {
        "required": {"message"},
        "allowed": {
            "ruleId",
            "ruleIndex",
            "rule",
            "kind",
            "level",
            "message",
            "analysisTarget",
            "locations",
            "guid",
            "correlationGuid",
            "occurrenceCount",
            "partialFingerprints",
            "fingerprints",
            "stacks",
            "codeFlows",
            "graphs",
            "graphTraversals",
            "relatedLocations",
            "suppressions",
            "baselineState",
            "rank",
            "attachments",
            "hostedViewerUri",
            "workItemUris",
            "provenance",
            "fixes",
            "taxa",
            "webRequest",
            "webResponse",
            "properties",
        },
        "nested": {
            "message": "message",
            "locations": "[location]",
            "suppressions": "[suppression]",
            "properties": "propertyBag",
        },
        "enums": {"level": {"none", "note", "warning", "error"}},
    },
    "message": {
        "required_any": [{"text"}, {"id"}],
        "required": set(),
        "allowed": {"text", "markdown", "id", "arguments", "properties"},
        "nested": {},
    },
    "location": {
        "required": set(),
        "allowed": {
            "id",
            "physicalLocation",
            "logicalLocations",
            "message",
            "annotations",
            "relationships",
            "properties",
        },
        "nested": {"physicalLocation": "physicalLocation"},
    },
    "physicalLocation": {
        "required_any": [{"address"}, {"artifactLocation"}],
        "required": set(),
        "allowed": {"address", "artifactLocation", "region", "contextRegion", "properties"},
        "nested": {"artifactLocation": "artifactLocation", "region": "region"},
    },
    "artifactLocation": {
        "required": set(),
        "allowed": {"uri", "uriBaseId", "index", "description", "properties"},
        "nested": {},
    },
    "region": {
        "required_any": [{"startLine"}, {"charOffset"}, {"byteOffset"}],
        "required": set(),
        "allowed": {
            "startLine",
            "startColumn",
            "endLine",
            "endColumn",
            "charOffset",
            "charLength",
            "byteOffset",
            "byteLength",
            "snippet",
            "message",
            "sourceLanguage",
            "properties",
        },
        "nested": {},
        "minimum_1": {"startLine", "startColumn", "endLine", "endColumn"},
    },
    "suppression": {
        "required": {"kind"},
        "allowed": {"guid", "kind", "status", "justification", "location", "properties"},
        "nested": {},
        "enums": {"kind": {"inSource", "external"}},
    },
    "propertyBag": {"required": set(), "allowed": None, "nested": {}},
}


def sarif_errors(value: Any, kind: str = "sarifLog", where: str = "$") -> list[str]:
    """Every way ``value`` breaks the SARIF 2.1.0 rules above, as readable paths."""
    if kind.startswith("["):
        if not isinstance(value, list):
            return [f"{where}: expected an array"]
        return [
            e for i, v in enumerate(value) for e in sarif_errors(v, kind[1:-1], f"{where}[{i}]")
        ]
    if kind.startswith("{"):
        if not isinstance(value, dict):
            return [f"{where}: expected an object"]
        return [e for k, v in value.items() for e in sarif_errors(v, kind[1:-1], f"{where}.{k}")]
    spec = SARIF_OBJECTS[kind]
    if not isinstance(value, dict):
        return [f"{where}: {kind} must be an object"]
    errors = [
        f"{where}: {kind} lacks required '{p}'" for p in sorted(spec["required"] - set(value))
    ]
    if "required_any" in spec and not any(group <= set(value) for group in spec["required_any"]):
        errors.append(f"{where}: {kind} needs one of {spec['required_any']}")
    if spec["allowed"] is not None:
        errors += [
            f"{where}: {kind} does not allow '{p}'" for p in sorted(set(value) - spec["allowed"])
        ]
    for prop, allowed in spec.get("enums", {}).items():
        if prop in value and value[prop] not in allowed:
            errors.append(f"{where}.{prop}: {value[prop]!r} is not one of {sorted(allowed)}")
    for prop in spec.get("minimum_1", ()):
        if prop in value and not (isinstance(value[prop], int) and value[prop] >= 1):
            errors.append(f"{where}.{prop}: must be an integer >= 1")
    for prop, sub in spec["nested"].items():
        if prop in value:
            errors += sarif_errors(value[prop], sub, f"{where}.{prop}")
    return errors


def test_sarif_log_meets_the_2_1_0_schema(report_and_path) -> None:
    report, path = report_and_path
    log = json.loads(json.dumps(to_sarif(report)))
    assert sarif_errors(log) == []
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mig-lint"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert all(r["shortDescription"]["text"] for r in driver["rules"])
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("MIG002", "error"),
        ("MIG009", "warning"),
        ("MIG001", "error"),
    ]
    for result in results:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {
            "uri": "versions/abc123_step.py",
            "uriBaseId": "%SRCROOT%",
        }
        assert physical["region"]["startLine"] >= 1
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": line_of(path, "drop_column")
    }
    assert results[0]["message"]["text"] == (
        "drop_column t.c: dropping a column loses data and breaks code still reading it"
    )
    assert results[0]["properties"]["revision"] == "abc123"
    assert "suppressions" not in results[0]
    assert results[2]["suppressions"][0]["kind"] == "inSource"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path.cwd().resolve().as_uri() + "/"


def test_sarif_of_directives_without_a_file_still_meets_the_schema() -> None:
    from mig.cli.lint import lint_directives
    from mig.ops import DropTableOp

    log = to_sarif(lint_directives([DropTableOp("t")]))
    assert sarif_errors(log) == []
    assert "locations" not in log["runs"][0]["results"][0]


def test_sarif_outside_the_base_directory_uses_an_absolute_file_uri(
    report_and_path, tmp_path
) -> None:
    report, path = report_and_path
    log = to_sarif(report, base_dir=tmp_path / "elsewhere")
    assert sarif_errors(log) == []
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": path.resolve().as_uri()}


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda log: log.pop("version"), "$: sarifLog lacks required 'version'"),
        (
            lambda log: log["runs"][0]["tool"]["driver"].pop("name"),
            "$.runs[0].tool.driver: toolComponent lacks required 'name'",
        ),
        (
            lambda log: log["runs"][0]["results"][0].pop("message"),
            "$.runs[0].results[0]: result lacks required 'message'",
        ),
        (
            lambda log: log["runs"][0]["results"][0].update(level="fatal"),
            "$.runs[0].results[0].level: 'fatal' is not one of",
        ),
        (
            lambda log: log["runs"][0]["results"][0].update(revision="x"),
            "$.runs[0].results[0]: result does not allow 'revision'",
        ),
        (
            lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
                "region"
            ].update(startLine=0),
            "startLine: must be an integer >= 1",
        ),
        (
            lambda log: log["runs"][0]["tool"]["driver"]["rules"][0].pop("id"),
            "reportingDescriptor lacks required 'id'",
        ),
    ],
)
def test_the_sarif_check_catches_broken_logs(report_and_path, breakage, expected) -> None:
    report, _ = report_and_path
    log = to_sarif(report)
    breakage(log)
    assert any(expected in e for e in sarif_errors(log))


# -- migrations that cannot be read -----------------------------------------------------------


def test_a_migration_that_fails_to_import_is_named(tmp_path) -> None:
    path = write_script(tmp_path, "pass", top="import no_such_module_for_lint\n")
    with pytest.raises(MigrationLoadError) as err:
        lint_file(path)
    assert str(err.value) == (
        f"{path}: cannot import the migration (line {line_of(path, 'import no_such')}): "
        "ModuleNotFoundError: No module named 'no_such_module_for_lint'"
    )


def test_a_migration_with_a_syntax_error_is_named_with_its_line(tmp_path) -> None:
    path = write_script(tmp_path, "op.drop_table(")
    with pytest.raises(MigrationLoadError) as err:
        lint_file(path)
    assert str(err.value).startswith(f"{path}: cannot import the migration: syntax error at line ")


def test_an_upgrade_that_raises_is_named_with_revision_and_line(tmp_path) -> None:
    path = write_script(tmp_path, 'op.drop_table("t")\nraise RuntimeError("boom")', rev="ee55")
    with pytest.raises(MigrationLoadError) as err:
        lint_file(path)
    assert str(err.value) == (
        f"{path} (revision ee55): upgrade() failed while being recorded at line "
        f"{line_of(path, 'raise RuntimeError')}: RuntimeError: boom"
    )


def test_a_bad_op_argument_is_named_like_any_failure(tmp_path) -> None:
    path = write_script(tmp_path, 'op.create_index("ix", "t", [])', rev="ee56")
    with pytest.raises(
        MigrationLoadError,
        match=r"\(revision ee56\): upgrade\(\) failed while being recorded at line \d+: DirectiveError: create_index: argument 'columns'",
    ):
        lint_file(path)


def test_a_script_without_upgrade_is_named(tmp_path) -> None:
    path = tmp_path / "x.py"
    path.write_text("revision = 'x1'\n")
    with pytest.raises(
        MigrationLoadError, match=r"x.py \(revision x1\): has no upgrade\(\) function"
    ):
        lint_file(path)


def test_a_missing_file_is_named(tmp_path) -> None:
    with pytest.raises(MigrationLoadError, match=r"nope.py: no such migration file"):
        lint_file(tmp_path / "nope.py")


# -- a script directory ------------------------------------------------------------------------


@pytest.fixture
def script_dir(tmp_path) -> ScriptDirectory:
    versions = tmp_path / "migrations" / "versions"
    write_script(versions, 'op.drop_table("one")', rev="a1")
    write_script(versions, 'op.drop_table("two")', rev="b2", down="a1")
    write_script(versions, 'op.drop_table("three")', rev="c3", down="b2")
    return ScriptDirectory(tmp_path / "migrations")


@pytest.mark.parametrize(
    ("rev_range", "expected"),
    [
        (None, ["a1", "b2", "c3"]),
        ("b2:", ["b2", "c3"]),
        (":b2", ["a1", "b2"]),
        ("a1:b2", ["a1", "b2"]),
        ("base:heads", ["a1", "b2", "c3"]),
        ("b2", ["b2"]),
        ("heads", ["c3"]),
    ],
)
def test_lint_script_directory_walks_the_range_oldest_first(
    script_dir, rev_range, expected
) -> None:
    report = lint_script_directory(script_dir, rev_range)
    assert [f.revision for f in report.findings] == expected
    assert report.migrations == len(expected)
    assert all(Path(f.path).name == f"{f.revision}_step.py" for f in report.findings)


def test_lint_script_directory_with_an_unknown_revision_says_so(script_dir) -> None:
    from mig.scripts import ScriptError

    with pytest.raises(ScriptError, match="zz9"):
        lint_script_directory(script_dir, "zz9:")


def test_lint_scripts_takes_paths_and_pairs(tmp_path) -> None:
    one = write_script(tmp_path, 'op.drop_table("one")', rev="a1")
    two = write_script(tmp_path, 'op.drop_table("two")', rev="b2", down="a1")
    report = lint_scripts([one, (two, "override")])
    assert [f.revision for f in report.findings] == ["a1", "override"]
    assert report.migrations == 2
