/// The completion of the stateful search: the sleeping non-progress edges that the cycle
/// search needs and sleep sets pruned (point 2 of `StatefulSearch`).
extension StatefulSearch {
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
  @usableFromInline func deriveSleepingEdges(_ graph: inout StateGraph) {
    // Passes over the states rather than a list of the lacking ones: no memory of their own.
    var done = true
    while done {
      done = false
      for s in 0..<Int32(graph.count) where graph.nodes[Int(s)].lacksEdges {
        if deriveSleepingEdges(of: s, &graph) {
          graph.nodes[Int(s)].lacksEdges = false
          done = true
        }
      }
    }
  }

  /// Adds the edges of `s`'s sleeping non-progress steps that the stored graph gives by
  /// commutation; returns whether `s` now has all of them.
  private func deriveSleepingEdges(of s: Int32, _ graph: inout StateGraph) -> Bool {
    let node = graph.nodes[Int(s)]
    let p = node.parent
    guard p >= 0 else { return false }
    let parent = graph.nodes[Int(p)]
    // The threads whose edges at `p` may be missing or partial: asleep at its latest expansion
    // while it lacks edges. Every other thread enabled at `p` has an edge for each choice, or
    // none when it is a progress step asleep there.
    let unknown = parent.lacksEdges ? parent.sleep & parent.enabledThreads : 0
    var complete = true
    var asleep = node.sleep & node.enabledThreads
    while asleep != 0 {
      let u = asleep.trailingZeroBitCount
      asleep &= asleep - 1
      if unknown & (1 << UInt16(u)) != 0 {
        complete = false
        continue
      }
      var cursor = graph.firstCursor(of: p)
      while let step = graph.nextEdge(&cursor, of: p) {
        guard Int(step.thread) == u else { continue }
        // A progress step (all its choices are) needs no edge.
        if step.progress { break }
        if graph.edge(from: s, thread: u, choice: Int(step.choice)) != nil { continue }
        guard
          let image = graph.edge(
            from: step.target, thread: Int(node.thread), choice: Int(node.choice))
        else {
          complete = false
          continue
        }
        graph.addEdge(
          from: s,
          StateGraph.Edge(
            target: image.target, thread: UInt8(u), choice: step.choice, progress: false))
      }
    }
    return complete
  }

  /// Runs the sleeping non-progress steps of a state being expanded, for their edges only (their
  /// successors are not visited: the sleep set says other paths reach them).
  @inlinable func recordSleepingEdges(
    of id: Int32, _ asleep: UInt16, _ state: System.State, depth stateDepth: Int,
    _ graph: inout StateGraph, _ frontier: inout [Pending]
  ) {
    let depth = stateDepth + 1
    var sleeping = asleep
    while sleeping != 0 {
      let thread = sleeping.trailingZeroBitCount
      sleeping &= sleeping - 1
      guard !system.isProgress(of: thread, in: state),
        case .enabled(_, let choices) = system.status(of: thread, in: state)
      else { continue }
      for choice in 0..<choices where graph.edge(from: id, thread: thread, choice: choice) == nil {
        var next = state
        let violation = system.execute(thread: thread, choice: choice, in: &next)
        context.didStep(depth: depth)
        if let violation {
          context.report(
            violation, steps: graph.path(to: id) + [Trace.Step(thread: thread, choice: choice)])
        }
        let fingerprint = Fingerprint(next)
        var target = graph.index.find(fingerprint) ?? -1
        if target < 0 {
          target = graph.add(
            fingerprint, parent: id, thread: thread, choice: choice, depth: depth, sleep: 0)
          frontier.append(Pending(id: target, state: next, depth: depth, sleep: 0))
        }
        graph.addEdge(
          from: id,
          StateGraph.Edge(
            target: target, thread: UInt8(thread), choice: UInt16(choice), progress: false))
      }
    }
    graph.nodes[Int(id)].lacksEdges = false
  }

  /// Whether the cycle search needs edges that sleep sets pruned: under a depth bound always;
  /// otherwise only if the stored graph has a cycle of non-progress steps (point 1 in
  /// `StatefulSearch`).
  @usableFromInline func needsCompletion(_ graph: StateGraph) -> Bool {
    guard graph.nodes.contains(where: { $0.lacksEdges }) else { return false }
    if bound != nil { return true }
    return NonProgressCycles(graph: graph, threadCount: system.threadCount).hasCycle()
  }

  /// Runs the sleeping non-progress steps of every expanded state that lacks their edges (point
  /// 2 above), recovering those states along the tree of first-reaching edges. Sleep sets stay as
  /// they are (they describe expansions, which these steps are not). Returns whether it had to
  /// store new states, which then wait on `frontier` to be expanded.
  @inlinable func completeSleepingEdges(_ graph: inout StateGraph, _ frontier: inout [Pending]) -> Bool {
    guard graph.nodes.contains(where: { $0.lacksEdges }) else { return false }
    // Only the paths to the states that lack edges are walked.
    var wanted = [Bool](repeating: false, count: graph.count)
    for s in 0..<graph.count where graph.nodes[s].lacksEdges {
      var current = Int32(s)
      while current >= 0, !wanted[Int(current)] {
        wanted[Int(current)] = true
        current = graph.nodes[Int(current)].parent
      }
    }
    let stored = graph.count
    guard wanted[0] else { return false }
    if graph.lacksIndex { rebuildIndex(&graph) } else { graph.restoreSlots() }
    let (start, children) = Self.tree(graph, wanted: wanted)
    var stack: [(id: Int32, state: System.State, depth: Int)] = [(0, system.initialState, 0)]
    while let (id, state, walked) = stack.popLast() {
      if context.shouldStop { return false }
      let s = Int(id)
      // Under a bound a state's stored depth can be below its tree path's length.
      let depth = bound != nil ? graph.depth(of: id) : walked
      let expanded = bound.map { depth < $0 } ?? true
      let node = graph.nodes[s]
      if node.lacksEdges, expanded {
        recordSleepingEdges(
          of: id, node.sleep & node.enabledThreads, state, depth: depth, &graph, &frontier)
      }
      for k in start[s]..<start[s + 1] {
        let child = children[Int(k)]
        let step = graph.parent(child)
        var next = state
        _ = system.execute(thread: Int(step.thread), choice: Int(step.choice), in: &next)
        context.didStep(depth: bound != nil ? graph.depth(of: child) : walked + 1)
        stack.append((child, next, walked + 1))
      }
    }
    return graph.count > stored
  }

  /// The `wanted` part of the tree of first-reaching edges as child lists in one array:
  /// `children[start[s]..<start[s + 1]]`.
  @inlinable static func tree(_ graph: StateGraph, wanted: [Bool]) -> (start: [Int32], children: [Int32]) {
    var start = [Int32](repeating: 0, count: graph.count + 1)
    for s in 1..<max(graph.count, 1) where wanted[s] { start[Int(graph.nodes[s].parent) + 1] += 1 }
    for s in 0..<graph.count { start[s + 1] += start[s] }
    var fill = start
    var children = [Int32](repeating: 0, count: Int(start[graph.count]))
    for s in 1..<max(graph.count, 1) where wanted[s] {
      let p = Int(graph.nodes[s].parent)
      children[Int(fill[p])] = Int32(s)
      fill[p] += 1
    }
    return (start, children)
  }

  /// Rebuilds the visited set that the search dropped for the derivation (see `run`), for a
  /// walk that may store states: the fingerprints are computed again along the tree of
  /// first-reaching edges, a step a state.
  @inlinable func rebuildIndex(_ graph: inout StateGraph) {
    var keys = ChunkedArray<Fingerprint>()
    let initial = system.initialState
    let root = Fingerprint(initial)
    for _ in 0..<graph.count { keys.append(root) }
    let (start, children) = Self.tree(graph, wanted: [Bool](repeating: true, count: graph.count))
    var stack: [(id: Int32, state: System.State, depth: Int)] = [(0, initial, 0)]
    while let (id, state, depth) = stack.popLast() {
      let s = Int(id)
      for k in start[s]..<start[s + 1] {
        let child = children[Int(k)]
        let step = graph.parent(child)
        var next = state
        _ = system.execute(thread: Int(step.thread), choice: Int(step.choice), in: &next)
        context.didStep(depth: depth + 1)
        keys[Int(child)] = Fingerprint(next)
        stack.append((child, next, depth + 1))
      }
    }
    graph.rebuildIndex(keys)
  }
}
