"""`rostra score` through the real command: the JSON Lines contract, bad lines and exit status."""

import io
import json
import subprocess
import sys
from pathlib import Path

from rostra.cli import main
from rostra.cli.moderation import score_stream


def run_score(stdin: str, *arguments: str) -> subprocess.CompletedProcess:
    command = Path(sys.executable).with_name("rostra")
    return subprocess.run([str(command), "score", *arguments], input=stdin,
                          capture_output=True, text=True, timeout=120)


def lines(*records) -> str:
    return "".join((record if isinstance(record, str) else json.dumps(record)) + "\n" for record in records)


def test_scores_stdin_in_input_order_with_the_contract_fields():
    story = {"title": "Council cuts bus routes", "text": "Three routes will close in March."}
    result = run_score(lines(
        {"id": "a", "text": "You are a fucking idiot."},
        {"id": "b", "text": "Closing bus routes hurts the elderly most.", "story": story},
        {"id": "c", "text": "I agree with you.", "parent_text": "The routes were barely used anyway."},
    ), "-")
    assert result.returncode == 0, result.stderr
    output = [json.loads(line) for line in result.stdout.splitlines()]
    assert [item["id"] for item in output] == ["a", "b", "c"]
    for item in output:
        assert set(item) == {"id", "scores", "decision", "reasons", "model"}
        assert item["decision"] in ("approve", "hold", "reject")
        for reason in item["reasons"]:
            assert set(reason) == {"attribute", "score", "spans", "phase"}
            assert all(len(span) == 2 and span[0] < span[1] for span in reason["spans"])
    assert output[0]["decision"] == "hold" and output[1]["decision"] == "approve"
    assert "off_topic" in output[1]["scores"] and "off_topic" not in output[0]["scores"]
    assert output[0]["reasons"][0]["spans"]


def test_bad_lines_are_reported_by_number_and_field_and_the_rest_still_scored():
    result = run_score(lines(
        {"id": "1", "text": "Fine comment."},
        "{not json",
        {"id": 2, "text": "id is a number"},
        {"text": "no id"},
        {"id": "5", "text": "x", "colour": "red"},
        {"id": "6", "text": "x", "story": {"text": "no title"}},
        {"id": "7", "text": "x", "story": {"title": "t", "text": 3}},
        {"id": "8", "text": "x", "parent_text": None},
        "[1, 2]",
        {"id": "10", "text": "Also fine."},
    ))
    assert result.returncode == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["1", "10"]
    errors = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert len(errors) == 8
    assert errors[0].startswith("line 2:") and "JSON" in errors[0]
    expected = {3: "'id'", 4: "'id'", 5: "'colour'", 6: "'story.title'", 7: "'story.text'", 8: "'parent_text'", 9: "object"}
    for line_number, fragment in expected.items():
        assert any(error.startswith(f"line {line_number}") and fragment in error for error in errors), (line_number, errors)
    assert "Traceback" not in result.stderr


def test_invalid_unicode_is_scored_not_a_crash():
    command = Path(sys.executable).with_name("rostra")
    raw = b'{"id": "1", "text": "caf\xe9 \xff"}\n{"id": "2", "text": "lone \\ud800 surrogate"}\n'
    result = subprocess.run([str(command), "score"], input=raw, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.decode("utf-8").splitlines()] == ["1", "2"]


def test_byte_order_mark_and_windows_line_ends_are_read(tmp_path):
    comments = tmp_path / "excel.jsonl"
    comments.write_bytes(b'\xef\xbb\xbf{"id": "1", "text": "fine"}\r\n{"id": "2", "text": "also fine"}\r\n')
    result = run_score("", str(comments))
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["1", "2"]


def test_a_json_policy_file(tmp_path):
    comments = tmp_path / "c.jsonl"
    comments.write_text(lines({"id": "1", "text": "Read it here: https://example.org/report"}), encoding="utf-8")
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"premoderation": "links"}), encoding="utf-8")
    held = run_score("", str(comments), "--policy", str(policy))
    assert json.loads(held.stdout)["decision"] == "hold"


def test_reads_a_file_argument_and_a_policy_file(tmp_path):
    comments = tmp_path / "comments.jsonl"
    comments.write_text(lines({"id": "x", "text": "When is the referendum?"}), encoding="utf-8")
    policy = tmp_path / "policy.toml"
    policy.write_text('suspect_words = ["referendum"]\n[thresholds]\nspam = 0.9\n', encoding="utf-8")
    assert json.loads(run_score("", str(comments)).stdout)["decision"] == "approve"
    held = run_score("", str(comments), "--policy", str(policy))
    assert held.returncode == 0 and json.loads(held.stdout)["decision"] == "hold"


def test_unreadable_file_and_bad_policy_are_clear_errors(tmp_path):
    missing = run_score("", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr and "Traceback" not in missing.stderr
    policy = tmp_path / "policy.toml"
    policy.write_text("premoderation = 'sometimes'\n", encoding="utf-8")
    bad = run_score(lines({"id": "1", "text": "hi"}), "--policy", str(policy))
    assert bad.returncode == 2 and "premoderation" in bad.stderr


def test_main_entry_point_reads_a_file(tmp_path, capsys):
    comments = tmp_path / "c.jsonl"
    comments.write_text(lines({"id": "q", "text": "Send nudes"}, {"id": "r", "text": "ok"}), encoding="utf-8")
    assert main(["score", str(comments)]) == 0
    output = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [item["decision"] for item in output] == ["hold", "approve"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_for_large_input(engine):
    text = lines(*({"id": str(i), "text": "A perfectly ordinary remark about the budget vote."} for i in range(30)))
    for errors, total_bytes, expect_bar in [(_Terminal(), 1 << 21, True), (io.StringIO(), 1 << 21, False),
                                            (_Terminal(), len(text), False)]:
        output = io.StringIO()
        assert score_stream(engine, io.StringIO(text), output, errors, total_bytes) == 0
        assert len(output.getvalue().splitlines()) == 30
        assert ("scoring [" in errors.getvalue()) is expect_bar
