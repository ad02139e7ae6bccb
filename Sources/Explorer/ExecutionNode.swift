/// One node `pre(E, e_i)` of the execution optimal DPOR is exploring, and the event `e_i` taken
/// from it. (The state at the node is kept separately; see `OptimalDPOR.States`.)
struct ExecutionNode: Sendable {
  /// `sleep(pre(E, e_i))`, without `event` itself.
  var sleep: [Event]
  /// The sequences still to explore from this node.
  var wakeup: WakeupTree
  var event: Event
  /// How many choices `event`'s step offered.
  var choices: Int
  /// Everything that happens before `event`, and `event` itself.
  var clock: VectorClock
  /// `event` is the `indexInThread`-th step of its thread (1-based).
  var indexInThread: Int
  /// The violation `event` raised, if any (for execution records).
  var violation: Violation? = nil

  /// Whether `event` happens before the step whose clock is `clock` (or is that step).
  @inline(__always) func happens(before clock: VectorClock) -> Bool {
    clock.covers(thread: Int(event.thread), index: indexInThread)
  }
}
