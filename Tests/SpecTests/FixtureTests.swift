import Explorer
import Foundation
import Spec
import Testing

/// The example specs under `Fixtures/` load from disk and meet their own expectations.
@Suite struct FixtureTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

  @Test func everyScenarioMeetsItsExpectation() throws {
    let spec = try LoadedSpec.load(paths: [Self.root])
    #expect(spec.warnings.isEmpty, "\(spec.warnings)")
    #expect(
      spec.scenarios.map(\.name) == [
        "lastzero3", "lost_update", "two_lock_deadlock", "two_faults_one_gfn",
        "no_freeze_two_faults",
      ])
    for scenario in spec.scenarios {
      let system = spec.system(for: scenario)
      let dpor = try Explorer.explore(system, configuration: Configuration(strategy: .dpor))
      let dfs = try Explorer.explore(system, configuration: Configuration(strategy: .dfs))
      let kinds = Set(dpor.counterexamples.map(\.violation.kind))
      #expect(kinds == Set(dfs.counterexamples.map(\.violation.kind)), "\(scenario.name)")
      #expect(dpor.statistics.sleepSetBlocked == 0)
      switch scenario.expectation {
      case .ok:
        #expect(
          kinds.isEmpty, "\(scenario.name): \(dpor.counterexamples.map(\.violation.description))")
      case .violation(let kind): #expect(kinds.contains(kind), "\(scenario.name): \(kinds)")
      }
    }
  }
}
