# summary.awk: bench/density's table and JSON from samples.tsv (runtime, metric, value). Variables (-v):
# failed, mem (the zone's MiB), reserve, kver, load_start, load_end, host_*, qemu, json (output path). Runs
# under busybox awk in dom0 and any POSIX awk, after ../lib/summary-lib.awk (jnum, jstr, json_host).
function v(rt, m) { return ((rt SUBSEP m) in val) ? val[rt, m] : "" }
function mib(kib) { return kib == "" ? "-" : sprintf("%.1f", kib / 1024) }
function row(label, value, target) { printf "  %-62s %10s  %s\n", label, value, target }

{ val[$1, $2] = $3 }

END {
  printf "\ndensity: idle zones (busybox sleep, %s MiB each) started until the next would not fit the budget\n", mem
  printf "(Xen's free memory at the start less %s MiB), against runc containers of the same bundle in dom0\n", reserve
  row("zones started", v("runz", "zones"), "")
  row("budget, MiB", v("runz", "budget_mib"), "")
  row("per zone: Xen memory taken, MiB", v("runz", "xen_mib"), "")
  row("per zone: Xen memory beyond config.json's size, MiB", v("runz", "xen_beyond_config_mib"), "")
  row("per zone: dom0 RSS of runz's processes (monitor, backend), MiB", mib(v("runz", "dom0_rss_kib")), \
      v("runz", "dom0_rss_kib") == "" ? "" : (v("runz", "dom0_rss_kib") <= 4096 ? "(meets target <= 4)" : "(above target <= 4)"))
  row("per zone: the same as Pss (shared pages split), MiB", mib(v("runz", "dom0_pss_kib")), "")
  row("  of which the monitor: RSS / Pss, MiB", mib(v("runz", "monitor_rss_kib")) " / " mib(v("runz", "monitor_pss_kib")), "")
  row("  of which the 9pfs backend: RSS / Pss, MiB", mib(v("runz", "backend_rss_kib")) " / " mib(v("runz", "backend_pss_kib")), "")
  row("per zone: used inside (MemTotal - MemAvailable), MiB", mib(v("runz", "zone_used_kib")), "")
  row("per zone: overhead inside (size - MemAvailable), MiB", mib(v("runz", "zone_overhead_kib")), \
      v("runz", "zone_overhead_kib") == "" ? "" : (v("runz", "zone_overhead_kib") <= 16384 ? "(meets target <= 16)" : "(above target <= 16)"))
  row("runc containers started (as many as zones)", v("runc", "containers"), "")
  row("per runc container: dom0 memory (MemAvailable drop), MiB", mib(v("runc", "dom0_mem_kib")), "")
  row("per runc container: Pss of its processes, MiB", mib(v("runc", "dom0_pss_kib")), "")
  row("runc containers the same budget would hold", v("runc", "fit_in_budget"), "")
  if (v("runz", "zones") != "" && v("runc", "fit_in_budget") != "" && v("runc", "fit_in_budget") > 0)
    row("ratio zones / runc containers in the budget", sprintf("%.4f", v("runz", "zones") / v("runc", "fit_in_budget")), "")
  if (failed) printf "\ndensity: a start FAILED or something was left behind (see above)\n"

  printf "{\n  \"benchmark\": \"density\",\n  \"ok\": %s,\n", failed ? "false" : "true" > json
  json_host(json)
  printf "  \"zone\": {\"memory_mib\": %s, \"kernel_release\": %s, \"reserve_mib\": %s},\n", jnum(mem), jstr(kver), jnum(reserve) > json
  n = split("zones budget_mib xen_mib xen_beyond_config_mib dom0_rss_kib dom0_pss_kib monitor_rss_kib monitor_pss_kib " \
            "backend_rss_kib backend_pss_kib zone_used_kib zone_overhead_kib", zm, " ")
  printf "  \"runz\": {" > json
  for (i = 1; i <= n; i++) printf "%s\"%s\": %s", (i > 1 ? ", " : ""), zm[i], jnum(v("runz", zm[i])) > json
  n = split("containers dom0_mem_kib dom0_pss_kib fit_in_budget", cm, " ")
  printf "},\n  \"runc\": {" > json
  for (i = 1; i <= n; i++) printf "%s\"%s\": %s", (i > 1 ? ", " : ""), cm[i], jnum(v("runc", cm[i])) > json
  printf "},\n  \"targets\": {\"dom0_rss_kib_max\": 4096, \"zone_overhead_kib_max\": 16384}\n}\n" > json
  close(json)
}
