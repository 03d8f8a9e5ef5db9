#include "guest/cpu_hotplug.hpp"

#include <doctest/doctest.h>

#include <string>

using runz::guest::added_cpu;
using namespace std::string_literals;

TEST_CASE("added_cpu: the kernel's add event for a CPU device, nothing else") {
  CHECK(added_cpu("add@/devices/system/cpu/cpu1\0ACTION=add\0DEVPATH=/devices/system/cpu/cpu1\0SUBSYSTEM=cpu\0"s) == 1u);
  CHECK(added_cpu("add@/devices/system/cpu/cpu17"s) == 17u);
  CHECK_FALSE(added_cpu("online@/devices/system/cpu/cpu1\0ACTION=online\0"s));
  CHECK_FALSE(added_cpu("remove@/devices/system/cpu/cpu1"s));
  CHECK_FALSE(added_cpu("add@/devices/system/cpu/cpufreq"s));
  CHECK_FALSE(added_cpu("add@/devices/system/cpu/cpu"s));
  CHECK_FALSE(added_cpu("add@/devices/system/cpu/cpu1/cache"s));
  CHECK_FALSE(added_cpu("add@/devices/system/cpu/cpu999999"s));
  CHECK_FALSE(added_cpu("add@/devices/system/memory/memory9"s));
  CHECK_FALSE(added_cpu("libudev\0\xfe\xed\xca\xfe"s));
  CHECK_FALSE(added_cpu(""));
}
