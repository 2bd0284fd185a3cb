//! The durable log: a header (magic, format version, cluster and member IDs, CRC) followed
//! by records, each `u32 length | u32 CRC32 | protobuf payload`. One record per applied
//! request; a batch of records is written with one `write` and made durable with one
//! `fdatasync` before anything in it is acknowledged.

use std::fs::{File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::StoreError;

const MAGIC: &[u8; 8] = b"ETCDSHIM";
/// Format version of this log; bump on incompatible changes.
pub const VERSION: u32 = 1;
const HEADER_LEN: usize = 32;
/// File name of the log inside `--data-dir`.
pub const LOG_NAME: &str = "shim.wal";

/// One applied request: a revision's key changes and/or lease and compaction changes.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Record {
    /// Revision of `ops` (0 when the record changes no key).
    #[prost(int64, tag = "1")]
    pub rev: i64,
    #[prost(message, repeated, tag = "2")]
    pub ops: Vec<Op>,
    #[prost(message, repeated, tag = "3")]
    pub grants: Vec<Grant>,
    #[prost(int64, repeated, tag = "4")]
    pub revokes: Vec<i64>,
    /// Compaction to this revision (0 is a valid one: etcd starts at -1, "never").
    #[prost(int64, optional, tag = "5")]
    pub compact: Option<i64>,
    /// Snapshot records (a rewritten log starts with them): history entries as they are.
    #[prost(message, repeated, tag = "6")]
    pub entries: Vec<RawEntry>,
    /// Store revision at the snapshot.
    #[prost(int64, tag = "7")]
    pub snapshot_rev: i64,
}

/// One history entry of one key, with its revisions and version as they were.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RawEntry {
    #[prost(bytes = "vec", tag = "1")]
    pub key: Vec<u8>,
    #[prost(int64, tag = "2")]
    pub mod_rev: i64,
    #[prost(uint32, tag = "3")]
    pub sub: u32,
    #[prost(int64, tag = "4")]
    pub create_rev: i64,
    #[prost(int64, tag = "5")]
    pub version: i64,
    #[prost(bytes = "vec", tag = "6")]
    pub value: Vec<u8>,
    #[prost(int64, tag = "7")]
    pub lease: i64,
}

/// One key change, fully resolved (no `ignore_value`/`ignore_lease` left to interpret).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Op {
    #[prost(bool, tag = "1")]
    pub delete: bool,
    #[prost(bytes = "vec", tag = "2")]
    pub key: Vec<u8>,
    #[prost(bytes = "vec", tag = "3")]
    pub value: Vec<u8>,
    #[prost(int64, tag = "4")]
    pub lease: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Grant {
    #[prost(int64, tag = "1")]
    pub id: i64,
    #[prost(int64, tag = "2")]
    pub ttl: i64,
}

/// The cluster identity, fixed when the data directory is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    pub cluster_id: u64,
    pub member_id: u64,
}

/// An open log, positioned at its end.
#[derive(Debug)]
pub struct Wal {
    file: File,
    path: PathBuf,
    len: u64,
    identity: Identity,
    /// Set when a rewrite replaced the file but could not reopen it: appending to the old
    /// handle would write into an unlinked file, so every later append fails.
    poisoned: bool,
}

/// What `open` found.
pub struct Opened {
    pub wal: Wal,
    pub identity: Identity,
    pub records: Vec<Record>,
    /// Bytes of a torn final record that were cut off.
    pub truncated: u64,
}

/// A random non-zero u64 without a dependency on a RNG crate.
pub fn random_u64() -> u64 {
    loop {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        let v = h.finish();
        if v != 0 {
            return v;
        }
    }
}

fn header(id: Identity) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&VERSION.to_le_bytes());
    h[12..20].copy_from_slice(&id.cluster_id.to_le_bytes());
    h[20..28].copy_from_slice(&id.member_id.to_le_bytes());
    let crc = crc32fast::hash(&h[..28]);
    h[28..].copy_from_slice(&crc.to_le_bytes());
    h
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StoreError::io(dir, e))
}

/// Opens (or creates) the log in `dir`, replays its records and cuts a torn tail.
pub fn open(dir: &Path) -> Result<Opened, StoreError> {
    std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
    let path = dir.join(LOG_NAME);
    // A leftover of an interrupted create or rewrite: never the live log.
    let tmp = dir.join(format!("{LOG_NAME}.tmp"));
    if tmp.exists() {
        std::fs::remove_file(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
    }
    if !path.exists() {
        if dir.join("member").exists() {
            return Err(StoreError::Foreign {
                path: dir.to_path_buf(),
                reason: "it holds an etcd data directory (member/)".into(),
            });
        }
        let mut entries = std::fs::read_dir(dir).map_err(|e| StoreError::io(dir, e))?;
        if entries.next().is_some() {
            return Err(StoreError::Foreign {
                path: dir.to_path_buf(),
                reason: format!("it is not empty and has no {LOG_NAME}"),
            });
        }
        let identity = Identity {
            cluster_id: random_u64(),
            member_id: random_u64(),
        };
        let mut f = File::create(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
        f.write_all(&header(identity))
            .and_then(|_| f.sync_all())
            .map_err(|e| StoreError::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| StoreError::io(&path, e))?;
        sync_dir(dir)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .open(&path)
        .map_err(|e| StoreError::io(&path, e))?;
    let mut data = Vec::new();
    file.read_to_end(&mut data)
        .map_err(|e| StoreError::io(&path, e))?;
    let identity = parse_header(&path, &data)?;
    let body = strip_snapshot_trailer(&data);
    let (records, good_len) = parse_records(&path, body)?;
    let truncated = data.len() as u64 - good_len;
    if truncated > 0 {
        file.set_len(good_len)
            .and_then(|_| file.sync_all())
            .map_err(|e| StoreError::io(&path, e))?;
    }
    Ok(Opened {
        wal: Wal {
            file,
            path,
            len: good_len,
            identity,
            poisoned: false,
        },
        identity,
        records,
        truncated,
    })
}

fn parse_header(path: &Path, data: &[u8]) -> Result<Identity, StoreError> {
    let foreign = |reason: &str| StoreError::Foreign {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    if data.len() < HEADER_LEN || &data[..8] != MAGIC {
        return Err(foreign("missing etcd-shim log header"));
    }
    let version = u32::from_le_bytes([data[8], data[9], data[10], data[11]]);
    if version != VERSION {
        return Err(StoreError::UnknownVersion {
            path: path.to_path_buf(),
            version,
            supported: VERSION,
        });
    }
    let crc = u32::from_le_bytes([data[28], data[29], data[30], data[31]]);
    if crc32fast::hash(&data[..28]) != crc {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            offset: 0,
            reason: "header checksum mismatch".into(),
        });
    }
    let u64_at = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&data[i..i + 8]);
        u64::from_le_bytes(b)
    };
    Ok(Identity {
        cluster_id: u64_at(12),
        member_id: u64_at(20),
    })
}

/// etcd snapshots are a multiple of 512 bytes plus a SHA-256 trailer.
const SNAPSHOT_ALIGN: usize = 512;
const SHA256_LEN: usize = 32;

/// The log without a snapshot trailer, if `data` carries a valid one.
fn strip_snapshot_trailer(data: &[u8]) -> &[u8] {
    let n = data.len();
    if n <= SHA256_LEN || n % SNAPSHOT_ALIGN != SHA256_LEN {
        return data;
    }
    let (body, sum) = data.split_at(n - SHA256_LEN);
    if ring::digest::digest(&ring::digest::SHA256, body).as_ref() == sum {
        body
    } else {
        data
    }
}

/// Parses records; returns them and the length of the valid prefix. A bad record is a torn
/// tail (an unacknowledged write) only when it is the last thing in the file.
fn parse_records(path: &Path, data: &[u8]) -> Result<(Vec<Record>, u64), StoreError> {
    let mut records = Vec::new();
    let mut pos = HEADER_LEN;
    while pos < data.len() {
        let rest = &data[pos..];
        if rest.iter().all(|b| *b == 0) {
            break; // zero-filled tail: nothing was written there
        }
        if rest.len() < 8 {
            break; // torn length/CRC prefix
        }
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
        if rest.len() < 8 + len {
            break; // torn payload
        }
        let payload = &rest[8..8 + len];
        let corrupt = |reason: String| StoreError::Corrupt {
            path: path.to_path_buf(),
            offset: pos as u64,
            reason,
        };
        if crc32fast::hash(payload) != crc {
            if 8 + len == rest.len() {
                break; // the final record is torn
            }
            return Err(corrupt("record checksum mismatch".into()));
        }
        let rec = <Record as prost::Message>::decode(payload)
            .map_err(|e| corrupt(format!("undecodable record: {e}")))?;
        records.push(rec);
        pos += 8 + len;
    }
    Ok((records, pos as u64))
}

impl Wal {
    /// Appends the framed encoding of `rec` to `buf`.
    pub fn encode(rec: &Record, buf: &mut Vec<u8>) {
        let payload = prost::Message::encode_to_vec(rec);
        buf.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        buf.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        buf.extend_from_slice(&payload);
    }

    /// A complete log holding `records`, shaped like an etcd snapshot so etcdctl accepts
    /// it: zero padding to a multiple of 512 bytes, then the SHA-256 of what precedes.
    /// `open` recognizes the trailer and drops it with the padding.
    pub fn snapshot_file(identity: Identity, records: &[Record]) -> Vec<u8> {
        let mut buf = header(identity).to_vec();
        for rec in records {
            Wal::encode(rec, &mut buf);
        }
        buf.resize(buf.len().div_ceil(SNAPSHOT_ALIGN) * SNAPSHOT_ALIGN, 0);
        let sum = ring::digest::digest(&ring::digest::SHA256, &buf);
        buf.extend_from_slice(sum.as_ref());
        buf
    }

    /// Writes a batch of framed records and waits until they are on disk.
    pub fn append_durable(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.poisoned {
            return Err(std::io::Error::other(
                "the log could not be reopened after a rewrite",
            ));
        }
        self.file.write_all(buf)?;
        self.file.sync_data()?;
        self.len += buf.len() as u64;
        Ok(())
    }

    /// Replaces the log with `records` (a snapshot of the state): written to a temporary
    /// file, synced, renamed over the log, directory synced. A crash leaves either log.
    pub fn rewrite(&mut self, records: impl Iterator<Item = Record>) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let tmp = dir.join(format!("{LOG_NAME}.tmp"));
        let mut f = File::create(&tmp)?;
        let mut buf = header(self.identity).to_vec();
        let mut len = 0u64;
        for rec in records {
            Wal::encode(&rec, &mut buf);
            if buf.len() > 1 << 20 {
                f.write_all(&buf)?;
                len += buf.len() as u64;
                buf.clear();
            }
        }
        f.write_all(&buf)?;
        len += buf.len() as u64;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, &self.path)?;
        let reopened = File::open(&dir)
            .and_then(|d| d.sync_all())
            .and_then(|_| OpenOptions::new().append(true).open(&self.path));
        match reopened {
            Ok(f) => {
                self.file = f;
                self.len = len;
                Ok(())
            }
            Err(e) => {
                self.poisoned = true;
                Err(e)
            }
        }
    }

    /// Size of the log in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len <= HEADER_LEN as u64
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(rev: i64, key: &str) -> Record {
        Record {
            rev,
            ops: vec![Op {
                delete: false,
                key: key.into(),
                value: b"v".to_vec(),
                lease: 0,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn roundtrip_and_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let id = {
            let mut o = open(dir.path()).unwrap();
            let mut buf = Vec::new();
            Wal::encode(&rec(2, "a"), &mut buf);
            Wal::encode(&rec(3, "b"), &mut buf);
            o.wal.append_durable(&buf).unwrap();
            // A torn third record: only half of it reached the disk.
            let mut torn = Vec::new();
            Wal::encode(&rec(4, "c"), &mut torn);
            o.wal.append_durable(&torn[..torn.len() / 2]).unwrap();
            o.identity
        };
        let o = open(dir.path()).unwrap();
        assert_eq!(o.identity, id);
        assert_eq!(o.records, vec![rec(2, "a"), rec(3, "b")]);
        assert!(o.truncated > 0);
        let o = open(dir.path()).unwrap();
        assert_eq!(o.truncated, 0, "the tail was cut once");
    }

    #[test]
    fn a_snapshot_file_opens_as_a_log() {
        let dir = tempfile::tempdir().unwrap();
        let id = Identity {
            cluster_id: 5,
            member_id: 6,
        };
        let data = Wal::snapshot_file(id, &[rec(2, "a"), rec(3, "b")]);
        assert_eq!(data.len() % SNAPSHOT_ALIGN, SHA256_LEN, "etcdctl's shape");
        std::fs::write(dir.path().join(LOG_NAME), &data).unwrap();
        let o = open(dir.path()).unwrap();
        assert_eq!(o.identity, id);
        assert_eq!(o.records, vec![rec(2, "a"), rec(3, "b")]);
        // A damaged trailer is not silently accepted as one.
        let mut bad = data.clone();
        let n = bad.len();
        bad[n - 1] ^= 1;
        std::fs::write(dir.path().join(LOG_NAME), &bad).unwrap();
        match open(dir.path()) {
            Err(e) => assert!(matches!(e, StoreError::Corrupt { .. }), "{e}"),
            Ok(o) => {
                // Treated as a torn tail: the checksummed records before it survive.
                assert!(o.truncated > 0);
                assert_eq!(
                    o.records.len(),
                    2 + o
                        .records
                        .iter()
                        .filter(|r| **r == Record::default())
                        .count()
                );
            }
        }
    }

    #[test]
    fn corruption_before_the_tail_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut o = open(dir.path()).unwrap();
            let mut buf = Vec::new();
            Wal::encode(&rec(2, "a"), &mut buf);
            Wal::encode(&rec(3, "b"), &mut buf);
            o.wal.append_durable(&buf).unwrap();
        }
        let p = dir.path().join(LOG_NAME);
        let mut data = std::fs::read(&p).unwrap();
        data[HEADER_LEN + 9] ^= 0xff; // inside the first record's payload
        std::fs::write(&p, data).unwrap();
        let err = open(dir.path()).err().unwrap();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    }

    #[test]
    fn foreign_directories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("member")).unwrap();
        assert!(matches!(open(dir.path()), Err(StoreError::Foreign { .. })));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LOG_NAME), b"hello world, not a log at all").unwrap();
        assert!(matches!(open(dir.path()), Err(StoreError::Foreign { .. })));
        let dir = tempfile::tempdir().unwrap();
        let mut h = header(Identity {
            cluster_id: 1,
            member_id: 2,
        });
        h[8] = 9;
        std::fs::write(dir.path().join(LOG_NAME), h).unwrap();
        assert!(matches!(
            open(dir.path()),
            Err(StoreError::UnknownVersion { version: 9, .. })
        ));
    }
}
