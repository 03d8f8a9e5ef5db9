# summary.awk: zone-start's table, medians, ratios and JSON from samples.tsv (iteration, kind, metric, ms).
# Variables (-v): n, failed, mem, vcpus, cmdline, kver, load_start, load_end, host_*, qemu, json (output path).
# Runs under busybox awk in dom0 and any POSIX awk on a host, after ../lib/summary-lib.awk (medians_of, jnum,
# jstr, json_host, json_samples).

function sec(ms) { return ms == "" ? "-" : sprintf("%.2f", ms / 1000) }
function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "" : sprintf("%.2f", a / b) }
function cell(i, kind, metric,    k) {
  k = i SUBSEP kind SUBSEP metric
  return (k in val) ? sec(val[k]) : "-"
}

{
  val[$1 SUBSEP $2 SUBSEP $3] = $4
  if ($1 + 0 > iters) iters = $1 + 0
  have[$2] = 1
}

END {
  nk = split("runz xl-vmlinux xl-vmlinuz", kinds, " ")
  nm = split("create_returned_ms start_returned_ms first_byte_ms stdout_eof_ms cli_version_first_byte_ms " \
             "phase_build_ms phase_backends_ms phase_boot_ms phase_create_ms phase_start_ms create_outside_phases_ms", \
             metrics, " ")
  # what `runz create` spent outside the zone's phases: two CLI starts' worth of work (config, monitor fork,
  # its answer) and waiting
  for (i = 1; i <= iters; i++) {
    k = i SUBSEP "runz" SUBSEP
    if ((k "create_returned_ms") in val && (k "phase_build_ms") in val && (k "phase_backends_ms") in val && \
        (k "phase_boot_ms") in val && (k "phase_create_ms") in val)
      val[k "create_outside_phases_ms"] = val[k "create_returned_ms"] - val[k "phase_build_ms"] - \
        val[k "phase_backends_ms"] - val[k "phase_boot_ms"] - val[k "phase_create_ms"]
  }
  medians_of(kinds, nk, metrics, nm, med)

  printf "\nzone-start: seconds from the start of `runz create` / `xl create` to the first byte (%d of %d iterations)\n", iters, n
  printf "zone: %s MiB, %s vCPU(s), kernel %s, command line \"%s\"\n", mem, vcpus, kver, cmdline
  printf "%-6s | %12s %12s | %12s %12s | %12s | %9s\n", "", "runz", "runz", "xl vmlinux", "xl vmlinux", \
    "xl vmlinuz", "runz/xl"
  printf "%-6s | %12s %12s | %12s %12s | %12s | %9s\n", "iter", "create ret.", "first out", "create ret.", \
    "first byte", "first byte", "first"
  for (i = 1; i <= iters; i++) {
    printf "%-6d | %12s %12s | %12s %12s | %12s | %9s\n", i, cell(i, "runz", "create_returned_ms"), \
      cell(i, "runz", "first_byte_ms"), cell(i, "xl-vmlinux", "create_returned_ms"), \
      cell(i, "xl-vmlinux", "first_byte_ms"), cell(i, "xl-vmlinuz", "first_byte_ms"), \
      ratio(val[i, "runz", "first_byte_ms"], val[i, "xl-vmlinux", "first_byte_ms"])
  }
  printf "%-6s | %12s %12s | %12s %12s | %12s | %9s\n", "median", sec(med["runz", "create_returned_ms"]), \
    sec(med["runz", "first_byte_ms"]), sec(med["xl-vmlinux", "create_returned_ms"]), \
    sec(med["xl-vmlinux", "first_byte_ms"]), sec(med["xl-vmlinuz", "first_byte_ms"]), \
    ratio(med["runz", "first_byte_ms"], med["xl-vmlinux", "first_byte_ms"])

  r_first = ratio(med["runz", "first_byte_ms"], med["xl-vmlinux", "first_byte_ms"])
  r_hello = ratio(med["runz", "create_returned_ms"], med["xl-vmlinux", "first_byte_ms"])
  r_vmlinuz = ratio(med["runz", "first_byte_ms"], med["xl-vmlinuz", "first_byte_ms"])
  printf "\nratio runz/xl (medians, lower is better):\n"
  printf "  %-68s %s\n", "runz create -> container's first output byte / xl create -> first byte:", r_first
  printf "  %-68s %s\n", "runz create returned (zone up, rootfs mounted) / xl -> first byte:", r_hello
  if ("xl-vmlinuz" in have)
    printf "  %-68s %s\n", "runz create -> first output byte / xl create (bzImage) -> first byte:", r_vmlinuz

  printf "\nrunz breakdown (medians, seconds since `runz create` started):\n"
  split("create_returned_ms=runz create returned (HELLO, then CREATE: rootfs mounted)|" \
        "start_returned_ms=runz start returned (START: process exec'd)|" \
        "first_byte_ms=first byte of the process's stdout|stdout_eof_ms=stdout EOF (zone gone, monitor exited)", \
        rows, "|")
  for (r = 1; r in rows; r++) {
    split(rows[r], kv, "=")
    printf "  %-56s %8s\n", kv[2], sec(med["runz", kv[1]])
  }
  printf "  %-56s %8s\n", "for scale: `runz --version` to its first byte", sec(med["runz", "cli_version_first_byte_ms"])
  if (med["runz", "phase_boot_ms"] != "") {
    printf "\nrunz's own timings (medians of the phases the monitor logs in monitor.log, seconds):\n"
    split("phase_build_ms=build: domain created, memory populated, kernel loaded (paused)|" \
          "phase_backends_ms=backends: 9pfs backend started, xenbus nodes written|" \
          "phase_boot_ms=boot: unpause -> agent's HELLO (the zone's kernel boot)|" \
          "phase_create_ms=create: CREATE -> CREATED (rootfs mounted over 9pfs)|" \
          "create_outside_phases_ms=runz create returned, outside those four (CLI, monitor fork)|" \
          "phase_start_ms=start: START -> STARTED (process exec'd)", rows, "|")
    for (r = 1; r in rows; r++) {
      split(rows[r], kv, "=")
      printf "  %-62s %8s\n", kv[2], sec(med["runz", kv[1]])
    }
  }
  if (failed) printf "\nzone-start: a run FAILED (see above); the figures cover the runs that completed\n"

  # JSON
  printf "{\n  \"benchmark\": \"zone-start\",\n  \"ok\": %s,\n  \"iterations_requested\": %d,\n", \
    failed ? "false" : "true", n > json
  printf "  \"iterations_completed\": %d,\n  \"unit\": \"ms\",\n", iters > json
  json_host(json)
  printf "  \"zone\": {\"memory_mib\": %s, \"vcpus\": %s, \"kernel_release\": %s, \"cmdline\": %s},\n", \
    jnum(mem), jnum(vcpus), jstr(kver), jstr(cmdline) > json
  json_samples(json, "kind", kinds, nk, metrics, nm, med, "%.1f")
  printf "  \"ratios\": {\n" > json
  printf "    \"runz_first_output_over_xl_vmlinux_first_byte\": %s,\n", jnum(r_first) > json
  printf "    \"runz_create_returned_over_xl_vmlinux_first_byte\": %s,\n", jnum(r_hello) > json
  printf "    \"runz_first_output_over_xl_vmlinuz_first_byte\": %s\n  }\n}\n", jnum(r_vmlinuz) > json
  close(json)
}
