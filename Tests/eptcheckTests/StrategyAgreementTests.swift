import Foundation
import Testing

/// One verdict whatever the strategy (issue 13): every hand-written scenario of `specs/` (the
/// synthesized ones are too many for unbounded dpor in a debug build; SynthesisTests and
/// `eptcheck --depth 12` check them under `auto`), on every kernel
/// release the specs model (each bug on the release that had it), under `auto`,
/// `stateful`, unbounded `dpor` and `dpor --depth 12`. Two runs never contradict: their verdicts
/// are the same, or one of them is inconclusive. An `expect ok` scenario is never `fail`, and
/// `auto`, which gives the verdict, never leaves a scenario inconclusive.
@Suite struct StrategyAgreementTests {
  /// Scenarios whose unbounded `dpor` search does not finish quickly: their retry loops multiply
  /// the traces (thousands of executions, over 10 s in a debug build). They run with a timeout
  /// instead, so their result is `inconclusive` unless the search finishes or finds something,
  /// and it must still agree with the other strategies.
  static let slowUnderUnboundedDPOR: Set<String> = [
    "b2_busy_install_amplifies_zero_step", "zero_step_vs_accepting_guests",
    "accepts_vs_zap_host_priority",
  ]

  static let kernels = ["mainline", "7.1", "6.18"]

  static func verdicts(_ arguments: [String], kernel: String) throws -> [String: String] {
    let run = try EptCheckBinary.run(
      arguments + ["--kernel", kernel, "--synthesize", "none", "--format", "json", "specs"])
    #expect([0, 1, 2].contains(run.status), "\(arguments): \(run.stderr)")
    var result: [String: String] = [:]
    for line in run.stdout.split(separator: "\n") {
      let record = try #require(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      guard record["kind"] as? String == "scenario" else { continue }
      let name = try #require(record["name"] as? String)
      result[name] = try #require(record["verdict"] as? String)
      if record["expectation"] as? String == "ok" {
        #expect(record["verdict"] as? String != "fail", "\(name) under \(arguments)")
      }
    }
    return result
  }

  /// The scenario names `eptcheck list` gives for a release.
  static func names(kernel: String) throws -> Set<String> {
    let run = try EptCheckBinary.run(["list", "--kernel", kernel, "--synthesize", "none", "specs"])
    #expect(run.status == 0)
    return Set(
      run.stdout.split(separator: "\n").dropFirst().compactMap {
        $0.split(separator: " ").first.map(String.init)
      })
  }

  @Test func theSlowListNamesRealScenarios() throws {
    var all: Set<String> = []
    for kernel in Self.kernels { all.formUnion(try Self.names(kernel: kernel)) }
    #expect(Self.slowUnderUnboundedDPOR.isSubset(of: all))
  }

  @Test(arguments: kernels)
  func verdictsNeverContradict(kernel: String) throws {
    let auto = try Self.verdicts(["--depth", "12"], kernel: kernel)
    let names = Set(auto.keys)
    #expect(names.count >= 15)
    #expect(names == (try Self.names(kernel: kernel)))
    let slowNames = Self.slowUnderUnboundedDPOR.intersection(names)
    let fast = names.subtracting(slowNames).sorted()
    var unbounded = try Self.verdicts(
      ["--strategy", "dpor"] + fast.flatMap { ["--scenario", $0] }, kernel: kernel)
    if !slowNames.isEmpty {
      let slow = try Self.verdicts(
        ["--strategy", "dpor", "--timeout", "2"]
          + slowNames.sorted().flatMap { ["--scenario", $0] }, kernel: kernel)
      unbounded.merge(slow) { first, _ in first }
    }
    let runs: [(name: String, verdicts: [String: String])] = [
      ("auto", auto), ("stateful", try Self.verdicts(["--strategy", "stateful"], kernel: kernel)),
      ("dpor", unbounded),
      (
        "dpor --depth 12",
        try Self.verdicts(["--strategy", "dpor", "--depth", "12"], kernel: kernel)
      ),
    ]
    for run in runs {
      #expect(Set(run.verdicts.keys) == names, "\(run.name) checks every scenario")
    }
    for name in names.sorted() {
      #expect(auto[name] != "inconclusive", "auto gives the verdict of \(name)")
      for (i, a) in runs.enumerated() {
        for b in runs[(i + 1)...] {
          let (x, y) = (a.verdicts[name] ?? "missing", b.verdicts[name] ?? "missing")
          #expect(
            x == y || x == "inconclusive" || y == "inconclusive",
            "\(name): \(a.name) says \(x), \(b.name) says \(y)")
        }
      }
    }
  }
}
