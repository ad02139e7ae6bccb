/// One complete execution as an observer sees it: the steps taken and how the execution ended.
///
/// Tests use records to compare strategies (final states, Mazurkiewicz traces); the engine does
/// not keep them.
public struct ExecutionRecord<State: Hashable & Sendable>: Sendable {
  /// How an execution ended.
  public enum Ending: Sendable, Hashable {
    /// Every thread finished.
    case finished
    /// No thread could move and some had not finished.
    case deadlock
    /// The depth bound was reached with some thread still able to move.
    case cut
    /// Every enabled step was asleep (never happens under optimal DPOR).
    case sleepSetBlocked
  }

  public struct Step: Sendable, Hashable {
    public var thread: Int
    public var choice: Int
    public var footprint: Footprint
  }

  public var steps: [Step]
  public var ending: Ending
  public var finalState: State
  /// The violations raised during this execution, in order.
  public var violations: [Violation]
}
