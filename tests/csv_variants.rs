//! Valid CSV in all its ordinary forms gives identical figures: CRLF line ends, a UTF-8
//! byte-order mark, quoted fields, columns in another order, no final newline.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::*;

const PLAIN: &str = "time,instance,action,instance_type,ebs_gb,public_ip
2026-03-02T00:00:00Z,a,launch,m5.large,20,auto
2026-03-02T00:00:00Z,b,launch,t3.micro,8,elastic
2026-03-02T00:00:40Z,b,stop,,,
2026-03-02T01:00:00Z,a,stop,,,
2026-03-02T02:00:00Z,a,start,,,
2026-03-02T02:00:00Z,b,start,,,
2026-03-02T05:00:00Z,a,terminate,,,
2026-03-02T05:00:00Z,b,terminate,,,
";

fn totals(csv: &str) -> ec2plan::billing::Totals {
    replay(csv).totals().clone()
}

#[test]
fn crlf_line_ends_give_the_same_figures() {
    assert_eq!(totals(&PLAIN.replace('\n', "\r\n")), totals(PLAIN));
}

#[test]
fn a_byte_order_mark_gives_the_same_figures() {
    assert_eq!(totals(&format!("\u{feff}{PLAIN}")), totals(PLAIN));
}

#[test]
fn quoted_fields_give_the_same_figures() {
    let quoted: String = PLAIN
        .lines()
        .map(|line| {
            let cells: Vec<String> = line.split(',').map(|c| format!("\"{c}\"")).collect();
            cells.join(",") + "\n"
        })
        .collect();
    assert_eq!(totals(&quoted), totals(PLAIN));
}

#[test]
fn reordered_columns_give_the_same_figures() {
    // Reverse the column order of every line.
    let reversed: String = PLAIN
        .lines()
        .map(|line| {
            let mut cells: Vec<&str> = line.split(',').collect();
            cells.reverse();
            cells.join(",") + "\n"
        })
        .collect();
    assert_eq!(totals(&reversed), totals(PLAIN));
}

#[test]
fn a_missing_final_newline_gives_the_same_figures() {
    assert_eq!(totals(PLAIN.trim_end()), totals(PLAIN));
}

#[test]
fn the_plain_scenario_is_worked_by_hand() {
    // a: m5.large runs 00:00–01:00 and 02:00–05:00 → 4 h × $0.096 = $0.384.
    // b: t3.micro runs 40 s (billed 60 s) and 02:00–05:00 (10,800 s) → 10,860 s × $0.0104/3600.
    // IPv4: a auto, held 4 h → $0.02; b elastic, held 5 h → $0.025.
    let t = totals(PLAIN);
    assert_eq!(t.billed_seconds, 14_400 + 10_860);
    assert_eq!(
        t.compute.amount(),
        usd("0.384") + usd("0.0104") * usd("10860") / usd("3600")
    );
    assert_eq!(t.public_ipv4.amount(), usd("0.045"));
}
