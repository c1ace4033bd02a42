"""Span arithmetic shared by the engine and the span benchmarks."""

from __future__ import annotations

from collections.abc import Iterable


def merge_spans(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted, non-overlapping [start, end) spans covering the same characters; touching spans join."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def characters(spans: Iterable[tuple[int, int]]) -> set[int]:
    """The set of character offsets a list of spans covers."""
    return {offset for start, end in spans for offset in range(start, end)}
