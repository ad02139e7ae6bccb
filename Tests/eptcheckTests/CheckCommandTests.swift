import Foundation
import Testing

/// The command as a kernel developer runs it: verdicts, exit codes, reports and replay.
@Suite struct CheckCommandTests {
  static let fixtures = "Tests/eptcheckTests/Fixtures"

  /// The records of a JSON-lines report, one object per line.
  static func jsonRecords(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map {
      try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  @Test func theModelPassesAtDepthTwelve() throws {
    // `eptcheck list` prints the kernel release first, then one line per scenario.
    let listed = try EptCheckBinary.run(["list"]).stdout.split(separator: "\n")
    #expect(listed.first?.hasPrefix("kernel: mainline: Linux 7.2") == true)
    let count = listed.count - 1
    #expect(count >= 15)
    let handWritten =
      try EptCheckBinary.run(["list", "--synthesize", "none"]).stdout
      .split(separator: "\n").count - 1
    let result = try EptCheckBinary.run(["--depth", "12"])
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n")
    let scenarioLines = lines.filter { $0.hasPrefix("pass ") || $0.hasPrefix("FAIL ") }
    #expect(scenarioLines.count == count)
    #expect(scenarioLines.allSatisfy { $0.hasPrefix("pass ") })
    #expect(
      lines.last?.hasPrefix(
        "\(count) scenarios (\(handWritten) hand-written, \(count - handWritten) synthesized): "
          + "\(count) as expected, 0 not as expected, 0 inconclusive;") == true)
    // Every bug variant is found on the release that had it; its counterexample is printed
    // under --show-expected (a result as expected is one line by default).
    let release = try EptCheckBinary.run(["--depth", "12", "--kernel", "7.1", "--show-expected"])
    #expect(release.status == 0)
    #expect(release.stdout.contains("s_a_nonleaf_before_link: divergence: "))
    #expect(release.stdout.contains("b1_zap_busy_vcpu_running: tdx-error: "))
    #expect(!result.stdout.contains("s_a_nonleaf_before_link"))
  }

  @Test func anUnexpectedViolationExits1WithItsTrace() throws {
    let result = try EptCheckBinary.run(["\(Self.fixtures)/lost_update.ept"])
    #expect(result.status == 1)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    #expect(lines[0].hasPrefix("FAIL         lost_update  stateful: 12 states, "))
    #expect(lines[0].hasSuffix("complete (expected ok, found assertion)"))
    #expect(
      lines[2]
        == "lost_update: assertion: finally of lost_update at \(Self.fixtures)/lost_update.ept:12:15: assertion failed: both increments are visible"
    )
    #expect(lines[3] == "  trace 0,1,1,0 (4 steps, 2 context switches)")
    #expect(result.stdout.contains("lost_update.ept:5 READ_ONCE(x)"))
    #expect(result.stdout.contains("  => assertion at the end of the execution"))
  }

  @Test func aBoundHitUnderRequireCompleteExits2() throws {
    let result = try EptCheckBinary.run([
      "--strategy", "dpor", "--depth", "3", "--require-complete", "\(Self.fixtures)/long_loop.ept",
    ])
    #expect(result.status == 2)
    // 8 executions of 3 steps, in one search tree (one thread, no shard: the whole search), so
    // executions share their common prefixes: 14 steps. (The split into subtrees, under --jobs 2,
    // replays each subtree's prefix: 24.)
    #expect(result.stdout.contains("inconclusive long_loop  dpor: 8 executions, 14 steps, "))
    #expect(result.stdout.contains("bounded at depth 3: 8 executions cut"))
  }

  @Test func aBoundedRunIsNeverCalledVerified() throws {
    let result = try EptCheckBinary.run([
      "--strategy", "dpor", "--depth", "3", "--format", "json", "\(Self.fixtures)/long_loop.ept",
    ])
    #expect(result.status == 0)
    #expect(result.stdout.contains(#""completeness":"bounded at depth 3: 8 executions cut""#))
    #expect(result.stdout.contains(#""verified":false"#))
  }

  @Test func hashCompactionSaysStatesMayBeMissed() throws {
    let plain = try EptCheckBinary.run([
      "--strategy", "stateful", "--format", "json", "\(Self.fixtures)/long_loop.ept",
    ])
    let compacted = try EptCheckBinary.run([
      "--strategy", "stateful", "--hash-compaction", "\(Self.fixtures)/long_loop.ept",
    ])
    #expect(plain.status == 0)
    #expect(plain.stdout.contains(#""completeness":"complete""#))
    #expect(plain.stdout.contains(#""verified":true"#))
    #expect(compacted.status == 0)
    #expect(compacted.stdout.contains(", complete, hash compaction: states may be missed\n"))
    let required = try EptCheckBinary.run([
      "--strategy", "stateful", "--hash-compaction", "--require-complete", "--format", "json",
      "\(Self.fixtures)/long_loop.ept",
    ])
    #expect(required.status == 2)
    #expect(required.stdout.contains(#""verified":false"#))
  }

  @Test func aSyntaxErrorExits65WithItsPosition() throws {
    let result = try EptCheckBinary.run(["\(Self.fixtures)/broken.ept"])
    #expect(result.status == 65)
    #expect(
      result.stderr
        == "\(Self.fixtures)/broken.ept:5:1: error: expected ';' after the statement, found '}'\n}\n^\n"
    )
    #expect(result.stdout == "")
  }

  @Test func aDirectoryWithoutSpecsExits65() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let result = try EptCheckBinary.run([directory.path])
    #expect(result.status == 65)
    #expect(result.stderr == "\(directory.path):0:0: error: directory contains no .ept files\n")
  }

  @Test func anUnknownScenarioExits64() throws {
    let result = try EptCheckBinary.run(["--scenario", "nope", "\(Self.fixtures)/lost_update.ept"])
    #expect(result.status == 64)
    #expect(result.stderr == "error: unknown scenario 'nope'; the specs define: lost_update\n")
  }

  @Test func listShowsScenariosWithTheirExpectations() throws {
    let result = try EptCheckBinary.run(["list", "\(Self.fixtures)/lost_update.ept"])
    #expect(result.status == 0)
    #expect(
      result.stdout
        == "lost_update  expect ok                            threads: a, b  (\(Self.fixtures)/lost_update.ept:9)\n"
    )
  }

  /// `--help` names shell completion and every exit code, 130 for an interrupted run included.
  @Test func helpMentionsCompletionAndTheExitCodes() throws {
    let result = try EptCheckBinary.run(["--help"])
    #expect(result.status == 0)
    let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(help.contains("eptcheck --generate-completion-script bash (or zsh, fish)"))
    #expect(help.contains("74 write error; 130 interrupted (SIGINT or SIGTERM"))
  }

  @Test func versionIsPrinted() throws {
    let result = try EptCheckBinary.run(["--version"])
    #expect(result.status == 0)
    #expect(result.stdout == "0.1.0\n")
  }

  /// JSON Lines: every record has a version and a kind, and a violation record replays.
  @Test func jsonReportReplays() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let report = directory.appendingPathComponent("report.jsonl").path
    let check = try EptCheckBinary.run([
      "--format", "json", "--output", report, "\(Self.fixtures)/lost_update.ept",
    ])
    #expect(check.status == 1)
    let text = try String(contentsOfFile: report, encoding: .utf8)
    let records = try Self.jsonRecords(text)
    #expect(records.map { $0["kind"] as? String } == ["run", "scenario", "violation", "summary"])
    #expect(records.allSatisfy { $0["version"] as? Int == 1 })
    let replay = try EptCheckBinary.run(["replay", report])
    #expect(replay.status == 0)
    #expect(
      replay.stdout.hasSuffix(
        "reproduced: assertion: finally of lost_update at \(Self.fixtures)/lost_update.ept:12:15: assertion failed: both increments are visible\n"
      ))
  }

  @Test func aTraceOfAnotherSpecExits65() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let report = directory.appendingPathComponent("report.jsonl").path
    _ = try EptCheckBinary.run([
      "--format", "json", "--output", report, "\(Self.fixtures)/lost_update.ept",
    ])
    let replay = try EptCheckBinary.run(["replay", report, "\(Self.fixtures)/long_loop.ept"])
    #expect(replay.status == 65)
    #expect(
      replay.stderr
        == "error: \(report): the trace is for scenario 'lost_update', which \(Self.fixtures)/long_loop.ept does not define\n"
    )
  }

  @Test func aTraceThatDoesNotReplayExits65() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let path = directory.appendingPathComponent("bad.json").path
    let trace =
      #"{"version":1,"spec":"\#(Self.fixtures)/lost_update.ept","scenario":"lost_update","steps":[{"thread":5,"choice":0}]}"#
    try trace.write(toFile: path, atomically: true, encoding: .utf8)
    let replay = try EptCheckBinary.run(["replay", path])
    #expect(replay.status == 65)
    #expect(
      replay.stderr
        == "error: \(path): the trace does not replay against scenario 'lost_update': step 0: thread 5 does not exist (the system has 2 threads)\n"
    )
  }

  /// The HTML page is self-contained and draws every step of every counterexample.
  @Test func htmlReportDrawsEveryStep() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let page = directory.appendingPathComponent("report.html").path
    let result = try EptCheckBinary.run([
      "--format", "html", "--output", page, "--kernel", "7.1", "--scenario",
      "s_a_nonleaf_before_link",
    ])
    #expect(result.status == 0)
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
    // Sections are `trace expected` or `trace unexpected`.
    let sections = html.components(separatedBy: "<section class=\"trace ").dropFirst()
    #expect(!sections.isEmpty)
    for section in sections {
      let compact = try #require(
        section.components(separatedBy: "trace <code>").dropFirst().first?
          .components(separatedBy: "</code>").first)
      let steps = compact.split(separator: ",").count
      for step in 1...steps { #expect(section.contains("data-step=\"\(step)\""), "step \(step)") }
      #expect(!section.contains("data-step=\"\(steps + 1)\""))
    }
  }

  @Test func benchPrintsFigures() throws {
    let result = try EptCheckBinary.run(
      ["bench", "--quick", "--skip-large", "--depth", "4", "\(Self.fixtures)/long_loop.ept"])
    #expect(result.status == 0)
    let tables = result.stdout.components(separatedBy: "\n\n")
    let lines = tables[0].split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("workload") == true)
    // The canonical programs, the spec's one scenario at the depth, then every scenario
    // unbounded; --quick leaves out the deep run, --skip-large the stateful table.
    #expect(tables.count == 2)
    #expect(lines.count == 8)
    // Each target beside its figure; the large workload's are not run.
    let targets = tables[1].split(separator: "\n").map(String.init)
    #expect(targets.count == 5)
    #expect(targets[0].hasPrefix("target"))
    #expect(targets[1...3].allSatisfy { $0.contains("not run") && $0.hasSuffix("  -") })
    #expect(targets[4].hasPrefix("dpor steps/s per core"))
    #expect(targets[4].contains(">= 1,000,000"))
    let workloads = lines.dropFirst().map { $0.components(separatedBy: " (dpor")[0] }
    #expect(
      workloads == [
        "readers(4)", "readers(8)", "readers(12)", "lastzero(5)", "lastzero(8)", "long_loop",
        "every scenario",
      ])
    // Optimal DPOR runs one execution per Mazurkiewicz trace of readers(n): 2^n of them.
    for (line, n) in zip(lines[1...3], [4, 8, 12]) {
      let columns = line.split(separator: " ")
      #expect(columns[2] == "\(1 << n)")
      #expect(columns[3] == "1.00")
    }
    #expect(lines[6].hasPrefix("long_loop (dpor, depth 4)"))
    // Two threads of four writes each, unbounded: C(8, 4) = 70 interleavings, 560 steps.
    #expect(lines[7].hasPrefix("every scenario (dpor, unbounded, sum of 1)"))
    let columns = lines[7].components(separatedBy: "sum of 1)")[1].split(separator: " ")
    #expect(columns[0] == "70")
    #expect(columns[1] == "-")
    #expect(columns[2] == "560")
  }

  /// The JSON form carries the same rows, one record each, with exact counts.
  @Test func benchWritesTheSameRowsAsJSON() throws {
    let result = try EptCheckBinary.run(
      [
        "bench", "--quick", "--skip-large", "--depth", "4", "--format", "json",
        "\(Self.fixtures)/long_loop.ept",
      ])
    #expect(result.status == 0)
    let all = try Self.jsonRecords(result.stdout)
    let records = all.filter { $0["kind"] as? String == "bench" }
    let targets = all.filter { $0["kind"] as? String == "bench-target" }
    #expect(all.count == records.count + targets.count)
    #expect(targets.map { $0["goal"] as? Double } == [600_000, 64, 1.8, 1_000_000])
    #expect(
      records.map { $0["workload"] as? String } == [
        "readers(4) (dpor)", "readers(8) (dpor)", "readers(12) (dpor)", "lastzero(5) (dpor)",
        "lastzero(8) (dpor)", "long_loop (dpor, depth 4)",
        "every scenario (dpor, unbounded, sum of 1)",
      ])
    #expect(records.allSatisfy { $0["kind"] as? String == "bench" && $0["version"] as? Int == 1 })
    let executions = records.map { $0["executions"] as? Int }
    #expect(executions[0...2] == [16, 256, 4096])
    #expect(executions[6] == 70)
    #expect(records[6]["transitions"] as? Int == 560)
    #expect(records[6]["executionsPerTrace"] == nil)
  }

  /// The stateful table: each scenario of `--workload`, checked completely, with exact counts.
  @Test func benchChecksTheWorkloadStatefully() throws {
    let result = try EptCheckBinary.run(
      [
        "bench", "--quick", "--depth", "4", "--format", "json", "--workload",
        "\(Self.fixtures)/long_loop.ept", "\(Self.fixtures)/long_loop.ept",
      ])
    #expect(result.status == 0)
    let records = try Self.jsonRecords(result.stdout).filter {
      $0["kind"] as? String == "bench-stateful"
    }
    #expect(records.count == 1)
    #expect(records.first?["workload"] as? String == "long_loop (stateful)")
    #expect(records.first?["states"] as? Int == 37)
    #expect(records.first?["transitions"] as? Int == 58)
    #expect(records.first?["verdict"] as? String == "pass")
  }

  /// `--only-large` runs the stateful table alone; on two jobs it stores the states of one.
  @Test func benchRunsOnlyTheLargeWorkload() throws {
    let result = try EptCheckBinary.run(
      [
        "bench", "--only-large", "--jobs", "2", "--format", "json", "--workload",
        "\(Self.fixtures)/long_loop.ept", "\(Self.fixtures)/long_loop.ept",
      ])
    #expect(result.status == 0)
    let all = try Self.jsonRecords(result.stdout)
    #expect(
      all.map { $0["kind"] as? String }
        == ["bench-stateful", "bench-stateful"] + Array(repeating: "bench-target", count: 4))
    #expect(
      all[0...1].map { $0["workload"] as? String } == [
        "long_loop (stateful)", "long_loop (stateful, 2 jobs)",
      ])
    #expect(all[0...1].map { $0["states"] as? Int } == [37, 37])
    #expect(all[5]["measured"] == nil)
    let text = try EptCheckBinary.run(
      [
        "bench", "--only-large", "--workload", "\(Self.fixtures)/long_loop.ept",
        "\(Self.fixtures)/long_loop.ept",
      ])
    #expect(text.status == 0)
    // The stateful table, then the targets: no DPOR table.
    let tables = text.stdout.components(separatedBy: "\n\n")
    #expect(tables.count == 2)
    #expect(tables[0].hasPrefix("workload "))
    #expect(tables[0].split(separator: "\n").count == 2)
    #expect(tables[0].contains("\nlong_loop (stateful)  "))
    #expect(tables[1].hasPrefix("target "))
    let conflict = try EptCheckBinary.run(["bench", "--only-large", "--skip-large"])
    #expect(conflict.status == 64)
    #expect(conflict.stderr.contains("--skip-large and --only-large exclude each other"))
  }

  @Test func progressStaysOffStderrForShortRuns() throws {
    let start = Date()
    let result = try EptCheckBinary.run(["--depth", "12"], environment: ["NO_COLOR": "1"])
    let seconds = Date().timeIntervalSince(start)
    #expect(result.status == 0)
    // A run under a second prints nothing on stderr. The debug build on a loaded machine can
    // take longer; then stderr may hold progress lines, and nothing else.
    let progress = /[a-z0-9_]+: \d+ executions, \d+ steps\/s, \d+\.\ds/
    let lines = result.stderr.split(separator: "\n")
    if seconds < 1 { #expect(result.stderr == "") }
    #expect(
      lines.allSatisfy { (try? progress.wholeMatch(in: String($0))) != nil }, "\(result.stderr)")
    #expect(!result.stdout.contains("\u{1B}["))
  }

  /// docs/corpus.md shows every variant's counterexample exactly as the checker prints it today;
  /// a change to the model or the report that alters one must regenerate the file.
  @Test func theCorpusTracesInTheDocsAreCurrent() throws {
    let root = EptCheckBinary.packageRoot
    let doc = try String(contentsOf: root.appendingPathComponent("docs/corpus.md"), encoding: .utf8)
    let variants = try FileManager.default.contentsOfDirectory(
      atPath: root.appendingPathComponent("specs/bugs").path
    ).filter { $0.hasSuffix(".ept") }.sorted()
    // One section per variant, and none for a variant that is gone.
    let sections = doc.split(separator: "\n").filter { $0.hasPrefix("## `") }
    #expect(sections.count == variants.count)
    #expect(variants.count >= 9)
    for file in variants {
      let result = try EptCheckBinary.run([
        "specs/bugs/\(file)", "--show-expected", "--width", "100",
      ])
      #expect(result.status == 0)
      // The report without the verdict line and the summary, which carry timings.
      let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
      let report = lines.dropFirst(2).dropLast(3).joined(separator: "\n")
      let name = String(file.dropLast(4))
      let section = "## `\(name)`\n\n```\n\(report)\n```\n"
      let current = doc.contains(section)
      #expect(current, "docs/corpus.md is stale for \(name): run scripts/corpus-traces")
    }
  }
}
