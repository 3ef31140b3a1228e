"""The import contracts `make test` runs (import-linter, `pyproject.toml`): kept by the code as
it is, and broken by an import that would undo them: a feature reaching into `live/`, or two
features importing each other."""

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
