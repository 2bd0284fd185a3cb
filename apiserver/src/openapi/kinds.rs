//! Which k8s-openapi type carries the schema of each built-in kind: the one table the
//! OpenAPI documents and server-side field validation look kinds up in.

use api_types::k8s_openapi as k8s;
use k8s::schemars::{JsonSchema, SchemaGenerator};

/// Declares the `(group, version, kind) => type` table and the lookup over it.
macro_rules! kinds {
    ($( ($group:literal, $version:literal, $kind:literal) => $ty:ty ),* $(,)?) => {
        /// Every kind with a schema, as `(group, version, kind)`.
        pub const ALL: &[(&str, &str, &str)] = &[$( ($group, $version, $kind) ),*];

        /// Adds the schema of `group`/`version`/`kind` (and everything it refers to) to
        /// `generator`; returns its definition name, `None` for a kind without a schema.
        pub fn add(
            generator: &mut SchemaGenerator,
            group: &str,
            version: &str,
            kind: &str,
        ) -> Option<String> {
            match (group, version, kind) {
                $( ($group, $version, $kind) => Some(add_type::<$ty>(generator)), )*
                _ => None,
            }
        }
    };
}

fn add_type<T: JsonSchema>(generator: &mut SchemaGenerator) -> String {
    generator.subschema_for::<T>();
    T::schema_name().into_owned()
}

kinds! {
    ("", "v1", "Binding") => k8s::api::core::v1::Binding,
    ("", "v1", "ComponentStatus") => k8s::api::core::v1::ComponentStatus,
    ("", "v1", "ConfigMap") => k8s::api::core::v1::ConfigMap,
    ("", "v1", "Endpoints") => k8s::api::core::v1::Endpoints,
    ("", "v1", "Event") => k8s::api::core::v1::Event,
    ("", "v1", "LimitRange") => k8s::api::core::v1::LimitRange,
    ("", "v1", "Namespace") => k8s::api::core::v1::Namespace,
    ("", "v1", "Node") => k8s::api::core::v1::Node,
    ("", "v1", "PersistentVolume") => k8s::api::core::v1::PersistentVolume,
    ("", "v1", "PersistentVolumeClaim") => k8s::api::core::v1::PersistentVolumeClaim,
    ("", "v1", "Pod") => k8s::api::core::v1::Pod,
    ("", "v1", "PodTemplate") => k8s::api::core::v1::PodTemplate,
    ("", "v1", "ReplicationController") => k8s::api::core::v1::ReplicationController,
    ("", "v1", "ResourceQuota") => k8s::api::core::v1::ResourceQuota,
    ("", "v1", "Secret") => k8s::api::core::v1::Secret,
    ("", "v1", "Service") => k8s::api::core::v1::Service,
    ("", "v1", "ServiceAccount") => k8s::api::core::v1::ServiceAccount,
    ("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration") =>
        k8s::api::admissionregistration::v1::MutatingWebhookConfiguration,
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy") =>
        k8s::api::admissionregistration::v1::ValidatingAdmissionPolicy,
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding") =>
        k8s::api::admissionregistration::v1::ValidatingAdmissionPolicyBinding,
    ("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration") =>
        k8s::api::admissionregistration::v1::ValidatingWebhookConfiguration,
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition") =>
        k8s::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
    ("apiregistration.k8s.io", "v1", "APIService") =>
        k8s::kube_aggregator::pkg::apis::apiregistration::v1::APIService,
    ("apps", "v1", "ControllerRevision") => k8s::api::apps::v1::ControllerRevision,
    ("apps", "v1", "DaemonSet") => k8s::api::apps::v1::DaemonSet,
    ("apps", "v1", "Deployment") => k8s::api::apps::v1::Deployment,
    ("apps", "v1", "ReplicaSet") => k8s::api::apps::v1::ReplicaSet,
    ("apps", "v1", "StatefulSet") => k8s::api::apps::v1::StatefulSet,
    ("authentication.k8s.io", "v1", "SelfSubjectReview") =>
        k8s::api::authentication::v1::SelfSubjectReview,
    ("authentication.k8s.io", "v1", "TokenRequest") => k8s::api::authentication::v1::TokenRequest,
    ("authentication.k8s.io", "v1", "TokenReview") => k8s::api::authentication::v1::TokenReview,
    ("authorization.k8s.io", "v1", "LocalSubjectAccessReview") =>
        k8s::api::authorization::v1::LocalSubjectAccessReview,
    ("authorization.k8s.io", "v1", "SelfSubjectAccessReview") =>
        k8s::api::authorization::v1::SelfSubjectAccessReview,
    ("authorization.k8s.io", "v1", "SelfSubjectRulesReview") =>
        k8s::api::authorization::v1::SelfSubjectRulesReview,
    ("authorization.k8s.io", "v1", "SubjectAccessReview") =>
        k8s::api::authorization::v1::SubjectAccessReview,
    ("autoscaling", "v1", "HorizontalPodAutoscaler") =>
        k8s::api::autoscaling::v1::HorizontalPodAutoscaler,
    ("autoscaling", "v1", "Scale") => k8s::api::autoscaling::v1::Scale,
    ("autoscaling", "v2", "HorizontalPodAutoscaler") =>
        k8s::api::autoscaling::v2::HorizontalPodAutoscaler,
    ("batch", "v1", "CronJob") => k8s::api::batch::v1::CronJob,
    ("batch", "v1", "Job") => k8s::api::batch::v1::Job,
    ("certificates.k8s.io", "v1", "CertificateSigningRequest") =>
        k8s::api::certificates::v1::CertificateSigningRequest,
    ("coordination.k8s.io", "v1", "Lease") => k8s::api::coordination::v1::Lease,
    ("discovery.k8s.io", "v1", "EndpointSlice") => k8s::api::discovery::v1::EndpointSlice,
    ("events.k8s.io", "v1", "Event") => k8s::api::events::v1::Event,
    ("flowcontrol.apiserver.k8s.io", "v1", "FlowSchema") => k8s::api::flowcontrol::v1::FlowSchema,
    ("flowcontrol.apiserver.k8s.io", "v1", "PriorityLevelConfiguration") =>
        k8s::api::flowcontrol::v1::PriorityLevelConfiguration,
    ("networking.k8s.io", "v1", "IPAddress") => k8s::api::networking::v1::IPAddress,
    ("networking.k8s.io", "v1", "Ingress") => k8s::api::networking::v1::Ingress,
    ("networking.k8s.io", "v1", "IngressClass") => k8s::api::networking::v1::IngressClass,
    ("networking.k8s.io", "v1", "NetworkPolicy") => k8s::api::networking::v1::NetworkPolicy,
    ("networking.k8s.io", "v1", "ServiceCIDR") => k8s::api::networking::v1::ServiceCIDR,
    ("node.k8s.io", "v1", "RuntimeClass") => k8s::api::node::v1::RuntimeClass,
    ("policy", "v1", "Eviction") => k8s::api::policy::v1::Eviction,
    ("policy", "v1", "PodDisruptionBudget") => k8s::api::policy::v1::PodDisruptionBudget,
    ("rbac.authorization.k8s.io", "v1", "ClusterRole") => k8s::api::rbac::v1::ClusterRole,
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding") =>
        k8s::api::rbac::v1::ClusterRoleBinding,
    ("rbac.authorization.k8s.io", "v1", "Role") => k8s::api::rbac::v1::Role,
    ("rbac.authorization.k8s.io", "v1", "RoleBinding") => k8s::api::rbac::v1::RoleBinding,
    ("scheduling.k8s.io", "v1", "PriorityClass") => k8s::api::scheduling::v1::PriorityClass,
    ("storage.k8s.io", "v1", "CSIDriver") => k8s::api::storage::v1::CSIDriver,
    ("storage.k8s.io", "v1", "CSINode") => k8s::api::storage::v1::CSINode,
    ("storage.k8s.io", "v1", "CSIStorageCapacity") => k8s::api::storage::v1::CSIStorageCapacity,
    ("storage.k8s.io", "v1", "StorageClass") => k8s::api::storage::v1::StorageClass,
    ("storage.k8s.io", "v1", "VolumeAttachment") => k8s::api::storage::v1::VolumeAttachment,
}

/// Adds the shared meta types every document refers to (`DeleteOptions`, `Status`, `Patch`,
/// `WatchEvent`, `ListMeta`); returns their definition names in that order.
pub fn add_meta(generator: &mut SchemaGenerator) -> [String; 5] {
    use k8s::apimachinery::pkg::apis::meta::v1 as meta;
    [
        add_type::<meta::DeleteOptions>(generator),
        add_type::<meta::Status>(generator),
        add_type::<meta::Patch>(generator),
        add_type::<meta::WatchEvent<k8s::api::core::v1::ConfigMap>>(generator),
        add_type::<meta::ListMeta>(generator),
    ]
}
