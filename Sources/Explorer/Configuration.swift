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
  /// The most resident memory, in bytes, the stateful search may grow the process to before it
  /// gives up as over its state budget (`nil`: no limit). A budget in bytes rather than states
  /// follows what a state costs, so `auto` hands a scenario to DPOR only when its states truly
  /// do not fit; `memoryLimit`, checked first, still ends any search.
  public var stateMemoryBudget: Int?
  /// Whether the stateful search prunes steps with sleep sets (see `StatefulSearch`). On by
  /// default; off, it executes every enabled step of every state, which tests compare against.
  /// Breadth-first (`shortest`) searches never prune.
  public var sleepSets: Bool
  /// Whether the stateful search keeps only 64 bits of each state's fingerprint (hash
  /// compaction): less memory a state, at a small risk of missing states, which the result
  /// reports (`ExplorationResult.mayMissStates`).
  public var hashCompaction: Bool
  /// Stops the exploration when the process's resident memory exceeds this many bytes (`nil`:
  /// no limit); the result is then incomplete (`ExplorationResult.Completion.exceededMemoryLimit`).
  public var memoryLimit: Int?
  /// The threads the stateful search expands states on. Above one it expands a batch of states
  /// at a time (see `StatefulSearch`): the stored states, verdicts and violations are those of
  /// one thread, and its step counts and counterexamples are the same for every count above one.
  public var statefulJobs: Int

  public init(
    strategy: Strategy = .dpor, depthBound: Int? = nil, stopAtFirstViolation: Bool = false,
    timeout: Double? = nil, shrink: Bool = true,
    progress: (@Sendable (ExplorationProgress) -> Void)? = nil,
    progressInterval: Double = 0.25, countDistinctStates: Bool = true, stateBudget: Int? = nil,
    sleepSets: Bool = true, hashCompaction: Bool = false, memoryLimit: Int? = nil,
    stateMemoryBudget: Int? = nil, statefulJobs: Int = 1
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
    self.sleepSets = sleepSets
    self.hashCompaction = hashCompaction
    self.memoryLimit = memoryLimit
    self.stateMemoryBudget = stateMemoryBudget
    self.statefulJobs = max(1, statefulJobs)
  }
}

/// A snapshot of a running exploration, for progress displays.
public struct ExplorationProgress: Sendable {
  public var executions: Int
  public var transitions: Int
  public var violations: Int
  public var elapsed: Double
}
