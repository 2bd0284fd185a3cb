//! Assembling the server from its flags: storage, the pipeline stages, health checks, the
//! system namespaces; then serving until shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use component_base::health::{check_fn, HealthChecks};
use component_base::metrics::Metrics;
use component_base::signals::Shutdown;

use crate::options::{Options, OptionsError};
use crate::pipeline::admission::AdmissionChain;
use crate::pipeline::authn::{
    Authenticator, AuthenticatorChain, TokenFileAuthenticator, TokenFileError, UserInfo,
    X509Authenticator,
};
use crate::pipeline::authz::AllowAuthenticated;
use crate::pipeline::namespace_lifecycle::NamespaceLifecycle;
use crate::registry::core::service::ServiceCidr;
use crate::registry::store::WriteContext;
use crate::registry::{Registry, RegistryConfig};
use crate::server::{self, ApiServer};
use crate::storage::{EtcdConfig, Storage, StorageError};
use crate::tls::{self, ClientCa, TlsError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Options(#[from] OptionsError),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error(transparent)]
    TokenFile(#[from] TokenFileError),
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("failed to listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("creating system namespace {name}: {message}")]
    Bootstrap { name: String, message: String },
}

/// Upstream's service range when `--service-cluster-ip-range` is not given.
pub const DEFAULT_SERVICE_CIDR: &str = "10.0.0.0/24";

/// Namespaces that exist from the start, as upstream's system-namespaces controller ensures.
pub const SYSTEM_NAMESPACES: &[&str] =
    &["default", "kube-system", "kube-public", "kube-node-lease"];

/// Builds the server from validated options; `client_ca` is the loaded `--client-ca-file`.
pub async fn build(
    opts: &Options,
    client_ca: Option<ClientCa>,
) -> Result<Arc<ApiServer>, AppError> {
    let storage = Storage::connect(&EtcdConfig {
        servers: opts.etcd_servers.clone(),
        ca_file: opts.etcd_cafile.clone(),
        cert_file: opts.etcd_certfile.clone(),
        key_file: opts.etcd_keyfile.clone(),
        prefix: opts.etcd_prefix.clone(),
    })
    .await?;

    let mut authenticators: Vec<Arc<dyn Authenticator>> = Vec::new();
    if let Some(ca) = client_ca {
        authenticators.push(Arc::new(X509Authenticator::new(ca)));
    }
    if let Some(path) = &opts.token_auth_file {
        authenticators.push(Arc::new(TokenFileAuthenticator::from_file(path)?));
    }

    let mut health = HealthChecks::new();
    let etcd = storage.clone();
    health.add_liveness(check_fn("etcd", move || {
        let etcd = etcd.clone();
        async move {
            match tokio::time::timeout(Duration::from_secs(2), etcd.current_revision()).await {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("etcd did not answer within 2s".to_string()),
            }
        }
    }));
    let metrics = Metrics::new();
    crate::metrics::register(&metrics)?;

    let service_cidr = opts
        .service_cluster_ip_range
        .as_deref()
        .map(|r| ServiceCidr::parse(r).ok_or_else(|| OptionsError::ServiceCidr(r.to_string())))
        .transpose()?
        .or_else(|| ServiceCidr::parse(DEFAULT_SERVICE_CIDR))
        .ok_or_else(|| OptionsError::ServiceCidr(DEFAULT_SERVICE_CIDR.to_string()))?;
    let config = RegistryConfig {
        service_cidr,
        node_ports: opts.node_port_range()?,
    };
    let registry = Registry::new(storage.clone(), &config);
    let namespaces = registry
        .store("", "v1", "namespaces")
        .map(|s| s.cacher().clone());
    let api = ApiServer {
        registry,
        service_cidr,
        secure_port: opts.secure_port,
        advertise_address: opts.advertised_address(),
        authn: AuthenticatorChain::new(authenticators, opts.anonymous_auth),
        authz: Arc::new(AllowAuthenticated),
        admission: AdmissionChain::new(vec![Arc::new(NamespaceLifecycle::new(
            storage.clone(),
            namespaces,
        ))]),
        storage,
        health,
        metrics,
        server_address: SocketAddr::new(opts.advertised_address(), opts.secure_port).to_string(),
    };
    Ok(Arc::new(api))
}

/// Creates the system namespaces that do not exist yet, retrying while etcd comes up.
pub async fn bootstrap(api: &ApiServer, shutdown: &Shutdown) -> Result<(), AppError> {
    let Some(store) = api.registry.store("", "v1", "namespaces") else {
        return Ok(());
    };
    let system = UserInfo {
        name: "system:apiserver".into(),
        uid: String::new(),
        groups: vec!["system:masters".into()],
    };
    let admission = AdmissionChain::default();
    let ctx = WriteContext {
        user: &system,
        admission: &admission,
        dry_run: false,
    };
    for name in SYSTEM_NAMESPACES {
        let mut attempt = 0;
        loop {
            let ns = serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
            match store.create(&ctx, "", ns).await {
                Ok(_) => break,
                Err(e) if e.reason == "AlreadyExists" => break,
                Err(e) if attempt < 60 && !shutdown.is_triggered() => {
                    tracing::info!(namespace = name, error = %e, "waiting for storage");
                    attempt += 1;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(e) => {
                    return Err(AppError::Bootstrap {
                        name: name.to_string(),
                        message: e.message,
                    })
                }
            }
        }
    }
    kubernetes_service(api, &ctx).await
}

/// The `default/kubernetes` service with its Endpoints and EndpointSlice, pointing at this
/// server (upstream's master endpoint reconciler, single-server form).
async fn kubernetes_service(api: &ApiServer, ctx: &WriteContext<'_>) -> Result<(), AppError> {
    let ip = api.service_cidr.nth(1).to_string();
    let port = api.secure_port;
    let address = api.advertise_address.to_string();
    let objects = [
        (
            ("", "v1", "services"),
            serde_json::json!({
                "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
                "spec": {"clusterIP": ip, "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": port}], "sessionAffinity": "None", "type": "ClusterIP"},
            }),
        ),
        (
            ("", "v1", "endpoints"),
            serde_json::json!({
                "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
                "subsets": [{"addresses": [{"ip": address}], "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}],
            }),
        ),
        (
            ("discovery.k8s.io", "v1", "endpointslices"),
            serde_json::json!({
                "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"kubernetes.io/service-name": "kubernetes"}},
                "addressType": "IPv4",
                "endpoints": [{"addresses": [address], "conditions": {"ready": true}}],
                "ports": [{"name": "https", "port": port, "protocol": "TCP"}],
            }),
        ),
    ];
    for ((group, version, plural), obj) in objects {
        let Some(store) = api.registry.store(group, version, plural) else {
            continue;
        };
        match store.create(ctx, "default", obj).await {
            Ok(_) => {}
            Err(e) if e.reason == "AlreadyExists" => {}
            Err(e) => {
                return Err(AppError::Bootstrap {
                    name: format!("{plural}/kubernetes"),
                    message: e.message,
                })
            }
        }
    }
    Ok(())
}

/// What a generated serving certificate covers: the advertised and bound addresses and the
/// `kubernetes` service's IP (first of the service range).
fn serving_names(opts: &Options) -> tls::ServingNames {
    let range = opts
        .service_cluster_ip_range
        .as_deref()
        .unwrap_or(DEFAULT_SERVICE_CIDR);
    tls::ServingNames {
        public_address: opts.advertised_address(),
        bind_address: opts.bind_address,
        service_ip: ServiceCidr::parse(range).map(|c| std::net::IpAddr::V4(c.nth(1))),
    }
}

/// Runs kube-apiserver until SIGTERM/SIGINT.
pub async fn run(opts: Options) -> Result<(), AppError> {
    opts.validate()?;
    let (cert, key) = match opts.serving_cert_files() {
        Some((cert, key)) => (cert.to_path_buf(), key.to_path_buf()),
        None => tls::ensure_self_signed(&opts.cert_dir, &serving_names(&opts))?,
    };
    let client_ca = opts
        .client_ca_file
        .as_deref()
        .map(ClientCa::load)
        .transpose()?;
    let tls = Arc::new(tls::server_config(&cert, &key, client_ca.as_ref())?);
    let shutdown = Shutdown::on_signals().map_err(|source| AppError::Bind {
        addr: SocketAddr::new(opts.bind_address, opts.secure_port),
        source,
    })?;
    let api = build(&opts, client_ca).await?;
    bootstrap(&api, &shutdown).await?;
    api.registry.start_caches().await;
    if !opts.etcd_compaction_interval.is_zero() {
        tokio::spawn(crate::compactor::run(
            api.storage.clone(),
            opts.etcd_compaction_interval,
        ));
    }
    let addr = SocketAddr::new(opts.bind_address, opts.secure_port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| AppError::Bind { addr, source })?;
    server::serve(listener, tls, api, shutdown).await;
    Ok(())
}
