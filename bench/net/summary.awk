# summary.awk: net's table, medians, ratios and JSON from samples.tsv (iteration, runtime, metric, value).
# Variables (-v): n, failed, t, rr_count, ping_count, mem, vcpus, kver, iperf, load_start, load_end, host_*,
# qemu, json (output path). Runs under busybox awk in dom0 and any POSIX awk on a host, after
# ../lib/summary-lib.awk (medians_of, print_table, jnum, jstr, json_host, json_samples).

function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "" : sprintf("%.2f", a / b) }
# verdict(r, op, target): whether a ratio meets its target (printed, never an exit status)
function verdict(r, op, target) {
  if (r == "") return "no figure"
  if (op == ">=") return (r + 0 >= target) ? "meets target >= " target : "below target >= " target
  return (r + 0 <= target) ? "meets target <= " target : "above target <= " target
}

{
  val[$1 SUBSEP $2 SUBSEP $3] = $4
  if ($1 + 0 > iters) iters = $1 + 0
}

END {
  nk = split("runz runc", kinds, " ")
  nm = split("tput_fwd_mbps tput_rev_mbps rr_median_us rr_p90_us ping_median_us", metrics, " ")
  split("dom0->ctr Mbit/s|ctr->dom0 Mbit/s|tcp rr med us|tcp rr p90 us|ping med us", heads, "|")
  medians_of(kinds, nk, metrics, nm, med)

  printf "\nnet: dom0 <-> zone (runz) against dom0 <-> runc container, same bridge, same boot (%d of %d iterations)\n", iters, n
  printf "iperf3 -t %s (first second omitted), receiver's throughput; tcp rr: %s 1-byte request/response round trips;\n", t, rr_count
  printf "ping: %s ICMP echoes 0.1 s apart. zone: %s MiB, %s vCPU(s), kernel %s\n", ping_count, mem, vcpus, kver
  print_table(kinds, nk, metrics, nm, heads, med, 17, "%.1f")

  r_fwd = ratio(med["runz", "tput_fwd_mbps"], med["runc", "tput_fwd_mbps"])
  r_rev = ratio(med["runz", "tput_rev_mbps"], med["runc", "tput_rev_mbps"])
  r_rr = ratio(med["runz", "rr_median_us"], med["runc", "rr_median_us"])
  r_rr90 = ratio(med["runz", "rr_p90_us"], med["runc", "rr_p90_us"])
  r_ping = ratio(med["runz", "ping_median_us"], med["runc", "ping_median_us"])
  printf "\nratio zone/runc (medians):\n"
  printf "  %-56s %6s  (%s)\n", "throughput dom0 -> container (higher is better):", r_fwd, verdict(r_fwd, ">=", 0.9)
  printf "  %-56s %6s  (%s)\n", "throughput container -> dom0 (higher is better):", r_rev, verdict(r_rev, ">=", 0.9)
  printf "  %-56s %6s  (%s)\n", "TCP request/response latency, median (lower is better):", r_rr, verdict(r_rr, "<=", 1.2)
  printf "  %-56s %6s\n", "TCP request/response latency, p90:", r_rr90
  printf "  %-56s %6s\n", "ping round trip, median:", r_ping
  if (failed) printf "\nnet: a run FAILED or something was left behind (see above); the figures cover what completed\n"

  # JSON
  printf "{\n  \"benchmark\": \"net\",\n  \"ok\": %s,\n  \"iterations_requested\": %d,\n", \
    failed ? "false" : "true", n > json
  printf "  \"iterations_completed\": %d,\n", iters > json
  printf "  \"units\": {\"tput\": \"Mbit/s\", \"rr\": \"us\", \"ping\": \"us\"},\n" > json
  printf "  \"parameters\": {\"iperf3_seconds\": %s, \"iperf3_omit_seconds\": 1, \"rr_count\": %s, \"rr_size_bytes\": 1, \"ping_count\": %s, \"iperf3\": %s},\n", \
    jnum(t), jnum(rr_count), jnum(ping_count), jstr(iperf) > json
  json_host(json)
  printf "  \"zone\": {\"memory_mib\": %s, \"vcpus\": %s, \"kernel_release\": %s},\n", \
    jnum(mem), jnum(vcpus), jstr(kver) > json
  json_samples(json, "runtime", kinds, nk, metrics, nm, med, "%.1f")
  printf "  \"ratios_zone_over_runc\": {\n" > json
  printf "    \"tput_fwd\": %s,\n    \"tput_rev\": %s,\n    \"rr_median\": %s,\n    \"rr_p90\": %s,\n    \"ping_median\": %s\n  },\n", \
    jnum(r_fwd), jnum(r_rev), jnum(r_rr), jnum(r_rr90), jnum(r_ping) > json
  printf "  \"targets\": {\"tput_min_ratio\": 0.9, \"latency_max_ratio\": 1.2}\n}\n" > json
  close(json)
}
