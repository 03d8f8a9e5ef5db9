# shellcheck shell=bash
# Sourced by scripts/try.sh and scripts/test.sh: times each phase of a run, to print where the time went.
#   phase NAME CMD...   runs CMD, records NAME, its seconds and its exit status; returns CMD's status
#   phases_print        the table, with the run's wall time and what no phase accounts for
PHASES_T0=$EPOCHREALTIME
PHASES=()
_secs_between() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }
phase() {
  local name=$1 t0=$EPOCHREALTIME rc=0
  shift
  echo "== $name"
  "$@" || rc=$?
  PHASES+=("$name"$'\t'"$(_secs_between "$t0" "$EPOCHREALTIME")"$'\t'"$rc")
  return "$rc"
}
# phases_print [HOOK]: HOOK NAME is called after a phase's line to print its details (indented)
phases_print() {
  local hook=${1:-} wall sum=0 p name secs rc
  wall=$(_secs_between "$PHASES_T0" "$EPOCHREALTIME")
  echo "== where the time went: $wall s wall"
  for p in "${PHASES[@]}"; do
    IFS=$'\t' read -r name secs rc <<<"$p"
    printf '  %-58s %8s s%s\n' "$name" "$secs" "$( ((rc == 0)) || echo "  (exit $rc)")"
    [ -z "$hook" ] || "$hook" "$name"
    sum=$(awk -v a="$sum" -v b="$secs" 'BEGIN{print a+b}')
  done
  printf '  %-58s %8s s\n' "outside these phases" "$(awk -v w="$wall" -v s="$sum" 'BEGIN{printf "%.1f", w-s}')"
}
