import Explorer
import Spec
import Testing

/// Generated programs with `select` (DifferentialTests' generator, its kind 14): optimal DPOR
/// and the stateful search must agree with DFS, and the stateful search must store exactly the
/// states of the whole state graph. The select's footprint (every guard's reads) is what DPOR's
/// dependence and the sleep sets rely on; a guard read missing from it would lose a final state.
@Suite struct SelectDifferentialTests {
  static let programCount = 150

  @Test func strategiesAgreeOnGeneratedSelects() throws {
    var rng = DifferentialTests.Rng(generator: SplitMix64(seed: 0x5E1EC7))
    var programs = 0
    var selects = 0
    for _ in 0..<Self.programCount {
      let source = DifferentialTests.program(&rng, allowed: [0, 1, 5, 7, 12, 14])
      selects += source.components(separatedBy: "select {").count - 1
      let spec = try LoadedSpec.load(source: source, file: "sel.ept")
      let system = spec.system(for: spec.scenarios[0])
      let dpor = try DifferentialTests.explore(system, .dpor)
      let dfs = try DifferentialTests.explore(system, .dfs)
      #expect(dpor.0 == dfs.0, "final states differ for\n\(source)")
      #expect(dpor.1 == dfs.1, "violations differ for\n\(source)")
      #expect(dpor.2 == 0, "sleep-set blocked executions for\n\(source)")
      let graph = spec.system(for: spec.scenarios[0], loopBounds: false)
      let stateful = try Explorer.explore(
        graph, configuration: Configuration(strategy: .stateful(shortest: false), shrink: false))
      #expect(
        Set(stateful.counterexamples.map(\.violation.kind)) == dfs.1, "stateful for\n\(source)")
      #expect(
        stateful.statistics.distinctStates == InvisibleStepsTests.walk(graph).states,
        "stored states for\n\(source)")
      programs += 1
    }
    #expect(programs == Self.programCount)
    #expect(selects == 96)
  }
}
