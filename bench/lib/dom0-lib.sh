# dom0-lib.sh: what the benchmarks' dom0 scripts share (busybox sh; sourced after /payload/testlib.sh).
# The caller sets LOGS, ROOT (runz --root) and, where it runs runc, RUNC_ROOT,
# and defines failed MESSAGE (records a failure and prints it).

# tail_file FILE [LINES]: the end of FILE under a header, when it has anything
tail_file() { [ -s "$1" ] && { echo "--- $1 (tail)"; tail -n "${2:-20}" "$1"; }; return 0; }

# start_runz ID BUNDLE: runz create (within START_TIMEOUT, default 300 s) + start, --debug log in LOGS/runz.log
start_runz() {
  if ! timeout "${START_TIMEOUT:-300}" runz --root "$ROOT" --debug --log "$LOGS/runz.log" create --bundle "$2" "$1" \
       </dev/null >"$LOGS/runz.out" 2>&1; then
    failed "runz create $1"
    tail_file "$LOGS/runz.out"; tail_file "$LOGS/runz.log"; tail_file "$ROOT/$1/console.log"
    return 1
  fi
  runz --root "$ROOT" --debug --log "$LOGS/runz.log" start "$1" || { failed "runz start $1"; tail_file "$LOGS/runz.log"; return 1; }
  log "runz: $1 started (domain $(xl domid "runz-$1" 2>/dev/null))"
}

# start_runc ID BUNDLE: runc run -d (within START_TIMEOUT)
start_runc() {
  if ! timeout "${START_TIMEOUT:-300}" runc --root "$RUNC_ROOT" run -d --bundle "$2" "$1" </dev/null >"$LOGS/runc.out" 2>&1; then
    failed "runc run -d $1"
    tail_file "$LOGS/runc.out"
    return 1
  fi
  log "runc: $1 running"
}

# delete_all: every runz container under ROOT and runc container under RUNC_ROOT, forced; then any domain
# still there is destroyed (and said), and the domains are waited for (30 s)
delete_all() {
  for d in "$ROOT"/*; do [ -d "$d" ] && runz --root "$ROOT" delete --force "${d##*/}" >>"$LOGS/runz.log" 2>&1; done
  if [ -n "${RUNC_ROOT:-}" ]; then
    for c in $(runc --root "$RUNC_ROOT" list -q 2>/dev/null); do
      runc --root "$RUNC_ROOT" delete --force "$c" >>"$LOGS/runc.out" 2>&1
    done
  fi
  for d in $(other_domains); do
    log "clean-up: destroying leftover domain $d"
    xl destroy "$d" >/dev/null 2>&1
  done
  wait_for 30 sh -c '[ -z "$(xl list 2>/dev/null | awk "NR>2")" ]'
}

# clean_up NAME [PROCESS-NAME...]: delete_all, then the leftovers check: what is left is printed as
# "NAME: left behind: ..." and sets FAILED=1
clean_up() {
  _cu_name=$1
  shift
  log "clean-up"
  delete_all
  _cu_left=$(leftovers "$@")
  if [ -n "$_cu_left" ]; then
    echo "$_cu_name: left behind:$_cu_left"
    FAILED=1
  else
    log "clean-up: nothing left (no domain, backend node, process, state or runc container)"
  fi
}

# leftovers [PROCESS-NAME...]: what is left, one "kind:what" a word (empty when nothing): domains, xenstore
# domains, backend nodes, runz and 9pfs backend processes and those named, runz state, runc containers
leftovers() {
  for d in $(other_domains); do printf ' domain:%s' "$d"; done
  for d in $(xenstore_domids); do [ "$d" = 0 ] || printf ' xenstore-domain:%s' "$d"; done
  for t in $(xenstore-list /local/domain/0/backend 2>/dev/null); do
    for d in $(xenstore-list "/local/domain/0/backend/$t" 2>/dev/null); do printf ' xenstore-backend:%s/%s' "$t" "$d"; done
  done
  for n in runz runz-p9-backend "$@"; do
    for p in $(pids_named "$n"); do printf ' process:%s(%s)' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done
  done
  for s in "$ROOT"/*; do [ -e "$s" ] && printf ' runz-state:%s' "$s"; done
  if [ -n "${RUNC_ROOT:-}" ] && [ -n "$(runc --root "$RUNC_ROOT" list -q 2>/dev/null)" ]; then
    printf ' runc:%s' "$(runc --root "$RUNC_ROOT" list -q | tr '\n' ' ')"
  fi
  return 0
}

# read_zone_size DOMAIN-NAME: MEM_KIB and MEM (memory/static-max in KiB and MiB) and VCPUS of a running
# zone, from its xenstore; 1 (all empty) when there is no such domain
read_zone_size() {
  MEM="" MEM_KIB="" VCPUS=""
  _rz_domid=$(xl domid "$1" 2>/dev/null) || return 1
  MEM_KIB=$(xenstore-read "/local/domain/$_rz_domid/memory/static-max" 2>/dev/null) || { MEM_KIB=""; return 1; }
  MEM=$((MEM_KIB / 1024))
  VCPUS=$(xenstore-list "/local/domain/$_rz_domid/cpu" 2>/dev/null | wc -l)
}
