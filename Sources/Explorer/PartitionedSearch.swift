import Dispatch
import Foundation

/// Runs a partitioned exploration (see `Partition`): plans the subtrees, explores this shard's
/// share of them on up to `jobs` threads, and adds up what they found in subtree order, so that
/// the result does not depend on which thread finished first.
@usableFromInline struct PartitionedSearch<System: TransitionSystem>: Sendable {
  @usableFromInline let system: System
  @usableFromInline let configuration: Configuration
  @usableFromInline let partition: Partition

  @usableFromInline init(system: System, configuration: Configuration, partition: Partition) {
    self.system = system
    self.configuration = configuration
    self.partition = partition
  }

  /// What one subtree's search found.
  private struct Outcome: Sendable {
    var statistics: Statistics
    var found: [Counterexample]
    var stopReason: ExplorationResult.Completion?
  }

  /// A node of the fully expanded levels.
  private struct Node {
    var prefix: [Trace.Step]
    var state: System.State
    var sleep: [Event]
  }

  /// Every subtree of the partition, this shard's or not, in depth-first order.
  func plan() -> [Subtree] {
    let usesSleepSets = configuration.strategy == .dpor
    var level = [Node(prefix: [], state: system.initialState, sleep: [])]
    var depth = 0
    while level.count < partition.minimumSubtrees, depth < partition.maximumDepth {
      var next: [Node] = []
      var expanded = false
      for node in level {
        var children: [Node] = []
        if configuration.depthBound.map({ node.prefix.count < $0 }) ?? true {
          var done: [Event] = []
          for thread in childOrder(at: node.state, depth: node.prefix.count) {
            guard case .enabled(let footprint, let choices) = system.status(of: thread, in: node.state)
            else { continue }
            for choice in 0..<choices {
              let event = Event(thread: thread, choice: choice, footprint: footprint)
              if node.sleep.contains(where: { $0.isSameStep(as: event) }) { continue }
              var state = node.state
              _ = system.execute(thread: thread, choice: choice, in: &state)
              let sleep = usesSleepSets ? (node.sleep + done).filter { !$0.isDependent(on: event) } : []
              children.append(Node(prefix: node.prefix + [event.traceStep], state: state, sleep: sleep))
              done.append(event)
            }
          }
        }
        if children.isEmpty {
          next.append(node)
        } else {
          next += children
          expanded = true
        }
      }
      level = next
      depth += 1
      if !expanded { break }
    }
    return level.map { Subtree(prefix: $0.prefix, sleep: $0.sleep) }
  }

  /// The order in which a fully expanded node's threads become children: the threads whose next
  /// step looks as if nothing could ever delay it go last.
  ///
  /// Any order is sound. It matters for cost: a child's subtree inherits its earlier siblings as
  /// a sleep set, and a sleeping step that nothing ever wakes makes the whole subtree end in
  /// sleep-set-blocked executions (in `lastzero(n)`, every sibling after the reader of `a[0]`).
  /// The guess comes from one probe execution from the node (lowest thread first, to the end or
  /// the bound): a step on which no other thread's step in the probe depends is put last.
  func childOrder(at state: System.State, depth: Int) -> [Int] {
    var enabled: [Event] = []
    for thread in 0..<system.threadCount {
      if case .enabled(let footprint, _) = system.status(of: thread, in: state) {
        enabled.append(Event(thread: thread, choice: 0, footprint: footprint))
      }
    }
    guard configuration.strategy == .dpor, enabled.count > 1 else { return enabled.map { Int($0.thread) } }
    var touched = Array(repeating: false, count: enabled.count)
    var probe = state
    var steps = depth
    while configuration.depthBound.map({ steps < $0 }) ?? true, steps < depth + 10_000 {
      guard
        let (thread, footprint) = (0..<system.threadCount).lazy.compactMap({ t -> (Int, Footprint)? in
          if case .enabled(let f, _) = system.status(of: t, in: probe) { return (t, f) }
          return nil
        }).first
      else { break }
      let event = Event(thread: thread, choice: 0, footprint: footprint)
      for (k, first) in enabled.enumerated() where first.thread != event.thread && first.isDependent(on: event) {
        touched[k] = true
      }
      _ = system.execute(thread: thread, choice: 0, in: &probe)
      steps += 1
    }
    let order = enabled.indices.filter { touched[$0] } + enabled.indices.filter { !touched[$0] }
    return order.map { Int(enabled[$0].thread) }
  }

  /// Explores this shard's subtrees with `explore`, on up to `jobs` threads (one when there is an
  /// observer, which sees executions in order, or when the run stops at the first violation,
  /// which must be the first in subtree order).
  @usableFromInline func run(
    jobs: Int, observer: ((ExecutionRecord<System.State>) -> Void)?,
    explore: @escaping @Sendable (RunContext<System>, Subtree) -> Void
  ) -> ExplorationResult {
    let start = DispatchTime.now().uptimeNanoseconds
    let mine = plan().enumerated().filter { partition.owns($0.offset) }.map(\.element)
    let outcomes = ResultSlots<Outcome>(count: mine.count)
    let finished = ProgressTotals()
    let sequential = observer != nil || configuration.stopAtFirstViolation
    let workers = sequential ? 1 : max(1, min(jobs, mine.count))

    // Each thread counts distinct states in one set across its subtrees; the sets are united
    // at the end, so the count does not depend on which thread ran which subtree.
    let stateHashes = ResultSlots<StateHashSet>(count: workers)
    if workers == 1 {
      var hashes = StateHashSet()
      for k in mine.indices {
        let outcome = exploreSubtree(
          mine[k], system: system, start: start, finished: finished, hashes: &hashes,
          observer: observer, explore: explore)
        outcomes[k] = outcome
        if outcome.stopReason == .stoppedAtViolation { break }
      }
      stateHashes[0] = hashes
    } else {
      // Likely big subtrees first, so that no thread is left with one at the end: a subtree with
      // fewer steps asleep at its root excludes fewer traces. Results stay in subtree order.
      let dispatch = mine.indices.sorted { (mine[$0].sleep.count, $0) < (mine[$1].sleep.count, $1) }
      let next = IndexDispenser()
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        var hashes = StateHashSet()
        let replica = system.replica()
        while let taken = next.take(below: mine.count) {
          let k = dispatch[taken]
          outcomes[k] = exploreSubtree(
            mine[k], system: replica, start: start, finished: finished, hashes: &hashes,
            observer: nil, explore: explore)
        }
        stateHashes[worker] = hashes
      }
    }

    let total = RunContext(system: system, configuration: configuration, observer: nil, start: start)
    for hashes in stateHashes.values {
      if total.stateHashes.isEmpty {
        total.stateHashes = hashes
      } else {
        total.stateHashes.formUnion(hashes)
      }
    }
    for outcome in outcomes.values {
      let s = outcome.statistics
      total.statistics.executions += s.executions
      total.statistics.sleepSetBlocked += s.sleepSetBlocked
      total.statistics.transitions += s.transitions
      total.statistics.cutExecutions += s.cutExecutions
      total.statistics.loopBoundCuts += s.loopBoundCuts
      total.statistics.maxDepth = max(total.statistics.maxDepth, s.maxDepth)
      for counterexample in outcome.found {
        total.report(counterexample.violation, trace: counterexample.trace)
      }
      if outcome.stopReason == .timedOut || outcome.stopReason == .exceededMemoryLimit {
        total.stopReason = total.stopReason ?? outcome.stopReason
      }
    }
    return total.finish()
  }

  /// Explores one subtree in a context of its own that shares the run's clock, adding the states
  /// it sees to `hashes`.
  private func exploreSubtree(
    _ subtree: Subtree, system: System, start: UInt64, finished: ProgressTotals,
    hashes: inout StateHashSet,
    observer: ((ExecutionRecord<System.State>) -> Void)?,
    explore: (RunContext<System>, Subtree) -> Void
  ) -> Outcome {
    var subtreeConfiguration = configuration
    if let progress = configuration.progress {
      subtreeConfiguration.progress = { finished.report($0, to: progress) }
    }
    let context = RunContext(
      system: system, configuration: subtreeConfiguration, observer: observer, start: start)
    context.stateHashes = hashes
    hashes = StateHashSet(capacity: 0)
    defer {
      hashes = context.stateHashes
      context.stateHashes = StateHashSet(capacity: 0)
    }
    if let timeout = configuration.timeout, context.elapsed >= timeout {
      context.stopReason = .timedOut
    } else if context.exceedsMemoryLimit {
      context.stopReason = .exceededMemoryLimit
    } else {
      explore(context, subtree)
    }
    finished.add(context.statistics)
    return Outcome(
      statistics: context.statistics, found: context.found, stopReason: context.stopReason)
  }
}

/// The counts of the subtrees that have finished, added to a running subtree's own for progress.
final class ProgressTotals: @unchecked Sendable {
  private var executions = 0
  private var transitions = 0
  private let lock = NSLock()

  func add(_ statistics: Statistics) {
    lock.withLock {
      executions += statistics.executions
      transitions += statistics.transitions
    }
  }

  func report(_ running: ExplorationProgress, to progress: (ExplorationProgress) -> Void) {
    var total = running
    lock.withLock {
      total.executions += executions
      total.transitions += transitions
    }
    progress(total)
  }
}
