"""Rostra's functional test suite for hate, as a table: per function, the v1 and v2 engines' results.

Reads the case lists of tests/moderation/functional/test_*.py (HELD: should be held; APPROVED,
AIMED/UNAIMED for profanity: should pass, or be held as insults) and prints, per file, how many of
each list each engine holds or rejects.
Usage: .venv/bin/python bench/functional.py [--verbose]
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from rostra.moderation import CommentInput, Engine

SUITE = Path(__file__).resolve().parent.parent / "tests" / "moderation" / "functional"
# Case lists a moderator should hold, and lists that must pass.
SHOULD_HOLD = ("HELD", "AIMED")
SHOULD_PASS = ("APPROVED", "UNAIMED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="print every case the v2 engine gets wrong")
    args = parser.parse_args()
    v2 = Engine.default()
    engines = (("v1", Engine(None, v2.scorer)), ("v2", v2))
    print(f"v1 {engines[0][1].model}; v2 {v2.model}\n")
    print(f"| {'function':28} | {'list':9} | {'cases':>5} | {'v1 held':>7} | {'v2 held':>7} |")
    print(f"|{'-' * 30}|{'-' * 11}|{'-' * 7}|{'-' * 9}|{'-' * 9}|")
    totals = {name: [0, 0, 0, 0] for name, _ in engines}
    for path in sorted(SUITE.glob("test_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for list_name in (*SHOULD_HOLD, *SHOULD_PASS):
            texts = getattr(module, list_name, None)
            if not texts:
                continue
            cells = []
            for name, engine in engines:
                verdicts = engine.moderate_many([CommentInput(text) for text in texts])
                held = sum(verdict.decision != "approve" for verdict in verdicts)
                cells.append(f"{held:>3}/{len(texts):<3}")
                hold_side = list_name in SHOULD_HOLD
                totals[name][0 if hold_side else 2] += held
                totals[name][1 if hold_side else 3] += len(texts)
                if args.verbose and name == "v2":
                    for text, verdict in zip(texts, verdicts):
                        if (verdict.decision != "approve") != hold_side:
                            print(f"    v2 {verdict.decision}: {text!r}")
            function = path.stem.removeprefix("test_").replace("_", " ")
            print(f"| {function:28} | {list_name:9} | {len(texts):>5} | {cells[0]:>7} | {cells[1]:>7} |")
    for name, (held, hold_total, false, pass_total) in totals.items():
        print(f"{name}: held {held}/{hold_total} ({held / hold_total:.0%}) of the cases to hold; "
              f"held {false}/{pass_total} ({false / pass_total:.0%}) of the cases that must pass")


if __name__ == "__main__":
    main()
