import Explorer

/// The stateful search against the `dfs` oracle on one program at one bound, on one thread and
/// on two: the check `benchmarks sweep --stateful` runs on many generated programs.
///
/// A disagreement is a difference in the states stored (against `dfs`'s distinct states), in the
/// final states of finished or deadlocked executions, in the deadlocked states, or in the
/// violations; or, between one thread and two, in the states stored. (Steps differ by design:
/// the sleep sets prune steps, and two threads take requests in batches.)
public struct StatefulCheck: Sendable {
  public var disagreements: [String] = []
  /// The states `dfs` saw, and the steps of the search on one thread.
  public var states = 0
  public var steps = 0

  public var isClean: Bool { disagreements.isEmpty }

  public init(_ program: MiniProgram, bound: Int?) throws {
    let dfs = try Outcome(program, .dfs, bound: bound, jobs: 1)
    states = dfs.states
    for jobs in [1, 2] {
      let stateful = try Outcome(program, .stateful(shortest: false), bound: bound, jobs: jobs)
      if jobs == 1 { steps = stateful.steps }
      let what = "stateful on \(jobs) thread\(jobs == 1 ? "" : "s")"
      if stateful.states != dfs.states {
        disagreements.append("\(what) stored \(stateful.states) states, dfs saw \(dfs.states)")
      }
      if stateful.finalStates != dfs.finalStates {
        disagreements.append("\(what): other final states")
      }
      if stateful.deadlockStates != dfs.deadlockStates {
        disagreements.append("\(what): other deadlocked states")
      }
      if stateful.violations != dfs.violations {
        disagreements.append("\(what): other violations")
      }
    }
  }

  /// What one search found.
  private struct Outcome {
    var states = 0
    var steps = 0
    var finalStates: Set<MiniProgram.State> = []
    var deadlockStates: Set<MiniProgram.State> = []
    var violations: Set<Violation> = []

    init(_ program: MiniProgram, _ strategy: Strategy, bound: Int?, jobs: Int) throws {
      let box = Box()
      let result = try Explorer.explore(
        program,
        configuration: Configuration(
          strategy: strategy, depthBound: bound, shrink: false, statefulJobs: jobs),
        observer: { box.add($0) })
      self = box.outcome
      states = result.statistics.distinctStates
      steps = result.statistics.transitions
      violations = Set(result.counterexamples.map(\.violation))
    }

    private init() {}

    private final class Box {
      var outcome = Outcome()

      func add(_ record: ExecutionRecord<MiniProgram.State>) {
        guard record.ending == .finished || record.ending == .deadlock else { return }
        outcome.finalStates.insert(record.finalState)
        if record.ending == .deadlock { outcome.deadlockStates.insert(record.finalState) }
      }
    }
  }
}
