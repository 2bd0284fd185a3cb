//! Storage probe: fsync'd single-write latency and group-commit throughput of the shim's
//! log vs redb and SQLite (WAL, synchronous=FULL). Run with
//! `cargo run --release -p etcd-shim --features probe --example store_probe`.

use std::time::{Duration, Instant};

use etcd_shim::store::wal::{self, Op, Record, Wal};

const SEQ_WRITES: usize = 1000;
const BATCHES: usize = 200;
const BATCH: usize = 64;
const VALUE_LEN: usize = 1024;

trait Candidate {
    fn name(&self) -> &'static str;
    /// Writes the batch durably.
    fn write(&mut self, batch: &[(Vec<u8>, Vec<u8>)]);
}

struct Log(Wal, i64);
impl Candidate for Log {
    fn name(&self) -> &'static str {
        "etcd-shim log (fdatasync)"
    }
    fn write(&mut self, batch: &[(Vec<u8>, Vec<u8>)]) {
        let mut buf = Vec::new();
        for (k, v) in batch {
            self.1 += 1;
            let rec = Record {
                rev: self.1,
                ops: vec![Op {
                    delete: false,
                    key: k.clone(),
                    value: v.clone(),
                    lease: 0,
                }],
                ..Default::default()
            };
            Wal::encode(&rec, &mut buf);
        }
        self.0.append_durable(&buf).unwrap();
    }
}

const TABLE: redb::TableDefinition<&[u8], &[u8]> = redb::TableDefinition::new("kv");
struct Redb(redb::Database);
impl Candidate for Redb {
    fn name(&self) -> &'static str {
        "redb 4 (Durability::Immediate)"
    }
    fn write(&mut self, batch: &[(Vec<u8>, Vec<u8>)]) {
        let tx = self.0.begin_write().unwrap();
        {
            let mut t = tx.open_table(TABLE).unwrap();
            for (k, v) in batch {
                t.insert(k.as_slice(), v.as_slice()).unwrap();
            }
        }
        tx.commit().unwrap();
    }
}

struct Sqlite(rusqlite::Connection);
impl Candidate for Sqlite {
    fn name(&self) -> &'static str {
        "SQLite (WAL, synchronous=FULL)"
    }
    fn write(&mut self, batch: &[(Vec<u8>, Vec<u8>)]) {
        let tx = self.0.transaction().unwrap();
        {
            let mut st = tx
                .prepare("INSERT OR REPLACE INTO kv(k, v) VALUES (?1, ?2)")
                .unwrap();
            for (k, v) in batch {
                st.execute((k, v)).unwrap();
            }
        }
        tx.commit().unwrap();
    }
}

fn kv(i: usize) -> (Vec<u8>, Vec<u8>) {
    (
        format!("/registry/pods/default/pod-{i:08}").into_bytes(),
        vec![b'x'; VALUE_LEN],
    )
}

fn measure(c: &mut dyn Candidate) {
    let mut lat: Vec<Duration> = Vec::with_capacity(SEQ_WRITES);
    for i in 0..SEQ_WRITES {
        let t = Instant::now();
        c.write(&[kv(i)]);
        lat.push(t.elapsed());
    }
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
    let t = Instant::now();
    for b in 0..BATCHES {
        let batch: Vec<_> = (0..BATCH).map(|j| kv(SEQ_WRITES + b * BATCH + j)).collect();
        c.write(&batch);
    }
    let rate = (BATCHES * BATCH) as f64 / t.elapsed().as_secs_f64();
    println!(
        "| {} | {:.2} | {:.2} | {:.0} |",
        c.name(),
        p(0.5).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
        rate
    );
}

fn main() {
    println!(
        "| store | single write p50 (ms) | p99 (ms) | batched writes/s ({BATCH} per commit) |"
    );
    println!("|---|---|---|---|");
    let dir =
        tempfile::tempdir_in(std::env::var("PROBE_DIR").unwrap_or_else(|_| ".".into())).unwrap();

    let o = wal::open(&dir.path().join("log")).unwrap();
    measure(&mut Log(o.wal, 1));

    let db = redb::Database::create(dir.path().join("redb")).unwrap();
    measure(&mut Redb(db));

    let conn = rusqlite::Connection::open(dir.path().join("sqlite")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch("CREATE TABLE kv(k BLOB PRIMARY KEY, v BLOB)")
        .unwrap();
    measure(&mut Sqlite(conn));
}
