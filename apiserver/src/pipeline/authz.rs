//! Authorization: may this user do this verb on this resource or path. One implementation for
//! now (every authenticated user may do everything; anonymous users only the public-info
//! paths of upstream's `system:public-info-viewer` role); RBAC plugs in behind the same trait.

use crate::request_info::RequestInfo;
use crate::status::{ApiError, Qualified};

use super::authn::UserInfo;

/// What an authorizer decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(String),
    NoOpinion,
}

/// Decides whether a request may proceed.
pub trait Authorizer: Send + Sync {
    fn authorize(&self, user: &UserInfo, info: &RequestInfo) -> Decision;
}

/// Paths anonymous users may GET (upstream's `system:public-info-viewer` cluster role).
const PUBLIC_PATHS: &[&str] = &["/healthz", "/livez", "/readyz", "/version", "/version/"];

fn is_public_path(path: &str) -> bool {
    PUBLIC_PATHS.contains(&path)
        || ["/healthz/", "/livez/", "/readyz/"]
            .iter()
            .any(|p| path.starts_with(p))
}

/// Allows every authenticated user; anonymous users get only the public-info paths.
pub struct AllowAuthenticated;

impl Authorizer for AllowAuthenticated {
    fn authorize(&self, user: &UserInfo, info: &RequestInfo) -> Decision {
        if !user.is_anonymous() {
            return Decision::Allow;
        }
        if !info.is_resource_request && info.verb == "get" && is_public_path(&info.path) {
            return Decision::Allow;
        }
        Decision::NoOpinion
    }
}

/// Upstream's `forbiddenMessage` followed by the authorizer's reason, as a 403 `Status`.
pub fn forbidden(user: &UserInfo, info: &RequestInfo, reason: &str) -> ApiError {
    let mut msg = if !info.is_resource_request {
        format!(
            "User {:?} cannot {} path {:?}",
            user.name, info.verb, info.path
        )
    } else {
        let mut resource = info.resource.clone();
        if !info.subresource.is_empty() {
            resource = format!("{resource}/{}", info.subresource);
        }
        if info.namespace.is_empty() {
            format!(
                "User {:?} cannot {} resource {:?} in API group {:?} at the cluster scope",
                user.name, info.verb, resource, info.api_group
            )
        } else {
            format!(
                "User {:?} cannot {} resource {:?} in API group {:?} in the namespace {:?}",
                user.name, info.verb, resource, info.api_group, info.namespace
            )
        }
    };
    if !reason.is_empty() {
        msg = format!("{msg}: {reason}");
    }
    if info.is_resource_request {
        let what = Qualified {
            group: &info.api_group,
            resource: &info.resource,
        };
        ApiError::forbidden(what, &info.name, &msg)
    } else {
        ApiError::forbidden_path(&msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn anonymous_only_public_paths() {
        let anon = UserInfo::anonymous();
        let get = |p: &str| RequestInfo::parse(&Method::GET, p, None);
        for p in ["/healthz", "/livez", "/readyz", "/readyz/ping", "/version"] {
            assert_eq!(
                AllowAuthenticated.authorize(&anon, &get(p)),
                Decision::Allow,
                "{p}"
            );
        }
        for p in ["/", "/api", "/metrics", "/api/v1/namespaces"] {
            assert_eq!(
                AllowAuthenticated.authorize(&anon, &get(p)),
                Decision::NoOpinion,
                "{p}"
            );
        }
        let admin = UserInfo {
            name: "admin".into(),
            uid: String::new(),
            groups: vec!["system:masters".into()],
        };
        assert_eq!(
            AllowAuthenticated.authorize(&admin, &get("/api/v1/pods")),
            Decision::Allow
        );
    }

    #[test]
    fn forbidden_messages_like_upstream() {
        let anon = UserInfo::anonymous();
        let info = RequestInfo::parse(&Method::GET, "/api/v1/namespaces/default/pods", None);
        assert_eq!(
            forbidden(&anon, &info, "").message,
            "pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\""
        );
        let info = RequestInfo::parse(&Method::GET, "/", None);
        let e = forbidden(&anon, &info, "");
        assert_eq!(
            e.message,
            "forbidden: User \"system:anonymous\" cannot get path \"/\""
        );
        assert_eq!(e.code, 403);
        let info = RequestInfo::parse(&Method::GET, "/apis/apps/v1/deployments", None);
        assert_eq!(
            forbidden(&anon, &info, "").message,
            "deployments.apps is forbidden: User \"system:anonymous\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope"
        );
    }
}
