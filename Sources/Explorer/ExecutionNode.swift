/// One node `pre(E, e_i)` of the execution optimal DPOR is exploring, and the event `e_i` taken
/// from it. (The state at the node is kept separately; see `OptimalDPOR.States`.)
@usableFromInline struct ExecutionNode: Sendable {
  /// `sleep(pre(E, e_i))`, without `event` itself.
  @usableFromInline var sleep: [Event]
  /// How many events at the front of `sleep` a partitioned search inherited from the root of its
  /// subtree. Their siblings' traces were explored by other subtrees, whose races never reach
  /// this one, so they block a wakeup sequence only as initials (see `Partition`).
  @usableFromInline var inheritedSleep: Int32
  /// The sequences still to explore from this node.
  @usableFromInline var wakeup: WakeupTree
  @usableFromInline var event: Event
  /// How many choices `event`'s step offered.
  @usableFromInline var choices: Int
  /// Everything that happens before `event`, and `event` itself.
  @usableFromInline var clock: VectorClock
  /// `event` is the `indexInThread`-th step of its thread (1-based).
  @usableFromInline var indexInThread: Int
  /// The violation `event` raised, if any (for execution records).
  @usableFromInline var violation: Violation? = nil

  @usableFromInline init(
    sleep: [Event], inheritedSleep: Int, wakeup: WakeupTree, event: Event, choices: Int, clock: VectorClock,
    indexInThread: Int
  ) {
    self.sleep = sleep
    self.inheritedSleep = Int32(inheritedSleep)
    self.wakeup = wakeup
    self.event = event
    self.choices = choices
    self.clock = clock
    self.indexInThread = indexInThread
  }

  /// Whether `event` happens before the step whose clock is `clock` (or is that step).
  @inlinable func happens(before clock: VectorClock) -> Bool {
    clock.covers(thread: Int(event.thread), index: indexInThread)
  }
}
