/// Everything that steers one exploration.
public struct Configuration: Sendable {
  public var strategy: Strategy
  /// Cuts every execution after this many visible steps; `nil` means no bound.
  public var depthBound: Int?
  /// Stops the whole exploration at the first violation instead of collecting every distinct one.
  public var stopAtFirstViolation: Bool
  /// Gives up after this many seconds of wall time; the result is then incomplete.
  public var timeout: Double?
  /// Shrinks each counterexample (fewest steps, then fewest context switches) before returning it.
  public var shrink: Bool
  /// Receives a progress event about every `progressInterval` seconds.
  public var progress: (@Sendable (ExplorationProgress) -> Void)?
  public var progressInterval: Double
  /// Counts distinct states by hash (costs memory proportional to the states seen).
  public var countDistinctStates: Bool
  /// The most states the stateful search may store before it gives up (`nil`: no limit).
  public var stateBudget: Int?

  public init(
    strategy: Strategy = .dpor, depthBound: Int? = nil, stopAtFirstViolation: Bool = false,
    timeout: Double? = nil, shrink: Bool = true, progress: (@Sendable (ExplorationProgress) -> Void)? = nil,
    progressInterval: Double = 0.25, countDistinctStates: Bool = true, stateBudget: Int? = nil
  ) {
    self.strategy = strategy
    self.depthBound = depthBound
    self.stopAtFirstViolation = stopAtFirstViolation
    self.timeout = timeout
    self.shrink = shrink
    self.progress = progress
    self.progressInterval = progressInterval
    self.countDistinctStates = countDistinctStates
    self.stateBudget = stateBudget
  }
}

/// A snapshot of a running exploration, for progress displays.
public struct ExplorationProgress: Sendable {
  public var executions: Int
  public var transitions: Int
  public var violations: Int
  public var elapsed: Double
}
