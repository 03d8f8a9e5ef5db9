# shellcheck shell=bash
# Host side of the emulated Xen host: image, payload cpio, QEMU boot, serial log watching.
# Sourced by conformance/run-suite and conformance/run-shell (bash). Not a program by itself.
#
# The boot: QEMU (TCG, never KVM) loads Xen as -kernel; dom0's kernel and initrd are multiboot modules. The
# initrd is the cached base image (image/build-image.sh) with a small per-boot "payload" cpio appended
# (Linux unpacks concatenated cpio archives in order, later files replace earlier ones): /payload/job.sh
# (what dom0 runs), the dom0-side scripts, the suites and any --add files. So changing a test, or adding a
# freshly built binary with --add, never rebuilds the base image.

RUNZ_CONF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNZ_REPO=$(cd "$RUNZ_CONF_DIR/.." && pwd)

# ---- options shared by the runners ---------------------------------------------------------------------
BUILD_DIR=${RUNZ_BUILD_DIR:-}
LOG_ROOT=""
QEMU_MEM=${RUNZ_QEMU_MEM:-3072}   # MiB for the whole machine (Xen + dom0 + zones)
DOM0_MEM=${RUNZ_DOM0_MEM:-1536M}
QEMU_SMP=${RUNZ_QEMU_SMP:-2}
# -cpu max,-smap: with SMAP, Xen's PV dom0 crashes under QEMU 7.2 TCG (see the shared notes).
# -pcid,-invpcid: with them, dom0 processes died at random (segfault / general protection fault in freshly
# exec'd busybox, as if a stale TLB entry) while a zone booted: about one per zone boot; none without them
# (conformance/README.md, "CPU model"; tools/zone-cycle-stress.sh reproduces it).
QEMU_CPU=${RUNZ_QEMU_CPU:-max,-smap,-pcid,-invpcid}
# global-pages=false: Xen maps PV guests' user pages global and flushes them by toggling CR4.PGE on every
# guest page-table switch; under TCG a forked child then wrote into its parent's memory now and then (the
# zone agent, PID 1, died with a corrupted heap or locale right after fork for CREATE/EXEC; dom0 processes
# that fork, e.g. the shim, aborted in malloc). With global pages off, Xen flushes by CR3 writes instead.
# spec-ctrl=eager-fpu: Xen (seeing an AMD CPU) switches FPU state lazily by default: CR0.TS on a vCPU switch,
# restore on the #NM trap. Under QEMU 7.2 TCG that loses the xmm/ymm registers of the descheduled process:
# they came back holding other processes' values (thousands of times in 5 minutes, runz-vector-check), and
# glibc's vectorised memcpy/strlen and Go's runtime turned that into crashes all over dom0 and the zones.
# Eagerly switched, none in the same load (conformance/README.md, "Vector registers"; smoke/03 checks it).
XEN_CMDLINE_BASE="global-pages=false spec-ctrl=eager-fpu"
# Multi-threaded TCG (QEMU's default). Round-robin TCG (tcg,thread=single) once left QEMU idle for good in
# the middle of the zones suite (all vCPUs halted, nothing woke them), and one vCPU (RUNZ_QEMU_SMP=1) still
# showed the dom0 segfaults described in conformance/README.md: neither is a fix, so neither is the default.
QEMU_ACCEL=${RUNZ_QEMU_ACCEL:-tcg}
BOOT_TIMEOUT=${RUNZ_BOOT_TIMEOUT:-1800} # hard limit for the whole QEMU run, seconds
INIT_TIMEOUT=${RUNZ_INIT_TIMEOUT:-400} # dom0 /init must have started by then
VERBOSE=0
NO_BUILD=0
ADDS=()
DOM0_CMDLINE_EXTRA=${RUNZ_DOM0_CMDLINE:-}
XEN_CMDLINE_EXTRA=${RUNZ_XEN_CMDLINE:-}

common_usage() {
  cat <<'EOF'
common options:
  --build-dir DIR   build dir whose binaries go into the image (default: $RUNZ_BUILD_DIR or <repo>/build/release)
  --log-dir DIR     where logs go (default: <build dir>/conformance/logs)
  --add HOST:DOM0   copy a host file or directory into dom0 at DOM0 for this boot (repeatable; replaces
                    a file of the image, e.g. --add build/release/src/runtime/runz:/usr/bin/runz)
  --mem MIB         QEMU memory (default 3072); --dom0-mem SIZE (default 1536M)
  --smp N           QEMU's (and so Xen's and dom0's) CPUs (default 2; the ctest boots, two side by side, use 1)
  --timeout SECS    hard limit for the boot (default 1800)
  --no-build        use the newest image already built, do not check the cache key
  -v, --verbose     show the whole serial console live
  --dom0-cmdline S  extra dom0 kernel command line; --xen-cmdline S  extra Xen command line
EOF
}

# parse_common ARG... : consumes a common option; sets SHIFT to the number of arguments used (0 = not ours)
parse_common() {
  SHIFT=0
  case $1 in
    --build-dir) BUILD_DIR=$2; SHIFT=2 ;;
    --log-dir) LOG_ROOT=$2; SHIFT=2 ;;
    --add) ADDS+=("$2"); SHIFT=2 ;;
    --mem) QEMU_MEM=$2; SHIFT=2 ;;
    --dom0-mem) DOM0_MEM=$2; SHIFT=2 ;;
    --smp) QEMU_SMP=$2; SHIFT=2 ;;
    --timeout) BOOT_TIMEOUT=$2; SHIFT=2 ;;
    --no-build) NO_BUILD=1; SHIFT=1 ;;
    -v|--verbose) VERBOSE=1; SHIFT=1 ;;
    --dom0-cmdline) DOM0_CMDLINE_EXTRA=$2; SHIFT=2 ;;
    --xen-cmdline) XEN_CMDLINE_EXTRA=$2; SHIFT=2 ;;
  esac
}

finish_options() {
  BUILD_DIR=${BUILD_DIR:-$RUNZ_REPO/build/release}
  mkdir -p "$BUILD_DIR"
  BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
  LOG_ROOT=${LOG_ROOT:-$BUILD_DIR/conformance/logs}
  mkdir -p "$LOG_ROOT"
  LOG_ROOT=$(cd "$LOG_ROOT" && pwd)
}

say() { echo "$*" >&2; }
now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

# ---- image -----------------------------------------------------------------------------------------------
# sets IMG (the image dir)
get_image() {
  local out
  if [ -n "${RUNZ_IMAGE_DIR:-}" ]; then # a given image dir (experiments)
    IMG=$RUNZ_IMAGE_DIR
    return 0
  fi
  if [ "$NO_BUILD" = 1 ]; then
    local imgroot=${RUNZ_IMAGE_CACHE_DIR:-$BUILD_DIR/conformance/image}
    IMG=$(ls -1dt "$imgroot"/*/complete 2>/dev/null | head -1)
    [ -n "$IMG" ] || { say "no image built yet in $imgroot (drop --no-build)"; return 1; }
    IMG=$(dirname "$IMG")
    return 0
  fi
  out=$("$RUNZ_CONF_DIR/image/build-image.sh" --build-dir "$BUILD_DIR") || { say "image build failed"; return 1; }
  IMG=$(sed -n 's/^RUNZ_IMAGE_DIR=//p' <<<"$out" | tail -1)
  [ -n "$IMG" ] && [ -f "$IMG/complete" ] || { say "image build printed no image dir"; return 1; }
}

# ---- payload ---------------------------------------------------------------------------------------------
# new_payload: sets PAYLOAD (a staging dir that becomes the payload cpio) with the dom0-side scripts, the
# demo and every suite (/payload/suites/<suite>/)
new_payload() {
  PAYLOAD=$RUN_DIR/payload-root
  rm -rf "$PAYLOAD"
  mkdir -p "$PAYLOAD/payload/suites"
  cp "$RUNZ_CONF_DIR"/dom0/* "$PAYLOAD/payload/"
  cp "$RUNZ_CONF_DIR/demo.sh" "$PAYLOAD/payload/demo.sh"
  cp -a "$RUNZ_CONF_DIR/suites/." "$PAYLOAD/payload/suites/" # all of them: small, and run-shell can use them
  # dom0-side test programs built with runz (conformance/CMakeLists.txt), e.g. runz-vector-check
  if compgen -G "$BUILD_DIR/conformance/bin/*" >/dev/null; then # none after try.sh (runz-dist only)
    mkdir -p "$PAYLOAD/payload/bin"
    cp "$BUILD_DIR"/conformance/bin/* "$PAYLOAD/payload/bin/"
  fi
}

# the image's merged-/usr layout: /bin, /sbin, /lib, /lib64 are symlinks into /usr, /var/run -> /run.
# A payload cpio that had a real directory there would replace the symlink, so map those paths.
dom0_path() {
  local p=/${1#/}
  case $p in
    /bin|/bin/*|/sbin|/sbin/*|/lib|/lib/*|/lib64|/lib64/*) p=/usr$p ;;
    /var/run|/var/run/*) p=/run${p#/var/run} ;;
    /var/lock|/var/lock/*) p=/run/lock${p#/var/lock} ;;
  esac
  echo "$p"
}

# payload_add HOST DOM0: copy a file or directory into the payload
payload_add() {
  local src=$1 dst
  dst=$PAYLOAD$(dom0_path "$2")
  [ -e "$src" ] || { say "--add: $src does not exist"; return 1; }
  mkdir -p "$(dirname "$dst")"
  cp -a "$src" "$dst"
}

payload_add_all() {
  local a
  for a in "${ADDS[@]}"; do
    [[ $a == *:* ]] || { say "--add wants HOST:DOM0, got $a"; return 1; }
    payload_add "${a%%:*}" "${a#*:}" || return 1
  done
}

# make_initrd: writes $RUN_DIR/initrd = base image + padding to 4 bytes + payload cpio
make_initrd() {
  local base sz pad
  base=$IMG/$(cat "$IMG/base-name")
  cp "$base" "$RUN_DIR/initrd"
  sz=$(stat -c %s "$RUN_DIR/initrd")
  pad=$(((4 - sz % 4) % 4))
  ((pad == 0)) || head -c "$pad" /dev/zero >>"$RUN_DIR/initrd"
  (cd "$PAYLOAD" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >>"$RUN_DIR/initrd"
}

# ---- boot ------------------------------------------------------------------------------------------------
# boot SERIAL_LOG: runs QEMU with $RUN_DIR/initrd, writes the serial console to SERIAL_LOG (each line
# prefixed with host seconds since start) and calls on_line "<line>" for every console line (CR stripped).
# Sets: BOOT_FAIL (empty = fine, else why), JOB_RC (dom0 job exit status, empty if never reported),
#       T_INIT, T_READY, T_JOB, T_END (host seconds since QEMU start), QEMU_RC.
# Xen's and dom0's command lines (every boot, interactive ones too)
xen_cmdline() {
  echo "dom0_mem=$DOM0_MEM,max:$DOM0_MEM dom0_max_vcpus=$QEMU_SMP console=com1 com1=115200,8n1" \
    "loglvl=all guest_loglvl=all noreboot $XEN_CMDLINE_BASE $XEN_CMDLINE_EXTRA"
}
dom0_cmdline() { echo "console=hvc0 earlyprintk=xen rdinit=/init quiet $DOM0_CMDLINE_EXTRA"; }

boot() {
  local serial=$1 fifo qpid chunk partial="" rc xen dom0cmd deadline_us=0 init_us
  BOOT_FAIL="" JOB_RC="" T_INIT="" T_READY="" T_JOB="" T_END="" QEMU_RC=""
  xen=$(xen_cmdline)
  dom0cmd=$(dom0_cmdline)
  fifo=$RUN_DIR/serial.fifo
  rm -f "$fifo"
  mkfifo "$fifo"
  {
    echo "# qemu-system-x86_64 -machine q35 -accel $QEMU_ACCEL -cpu $QEMU_CPU -smp $QEMU_SMP -m $QEMU_MEM -kernel xen -append \"$xen\""
    echo "#   -initrd \"vmlinuz $dom0cmd,initrd\"   (image $(basename "$IMG"))"
  } >"$serial"
  BOOT_START_US=${EPOCHREALTIME/./}
  init_us=$((INIT_TIMEOUT * 1000000))
  timeout -k 10 "$BOOT_TIMEOUT" qemu-system-x86_64 -machine q35 -accel "$QEMU_ACCEL" -cpu "$QEMU_CPU" -smp "$QEMU_SMP" \
    -m "$QEMU_MEM" -nodefaults -display none -serial stdio -no-reboot \
    -kernel "$IMG/xen" -append "$xen" \
    -initrd "$IMG/vmlinuz $dom0cmd,$RUN_DIR/initrd" </dev/null >"$fifo" 2>&1 &
  qpid=$!
  exec 8<"$fifo"
  while :; do
    if IFS= read -r -t 2 -u 8 chunk; then
      _boot_line "$partial$chunk"
      partial=""
    else
      rc=$?
      if ((rc > 128)); then
        partial+=$chunk # timed out: keep the partial line for the next read
      else
        [ -z "$partial$chunk" ] || _boot_line "$partial$chunk"
        break # EOF: QEMU is gone
      fi
    fi
    local el=$((${EPOCHREALTIME/./} - BOOT_START_US))
    if [ -n "$BOOT_FAIL" ] && ((deadline_us == 0)); then
      deadline_us=$((el + 3000000)) # let the panic text arrive, then stop QEMU (Xen hangs: noreboot)
    fi
    if ((deadline_us > 0 && el >= deadline_us)); then
      kill "$qpid" 2>/dev/null
      deadline_us=-1
    fi
    if [ -z "$T_INIT" ] && [ -z "$BOOT_FAIL" ] && ((el >= init_us)); then
      BOOT_FAIL="dom0 /init did not start within $INIT_TIMEOUT s"
      kill "$qpid" 2>/dev/null
      deadline_us=-1
    fi
  done
  exec 8<&-
  wait "$qpid"
  QEMU_RC=$?
  _boot_secs
  T_END=$BOOT_T
  rm -f "$fifo"
  echo "# qemu exit status $QEMU_RC after $T_END s" >>"$serial"
  if [ -z "$BOOT_FAIL" ]; then
    if [ "$QEMU_RC" = 124 ] || [ "$QEMU_RC" = 137 ]; then BOOT_FAIL="timeout: QEMU killed after $BOOT_TIMEOUT s"
    elif [ -z "$T_INIT" ]; then BOOT_FAIL="dom0 never reached /init"
    elif [ -z "$JOB_RC" ]; then BOOT_FAIL="dom0 stopped before its job finished (QEMU exit $QEMU_RC)"
    elif [ "$QEMU_RC" != 0 ]; then BOOT_FAIL="QEMU exited with status $QEMU_RC"
    fi
  fi
}

# BOOT_T = host seconds since QEMU start, one decimal (no fork: called for every console line)
_boot_secs() {
  local d=$(((${EPOCHREALTIME/./} - BOOT_START_US) / 100000))
  BOOT_T="$((d / 10)).$((d % 10))"
}

_boot_line() {
  local line=${1//$'\r'/} t
  _boot_secs
  t=$BOOT_T
  printf '[%7s] %s\n' "$t" "$line" >>"$serial"
  [ "$VERBOSE" = 1 ] && printf '[%7s] %s\n' "$t" "$line" >&2
  case $line in
    # Only Xen's own lines count: a zone's kernel panic may be quoted by a test (runz error messages carry
    # the zone console's tail), and dom0's panic is always followed by Xen's "Hardware Dom0 crashed".
    *"Panic on CPU"*|*"Hardware Dom0 crashed"*|*"Dom0 crashed"*|*"RUNZ-DOM0-FATAL"*)
      [ -n "$BOOT_FAIL" ] || BOOT_FAIL="crash: $line" ;;
    *RUNZ-DOM0-INIT*) T_INIT=$t ;;
    *RUNZ-DOM0-READY*) T_READY=$t ;;
    *RUNZ-DOM0-JOB-EXIT*)
      T_JOB=$t
      JOB_RC=${line##*RUNZ-DOM0-JOB-EXIT }
      JOB_RC=${JOB_RC%% *} ;;
  esac
  on_line "$line"
}

boot_summary() {
  say "boot: dom0 /init at ${T_INIT:-?} s, toolstack ready at ${T_READY:-?} s, job done at ${T_JOB:-?} s, QEMU exit at ${T_END:-?} s (image $(basename "$IMG"))"
}

# new_run_dir: a scratch dir for this boot (initrd copy, payload), removed at exit
new_run_dir() {
  mkdir -p "$BUILD_DIR/conformance/runs"
  RUN_DIR=$(mktemp -d "$BUILD_DIR/conformance/runs/run.XXXXXX")
  trap 'rm -rf "$RUN_DIR"' EXIT
}

tail_serial() {
  say "----- last 60 lines of $1 -----"
  tail -n 60 "$1" >&2
  say "-----"
}
