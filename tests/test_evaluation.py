"""The quality gate: the dev corpus must score at least the committed baseline, and eval's CLI works."""

from __future__ import annotations

import json

import pytest

from recruitwatch.evaluate import evaluate_corpus

from .conftest import CORPUS, run_cli

TOLERANCE = 0.005  # rounding only: any real drop fails


@pytest.fixture(scope="module")
def scores():
    return evaluate_corpus(CORPUS)


def test_corpus_meets_the_targets_of_the_issue(scores):
    assert scores["documents"] >= 60
    assert scores["relevance"]["f1"] >= 0.95
    assert scores["micro"]["f1"] >= 0.85


def test_no_score_falls_below_the_committed_baseline(scores):
    baseline = json.loads((CORPUS / "baseline.json").read_text(encoding="utf-8"))
    assert scores["relevance"]["f1"] >= baseline["relevance_f1"] - TOLERANCE
    assert scores["micro"]["f1"] >= baseline["micro_f1"] - TOLERANCE
    for field, f1 in baseline["fields_f1"].items():
        assert scores["fields"][field]["f1"] >= f1 - TOLERANCE, field


def test_held_out_set_keeps_a_floor():
    """Texts never used for tuning (tests/heldout/README.md): a guard against over-fitting the dev corpus."""
    held_out = evaluate_corpus(CORPUS.parent / "heldout")
    assert held_out["documents"] >= 50
    assert held_out["relevance"]["f1"] >= 0.90
    assert held_out["micro"]["f1"] >= 0.70


def test_eval_command_exits_non_zero_below_min_f1(tmp_path):
    passing = run_cli("eval", str(CORPUS), "--min-f1", "0.5", "--json", str(tmp_path / "s.json"))
    assert passing.returncode == 0, passing.stderr
    assert json.loads((tmp_path / "s.json").read_text())["documents"] >= 60
    failing = run_cli("eval", str(CORPUS), "--min-f1", "0.999")
    assert failing.returncode == 5
    assert "below --min-f1" in failing.stderr.decode()


def test_eval_of_a_folder_without_annotations_is_a_usage_error(tmp_path):
    result = run_cli("eval", str(tmp_path))
    assert result.returncode == 2
    assert "no annotated texts" in result.stderr.decode()
