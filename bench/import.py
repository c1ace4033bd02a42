"""Import speed and memory: generate a Disqus export of N comments, import it with the real
`rostra import disqus` into a fresh database, and report comments per second and the importer's
resident memory (peak, and sampled through the run to show it stays flat as the file goes by).

    .venv/bin/python bench/import.py                       # 1,000,000 comments into SQLite
    .venv/bin/python bench/import.py --sizes 20000,200000  # two sizes: memory should not grow with N
    .venv/bin/python bench/import.py --database-url postgresql+psycopg://root@127.0.0.1/bench

Every imported comment is scored by the moderation engine, so the figure includes scoring.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMENTS_PER_THREAD = 20
REPLY_SHARE = 0.4
RECENT_PARENTS = 8
RSS_SAMPLE_SECONDS = 0.5
SEED = 20261202
WORDS = ("council budget library bridge tram ferry school river flood market harbour park bus route "
         "money figures page report vote mayor street housing rent water repair night morning plan "
         "really think agree disagree why where when who should would could never always again").split()
HEADER = ('<?xml version="1.0" encoding="utf-8"?>\n'
          '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n')


def write_disqus(path: Path, comments: int) -> None:
    """A Disqus export: threads first, then posts, a share of them replies to recent posts."""
    rng = random.Random(SEED)
    threads = max(1, comments // COMMENTS_PER_THREAD)
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for thread in range(threads):
            out.write(f'<thread dsq:id="{thread}"><link>https://news.example.com/story/{thread}?utm_source=x'
                      f'</link><title>Story {thread}</title><createdAt>2020-01-01T00:00:00Z</createdAt>'
                      '<isClosed>false</isClosed></thread>\n')
        recent: dict[int, list[int]] = {}
        for post in range(comments):
            thread = rng.randrange(threads)
            parents = recent.setdefault(thread, [])
            parent = f'<parent dsq:id="{rng.choice(parents)}"/>' if parents and rng.random() < REPLY_SHARE else ""
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
            user = rng.randrange(comments // 10 + 1)
            out.write(f'<post dsq:id="{post}"><message><![CDATA[<p>{text.capitalize()}.</p>]]></message>'
                      f'<createdAt>2020-01-{1 + post % 28:02d}T12:00:00Z</createdAt><isDeleted>false</isDeleted>'
                      f'<isSpam>false</isSpam><author><email>reader{user}@example.org</email>'
                      f'<name>Reader {user}</name><isAnonymous>false</isAnonymous><username>reader{user}</username>'
                      f'</author><thread dsq:id="{thread}"/>{parent}</post>\n')
            parents.append(post)
            del parents[:-RECENT_PARENTS]
        out.write("</disqus>\n")


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_import(file: Path, database_url: str, folder: Path) -> dict:
    command = [str(Path(sys.executable).with_name("rostra")), "import", "disqus", str(file),
               "--database-url", database_url]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder)
    samples: list[tuple[float, int]] = []
    while process.poll() is None:
        samples.append((time.perf_counter() - started, rss_kib(process.pid)))
        time.sleep(RSS_SAMPLE_SECONDS)
    seconds = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"import failed ({process.returncode}): {stderr.strip()[-2000:]}")
    imported = int(stdout.split("imported ")[1].split(" ")[0])
    samples = [sample for sample in samples if sample[1]]
    at = {share: next((rss for moment, rss in samples if moment >= share * seconds), samples[-1][1])
          for share in (0.25, 0.5, 0.75)}
    return {"imported": imported, "seconds": seconds, "peak_mib": max(rss for _, rss in samples) / 1024,
            "rss_quarters_mib": [at[share] / 1024 for share in (0.25, 0.5, 0.75)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000", help="comma-separated comment counts (default 1000000)")
    parser.add_argument("--database-url", help="import here (emptied first is up to you); default a fresh SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and database")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rostra-bench-import-"))
    print("| comments | file MB | import s | comments/s | peak RSS MiB | RSS at 25/50/75% of the run MiB |")
    print("|---|---|---|---|---|---|")
    try:
        for size in (int(value) for value in args.sizes.split(",")):
            file = folder / f"disqus-{size}.xml"
            write_disqus(file, size)
            url = args.database_url or f"sqlite:///{folder / f'rostra-{size}.db'}"
            result = run_import(file, url, folder)
            quarters = " / ".join(f"{value:.0f}" for value in result["rss_quarters_mib"])
            print(f"| {result['imported']:,} | {file.stat().st_size / 1e6:.0f} | {result['seconds']:.0f} | "
                  f"{result['imported'] / result['seconds']:,.0f} | {result['peak_mib']:.0f} | {quarters} |",
                  flush=True)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
