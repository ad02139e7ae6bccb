import Explorer
import ExplorerTestSupport
import Testing

/// One canonical system with what is known about it independently of the engine.
struct CanonicalCase: Sendable, CustomTestStringConvertible {
  var program: MiniProgram
  /// The number of Mazurkiewicz traces when it can be derived by hand.
  var analyticTraces: Int?
  /// The kinds of violation the system has (empty: it is correct).
  var violationKinds: Set<String>

  var testDescription: String { program.name }

  static let all: [CanonicalCase] = [
    // Critical sections serialise: one trace per order of lock acquisition.
    CanonicalCase(
      program: CanonicalSystems.lockedCounter(2), analyticTraces: 2, violationKinds: []),
    CanonicalCase(
      program: CanonicalSystems.lockedCounter(3), analyticTraces: 6, violationKinds: []),
    // Both loads commute: L0 S0 L1 S1, L1 S1 L0 S0, {L0 L1} S0 S1, {L0 L1} S1 S0.
    CanonicalCase(
      program: CanonicalSystems.lostUpdate, analyticTraces: 4, violationKinds: ["assertion"]),
    CanonicalCase(program: CanonicalSystems.casCounter(2), analyticTraces: nil, violationKinds: []),
    CanonicalCase(program: CanonicalSystems.casCounter(3), analyticTraces: nil, violationKinds: []),
    // t0 first, t1 first, or each holding its first lock.
    CanonicalCase(
      program: CanonicalSystems.twoLockDeadlock, analyticTraces: 3, violationKinds: ["deadlock"]),
    CanonicalCase(program: CanonicalSystems.lastZero(2), analyticTraces: nil, violationKinds: []),
    CanonicalCase(program: CanonicalSystems.lastZero(3), analyticTraces: nil, violationKinds: []),
    CanonicalCase(program: CanonicalSystems.lastZero(4), analyticTraces: nil, violationKinds: []),
    // Each reader reads before or after the write: 2^n.
    CanonicalCase(program: CanonicalSystems.readers(1), analyticTraces: 2, violationKinds: []),
    CanonicalCase(program: CanonicalSystems.readers(3), analyticTraces: 8, violationKinds: []),
    CanonicalCase(program: CanonicalSystems.readers(6), analyticTraces: 64, violationKinds: []),
    CanonicalCase(
      program: CanonicalSystems.indexer(threads: 3, size: 3), analyticTraces: nil,
      violationKinds: []),
    CanonicalCase(
      program: CanonicalSystems.indexer(threads: 4, size: 4), analyticTraces: nil,
      violationKinds: []),
  ]
}

/// The classic programs: exact verdicts, exact trace counts, and agreement with `dfs`.
@Suite struct CanonicalSystemTests {
  @Test(arguments: CanonicalCase.all)
  func dporExploresOneExecutionPerMazurkiewiczTrace(_ c: CanonicalCase) throws {
    let dfs = try RecordedExploration(
      c.program, configuration: Configuration(strategy: .dfs, shrink: false))
    let dpor = try RecordedExploration(
      c.program, configuration: Configuration(strategy: .dpor, shrink: false))
    let traces = dfs.mazurkiewiczTraceCount
    print(
      "\(c.program.name): \(dfs.result.statistics.executions) dfs executions, \(traces) Mazurkiewicz traces, dpor \(dpor.result.statistics.executions)"
    )
    if let analytic = c.analyticTraces { #expect(traces == analytic) }
    #expect(dpor.result.statistics.executions == traces)
    #expect(dpor.result.statistics.sleepSetBlocked == 0)
    #expect(dpor.count(.sleepSetBlocked) == 0)
    let forms = dpor.canonicalForms
    #expect(Set(forms).count == forms.count, "two dpor executions in one trace")
    #expect(Set(forms) == Set(dfs.canonicalForms))
  }

  @Test(arguments: CanonicalCase.all)
  func verdictsAreExact(_ c: CanonicalCase) throws {
    for strategy in [Strategy.dfs, .dpor] {
      let result = try Explorer.explore(c.program, configuration: Configuration(strategy: strategy))
      #expect(
        Set(result.counterexamples.map(\.violation.kind)) == c.violationKinds, "\(strategy.name)")
      #expect(result.completion == .complete)
      #expect(result.isVerified == c.violationKinds.isEmpty)
      #expect(result.statistics.cutExecutions == 0)
    }
  }

  /// `random` and `pct` find only real violations and never claim a pass, even on a correct
  /// system; a bounded run that cut an execution never claims one either.
  @Test(arguments: CanonicalCase.all)
  func samplingAndBoundedRunsNeverClaimAPass(_ c: CanonicalCase) throws {
    for strategy in [
      Strategy.random(seed: 9, executions: 200), .pct(seed: 9, depth: 3, executions: 200),
    ] {
      let result = try Explorer.explore(c.program, configuration: Configuration(strategy: strategy))
      #expect(Set(result.counterexamples.map(\.violation.kind)).isSubset(of: c.violationKinds))
      #expect(!result.isVerified, "\(strategy.name)")
      #expect(result.statistics.executions == 200)
    }
    let bounded = try Explorer.explore(
      c.program, configuration: Configuration(strategy: .dpor, depthBound: 1))
    #expect(bounded.statistics.cutExecutions > 0)
    #expect(!bounded.isVerified)
  }

  @Test(arguments: CanonicalCase.all, [nil, 1, 2, 3, 5, 8] as [Int?])
  func dporAgreesWithDFS(_ c: CanonicalCase, bound: Int?) throws {
    let dfs = try RecordedExploration(
      c.program, configuration: Configuration(strategy: .dfs, depthBound: bound, shrink: false))
    let dpor = try RecordedExploration(
      c.program, configuration: Configuration(strategy: .dpor, depthBound: bound, shrink: false))
    #expect(dpor.finalStates == dfs.finalStates)
    #expect(dpor.violations == dfs.violations)
    #expect(dpor.recordedViolations == dfs.recordedViolations)
    #expect(dpor.deadlockStates == dfs.deadlockStates)
    #expect(dpor.result.statistics.executions <= dfs.mazurkiewiczTraceCount)
  }

  @Test func lostUpdateIsFoundWithItsShortestTrace() throws {
    let result = try Explorer.explore(CanonicalSystems.lostUpdate)
    let example = try #require(result.counterexamples.first)
    #expect(example.violation.description == "assertion: both increments are visible (x0 = 1)")
    #expect(example.trace.steps.count == 4)
    #expect(example.trace.contextSwitches == 2)
  }

  @Test func twoLockDeadlockNamesBothThreads() throws {
    let result = try Explorer.explore(CanonicalSystems.twoLockDeadlock)
    #expect(result.counterexamples.map(\.violation) == [.deadlock(blocked: ["t0", "t1"])])
    #expect(result.counterexamples.first?.trace.steps.count == 2)
  }
}

/// The compact `lastzero(n)` used for speed measurements is the same program as the canonical one.
@Test(arguments: [2, 3])
func compactLastZeroMatchesTheCanonicalOne(_ n: Int) throws {
  for strategy in [Strategy.dfs, .dpor] {
    let compact = try Explorer.explore(
      CompactLastZero(n), configuration: Configuration(strategy: strategy))
    let canonical = try Explorer.explore(
      CanonicalSystems.lastZero(n), configuration: Configuration(strategy: strategy))
    #expect(compact.statistics.deterministicPart == canonical.statistics.deterministicPart)
  }
}
