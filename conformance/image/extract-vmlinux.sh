#!/usr/bin/env bash
# extract-vmlinux.sh BZIMAGE OUT
# Writes the kernel ELF inside an XZ-compressed bzImage (Debian's vmlinuz) to OUT.
# Why: libxenguest unpacks an XZ bzImage in dom0 userspace on every domain build, which costs seconds per
# zone under emulation; handing it the plain ELF skips that (see conformance/README.md for the numbers).
# How: look for each XZ stream magic (FD 37 7A 58 5A 00) in the file, decompress the first stream found
# there and keep the first result that `readelf -h` accepts as an x86-64 ELF executable.
set -euo pipefail
in=${1:?usage: extract-vmlinux.sh BZIMAGE OUT}
out=${2:?usage: extract-vmlinux.sh BZIMAGE OUT}
tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT

# byte offsets of every XZ magic in the file (grep -b prints 0-based offsets)
mapfile -t offsets < <(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' "$in" | cut -d: -f1)
((${#offsets[@]})) || { echo "extract-vmlinux: no XZ stream in $in" >&2; exit 1; }
for off in "${offsets[@]}"; do
  # --single-stream: stop at the end of the first stream; the bzImage has trailing data after it
  # (tail gets SIGPIPE when xz stops at the end of the stream: not an error)
  if { tail -c +$((off + 1)) "$in" 2>/dev/null || true; } | xz -dc --single-stream >"$tmp" 2>/dev/null &&
     hdr=$(readelf -h "$tmp" 2>/dev/null) &&
     grep -q 'Class:.*ELF64' <<<"$hdr" && grep -q 'Type:.*EXEC' <<<"$hdr" &&
     grep -q 'Machine:.*X86-64' <<<"$hdr"; then
    chmod 0644 "$tmp"
    mv "$tmp" "$out"
    trap - EXIT
    echo "extract-vmlinux: $in -> $out (XZ stream at byte $off, $(stat -c %s "$out") bytes, ELF64 x86-64)" >&2
    exit 0
  fi
done
echo "extract-vmlinux: none of the ${#offsets[@]} XZ streams in $in decompressed to an x86-64 ELF" >&2
exit 1
