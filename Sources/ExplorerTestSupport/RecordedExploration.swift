import Explorer

/// One exploration together with every execution it reported to its observer.
///
/// This is what the differential and optimality tests compare: final states, deadlocks,
/// violations and Mazurkiewicz traces, each computed here from the records, never taken from the
/// engine's own summary lines.
public struct RecordedExploration<System: TransitionSystem> {
  public var result: ExplorationResult
  public var records: [ExecutionRecord<System.State>]

  /// Explores `system` and keeps every execution record.
  public init(_ system: System, configuration: Configuration) throws {
    let box = RecordBox<System.State>()
    result = try Explorer.explore(system, configuration: configuration) { box.records.append($0) }
    records = box.records
  }

  /// Explores the subtrees of `partition` one after another and keeps every execution record.
  public init(_ system: System, configuration: Configuration, partition: Partition) throws {
    let box = RecordBox<System.State>()
    result = try Explorer.explore(system, configuration: configuration, partition: partition) {
      box.records.append($0)
    }
    records = box.records
  }

  /// Final states of the executions that ran to their end (finished or deadlocked). Cut
  /// executions are left out: past a depth bound, DPOR deliberately does not visit every state.
  public var finalStates: Set<System.State> {
    Set(records.filter { $0.ending == .finished || $0.ending == .deadlock }.map(\.finalState))
  }

  /// Final states of the deadlocked executions.
  public var deadlockStates: Set<System.State> {
    Set(records.filter { $0.ending == .deadlock }.map(\.finalState))
  }

  /// The distinct violations the exploration returned as counterexamples.
  public var violations: Set<Violation> { Set(result.counterexamples.map(\.violation)) }

  /// The union of the violations the execution records list.
  public var recordedViolations: Set<Violation> { Set(records.flatMap(\.violations)) }

  /// How many executions ended each way.
  public func count(_ ending: ExecutionRecord<System.State>.Ending) -> Int {
    records.filter { $0.ending == ending }.count
  }

  /// The Foata normal form of every execution that is not sleep-set blocked, in order.
  public var canonicalForms: [[[Mazurkiewicz.Letter]]] {
    records.filter { $0.ending != .sleepSetBlocked }.map { Mazurkiewicz.foataNormalForm($0) }
  }

  /// The number of Mazurkiewicz traces among the executions (sleep-set-blocked ones excluded).
  public var mazurkiewiczTraceCount: Int { Set(canonicalForms).count }
}

/// Collects records inside the observer closure.
private final class RecordBox<State: Hashable & Sendable> {
  var records: [ExecutionRecord<State>] = []
}
