/// A violation together with the schedule that shows it.
public struct Counterexample: Sendable, Hashable, Codable {
  public var violation: Violation
  /// The trace as found, ending at the step that raised the violation.
  public var trace: Trace

  public init(violation: Violation, trace: Trace) {
    self.violation = violation
    self.trace = trace
  }
}

/// The outcome of one exploration.
public struct ExplorationResult: Sendable {
  /// Why the exploration ended.
  public enum Completion: Sendable, Hashable {
    /// Every behaviour (within the strategy's reach) was covered.
    case complete
    /// The wall-clock timeout hit first.
    case timedOut
    /// `stopAtFirstViolation` was set and a violation was found.
    case stoppedAtViolation
    /// The stateful search stored as many states as `stateBudget` allows and gave up.
    case exceededStateBudget
    /// The process's resident memory exceeded `Configuration.memoryLimit`.
    case exceededMemoryLimit
  }

  public var statistics: Statistics
  /// Distinct violations in the order found, each with its (shrunk, replay-validated) trace.
  public var counterexamples: [Counterexample]
  public var completion: Completion
  public var strategy: Strategy
  public var depthBound: Int?
  /// Whether the search may have missed states: a stateful search with hash compaction, where
  /// two states that share a 64-bit key count as one.
  public var mayMissStates: Bool

  public init(
    statistics: Statistics, counterexamples: [Counterexample], completion: Completion,
    strategy: Strategy, depthBound: Int?, mayMissStates: Bool = false
  ) {
    self.statistics = statistics
    self.counterexamples = counterexamples
    self.completion = completion
    self.strategy = strategy
    self.depthBound = depthBound
    self.mayMissStates = mayMissStates
  }

  /// Whether the run establishes that the system has no violation at any depth: exhaustive
  /// strategy, nothing cut, nothing skipped, no state possibly missed, nothing found.
  public var isVerified: Bool {
    counterexamples.isEmpty && completion == .complete && strategy.isExhaustive
      && statistics.cutExecutions == 0 && !mayMissStates
  }
}
