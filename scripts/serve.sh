#!/usr/bin/env bash
# Serve the atlas to many users: N Streamlit processes behind nginx, with sticky sessions.
#
#   bash scripts/serve.sh                      # one process (as `streamlit run`), for one user
#   bash scripts/serve.sh --workers 2          # two processes behind nginx on localhost:8501
#   bash scripts/serve.sh --workers 4 --address 0.0.0.0 --port 80 --public atlas.example.fr
#
# Each worker is a plain `streamlit run atlas_app.py` on 127.0.0.1:<port+i>. nginx
# (Debian's package: apt-get install nginx-light or nginx) listens on --address:--port and
# sends every request of one browser to the same worker: on its first request a browser gets
# a random `atlas_server` cookie, and the worker is chosen by a consistent hash of that
# cookie (the websocket, downloads and uploads of a session live in one process). The app
# is stateless over a read-only snapshot and a shared cache folder, so workers, and
# machines, can be added freely behind any load balancer with sticky sessions.
# Ctrl-C (or SIGTERM) stops nginx and every worker.
set -euo pipefail
cd "$(dirname "$0")/.."

workers=1 port=8501 address=localhost public=""
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers=${2:?--workers needs a number}; shift 2 ;;
    --port) port=${2:?--port needs a number}; shift 2 ;;
    --address) address=${2:?--address needs an address}; shift 2 ;;
    --public) public=${2:?--public needs the address users type}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "serve.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$workers" in ''|*[!0-9]*) echo "serve.sh: --workers must be a number ≥ 1" >&2; exit 2 ;; esac
[ "$workers" -ge 1 ] && [ "$workers" -le 32 ] || {
  echo "serve.sh: --workers must be between 1 and 32" >&2; exit 2; }

streamlit=.venv/bin/streamlit
[ -x "$streamlit" ] || { echo "serve.sh: run 'bash scripts/bootstrap.sh' first" >&2; exit 1; }
browser_args=()
[ -n "$public" ] && browser_args=(--browser.serverAddress "$public")

if [ "$workers" -eq 1 ]; then
  exec "$streamlit" run atlas_app.py --server.address "$address" --server.port "$port" \
    "${browser_args[@]}"
fi

nginx_bin=$(command -v nginx || true)
[ -z "$nginx_bin" ] && [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx
[ -n "$nginx_bin" ] || {
  echo "serve.sh: several workers need nginx (Debian: apt-get install nginx-light)" >&2; exit 1; }

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/atlas-serve.XXXXXX")
pids=()
stop() {
  trap - EXIT INT TERM
  [ -f "$run_dir/nginx.pid" ] && kill "$(cat "$run_dir/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$run_dir"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The geometry artifacts and the map component's files are built once, before the
# workers start, so that they never race to build them.
.venv/bin/atlas geodata build >/dev/null

# Fewer malloc arenas: Streamlit runs each page in its own thread, and glibc's default
# (8 arenas per core) let memory fragment under many users (a third more RSS at 40).
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
servers=""
for i in $(seq 1 "$workers"); do
  worker_port=$((port + i))
  "$streamlit" run atlas_app.py --server.address 127.0.0.1 --server.port "$worker_port" \
    "${browser_args[@]}" >"$run_dir/worker-$i.log" 2>&1 &
  pids+=($!)
  servers+="    server 127.0.0.1:$worker_port max_fails=0;"$'\n'
done

user_line=""
if [ "$(id -u)" = 0 ]; then  # nginx's workers drop root: give them its temporary folders
  user_line="user nobody nogroup;"
  mkdir -p "$run_dir/tmp" && chown nobody:nogroup "$run_dir/tmp"
fi
listen=$address
[ "$listen" = localhost ] && listen=127.0.0.1
cat >"$run_dir/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $run_dir/nginx.pid;
error_log stderr warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $run_dir/tmp/body;
  proxy_temp_path $run_dir/tmp/proxy;
  fastcgi_temp_path $run_dir/tmp/fastcgi;
  uwsgi_temp_path $run_dir/tmp/uwsgi;
  scgi_temp_path $run_dir/tmp/scgi;
  client_max_body_size 210m;  # Streamlit's own upload limit (server.maxUploadSize) applies
  map \$cookie_atlas_server \$atlas_server {
    ""      \$request_id;
    default \$cookie_atlas_server;
  }
  map \$http_upgrade \$connection_upgrade {
    default upgrade;
    ""      "";
  }
  upstream atlas_workers {
    hash \$atlas_server consistent;
$servers    keepalive 32;
  }
  server {
    listen $listen:$port;
    location / {
      proxy_pass http://atlas_workers;
      proxy_http_version 1.1;
      proxy_set_header Host \$http_host;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_read_timeout 1d;
      proxy_send_timeout 1d;
      proxy_buffering off;
      add_header Set-Cookie "atlas_server=\$atlas_server; Path=/; HttpOnly; SameSite=Lax" always;
      add_header X-Atlas-Worker \$upstream_addr always;
    }
  }
}
EOF
mkdir -p "$run_dir/tmp"

# Wait until every worker answers, so that no user meets a starting one.
for i in $(seq 1 "$workers"); do
  for _ in $(seq 1 120); do
    .venv/bin/python -c "import urllib.request as u, sys; u.urlopen(sys.argv[1], timeout=2)" \
      "http://127.0.0.1:$((port + i))/_stcore/health" 2>/dev/null && break
    kill -0 "${pids[$((i - 1))]}" 2>/dev/null || {
      echo "serve.sh: worker $i stopped:" >&2; cat "$run_dir/worker-$i.log" >&2; exit 1; }
    sleep 0.5
  done
done

# Warm every worker up (a map of all communes, a click, a Territoire page: its tables,
# indices and map layers are then in memory), so that no user pays for a cold start.
warm=()
for i in $(seq 1 "$workers"); do
  .venv/bin/python scripts/session_client.py "http://127.0.0.1:$((port + i))" &
  warm+=($!)
done
for pid in "${warm[@]}"; do
  wait "$pid" || echo "serve.sh: a worker's warm-up failed (it will start cold)" >&2
done

echo "Atlas: $workers workers behind nginx on http://$address:$port (Ctrl-C stops them)"
"$nginx_bin" -c "$run_dir/nginx.conf" -p "$run_dir" &
pids+=($!)
wait -n "${pids[@]}"
echo "serve.sh: a process stopped; stopping the others" >&2
exit 1
