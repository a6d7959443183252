"""Start-up time of the command line: `wordvec --help` must answer in under 0.3 s.

Usage: python benchmarks/bench_startup.py [--runs 10]
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def time_command(cmd, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    script = shutil.which("wordvec")
    commands = {"python -c pass (interpreter alone)": [sys.executable, "-c", "pass"],
                "python -m wordvec --help": [sys.executable, "-m", "wordvec", "--help"]}
    if script:
        commands["wordvec --help"] = [script, "--help"]
    print(f"{'command':40s} {'median s':>9s} {'max s':>7s}")
    for name, cmd in commands.items():
        median, worst = time_command(cmd, args.runs)
        flag = "" if median < 0.3 else "  <-- over the 0.3 s target"
        print(f"{name:40s} {median:9.3f} {worst:7.3f}{flag}")


if __name__ == "__main__":
    main()
