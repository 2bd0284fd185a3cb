# Shared helpers for the hack/ scripts: start a daemon in the background, remember its PID,
# stop only what we started.
STATE_DIR=${STATE_DIR:-$(pwd)/.kubeoxide}
RUN_DIR=$STATE_DIR/run
LOG_DIR=$STATE_DIR/log
mkdir -p "$RUN_DIR" "$LOG_DIR"

# start NAME CMD...: runs CMD detached, logs to $LOG_DIR/NAME.log, PID in $RUN_DIR/NAME.pid.
start() {
  local name=$1; shift
  if is_running "$name"; then
    echo "  $name already running (pid $(cat "$RUN_DIR/$name.pid"))"
    return 0
  fi
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/$name.pid"
  echo "  started $name (pid $!, log $LOG_DIR/$name.log)"
}

is_running() {
  local pidfile=$RUN_DIR/$1.pid
  [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# stop NAME: SIGTERM, wait up to 20 s, then SIGKILL; only the PID we recorded.
stop() {
  local name=$1 pidfile=$RUN_DIR/$1.pid pid
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "  stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

# wait_for DESCRIPTION SECONDS CMD...: retries CMD until it succeeds.
wait_for() {
  local what=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 2))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "timed out waiting for $what" >&2
  return 1
}
