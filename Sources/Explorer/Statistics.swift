/// What an exploration did, in numbers. Every field but `elapsed` is deterministic.
public struct Statistics: Sendable, Hashable, Codable {
  /// Executions run to their end: finished, deadlocked, or cut by the depth bound.
  public var executions = 0
  /// Executions abandoned because every enabled step was in the sleep set (0 for optimal DPOR).
  public var sleepSetBlocked = 0
  /// Visible steps executed, counting re-executions.
  public var transitions = 0
  /// Distinct states seen, by hash (0 when counting is off).
  public var distinctStates = 0
  /// The longest execution, in visible steps.
  public var maxDepth = 0
  /// Executions cut short by the depth bound or by a bound of the model (`loopBoundCuts`).
  public var cutExecutions = 0
  /// Executions the model cut by stopping a thread at a retry loop's `bound`
  /// (`TransitionSystem.isCut`); also counted in `cutExecutions`.
  public var loopBoundCuts = 0
  /// Wall time in seconds.
  public var elapsed = 0.0

  public init() {}

  /// Visible steps per second.
  public var rate: Double { elapsed > 0 ? Double(transitions) / elapsed : 0 }

  /// The same statistics with the wall time left out, for comparing runs.
  public var deterministicPart: Statistics {
    var copy = self
    copy.elapsed = 0
    return copy
  }
}
