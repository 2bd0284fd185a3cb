//! Serves the base routes on a real loopback socket, then stops cleanly on a real SIGTERM.
//! (Its own test binary: the signal goes to this process.)

use std::time::Duration;

use component_base::health::{check_fn, HealthChecks};
use component_base::metrics::Metrics;
use component_base::serving::{base_router, bind, serve};
use component_base::signals::Shutdown;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn serves_health_and_metrics_then_stops_on_sigterm() {
    let shutdown = Shutdown::on_signals().unwrap();
    let mut health = HealthChecks::new();
    health.add_readiness(check_fn("storage", || async {
        Err("not connected".to_string())
    }));
    let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve(
        listener,
        base_router(health, Metrics::new()),
        shutdown.clone(),
    ));

    assert_eq!(get(addr, "/healthz/ping").await, (200, "ok".to_string()));
    assert_eq!(get(addr, "/livez").await, (200, "ok".to_string()));
    let (status, body) = get(addr, "/readyz").await;
    assert_eq!(status, 500);
    assert!(
        body.contains("[-]storage failed: reason withheld"),
        "{body}"
    );
    assert_eq!(
        get(addr, "/readyz?exclude=storage").await,
        (200, "ok".to_string())
    );
    let (status, body) = get(addr, "/metrics").await;
    assert_eq!(status, 200);
    assert!(body.contains("process_resident_memory_bytes"), "{body}");
    assert_eq!(get(addr, "/nope").await.0, 404);

    let pid = std::process::id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let result = tokio::time::timeout(Duration::from_secs(30), server).await;
    let served = result.expect("server did not stop after SIGTERM").unwrap();
    assert!(served.is_ok(), "{served:?}");
    assert!(shutdown.is_triggered());
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "listener still open"
    );
}
