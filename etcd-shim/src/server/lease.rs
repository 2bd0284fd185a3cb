//! The Lease service. All lease state lives in the writer, so every call goes through it.

use etcd_client::proto::{
    PbLeaseGrantRequest as LeaseGrantRequest, PbLeaseGrantResponse as LeaseGrantResponse,
    PbLeaseKeepAliveRequest as LeaseKeepAliveRequest,
    PbLeaseKeepAliveResponse as LeaseKeepAliveResponse, PbLeaseLeasesRequest as LeaseLeasesRequest,
    PbLeaseLeasesResponse as LeaseLeasesResponse, PbLeaseRevokeRequest as LeaseRevokeRequest,
    PbLeaseRevokeResponse as LeaseRevokeResponse, PbLeaseService, PbLeaseStatus as LeaseStatus,
    PbLeaseTimeToLiveRequest as LeaseTimeToLiveRequest,
    PbLeaseTimeToLiveResponse as LeaseTimeToLiveResponse,
};
use futures::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use super::{BoxStream, Services};
use crate::store::{WriteOp, WriteResult};

pub struct LeaseService(pub Services);

fn unexpected() -> Status {
    Status::internal("etcd-shim: unexpected writer result")
}

#[tonic::async_trait]
impl PbLeaseService for LeaseService {
    async fn lease_grant(
        &self,
        req: Request<LeaseGrantRequest>,
    ) -> Result<Response<LeaseGrantResponse>, Status> {
        let req = req.into_inner();
        let op = WriteOp::LeaseGrant {
            id: req.id,
            ttl: req.ttl,
        };
        match self.0.store.write(op).await? {
            WriteResult::LeaseGrant { id, ttl, rev } => Ok(Response::new(LeaseGrantResponse {
                header: Some(self.0.store.header(rev)),
                id,
                ttl,
                error: String::new(),
            })),
            _ => Err(unexpected()),
        }
    }

    async fn lease_revoke(
        &self,
        req: Request<LeaseRevokeRequest>,
    ) -> Result<Response<LeaseRevokeResponse>, Status> {
        match self
            .0
            .store
            .write(WriteOp::LeaseRevoke(req.into_inner().id))
            .await?
        {
            WriteResult::LeaseRevoke(rev) => Ok(Response::new(LeaseRevokeResponse {
                header: Some(self.0.store.header(rev)),
            })),
            _ => Err(unexpected()),
        }
    }

    type LeaseKeepAliveStream = BoxStream<LeaseKeepAliveResponse>;

    async fn lease_keep_alive(
        &self,
        req: Request<Streaming<LeaseKeepAliveRequest>>,
    ) -> Result<Response<Self::LeaseKeepAliveStream>, Status> {
        let mut inbound = req.into_inner();
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        let store = self.0.store.clone();
        tokio::spawn(async move {
            while let Some(Ok(msg)) = inbound.next().await {
                let resp = match store.write(WriteOp::LeaseKeepAlive(msg.id)).await {
                    Ok(WriteResult::LeaseKeepAlive(ttl)) => Ok(LeaseKeepAliveResponse {
                        header: Some(store.header(store.revision())),
                        id: msg.id,
                        // etcd answers an unknown lease with TTL 0, not an error.
                        ttl: ttl.unwrap_or(0),
                    }),
                    Ok(_) => Err(unexpected()),
                    Err(e) => Err(Status::from(e)),
                };
                let stop = resp.is_err();
                if tx.send(resp).await.is_err() || stop {
                    break;
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    async fn lease_time_to_live(
        &self,
        req: Request<LeaseTimeToLiveRequest>,
    ) -> Result<Response<LeaseTimeToLiveResponse>, Status> {
        let req = req.into_inner();
        let op = WriteOp::LeaseTimeToLive {
            id: req.id,
            keys: req.keys,
        };
        match self.0.store.write(op).await? {
            WriteResult::LeaseTimeToLive(found) => {
                let header = Some(self.0.store.header(self.0.store.revision()));
                Ok(Response::new(match found {
                    Some((ttl, granted_ttl, keys)) => LeaseTimeToLiveResponse {
                        header,
                        id: req.id,
                        ttl,
                        granted_ttl,
                        keys,
                    },
                    // etcd answers an unknown lease with TTL -1.
                    None => LeaseTimeToLiveResponse {
                        header,
                        id: req.id,
                        ttl: -1,
                        granted_ttl: 0,
                        keys: Vec::new(),
                    },
                }))
            }
            _ => Err(unexpected()),
        }
    }

    async fn lease_leases(
        &self,
        _req: Request<LeaseLeasesRequest>,
    ) -> Result<Response<LeaseLeasesResponse>, Status> {
        match self.0.store.write(WriteOp::LeaseLeases).await? {
            WriteResult::LeaseLeases(ids) => Ok(Response::new(LeaseLeasesResponse {
                header: Some(self.0.store.header(self.0.store.revision())),
                leases: ids.into_iter().map(|id| LeaseStatus { id }).collect(),
            })),
            _ => Err(unexpected()),
        }
    }
}
