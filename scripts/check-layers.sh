#!/usr/bin/env bash
# check-layers.sh [--no-xen BINARY]... [REPO]: the include edges between runz's folders stay the ones the
# design allows (ctest `layering`), and each BINARY (the shim) links no Xen library (ldd). Every `#include "<folder>/..."` in a folder's .cpp/.hpp files must name the folder itself or
# one it may use:
#
#   common      (nothing)               the error type, fds, children
#   spec        common                  OCI config/state
#   net         common                  the container's network namespace on the host (rtnetlink)
#   agent-proto common spec             host <-> agent frames
#   zone        common spec             the zone interface, below runtime and xen
#   xen         common spec agent-proto zone net      the toolstack; never runtime, never the shim
#   runtime     common spec agent-proto zone net      the CLI and monitor; xen only in its composition
#                                                     root (runtime/zone_factory_default.cpp)
#   shim-v2     common spec runtime zone              asks runz; never xen
#   guest       common spec agent-proto               the zone's agent
#
# Inside xen, two folders are held to what they may use of the toolstack:
#   xen/p9       the 9pfs backend process: the shared Xen wrappers and its device's layout, nothing else
#   xen/devices  one unit per device kind: xenstore, the log, the zone record; not the backend, not XenZone
#
# It also fails on any cycle between folders. Prints each offending line; exit 1 if there is one.
set -uo pipefail
NO_XEN=()
while (($#)); do
  case $1 in
    --no-xen) NO_XEN+=("$2"); shift 2 ;;
    *) break ;;
  esac
done
REPO=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$REPO" || exit 2
declare -A DIR=([common]=src/common [spec]=src/spec [net]=src/net [agent-proto]=src/agent-proto [zone]=src/zone [xen]=src/xen
                [runtime]=src/runtime [shim-v2]=src/shim-v2 [guest]=guest)
declare -A MAY=([common]="" [spec]="common" [net]="common" [agent-proto]="common spec" [zone]="common spec"
                [xen]="common spec agent-proto zone net" [runtime]="common spec agent-proto zone net"
                [shim-v2]="common spec runtime zone" [guest]="common spec agent-proto")
# the one file that may cross a rule: the composition root picks the zone implementation
EXCEPTIONS="src/runtime/zone_factory_default.cpp:xen"
bad=0
declare -A EDGE=()
for layer in "${!DIR[@]}"; do
  while IFS=: read -r file line text; do
    to=$(sed -E 's/^#include "([a-z0-9-]+)\/.*/\1/' <<<"$text")
    [ -n "${DIR[$to]:-}" ] || continue # not one of ours (e.g. doctest/, nlohmann/)
    [ "$to" = "$layer" ] && continue
    EDGE["$layer $to"]=1
    case " ${MAY[$layer]} " in *" $to "*) continue ;; esac
    case " $EXCEPTIONS " in *" $file:$to "*) continue ;; esac
    echo "layering: $file:$line: $layer may not include $to: $text"
    bad=1
  done < <(grep -rnE '^#include "[a-z0-9-]+/' "${DIR[$layer]}" --include=*.cpp --include=*.hpp 2>/dev/null)
done
declare -A XEN_SUB_MAY=([src/xen/p9]="xen/p9/ xen/devices/p9fs_layout.hpp xen/devices/xenbus_state.hpp xen/xs.hpp xen/gnttab.hpp xen/evtchn.hpp"
                       [src/xen/devices]="xen/devices/ xen/xs.hpp xen/log.hpp")
for sub in "${!XEN_SUB_MAY[@]}"; do
  while IFS=: read -r file line text; do
    inc=$(sed -E 's/^#include "([^"]+)".*/\1/' <<<"$text")
    ok=0
    for allowed in ${XEN_SUB_MAY[$sub]}; do
      case $inc in "$allowed"*) ok=1 ;; esac
    done
    [ "$ok" = 1 ] && continue
    echo "layering: $file:$line: $sub may not include $inc"
    bad=1
  done < <(grep -rnE '^#include "xen/' "$sub" --include=*.cpp --include=*.hpp 2>/dev/null)
done
# cycles between folders (the exception's edge included): depth-first search over EDGE
declare -A STATE=()
visit() {
  local n=$1 e m
  STATE[$n]=grey
  for e in "${!EDGE[@]}"; do
    [ "${e%% *}" = "$n" ] || continue
    m=${e#* }
    if [ "${STATE[$m]:-}" = grey ]; then echo "layering: cycle between folders through $n -> $m"; bad=1
    elif [ -z "${STATE[$m]:-}" ]; then visit "$m"; fi
  done
  STATE[$n]=black
}
for layer in "${!DIR[@]}"; do [ -n "${STATE[$layer]:-}" ] || visit "$layer"; done
for b in "${NO_XEN[@]}"; do
  [ -x "$b" ] || { echo "layering: $b: not an executable"; bad=1; continue; }
  xen=$(ldd "$b" | grep -o 'libxen[a-z]*\.so[.0-9]*' | sort -u | tr '\n' ' ')
  if [ -n "$xen" ]; then echo "layering: $b links Xen libraries: $xen"; bad=1
  else echo "layering: $(basename "$b") links no Xen library"; fi
done
[ "$bad" = 0 ] && echo "layering: every include between ${#DIR[@]} folders follows the rules, no cycle"
exit "$bad"
