//! The review resources, answered from the request pipeline instead of storage:
//! `SelfSubjectReview` (`kubectl auth whoami`), `SelfSubjectAccessReview`,
//! `SubjectAccessReview`, `LocalSubjectAccessReview` (`kubectl auth can-i`) and
//! `SelfSubjectRulesReview` (`kubectl auth can-i --list`), all asking the configured
//! [`Authorizer`].

use serde_json::{json, Value};

use crate::pipeline::authn::UserInfo;
use crate::pipeline::authz::{Authorizer, Decision};
use crate::request_info::RequestInfo;
use crate::status::ApiError;

fn user_json(user: &UserInfo) -> Value {
    let mut u = json!({"username": user.name, "groups": user.groups});
    if !user.uid.is_empty() {
        u["uid"] = json!(user.uid);
    }
    u
}

/// The attributes of a review's spec as the authorizer sees a request.
fn attributes(spec: &Value) -> Result<RequestInfo, ApiError> {
    if let Some(r) = spec.get("resourceAttributes").filter(|r| r.is_object()) {
        let s = |f: &str| r[f].as_str().unwrap_or("").to_string();
        return Ok(RequestInfo {
            is_resource_request: true,
            verb: s("verb"),
            api_group: s("group"),
            api_version: s("version"),
            namespace: s("namespace"),
            resource: s("resource"),
            subresource: s("subresource"),
            name: s("name"),
            ..RequestInfo::default()
        });
    }
    if let Some(n) = spec.get("nonResourceAttributes").filter(|n| n.is_object()) {
        return Ok(RequestInfo {
            path: n["path"].as_str().unwrap_or("").to_string(),
            verb: n["verb"].as_str().unwrap_or("").to_string(),
            ..RequestInfo::default()
        });
    }
    let errs = vec![api_types::validation::FieldError::invalid(
        &api_types::validation::FieldPath::new("spec"),
        json!("{}"),
        "exactly one of nonResourceAttributes or resourceAttributes must be specified",
    )];
    Err(ApiError::invalid(
        "authorization.k8s.io",
        "SubjectAccessReview",
        "",
        &errs.into(),
    ))
}

fn decide(authz: &dyn Authorizer, user: &UserInfo, info: &RequestInfo) -> Value {
    match authz.authorize(user, info) {
        Decision::Allow => json!({"allowed": true}),
        Decision::Deny(reason) => json!({"allowed": false, "denied": true, "reason": reason}),
        Decision::NoOpinion => json!({"allowed": false}),
    }
}

/// Answers a POST of review `resource` (`plural` in `group`) with `body`; `None` if the
/// resource is not a review.
pub fn answer(
    group: &str,
    resource: &str,
    namespace: &str,
    body: &Value,
    user: &UserInfo,
    authz: &dyn Authorizer,
) -> Option<Result<Value, ApiError>> {
    const REVIEWS: [(&str, &str); 5] = [
        ("authentication.k8s.io", "selfsubjectreviews"),
        ("authorization.k8s.io", "selfsubjectaccessreviews"),
        ("authorization.k8s.io", "subjectaccessreviews"),
        ("authorization.k8s.io", "localsubjectaccessreviews"),
        ("authorization.k8s.io", "selfsubjectrulesreviews"),
    ];
    // Every create asks; only reviews pay for the copies below.
    if !REVIEWS.contains(&(group, resource)) {
        return None;
    }
    let mut out = body.clone();
    if let Some(map) = out.as_object_mut() {
        map.insert("metadata".into(), json!({"creationTimestamp": null}));
    }
    let spec = body.get("spec").cloned().unwrap_or(json!({}));
    let status = match (group, resource) {
        ("authentication.k8s.io", "selfsubjectreviews") => Ok(json!({"userInfo": user_json(user)})),
        ("authorization.k8s.io", "selfsubjectaccessreviews") => {
            attributes(&spec).map(|info| decide(authz, user, &info))
        }
        ("authorization.k8s.io", "subjectaccessreviews" | "localsubjectaccessreviews") => {
            let subject = UserInfo {
                name: spec["user"].as_str().unwrap_or("").to_string(),
                uid: spec["uid"].as_str().unwrap_or("").to_string(),
                groups: spec["groups"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|g| g.as_str().map(str::to_string))
                    .collect(),
            };
            attributes(&spec).and_then(|mut info| {
                if resource == "localsubjectaccessreviews" {
                    if !info.namespace.is_empty() && info.namespace != namespace {
                        return Err(ApiError::bad_request(format!(
                            "spec.resourceAttributes.namespace must match namespace: {namespace}"
                        )));
                    }
                    info.namespace = namespace.to_string();
                }
                Ok(decide(authz, &subject, &info))
            })
        }
        ("authorization.k8s.io", "selfsubjectrulesreviews") => Ok(rules(authz, user, &spec)),
        _ => return None,
    };
    Some(status.map(|status| {
        if let Some(map) = out.as_object_mut() {
            map.insert("status".into(), status);
        }
        out
    }))
}

/// What the user may do: everything when the authorizer allows everything, else nothing
/// enumerable (RBAC will list its rules here).
fn rules(authz: &dyn Authorizer, user: &UserInfo, spec: &Value) -> Value {
    let probe = RequestInfo {
        is_resource_request: true,
        verb: "get".into(),
        namespace: spec["namespace"].as_str().unwrap_or("").to_string(),
        resource: "*".into(),
        ..RequestInfo::default()
    };
    if authz.authorize(user, &probe) == Decision::Allow {
        json!({
            "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
            "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
            "incomplete": false,
        })
    } else {
        json!({"resourceRules": [], "nonResourceRules": [], "incomplete": true})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::authz::AllowAuthenticated;

    fn admin() -> UserInfo {
        UserInfo {
            name: "admin".into(),
            uid: String::new(),
            groups: vec!["system:masters".into(), "system:authenticated".into()],
        }
    }

    #[test]
    fn whoami_and_can_i() {
        let who = answer(
            "authentication.k8s.io",
            "selfsubjectreviews",
            "",
            &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}),
            &admin(),
            &AllowAuthenticated,
        )
        .unwrap()
        .unwrap();
        assert_eq!(who["status"]["userInfo"]["username"], "admin");
        let review = json!({"spec": {"resourceAttributes": {"verb": "create", "resource": "pods", "namespace": "default"}}});
        let yes = answer(
            "authorization.k8s.io",
            "selfsubjectaccessreviews",
            "",
            &review,
            &admin(),
            &AllowAuthenticated,
        )
        .unwrap()
        .unwrap();
        assert_eq!(yes["status"]["allowed"], true);
        let sar = json!({"spec": {"user": "system:anonymous", "groups": ["system:unauthenticated"], "resourceAttributes": {"verb": "get", "resource": "pods"}}});
        let no = answer(
            "authorization.k8s.io",
            "subjectaccessreviews",
            "",
            &sar,
            &admin(),
            &AllowAuthenticated,
        )
        .unwrap()
        .unwrap();
        assert_eq!(no["status"]["allowed"], false);
        let empty = answer(
            "authorization.k8s.io",
            "selfsubjectaccessreviews",
            "",
            &json!({"spec": {}}),
            &admin(),
            &AllowAuthenticated,
        )
        .unwrap();
        assert_eq!(empty.unwrap_err().code, 422);
        assert!(answer("", "pods", "", &json!({}), &admin(), &AllowAuthenticated).is_none());
    }
}
