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
  }

  public var statistics: Statistics
  /// Distinct violations in the order found, each with its (shrunk, replay-validated) trace.
  public var counterexamples: [Counterexample]
  public var completion: Completion
  public var strategy: Strategy
  public var depthBound: Int?

  public init(
    statistics: Statistics, counterexamples: [Counterexample], completion: Completion,
    strategy: Strategy, depthBound: Int?
  ) {
    self.statistics = statistics
    self.counterexamples = counterexamples
    self.completion = completion
    self.strategy = strategy
    self.depthBound = depthBound
  }

  /// Whether the run establishes that the system has no violation at any depth: exhaustive
  /// strategy, nothing cut, nothing skipped, nothing found.
  public var isVerified: Bool {
    counterexamples.isEmpty && completion == .complete && strategy.isExhaustive
      && statistics.cutExecutions == 0
  }
}
