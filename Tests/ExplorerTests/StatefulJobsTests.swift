import Explorer
import ExplorerTestSupport
import Testing

/// The stateful search on several threads (`Configuration.statefulJobs`): the stored states,
/// final states and verdicts of one thread, and for every count above one the same steps and
/// the same counterexamples.
@Suite struct StatefulJobsTests {
  static func explore(
    _ program: MiniProgram, jobs: Int, bound: Int? = nil, shortest: Bool = false,
    sleepSets: Bool = true, stateBudget: Int? = nil
  ) throws -> RecordedExploration<MiniProgram> {
    try StatefulReductionTests.explore(
      program, sleepSets: sleepSets, bound: bound, stateBudget: stateBudget, shortest: shortest,
      jobs: jobs)
  }

  /// What must not depend on the threads, as lines to compare; a livelock's loop length depends
  /// on the numbering of the states, so only its kind and threads count.
  static func answers(_ run: RecordedExploration<MiniProgram>) -> [String] {
    let s = run.result.statistics
    return [
      "\(s.distinctStates) states, completion \(run.result.completion)",
      "\(run.finalStates.count) final states, \(run.deadlockStates.count) deadlocks",
    ] + StatefulReductionTests.verdicts(run).sorted()
  }

  static let searches: [(shortest: Bool, sleepSets: Bool)] = [
    (false, true), (false, false), (true, false),
  ]

  @Test("two threads store the states and find the verdicts of one", arguments: [nil, 3] as [Int?])
  func twoThreadsAgreeWithOne(bound: Int?) throws {
    var failures = Corpus.Failures("--jobs 2 disagrees with --jobs 1", bound: bound)
    for (seed, program) in Corpus.programs where seed < 1_000 {
      for (shortest, sleepSets) in Self.searches {
        let one = try Self.explore(
          program, jobs: 1, bound: bound, shortest: shortest, sleepSets: sleepSets)
        let two = try Self.explore(
          program, jobs: 2, bound: bound, shortest: shortest, sleepSets: sleepSets)
        var problems: [String] = []
        if Self.answers(two) != Self.answers(one) {
          problems.append("\(Self.answers(two)) instead of \(Self.answers(one))")
        }
        if two.finalStates != one.finalStates { problems.append("different final states") }
        if two.deadlockStates != one.deadlockStates { problems.append("different deadlocks") }
        for counterexample in two.result.counterexamples {
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

  /// The classic programs on two threads, where the batches take the states in another order:
  /// the same states, executions and verdicts, and here the same steps as one thread (pinned in
  /// `StatefulReductionTests`).
  @Test(arguments: [
    CanonicalSystems.lastZero(3), CanonicalSystems.lastZero(5), CanonicalSystems.readers(3),
    CanonicalSystems.casCounter(3), CanonicalSystems.independentWriters(6),
  ])
  func classicProgramsOnTwoThreads(system: MiniProgram) throws {
    let one = try Self.explore(system, jobs: 1)
    let two = try Self.explore(system, jobs: 2)
    #expect(Self.answers(two) == Self.answers(one))
    #expect(two.result.statistics.executions == one.result.statistics.executions)
    #expect(two.violations == one.violations)
    #expect(two.finalStates == one.finalStates)
    #expect(two.result.statistics.transitions == one.result.statistics.transitions)
  }

  /// `n` independent writers: `2^n` states, each entered once (`2^n - 1` steps), as on one thread.
  @Test func independentWritersTakeOneStepPerStateOnTwoThreads() throws {
    let two = try Self.explore(CanonicalSystems.independentWriters(6), jobs: 2)
    #expect(two.result.statistics.distinctStates == 1 << 6)
    #expect(two.result.statistics.transitions == (1 << 6) - 1)
  }

  @Test func loopingProgramsHaveTheSameLivelocksOnTwoThreads() throws {
    var failures: [UInt64] = []
    for (seed, program) in StatefulReductionTests.loopingPrograms {
      let budget = StatefulReductionTests.loopBudget
      let one = try Self.explore(program, jobs: 1, stateBudget: budget)
      let two = try Self.explore(program, jobs: 2, stateBudget: budget)
      if Self.answers(two) != Self.answers(one) {
        failures.append(seed)
        if failures.count <= 3 {
          Issue.record("seed \(seed): \(Self.answers(two)) instead of \(Self.answers(one))")
        }
      }
    }
    #expect(failures.isEmpty, "--jobs 2 changes the answers of seeds \(failures)")
  }

  /// The batches do not depend on the number of threads, so neither do the steps taken nor the
  /// path that first reaches each state, which the counterexamples follow.
  @Test func everyCountAboveOneTakesTheSameSteps() throws {
    var failures: [UInt64] = []
    let programs =
      Corpus.programs.prefix(300).map { $0 } + StatefulReductionTests.loopingPrograms.prefix(100)
    for (seed, program) in programs {
      let budget = StatefulReductionTests.loopBudget
      let runs = try [2, 3, 4].map { try Self.explore(program, jobs: $0, stateBudget: budget) }
      let figures = runs.map {
        ($0.result.statistics.transitions, $0.result.statistics.executions)
      }
      let traces = runs.map { $0.result.counterexamples.map(\.trace) }
      if !figures.allSatisfy({ $0 == figures[0] }) || !traces.allSatisfy({ $0 == traces[0] }) {
        failures.append(seed)
      }
    }
    #expect(failures.isEmpty, "the steps or traces depend on the threads for seeds \(failures)")
  }
}
