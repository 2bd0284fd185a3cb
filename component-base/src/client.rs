//! API client construction from `--kubeconfig`, `--master`, `$KUBECONFIG`, `~/.kube/config`
//! or the in-cluster service account, in upstream's order of precedence.

use std::path::PathBuf;

use clap::Args;
use kube::config::{KubeConfigOptions, Kubeconfig};

/// Client flags for daemons that talk to the apiserver.
#[derive(Args, Clone, Debug, Default)]
#[command(next_help_heading = "Client flags")]
pub struct ClientOptions {
    /// Path to kubeconfig file with authorization and master location information (the master
    /// location can be overridden by the master flag).
    #[arg(long, value_name = "string")]
    pub kubeconfig: Option<PathBuf>,

    /// The address of the Kubernetes API server (overrides any value in kubeconfig).
    #[arg(long, value_name = "string")]
    pub master: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid kubeconfig {path}: {source}")]
    Kubeconfig {
        path: PathBuf,
        #[source]
        source: kube::config::KubeconfigError,
    },
    #[error("no usable client configuration (no --kubeconfig, $KUBECONFIG, ~/.kube/config or in-cluster service account): {0}")]
    Infer(#[source] kube::config::InferConfigError),
    #[error("invalid --master {master:?}: {reason}")]
    Master { master: String, reason: String },
    #[error("failed to build client: {0}")]
    Build(#[source] kube::Error),
}

impl ClientOptions {
    /// Resolves the client configuration. An explicit `--kubeconfig` wins; without one,
    /// `$KUBECONFIG`, then `~/.kube/config`, then the in-cluster service account are tried.
    /// `--master` replaces the server address either way.
    pub async fn config(&self) -> Result<kube::Config, ClientError> {
        let mut config = match &self.kubeconfig {
            Some(path) => {
                let kubeconfig =
                    Kubeconfig::read_from(path).map_err(|source| ClientError::Kubeconfig {
                        path: path.clone(),
                        source,
                    })?;
                kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
                    .await
                    .map_err(|source| ClientError::Kubeconfig {
                        path: path.clone(),
                        source,
                    })?
            }
            None => kube::Config::infer().await.map_err(ClientError::Infer)?,
        };
        if let Some(master) = &self.master {
            config.cluster_url =
                master
                    .parse()
                    .map_err(|e: http::uri::InvalidUri| ClientError::Master {
                        master: master.clone(),
                        reason: e.to_string(),
                    })?;
        }
        Ok(config)
    }

    /// A ready client for the resolved configuration.
    pub async fn client(&self) -> Result<kube::Client, ClientError> {
        kube::Client::try_from(self.config().await?).map_err(ClientError::Build)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUBECONFIG: &str = r#"
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:6443
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: abc123
contexts:
- name: local
  context: {cluster: local, user: admin, namespace: team-a}
current-context: local
"#;

    #[tokio::test]
    async fn reads_explicit_kubeconfig_and_master_override() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, KUBECONFIG).unwrap();

        let opts = ClientOptions {
            kubeconfig: Some(path.clone()),
            master: None,
        };
        let config = opts.config().await.unwrap();
        assert_eq!(config.cluster_url.to_string(), "https://127.0.0.1:6443/");
        assert_eq!(config.default_namespace, "team-a");

        let opts = ClientOptions {
            kubeconfig: Some(path),
            master: Some("https://10.0.0.1:443".into()),
        };
        assert_eq!(
            opts.config().await.unwrap().cluster_url.to_string(),
            "https://10.0.0.1:443/"
        );
    }

    #[tokio::test]
    async fn bad_kubeconfig_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, "clusters: [this is not: a kubeconfig").unwrap();
        let opts = ClientOptions {
            kubeconfig: Some(path.clone()),
            master: None,
        };
        let err = opts.config().await.unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");

        let missing = ClientOptions {
            kubeconfig: Some(dir.path().join("nope")),
            master: None,
        };
        assert!(matches!(
            missing.config().await,
            Err(ClientError::Kubeconfig { .. })
        ));
    }
}
