//! Every malformed scenario and refused transition gives one sentence naming the file, the
//! line and (for a cell) the column; each message is pinned word for word.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::*;
use ec2plan::clock::Seconds;

const HEAD: &str = "time,instance,action,instance_type\n";
const LAUNCH: &str = "2026-03-02T00:00:00Z,a,launch,m5.large\n";

fn with_rows(rows: &str) -> String {
    format!("{HEAD}{LAUNCH}{rows}")
}

#[test]
fn starting_a_running_instance_is_refused() {
    assert_eq!(
        error_of(&with_rows("2026-03-02T01:00:00Z,a,start,\n")),
        "test.csv:3: cannot start a: it is running; start needs a stopped or hibernated instance"
    );
}

#[test]
fn stopping_a_stopped_instance_is_refused() {
    assert_eq!(
        error_of(&with_rows(
            "2026-03-02T01:00:00Z,a,stop,\n2026-03-02T02:00:00Z,a,stop,\n"
        )),
        "test.csv:4: cannot stop a: it is stopped; stop needs a running instance"
    );
}

#[test]
fn an_instance_store_root_cannot_stop_or_hibernate() {
    let csv = "time,instance,action,instance_type,root
2026-03-02T00:00:00Z,a,launch,m5.large,instance-store
2026-03-02T01:00:00Z,a,stop,,
";
    assert_eq!(
        error_of(csv),
        "test.csv:3: cannot stop a: it is running; an instance-store-backed instance cannot be stopped or hibernated, only rebooted or terminated"
    );
}

#[test]
fn hibernation_must_be_enabled_at_launch() {
    assert_eq!(
        error_of(&with_rows("2026-03-02T01:00:00Z,a,hibernate,\n")),
        "test.csv:3: cannot hibernate a: it is running; hibernation was not enabled at launch (line 2), and it cannot be enabled later"
    );
}

#[test]
fn hibernation_needs_a_root_volume_that_holds_the_ram() {
    // m5.large has 8 GiB of RAM; a 6 GiB root cannot hold it.
    let csv = "time,instance,action,instance_type,hibernation,ebs_gb
2026-03-02T00:00:00Z,a,launch,m5.large,true,6
";
    assert_eq!(
        error_of(csv),
        "test.csv:2:6 (ebs_gb): hibernation saves RAM to the root volume: m5.large has 8 GiB of RAM but ebs_gb is 6"
    );
}

#[test]
fn hibernation_needs_an_ebs_root() {
    let csv = "time,instance,action,instance_type,hibernation,root
2026-03-02T00:00:00Z,a,launch,m5.large,true,instance-store
";
    assert_eq!(
        error_of(csv),
        "test.csv:2:5 (hibernation): hibernation needs an EBS root volume, but root is instance-store"
    );
}

#[test]
fn nothing_happens_after_terminate() {
    assert_eq!(
        error_of(&with_rows("2026-03-02T01:00:00Z,a,terminate,\n2026-03-02T02:00:00Z,a,start,\n")),
        "test.csv:4: cannot start a: it is terminated; nothing can be done to a terminated instance"
    );
}

#[test]
fn a_terminated_instance_keeps_its_name_launch_line_and_spot_flag() {
    // After a terminate row the reader keeps only what these messages need.
    let after = |row: &str| {
        error_of(&with_rows(&format!(
            "2026-03-02T01:00:00Z,a,terminate,\n{row}\n"
        )))
    };
    assert_eq!(
        after("2026-03-02T02:00:00Z,a,launch,m5.large"),
        "test.csv:4:3 (action): a is launched twice; it was first launched on line 2"
    );
    assert_eq!(
        after("2026-03-02T02:00:00Z,a,interrupt,"),
        "test.csv:4:3 (action): interrupt of a, which was launched with interruptible=false (line 2); AWS interrupts only Spot Instances"
    );
    // A changed attribute on a row after the terminate is not compared any more: the row
    // is refused for acting on a terminated instance.
    assert_eq!(
        after("2026-03-02T02:00:00Z,a,stop,m5.xlarge"),
        "test.csv:4: cannot stop a: it is terminated; nothing can be done to a terminated instance"
    );
}

#[test]
fn reboot_needs_a_running_instance() {
    assert_eq!(
        error_of(&with_rows(
            "2026-03-02T01:00:00Z,a,stop,\n2026-03-02T02:00:00Z,a,reboot,\n"
        )),
        "test.csv:4: cannot reboot a: it is stopped; reboot needs a running instance"
    );
}

#[test]
fn a_pending_instance_cannot_be_stopped() {
    let mut options = instant();
    options.timings.pending = Seconds(60);
    let error = replay_with(&with_rows("2026-03-02T00:00:30Z,a,stop,\n"), options)
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "test.csv:3: cannot stop a: it is pending; stop needs a running instance"
    );
}

#[test]
fn a_shutting_down_instance_cannot_be_terminated_again() {
    let mut options = instant();
    options.timings.shutting_down = Seconds(60);
    let rows = "2026-03-02T01:00:00Z,a,terminate,\n2026-03-02T01:00:30Z,a,terminate,\n";
    let error = replay_with(&with_rows(rows), options).err().unwrap();
    assert_eq!(
        error.to_string(),
        "test.csv:4: cannot terminate a: it is shutting-down; terminate was already requested"
    );
}

#[test]
fn only_interruptible_instances_can_be_interrupted() {
    assert_eq!(
        error_of(&with_rows("2026-03-02T01:00:00Z,a,interrupt,\n")),
        "test.csv:3:3 (action): interrupt of a, which was launched with interruptible=false (line 2); AWS interrupts only Spot Instances"
    );
}

#[test]
fn an_unknown_column_is_named_with_a_suggestion() {
    let csv = "time,instance,action,instance_typ\n";
    assert_eq!(
        error_of(csv),
        "test.csv:1:4 (instance_typ): unknown column \"instance_typ\"; did you mean instance_type?"
    );
}

#[test]
fn a_duplicate_column_is_refused() {
    assert_eq!(
        error_of("time,instance,action,time\n"),
        "test.csv:1:4 (time): column \"time\" appears twice"
    );
}

#[test]
fn a_missing_required_column_is_refused() {
    assert_eq!(
        error_of("time,instance,instance_type\n"),
        "test.csv:1: the header has no \"action\" column; an event log needs time, instance and action"
    );
}

#[test]
fn an_empty_file_is_refused() {
    assert_eq!(
        error_of(""),
        "test.csv: the file is empty; an event log starts with a header row such as time,instance,action,instance_type"
    );
}

#[test]
fn a_header_without_rows_is_refused() {
    assert_eq!(
        error_of(HEAD),
        "test.csv: the file has a header but no rows, so there is nothing to simulate"
    );
}

#[test]
fn a_timestamp_without_an_offset_is_refused() {
    assert_eq!(
        error_of("time,instance,action,instance_type\n2026-03-02T00:00:00,a,launch,m5.large\n"),
        "test.csv:2:1 (time): time \"2026-03-02T00:00:00\" has no UTC offset; write Z or an offset such as +02:00"
    );
}

#[test]
fn an_impossible_date_is_refused() {
    assert_eq!(
        error_of("time,instance,action,instance_type\n2026-02-30T00:00:00Z,a,launch,m5.large\n"),
        "test.csv:2:1 (time): time \"2026-02-30T00:00:00Z\" is not a real date"
    );
}

#[test]
fn an_unknown_instance_type_suggests_the_closest() {
    assert_eq!(
        error_of("time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.larg\n"),
        "test.csv:2:4 (instance_type): unknown instance type \"m5.larg\"; did you mean m5.large?"
    );
}

#[test]
fn a_launch_needs_an_instance_type() {
    assert_eq!(
        error_of("time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,\n"),
        "test.csv:2:4 (instance_type): a launch row needs an instance_type"
    );
}

#[test]
fn an_unknown_region_is_refused() {
    let csv = "time,instance,action,instance_type,region\n2026-03-02T00:00:00Z,a,launch,m5.large,us-east1\n";
    assert_eq!(
        error_of(csv),
        "test.csv:2:5 (region): unknown region \"us-east1\"; did you mean us-east-1? (the catalog prices us-east-1)"
    );
}

#[test]
fn an_unknown_os_is_refused() {
    let csv =
        "time,instance,action,instance_type,os\n2026-03-02T00:00:00Z,a,launch,m5.large,linx\n";
    assert_eq!(
        error_of(csv),
        "test.csv:2:5 (os): unknown os \"linx\"; did you mean linux? (known: hourly-ami, linux)"
    );
}

#[test]
fn an_os_the_catalog_does_not_price_for_the_type_is_refused() {
    let csv = "time,instance,action,instance_type,os\n2026-03-02T00:00:00Z,a,launch,t3.micro,hourly-ami\n";
    assert_eq!(
        error_of(csv),
        "test.csv:2:5 (os): no On-Demand price for hourly-ami on t3.micro in us-east-1: it prices t3.micro there for linux only"
    );
}

#[test]
fn an_unknown_volume_type_is_refused() {
    let csv =
        "time,instance,action,instance_type,ebs_type\n2026-03-02T00:00:00Z,a,launch,m5.large,gp4\n";
    assert_eq!(
        error_of(csv),
        "test.csv:2:5 (ebs_type): unknown volume type \"gp4\"; did you mean gp2, gp3?"
    );
}

#[test]
fn a_negative_volume_size_is_refused() {
    let csv =
        "time,instance,action,instance_type,ebs_gb\n2026-03-02T00:00:00Z,a,launch,m5.large,-5\n";
    assert_eq!(
        error_of(csv),
        "test.csv:2:5 (ebs_gb): ebs_gb -5 is negative; a volume size must be zero or more GiB"
    );
}

#[test]
fn an_absurd_volume_size_is_refused() {
    let csv =
        "time,instance,action,instance_type,ebs_gb\n2026-03-02T00:00:00Z,a,launch,m5.large,20000\n";
    assert_eq!(
        error_of(csv),
        "test.csv:2:5 (ebs_gb): ebs_gb 20000 is outside the 1 to 16384 GiB a gp3 volume can have"
    );
    let csv = "time,instance,action,instance_type,ebs_gb\n2026-03-02T00:00:00Z,a,launch,m5.large,99999999999999999999999\n";
    assert_eq!(
        error_of(csv),
        "test.csv:2:5 (ebs_gb): ebs_gb 99999999999999999999999 is far larger than any EBS volume"
    );
}

#[test]
fn rows_out_of_time_order_are_refused() {
    assert_eq!(
        error_of(&with_rows("2026-03-02T02:00:00Z,a,stop,\n2026-03-02T01:00:00Z,a,start,\n")),
        "test.csv:4:1 (time): rows must be in time order, but 2026-03-02T01:00:00Z comes before 2026-03-02T02:00:00Z on line 3"
    );
}

#[test]
fn a_second_launch_of_the_same_name_is_refused() {
    assert_eq!(
        error_of(&with_rows("2026-03-02T01:00:00Z,a,launch,m5.large\n")),
        "test.csv:3:3 (action): a is launched twice; it was first launched on line 2"
    );
}

#[test]
fn an_action_on_an_unknown_instance_is_refused() {
    assert_eq!(
        error_of(&with_rows("2026-03-02T01:00:00Z,b,stop,\n")),
        "test.csv:3:2 (instance): stop of b, which no earlier row launches"
    );
}

#[test]
fn an_unknown_action_suggests_the_closest() {
    assert_eq!(
        error_of(&with_rows("2026-03-02T01:00:00Z,a,hibernat,\n")),
        "test.csv:3:3 (action): unknown action \"hibernat\"; did you mean hibernate?"
    );
}

#[test]
fn an_attribute_changed_after_launch_is_refused() {
    assert_eq!(
        error_of(&with_rows("2026-03-02T01:00:00Z,a,stop,m5.xlarge\n")),
        "test.csv:3:4 (instance_type): instance_type can only be set on a launch row: a was launched with instance_type=m5.large on line 2"
    );
}

#[test]
fn a_row_with_too_many_fields_is_refused() {
    assert_eq!(
        error_of(&with_rows("2026-03-02T01:00:00Z,a,stop,,extra\n")),
        "test.csv:3: this row has 5 fields but the header has 4"
    );
}

#[test]
fn a_bad_flag_value_is_refused() {
    let csv = "time,instance,action,instance_type,interruptible\n2026-03-02T00:00:00Z,a,launch,m5.large,maybe\n";
    assert_eq!(
        error_of(csv),
        "test.csv:2:5 (interruptible): interruptible \"maybe\" must be true or false"
    );
}

#[test]
fn non_utf8_bytes_are_refused_with_their_cell() {
    let mut bytes =
        b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a\xff,launch,m5.large\n"
            .to_vec();
    bytes.shrink_to_fit();
    let csv = String::from_utf8_lossy(&bytes).into_owned();
    // The lossy copy holds U+FFFD, which is valid text: check the raw bytes through the reader.
    let catalog = test_catalog();
    let mut reader = ec2plan::scenario::EventReader::new(
        "test.csv",
        bytes.as_slice(),
        &catalog,
        ec2plan::scenario::Defaults::default(),
    )
    .unwrap();
    let error = ec2plan::scenario::EventSource::next_event(&mut reader).unwrap_err();
    assert_eq!(
        error.to_string(),
        "test.csv:2:2 (instance): the cell is not UTF-8 text (invalid byte at offset 1)"
    );
    assert!(csv.contains('\u{fffd}'));
}
