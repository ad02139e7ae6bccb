import Explorer

/// The stateful search against the `dfs` oracle on one program at one bound, on one thread and
/// on two: the comparisons of `StatefulDifferentialTests`, for `benchmarks sweep --stateful` to
/// run on many generated programs.
///
/// A disagreement is a difference in the states stored (against `dfs`'s distinct states), in the
/// final states of finished or deadlocked executions, in the deadlocked states, or in the
/// violations. (Steps differ by design: the sleep sets prune steps, and two threads take
/// requests in batches.)
public struct StatefulCheck: Sendable {
  public var disagreements: [String] = []
  /// The states `dfs` saw, and the steps of the search on one thread.
  public var states = 0
  public var steps = 0

  public var isClean: Bool { disagreements.isEmpty }

  public init(_ program: MiniProgram, bound: Int?) throws {
    let dfs = try RecordedExploration(
      program, configuration: Configuration(strategy: .dfs, depthBound: bound, shrink: false))
    states = dfs.result.statistics.distinctStates
    for jobs in [1, 2] {
      let stateful = try RecordedExploration(
        program,
        configuration: Configuration(
          strategy: .stateful(shortest: false), depthBound: bound, shrink: false,
          statefulJobs: jobs))
      if jobs == 1 { steps = stateful.result.statistics.transitions }
      let what = "stateful on \(jobs) thread\(jobs == 1 ? "" : "s")"
      let stored = stateful.result.statistics.distinctStates
      if stored != states {
        disagreements.append("\(what) stored \(stored) states, dfs saw \(states)")
      }
      if stateful.finalStates != dfs.finalStates {
        disagreements.append("\(what): other final states")
      }
      if stateful.deadlockStates != dfs.deadlockStates {
        disagreements.append("\(what): other deadlocked states")
      }
      if stateful.violations != dfs.violations { disagreements.append("\(what): other violations") }
    }
  }
}
