//! The Cluster service: one member, this one. Membership changes are not supported.

use etcd_client::proto::{
    PbClusterService, PbMember as Member, PbMemberAddRequest as MemberAddRequest,
    PbMemberAddResponse as MemberAddResponse, PbMemberListRequest as MemberListRequest,
    PbMemberListResponse as MemberListResponse, PbMemberPromoteRequest as MemberPromoteRequest,
    PbMemberPromoteResponse as MemberPromoteResponse, PbMemberRemoveRequest as MemberRemoveRequest,
    PbMemberRemoveResponse as MemberRemoveResponse, PbMemberUpdateRequest as MemberUpdateRequest,
    PbMemberUpdateResponse as MemberUpdateResponse,
};
use tonic::{Request, Response, Status};

use super::Services;

pub struct ClusterService(pub Services);

fn single_member() -> Status {
    Status::unimplemented("etcd-shim is a single-member cluster; membership cannot change")
}

impl ClusterService {
    fn member(&self) -> Member {
        Member {
            id: self.0.store.identity().member_id,
            name: self.0.info.name.clone(),
            peer_ur_ls: self.0.info.peer_urls.clone(),
            client_ur_ls: self.0.info.client_urls.clone(),
            is_learner: false,
        }
    }
}

#[tonic::async_trait]
impl PbClusterService for ClusterService {
    async fn member_add(
        &self,
        _req: Request<MemberAddRequest>,
    ) -> Result<Response<MemberAddResponse>, Status> {
        Err(single_member())
    }

    async fn member_remove(
        &self,
        _req: Request<MemberRemoveRequest>,
    ) -> Result<Response<MemberRemoveResponse>, Status> {
        Err(single_member())
    }

    async fn member_update(
        &self,
        _req: Request<MemberUpdateRequest>,
    ) -> Result<Response<MemberUpdateResponse>, Status> {
        Err(single_member())
    }

    async fn member_list(
        &self,
        _req: Request<MemberListRequest>,
    ) -> Result<Response<MemberListResponse>, Status> {
        // etcd's cluster service headers carry no revision.
        let mut header = self.0.store.header(0);
        header.revision = 0;
        Ok(Response::new(MemberListResponse {
            header: Some(header),
            members: vec![self.member()],
        }))
    }

    async fn member_promote(
        &self,
        _req: Request<MemberPromoteRequest>,
    ) -> Result<Response<MemberPromoteResponse>, Status> {
        Err(single_member())
    }
}
