#!/usr/bin/env python3
"""Rebuild the bundled price catalog (pricing/*.csv) from the extracted public price tables.

Usage: scripts/build-catalog.py DATA_DIR

DATA_DIR holds the tables named below, each an extraction of a public source that
pricing/README.md cites (repository, path and commit). The build never reads DATA_DIR: the
catalog files it writes are committed, so this script is only needed to refresh them.

  ec2-prices-2026-05.csv        On-Demand, Spot average, 1/3-yr Standard All Upfront effective hourly
  ri-no-upfront-2025-04.csv     No Upfront reservation fees (Linux)
  ebs-prices.csv                EBS storage per GB-month
  spot-daily-regional-2023-2024.csv  one regional Spot price per day, 66 types x 3 regions

Every price is written as the source prints it, except the All Upfront fee, which the source
gives as an effective hourly rate: the fee is that rate times the term's hours, rounded to
whole dollars (the script refuses to write the catalog if any fee lands further from a whole
dollar than the rate's printed precision allows).
"""
import csv
import sys
from decimal import Decimal
from pathlib import Path

OS_NAMES = {"linux": "linux", "mswin": "windows", "rhel": "rhel", "sles": "suse", "ubuntu": "ubuntu-pro"}
TERM_HOURS = {"1yr": 8760, "3yr": 26280}

HEADERS = {
    "instance_types.csv": """\
# vCPU and memory (GiB) of every instance type the catalog prices.
# Source: AWS Price List via the ec2instances.info (Vantage) feed, as flattened in GitHub
#   jawaadjariwala/AWS-EC2-Pricing-Landscape-Analysis, data/ec2_pricing_tidy.parquet (commit
#   b7dbceba0649cdc693d50de8a96e696b281e847a), spring 2026 (downloaded on or before 2026-05-12).
#   Columns vcpu and memory_gib, as printed. See README.md.
""",
    "on_demand.csv": """\
# EC2 On-Demand, shared tenancy, no pre-installed software, USD per hour, as printed in the source.
# Source: AWS Price List via the ec2instances.info (Vantage) feed, as flattened in GitHub
#   jawaadjariwala/AWS-EC2-Pricing-Landscape-Analysis, data/ec2_pricing_tidy.parquet (commit
#   b7dbceba0649cdc693d50de8a96e696b281e847a), spring 2026 (downloaded on or before 2026-05-12).
# 36 regions; os: linux (Linux/UNIX), windows (Windows Server, license included), rhel, suse (SUSE Linux
#   Enterprise Server), ubuntu-pro. Sorted by region: the loader reads only the regions a run uses.
""",
    "reserved.csv": """\
# Reserved Instance prices, shared tenancy, regional scope. upfront_usd is paid once per reservation,
#   usd_per_hour is the recurring fee for every hour of the term (8,760 h for 1yr, 26,280 h for 3yr).
# all-upfront (every os, standard offering): AWS Price List via the ec2instances.info (Vantage) feed
#   (yrTerm1Standard.allUpfront, yrTerm3Standard.allUpfront), as flattened in GitHub
#   jawaadjariwala/AWS-EC2-Pricing-Landscape-Analysis, data/ec2_pricing_tidy.parquet (commit
#   b7dbceba0649cdc693d50de8a96e696b281e847a), spring 2026. The feed prints the effective hourly rate;
#   the fee is that rate x term hours, which lands on a whole dollar within the printed precision for
#   every row (m5.large us-east-1: 0.056393 x 8,760 = 494.003 -> $494, AWS's own 2021 record says 494).
#   Left out: the non-Linux rows whose rate is exactly the Linux rate of the same type and region
#   although their On-Demand rates differ (Windows of m6i, r6i, c6i and others: the feed repeated
#   the Linux figure). See README.md.
# no-upfront (linux; standard and convertible): AWS's reserved-instance pricing feed
#   (source ec2-reservedinstance) as stored in GitHub yeo/ec2.shop, data/ec2/<region>-reservedinstance-*.json
#   (commit 73696e380ae600b175f859850a726edebd1de72f, 2025-04-05). Left out: the rows whose On-Demand price
#   in that feed differs from the 2026 On-Demand price (GPU types AWS repriced in 2025). See README.md.
# Sorted by region: the loader reads only the regions a run uses.
""",
    "spot_average.csv": """\
# Spot price, USD per hour: the average over the region's Availability Zones, one figure per region, type and os.
# Source: AWS Spot prices via the ec2instances.info (Vantage) feed, as flattened in GitHub
#   jawaadjariwala/AWS-EC2-Pricing-Landscape-Analysis, data/ec2_pricing_tidy.parquet (commit
#   b7dbceba0649cdc693d50de8a96e696b281e847a), spring 2026; empty in the source (so absent here) where the
#   feed gives no Spot price. Used where spot_prices.csv has no record for the time. Sorted by region.
""",
    "spot_daily.csv": """\
# One regional Linux Spot price per day, USD per hour: the day-to-day movement the --trials model draws from.
# Source: GitHub coroot/cloud-pricing, branch gh-pages, data/cloud-pricing.json.gz, one version per day
#   (commits e1c0f613... of 2023-02-20 to af03eada15b25d80863f2547ba281e71af9d5c91 of 2024-08-09), written
#   from Infracost's pricing dump of the AWS Price List. day = the date of the daily snapshot (about 08:25Z).
#   How the source aggregates zones into one regional figure is not documented. 66 types x 3 regions.
""",
    "ebs.csv": """\
# EBS volume storage, USD per GB-month of provisioned storage (no IOPS, throughput or snapshot charges).
# Source: AWS's pricing-page feed meteredUnitMaps/ec2/USD/current/ebs.json (hawkFilePublicationDate
#   2024-07-18T13:53:37Z) as stored in GitHub yeo/ec2.shop, data/ebs/ebs.json (commit
#   576c890f33ae177837e93499866aa04a0ac4fa89). Every price was the same in a 2022 Price List API copy
#   (GitHub cloudkeep-io/ebs-pricing, docs/ebs_pricing.json, commit d76ed2762d0a795a66285222321da0bb0aa801c3).
# Gaps: no prices for ap-east-2, ap-southeast-5, ap-southeast-6, ap-southeast-7, mx-central-1 (opened after
#   the feed's date); io2 only in the 16 regions listed. A launch needing a missing price is refused.
""",
    "public_ipv4.csv": """\
# Public IPv4 address charge, USD per address per hour (in-use or idle), in effect since 2024-02-01.
# Sources: AWS announcement of 2023-07-28 as reported in community.aws (AWS-hosted) article
#   https://community.aws/content/2c6cKl0W4KQZIO6dWnnDHs1tHSp/aws-to-charge-public-ipv4-addresses
#   ("Effective February 1, 2024, every resource with a Public IPv4 address ... will be charged $0.005 per IP per hour")
#   and https://www.techpartner.news/news/aws-to-charge-for-ipv4-addresses-598672 ("in all AWS regions").
# The same single rate is applied to each region the catalog prices because the sources state it applies
#   in all AWS Regions.
""",
}


def read(data: Path, name: str):
    with open(data / name, newline="") as f:
        return list(csv.DictReader(f))


def region_key(row):
    return (row[0], row[1], row[2:])


def write(out: Path, name: str, header: list, rows: list):
    rows.sort(key=lambda r: tuple(r[:-1]))
    with open(out / name, "w", newline="") as f:
        f.write(HEADERS[name])
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def upfront_fee(effective: str, hours: int) -> str:
    exact = Decimal(effective) * hours
    fee = exact.to_integral_value()
    places = -Decimal(effective).as_tuple().exponent
    tolerance = Decimal(1).scaleb(-places) / 2 * hours
    if abs(exact - fee) > tolerance:
        sys.exit(f"{effective} x {hours} = {exact} is not a whole dollar within the printed precision")
    return str(fee)


def copies_linux(row, linux, column):
    """A Windows, RHEL, SUSE or Ubuntu Pro reservation whose effective rate is exactly the Linux
    one of the same type and region, although the On-Demand rates differ: the feed repeated the
    Linux figure (a licence-included reservation cannot cost what the bare one does). 3,329
    Windows rates of the spring 2026 feed do this, 1- and 3-year (m6i, r6i, c6i, ... families)."""
    bare = linux.get((row["region"], row["instance_type"]))
    return (row["os"] != "linux" and bare is not None and row[column] == bare[column]
            and row["on_demand_usd_per_hour"] != bare["on_demand_usd_per_hour"])


def main():
    data, out = Path(sys.argv[1]), Path(__file__).resolve().parent.parent / "pricing"
    prices = read(data, "ec2-prices-2026-05.csv")
    linux = {(r["region"], r["instance_type"]): r for r in prices if r["os"] == "linux"}
    types, on_demand, spot, reserved = {}, [], [], []
    od_2026 = {}
    copied = 0
    for r in prices:
        os_name = OS_NAMES[r["os"]]
        types[r["instance_type"]] = (r["vcpu"], r["memory_gib"])
        on_demand.append([r["region"], r["instance_type"], os_name, r["on_demand_usd_per_hour"]])
        od_2026[(r["region"], r["instance_type"], os_name)] = r["on_demand_usd_per_hour"]
        if r["spot_avg_usd_per_hour"]:
            spot.append([r["region"], r["instance_type"], os_name, r["spot_avg_usd_per_hour"]])
        for term in ("1yr", "3yr"):
            column = f"ri_{term}_standard_all_upfront_effective_usd_per_hour"
            effective = r[column]
            if effective and copies_linux(r, linux, column):
                copied += 1
                continue
            if effective:
                fee = upfront_fee(effective, TERM_HOURS[term])
                reserved.append([r["region"], r["instance_type"], os_name, term, "standard", "all-upfront", fee, "0"])
    print(f"all-upfront rows left out (a non-Linux rate equal to the Linux one): {copied}")
    left_out = 0
    for r in read(data, "ri-no-upfront-2025-04.csv"):
        od = od_2026.get((r["region"], r["instance_type"], r["os"]))
        if od is None or Decimal(od) != Decimal(r["on_demand_usd_per_hour_same_feed"]):
            left_out += 1
            continue
        reserved.append([r["region"], r["instance_type"], r["os"], r["term"], r["offering"], r["payment"], "0", r["usd_per_hour"]])
    print(f"no-upfront rows left out (On-Demand differs from 2026 or type not priced in 2026): {left_out}")
    type_rows = [[t, v, m] for t, (v, m) in types.items()]
    type_rows.sort()
    with open(out / "instance_types.csv", "w", newline="") as f:
        f.write(HEADERS["instance_types.csv"])
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["instance_type", "vcpu", "memory_gib"])
        w.writerows(type_rows)
    print(f"instance_types.csv: {len(type_rows)} rows")
    write(out, "on_demand.csv", ["region", "instance_type", "os", "usd_per_hour"], on_demand)
    write(out, "spot_average.csv", ["region", "instance_type", "os", "usd_per_hour"], spot)
    write(out, "reserved.csv",
          ["region", "instance_type", "os", "term", "offering", "payment", "upfront_usd", "usd_per_hour"], reserved)
    daily = [[r["region"], r["instance_type"], r["snapshot_time_utc"][:10], r["spot_usd_per_hr"]]
             for r in read(data, "spot-daily-regional-2023-2024.csv")]
    write(out, "spot_daily.csv", ["region", "instance_type", "day", "usd_per_hour"], daily)
    ebs = [[r["region"], r["volume_type"], r["usd_per_gb_month"]] for r in read(data, "ebs-prices.csv")]
    write(out, "ebs.csv", ["region", "volume_type", "usd_per_gb_month"], ebs)
    regions = sorted({r["region"] for r in prices})
    write(out, "public_ipv4.csv", ["region", "usd_per_hour"], [[region, "0.005"] for region in regions])


if __name__ == "__main__":
    main()
