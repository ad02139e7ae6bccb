import Explorer
import Foundation
import Spec
import Testing

/// Every scenario of `specs/`, on every kernel release it models (mainline and each overlay of
/// `specs/releases/`), against `specs/manifest.json`: the expected verdict and the exact counts,
/// under the complete stateful search and under DPOR bounded at depth 12.
@Suite struct ManifestTests {
  struct Manifest: Decodable {
    struct Run: Decodable, Equatable {
      var verdict: String
      var states: Int?
      var executions: Int?
      /// Under the depth bound, optimal DPOR may run sleep-set-blocked executions (it adds the
      /// races with steps past the bound using initials only; see GeneratedProgramTests).
      var sleep_set_blocked: Int?
      var violations: [String]
    }

    struct Entry: Decodable {
      var name: String
      var kernel: String
      var file: String
      var expect: String
      var stateful: Run
      /// The stateful search's time in release when the manifest was regenerated: a figure, so
      /// only its presence is checked.
      var stateful_seconds: Double
      var dpor_depth_12: Run
    }

    var version: Int
    var scenarios: [Entry]
  }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static let manifest: Manifest = {
    let data = try! Data(contentsOf: root.appendingPathComponent("specs/manifest.json"))
    return try! JSONDecoder().decode(Manifest.self, from: data)
  }()

  /// The kernel releases the specs model: mainline, then the overlays.
  static let kernels: [String] =
    [LoadedSpec.mainline] + LoadedSpec.releases(in: [root.appendingPathComponent("specs").path])

  static let specs: [String: LoadedSpec] = {
    var specs: [String: LoadedSpec] = [:]
    for kernel in kernels {
      specs[kernel] = try! LoadedSpec.load(
        paths: [root.appendingPathComponent("specs").path], kernel: kernel)
    }
    return specs
  }()

  /// Mainline's scenarios.
  static var spec: LoadedSpec { specs[LoadedSpec.mainline]! }

  /// The command line's verdict: a missing violation is `inconclusive`, not `fail`, when the
  /// search was cut (at the depth bound or a retry loop's bound: no evidence either way).
  /// A kind that neither the expected one nor one of its listed consequences explains
  /// (`expect violation a, b;`) fails the scenario.
  static func verdict(
    expect: String, kinds: [String], also: [String] = [], cut: Bool = false
  ) -> String {
    if expect == "ok" { return kinds.isEmpty ? "pass" : "fail" }
    let kind = String(expect.dropFirst("violation ".count))
    if !Set(kinds).subtracting([kind] + also).isEmpty, kinds.contains(kind) { return "fail" }
    return kinds.contains(kind) ? "pass" : cut ? "inconclusive" : "fail"
  }

  static func run(
    _ spec: LoadedSpec, _ scenario: ScenarioInfo, _ configuration: Configuration,
    loopBounds: Bool
  ) throws -> ExplorationResult {
    try Explorer.explore(
      spec.system(for: scenario, loopBounds: loopBounds), configuration: configuration)
  }

  @Test func theManifestListsEveryScenarioOfEveryReleaseOnce() {
    #expect(Self.kernels == [LoadedSpec.mainline, "7.1", "6.18"])
    for kernel in Self.kernels {
      let listed = Self.manifest.scenarios.filter { $0.kernel == kernel }.map(\.name)
      #expect(listed.sorted() == Self.specs[kernel]!.scenarios.map(\.name).sorted(), "\(kernel)")
      #expect(Set(listed).count == listed.count)
    }
    #expect(Self.manifest.scenarios.filter { $0.kernel == LoadedSpec.mainline }.count >= 15)
    #expect(Set(Self.manifest.scenarios.map(\.kernel)).sorted() == Self.kernels.sorted())
  }

  /// The bug corpus runs on the releases that had the bugs, none on mainline; every release runs
  /// mainline's own scenarios too, which must pass there. The findings (specs/findings/: what
  /// the model finds wrong in mainline's own code, docs/model.md) run on mainline and find the
  /// violation they expect.
  @Test func everyBugRunsOnItsReleaseAndMainlinePassesTheScenarios() {
    let bugs = Self.manifest.scenarios.filter { $0.file.contains("specs/bugs/") }
    #expect(bugs.count >= 9)
    #expect(bugs.allSatisfy { $0.kernel != LoadedSpec.mainline })
    #expect(bugs.filter { $0.kernel == "6.18" }.map(\.name) == ["b5_premap_without_sept_entry"])
    let mainline = Self.manifest.scenarios.filter {
      $0.kernel == LoadedSpec.mainline && !$0.file.contains("specs/findings/")
    }
    #expect(mainline.allSatisfy { $0.expect == "ok" && $0.stateful.verdict == "pass" })
    let findings = Self.manifest.scenarios.filter { $0.file.contains("specs/findings/") }
    #expect(
      findings.map(\.name).sorted() == ["finalize_vs_punch_hole", "teardown_hkid_release_fails"])
    #expect(
      findings.allSatisfy {
        $0.kernel == LoadedSpec.mainline && $0.expect != "ok" && $0.stateful.verdict == "pass"
      })
  }

  /// The synthesized scenarios that find a violation of mainline's own code (`finding` in
  /// specs/actors.ept, docs/model.md): the manifest lists the hand-written scenarios only, so
  /// these are named here, each expecting what it finds under the complete stateful search.
  @Test func theSynthesizedFindingsFindWhatTheyExpect() throws {
    let spec = try LoadedSpec.load(
      paths: [Self.root.appendingPathComponent("specs").path], synthesis: .pairs)
    let findings = spec.scenarios.filter { $0.isSynthesized && $0.expectation != .ok }
    #expect(findings.map(\.name) == ["pair_finalize_gmem_punch_hole_before_finalize"])
    for scenario in findings {
      let result = try Self.run(
        spec, scenario, Configuration(strategy: .stateful(shortest: false)), loopBounds: false)
      let kinds = Set(result.counterexamples.map(\.violation.kind)).sorted()
      #expect(kinds == ["assertion", "tdx-error", "use-after-free"])
      #expect(scenario.alsoExpected == ["assertion", "use-after-free"])
    }
  }

  @Test(arguments: manifest.scenarios.map { "\($0.kernel)/\($0.name)" })
  func scenarioMatchesTheManifest(_ id: String) throws {
    let kernel = String(id.prefix { $0 != "/" })
    let name = String(id.dropFirst(kernel.count + 1))
    let entry = try #require(
      Self.manifest.scenarios.first { $0.kernel == kernel && $0.name == name })
    let spec = try #require(Self.specs[kernel])
    let scenario = try #require(spec.scenario(named: name))
    let expectation: String
    switch scenario.expectation {
    case .ok: expectation = "ok"
    case .violation(let kind): expectation = "violation \(kind)"
    }
    #expect(expectation == entry.expect)
    #expect(scenario.location.file.hasSuffix(entry.file))
    // The model marks every shared access its threads make, so the plain-race check tracks
    // nothing and adds no state.
    #expect(spec.system(for: scenario).cellsCheckedForPlainRaces == [])

    let stateful = try Self.run(
      spec, scenario, Configuration(strategy: .stateful(shortest: false), shrink: false),
      loopBounds: false)
    let statefulKinds = Set(stateful.counterexamples.map(\.violation.kind)).sorted()
    #expect(stateful.completion == .complete)
    #expect(
      Manifest.Run(
        verdict: Self.verdict(
          expect: entry.expect, kinds: statefulKinds, also: scenario.alsoExpected),
        states: stateful.statistics.distinctStates, executions: nil, sleep_set_blocked: nil,
        violations: statefulKinds)
        == entry.stateful)

    // The counts the command line reports with one thread and no shard: the whole search. The
    // search split into subtrees (Partition, under --jobs and --shard) finds what it finds.
    let dpor = try Self.run(
      spec, scenario, Configuration(strategy: .dpor, depthBound: 12, shrink: false),
      loopBounds: true)
    let split = try Explorer.explore(
      spec.system(for: scenario, loopBounds: true),
      configuration: Configuration(strategy: .dpor, depthBound: 12, shrink: false),
      partition: .standard())
    let dporKinds = Set(dpor.counterexamples.map(\.violation.kind)).sorted()
    #expect(Set(split.counterexamples.map(\.violation.kind)).sorted() == dporKinds)
    #expect(
      Manifest.Run(
        verdict: Self.verdict(
          expect: entry.expect, kinds: dporKinds, also: scenario.alsoExpected,
          cut: dpor.statistics.cutExecutions > 0),
        states: nil,
        executions: dpor.statistics.executions,
        sleep_set_blocked: dpor.statistics.sleepSetBlocked, violations: dporKinds)
        == entry.dpor_depth_12)
  }

  /// Each known-bug variant is found by the check a developer runs (`eptcheck --depth 12`, whose
  /// auto strategy checks every scenario of specs/ completely).
  @Test func everyBugVariantIsFoundByTheCompleteCheck() {
    for entry in Self.manifest.scenarios where entry.expect != "ok" {
      #expect(entry.stateful.verdict == "pass", "\(entry.name)")
    }
  }
}
