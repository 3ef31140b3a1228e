"""The import contracts `make test` runs (import-linter, `pyproject.toml`): kept by the code as
it is, and broken by an import that would undo them: a feature reaching into `live/`, or two
features importing each other."""

import ast
import os
from pathlib import Path

import grimp
import pytest
from importlinter.api import read_configuration
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"forbidden": ForbiddenContract, "acyclic_siblings": AcyclicSiblingsContract}


@pytest.fixture(scope="module")
def contracts():
    here = os.getcwd()
    os.chdir(ROOT)  # read_configuration reads the pyproject.toml of the working directory
    try:
        config = read_configuration()
    finally:
        os.chdir(here)
    session = config["session_options"]
    built = {}
    for options in config["contracts_options"]:
        options = dict(options)
        kind, name = options.pop("type"), options.pop("name")
        built[kind] = KINDS[kind](name=name, session_options=session, contract_options=options)
    return built


def _graph():
    return grimp.build_graph("facilitator", cache_dir=None)


def test_the_contracts_are_kept(contracts):
    assert set(contracts) == set(KINDS)
    for contract in contracts.values():
        assert contract.check(_graph(), verbose=False).kept, contract.name


def test_a_feature_importing_live_breaks_the_contract(contracts):
    graph = _graph()
    graph.add_import(importer="facilitator.followups.commands",
                     imported="facilitator.live.broadcast", line_number=1,
                     line_contents="from ..live import broadcast")
    assert not contracts["forbidden"].check(graph, verbose=False).kept


def test_two_features_importing_each_other_break_the_contract(contracts):
    graph = _graph()
    # dialogues -> themes exists (a reflection's themes); the way back makes a cycle.
    graph.add_import(importer="facilitator.themes.services",
                     imported="facilitator.dialogues.access", line_number=1,
                     line_contents="from ..dialogues.access import managed_dialogue")
    assert not contracts["acyclic_siblings"].check(graph, verbose=False).kept


def test_only_the_unit_of_work_commits():
    """Services flush and entry points call `uow.commit()`: no module commits the session by
    itself, so one action is one transaction whichever door it came through."""
    found = {}
    for path in sorted((ROOT / "facilitator").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() == "facilitator/core/uow.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Attribute) and n.func.attr == "commit"
                 and not (isinstance(n.func.value, ast.Name) and n.func.value.id == "uow")]
        if calls:
            found[path.relative_to(ROOT).as_posix()] = [n.lineno for n in calls]
    assert found == {}
