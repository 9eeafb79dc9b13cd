#!/usr/bin/env bash
# Measures how long `bin/chaojiyuyan mcp-server` takes from process start to its answer to an MCP
# `initialize` request (what a client such as Claude Code waits for), several runs, and prints each run
# and the medians: wall time to the answer, and the CPU time (user + sys) the process used in all, which a
# busy machine distorts less than wall time. No kernel is needed: initialize does not reach it (a placeholder key
# satisfies the credentials check).
#
#   scripts/measure-mcp-startup.sh [RUNS]          # default 7 runs, with the launcher's defaults (AppCDS on)
#   CHAOJIYUYAN_CDS=off scripts/measure-mcp-startup.sh 7   # without the class-data-sharing archive
#
# The first run with AppCDS on may create the archive (it is written when that JVM exits); later runs use it.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
runs="${1:-7}"
request='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"startup-probe","version":"1"}}}'

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

cpu_file="$(mktemp)"
trap 'rm -f "$cpu_file"' EXIT
times=()
cpus=()
for i in $(seq 1 "$runs"); do
  start="$(now_ms)"
  coproc MCP { CHAOJIYUYAN_API_KEY=nxt_ag_startup_probe CHAOJIYUYAN_BASE_URL=http://127.0.0.1:9/api/v1 \
      /usr/bin/time -f '%U %S' -o "$cpu_file" "$root/bin/chaojiyuyan" mcp-server 2>/dev/null; }
  echo "$request" >&"${MCP[1]}"
  IFS= read -r answer <&"${MCP[0]}"
  end="$(now_ms)"
  exec {MCP[1]}>&-
  wait "$MCP_PID" || true
  case "$answer" in
    *'"serverInfo"'*) ;;
    *) echo "run $i: unexpected answer on stdout: $answer" >&2; exit 1 ;;
  esac
  cpu="$(awk '{printf "%d", ($1 + $2) * 1000}' "$cpu_file")"
  times+=("$((end - start))")
  cpus+=("$cpu")
  echo "run $i: ready after $((end - start)) ms, $cpu ms CPU"
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "median of $runs runs: ready after $(median "${times[@]}") ms, $(median "${cpus[@]}") ms CPU (CDS ${CHAOJIYUYAN_CDS:-on})"
