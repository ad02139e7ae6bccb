/// One step an expansion of the stateful search executes (see `StatefulSearch.Expansion`): plain
/// values, outside the generic search so that arrays of them are not generic.
struct ExpansionStep {
  var thread: Int
  var choice: Int
  /// The sleep set the successor is visited with.
  var sleep: UInt16
  var progress: Bool
  /// The target of the stored edge for this step, if the state was expanded before, or `-1`.
  var known: Int32
  /// The stored state with the successor's fingerprint when it was computed, or `-1`.
  var stored: Int32
  /// The successor's fingerprint (`.unset` when the step has a known edge).
  var fingerprint: Fingerprint
}

/// The per-thread footprints and choice counts an expansion fills in, kept from one expansion to
/// the next on the same thread.
struct ExpansionScratch {
  var footprints: [Footprint]
  var choiceCounts: [Int]

  init(threads: Int) {
    footprints = Array(repeating: .empty, count: threads)
    choiceCounts = Array(repeating: 0, count: threads)
  }
}
