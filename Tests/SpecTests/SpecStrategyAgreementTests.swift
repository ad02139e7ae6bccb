import Explorer
import ExplorerTestSupport
import Spec
import Testing

/// On every scenario of specs/, the strategies agree: the stateful search, optimal DPOR and (where
/// it finishes quickly) the plain depth-first oracle reach the same final states and the same
/// violations. Loop bounds are enforced here so that every strategy explores the same finite
/// system.
@Suite struct SpecStrategyAgreementTests {
  /// Scenarios small enough for the depth-first oracle in a debug build.
  static let smallScenarios = [
    "b4_map_loop_on_dead_vm", "b10_memslot_delete_fast_zap", "b11_unaccepted_page_loop",
    "conversion_to_private_vs_shared_fault", "guest_touches_unaccepted_page",
    "mmu_notifier_vs_private_fault", "populate_and_finalize", "teardown",
    "zap_all_vs_private_fault",
  ]

  static func explore(_ name: String, _ strategy: Strategy) throws
    -> RecordedExploration<ScenarioSystem>
  {
    let scenario = try #require(ManifestTests.spec.scenario(named: name))
    return try RecordedExploration(
      ManifestTests.spec.system(for: scenario, loopBounds: true),
      configuration: Configuration(strategy: strategy, shrink: false))
  }

  @Test(arguments: ManifestTests.spec.scenarios.map(\.name))
  func statefulAgreesWithDPOR(_ name: String) throws {
    let stateful = try Self.explore(name, .stateful(shortest: false))
    let dpor = try Self.explore(name, .dpor)
    #expect(stateful.violations == dpor.violations)
    #expect(stateful.finalStates == dpor.finalStates)
    #expect(stateful.deadlockStates == dpor.deadlockStates)
    #expect(dpor.result.statistics.sleepSetBlocked == 0)
  }

  @Test(arguments: smallScenarios)
  func everyStrategyAgreesWithDepthFirstSearch(_ name: String) throws {
    let dfs = try Self.explore(name, .dfs)
    let stateful = try Self.explore(name, .stateful(shortest: false))
    let dpor = try Self.explore(name, .dpor)
    #expect(stateful.violations == dfs.violations)
    #expect(dpor.violations == dfs.violations)
    #expect(stateful.finalStates == dfs.finalStates)
    #expect(dpor.finalStates == dfs.finalStates)
    #expect(stateful.result.statistics.distinctStates == dfs.result.statistics.distinctStates)
    #expect(dpor.result.statistics.executions == dfs.mazurkiewiczTraceCount)
  }
}
