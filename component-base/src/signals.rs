//! Clean shutdown on SIGTERM and SIGINT.
//!
//! One [`Shutdown`] per process: the signal listener cancels it, and every server and loop
//! holds a clone and stops when it fires, so a daemon drains instead of dying mid-write.

use tokio::signal::unix::{signal, SignalKind};
use tokio_util::sync::CancellationToken;

/// A process-wide shutdown trigger that can be cloned into every task.
#[derive(Clone, Debug, Default)]
pub struct Shutdown {
    token: CancellationToken,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts listening for SIGTERM and SIGINT; the first one received triggers shutdown.
    ///
    /// Handlers are installed before this returns, so a signal sent afterwards can never take
    /// the default action (terminating the process without cleanup).
    pub fn on_signals() -> std::io::Result<Self> {
        let shutdown = Self::new();
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let trigger = shutdown.clone();
        tokio::spawn(async move {
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            };
            tracing::info!(signal = name, "received signal, shutting down");
            trigger.trigger();
        });
        Ok(shutdown)
    }

    /// Requests shutdown (idempotent).
    pub fn trigger(&self) {
        self.token.cancel();
    }

    pub fn is_triggered(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Resolves once shutdown has been requested.
    pub async fn wait(&self) {
        self.token.cancelled().await
    }

    /// A child token for APIs that take a [`CancellationToken`] directly.
    pub fn token(&self) -> CancellationToken {
        self.token.child_token()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn clones_observe_trigger() {
        let shutdown = Shutdown::new();
        let clone = shutdown.clone();
        assert!(!clone.is_triggered());
        shutdown.trigger();
        clone.wait().await;
        assert!(clone.is_triggered());
        assert!(clone.token().is_cancelled());
    }
}
