import Foundation
import Testing

/// A Ctrl-C (SIGINT) or SIGTERM ends a check with the report of what it explored, exit 130.
@Suite struct InterruptionTests {
  static let endless = "Tests/eptcheckTests/Fixtures/endless.ept"

  @Test func sigintWritesTheReportWithTheScenarioInterrupted() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let report = directory.appendingPathComponent("report.jsonl").path
    let result = try EptCheckBinary.run(
      ["--strategy", "dfs", "--format", "json", "--output", report, Self.endless],
      killAfter: 60, signal: (SIGINT, after: 1.5))
    #expect(result.status == 130)
    #expect(result.stderr.hasSuffix("; 0 of 2 scenarios finished\n"))
    #expect(result.stderr.contains("eptcheck: interrupted by SIGINT after "))
    let records = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n").map {
      try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    #expect(records.map { $0["kind"] as? String } == ["run", "scenario", "summary"])
    #expect(records[1]["name"] as? String == "endless")
    #expect(records[1]["verdict"] as? String == "inconclusive")
    #expect(records[1]["completeness"] as? String == "interrupted")
    #expect(records[1]["reason"] as? String == "interrupted before the search finished")
    let statistics = try #require(records[1]["statistics"] as? [String: Any])
    #expect((statistics["executions"] as? Int ?? 0) > 0)
    #expect(records[2]["interrupted"] as? String == "SIGINT")
    #expect(records[2]["notStarted"] as? Int == 1)
    #expect(records[2]["inconclusive"] as? Int == 1)
  }

  @Test func sigtermPrintsTheSummaryOfWhatWasExplored() throws {
    let result = try EptCheckBinary.run(
      ["--strategy", "dfs", Self.endless], killAfter: 60, signal: (SIGTERM, after: 1.5))
    #expect(result.status == 130)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("inconclusive endless  dfs: ") == true)
    #expect(
      lines.first?.hasSuffix(", interrupted (interrupted before the search finished)") == true)
    #expect(
      lines.last?.hasSuffix("(dfs); interrupted by SIGTERM, 1 scenarios not started") == true)
    #expect(
      lines.last?.hasPrefix("1 scenarios: 0 as expected, 0 not as expected, 1 inconclusive; ")
        == true)
  }
}
