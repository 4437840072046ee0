#!/usr/bin/env python3
"""Random agreement sweep: fluid level against buffer level on jobs drawn at random (issue 4).

The agreement tests (tests/validation/fluid_agreement_test.cpp) hold the two levels together on the
cases someone thought of. This draws others: scenarios/shared-cores-record-sizes.toml (sources ->
enrich -> sink) with a random partition into enrich, TaskManager count, cores and slots,
parallelism, per-record costs and their distribution, record size and its distribution, buffer
timeout, and a load of 25-75% of the cores. Each case runs at buffer level over two seeds and once
at fluid level, and prints the vertices whose busy time differs by more than 20 ms/s or 5% (and
throughput more than 2%, a TaskManager's CPU more than 0.02 of its cores), and
whether the fluid level printed a caveat for it ("CAVEAT"). A gap without a caveat is one the fluid
level does not know about.

    scripts/agreement_sweep.py [--seed N] [--cases N] [--binary build/flinksim] [--sinks]

The same seed draws the same cases. Takes about 5 s a case on two cores. Prints a summary last.
"""
import argparse
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = os.path.join(ROOT, "scenarios", "shared-cores-record-sizes.toml")
PARTITIONS = ["forward", "rebalance", "rescale", "hash", "broadcast", "random"]


def scenario_with(partition, directory):
    """The template with enrich's input partitioned as given (hash: over 1000 keys)."""
    with open(TEMPLATE, encoding="utf-8") as f:
        text = f.read()
    old = 'inputs = [{ from = "kafka-source", partition = "rebalance" }]'
    new = f'inputs = [{{ from = "kafka-source", partition = "{partition}" }}]'
    if partition == "hash":
        new += "\nkey_count = 1000"
    assert old in text, "the template's enrich input moved"
    path = os.path.join(directory, f"sweep-{partition}.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))
    return path


def run(binary, scenario, sets, granularity, seed):
    cmd = [binary, "run", scenario, "--no-timing", "--json", "--set", f"simulation.granularity={granularity}",
           "--set", f"seed={seed}"]
    for s in sets:
        cmd += ["--set", s]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    result = json.loads(done.stdout)
    busy = {v["name"]: v["busyTimeMsPerSecond"] for v in result["vertices"]}
    cpu = [t["cpuUtilization"] for t in result["taskmanagers"]]
    return {"busy": busy, "cpu": cpu, "throughput": result["throughput"]["mean"],
            "caveats": result["engine"].get("caveats") or []}


def draw(rnd, sinks=False):
    """One case: the partition and the --set overrides (`sinks`: the sink's parallelism drawn too,
    1 or enrich's; without, the template's 1)."""
    partition = rnd.choice(PARTITIONS)
    taskmanagers = rnd.choice([1, 1, 2])
    slots = rnd.choice([2, 3, 4, 6])
    cores = rnd.choice([1.0, 1.5, 2.0, 3.0, 4.0])
    parallelism = min(slots * taskmanagers, rnd.choice([2, 3, 4, 6, 8]))
    sources = parallelism if partition == "forward" else min(slots * taskmanagers, rnd.choice([1, 2, 3, 4]))
    enrich, source, sink = rnd.choice([20, 50, 100, 200]), rnd.choice([5, 20, 50]), rnd.choice([0, 10, 30])
    copies = parallelism if partition == "broadcast" else 1
    per_record = (source + (enrich + sink) * copies) * 1e-6
    load = rnd.uniform(0.25, 0.75)
    rate = int(load * cores * taskmanagers / per_record)
    sets = [
        "traffic.duration=90s", "simulation.warmup=20s", f"traffic.peak={rate}/s",
        f"cluster.taskmanagers={taskmanagers}", f"cluster.cpu_per_taskmanager={cores}",
        f"flink.taskmanager.numberOfTaskSlots={slots}", f"flink.parallelism.default={parallelism}",
        f"operator.kafka-source.parallelism={sources}",
        f"operator.enrich.cpu_per_record={enrich}us", f"operator.kafka-source.cpu_per_record={source}us",
        f"operator.sink.cpu_per_record={sink}us",
        f"operator.enrich.cpu_distribution={rnd.choice(['constant', 'exponential', 'lognormal:0.5'])}",
        f"operator.kafka-source.record_size={rnd.choice(['100b', '1kb', '4kb'])}",
        f"operator.kafka-source.record_size_distribution={rnd.choice(['constant', 'lognormal:0.3'])}",
        f"flink.execution.buffer-timeout.interval={rnd.choice(['0ms', '1ms', '5ms', '100ms', '300ms'])}",
    ]
    if sinks:  # drawn last: the other draws of a seed stay as they were
        sets.append(f"operator.sink.parallelism={rnd.choice([1, parallelism])}")
    return partition, sets, load


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=25)
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "flinksim"))
    parser.add_argument("--sinks", action="store_true",
                        help="draw the sink's parallelism too (1 or enrich's): a second network edge "
                             "whose readers share the TaskManager")
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    gaps = silent = 0
    worst = (0.0, "")
    with tempfile.TemporaryDirectory() as directory:
        scenarios = {p: scenario_with(p, directory) for p in PARTITIONS}
        for case in range(args.cases):
            partition, sets, load = draw(rnd, args.sinks)
            shown = " ".join(s.split("=", 1)[1] for s in sets[2:])
            label = f"#{case} {partition} load {load:.2f}: {shown}"
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                buffers = [pool.submit(run, args.binary, scenarios[partition], sets, "buffer", s) for s in (13, 14)]
                fluid = run(args.binary, scenarios[partition], sets, "fluid", 13)
                buffers = [b.result() for b in buffers]
            errors = [r["error"] for r in buffers + [fluid] if "error" in r]
            if errors:
                print(f"{label} | not run: {errors[0]}", flush=True)
                continue
            off = []
            for name, value in fluid["busy"].items():
                measured = sum(b["busy"][name] for b in buffers) / len(buffers)
                gap = value - measured
                if abs(gap) > 20 or (measured > 50 and abs(gap) > 0.05 * measured):
                    off.append(f"{name} {measured:.0f}/{value:.0f}")
                    if measured > 0 and abs(gap) / measured > worst[0] and not fluid["caveats"]:
                        worst = (abs(gap) / measured, f"#{case} {name}")
            throughput = sum(b["throughput"] for b in buffers) / len(buffers)
            if abs(fluid["throughput"] - throughput) > 0.02 * throughput:
                off.append(f"throughput {throughput:.0f}/{fluid['throughput']:.0f}")
            for tm, used in enumerate(fluid["cpu"]):
                measured = sum(b["cpu"][tm] for b in buffers) / len(buffers)
                if abs(used - measured) > 0.02:
                    off.append(f"cpu{tm} {measured:.3f}/{used:.3f}")
            caveat = " CAVEAT" if fluid["caveats"] else ""
            gaps += bool(off)
            silent += bool(off) and not fluid["caveats"]
            print(f"{label} | {' '.join(off) if off else 'ok'}{caveat}", flush=True)
    print(f"{args.cases} cases: {gaps} off by more than 20 ms/s or 5% (buffer/fluid busy ms/s), "
          f"{silent} of them without a caveat; worst without one {worst[0]:.0%} ({worst[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
