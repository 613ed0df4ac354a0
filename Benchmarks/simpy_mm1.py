"""The aggsim benchmark's M/M/1 model in SimPy (idiomatic: a Resource and one process per customer).

Usage: python simpy_mm1.py CUSTOMERS SEED
Prints one line of key=value pairs: model_events (arrivals + departures, the count aggsim reports
for the same model), wall_s, wq_sim (mean wait in queue) and peak_rss_kb.
"""
import random
import resource
import sys
import time

import simpy

ARRIVAL_RATE, SERVICE_RATE = 0.9, 1.0


def main(customers: int, seed: int) -> None:
    rng = random.Random(seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    stats = {"events": 0, "wait_sum": 0.0, "served": 0}

    def customer():
        arrived = env.now
        with server.request() as request:
            yield request
            stats["wait_sum"] += env.now - arrived
            stats["served"] += 1
            yield env.timeout(rng.expovariate(SERVICE_RATE))
        stats["events"] += 1  # departure

    def source():
        for _ in range(customers):
            yield env.timeout(rng.expovariate(ARRIVAL_RATE))
            stats["events"] += 1  # arrival
            env.process(customer())

    env.process(source())
    start = time.perf_counter()
    env.run()
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"tool=simpy-{simpy.__version__},model_events={stats['events']},wall_s={wall:.4f},"
          f"wq_sim={stats['wait_sum'] / stats['served']:.6f},peak_rss_kb={peak_kb}")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
