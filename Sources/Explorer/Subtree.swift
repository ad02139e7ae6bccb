/// One subtree of a partitioned exploration (see `Partition`): the schedule from the initial
/// state to its root, and the steps asleep there.
@usableFromInline struct Subtree: Sendable {
  /// The steps from the initial state to the subtree's root.
  @usableFromInline var prefix: [Trace.Step]
  /// `sleep(root)`: every trace from the root that starts with one of these steps belongs to an
  /// earlier subtree. Always empty under `dfs`.
  @usableFromInline var sleep: [Event]

  @usableFromInline init(prefix: [Trace.Step], sleep: [Event]) {
    self.prefix = prefix
    self.sleep = sleep
  }

  /// The whole search tree.
  @usableFromInline static let whole = Subtree(prefix: [], sleep: [])
}
