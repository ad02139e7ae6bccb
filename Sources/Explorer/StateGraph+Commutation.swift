/// Completion by commutation (point 2 of `StatefulSearch`): the graph gives most of the sleeping
/// non-progress edges that the cycle search needs without running a step. It reads and adds
/// edges only, so it is plain code on the graph, outside the generic search.
extension StateGraph {
  /// Derives the sleeping non-progress edges of states that lack them by commutation, executing
  /// no step, and marks the states it completes.
  ///
  /// A thread `u` asleep at `s` is in the sleep set that the step `t` from `s`'s tree parent `p`
  /// gave it (a visit only narrows it, and a new tree edge comes with a visit), so `u` was
  /// enabled at `p`, independent of `t` there, and either expanded at `p` or asleep there too.
  /// Its step from `s` is the one from `p` (same local state, same choices, same progress
  /// flag), and by commutation `s·u = p·u·t`: the target of the edge by `t` (same choice) from
  /// `p·u`. So once `p` has its edges for `u` and each `p·u` its edge for `t`, `s` gets its
  /// edges for `u` from the stored graph. Parents come first in state order, so most states are
  /// done in one pass; passes repeat while some state gets done, and the rest are left to the
  /// walk of `completeSleepingEdges`.
  @usableFromInline mutating func deriveSleepingEdges() {
    // Passes over the states rather than a list of the lacking ones: no memory of their own.
    // The two buffers are decoded edges of a parent and of a state, reused from state to state.
    var parentEdges: [Edge] = []
    var ownEdges: [Edge] = []
    var done = true
    while done {
      done = false
      for s in 0..<Int32(count) where nodes[Int(s)].lacksEdges {
        if deriveSleepingEdges(of: s, &parentEdges, &ownEdges) {
          nodes[Int(s)].lacksEdges = false
          done = true
        }
      }
    }
  }

  /// Adds the edges of `s`'s sleeping non-progress steps that the stored graph gives by
  /// commutation; returns whether `s` now has all of them. The edges of `p` and `s` are decoded
  /// once, not scanned for each lookup: only `s` gains edges here, and `ownEdges` keeps up.
  private mutating func deriveSleepingEdges(
    of s: Int32, _ parentEdges: inout [Edge], _ ownEdges: inout [Edge]
  ) -> Bool {
    let node = nodes[Int(s)]
    let p = node.parent
    guard p >= 0 else { return false }
    var asleep = node.sleep & node.enabledThreads
    if asleep == 0 { return true }
    let parent = nodes[Int(p)]
    // The threads whose edges at `p` may be missing or partial: asleep at its latest expansion
    // while it lacks edges. Every other thread enabled at `p` has an edge for each choice, or
    // none when it is a progress step asleep there.
    let unknown = parent.lacksEdges ? parent.sleep & parent.enabledThreads : 0
    var complete = true
    if asleep & unknown != 0 {
      complete = false
      asleep &= ~unknown
      if asleep == 0 { return false }
    }
    decode(p, into: &parentEdges)
    decode(s, into: &ownEdges)
    let t = Int(node.thread)
    let c = Int(node.choice)
    while asleep != 0 {
      let u = UInt8(asleep.trailingZeroBitCount)
      asleep &= asleep - 1
      for step in parentEdges where step.thread == u {
        // A progress step (all its choices are) needs no edge.
        if step.progress { break }
        if ownEdges.contains(where: { $0.thread == u && $0.choice == step.choice }) { continue }
        guard let image = edge(from: step.target, thread: t, choice: c) else {
          complete = false
          continue
        }
        let derived = Edge(target: image.target, thread: u, choice: step.choice, progress: false)
        addEdge(from: s, derived)
        ownEdges.append(derived)
      }
    }
    return complete
  }

  /// The edges of `state` into `buffer` (emptied first, its storage kept), in the order added.
  @usableFromInline func decode(_ state: Int32, into buffer: inout [Edge]) {
    buffer.removeAll(keepingCapacity: true)
    var cursor = firstCursor(of: state)
    while let edge = nextEdge(&cursor, of: state) { buffer.append(edge) }
  }
}
