import Foundation
import Testing

/// What a patch can carry, tried as an attacker would (issue 14): every input ends in one clear
/// message and its exit code, never in a crash, a hang or a wrong verdict.
@Suite struct HostileInputTests {
  /// Writes `text` as a spec file in a fresh directory and returns its path.
  static func spec(_ text: String, name: String = "hostile.ept") throws -> String {
    let path = try EptCheckBinary.temporaryDirectory().appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// A one-thread scenario around `body`, the body of the thread's function.
  static func oneThread(_ body: String, expect: String = "ok") -> String {
    """
    shared int x = 0;
    void w() { \(body) }
    scenario s {
        thread a = w();
        expect \(expect);
    }

    """
  }

  /// Four threads, each adding one of three values to its own counter 40 times: about 3^160
  /// interleavings and 10^8 states, more than any strategy finishes in seconds.
  static let explosion = """
    shared int a = 0;
    shared int b = 0;
    shared int c = 0;
    shared int d = 0;
    void bump_a() { for (int i = 0; i < 40; i++) WRITE_ONCE(a, READ_ONCE(a) + choose(3)); }
    void bump_b() { for (int i = 0; i < 40; i++) WRITE_ONCE(b, READ_ONCE(b) + choose(3)); }
    void bump_c() { for (int i = 0; i < 40; i++) WRITE_ONCE(c, READ_ONCE(c) + choose(3)); }
    void bump_d() { for (int i = 0; i < 40; i++) WRITE_ONCE(d, READ_ONCE(d) + choose(3)); }
    scenario explosion {
        thread ta = bump_a();
        thread tb = bump_b();
        thread tc = bump_c();
        thread td = bump_d();
        expect ok;
    }

    """

  static func firstLine(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
  }

  // Row 1: a choice index once overflowed 16 bits in the stateful search.
  @Test func chooseBeyondItsLimitIsALoadError() throws {
    let path = try Self.spec(Self.oneThread("int c = choose(65537); WRITE_ONCE(x, c);"))
    let result = try EptCheckBinary.run([path], killAfter: 120)
    #expect(result.status == 65)
    #expect(
      Self.firstLine(result.stderr)
        == "\(path):2:27: error: 'choose(n)' needs 1 <= n <= 256, not 65537")
    #expect(result.stdout == "")
  }

  @Test func chooseAtItsLimitIsChecked() throws {
    let path = try Self.spec(Self.oneThread("int c = choose(256); WRITE_ONCE(x, c);"))
    let result = try EptCheckBinary.run([path], killAfter: 120)
    #expect(result.status == 0)
    // The initial state and one per choice (the write is invisible: it runs in the same step).
    #expect(
      Self.firstLine(result.stdout).hasPrefix("pass         s  stateful: 257 states, 256 steps, "))
  }

  @Test func chooseBeyondItsLimitAtRunTimeIsASpecError() throws {
    let path = try Self.spec(Self.oneThread("int n = 70000; int c = choose(n); WRITE_ONCE(x, c);"))
    let result = try EptCheckBinary.run([path], killAfter: 120)
    #expect(result.status == 1)
    #expect(Self.firstLine(result.stdout).hasSuffix("(expected ok, found spec-error)"))
    #expect(result.stdout.contains("choose(n) needs 1 <= n <= 256, not 70000"))
  }

  // Row 2: `Compiler.staticIterations` overflowed.
  @Test func aLoopBoundAtTheEndOfTheRangeIsALoadError() throws {
    let path = try Self.spec(
      Self.oneThread("for (int i = 0; i < 9223372036854775807; i++) { WRITE_ONCE(x, 1); }"))
    let result = try EptCheckBinary.run([path], killAfter: 120)
    #expect(result.status == 65)
    #expect(
      Self.firstLine(result.stderr)
        == "\(path):2:30: error: loop bound out of range: the counter would step past 9223372036854775807 by 1 and overflow"
    )
  }

  @Test func aDownwardLoopBoundAtTheEndOfTheRangeIsALoadError() throws {
    let path = try Self.spec(
      Self.oneThread("for (int i = 0; i > -9223372036854775807 - 1; i -= 9223372036854775807) {}"))
    let result = try EptCheckBinary.run([path], killAfter: 120)
    #expect(result.status == 65)
    #expect(Self.firstLine(result.stderr).hasPrefix("\(path):2:30: error: loop bound out of range"))
  }

  // Row 3: dpor's clock was not read inside a huge expansion.
  @Test func dporStopsAtItsTimeout() throws {
    let path = try Self.spec(Self.explosion)
    let result = try EptCheckBinary.run(
      ["--strategy", "dpor", "--timeout", "1", path], killAfter: 120)
    #expect(result.status == 2)
    let line = Self.firstLine(result.stdout)
    #expect(line.hasPrefix("inconclusive explosion  dpor: "))
    #expect(line.hasSuffix(", timed out (timed out before the search finished)"))
  }

  // Row 4: 100,000 postfixes overflowed the stack freeing the AST.
  @Test func aLongPostfixChainIsALoadError() throws {
    let chain = String(repeating: "[0]", count: 100_000)
    let path = try Self.spec(Self.oneThread("WRITE_ONCE(x, 1\(chain));"))
    let result = try EptCheckBinary.run([path], killAfter: 120)
    #expect(result.status == 65)
    #expect(
      Self.firstLine(result.stderr)
        == "\(path):2:613: error: nesting is too deep (more than 200 levels)")
  }

  // Row 5: a variant naming a file that is not a spec printed that file's lines.
  @Test(arguments: ["../../../../../../etc/passwd", "/etc/passwd", "/etc"])
  func aVariantOfANonSpecFileShowsNothingOfIt(base: String) throws {
    let path = try Self.spec("variant of \"\(base)\";\n")
    let result = try EptCheckBinary.run([path], killAfter: 120)
    #expect(result.status == 65)
    #expect(Self.firstLine(result.stderr).hasPrefix("\(path):1:1: error: variant base '\(base)' "))
    let passwd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? ""
    for line in passwd.split(separator: "\n") { #expect(!result.stderr.contains(line)) }
  }

  @Test func aNonSpecFileOnTheCommandLineIsNotRead() throws {
    let result = try EptCheckBinary.run(["/etc/passwd"], killAfter: 120)
    #expect(result.status == 65)
    #expect(
      result.stderr
        == "/etc/passwd:0:0: error: not a .ept file (a spec path names a .ept file or a directory of them)\n"
    )
  }

  /// A real trace of the lost-update fixture, as `--format json` writes it, and its path.
  static func savedTrace() throws -> (trace: [String: Any], path: String) {
    let directory = try EptCheckBinary.temporaryDirectory()
    let report = directory.appendingPathComponent("report.jsonl").path
    _ = try EptCheckBinary.run(
      ["\(CheckCommandTests.fixtures)/lost_update.ept", "--format", "json", "--output", report])
    let line = try #require(
      String(contentsOfFile: report, encoding: .utf8).split(separator: "\n")
        .first { $0.contains("\"kind\":\"violation\"") })
    let record = try #require(
      try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    return (try #require(record["trace"] as? [String: Any]), directory.path + "/trace.json")
  }

  // Row 6: `Replayer.validate` trapped on a negative loop start.
  @Test(arguments: [-1, 4, Int.max])
  func aLoopStartOutsideTheTraceIsRefused(loopStart: Int) throws {
    var (trace, path) = try Self.savedTrace()
    trace["loopStart"] = loopStart
    try JSONSerialization.data(withJSONObject: trace).write(to: URL(fileURLWithPath: path))
    let result = try EptCheckBinary.run(["replay", path], killAfter: 120)
    #expect(result.status == 65)
    #expect(
      result.stderr
        == "error: \(path): the trace does not replay against scenario 'lost_update': loopStart \(loopStart) is not the index of a step (the trace has 4 steps)\n"
    )
  }

  /// The JSON Lines reports of `--shard I/2` runs of one dpor scenario, as lists of records.
  static func shardReports(_ options: [String] = ["--depth", "6"]) throws -> [[[String: Any]]] {
    let directory = try EptCheckBinary.temporaryDirectory()
    var reports: [[[String: Any]]] = []
    for index in 1...2 {
      let path = directory.appendingPathComponent("shard\(index).jsonl").path
      _ = try EptCheckBinary.run(
        [
          "--strategy", "dpor", "--scenario", "two_faults_one_gfn", "--shard", "\(index)/2",
          "--format", "json", "--output", path,
        ] + options)
      let text = try String(contentsOfFile: path, encoding: .utf8)
      reports.append(
        try text.split(separator: "\n").map {
          try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        })
    }
    return reports
  }

  /// Writes reports (lists of records) as JSON Lines files; returns their paths.
  static func write(_ reports: [[[String: Any]]]) throws -> [String] {
    let directory = try EptCheckBinary.temporaryDirectory()
    return try reports.enumerated().map { index, records in
      let path = directory.appendingPathComponent("part\(index + 1).jsonl").path
      let lines = try records.map {
        String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self)
      }
      let text = lines.joined(separator: "\n") + "\n"
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }
  }

  /// Changes `field` of the statistics of the scenario record of `report`.
  static func setStatistic(
    _ reports: inout [[[String: Any]]], _ report: Int, _ field: String, _ value: Int
  ) {
    for (k, record) in reports[report].enumerated() where record["kind"] as? String == "scenario" {
      var statistics = record["statistics"] as! [String: Any]
      statistics[field] = value
      reports[report][k]["statistics"] = statistics
    }
  }

  @Test func theShardsOfOneRunStillMerge() throws {
    let paths = try Self.write(try Self.shardReports())
    let result = try EptCheckBinary.run(["merge"] + paths, killAfter: 120)
    #expect(result.status == 0)
    #expect(Self.firstLine(result.stdout).hasPrefix("pass         two_faults_one_gfn  "))
  }

  // Row 7: the sum of the parts' counts overflowed in `Merge.swift`.
  @Test func countsThatOverflowWhenAddedAreRefused() throws {
    var reports = try Self.shardReports()
    Self.setStatistic(&reports, 0, "executions", Int.max)
    let result = try EptCheckBinary.run(["merge"] + (try Self.write(reports)), killAfter: 120)
    #expect(result.status == 65)
    #expect(
      result.stderr
        == "error: scenario 'two_faults_one_gfn': the parts' executions overflow when added\n")
  }

  @Test func aNegativeCountIsRefused() throws {
    var reports = try Self.shardReports()
    Self.setStatistic(&reports, 1, "transitions", -5)
    let paths = try Self.write(reports)
    let result = try EptCheckBinary.run(["merge"] + paths, killAfter: 120)
    #expect(result.status == 65)
    #expect(
      result.stderr
        == "error: \(paths[1]):2: scenario 'two_faults_one_gfn': a negative count (transitions -5)\n"
    )
  }

  // Row 8: shards of different runs merged into wrong totals.
  @Test func shardsOfDifferentDepthsAreRefused() throws {
    let deep = try Self.shardReports(["--depth", "6"])
    let shallow = try Self.shardReports(["--depth", "5"])
    let paths = try Self.write([deep[0], shallow[1]])
    let result = try EptCheckBinary.run(["merge"] + paths, killAfter: 120)
    #expect(result.status == 65)
    #expect(
      result.stderr
        == "error: \(paths[1]) and \(paths[0]) are not shards of one run: depth 5, not 6\n")
  }

  @Test func shardsOfDifferentStrategiesAreRefused() throws {
    let dpor = try Self.shardReports(["--depth", "6"])
    let dfs = try Self.shardReports(["--depth", "6", "--strategy", "dfs"])
    let paths = try Self.write([dpor[0], dfs[1]])
    let result = try EptCheckBinary.run(["merge"] + paths, killAfter: 120)
    #expect(result.status == 65)
    #expect(
      result.stderr
        == "error: \(paths[1]) and \(paths[0]) are not shards of one run: strategy dfs, not dpor\n")
  }

  @Test func shardsOfDifferentSpecsAreRefused() throws {
    var reports = try Self.shardReports()
    reports[1][0]["specHash"] = "0123456789abcdef"
    let paths = try Self.write(reports)
    let result = try EptCheckBinary.run(["merge"] + paths, killAfter: 120)
    #expect(result.status == 65)
    #expect(
      Self.firstLine(result.stderr).hasPrefix(
        "error: \(paths[1]) and \(paths[0]) are not shards of one run: spec hash 0123456789abcdef, not "
      ))
  }

  @Test func aShardWithoutItsRunRecordIsRefused() throws {
    var reports = try Self.shardReports()
    reports[1].removeFirst()
    let paths = try Self.write(reports)
    let result = try EptCheckBinary.run(["merge"] + paths, killAfter: 120)
    #expect(result.status == 65)
    #expect(
      result.stderr == "error: \(paths[1]): no run record: not a report of eptcheck --format json\n"
    )
  }

  @Test func partsWithDifferentExpectationsAreRefused() throws {
    var reports = try Self.shardReports()
    for (k, record) in reports[1].enumerated() where record["kind"] as? String == "scenario" {
      reports[1][k]["expectation"] = "violation use-after-free"
    }
    let result = try EptCheckBinary.run(["merge"] + (try Self.write(reports)), killAfter: 120)
    #expect(result.status == 65)
    #expect(
      result.stderr
        == "error: scenario 'two_faults_one_gfn': part 2/2 has expect violation use-after-free, part 1/2 has ok: they are not parts of one run\n"
    )
  }

  // Row 9: the default strategy overran a short timeout by seconds.
  @Test(arguments: [[String](), ["--state-budget", "50"]])
  func theDefaultStrategyStopsAtItsTimeout(options: [String]) throws {
    let path = try Self.spec(Self.explosion)
    let result = try EptCheckBinary.run(["--timeout", "1", path] + options, killAfter: 120)
    #expect(result.status == 2)
    // With a small budget, dpor takes over and times out in what is left of the second.
    let strategy = options.isEmpty ? "stateful" : "dpor"
    let line = Self.firstLine(result.stdout)
    #expect(line.hasPrefix("inconclusive explosion  \(strategy): "))
    #expect(line.hasSuffix(", timed out (timed out before the search finished)"))
  }

  /// When dpor takes over, the line says what the stateful search stored and spent first: a
  /// scenario whose states never close (a counter that grows in a retry loop) used to show only
  /// dpor's few executions and its 0.00s after a minute of stateful search.
  @Test func autoSaysWhatTheStatefulSearchSpentBeforeDPOR() throws {
    let path = try Self.spec(Self.explosion)
    let result = try EptCheckBinary.run(
      ["--timeout", "1", "--state-budget", "50", path], killAfter: 120)
    #expect(result.status == 2)
    let line = Self.firstLine(result.stdout)
    #expect(line.hasPrefix("inconclusive explosion  dpor: the stateful search stopped at "))
    #expect(line.contains(" states after "))
  }

  // Row 10: a write error passed for a report written.
  @Test func aFullDiskIsAWriteError() throws {
    let fixture = "\(CheckCommandTests.fixtures)/long_loop.ept"
    let file = try EptCheckBinary.run([fixture, "--output", "/dev/full"], killAfter: 120)
    #expect(file.status == 74)
    #expect(file.stderr == "error: cannot write /dev/full: No space left on device\n")
    let stdout = try EptCheckBinary.run([fixture], stdoutPath: "/dev/full", killAfter: 120)
    #expect(stdout.status == 74)
    #expect(
      stdout.stderr
        == "error: cannot write the report to standard output: No space left on device\n")
  }

  // Row 11: an assert message drove the terminal.
  @Test func controlCharactersAreShownEscaped() throws {
    let path = try Self.spec(
      Self.oneThread("WRITE_ONCE(x, 1); assert(x == 0, \"pwn \u{1B}]0;pwned\u{07} \u{202E}end\");"))
    let result = try EptCheckBinary.run([path], killAfter: 120)
    #expect(result.status == 1)
    #expect(result.stdout.contains(#"assertion failed: pwn \x1b]0;pwned\x07 \u{202e}end"#))
    #expect(!result.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    #expect(!result.stdout.contains("\u{202E}"))
    // And when the trace is replayed.
    let report = path + ".jsonl"
    _ = try EptCheckBinary.run([path, "--format", "json", "--output", report], killAfter: 120)
    let replayed = try EptCheckBinary.run(["replay", report, path], killAfter: 120)
    #expect(replayed.status == 0)
    #expect(replayed.stdout.contains(#"reproduced: assertion: a in w at "#))
    #expect(replayed.stdout.contains(#"assertion failed: pwn \x1b]0;pwned\x07 \u{202e}end"#))
    #expect(!replayed.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
  }

  // Row 12: merge --format html printed text.
  @Test func mergeRefusesHTML() throws {
    let paths = try Self.write(try Self.shardReports())
    let result = try EptCheckBinary.run(["merge", "--format", "html"] + paths, killAfter: 120)
    #expect(result.status == 64)
    #expect(
      Self.firstLine(result.stderr)
        == "Error: merge writes text or json; for an HTML report, check without --shard and --format html"
    )
    #expect(result.stdout == "")
  }

  // Row 13: a long thread name made the text report quadratic.
  @Test func aLongThreadNameKeepsTheReportNarrow() throws {
    let name = String(repeating: "n", count: 100_000)
    let path = try Self.spec(
      """
      shared int x = 0;
      void increment() { int v = READ_ONCE(x); WRITE_ONCE(x, v + 1); }
      scenario long_name {
          thread \(name) = increment();
          thread b = increment();
          finally { assert(x == 2, "both increments are visible"); }
          expect ok;
      }

      """)
    let result = try EptCheckBinary.run([path], killAfter: 120)
    #expect(result.status == 1)
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("  #  " + String(repeating: "n", count: 47) + "… | b") })
    // No line holds the name whole.
    #expect(lines.filter { $0.count > 1000 }.isEmpty)
  }
}
