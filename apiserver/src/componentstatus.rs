//! `componentstatuses` (deprecated upstream, still read by `kubectl get cs`): etcd's health
//! from storage, the scheduler's and controller-manager's from their secure ports.

use std::time::Duration;

use serde_json::{json, Value};

use crate::storage::Storage;

/// Components and where their health endpoints listen, as upstream probes them.
const COMPONENTS: &[(&str, u16)] = &[("scheduler", 10259), ("controller-manager", 10257)];

fn status(name: &str, result: Result<(), String>) -> Value {
    let condition = match result {
        Ok(()) => json!({"type": "Healthy", "status": "True", "message": "ok"}),
        Err(error) => json!({"type": "Healthy", "status": "False", "error": error}),
    };
    json!({"kind": "ComponentStatus", "apiVersion": "v1", "metadata": {"name": name}, "conditions": [condition]})
}

async fn probe(port: u16) -> Result<(), String> {
    let addr = ("127.0.0.1", port);
    match tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(addr)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => {
            let why = match e.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
                _ => e.to_string(),
            };
            Err(format!(
                "Get \"https://127.0.0.1:{port}/healthz\": dial tcp 127.0.0.1:{port}: connect: {why}"
            ))
        }
        Err(_) => Err(format!("Get \"https://127.0.0.1:{port}/healthz\": timeout")),
    }
}

/// Every component's status.
pub async fn all(storage: &Storage) -> Vec<Value> {
    let mut items = Vec::new();
    for (name, port) in COMPONENTS {
        items.push(status(name, probe(*port).await));
    }
    let etcd = match tokio::time::timeout(Duration::from_secs(2), storage.current_revision()).await
    {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("etcd did not answer within 2s".to_string()),
    };
    items.push(status("etcd-0", etcd));
    items
}

/// The `ComponentStatusList`.
pub async fn list(storage: &Storage) -> Value {
    json!({"kind": "ComponentStatusList", "apiVersion": "v1", "metadata": {}, "items": all(storage).await})
}
