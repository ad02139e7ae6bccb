import Explorer
import ExplorerTestSupport
import Foundation
import Spec
import Testing

/// `eptcheck --strategy dpor` with one thread and no shard runs the whole search: one execution
/// per Mazurkiewicz trace, none sleep-set blocked (issue 13). The trace counts are computed here,
/// from `dfs`'s executions of the same scenario system, never written down.
@Suite struct OptimalCommandLineTests {
  static let storeBuffering = """
    shared int x;
    shared int y;
    void left() { WRITE_ONCE(x, 1); int r = READ_ONCE(y); }
    void right() { WRITE_ONCE(y, 1); int r = READ_ONCE(x); }
    scenario store_buffering {
        thread a = left();
        thread b = right();
        expect ok;
    }
    """

  static let programs: [(name: String, source: String)] = [
    ("store_buffering", storeBuffering), ("lastzero", CanonicalPrograms.lastZero(3)),
    ("readers", CanonicalPrograms.readers(3)),
  ]

  /// The Mazurkiewicz traces of the scenario as the command line builds its system.
  static func traces(_ source: String, file: String) throws -> Int {
    let spec = try LoadedSpec.load(source: source, file: file)
    let system = spec.system(for: spec.scenarios[0], loopBounds: true)
    return try RecordedExploration(
      system, configuration: Configuration(strategy: .dfs, shrink: false)
    ).mazurkiewiczTraceCount
  }

  static func scenarioRecord(_ jsonl: String) throws -> [String: Any] {
    for line in jsonl.split(separator: "\n") {
      let record = try #require(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      if record["kind"] as? String == "scenario" { return record }
    }
    Issue.record("no scenario record in \(jsonl)")
    return [:]
  }

  @Test(arguments: programs.map(\.name))
  func oneThreadRunsOneExecutionPerTrace(name: String) throws {
    let source = try #require(Self.programs.first { $0.name == name }).source
    let directory = try EptCheckBinary.temporaryDirectory()
    let path = directory.appendingPathComponent("\(name).ept").path
    try source.write(toFile: path, atomically: true, encoding: .utf8)
    let traces = try Self.traces(source, file: path)
    #expect(traces > 1)
    // lastzero and readers use plain accesses, which race: the verdict is `fail` (a race an
    // `expect ok` scenario must not have), and every trace is still run.
    let verdict = name == "store_buffering" ? "pass" : "fail"
    for options in [["--jobs", "1"], []] {
      let run = try EptCheckBinary.run(
        ["--strategy", "dpor", "--format", "json"] + options + [path])
      #expect(run.status == (verdict == "pass" ? 0 : 1), "\(run.stderr)")
      let record = try Self.scenarioRecord(run.stdout)
      let statistics = try #require(record["statistics"] as? [String: Any])
      #expect(statistics["executions"] as? Int == traces, "\(name) \(options)")
      #expect(statistics["sleepSetBlocked"] as? Int == 0, "\(name) \(options)")
      #expect(record["verdict"] as? String == verdict)
    }
    // Split on two threads: the same verdict, each trace once (and maybe some blocked).
    let split = try EptCheckBinary.run(
      ["--strategy", "dpor", "--jobs", "2", "--format", "json", path])
    let record = try Self.scenarioRecord(split.stdout)
    #expect(record["verdict"] as? String == verdict)
    let statistics = try #require(record["statistics"] as? [String: Any])
    #expect(statistics["executions"] as? Int == traces)
    #expect(statistics["sleepSetBlocked"] is Int)
  }
}
