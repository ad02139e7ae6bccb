/// Finds livelocks in a stored state graph: strongly fair cycles made only of non-progress steps.
///
/// SPIN's non-progress cycles, under strong fairness among threads: a thread that can run
/// infinitely often along a cycle must also run in it. That is the fairness of the kernel's
/// queued locks (a writer waiting for an rwlock is not starved by readers that keep coming back),
/// so a reader that retries while a writer waits is not a livelock, but a thread that retries
/// while every other thread is finished or blocked for good is.
///
/// The cycles lie in the strongly connected components of the graph restricted to non-progress
/// edges (Tarjan's algorithm, iterative). In a component, a thread that can run in some state but
/// takes no step inside the component rules out every cycle through those states; they are
/// removed and the rest is split into components again (the refinement used for Streett
/// conditions). A component in which every thread either steps or can never run holds a fair
/// cycle: the walk through all of it. Each yields one lasso: the shortest stored path to it, then a
/// loop that takes a step of every thread that steps inside it.
struct NonProgressCycles {
  let graph: StateGraph
  let threadCount: Int

  struct Lasso {
    var prefix: [Trace.Step]
    var loop: [Trace.Step]
    /// The threads that take steps in the loop, in order of thread number.
    var threads: [Int]
  }

  func lassos() -> [Lasso] {
    var result: [Lasso] = []
    for component in components(within: nil) {
      if let fair = fairComponent(component) { result.append(lasso(in: fair)) }
    }
    return result
  }

  /// A part of `component` that holds a strongly fair cycle, if any.
  private func fairComponent(_ component: [Int32]) -> [Int32]? {
    let members = Set(component)
    var steps = [Bool](repeating: false, count: threadCount)
    for state in component {
      for edge in graph.edges(of: state) where !edge.progress && members.contains(edge.target) {
        steps[Int(edge.thread)] = true
      }
    }
    for thread in 0..<threadCount where !steps[thread] {
      let bit = UInt16(1) << UInt16(thread)
      let starved = component.filter { graph.nodes[Int($0)].enabledThreads & bit != 0 }
      guard !starved.isEmpty else { continue }
      let rest = members.subtracting(starved)
      for part in components(within: rest) {
        if let fair = fairComponent(part) { return fair }
      }
      return nil
    }
    return component
  }

  /// Non-trivial strongly connected components over non-progress edges between `members` (all
  /// states when `nil`).
  ///
  /// The refinement calls this on ever smaller parts of one component, so its work and memory
  /// are proportional to the members and their edges, not to the whole graph: the members are
  /// numbered locally (`slot`).
  func components(within members: Set<Int32>?) -> [[Int32]] {
    // Over the whole graph (the first call, over every stored state) states are their own
    // local numbers: no list of them and no table.
    let listed: [Int32]? = members.map { $0.sorted() }
    var slot: [Int32: Int32] = [:]
    if let listed {
      slot.reserveCapacity(listed.count)
      for (k, node) in listed.enumerated() { slot[node] = Int32(k) }
    }
    /// The local number of a state, or `nil` if it is not a member.
    func local(_ state: Int32) -> Int? {
      members == nil ? Int(state) : slot[state].map(Int.init)
    }
    /// The state with a local number.
    func global(_ k: Int) -> Int32 { listed?[k] ?? Int32(k) }
    let n = listed?.count ?? graph.count
    var index = [Int32](repeating: -1, count: n)
    var lowlink = [Int32](repeating: 0, count: n)
    var onStack = [Bool](repeating: false, count: n)
    var stack: [Int32] = []
    var next: Int32 = 0
    var result: [[Int32]] = []
    /// Each node on the depth-first path with the cursor at its next edge to look at, and
    /// whether one of the edges it passed was a non-progress self-loop (which makes a component
    /// of the node alone non-trivial; noted on the way, so that its edges are read once).
    var work: [(node: Int32, edge: EdgeStream.Cursor, selfLoop: Bool)] = []
    for root in 0..<n where index[root] < 0 {
      work.append((Int32(root), graph.firstCursor(of: global(root)), false))
      index[root] = next
      lowlink[root] = next
      next += 1
      stack.append(Int32(root))
      onStack[root] = true
      while let (v, e, looped) = work.last {
        var k = e
        var descended = false
        var selfLoop = looped
        let source = global(Int(v))
        while let edge = graph.nextEdge(&k, of: source) {
          if edge.progress { continue }
          if edge.target == source { selfLoop = true }
          guard let w = local(edge.target) else { continue }
          if index[w] < 0 {
            work[work.count - 1].edge = k
            work[work.count - 1].selfLoop = selfLoop
            index[w] = next
            lowlink[w] = next
            next += 1
            stack.append(Int32(w))
            onStack[w] = true
            work.append((Int32(w), graph.firstCursor(of: global(w)), false))
            descended = true
            break
          } else if onStack[w] {
            lowlink[Int(v)] = min(lowlink[Int(v)], index[w])
          }
        }
        if descended { continue }
        work.removeLast()
        if let parent = work.last?.node {
          lowlink[Int(parent)] = min(lowlink[Int(parent)], lowlink[Int(v)])
        }
        if lowlink[Int(v)] == index[Int(v)] {
          var component: [Int32] = []
          while let w = stack.popLast() {
            onStack[Int(w)] = false
            component.append(global(Int(w)))
            if w == v { break }
          }
          if component.count > 1 || selfLoop { result.append(component.sorted()) }
        }
      }
    }
    return result.sorted { $0[0] < $1[0] }
  }

  /// Whether the graph has a cycle of non-progress steps: a depth-first search in three colours
  /// that stops at the first edge back to a state on its path. Cheaper than `components`, which
  /// it stands for when only the answer matters (a byte a state, no component lists).
  func hasCycle() -> Bool {
    // 0: not seen, 1: on the path, 2: done.
    var colour = [UInt8](repeating: 0, count: graph.count)
    var work: [(node: Int32, edge: EdgeStream.Cursor)] = []
    for root in 0..<Int32(graph.count) where colour[Int(root)] == 0 {
      colour[Int(root)] = 1
      work.append((root, graph.firstCursor(of: root)))
      while !work.isEmpty {
        let v = work[work.count - 1].node
        var k = work[work.count - 1].edge
        var descended = false
        while let edge = graph.nextEdge(&k, of: v) {
          if edge.progress { continue }
          let w = edge.target
          if colour[Int(w)] == 1 { return true }
          if colour[Int(w)] == 0 {
            work[work.count - 1].edge = k
            colour[Int(w)] = 1
            work.append((w, graph.firstCursor(of: w)))
            descended = true
            break
          }
        }
        if descended { continue }
        colour[Int(v)] = 2
        work.removeLast()
      }
    }
    return false
  }

  private func lasso(in component: [Int32]) -> Lasso {
    let members = Set(component)
    var stepEdge = [(from: Int32, edge: StateGraph.Edge)?](repeating: nil, count: threadCount)
    for state in component {
      for edge in graph.edges(of: state) where !edge.progress && members.contains(edge.target) {
        if stepEdge[Int(edge.thread)] == nil { stepEdge[Int(edge.thread)] = (state, edge) }
      }
    }
    let depths = component.map { graph.depth(of: $0) }
    let entry = component[depths.indices.min { depths[$0] < depths[$1] }!]
    var loop: [Trace.Step] = []
    var current = entry
    for case (let from, let edge)? in stepEdge {
      loop += path(from: current, to: from, within: members)
      loop.append(Trace.Step(thread: Int(edge.thread), choice: Int(edge.choice)))
      current = edge.target
    }
    loop += path(from: current, to: entry, within: members)
    let threads = Set(loop.map(\.thread)).sorted()
    return Lasso(prefix: graph.path(to: entry), loop: loop, threads: threads)
  }

  /// The shortest path of non-progress edges inside the component (breadth first).
  private func path(from start: Int32, to goal: Int32, within members: Set<Int32>) -> [Trace.Step] {
    if start == goal { return [] }
    var previous: [Int32: (Int32, StateGraph.Edge)] = [:]
    var queue = [start]
    var head = 0
    while head < queue.count {
      let state = queue[head]
      head += 1
      for edge in graph.edges(of: state)
      where !edge.progress && members.contains(edge.target) && edge.target != start
        && previous[edge.target] == nil
      {
        previous[edge.target] = (state, edge)
        if edge.target == goal {
          var steps: [Trace.Step] = []
          var at = goal
          while at != start, let (from, e) = previous[at] {
            steps.append(Trace.Step(thread: Int(e.thread), choice: Int(e.choice)))
            at = from
          }
          return steps.reversed()
        }
        queue.append(edge.target)
      }
    }
    return []
  }
}
