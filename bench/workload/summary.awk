# summary.awk: bench/cpu's and bench/io's table, medians, ratios and JSON from samples.tsv (iteration,
# runtime, metric, value). Variables (-v): kind (cpu|io), n, failed, params, mem, vcpus, kver, fs_type, root_mount,
# load_start, load_end, host_*, qemu, json (output path). Runs under busybox awk in dom0 and any POSIX awk,
# after ../lib/summary-lib.awk (medians_of, print_table, jnum, jstr, json_host, json_samples).
# Every ratio is the zone's speed relative to runc's (higher is better): for a time (cpu_s) runc/zone, for a
# rate (MiB/s, files/s) zone/runc.

function speed_ratio(metric, z, r) {
  if (z == "" || r == "" || z + 0 == 0 || r + 0 == 0) return ""
  return sprintf("%.2f", (metric ~ /_s$/) ? r / z : z / r)
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
  medians_of(rts, nr, metrics, nm, med)

  printf "\n%s: a zone (runz exec) against a runc container in dom0 (runc exec), same boot, alternating (%d of %d iterations)\n", kind, iters, n
  printf "parameters: %s; zone: %s MiB, %s vCPU(s), kernel %s; dom0 filesystem under the bundles: %s\n", params, mem, vcpus, kver, fs_type
  if (root_mount != "") printf "the zone's rootfs: %s\n", root_mount
  print_table(rts, nr, metrics, nm, heads, med, 18, "%.2f")
  printf "\nthe zone's speed relative to runc's (medians; 1.00 = the same, higher is better):\n"
  for (b = 1; b <= nm; b++) {
    r[b] = speed_ratio(metrics[b], med["runz", metrics[b]], med["runc", metrics[b]])
    printf "  %-52s %6s  %s\n", labels[b] ":", r[b] == "" ? "-" : r[b], verdict(r[b], targets[b])
  }
  if (failed) printf "\n%s: a run FAILED or something was left behind (see above); the figures cover what completed\n", kind

  printf "{\n  \"benchmark\": %s,\n  \"ok\": %s,\n  \"iterations_requested\": %d,\n", jstr(kind), failed ? "false" : "true", n > json
  printf "  \"iterations_completed\": %d,\n  \"parameters\": %s,\n", iters, jstr(params) > json
  json_host(json)
  printf "  \"bundle_filesystem\": %s,\n", jstr(fs_type) > json
  printf "  \"zone\": {\"memory_mib\": %s, \"vcpus\": %s, \"kernel_release\": %s, \"rootfs_mount\": %s},\n", \
    jnum(mem), jnum(vcpus), jstr(kver), jstr(root_mount) > json
  json_samples(json, "runtime", rts, nr, metrics, nm, med, "%.3f")
  printf "  \"zone_speed_over_runc\": {" > json
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
