//! gRPC services of the etcd v3 API over the store, one file per service.

pub mod cluster;
pub mod http_api;
pub mod kv;
pub mod lease;
pub mod maintenance;
pub mod watch;

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use etcd_client::proto::{
    PbClusterServer, PbKvServer, PbLeaseServer, PbMaintenanceServer, PbWatchServer,
};
use tonic::transport::server::Router;

use crate::error::EtcdError;
use crate::store::Store;

/// The etcd version reported by Status (the API level this shim answers).
pub const ETCD_VERSION: &str = "3.5.21";

/// gRPC framing on top of etcd's request limit, as etcd adds (`grpcOverheadBytes`).
const GRPC_OVERHEAD_BYTES: usize = 512 * 1024;

/// What the services need besides the store.
#[derive(Clone, Debug)]
pub struct Info {
    pub name: String,
    pub client_urls: Vec<String>,
    pub peer_urls: Vec<String>,
    pub progress_notify_interval: Duration,
}

/// A boxed response stream, as the generated traits want.
pub type BoxStream<T> =
    Pin<Box<dyn futures::Stream<Item = Result<T, tonic::Status>> + Send + 'static>>;

/// Shared by all services.
#[derive(Clone, Debug)]
pub struct Services {
    pub store: Store,
    pub info: Arc<Info>,
}

impl Services {
    /// etcd rejects requests larger than `--max-request-bytes` with its own error.
    /// Past that limit plus gRPC's overhead allowance, etcd's gRPC layer refuses the message
    /// itself (ResourceExhausted, grpc-go's wording).
    pub fn check_size(&self, msg: &impl prost::Message) -> Result<(), tonic::Status> {
        let len = msg.encoded_len();
        let max = self.store.limits().max_request_bytes;
        if len > max + GRPC_OVERHEAD_BYTES {
            return Err(tonic::Status::resource_exhausted(format!(
                "grpc: received message larger than max ({len} vs. {})",
                max + GRPC_OVERHEAD_BYTES
            )));
        }
        if len > max {
            return Err(EtcdError::RequestTooLarge.into());
        }
        Ok(())
    }

    /// A tonic router with every service, ready to serve on any listener.
    pub fn router(&self, builder: tonic::transport::Server) -> Router {
        let mut routes = tonic::service::Routes::builder();
        // tonic's own limit answers OutOfRange where grpc-go says ResourceExhausted, so it
        // only bounds memory here; `check_size` gives etcd's answers.
        let max_in = (self.store.limits().max_request_bytes + GRPC_OVERHEAD_BYTES) * 4;
        routes
            .add_service(
                PbKvServer::new(kv::KvService(self.clone()))
                    .max_decoding_message_size(max_in)
                    .max_encoding_message_size(usize::MAX),
            )
            .add_service(
                PbWatchServer::new(watch::WatchService(self.clone()))
                    .max_decoding_message_size(max_in)
                    .max_encoding_message_size(usize::MAX),
            )
            .add_service(
                PbLeaseServer::new(lease::LeaseService(self.clone()))
                    .max_decoding_message_size(max_in)
                    .max_encoding_message_size(usize::MAX),
            )
            .add_service(
                PbMaintenanceServer::new(maintenance::MaintenanceService(self.clone()))
                    .max_decoding_message_size(max_in)
                    .max_encoding_message_size(usize::MAX),
            )
            .add_service(
                PbClusterServer::new(cluster::ClusterService(self.clone()))
                    .max_decoding_message_size(max_in)
                    .max_encoding_message_size(usize::MAX),
            );
        // etcd also answers plain HTTP on the client port: /health and /version.
        let http = http_api::routes(self.store.clone());
        let routes = routes.routes().into_axum_router().merge(http);
        builder
            .accept_http1(true)
            .add_routes(tonic::service::Routes::from(routes))
    }
}
