import Foundation
import Testing

/// `eptcheck replay` as a debugger: any violation of a report, from any directory, a compact
/// trace from the command line, and the state after each step.
@Suite struct ReplayTests {
  static let lostUpdate = "Tests/eptcheckTests/Fixtures/lost_update.ept"

  /// A report of s_a_nonleaf_before_link on 7.1: four violation records (two counterexamples
  /// of each of divergence and tdx-error, by different threads).
  static func fourViolationReport() throws -> (path: String, messages: [String]) {
    let directory = try EptCheckBinary.temporaryDirectory().appendingPathComponent("out")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let report = directory.appendingPathComponent("report.jsonl").path
    let check = try EptCheckBinary.run([
      "--kernel", "7.1", "--scenario", "s_a_nonleaf_before_link", "--format", "json", "--output",
      report,
    ])
    #expect(check.status == 0)
    let records = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n").map {
      try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    let messages = records.filter { $0["kind"] as? String == "violation" }.compactMap {
      ($0["violation"] as? [String: Any]).map { "\($0["kind"]!): \($0["message"]!)" }
    }
    return (report, messages)
  }

  @Test func violationThreeOfAFourViolationReport() throws {
    let (report, messages) = try Self.fourViolationReport()
    #expect(messages.count == 4)
    #expect(Set(messages).count == 4)
    for n in 1...4 {
      let replay = try EptCheckBinary.run(["replay", report, "--violation", "\(n)"])
      #expect(replay.status == 0, "\(replay.stderr)")
      #expect(replay.stdout.hasSuffix("reproduced: \(messages[n - 1])\n"), "violation \(n)")
    }
    let beyond = try EptCheckBinary.run(["replay", report, "--violation", "5"])
    #expect(beyond.status == 64)
    #expect(beyond.stderr == "error: \(report) holds 4 violations; there is no violation 5\n")
  }

  /// The report records where the run was made, relative to itself: replay finds the spec
  /// from anywhere, and the messages read as they did in the run.
  @Test func replayFromAnotherDirectory() throws {
    let (report, messages) = try Self.fourViolationReport()
    let elsewhere = try EptCheckBinary.temporaryDirectory()
    let replay = try EptCheckBinary.run(["replay", report, "--violation", "3"], in: elsewhere)
    #expect(replay.status == 0, "\(replay.stderr)")
    #expect(replay.stderr == "")
    #expect(replay.stdout.hasSuffix("reproduced: \(messages[2])\n"))
  }

  @Test func aScenarioNamePicksItsFirstViolation() throws {
    let (report, messages) = try Self.fourViolationReport()
    let replay = try EptCheckBinary.run(["replay", report, "--scenario", "s_a_nonleaf_before_link"])
    #expect(replay.stdout.hasSuffix("reproduced: \(messages[0])\n"))
    let wrong = try EptCheckBinary.run(["replay", report, "--scenario", "s_a_nonleaf_before_lnk"])
    #expect(wrong.status == 64)
    #expect(
      wrong.stderr
        == "error: \(report) holds no violation of scenario 's_a_nonleaf_before_lnk'; it has violations of: s_a_nonleaf_before_link; did you mean 's_a_nonleaf_before_link'?\n"
    )
  }

  /// A compact trace on the command line, printed step after step with the variables each
  /// step changed (SPIN's -t -p -g).
  @Test func aCompactTraceWithStates() throws {
    let replay = try EptCheckBinary.run([
      "replay", "0,1,1,0", "--scenario", "lost_update", "--states", Self.lostUpdate,
    ])
    #expect(replay.status == 0)
    #expect(
      replay.stdout == """
        lost_update: assertion: finally of lost_update at \(Self.lostUpdate):12:15: assertion failed: both increments are visible
          trace 0,1,1,0 (4 steps, 2 context switches)
          1  a: increment
               lost_update.ept:5 READ_ONCE(x)
          2  b: increment
               lost_update.ept:5 READ_ONCE(x)
          3  b: increment
               lost_update.ept:6 WRITE_ONCE(x, v + 1)
                 x: 0 → 1
          4  a: increment
               lost_update.ept:6 WRITE_ONCE(x, v + 1)
          => assertion at the end of the execution
        reproduced: assertion: finally of lost_update at \(Self.lostUpdate):12:15: assertion failed: both increments are visible

        """)
    let unnamed = try EptCheckBinary.run(["replay", "0,1,1,0", Self.lostUpdate])
    #expect(unnamed.status == 64)
    #expect(
      unnamed.stderr
        == "error: a compact trace needs --scenario NAME to say which scenario it is for\n")
    let short = try EptCheckBinary.run([
      "replay", "0,1", "--scenario", "lost_update", Self.lostUpdate,
    ])
    #expect(short.status == 0)
    #expect(short.stdout.hasSuffix("replayed: 2 steps, no violation\n"))
  }

  /// The report records the spec relative to itself and its hash: moved together they replay;
  /// a spec changed since gets a warning before the replay.
  @Test func aChangedSpecIsNamed() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let spec = directory.appendingPathComponent("lost_update.ept")
    try FileManager.default.copyItem(
      at: EptCheckBinary.packageRoot.appendingPathComponent(Self.lostUpdate), to: spec)
    let report = directory.appendingPathComponent("r.jsonl").path
    _ = try EptCheckBinary.run(
      ["lost_update.ept", "--format", "json", "--output", "r.jsonl"], in: directory)
    let text = try String(contentsOfFile: report, encoding: .utf8)
    #expect(text.contains(#""directoryFromReport":".""#))
    #expect(text.contains(#""specFromReport":["lost_update.ept"]"#))
    let replayed = try EptCheckBinary.run(["replay", report])
    #expect(replayed.status == 0)
    #expect(replayed.stderr == "")
    try (String(contentsOf: spec, encoding: .utf8) + "// changed\n").write(
      to: spec, atomically: true, encoding: .utf8)
    let changed = try EptCheckBinary.run(["replay", report])
    #expect(changed.status == 0)
    #expect(
      changed.stderr.hasPrefix(
        "warning: lost_update.ept changed since the report was written (spec hash "))
    #expect(changed.stderr.hasSuffix("); the trace may not replay\n"))
  }
}
