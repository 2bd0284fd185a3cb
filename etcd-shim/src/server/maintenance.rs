//! The Maintenance service: status for `etcdctl endpoint status`, hashes over the key
//! space, and no-op defragment/alarm answers (a log has nothing to defragment).

use etcd_client::proto::{
    PbAlarmMember as AlarmMember, PbAlarmRequest as AlarmRequest, PbAlarmResponse as AlarmResponse,
    PbDefragmentRequest as DefragmentRequest, PbDefragmentResponse as DefragmentResponse,
    PbDowngradeRequest as DowngradeRequest, PbDowngradeResponse as DowngradeResponse,
    PbHashKvRequest as HashKvRequest, PbHashKvResponse as HashKvResponse,
    PbHashRequest as HashRequest, PbHashResponse as HashResponse, PbMaintenanceService,
    PbMoveLeaderRequest as MoveLeaderRequest, PbMoveLeaderResponse as MoveLeaderResponse,
    PbSnapshotRequest as SnapshotRequest, PbSnapshotResponse as SnapshotResponse,
    PbStatusRequest as StatusRequest, PbStatusResponse as StatusResponse,
};
use tonic::{Request, Response, Status};

use super::{BoxStream, Services, ETCD_VERSION};

const ALARM_GET: i32 = 0;
const ALARM_ACTIVATE: i32 = 1;
const ALARM_DEACTIVATE: i32 = 2;
const ALARM_NOSPACE: i32 = 1;
use crate::store::mvcc::KeyRange;
use crate::store::{WriteOp, WriteResult};

pub struct MaintenanceService(pub Services);

impl MaintenanceService {
    /// CRC32 over every live key and value at `rev`.
    fn hash_at(&self, rev: i64) -> Result<u32, Status> {
        let m = self.0.store.read();
        let rev = m.read_rev(rev, m.committed)?;
        let (kvs, _) = m.range(&KeyRange::new(b"\0", b"\0"), rev, 0, false);
        let mut h = crc32fast::Hasher::new();
        for kv in kvs {
            h.update(&kv.key);
            h.update(&kv.value);
            h.update(&kv.mod_revision.to_le_bytes());
        }
        Ok(h.finalize())
    }
}

#[tonic::async_trait]
impl PbMaintenanceService for MaintenanceService {
    async fn alarm(&self, req: Request<AlarmRequest>) -> Result<Response<AlarmResponse>, Status> {
        let req = req.into_inner();
        let store = &self.0.store;
        let member_id = store.identity().member_id;
        let nospace = AlarmMember {
            member_id,
            alarm: ALARM_NOSPACE,
        };
        let alarms = match (req.action, req.alarm) {
            (ALARM_ACTIVATE, ALARM_NOSPACE) => {
                store.set_nospace_alarm(true);
                vec![nospace]
            }
            (ALARM_DEACTIVATE, ALARM_NOSPACE) if store.nospace_alarm() => {
                store.set_nospace_alarm(false);
                vec![nospace]
            }
            (ALARM_GET, _) if store.nospace_alarm() => vec![nospace],
            _ => Vec::new(),
        };
        Ok(Response::new(AlarmResponse {
            header: Some(store.header(store.revision())),
            alarms,
        }))
    }

    async fn status(
        &self,
        _req: Request<StatusRequest>,
    ) -> Result<Response<StatusResponse>, Status> {
        let store = &self.0.store;
        let rev = store.revision();
        let size = store.db_size() as i64;
        Ok(Response::new(StatusResponse {
            header: Some(store.header(rev)),
            version: ETCD_VERSION.to_string(),
            db_size: size,
            leader: store.identity().member_id,
            raft_index: rev as u64,
            raft_term: store.raft_term(),
            raft_applied_index: rev as u64,
            errors: Vec::new(),
            db_size_in_use: size,
            is_learner: false,
            storage_version: String::new(),
            db_size_quota: store.limits().effective_quota().unwrap_or(0) as i64,
            downgrade_info: None,
        }))
    }

    async fn defragment(
        &self,
        _req: Request<DefragmentRequest>,
    ) -> Result<Response<DefragmentResponse>, Status> {
        // etcd 3.4 answers Defragment without a header.
        Ok(Response::new(DefragmentResponse { header: None }))
    }

    async fn hash(&self, _req: Request<HashRequest>) -> Result<Response<HashResponse>, Status> {
        let hash = self.hash_at(0)?;
        Ok(Response::new(HashResponse {
            header: Some(self.0.store.header(self.0.store.revision())),
            hash,
        }))
    }

    async fn hash_kv(
        &self,
        req: Request<HashKvRequest>,
    ) -> Result<Response<HashKvResponse>, Status> {
        let rev = req.into_inner().revision;
        let hash = self.hash_at(rev)?;
        let cur = self.0.store.revision();
        Ok(Response::new(HashKvResponse {
            header: Some(self.0.store.header(cur)),
            hash,
            compact_revision: self.0.store.compact_revision(),
            hash_revision: if rev > 0 { rev } else { cur },
        }))
    }

    type SnapshotStream = BoxStream<SnapshotResponse>;

    /// The snapshot is the shim's own log format (not a bbolt file): saved with
    /// `etcdctl snapshot save`, it restores by being placed as `shim.wal` in an empty
    /// data directory.
    async fn snapshot(
        &self,
        _req: Request<SnapshotRequest>,
    ) -> Result<Response<Self::SnapshotStream>, Status> {
        const CHUNK: usize = 32 * 1024;
        let store = self.0.store.clone();
        let bytes = match store.write(WriteOp::Snapshot).await? {
            WriteResult::Snapshot(b) => b,
            _ => return Err(Status::internal("etcd-shim: unexpected writer result")),
        };
        let header = Some(store.header(store.revision()));
        let total = bytes.len();
        let chunks: Vec<Result<SnapshotResponse, Status>> = bytes
            .chunks(CHUNK)
            .enumerate()
            .map(|(i, blob)| {
                Ok(SnapshotResponse {
                    header,
                    remaining_bytes: (total - (i * CHUNK + blob.len())) as u64,
                    blob: blob.to_vec(),
                    version: ETCD_VERSION.to_string(),
                })
            })
            .collect();
        Ok(Response::new(Box::pin(futures::stream::iter(chunks))))
    }

    async fn move_leader(
        &self,
        req: Request<MoveLeaderRequest>,
    ) -> Result<Response<MoveLeaderResponse>, Status> {
        if req.into_inner().target_id != self.0.store.identity().member_id {
            return Err(Status::failed_precondition(
                "etcdserver: bad leader transferee",
            ));
        }
        Ok(Response::new(MoveLeaderResponse {
            header: Some(self.0.store.header(self.0.store.revision())),
        }))
    }

    async fn downgrade(
        &self,
        _req: Request<DowngradeRequest>,
    ) -> Result<Response<DowngradeResponse>, Status> {
        Err(Status::unimplemented(
            "etcd-shim does not support downgrades",
        ))
    }
}
