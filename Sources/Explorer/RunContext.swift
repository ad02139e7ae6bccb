import Foundation

/// The bookkeeping every strategy shares: statistics, violations found, distinct states, the
/// clock for timeouts and progress, and the optional execution observer.
@usableFromInline final class RunContext<System: TransitionSystem> {
  @usableFromInline let system: System
  @usableFromInline let configuration: Configuration
  @usableFromInline let observer: ((ExecutionRecord<System.State>) -> Void)?
  @usableFromInline var statistics = Statistics()
  /// Each distinct violation with the first trace that showed it, in the order found.
  var found: [Counterexample] = []
  private var seenViolations: Set<Violation> = []
  @usableFromInline var stateHashes = StateHashSet()
  /// When the run started, in `DispatchTime` nanoseconds; subtrees of one partitioned run share it.
  let start: UInt64
  private var nextProgress: Double
  /// When resident memory is read next (it costs a system call, so not at every clock check).
  private var nextMemoryCheck = 0.0
  /// The states a stateful search stored; replaces the hash count when set.
  @usableFromInline var storedStates: Int? = nil
  /// Set by a stateful search with hash compaction.
  @usableFromInline var mayMissStates = false
  /// Set when the exploration must stop (timeout, or first violation when asked).
  @usableFromInline var stopReason: ExplorationResult.Completion? = nil
  @usableFromInline var stepsSinceClockCheck = 0

  @usableFromInline init(
    system: System, configuration: Configuration,
    observer: ((ExecutionRecord<System.State>) -> Void)?, start: UInt64? = nil
  ) {
    self.start = start ?? DispatchTime.now().uptimeNanoseconds
    self.system = system
    self.configuration = configuration
    self.observer = observer
    self.nextProgress = configuration.progressInterval
  }

  var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

  @inlinable var shouldStop: Bool { stopReason != nil }

  /// Counts a state as seen.
  @inlinable func see(_ state: System.State) {
    if configuration.countDistinctStates { stateHashes.insert(state.hashValue) }
  }

  /// Accounts for one executed step and checks the clock now and then (every 64 steps: a step
  /// of a big model can take tens of microseconds, and the clock costs tens of nanoseconds).
  @inlinable func didStep(depth: Int) {
    statistics.transitions += 1
    if depth > statistics.maxDepth { statistics.maxDepth = depth }
    stepsSinceClockCheck += 1
    if stepsSinceClockCheck >= 64 {
      stepsSinceClockCheck = 0
      checkClock()
    }
  }

  @usableFromInline func checkClock() {
    let now = elapsed
    if let timeout = configuration.timeout, now >= timeout, stopReason == nil {
      stopReason = .timedOut
    }
    if configuration.memoryLimit != nil || configuration.stateMemoryBudget != nil,
      now >= nextMemoryCheck
    {
      nextMemoryCheck = now + 0.02
      if stopReason == nil, exceedsMemoryLimit { stopReason = .exceededMemoryLimit }
      if stopReason == nil, exceedsStateMemoryBudget { stopReason = .exceededStateBudget }
    }
    if let progress = configuration.progress, now >= nextProgress {
      nextProgress = now + configuration.progressInterval
      progress(
        ExplorationProgress(
          executions: statistics.executions, transitions: statistics.transitions,
          violations: found.count, elapsed: now))
    }
  }

  /// Whether the process's resident memory is above `Configuration.memoryLimit`.
  var exceedsMemoryLimit: Bool {
    guard let limit = configuration.memoryLimit, let resident = ResidentMemory.current() else {
      return false
    }
    return resident > limit
  }

  /// Whether a stateful search has grown resident memory past `Configuration.stateMemoryBudget`.
  var exceedsStateMemoryBudget: Bool {
    guard case .stateful = configuration.strategy, let budget = configuration.stateMemoryBudget,
      let resident = ResidentMemory.current()
    else { return false }
    return resident > budget
  }

  /// Records a violation raised at the end of `steps`; returns whether it was new.
  @usableFromInline @discardableResult
  func report(_ violation: Violation, steps: [Trace.Step]) -> Bool {
    report(violation, trace: Trace(steps: steps, violation: violation))
  }

  /// Records a violation shown by `trace`; returns whether it was new.
  @usableFromInline @discardableResult
  func report(_ violation: Violation, trace: Trace) -> Bool {
    guard seenViolations.insert(violation).inserted else { return false }
    found.append(Counterexample(violation: violation, trace: trace))
    if configuration.stopAtFirstViolation { stopReason = .stoppedAtViolation }
    return true
  }

  /// The violations of a state where no thread can move: a deadlock if some thread is blocked,
  /// then the model's final check. Inlinable, as `ending`: unspecialised, each call copied the
  /// whole system out of the context to call the model through its witness table.
  @inlinable func finalViolations(of state: System.State, blocked: [Int], in system: System)
    -> [Violation]
  {
    var result: [Violation] = []
    if !blocked.isEmpty {
      result.append(.deadlock(blocked: blocked.map { system.threadName($0) }))
    }
    if let violation = system.checkFinal(state) { result.append(violation) }
    return result
  }

  /// How an execution in which no thread can move ends: cut, with nothing judged, when the model
  /// stopped a thread at one of its own bounds (`TransitionSystem.isCut`); otherwise finished or
  /// deadlocked, with the deadlock and the final check. Counts the cut, not the execution.
  @inlinable func ending(of state: System.State, blocked: [Int])
    -> (ending: ExecutionRecord<System.State>.Ending, violations: [Violation])
  {
    ending(of: state, blocked: blocked, in: system)
  }

  /// `ending(of:blocked:)` through the caller's copy of the system: reading the context's
  /// copies it at every call.
  @inlinable func ending(of state: System.State, blocked: [Int], in system: System)
    -> (ending: ExecutionRecord<System.State>.Ending, violations: [Violation])
  {
    if system.isCut(state) {
      statistics.cutExecutions += 1
      statistics.loopBoundCuts += 1
      return (.cut, [])
    }
    return (
      blocked.isEmpty ? .finished : .deadlock,
      finalViolations(of: state, blocked: blocked, in: system)
    )
  }

  /// Closes the run: shrinks and validates every counterexample, fills in the statistics.
  @usableFromInline func finish() -> ExplorationResult {
    statistics.distinctStates = storedStates ?? stateHashes.count
    var counterexamples: [Counterexample] = []
    for found in found {
      counterexamples.append(Shrinker(system: system).finalize(found, shrink: configuration.shrink))
    }
    statistics.elapsed = elapsed
    return ExplorationResult(
      statistics: statistics, counterexamples: counterexamples,
      completion: stopReason ?? .complete, strategy: configuration.strategy,
      depthBound: configuration.depthBound, mayMissStates: mayMissStates)
  }
}
