"""On-Demand compute cost of an ec2plan event log, computed by DuckDB in SQL.

Usage: duckdb_on_demand.py EVENT_LOG.csv PRICING_ON_DEMAND.csv [THREADS]

The same figure as ec2plan's compute_usd for a log that compare-speed.sh generates (Linux,
per-second billing, every run longer than the 60-second minimum): for each instance, lead()
over its rows in time order gives how long each state lasted; launch, start and reboot leave
it running, and a hibernate is billed for the first 60 s (ec2plan's default --hibernating),
up to the next row. The last row of the file is the horizon. Prints one line of
`key=value` pairs: compute_usd, billed_seconds, rows, threads, query_s.
"""

import sys
import time

import duckdb

QUERY = """
WITH ev AS (
    SELECT epoch(time)::BIGINT AS t, instance, action, instance_type, region, os
    FROM read_csv(?, header = true, columns = {
        'time': 'TIMESTAMPTZ', 'instance': 'VARCHAR', 'action': 'VARCHAR',
        'instance_type': 'VARCHAR', 'region': 'VARCHAR', 'os': 'VARCHAR',
        'ebs_gb': 'VARCHAR', 'ebs_type': 'VARCHAR', 'public_ip': 'VARCHAR',
        'interruptible': 'VARCHAR', 'hibernation': 'VARCHAR', 'group': 'VARCHAR'})
),
horizon AS (SELECT max(t) AS h, count(*) AS n FROM ev),
spans AS (
    SELECT action, t,
           lead(t) OVER w AS next_t,
           max(instance_type) OVER w2 AS itype,
           max(region) OVER w2 AS reg,
           max(os) OVER w2 AS os
    FROM ev
    WINDOW w AS (PARTITION BY instance ORDER BY t),
           w2 AS (PARTITION BY instance)
),
billed AS (
    SELECT s.itype, s.reg, s.os,
           CASE WHEN s.action IN ('launch', 'start', 'reboot') THEN coalesce(s.next_t, h.h) - s.t
                WHEN s.action = 'hibernate' THEN least(60, coalesce(s.next_t, h.h) - s.t)
                ELSE 0 END AS seconds
    FROM spans s, horizon h
)
SELECT sum(b.seconds * p.usd_per_hour) / 3600 AS compute_usd,
       sum(b.seconds) AS billed_seconds,
       (SELECT n FROM horizon) AS rows
FROM billed b
JOIN (SELECT region, instance_type, os, usd_per_hour::DECIMAL(18, 6) AS usd_per_hour
      FROM read_csv(?, header = true, comment = '#', types = {'usd_per_hour': 'VARCHAR'})) p
  ON p.region = b.reg AND p.instance_type = b.itype AND p.os = coalesce(b.os, 'linux')
WHERE b.seconds > 0
"""


def main() -> None:
    log, prices = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    if len(sys.argv) > 3:
        con.execute(f"SET threads = {int(sys.argv[3])}")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    started = time.perf_counter()
    compute, seconds, rows = con.execute(QUERY, [log, prices]).fetchone()
    elapsed = time.perf_counter() - started
    print(
        f"compute_usd={float(compute):.2f} billed_seconds={int(seconds)} rows={rows} "
        f"threads={threads} query_s={elapsed:.3f}"
    )


if __name__ == "__main__":
    main()
