//! The KV service.

use etcd_client::proto::{
    PbCompactionRequest as CompactionRequest, PbCompactionResponse as CompactionResponse,
    PbDeleteRequest as DeleteRequest, PbDeleteResponse as DeleteResponse, PbKvService,
    PbPutRequest as PutRequest, PbPutResponse as PutResponse, PbRangeRequest as RangeRequest,
    PbRangeResponse as RangeResponse, PbRangeStreamResponse as RangeStreamResponse,
    PbTxnRequest as TxnRequest, PbTxnResponse as TxnResponse,
};
use tonic::{Request, Response, Status};

use super::{BoxStream, Services};
use crate::store::{WriteOp, WriteResult};

pub struct KvService(pub Services);

fn unexpected() -> Status {
    Status::internal("etcd-shim: unexpected writer result")
}

#[tonic::async_trait]
impl PbKvService for KvService {
    async fn range(&self, req: Request<RangeRequest>) -> Result<Response<RangeResponse>, Status> {
        let req = req.into_inner();
        self.0.check_size(&req)?;
        Ok(Response::new(self.0.store.range(&req)?))
    }

    type RangeStreamStream = BoxStream<RangeStreamResponse>;

    async fn range_stream(
        &self,
        _req: Request<RangeRequest>,
    ) -> Result<Response<Self::RangeStreamStream>, Status> {
        Err(Status::unimplemented(
            "unknown method RangeStream for service etcdserverpb.KV",
        ))
    }

    async fn put(&self, req: Request<PutRequest>) -> Result<Response<PutResponse>, Status> {
        let req = req.into_inner();
        self.0.check_size(&req)?;
        match self.0.store.write(WriteOp::Put(req)).await? {
            WriteResult::Put(r) => Ok(Response::new(r)),
            _ => Err(unexpected()),
        }
    }

    async fn delete_range(
        &self,
        req: Request<DeleteRequest>,
    ) -> Result<Response<DeleteResponse>, Status> {
        let req = req.into_inner();
        self.0.check_size(&req)?;
        match self.0.store.write(WriteOp::Delete(req)).await? {
            WriteResult::Delete(r) => Ok(Response::new(r)),
            _ => Err(unexpected()),
        }
    }

    async fn txn(&self, req: Request<TxnRequest>) -> Result<Response<TxnResponse>, Status> {
        let req = req.into_inner();
        self.0.check_size(&req)?;
        if !crate::store::txn::may_write(&req) {
            return Ok(Response::new(self.0.store.read_txn(&req)?));
        }
        match self.0.store.write(WriteOp::Txn(req)).await? {
            WriteResult::Txn(r) => Ok(Response::new(r)),
            _ => Err(unexpected()),
        }
    }

    async fn compact(
        &self,
        req: Request<CompactionRequest>,
    ) -> Result<Response<CompactionResponse>, Status> {
        let req = req.into_inner();
        match self.0.store.write(WriteOp::Compact(req.revision)).await? {
            WriteResult::Compact(rev) => Ok(Response::new(CompactionResponse {
                header: Some(self.0.store.header(rev)),
            })),
            _ => Err(unexpected()),
        }
    }
}
