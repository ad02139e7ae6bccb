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

extension ResourceLimitTests {
  /// Under auto the stateful search's budget is half of --memory-limit in resident memory, not a
  /// count of states: a scenario of 461 × 461 = 212,521 states (each thread 460 steps, all
  /// visible, each state one pair of positions), past the 200,000 that once handed it to dpor,
  /// is checked whole by the stateful search.
  @Test func autoBudgetsTheStatefulSearchByMemory() throws {
    let path = try HostileInputTests.spec(
      """
      shared int a = 0;
      shared int b = 0;
      void count_a() { for (int i = 0; i < 230; i++) { WRITE_ONCE(a, i); READ_ONCE(b); } }
      void count_b() { for (int i = 0; i < 230; i++) { WRITE_ONCE(b, i); READ_ONCE(a); } }
      scenario grid {
          thread ta = count_a();
          thread tb = count_b();
          expect ok;
      }

      """)
    let result = try EptCheckBinary.run([path, "--format", "json"], killAfter: 120)
    #expect(result.status == 0)
    let header = try #require(
      result.stdout.split(separator: "\n").first { $0.contains("\"kind\":\"run\"") })
    #expect(!header.contains("\"stateBudget\""))
    let line = try #require(
      result.stdout.split(separator: "\n").first { $0.contains("\"kind\":\"scenario\"") })
    let record = try #require(
      try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    #expect(record["strategy"] as? String == "stateful")
    #expect(record["verified"] as? Bool == true)
    let statistics = try #require(record["statistics"] as? [String: Any])
    #expect(statistics["distinctStates"] as? Int == 461 * 461)
  }
}
