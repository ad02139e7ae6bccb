import Foundation
import Testing

/// `--memory-limit` and `--state-budget`: a state explosion ends cleanly, inconclusive (exit 2),
/// with its counts so far and the limit named, whatever the strategy.
@Suite struct ResourceLimitTests {
  /// A limit below what the process holds at its start: every check reaches it at its first
  /// look at the clock.
  @Test(arguments: [
    ["--strategy", "stateful"], ["--strategy", "dpor"], ["--strategy", "dfs"], [],
    ["--strategy", "random", "--executions", "100000"],
    ["--strategy", "pct", "--executions", "100000", "--depth", "200"],
  ])
  func theMemoryLimitStopsEveryStrategy(options: [String]) throws {
    let path = try HostileInputTests.spec(HostileInputTests.explosion)
    let result = try EptCheckBinary.run([path, "--memory-limit", "1M"] + options, killAfter: 120)
    #expect(result.status == 2)
    let line = HostileInputTests.firstLine(result.stdout)
    #expect(line.hasPrefix("inconclusive explosion  "))
    #expect(line.hasSuffix(", memory limit reached (memory limit of 1M reached before the search finished)"))
  }

  @Test func theDefaultMemoryLimitIsFourGiB() throws {
    let result = try EptCheckBinary.run(["check", "--help"])
    #expect(result.stdout.contains("default 4G), whatever the strategy. (default: 4G)"))
  }

  @Test(arguments: ["4X", "0", "G", "99999999999T"])
  func aBadMemoryLimitIsAUsageError(argument: String) throws {
    let result = try EptCheckBinary.run(["--memory-limit", argument])
    #expect(result.status == 64)
    #expect(
      HostileInputTests.firstLine(result.stderr)
        == "Error: The value '\(argument)' is invalid for '--memory-limit <memory-limit>'")
  }

  @Test func theStateBudgetAppliesToTheStatefulStrategy() throws {
    let path = try HostileInputTests.spec(HostileInputTests.explosion)
    let result = try EptCheckBinary.run(
      [path, "--strategy", "stateful", "--state-budget", "1000"], killAfter: 120)
    #expect(result.status == 2)
    let line = HostileInputTests.firstLine(result.stdout)
    // The search stops at the first state past the budget.
    #expect(line.hasPrefix("inconclusive explosion  stateful: 1001 states, "))
    #expect(
      line.hasSuffix(
        ", state budget reached (state budget of 1000 states reached before the search finished)"))
  }

  @Test func theScenarioRecordCarriesPeakResidentMemory() throws {
    let result = try EptCheckBinary.run(
      ["\(CheckCommandTests.fixtures)/long_loop.ept", "--format", "json"], killAfter: 120)
    #expect(result.status == 0)
    let scenario = try #require(
      result.stdout.split(separator: "\n").first { $0.contains("\"kind\":\"scenario\"") })
    let record = try #require(
      try JSONSerialization.jsonObject(with: Data(scenario.utf8)) as? [String: Any])
    let peak = try #require(record["peakResidentBytes"] as? Int)
    // A process that loaded the library and a spec holds more than a mebibyte, less than a GiB.
    #expect(peak > 1 << 20)
    #expect(peak < 1 << 30)
  }
}
