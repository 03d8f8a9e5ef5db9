#include "args.hpp"

#include <doctest/doctest.h>

using runz::cri::Args;
using runz::cri::UsageError;

TEST_CASE("options come before operands, with `--name value` or `--name=value`") {
  Args args({"--timeout", "5", "--pod=abc", "-v", "cid", "--late"});
  auto first = args.take_option();
  REQUIRE(first);
  CHECK(first->name == "--timeout");
  CHECK(args.value_of(*first) == "5");
  auto second = args.take_option();
  REQUIRE(second);
  CHECK(second->name == "--pod");
  CHECK(args.value_of(*second) == "abc");
  auto third = args.take_option();
  REQUIRE(third);
  CHECK(third->name == "-v");
  CHECK_FALSE(args.take_option());  // `cid` is an operand: options end here
  CHECK(args.take("container id") == "cid");
  CHECK_THROWS_WITH_AS(args.expect_end(), "unexpected argument `--late`", UsageError);
}

TEST_CASE("`--` and `-` are not options; the rest is taken as is") {
  Args args({"--", "sh", "-c", "exit 3"});
  CHECK_FALSE(args.take_option());
  CHECK(args.peek() == "--");
  args.take("--");
  CHECK(args.take_rest() == std::vector<std::string>{"sh", "-c", "exit 3"});
  CHECK(args.empty());
  CHECK(args.peek().empty());
  CHECK_FALSE(Args({"-"}).take_option());
}

TEST_CASE("missing words and values are usage errors") {
  Args args({"--socket"});
  auto option = args.take_option();
  REQUIRE(option);
  CHECK_THROWS_WITH_AS(args.value_of(*option), "option `--socket` needs a value", UsageError);
  CHECK_THROWS_WITH_AS(args.take("command"), "missing command", UsageError);
}

TEST_CASE("seconds: whole, non-negative, bounded") {
  CHECK(runz::cri::parse_seconds("0", "--timeout").count() == 0);
  CHECK(runz::cri::parse_seconds("300", "--timeout").count() == 300);
  CHECK_THROWS_WITH_AS(runz::cri::parse_seconds("-1", "--timeout"), "--timeout: `-1` is not a number of seconds",
                       UsageError);
  CHECK_THROWS_AS(runz::cri::parse_seconds("", "--timeout"), UsageError);
  CHECK_THROWS_AS(runz::cri::parse_seconds("5s", "--timeout"), UsageError);
  CHECK_THROWS_AS(runz::cri::parse_seconds("99999999999999999999", "--timeout"), UsageError);
}
