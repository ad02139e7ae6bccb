import Explorer
import ExplorerTestSupport
import Testing

/// The stateful search against the oracle on the generated corpus: the same reachable states,
/// the same finished and deadlocked final states, the same violations, with and without sleep
/// sets.
@Suite struct StatefulDifferentialTests {
  static let bounds: [Int?] = [nil, 3]

  @Test("stateful reaches the same states, final states and violations as dfs", arguments: bounds)
  func statefulAgreesWithDepthFirstSearch(bound: Int?) throws {
    var failures = Corpus.Failures("stateful disagrees with dfs", bound: bound)
    for (seed, program) in Corpus.programs where seed < 1_000 {
      let dfs = try Corpus.explore(program, .dfs, bound: bound)
      for (shortest, sleepSets) in [(false, true), (false, false), (true, false)] {
        let stateful = try RecordedExploration(
          program,
          configuration: Configuration(
            strategy: .stateful(shortest: shortest), depthBound: bound, shrink: false,
            sleepSets: sleepSets))
        var problems: [String] = []
        if stateful.violations != dfs.violations {
          problems.append("violations \(stateful.violations) instead of \(dfs.violations)")
        }
        if stateful.finalStates != dfs.finalStates { problems.append("different final states") }
        if stateful.deadlockStates != dfs.deadlockStates { problems.append("different deadlocks") }
        if stateful.result.statistics.distinctStates != dfs.result.statistics.distinctStates {
          problems.append(
            "\(stateful.result.statistics.distinctStates) states stored, dfs saw \(dfs.result.statistics.distinctStates)")
        }
        for counterexample in stateful.result.counterexamples {
          if (try? Replayer(system: program).validate(counterexample.trace)) == nil {
            problems.append("the trace of \(counterexample.violation) does not replay")
          }
        }
        failures.record(
          seed, program, problems.map { "shortest \(shortest), sleep sets \(sleepSets): \($0)" })
      }
    }
    failures.check()
  }

  /// Breadth first, every counterexample is a shortest path to the step or state that shows it,
  /// so shrinking cannot make it shorter.
  @Test func shortestCounterexamplesAreNoLongerThanShrunkOnes() throws {
    for (_, program) in Corpus.programs.prefix(300) {
      let bfs = try Corpus.explore(program, .stateful(shortest: true), bound: nil)
      let shrunk = try RecordedExploration(
        program, configuration: Configuration(strategy: .stateful(shortest: true), shrink: true))
      for (raw, small) in zip(bfs.result.counterexamples, shrunk.result.counterexamples)
      where raw.violation.kind != "unbounded-retry" {
        #expect(raw.trace.steps.count == small.trace.steps.count, "\(program)")
      }
    }
  }
}
