# summary.awk: bench/cpu's and bench/io's table, medians, ratios and JSON from samples.tsv (iteration,
# runtime, metric, value). Variables (-v): kind (cpu|io), n, failed, params, mem, vcpus, kver, fs_type, root_mount,
# load_start, load_end, host_*, qemu, json (output path). Runs under busybox awk in dom0 and any POSIX awk.
# Every ratio is the zone's speed relative to runc's (higher is better): for a time (cpu_s) runc/zone, for a
# rate (MiB/s, files/s) zone/runc.

function median(rt, metric,    i, k, c, v, tmp, j) {
  c = 0
  for (i = 1; i <= iters; i++) {
    k = i SUBSEP rt SUBSEP metric
    if (k in val) v[++c] = val[k] + 0
  }
  if (c == 0) return ""
  for (i = 2; i <= c; i++) {  # insertion sort: a handful of values
    tmp = v[i]
    for (j = i - 1; j >= 1 && v[j] > tmp; j--) v[j + 1] = v[j]
    v[j + 1] = tmp
  }
  return (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
}
function speed_ratio(metric, z, r) {
  if (z == "" || r == "" || z + 0 == 0 || r + 0 == 0) return ""
  return sprintf("%.2f", (metric ~ /_s$/) ? r / z : z / r)
}
function fmt(x) { return x == "" ? "-" : sprintf("%.2f", x) }
function jnum(x) { return x == "" ? "null" : x }
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function cell(i, rt, metric,    k) {
  k = i SUBSEP rt SUBSEP metric
  return (k in val) ? fmt(val[k]) : "-"
}
function verdict(r, target) {
  if (r == "") return "no figure"
  if (target == "") return ""
  return (r + 0 >= target) ? "meets target >= " target : "below target >= " target
}

{
  val[$1 SUBSEP $2 SUBSEP $3] = $4
  if ($1 + 0 > iters) iters = $1 + 0
}

END {
  nr = split("runz runc", rts, " ")
  if (kind == "cpu") {
    nm = split("cpu_s", metrics, " ")
    split("hash run s", heads, "|")
    split("CPU-bound run (hashing), runc's time / the zone's", labels, "|")
    split("0.95", targets, "|")
  } else {
    nm = split("seq_write_mbps seq_read_mbps tree_write_fps tree_read_fps", metrics, " ")
    split("seq write MiB/s|seq read MiB/s|tree write files/s|tree read files/s", heads, "|")
    split("sequential write|sequential read|small files, write (fsync each)|small files, read", labels, "|")
    split("|0.5||", targets, "|")
  }
  for (a = 1; a <= nr; a++) for (b = 1; b <= nm; b++) med[rts[a], metrics[b]] = median(rts[a], metrics[b])

  printf "\n%s: a zone (runz exec) against a runc container in dom0 (runc exec), same boot, alternating (%d of %d iterations)\n", kind, iters, n
  printf "parameters: %s; zone: %s MiB, %s vCPU(s), kernel %s; dom0 filesystem under the bundles: %s\n", params, mem, vcpus, kver, fs_type
  if (root_mount != "") printf "the zone's rootfs: %s\n", root_mount
  printf "%-7s %-5s |", "iter", "rt"
  for (b = 1; b <= nm; b++) printf " %18s", heads[b]
  printf "\n"
  for (i = 1; i <= iters; i++) for (a = 1; a <= nr; a++) {
    printf "%-7d %-5s |", i, rts[a]
    for (b = 1; b <= nm; b++) printf " %18s", cell(i, rts[a], metrics[b])
    printf "\n"
  }
  for (a = 1; a <= nr; a++) {
    printf "%-7s %-5s |", "median", rts[a]
    for (b = 1; b <= nm; b++) printf " %18s", fmt(med[rts[a], metrics[b]])
    printf "\n"
  }
  printf "\nthe zone's speed relative to runc's (medians; 1.00 = the same, higher is better):\n"
  for (b = 1; b <= nm; b++) {
    r[b] = speed_ratio(metrics[b], med["runz", metrics[b]], med["runc", metrics[b]])
    printf "  %-52s %6s  %s\n", labels[b] ":", r[b] == "" ? "-" : r[b], verdict(r[b], targets[b])
  }
  if (failed) printf "\n%s: a run FAILED or something was left behind (see above); the figures cover what completed\n", kind

  printf "{\n  \"benchmark\": %s,\n  \"ok\": %s,\n  \"iterations_requested\": %d,\n", jstr(kind), failed ? "false" : "true", n > json
  printf "  \"iterations_completed\": %d,\n  \"parameters\": %s,\n", iters, jstr(params) > json
  printf "  \"host\": {\"date\": %s, \"commit\": %s, \"cpus\": %s, \"qemu\": %s, \"loadavg_start\": %s},\n", \
    jstr(host_date), jstr(host_commit), jnum(host_cpus), jstr(qemu), jstr(host_load_start) > json
  printf "  \"dom0\": {\"loadavg_start\": %s, \"loadavg_end\": %s, \"bundle_filesystem\": %s},\n", \
    jstr(load_start), jstr(load_end), jstr(fs_type) > json
  printf "  \"zone\": {\"memory_mib\": %s, \"vcpus\": %s, \"kernel_release\": %s, \"rootfs_mount\": %s},\n", \
    jnum(mem), jnum(vcpus), jstr(kver), jstr(root_mount) > json
  printf "  \"samples\": [" > json
  sep = ""
  for (i = 1; i <= iters; i++) for (a = 1; a <= nr; a++) {
    line = ""
    for (b = 1; b <= nm; b++) {
      k = i SUBSEP rts[a] SUBSEP metrics[b]
      if (k in val) line = line ", \"" metrics[b] "\": " val[k]
    }
    if (line == "") continue
    printf "%s\n    {\"iteration\": %d, \"runtime\": \"%s\"%s}", sep, i, rts[a], line > json
    sep = ","
  }
  printf "\n  ],\n  \"medians\": {" > json
  sep = ""
  for (a = 1; a <= nr; a++) {
    line = ""
    for (b = 1; b <= nm; b++)
      if (med[rts[a], metrics[b]] != "") line = line (line == "" ? "" : ", ") "\"" metrics[b] "\": " sprintf("%.3f", med[rts[a], metrics[b]])
    printf "%s\n    \"%s\": {%s}", sep, rts[a], line > json
    sep = ","
  }
  printf "\n  },\n  \"zone_speed_over_runc\": {" > json
  sep = ""
  for (b = 1; b <= nm; b++) {
    printf "%s\"%s\": %s", sep, metrics[b], jnum(r[b]) > json
    sep = ", "
  }
  printf "},\n  \"targets\": {" > json
  sep = ""
  for (b = 1; b <= nm; b++) if (targets[b] != "") {
    printf "%s\"%s\": %s", sep, metrics[b], targets[b] > json
    sep = ", "
  }
  printf "}\n}\n" > json
  close(json)
}
