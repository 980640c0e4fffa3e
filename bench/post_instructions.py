"""Instructions per post, counted by valgrind: the cost of one post in a figure that does not move
with the load on the machine.

The CPU time of `bench/thread_post.py` moves by ±30 % within minutes on a shared host
(bench/realtime/README.md), more than most changes to the post path do. valgrind's callgrind
counts the instructions the process runs in user space instead: the same count for the same code
and data, whatever else the machine is doing. This runs `thread_post.py --only <line>` under
callgrind twice, with FEW and MANY posts, and prints the difference per post: start-up, migrations
and the warm-up cancel out. What it does not count: the kernel's work (the round trips to
PostgreSQL and Redis) and the database's own CPU, which `thread_post.py` and the realtime benches
show.

    DEBUG=true .venv/bin/python bench/post_instructions.py [--lines plain,now-and-then] [--posts 100]

The database as for thread_post.py (DATABASE_URL, REDIS_URL; without them a throwaway SQLite file
and `make run`'s cache, a database table: then each post's rate-limit count is five statements on
that table, which production, on Redis, does not run; set REDIS_URL to count production's post).
Python's string hashing is fixed (PYTHONHASHSEED=0), so a re-run gives the
same figure within a few thousand instructions; compare two versions of the code on the same
database kind. About 40 s per run under valgrind on this machine kind: a minute and a half a line.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEW = 10
COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def instructions(valgrind: str, line: str, posts: int) -> int:
    """The instructions `thread_post.py --only line --posts posts` runs, counted by callgrind."""
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [
                valgrind,
                "--tool=callgrind",
                f"--callgrind-out-file={Path(scratch) / 'callgrind.out'}",
                sys.executable,
                str(ROOT / "bench" / "thread_post.py"),
                "--only",
                line,
                "--posts",
                str(posts),
            ],
            env={**os.environ, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=False,
        )
    found = COLLECTED.findall(done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"thread_post.py --only {line} failed under valgrind:\n{done.stdout}\n{done.stderr[-3000:]}")
    return int(found[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", default="plain,now-and-then", help="comma-separated: plain, now-and-then")
    parser.add_argument("--posts", type=int, default=100, help="posts between the two runs")
    args = parser.parse_args()
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind); it counts the instructions.")
    lines = [line.strip() for line in args.lines.split(",") if line.strip()]
    if args.posts < 1 or not lines:
        raise SystemExit("--posts must be at least 1 and --lines name a line")
    # Once without valgrind: the database is created and migrated before anything is counted.
    subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "bench" / "thread_post.py"), "--only", lines[0], "--posts", "1"],
        check=True,
        capture_output=True,
    )
    print(f"instructions per post (valgrind, user space), {args.posts} posts between two runs:")
    for line in lines:
        few = instructions(valgrind, line, FEW)
        many = instructions(valgrind, line, FEW + args.posts)
        print(f"  {line:<14} {(many - few) / args.posts / 1e6:6.3f} million")


if __name__ == "__main__":
    main()
