/// One step an expansion of the stateful search executes (see `StatefulSearch.Expansion`): plain
/// values, outside the generic search so that arrays of them are not generic.
@usableFromInline struct ExpansionStep {
  @usableFromInline var thread: Int
  @usableFromInline var choice: Int
  /// The sleep set the successor is visited with.
  @usableFromInline var sleep: UInt16
  @usableFromInline var progress: Bool
  /// The target of the stored edge for this step, if the state was expanded before, or `-1`.
  @usableFromInline var known: Int32
  /// The stored state with the successor's fingerprint when it was computed, or `-1`.
  @usableFromInline var stored: Int32
  /// The successor's fingerprint (`.unset` when the step has a known edge).
  @usableFromInline var fingerprint: Fingerprint

  @inlinable init(
    thread: Int, choice: Int, sleep: UInt16, progress: Bool, known: Int32, stored: Int32,
    fingerprint: Fingerprint
  ) {
    self.thread = thread
    self.choice = choice
    self.sleep = sleep
    self.progress = progress
    self.known = known
    self.stored = stored
    self.fingerprint = fingerprint
  }
}

/// The per-thread footprints and choice counts an expansion fills in, and the stored edges of the
/// state it re-expands, kept from one expansion to the next on the same thread.
@usableFromInline struct ExpansionScratch {
  @usableFromInline var footprints: [Footprint]
  @usableFromInline var choiceCounts: [Int]
  @usableFromInline var edges: [StateGraph.Edge] = []

  @inlinable init(threads: Int) {
    footprints = Array(repeating: .empty, count: threads)
    choiceCounts = Array(repeating: 0, count: threads)
  }
}
