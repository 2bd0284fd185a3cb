//! What `/proc` says about the servers under test: resident memory and CPU time used.

/// Kernel clock ticks per second in `/proc/<pid>/stat` (USER_HZ, 100 on Linux).
const TICKS_PER_SEC: u64 = 100;

/// VmRSS of `pid` in KiB.
pub fn rss_kb(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    vm_rss_kb(&status)
}

fn vm_rss_kb(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU time `pid` has used so far, in microseconds (10 ms resolution).
pub fn cpu_us(pid: Option<u32>) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid?)).ok()?;
    stat_cpu_us(&stat)
}

fn stat_cpu_us(stat: &str) -> Option<u64> {
    // The command name (field 2) may hold spaces; fields after it start at field 3 (state).
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 1_000_000 / TICKS_PER_SEC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_rss() {
        let status = "Name:\tkube-apiserver\nVmPeak:\t  99999 kB\nVmRSS:\t   28168 kB\n";
        assert_eq!(vm_rss_kb(status), Some(28168));
        assert_eq!(vm_rss_kb("Name:\tx\n"), None);
    }

    #[test]
    fn reads_utime_and_stime_after_the_name() {
        let stat = "4242 (kube api) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0";
        assert_eq!(stat_cpu_us(stat), Some(3_000_000));
    }

    #[test]
    fn this_process_has_numbers() {
        let me = Some(std::process::id());
        assert!(rss_kb(me).is_some_and(|kb| kb > 0));
        assert!(cpu_us(me).is_some());
    }
}
