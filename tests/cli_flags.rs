//! The command line's surface through the binary: each command takes only its own flags,
//! the short flags, `recommend --out`, shell completions and manual pages, the `--help`
//! examples, and the tables people read (thousands separators, groups costliest first,
//! `--groups N`). Every figure is worked out by hand from the bundled prices.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

fn ec2plan() -> Command {
    Command::cargo_bin("ec2plan").expect("the binary is built")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("scratch file written");
    path
}

fn stdout_of(args: &[&str]) -> String {
    let output = ec2plan().current_dir(root()).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ------------------------------------------------------------------ each command's flags

#[test]
fn each_command_refuses_the_flags_it_does_not_use() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    let out = out.to_str().unwrap();
    let fleet = "scenarios/web-fleet.csv";
    let schedule = "scenarios/nightly-batch.csv";
    let refused: &[(&[&str], &str)] = &[
        (&["recommend", fleet, "--strategy", "spot"], "--strategy"),
        (
            &["recommend", fleet, "--granularity", "hourly"],
            "--granularity",
        ),
        (&["recommend", fleet, "--trials", "3"], "--trials"),
        (&["recommend", fleet, "--seed", "3"], "--seed"),
        (&["recommend", fleet, "--reserve", "auto"], "--reserve"),
        (
            &["recommend", fleet, "--interruptions", "none"],
            "--interruptions",
        ),
        (
            &["recommend", fleet, "--on-demand-base", "1"],
            "--on-demand-base",
        ),
        (&["recommend", fleet, "--groups", "2"], "--groups"),
        (&["compare", fleet, "--out", out], "--out"),
        (&["compare", fleet, "-o", out], "-o"),
        (&["compare", fleet, "--quiet"], "--quiet"),
        (
            &["compare", fleet, "--granularity", "daily"],
            "--granularity",
        ),
        (&["compare", fleet, "--trials", "2"], "--trials"),
        (&["compare", fleet, "--groups", "2"], "--groups"),
        (&["compare", fleet, "--line-items", "csv"], "--line-items"),
        (
            &["recommend", fleet, "--line-items", "parquet"],
            "--line-items",
        ),
        (&["expand", schedule, "--strategy", "spot"], "--strategy"),
        (&["expand", schedule, "--format", "csv"], "--format"),
        (&["expand", schedule, "--pending", "1m"], "--pending"),
        (&["expand", schedule, "--reserve", "auto"], "--reserve"),
        (&["generate", "--format", "json"], "--format"),
        (&["generate", "--strategy", "all"], "--strategy"),
        (&["generate", "--set", "os=windows"], "--set"),
        (&["pricing", "show", "m5.large", "--out", out], "--out"),
        (
            &["pricing", "show", "m5.large", "--strategy", "spot"],
            "--strategy",
        ),
        (
            &["pricing", "import", "a.csv", "--format", "csv"],
            "--format",
        ),
        (&["completions", "bash", "--out", out], "--out"),
        (&["man", "--format", "csv"], "--format"),
        (&["simulate", fleet, "--variant", "os=windows"], "--variant"),
    ];
    for (args, flag) in refused {
        ec2plan()
            .current_dir(root())
            .args(*args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with(format!(
                "error: unexpected argument '{flag}' found"
            )));
    }
    assert!(!Path::new(out).exists(), "a refused --out wrote {out}");
}

#[test]
fn flags_that_only_mean_something_with_another_are_refused_without_it() {
    // --granularity cuts line_items.csv, which only --out writes.
    ec2plan()
        .current_dir(root())
        .args([
            "simulate",
            "scenarios/web-fleet.csv",
            "--granularity",
            "hourly",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--out <DIR>"));
    // So does --line-items, the form of line_items.csv / .parquet.
    ec2plan()
        .current_dir(root())
        .args([
            "simulate",
            "scenarios/web-fleet.csv",
            "--line-items",
            "parquet",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--out <DIR>"));
    // --groups shortens the table; CSV and JSON keep every group.
    for format in ["csv", "json"] {
        ec2plan()
            .current_dir(root())
            .args(["simulate", "scenarios/web-fleet.csv", "--groups", "2"])
            .args(["--format", format])
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!(
                "error: --groups 2 shortens the table, and --format {format} keeps every group; \
                 leave out --groups or print the table\n"
            ));
    }
    ec2plan()
        .current_dir(root())
        .args(["simulate", "scenarios/web-fleet.csv", "--groups", "0"])
        .assert()
        .code(2);
    // --replace-after times the advisor model's replacements, as --seed and --trials
    // need it.
    ec2plan()
        .current_dir(root())
        .args(["simulate", "scenarios/web-fleet.csv", "--replace-after", "5m"])
        .assert()
        .code(2)
        .stderr(
            "error: --replace-after times the advisor model's replacements: add --interruptions advisor\n",
        );
}

#[test]
fn each_help_shows_its_own_flags_and_examples() {
    // (command, flags its help must list, flags it must not)
    let cases: &[(&[&str], &[&str], &[&str])] = &[
        (
            &["simulate"],
            &[
                "--strategy",
                "--groups",
                "--granularity",
                "--line-items",
                "--trials",
                "--reserve",
                "-o, --out",
            ],
            &["--variant"],
        ),
        (
            &["recommend"],
            &[
                "-o, --out",
                "-f, --format",
                "-q, --quiet",
                "--term",
                "--payment",
                "--set",
            ],
            &[
                "--strategy",
                "--granularity",
                "--trials",
                "--reserve",
                "--interruptions",
                "--groups",
            ],
        ),
        (
            &["compare"],
            &["--variant", "--strategy", "--reserve", "--interruptions"],
            &[
                "--out",
                "--quiet",
                "--granularity",
                "--line-items",
                "--trials",
                "--groups",
            ],
        ),
        (
            &["expand"],
            &["-o, --out", "--until", "--set", "--region"],
            &["--strategy", "--format", "--pending", "--reserve"],
        ),
        (
            &["generate"],
            &["--instances", "--schedule", "-o, --out"],
            &["--format", "--strategy", "--set"],
        ),
        (&["pricing", "show"], &["-f, --format", "--os"], &["--out"]),
        (&["pricing", "import"], &["-o, --out"], &["--format"]),
        (&["completions"], &["<SHELL>"], &["--out"]),
        (&["man"], &["-o, --out"], &["--format"]),
    ];
    for (command, has, lacks) in cases {
        let help = stdout_of(&[*command, &["--help"][..]].concat());
        assert!(
            help.contains("Examples"),
            "{command:?} --help has no examples"
        );
        for flag in *has {
            assert!(help.contains(flag), "{command:?} --help lacks {flag}");
        }
        for flag in *lacks {
            assert!(!help.contains(flag), "{command:?} --help lists {flag}");
        }
    }
}

/// The example lines of a `--help` text (`  ec2plan …`), each cut before a shell
/// redirection or pipe, as arguments.
fn examples(help: &str) -> Vec<Vec<String>> {
    help.lines()
        .filter_map(|line| line.strip_prefix("  ec2plan "))
        .map(|line| {
            let command = line.split(['>', '|']).next().unwrap_or(line);
            command.split_whitespace().map(str::to_string).collect()
        })
        .collect()
}

#[test]
fn every_help_example_runs() {
    // Run where the repository's scenarios/ and tests/data are, in a scratch directory so
    // that the examples' output files land there.
    let dir = tempfile::tempdir().unwrap();
    for name in ["scenarios", "tests"] {
        std::os::unix::fs::symlink(root().join(name), dir.path().join(name)).unwrap();
    }
    let commands: &[&[&str]] = &[
        &[],
        &["simulate"],
        &["recommend"],
        &["compare"],
        &["expand"],
        &["generate"],
        &["pricing", "import"],
        &["pricing", "show"],
        &["completions"],
        &["man"],
    ];
    let mut ran = 0;
    for command in commands {
        let help = stdout_of(&[*command, &["--help"][..]].concat());
        let lines = examples(&help);
        assert!(lines.len() >= 2, "{command:?}: {lines:?}");
        for args in lines {
            let output = ec2plan()
                .current_dir(dir.path())
                .args(&args)
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "`ec2plan {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} examples");
    // The examples' --out targets were written.
    for file in [
        "report/summary.csv",
        "plan/recommendation.csv",
        "fleet.csv",
        "man/ec2plan.1",
    ] {
        assert!(dir.path().join(file).is_file(), "{file} not written");
    }
}

// ------------------------------------------------------------------ short flags

#[test]
fn short_flags_do_what_the_long_ones_do() {
    let pairs: &[(&[&str], &[&str])] = &[
        (
            &["simulate", "scenarios/dev-machines.csv", "-f", "csv"],
            &["simulate", "scenarios/dev-machines.csv", "--format", "csv"],
        ),
        (
            &["recommend", "scenarios/web-fleet.csv", "-f", "json", "-q"],
            &[
                "recommend",
                "scenarios/web-fleet.csv",
                "--format",
                "json",
                "--quiet",
            ],
        ),
        (
            &[
                "compare",
                "scenarios/dev-machines.csv",
                "scenarios/hibernating-dev.csv",
                "-f",
                "csv",
            ],
            &[
                "compare",
                "scenarios/dev-machines.csv",
                "scenarios/hibernating-dev.csv",
                "--format",
                "csv",
            ],
        ),
        (
            &["pricing", "show", "m5.large", "-f", "csv"],
            &["pricing", "show", "m5.large", "--format", "csv"],
        ),
    ];
    for (short, long) in pairs {
        assert_eq!(stdout_of(short), stdout_of(long), "{short:?}");
    }
    // -o writes the same files as --out.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let (a_text, b_text) = (a.to_str().unwrap(), b.to_str().unwrap());
    for (flag, out) in [("-o", a_text), ("--out", b_text)] {
        stdout_of(&["simulate", "scenarios/web-fleet.csv", "-q", flag, out]);
    }
    assert_eq!(names(&a), names(&b));
    for file in [
        "summary.csv",
        "groups.csv",
        "timeline.csv",
        "line_items.csv",
        "monthly.csv",
    ] {
        assert_eq!(
            fs::read(a.join(file)).unwrap(),
            fs::read(b.join(file)).unwrap()
        );
    }
    for (flag, name) in [("-o", "a.csv"), ("--out", "b.csv")] {
        let path = dir.path().join(name);
        let path = path.to_str().unwrap();
        stdout_of(&["expand", "scenarios/nightly-batch.csv", flag, path]);
    }
    assert_eq!(
        fs::read(dir.path().join("a.csv")).unwrap(),
        fs::read(dir.path().join("b.csv")).unwrap()
    );
}

// ------------------------------------------------------------------ recommend --out

#[test]
fn recommend_out_writes_the_recommendation_and_its_charts() {
    // scenarios/quarter-plan.csv (scenarios/EXPECTED.md, "Reserved (auto)"), 1yr standard
    // All Upfront, a replay of 2,184 h, each fee = upfront × 2,184 / 8,760:
    // - m7i (api and api-peak, m7i.large $0.1008/h): On-Demand 11,076 h × 0.1008 =
    //   1,116.4608 → 1,116.46; buy 4 × m7i.large ($545): fee 2,180 × 2,184 / 8,760 =
    //   543.5068…, plus api-peak's 2,340 h left On-Demand, 235.872: 779.3788… → 779.38;
    //   savings 337.082 → 337.08; break-even 545 / 8,760 / 0.1008 = 61.72% → 61.7.
    // - windows m5.xlarge ($0.376/h, 2,184 h): 821.184 → 821.18; buy 1 ($2,601): fee
    //   648.4684… → 648.47; savings 172.7155… → 172.72; break-even 2,601 / 8,760 / 0.376
    //   = 78.97% → 79.0.
    // - c7i (batch, c7i.xlarge $0.1785/h, 2,730 h): 487.305 → 487.31, used 12.5% of the
    //   hours, below its break-even 965 / 8,760 / 0.1785 = 61.71%: buy none.
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan");
    let table = stdout_of(&[
        "recommend",
        "scenarios/quarter-plan.csv",
        "--out",
        plan.to_str().unwrap(),
    ]);
    assert_eq!(
        names(&plan),
        [
            "recommendation.csv",
            "reservations_us-east-1_c7i.png",
            "reservations_us-east-1_m7i.png",
            "reservations_us-east-1_windows_m5.xlarge.png",
        ]
    );
    let csv = fs::read_to_string(plan.join("recommendation.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "region",
            "os",
            "pool",
            "instance_type",
            "count",
            "utilization_pct",
            "on_demand_usd",
            "with_reservations_usd",
            "savings_usd",
            "break_even_utilization_pct",
            "months_to_break_even",
            "one_more_changes_cost_usd",
            "why"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().take(10).map(str::to_string).collect())
        .collect();
    let expected = [
        [
            "us-east-1",
            "linux",
            "c7i",
            "c7i.xlarge",
            "0",
            "0.0",
            "487.31",
            "487.31",
            "0.00",
            "61.7",
        ],
        [
            "us-east-1",
            "linux",
            "m7i",
            "m7i.large",
            "4",
            "100.0",
            "1116.46",
            "779.38",
            "337.08",
            "61.7",
        ],
        [
            "us-east-1",
            "windows",
            "m5.xlarge",
            "m5.xlarge",
            "1",
            "100.0",
            "821.18",
            "648.47",
            "172.72",
            "79.0",
        ],
    ];
    assert_eq!(rows, expected);
    // The table shows the same rows, money with thousands separators.
    for (pool, buy, rest) in [
        (
            "us-east-1 linux c7i",
            "c7i.xlarge",
            "0        0.0%      $487.31      $487.31       $0.00      61.7%",
        ),
        (
            "us-east-1 linux m7i",
            "m7i.large",
            "4      100.0%    $1,116.46      $779.38     $337.08      61.7%",
        ),
        (
            "us-east-1 windows m5.xlarge",
            "m5.xlarge",
            "1      100.0%      $821.18      $648.47     $172.72      79.0%",
        ),
    ] {
        let line = table
            .lines()
            .find(|l| l.starts_with(&format!("{pool} ")))
            .unwrap();
        let cells: Vec<&str> = line[pool.len()..].split_whitespace().collect();
        assert_eq!(cells[0], buy, "{line}");
        assert_eq!(
            cells[1..],
            rest.split_whitespace().collect::<Vec<_>>()[..],
            "{line}"
        );
    }
    for chart in names(&plan).iter().filter(|n| n.ends_with(".png")) {
        let decoder = png::Decoder::new(fs::File::open(plan.join(chart)).unwrap());
        let info = decoder.read_info().unwrap().info().clone();
        assert!(info.width >= 1200 && info.height >= 700, "{chart}");
    }
    // Nothing staged is left beside the directory.
    assert_eq!(names(dir.path()), ["plan"]);
}

#[test]
fn recommend_out_follows_the_report_directory_rules() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let out_text = out.to_str().unwrap();
    // A simulate report, then a recommendation into the same directory: the directory
    // holds one run's report, so simulate's files go; a file of the user's stays.
    stdout_of(&["simulate", "scenarios/web-fleet.csv", "-q", "-o", out_text]);
    fs::write(out.join("mine.txt"), "mine").unwrap();
    stdout_of(&["recommend", "scenarios/web-fleet.csv", "-o", out_text]);
    assert_eq!(
        names(&out),
        [
            "mine.txt",
            "recommendation.csv",
            "reservations_us-east-1_m6i.png",
            "reservations_us-east-1_t3.png",
        ]
    );
    // And back: simulate removes recommendation.csv.
    stdout_of(&["simulate", "scenarios/web-fleet.csv", "-q", "-o", out_text]);
    assert!(!out.join("recommendation.csv").exists());
    assert!(out.join("summary.csv").exists());
    // A failed recommendation leaves the directory as it was, and nothing staged.
    let before = names(&out);
    let bad = write(
        dir.path(),
        "bad.csv",
        "time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.larg\n",
    );
    ec2plan()
        .arg("recommend")
        .arg(&bad)
        .args(["-o", out_text])
        .assert()
        .code(3)
        .stdout("");
    assert_eq!(names(&out), before);
    assert_eq!(names(dir.path()), ["bad.csv", "report"]);
    // An --out that is a file is refused before the replay, exit 4.
    ec2plan()
        .arg("recommend")
        .arg(scenario("web-fleet.csv"))
        .arg("-o")
        .arg(&bad)
        .assert()
        .code(4)
        .stderr(format!(
            "error: cannot write {}: it exists and is not a directory\n",
            bad.display()
        ));
}

// ------------------------------------------------------------------ completions and man

#[test]
fn completions_name_every_command_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.len() > 1_000, "{shell}: {} bytes", script.len());
        for command in [
            "simulate",
            "recommend",
            "compare",
            "expand",
            "generate",
            "pricing",
            "scenario",
            "from-cloudtrail",
            "from-usage",
        ] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
        // fish names long flags without their dashes (`-l groups`).
        assert!(script.contains("groups"), "{shell} lacks --groups");
    }
    ec2plan()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'tcsh'"));
}

/// The page's `.TH` line: the first request after the string definitions clap_mangen
/// puts in front (`.ie` / `.el`).
fn title_line(page: &str) -> &str {
    page.lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
        .unwrap_or("")
}

#[test]
fn man_writes_roff_for_ec2plan_and_a_page_per_command() {
    let page = stdout_of(&["man"]);
    assert!(title_line(&page).starts_with(".TH ec2plan 1 "), "{page}");
    assert!(page.contains("\n.SH NAME\n"));
    assert!(page.contains("ec2plan\\-recommend(1)"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man");
    let said = stdout_of(&["man", "-o", out.to_str().unwrap()]);
    let pages = [
        "ec2plan-compare.1",
        "ec2plan-completions.1",
        "ec2plan-expand.1",
        "ec2plan-generate.1",
        "ec2plan-man.1",
        "ec2plan-pricing-import.1",
        "ec2plan-pricing-show.1",
        "ec2plan-pricing.1",
        "ec2plan-recommend.1",
        "ec2plan-scenario-from-cloudtrail.1",
        "ec2plan-scenario-from-usage.1",
        "ec2plan-scenario.1",
        "ec2plan-simulate.1",
        "ec2plan.1",
    ];
    assert_eq!(names(&out), pages);
    assert!(said.starts_with(&format!("wrote 14 manual pages to {}", out.display())));
    assert_eq!(fs::read_to_string(out.join("ec2plan.1")).unwrap(), page);
    for name in pages {
        let text = fs::read_to_string(out.join(name)).unwrap();
        let title = name.trim_end_matches(".1");
        assert!(
            title_line(&text).starts_with(&format!(".TH {title} 1 ")),
            "{name}: {}",
            title_line(&text)
        );
    }
    let recommend = fs::read_to_string(out.join("ec2plan-recommend.1")).unwrap();
    assert!(recommend.contains("\\-\\-out"));
    assert!(!recommend.contains("\\-\\-strategy"));
}

// ------------------------------------------------------------------ tables for people

/// Ten p5.48xlarge (us-east-1 Linux, $55.04/h in pricing/on_demand.csv) with the default
/// 8 GB gp3 volume ($0.08/GB-month), running all of 2026.
fn a_year_of_ten_p5(dir: &Path) -> PathBuf {
    let mut csv = String::from("time,instance,action,instance_type,group\n");
    for i in 1..=10 {
        csv.push_str(&format!(
            "2026-01-01T00:00:00Z,gpu-{i},launch,p5.48xlarge,training\n"
        ));
    }
    for i in 1..=10 {
        csv.push_str(&format!("2027-01-01T00:00:00Z,gpu-{i},terminate,,\n"));
    }
    write(dir, "gpus.csv", &csv)
}

#[test]
fn tables_print_money_with_thousands_separators_and_data_without() {
    // Compute 10 × 8,760 h × $55.04 = $4,821,504.00; storage 10 volumes × 8 GB × $0.08 ×
    // 12 whole months = $76.80; total $4,821,580.80.
    let dir = tempfile::tempdir().unwrap();
    let gpus = a_year_of_ten_p5(dir.path());
    let gpus = gpus.to_str().unwrap();
    let table = stdout_of(&["simulate", gpus, "--strategy", "on-demand"]);
    let cells_of = |prefix: &str| -> Vec<String> {
        let line = table.lines().find(|l| l.starts_with(prefix)).unwrap();
        line[prefix.len()..]
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    let expected = [
        "$4,821,504.00",
        "$76.80",
        "$0.00",
        "$0.00",
        "$4,821,580.80",
        "87600",
    ];
    assert_eq!(cells_of("on-demand "), expected);
    assert_eq!(cells_of("training (on-demand) "), expected);
    // The money columns widen for the figure, so the heading still sits above it.
    let heading = table.lines().find(|l| l.starts_with("strategy")).unwrap();
    let line = table.lines().find(|l| l.starts_with("on-demand")).unwrap();
    let end = |text: &str, word: &str| text.find(word).unwrap() + word.len();
    assert_eq!(end(heading, "  total"), end(line, "$4,821,580.80"));
    // CSV and JSON keep plain decimals.
    let csv = stdout_of(&["simulate", gpus, "--strategy", "on-demand", "-f", "csv"]);
    assert!(csv.contains("\non-demand,4821504.00,76.80,0.00,0.00,4821580.80,315360000,"));
    let json = stdout_of(&["simulate", gpus, "--strategy", "on-demand", "-f", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["strategies"][0]["total_usd"], "4821580.80");

    // recommend, 3-year standard All Upfront ($543,866 in pricing/reserved.csv): 10
    // reservations, each used every hour; fees for the year 10 × 543,866 × 8,760 / 26,280
    // = 5,438,660 / 3 = 1,812,886.666… → $1,812,886.67; savings 4,821,504 − 1,812,886.666…
    // = 3,008,617.333… → $3,008,617.33; break-even 543,866 / 26,280 / 55.04 = 37.6%.
    let table = stdout_of(&["recommend", gpus, "--term", "3yr"]);
    let line = table
        .lines()
        .find(|l| l.starts_with("us-east-1 linux p5 "))
        .unwrap();
    assert_eq!(
        line.split_whitespace().skip(3).collect::<Vec<_>>(),
        [
            "p5.48xlarge",
            "10",
            "100.0%",
            "$4,821,504.00",
            "$1,812,886.67",
            "$3,008,617.33",
            "37.6%"
        ]
    );
    // An 11th would be used 0% of the time and add its whole fee, 543,866 / 3 = 181,288.67:
    // the sentence under the table groups it too; the CSV's why cell keeps it plain.
    assert!(table
        .contains("one more would be used 0% of the time and would add $181,288.67 to the total"));
    let csv = stdout_of(&["recommend", gpus, "--term", "3yr", "-f", "csv"]);
    assert!(csv.contains("would add $181288.67 to the total"), "{csv}");
    assert!(
        csv.contains(",10,100.0,4821504.00,1812886.67,3008617.33,37.6,"),
        "{csv}"
    );

    // compare: the same year twice, and against a tenth of it (one instance: $482,158.08):
    // the difference 482,158.08 − 4,821,580.80 = −$4,339,422.72, −90.0%.
    let one = a_year_of_ten_p5(dir.path());
    let text = fs::read_to_string(&one).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.contains(",gpu-") || l.contains(",gpu-1,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let one = write(dir.path(), "one-gpu.csv", &text);
    let table = stdout_of(&[
        "compare",
        gpus,
        one.to_str().unwrap(),
        "--strategy",
        "on-demand",
    ]);
    let last = table.lines().nth(2).unwrap();
    assert_eq!(
        last.split_whitespace().skip(1).collect::<Vec<_>>(),
        [
            "on-demand",
            "$482,150.40",
            "$7.68",
            "$0.00",
            "$0.00",
            "$482,158.08",
            "-$4,339,422.72",
            "-90.0"
        ]
    );
    let csv = stdout_of(&[
        "compare",
        gpus,
        one.to_str().unwrap(),
        "--strategy",
        "on-demand",
        "-f",
        "csv",
    ]);
    assert!(
        csv.ends_with(",on-demand,482150.40,7.68,0.00,0.00,482158.08,-4339422.72,-90.0\n"),
        "{csv}"
    );

    // pricing show: the 3-year upfront, $543,866, and its effective rate 543,866 / 26,280
    // = 20.6950532… → $20.695053/h.
    let table = stdout_of(&["pricing", "show", "p5.48xlarge", "--os", "linux"]);
    let line = table
        .lines()
        .find(|l| l.trim_start().starts_with("Reserved"))
        .unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        cells[1..8],
        [
            "3yr",
            "standard",
            "all-upfront",
            "$543,866",
            "$0/h",
            "$20.695053/h",
            "62.40%"
        ]
    );
    let csv = stdout_of(&[
        "pricing",
        "show",
        "p5.48xlarge",
        "--os",
        "linux",
        "-f",
        "csv",
    ]);
    assert!(
        csv.contains(",reserved,3yr,standard,all-upfront,543866,0,"),
        "{csv}"
    );
}

/// Six groups, every instance running 465 h from 2026-03-02 00:00 (to 03-21 09:00) with
/// the default 8 GB gp3 volume. 465 h is 5/8 of March's 744 h, so a volume costs
/// 8 × $0.08 × 5/8 = $0.40, and each type's 465 h are whole cents (pricing/on_demand.csv,
/// us-east-1 Linux): m5.large and m6i.large $0.096/h → $44.64, m5.xlarge $0.192/h →
/// $89.28, r5.large $0.126/h → $58.59.
///
/// | group | instances | compute | storage | total |
/// |---|---|---|---|---|
/// | web | 3 × m5.large | 133.92 | 1.20 | 135.12 |
/// | api | 2 × m5.large | 89.28 | 0.80 | 90.08 |
/// | batch | 1 × m5.xlarge | 89.28 | 0.40 | 89.68 |
/// | cache | 1 × r5.large | 58.59 | 0.40 | 58.99 |
/// | admin | 1 × m6i.large | 44.64 | 0.40 | 45.04 |
/// | db | 1 × m5.large | 44.64 | 0.40 | 45.04 |
///
/// Total: compute 460.35, storage 3.60, 463.95; 9 × 465 = 4,185 instance-hours.
const SIX_GROUPS: &[(&str, &str, usize)] = &[
    ("admin", "m6i.large", 1),
    ("api", "m5.large", 2),
    ("batch", "m5.xlarge", 1),
    ("cache", "r5.large", 1),
    ("db", "m5.large", 1),
    ("web", "m5.large", 3),
];

fn six_groups(dir: &Path) -> PathBuf {
    let mut csv = String::from("time,instance,action,instance_type,group\n");
    let mut names = Vec::new();
    for (group, instance_type, count) in SIX_GROUPS {
        for i in 1..=*count {
            let name = format!("{group}-{i}");
            csv.push_str(&format!(
                "2026-03-02T00:00:00Z,{name},launch,{instance_type},{group}\n"
            ));
            names.push(name);
        }
    }
    for name in names {
        csv.push_str(&format!("2026-03-21T09:00:00Z,{name},terminate,,\n"));
    }
    write(dir, "six.csv", &csv)
}

/// The group block of a table, each row as (label, the cells after it).
fn group_rows(table: &str) -> Vec<(String, Vec<String>)> {
    table
        .lines()
        .skip_while(|l| !l.starts_with("group "))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let (label, cells) = words.split_at(words.len() - 6);
            (
                label.join(" "),
                cells.iter().map(|c| c.to_string()).collect(),
            )
        })
        .collect()
}

fn row(label: &str, cells: [&str; 6]) -> (String, Vec<String>) {
    (label.to_string(), cells.map(str::to_string).to_vec())
}

#[test]
fn groups_are_listed_costliest_first_ties_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let six = six_groups(dir.path());
    let table = stdout_of(&["simulate", six.to_str().unwrap(), "--strategy", "on-demand"]);
    assert_eq!(
        group_rows(&table),
        [
            row(
                "web (on-demand)",
                ["$133.92", "$1.20", "$0.00", "$0.00", "$135.12", "1395"]
            ),
            row(
                "api (on-demand)",
                ["$89.28", "$0.80", "$0.00", "$0.00", "$90.08", "930"]
            ),
            row(
                "batch (on-demand)",
                ["$89.28", "$0.40", "$0.00", "$0.00", "$89.68", "465"]
            ),
            row(
                "cache (on-demand)",
                ["$58.59", "$0.40", "$0.00", "$0.00", "$58.99", "465"]
            ),
            row(
                "admin (on-demand)",
                ["$44.64", "$0.40", "$0.00", "$0.00", "$45.04", "465"]
            ),
            row(
                "db (on-demand)",
                ["$44.64", "$0.40", "$0.00", "$0.00", "$45.04", "465"]
            ),
        ]
    );
    assert!(table.contains("\non-demand "));
    // groups.csv and the CSV keep every group, by name, as before.
    let out = dir.path().join("report");
    stdout_of(&[
        "simulate",
        six.to_str().unwrap(),
        "--strategy",
        "on-demand",
        "-q",
        "-o",
        out.to_str().unwrap(),
    ]);
    let groups = fs::read_to_string(out.join("groups.csv")).unwrap();
    let order: Vec<&str> = groups
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(order, ["admin", "api", "batch", "cache", "db", "web"]);
}

#[test]
fn groups_n_shows_the_costliest_and_adds_up_the_rest() {
    // --groups 2: web and api, then batch + cache + admin + db: compute 89.28 + 58.59 +
    // 44.64 + 44.64 = 237.15, storage 4 × 0.40 = 1.60, total 238.75, 4 × 465 = 1,860 h.
    // 135.12 + 90.08 + 238.75 = 463.95, the strategy's total.
    let dir = tempfile::tempdir().unwrap();
    let six = six_groups(dir.path());
    let six = six.to_str().unwrap();
    let table = stdout_of(&["simulate", six, "--strategy", "on-demand", "--groups", "2"]);
    assert_eq!(
        group_rows(&table),
        [
            row(
                "web (on-demand)",
                ["$133.92", "$1.20", "$0.00", "$0.00", "$135.12", "1395"]
            ),
            row(
                "api (on-demand)",
                ["$89.28", "$0.80", "$0.00", "$0.00", "$90.08", "930"]
            ),
            row(
                "(4 other groups) (on-demand)",
                ["$237.15", "$1.60", "$0.00", "$0.00", "$238.75", "1860"]
            ),
        ]
    );
    let strategy = table.lines().find(|l| l.starts_with("on-demand ")).unwrap();
    assert_eq!(
        strategy.split_whitespace().skip(1).collect::<Vec<_>>(),
        ["$460.35", "$3.60", "$0.00", "$0.00", "$463.95", "4185"]
    );
    // --groups 5 leaves one group: its row says so. --groups 6 or more: every group.
    let table = stdout_of(&["simulate", six, "--strategy", "on-demand", "--groups", "5"]);
    let rows = group_rows(&table);
    assert_eq!(rows.len(), 6);
    assert_eq!(
        rows[5],
        row(
            "(1 other group) (on-demand)",
            ["$44.64", "$0.40", "$0.00", "$0.00", "$45.04", "465"]
        )
    );
    let all = stdout_of(&["simulate", six, "--strategy", "on-demand"]);
    for n in ["6", "400"] {
        assert_eq!(
            stdout_of(&["simulate", six, "--strategy", "on-demand", "--groups", n]),
            all
        );
    }
}
