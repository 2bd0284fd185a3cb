//! Latency samples and their summary (count, rate, p50/p99/max) for one phase.

use std::time::Duration;

use serde::Serialize;

/// What one phase measured.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub name: String,
    /// Requests in flight while measuring.
    pub concurrency: usize,
    /// Calls that finished (successfully or not).
    pub n: usize,
    pub errors: usize,
    /// Finished calls per second of wall time.
    pub rate: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub wall_s: f64,
    /// Server CPU time (user + system, 10 ms ticks) per call, in microseconds, when the
    /// server's PID is known: a figure that the other loads on the machine disturb less.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apiserver_cpu_us: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etcd_cpu_us: Option<f64>,
    /// This load generator's own CPU per call, for comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_cpu_us: Option<f64>,
    /// The first error seen, to tell what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
}

/// The sample at quantile `q` (nearest rank, as apiload.py computes it) of sorted `v`, in ms.
pub fn quantile_ms(sorted_us: &[u64], q: f64) -> f64 {
    if sorted_us.is_empty() {
        return f64::NAN;
    }
    let idx = ((q * sorted_us.len() as f64) as usize).min(sorted_us.len() - 1);
    sorted_us[idx] as f64 / 1000.0
}

impl Summary {
    /// Summarises latencies in microseconds measured over `wall`.
    pub fn new(
        name: &str,
        concurrency: usize,
        mut lat_us: Vec<u64>,
        errors: usize,
        wall: Duration,
        first_error: Option<String>,
    ) -> Summary {
        lat_us.sort_unstable();
        let wall_s = wall.as_secs_f64();
        Summary {
            name: name.to_string(),
            concurrency,
            n: lat_us.len(),
            errors,
            rate: if wall_s > 0.0 {
                lat_us.len() as f64 / wall_s
            } else {
                0.0
            },
            p50_ms: quantile_ms(&lat_us, 0.50),
            p99_ms: quantile_ms(&lat_us, 0.99),
            max_ms: lat_us.last().map_or(f64::NAN, |m| *m as f64 / 1000.0),
            wall_s,
            apiserver_cpu_us: None,
            etcd_cpu_us: None,
            client_cpu_us: None,
            first_error,
        }
    }

    /// One line in apiload.py's layout, plus the maximum and the servers' CPU per call.
    pub fn line(&self) -> String {
        let cpu = |label: &str, v: Option<f64>| {
            v.map_or(String::new(), |us| format!(" {label}={us:.0}us/call"))
        };
        format!(
            "{:<22} c={:<4} n={:6} errors={:4} rate={:9.1}/s p50={:7.2}ms p99={:7.2}ms max={:8.2}ms{}{}{}",
            self.name, self.concurrency, self.n, self.errors, self.rate, self.p50_ms, self.p99_ms, self.max_ms,
            cpu("apiserver-cpu", self.apiserver_cpu_us),
            cpu("etcd-cpu", self.etcd_cpu_us),
            cpu("client-cpu", self.client_cpu_us),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_nearest_rank() {
        let v: Vec<u64> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(quantile_ms(&v, 0.5), 51.0);
        assert_eq!(quantile_ms(&v, 0.99), 100.0);
        assert!(quantile_ms(&[], 0.5).is_nan());
    }

    #[test]
    fn summary_sorts_and_rates() {
        let s = Summary::new(
            "x",
            1,
            vec![3000, 1000, 2000, 4000],
            1,
            Duration::from_secs(2),
            None,
        );
        assert_eq!(s.n, 4);
        assert_eq!(s.errors, 1);
        assert_eq!(s.rate, 2.0);
        assert_eq!(s.p50_ms, 3.0);
        assert_eq!(s.max_ms, 4.0);
    }
}
