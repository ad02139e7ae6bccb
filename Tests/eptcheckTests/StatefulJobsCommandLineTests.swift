import Foundation
import Testing

/// `eptcheck --strategy stateful --jobs N`: the states and verdicts of one thread, and for every N
/// above one the same steps and the same printed counterexamples.
@Suite struct StatefulJobsCommandLineTests {
  /// A bug variant (its counterexamples) and a scenario of the model with thousands of states.
  static let runs: [[String]] = [
    ["specs/bugs/s_a_nonleaf_before_link.ept"],
    ["--synthesize", "none", "--scenario", "accepts_vs_zap_host_priority", "specs"],
  ]

  static func scenario(_ jsonl: String) throws -> [String: Any] {
    for line in jsonl.split(separator: "\n") {
      let record = try #require(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      if record["kind"] as? String == "scenario" { return record }
    }
    Issue.record("no scenario record in \(jsonl)")
    return [:]
  }

  /// The text report without its timings.
  static func untimed(_ text: String) -> String {
    text.replacingOccurrences(of: #"[0-9]+\.[0-9]+s"#, with: "_s", options: .regularExpression)
  }

  @Test(arguments: [(0, 384), (1, 8_513)])
  func jobsChangeNeitherStatesNorVerdicts(run index: Int, states: Int) throws {
    let paths = Self.runs[index]
    var records: [[String: Any]] = []
    for jobs in [1, 2, 3] {
      let run = try EptCheckBinary.run(
        ["--strategy", "stateful", "--jobs", "\(jobs)", "--format", "json"] + paths)
      #expect(run.status == 0, "\(run.stderr)")
      records.append(try Self.scenario(run.stdout))
    }
    let statistics = try records.map { try #require($0["statistics"] as? [String: Any]) }
    for (record, figures) in zip(records, statistics) {
      #expect(figures["distinctStates"] as? Int == states)
      #expect(record["verdict"] as? String == "pass")
      #expect(record["completeness"] as? String == "complete")
      let violations = (record["violations"] as? [[String: String]]) ?? []
      let first = (records[0]["violations"] as? [[String: String]]) ?? []
      #expect(Set(violations.map { $0["message"] ?? "" }) == Set(first.map { $0["message"] ?? "" }))
    }
    #expect(statistics[1]["transitions"] as? Int == statistics[2]["transitions"] as? Int)
    let texts = try [2, 3].map {
      try EptCheckBinary.run(
        ["--strategy", "stateful", "--jobs", "\($0)", "--show-expected", "--width", "100"] + paths)
    }
    #expect(Self.untimed(texts[0].stdout) == Self.untimed(texts[1].stdout))
  }
}
