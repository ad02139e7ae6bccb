/// One step of an execution as the engine reasons about it: which thread, which choice, and
/// what the step touches.
///
/// Two events of the same thread are always dependent (program order, or alternative choices of
/// one step); events of different threads are dependent exactly when their footprints conflict.
@usableFromInline struct Event: Hashable, Sendable {
  @usableFromInline var thread: Int32
  @usableFromInline var choice: Int32
  @usableFromInline var footprint: Footprint

  @inlinable init(thread: Int, choice: Int, footprint: Footprint) {
    self.thread = Int32(thread)
    self.choice = Int32(choice)
    self.footprint = footprint
  }

  /// Whether swapping the two events could change the outcome.
  @inlinable func isDependent(on other: Event) -> Bool {
    thread == other.thread || footprint.conflicts(with: other.footprint)
  }

  /// Same thread and same choice: the same step, whatever was recorded about its footprint.
  @inlinable func isSameStep(as other: Event) -> Bool {
    thread == other.thread && choice == other.choice
  }

  @inlinable var traceStep: Trace.Step { Trace.Step(thread: Int(thread), choice: Int(choice)) }
}

extension Array where Element == Event {
  /// Where `e` stands as a weak initial of this sequence `v` (JACM 2017, Def. 6.1), if it is one.
  ///
  /// `e` is a weak initial of `v` when either the first step of `e`'s thread in `v` is `e` itself
  /// and no earlier step of `v` depends on it (an initial: the result is its index), or `e`'s
  /// thread does not occur in `v` and `e` is independent of every step of `v` (the result is
  /// `count`: nothing to remove).
  ///
  /// Under a depth bound only initials count (`bounded`): an event independent of all of `v` is
  /// not in `v`, so an execution that runs it first and then `v` is one step longer than `v` and
  /// may not fit in the bound; it cannot stand in for `v`.
  func weakInitialIndex(of e: Event, bounded: Bool = false) -> Int? {
    for k in indices where self[k].thread == e.thread {
      guard self[k].choice == e.choice else { return nil }
      for j in 0..<k where self[j].isDependent(on: self[k]) { return nil }
      return k
    }
    if bounded { return nil }
    for step in self where step.isDependent(on: e) { return nil }
    return count
  }

  /// `v \ e` when `e` is a weak initial of `v`, else `nil`.
  func removingWeakInitial(_ e: Event, bounded: Bool = false) -> [Event]? {
    guard let k = weakInitialIndex(of: e, bounded: bounded) else { return nil }
    guard k < count else { return self }
    var rest = self
    rest.remove(at: k)
    return rest
  }
}
