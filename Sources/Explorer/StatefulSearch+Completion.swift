/// The completion of the stateful search: the sleeping non-progress edges that the cycle
/// search needs and sleep sets pruned (point 2 of `StatefulSearch`).
extension StatefulSearch {
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
