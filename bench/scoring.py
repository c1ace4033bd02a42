"""Moderation engine speed on one core: fast-tier batches, the whole pipeline with the neural tier
(v2) and without it (v1), latency, load time, memory, and alt-profanity-check on the same comments.

Usage: .venv/bin/python bench/scoring.py [--comments 20000] [--neural-comments 2000] [--seed 7]
(alt-profanity-check comes with the `bench` extra: .venv/bin/pip install -e '.[bench]')
Comments are synthetic, about 200 characters, about one in ten abusive, built from fragments below.
Each figure is given per wall-clock second and per second of this process's CPU time: on a machine
shared with other work the second is the fairer one (the load average is printed with the table).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse
import random
import resource
import statistics
import sys
import time

from _load import percentile
from rostra.moderation import CommentInput, Engine, StoryContext
from rostra.moderation.learned import LearnedScorer
from rostra.moderation.neural import NeuralScorer

OPENINGS = ["I think", "Honestly,", "The article says", "As a local resident,", "Frankly", "My view is that",
            "Not sure about this, but", "Read the report:", "Again,", "Let's be clear:"]
SUBJECTS = ["the council", "the new budget", "this government", "the bus cuts", "the mayor's plan",
            "the housing policy", "the school board", "the climate target", "our hospital", "the new tax",
            "the stadium deal", "the library closures", "the police chief", "the opposition"]
CLAIMS = ["is a mistake that will cost families for years", "makes sense if you look at the numbers",
          "was decided behind closed doors", "ignores what residents actually asked for",
          "is the best news this town has had in a while", "needs a proper public debate first",
          "is propaganda dressed up as reform", "will hurt the poorest neighbourhoods most",
          "deserves more coverage than it got", "has been handled badly from the start"]
DETAILS = ["The figures in the third paragraph do not add up.", "My neighbours feel the same way.",
           "We were promised the opposite at the last election.", "Other cities tried this and it worked.",
           "I would like to see the full costings published.", "Thanks for reporting on it.",
           "Nobody asked the people who use the service every day.", "It is time for an independent review."]
ABUSE = ["You are a fucking idiot and everyone knows it.", "Shut up, you pathetic loser.",
         "I will find you and make you pay.", "Check out my channel https://bit.ly/3xYz for the truth!!!",
         "The globalists control the banks and the media.", "Go back where you came from, you f4gg0t.",
         "Send nudes, you know you want to.", "Someone should shoot the mayor."]
STORY = StoryContext("Council passes budget with cuts to libraries and bus routes",
                     "The city council approved next year's budget, closing two branch libraries and cutting three "
                     "bus routes to cover a shortfall in pension payments. The mayor said the cuts were necessary.")


def synthetic_comments(count: int, seed: int, length: int = 200) -> list[str]:
    """Comments of about `length` characters, one in ten abusive."""
    rng = random.Random(seed)
    comments = []
    for _ in range(count):
        parts = [f"{rng.choice(OPENINGS)} {rng.choice(SUBJECTS)} {rng.choice(CLAIMS)}."]
        if rng.random() < 0.1:
            parts.insert(rng.randrange(2), rng.choice(ABUSE))
        while sum(len(part) + 1 for part in parts) < length - 10:
            parts.append(rng.choice(DETAILS))
        comments.append(" ".join(parts)[: length + 30])
    return comments


def throughput(function, items: list, batch: int) -> tuple[float, float]:
    """Items per second of wall-clock time and of this process's CPU time, calling `function` on batches.

    CPU time leaves out the time other processes held the core, so it stays meaningful on a busy machine.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    for offset in range(0, len(items), batch):
        function(items[offset:offset + batch])
    return len(items) / (time.perf_counter() - wall), len(items) / (time.process_time() - cpu)


def latencies_ms(function, items: list) -> tuple[list[float], list[float]]:
    """Per-call milliseconds, of wall-clock time and of CPU time."""
    wall_times, cpu_times = [], []
    for item in items:
        wall, cpu = time.perf_counter(), time.process_time()
        function(item)
        cpu_times.append((time.process_time() - cpu) * 1000)
        wall_times.append((time.perf_counter() - wall) * 1000)
    return wall_times, cpu_times


def peak_memory_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=20_000, help="comments per measurement (default 20000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--neural-comments", type=int, default=2000,
                        help="comments per whole-pipeline measurement with the neural tier (default 2000)")
    parser.add_argument("--model", metavar="DIR", help="an n-gram model folder to use instead of the shipped one")
    parser.add_argument("--neural-model", metavar="DIR", help="a neural model folder to use instead of the shipped one")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    texts = synthetic_comments(args.comments, args.seed)
    single = texts[: min(len(texts), 1000)]
    long_comments = synthetic_comments(300, args.seed + 1, length=600)
    memory_before = peak_memory_mib()
    load_start = time.perf_counter()
    ngram = LearnedScorer.load(args.model)
    neural = NeuralScorer.load(args.neural_model)
    engine = Engine(None, ngram, neural)
    engine.moderate(CommentInput("warm up", STORY))
    load_seconds = time.perf_counter() - load_start
    first = Engine(None, ngram)

    rows = []
    fast = throughput(engine.scores, texts, 1000)
    rows.append(("Rostra fast tier, batched scores", f"{fast[0]:,.0f}/s", f"{fast[1]:,.0f}/s", "≥ 10,000/s"))
    comments = [CommentInput(text, STORY) for text in texts]
    v1 = throughput(first.moderate_many, comments, 256)
    rows.append(("v1 engine (no neural tier): whole pipeline, batched", f"{v1[0]:,.0f}/s", f"{v1[1]:,.0f}/s", ""))
    whole = throughput(engine.moderate_many, comments[: args.neural_comments], 64)
    rows.append(("v2 engine: whole pipeline with neural tier, batched", f"{whole[0]:,.0f}/s", f"{whole[1]:,.0f}/s",
                 "≥ 200/s"))
    wall, cpu = latencies_ms(lambda text: engine.moderate(CommentInput(text, STORY)), single[:300])
    rows.append(("v2 one ~200-character comment at a time, p50", f"{percentile(wall, 0.5):.2f} ms",
                 f"{percentile(cpu, 0.5):.2f} ms", ""))
    rows.append(("v2 one ~200-character comment at a time, p99", f"{percentile(wall, 0.99):.2f} ms",
                 f"{percentile(cpu, 0.99):.2f} ms", ""))
    ours_single = (1000 / statistics.mean(wall), 1000 / statistics.mean(cpu))
    wall, cpu = latencies_ms(lambda text: engine.moderate(CommentInput(text, STORY)), long_comments)
    rows.append(("v2 one 600-character comment at a time, p50", f"{percentile(wall, 0.5):.2f} ms",
                 f"{percentile(cpu, 0.5):.2f} ms", ""))
    rows.append(("v2 one 600-character comment at a time, p99", f"{percentile(wall, 0.99):.2f} ms",
                 f"{percentile(cpu, 0.99):.2f} ms", "≤ 30 ms"))
    first_wall, first_cpu = latencies_ms(lambda text: first.moderate(CommentInput(text, STORY)), single)
    rows.append(("v1 one ~200-character comment at a time, p99", f"{percentile(first_wall, 0.99):.3f} ms",
                 f"{percentile(first_cpu, 0.99):.3f} ms", ""))
    wall_of_abuse = ("1488 (((them))) you fucking idiot I will kill you https://bit.ly/x " * 200)[:10_000]
    worst_wall, worst_cpu = latencies_ms(lambda text: engine.moderate(CommentInput(text, STORY)), [wall_of_abuse] * 5)
    rows.append(("v2 worst case: 10,000 characters of pasted abuse", f"{max(worst_wall):.1f} ms",
                 f"{max(worst_cpu):.1f} ms", "no blow-up on long input"))
    rows.append(("v2 models load and first comment", f"{load_seconds:.2f} s", "", "≤ 2 s"))
    rows.append(("Peak memory, v2 engine (process RSS)", f"{peak_memory_mib():.0f} MiB", "",
                 f"≤ 500 MiB; {memory_before:.0f} MiB before loading"))

    try:
        from profanity_check import predict_prob
    except ImportError:
        predict_prob = None
    if predict_prob is not None:
        predict_prob(["warm up"])
        theirs_batched = throughput(predict_prob, texts, 1000)
        theirs_wall, theirs_cpu = latencies_ms(lambda text: predict_prob([text]), single)
        theirs_single = (1000 / statistics.mean(theirs_wall), 1000 / statistics.mean(theirs_cpu))
        rows.append(("alt-profanity-check, batched (one score, no spans)", f"{theirs_batched[0]:,.0f}/s",
                     f"{theirs_batched[1]:,.0f}/s", ""))
        rows.append(("alt-profanity-check, one call at a time", f"{theirs_single[0]:,.0f}/s",
                     f"{theirs_single[1]:,.0f}/s", f"p99 {percentile(theirs_wall, 0.99):.3f} ms wall"))
        for name, ours, theirs in (("fast tier / alt-profanity-check batched", fast, theirs_batched),
                                   ("v2 pipeline / alt-profanity-check batched", whole, theirs_batched),
                                   ("one at a time / alt-profanity-check one at a time", ours_single, theirs_single)):
            rows.append((f"Ratio Rostra {name}", f"{ours[0] / theirs[0]:.2f}×", f"{ours[1] / theirs[1]:.2f}×", ""))
        rows.append(("Peak memory, with alt-profanity-check loaded", f"{peak_memory_mib():.0f} MiB", "", ""))
    else:
        rows.append(("alt-profanity-check", "not installed", "", "pip install -e '.[bench]'"))

    mean_length = statistics.mean(len(text) for text in texts)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"model {engine.model}; {len(texts):,} synthetic comments, mean {mean_length:.0f} characters; "
          f"one core; Python {sys.version.split()[0]}; load average {load:.1f} on {os.cpu_count()} CPUs\n")
    print(f"| {'measure':<62} | {'wall clock':>14} | {'CPU time':>14} | target / note")
    print(f"|{'-' * 64}|{'-' * 16}|{'-' * 16}|{'-' * 20}")
    for name, value, cpu_value, note in rows:
        print(f"| {name:<62} | {value:>14} | {cpu_value:>14} | {note}")

if __name__ == "__main__":
    main()
