//! Resource storage: one generic [`store::Store`] written once, plus a [`Strategy`] per
//! resource supplying the hooks that differ (upstream's `rest.RESTCreateStrategy` and
//! friends). Every stored resource of the api-types registry gets the default strategy
//! unless a file under `core/` (or another group folder) gives it its own.

pub mod admissionregistration;
pub mod apiextensions;
pub mod apiregistration;
pub mod apps;
pub mod autoscaling;
pub mod batch;
pub mod certificates;
pub mod convert;
pub mod core;
pub mod default;
pub mod defaulting;
pub mod endpointslice;
pub mod eviction;
pub mod flowcontrol;
pub mod lease;
pub mod list;
pub mod networking;
pub mod policy;
pub mod rbac;
pub mod scale;
pub mod scheduling;
pub mod storage;
pub mod store;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use api_types::registry::ResourceInfo;
use api_types::validation::{name_is_dns_subdomain, FieldError, ValidateNameFn};
use serde_json::Value;

use crate::object;
use crate::storage::Storage;

pub use store::Store;

/// What an allocation holds until the object is written (e.g. the allocator's lock); dropping
/// it lets the next allocation see the stored result.
pub type Reservation = Option<Box<dyn std::any::Any + Send>>;

/// What happens when a delete is asked for an object that is not gone at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteBehaviour {
    /// Remove from storage now (unless finalizers hold it).
    Immediate,
    /// Mark with `deletionTimestamp` and let a controller finish (namespaces).
    Graceful,
}

/// The per-resource hooks of the generic store, called in upstream's fixed order:
/// create = prepare_for_create → validate; update = prepare_for_update → validate_update.
pub trait Strategy: Send + Sync {
    /// Fills unset fields with upstream's defaults; runs on every create and update body, as
    /// upstream defaults every decoded object.
    fn defaults(&self, _obj: &mut Value) {}

    /// Clears what a client may not set on create (usually `status`).
    fn prepare_for_create(&self, _obj: &mut Value) {}

    /// Carries over what an update of the main resource may not change (usually `status`).
    fn prepare_for_update(&self, _new: &mut Value, _old: &Value) {}

    /// Writes the requesting user into a new object, where upstream's strategy does
    /// (CertificateSigningRequests: `spec.username`, `uid`, `groups`).
    fn record_requester(&self, _obj: &mut Value, _user: &crate::pipeline::authn::UserInfo) {}

    /// Whether a write answers only once the resource's watch cache has it: for resources
    /// whose cached state admission decides on (namespaces, for NamespaceLifecycle), so a
    /// request sent after the answer is judged on the new state.
    fn settles_writes_in_cache(&self) -> bool {
        false
    }

    /// Carries over what a write of the `status` subresource may not change beyond the
    /// store's rule (everything but `status`, labels and annotations is kept).
    fn prepare_for_status_update(&self, _new: &mut Value, _old: &Value) {}

    /// Resource-specific validation of a new object (metadata is checked by the store).
    fn validate(&self, _obj: &Value) -> Vec<FieldError> {
        Vec::new()
    }

    /// Resource-specific validation of an update.
    fn validate_update(&self, new: &Value, _old: &Value) -> Vec<FieldError> {
        self.validate(new)
    }

    /// How `metadata.name` is validated.
    fn name_validator(&self) -> ValidateNameFn {
        name_is_dns_subdomain
    }

    /// Whether `metadata.generation` is set and bumped on spec changes.
    fn tracks_generation(&self) -> bool {
        false
    }

    /// The top-level field whose changes bump a tracked generation: `spec`, except for
    /// kinds without one (webhook configurations: `webhooks`).
    fn generation_field(&self) -> &'static str {
        "spec"
    }

    /// Whether a PUT of a missing object creates it.
    fn allow_create_on_update(&self) -> bool {
        false
    }

    /// Whether a PUT without `resourceVersion` overwrites whatever is stored.
    fn allow_unconditional_update(&self) -> bool {
        true
    }

    /// Whether DELETE answers the deleted object (else a `Status` Success).
    fn return_deleted_object(&self) -> bool {
        false
    }

    fn delete_behaviour(&self) -> DeleteBehaviour {
        DeleteBehaviour::Immediate
    }

    /// Marks an object whose graceful deletion starts (e.g. a namespace's phase).
    fn prepare_for_graceful_delete(&self, _obj: &mut Value) {}

    /// Whether a gracefully deleted object may now be removed from storage.
    fn ready_to_remove(&self, _obj: &Value) -> bool {
        true
    }

    /// The grace period a delete waits for (e.g. a kubelet stopping a pod's containers), or
    /// `None` to delete at once; `requested` is the client's `gracePeriodSeconds`.
    fn grace_period(&self, _obj: &Value, _requested: Option<i64>) -> Option<i64> {
        None
    }

    /// Allocates what the resource draws from shared pools (service IPs and node ports), after
    /// the prepare hook and before validation; `old` is set on updates. The returned
    /// [`Reservation`] is held by the store until its write is done, so two writes can never
    /// pick the same value.
    fn allocate<'a>(
        &'a self,
        _obj: &'a mut Value,
        _old: Option<&'a Value>,
    ) -> futures::future::BoxFuture<'a, Result<Reservation, crate::status::ApiError>> {
        Box::pin(async { Ok(None) })
    }

    /// Whether a DELETE without a propagation policy orphans dependents (upstream's
    /// `DefaultGarbageCollectionPolicy` of `OrphanDependents`: batch/v1 Jobs and v1
    /// ReplicationControllers, for backwards compatibility).
    fn orphans_by_default(&self) -> bool {
        false
    }

    /// Extra selectable fields besides `metadata.name` and `metadata.namespace`.
    fn extra_fields(&self, _obj: &Value) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// Every field a field selector may name for this object.
pub fn selectable_fields(
    strategy: &dyn Strategy,
    obj: &Value,
    namespaced: bool,
) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    fields.insert("metadata.name".to_string(), object::name(obj).to_string());
    if namespaced {
        fields.insert(
            "metadata.namespace".to_string(),
            object::namespace(obj).to_string(),
        );
    }
    for (k, v) in strategy.extra_fields(obj) {
        fields.insert(k.to_string(), v);
    }
    fields
}

/// The stores of every stored resource, keyed by group, version and plural.
pub struct Registry {
    stores: HashMap<(String, String, String), Arc<Store>>,
}

impl Registry {
    /// A store for every resource of the api-types registry that has an etcd prefix.
    pub fn new(storage: Storage, config: &RegistryConfig) -> Self {
        let mut stores = HashMap::new();
        for info in api_types::registry::builtin().all() {
            if info.etcd_prefix.is_none() {
                continue;
            }
            let strategy = strategy_for(info, &storage, config);
            stores.insert(
                (
                    info.group.to_string(),
                    info.version.to_string(),
                    info.plural.to_string(),
                ),
                Arc::new(Store::new(info, strategy, storage.clone())),
            );
        }
        Registry { stores }
    }

    /// Fills and starts every resource's watch cache (a cache that fails here starts on its
    /// first use instead).
    pub async fn start_caches(&self) {
        let starts = self.stores.values().map(|store| async move {
            if let Err(error) = store.cacher().ensure_started().await {
                tracing::warn!(resource = store.info.plural, %error, "watch cache not started");
            }
        });
        futures::future::join_all(starts).await;
    }

    /// The store of `group`/`version`/`plural`.
    pub fn store(&self, group: &str, version: &str, plural: &str) -> Option<Arc<Store>> {
        self.stores
            .get(&(group.to_string(), version.to_string(), plural.to_string()))
            .cloned()
    }
}

/// What resource strategies need from the server's flags.
#[derive(Debug, Clone, Copy)]
pub struct RegistryConfig {
    pub service_cidr: core::service::ServiceCidr,
    pub node_ports: (u16, u16),
}

/// The strategy of one resource: a specific one where written, else the default.
fn strategy_for(
    info: &'static ResourceInfo,
    storage: &Storage,
    config: &RegistryConfig,
) -> Arc<dyn Strategy> {
    match (info.group, info.plural) {
        ("", "services") => Arc::new(core::service::ServiceStrategy::new(
            storage.clone(),
            config.service_cidr,
            config.node_ports,
        )),
        ("", "namespaces") => Arc::new(core::namespace::NamespaceStrategy),
        ("", "configmaps") => Arc::new(core::configmap::ConfigMapStrategy),
        ("", "secrets") => Arc::new(core::secret::SecretStrategy),
        ("", "pods") => Arc::new(core::pod::PodStrategy),
        ("", "podtemplates") => Arc::new(core::pod::templates::PodTemplateStrategy::new(info)),
        ("", "replicationcontrollers") => Arc::new(
            core::pod::templates::ReplicationControllerStrategy::new(info),
        ),
        ("", "nodes") => Arc::new(core::node::NodeStrategy::new(info)),
        ("", "events") | ("events.k8s.io", "events") => {
            Arc::new(core::event::EventStrategy::new(info))
        }
        ("autoscaling", "horizontalpodautoscalers") => {
            Arc::new(autoscaling::HpaStrategy::new(info))
        }
        ("apps", "deployments" | "replicasets" | "statefulsets" | "daemonsets") => {
            Arc::new(apps::WorkloadStrategy::new(info))
        }
        ("batch", "jobs") => Arc::new(batch::JobStrategy::new(info)),
        ("coordination.k8s.io", "leases") => Arc::new(lease::LeaseStrategy),
        ("discovery.k8s.io", "endpointslices") => Arc::new(endpointslice::EndpointSliceStrategy),
        ("batch", "cronjobs") => Arc::new(batch::CronJobStrategy::new(info)),
        ("", "persistentvolumes") => {
            Arc::new(core::persistentvolume::PersistentVolumeStrategy::new(info))
        }
        ("", "persistentvolumeclaims") => Arc::new(
            core::persistentvolume::PersistentVolumeClaimStrategy::new(info),
        ),
        ("", "limitranges") => Arc::new(defaulting::Defaulted::new(
            info,
            core::limitrange::default_limit_range,
        )),
        ("", "endpoints") => Arc::new(defaulting::Defaulted::new(
            info,
            core::endpoints::default_endpoints,
        )),
        ("", "serviceaccounts") => Arc::new(core::serviceaccount::ServiceAccountStrategy),
        ("storage.k8s.io", _) => storage::strategy(info),
        ("networking.k8s.io", _) => networking::strategy(info),
        ("admissionregistration.k8s.io", _) => admissionregistration::strategy(info),
        ("flowcontrol.apiserver.k8s.io", _) => flowcontrol::strategy(info),
        ("scheduling.k8s.io", "priorityclasses") => Arc::new(defaulting::Defaulted::new(
            info,
            scheduling::default_priority_class,
        )),
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => {
            Arc::new(defaulting::Defaulted::new(info, rbac::default_binding))
        }
        ("policy", "poddisruptionbudgets") => {
            Arc::new(policy::PodDisruptionBudgetStrategy::new(info))
        }
        ("certificates.k8s.io", "certificatesigningrequests") => {
            Arc::new(certificates::CertificateSigningRequestStrategy::new(info))
        }
        ("apiregistration.k8s.io", "apiservices") => {
            Arc::new(apiregistration::ApiServiceStrategy::new(info))
        }
        ("apiextensions.k8s.io", "customresourcedefinitions") => {
            Arc::new(apiextensions::CustomResourceDefinitionStrategy::new(info))
        }
        _ => Arc::new(default::DefaultStrategy::new(info)),
    }
}
