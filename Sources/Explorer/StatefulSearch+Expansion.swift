extension StatefulSearch {
  /// What expanding a requested state computes before the graph changes: the threads that can
  /// run, and each step it executes with its successor and that successor's fingerprint.
  ///
  /// It only reads the graph, so the expansions of many states can be computed at once on
  /// several threads (`--jobs`), and then applied to the graph one after another in a fixed
  /// order (`apply` in `expand`). What it read can only have become more permissive by then:
  /// stored states stay stored, and a state's stored sleep set only shrinks, so a step skipped
  /// here because its known successor needed no visit still needs none. The reverse is checked
  /// again when applying, so that the search takes exactly the steps it would have taken had it
  /// computed the expansion just then.
  @usableFromInline struct Expansion {
    /// The enabled threads (bit `t` for thread `t`).
    @usableFromInline var mask: UInt16 = 0
    /// The blocked threads, for a state where none can run.
    @usableFromInline var blocked: [Int] = []
    @usableFromInline var steps: [ExpansionStep] = []
    /// The successor state of each of `steps`, in the first `steps.count` entries. Kept apart,
    /// and overwritten rather than emptied, so that its storage and the states' own outlive one
    /// expansion (this was written when the search was not specialised for the system, and
    /// generic array operations on states cost thousands of instructions each).
    @usableFromInline var states: [System.State] = []
    /// The violations the steps raised, by index in `steps`.
    @usableFromInline var violations: [(step: Int, violation: Violation)] = []
    /// The expanded state, where applying the expansion reads it (computed on several threads;
    /// see `computeExpansions`).
    @usableFromInline var node: System.State? = nil

    @inlinable init() {}
  }

  /// Computes the expansion of `node` into `expansion` (emptied first, its storage kept): only
  /// the enabled threads when none can run or the state is at the bound, where the search does
  /// not go on from it.
  @inlinable func computeExpansion(
    _ node: Pending, _ graph: StateGraph, into expansion: inout Expansion,
    _ scratch: inout ExpansionScratch
  ) {
    expansion.mask = 0
    if !expansion.blocked.isEmpty { expansion.blocked.removeAll(keepingCapacity: true) }
    expansion.steps.removeAll(keepingCapacity: true)
    if !expansion.violations.isEmpty { expansion.violations.removeAll(keepingCapacity: true) }
    for thread in 0..<system.threadCount {
      switch system.status(of: thread, in: node.state) {
      case .finished: break
      case .blocked: expansion.blocked.append(thread)
      case .enabled(let footprint, let choices):
        scratch.footprints[thread] = footprint
        scratch.choiceCounts[thread] = choices
        expansion.mask |= 1 << UInt16(thread)
      }
    }
    let mask = expansion.mask
    if mask == 0 { return }
    if let bound, node.depth >= bound { return }
    // The sleep set grows with each thread expanded: later siblings need not run its step first.
    var asleep = node.sleep & mask
    // A first expansion has no stored edges to find: looking for them would cost time
    // quadratic in the state's choices. A later one decodes them once, not once a step.
    let expandedBefore = graph.hasEdges(node.id)
    if expandedBefore { graph.decode(node.id, into: &scratch.edges) }
    let childDepth = node.depth + 1
    // Successors at the bound are not expanded, so their sleep sets would only cause re-visits.
    let childrenExpand = bound.map { childDepth < $0 } ?? true
    for thread in 0..<system.threadCount {
      let bit = UInt16(1) << UInt16(thread)
      guard mask & bit != 0, asleep & bit == 0 else { continue }
      var childSleep: UInt16 = 0
      if reduces, childrenExpand {
        var others = asleep
        while others != 0 {
          let u = others.trailingZeroBitCount
          others &= others - 1
          if !scratch.footprints[u].conflicts(with: scratch.footprints[thread]) {
            childSleep |= 1 << UInt16(u)
          }
        }
      }
      let progress = system.isProgress(of: thread, in: node.state)
      for choice in 0..<scratch.choiceCounts[thread] {
        let known =
          expandedBefore
          ? scratch.edges.first { Int($0.thread) == thread && Int($0.choice) == choice } : nil
        if let known, !needsVisit(known.target, sleep: childSleep, depth: childDepth, graph) {
          continue
        }
        var next = node.state
        let violation = system.execute(thread: thread, choice: choice, in: &next)
        let fingerprint = known == nil ? Fingerprint(next) : .unset
        let stored = known == nil ? graph.index.find(fingerprint) ?? -1 : -1
        if let violation { expansion.violations.append((expansion.steps.count, violation)) }
        // A stored successor that needs no visit now needs none when applied: its state is
        // dropped here, on the thread that made it, and the slot holds the expanded state
        // instead (which costs no allocation). Freeing on another thread is what costs most in
        // the allocator when several threads expand.
        let needed =
          stored < 0 || needsVisit(stored, sleep: childSleep, depth: childDepth, graph)
        let kept = needed ? next : node.state
        if expansion.steps.count < expansion.states.count {
          expansion.states[expansion.steps.count] = kept
        } else {
          expansion.states.append(kept)
        }
        expansion.steps.append(
          ExpansionStep(
            thread: thread, choice: choice, sleep: childSleep, progress: progress,
            known: known?.target ?? -1, stored: stored, fingerprint: fingerprint))
      }
      if reduces { asleep |= bit }
    }
  }
}
