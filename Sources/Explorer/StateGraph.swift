/// The reachable state graph as the stateful search stores it: states by number, the tree edge
/// that first reached each, every edge the search executed, and each state's sleep set, compactly.
struct StateGraph: Sendable {
  /// One transition between stored states (8 bytes).
  struct Edge: Sendable, Hashable {
    var target: Int32
    var choice: UInt16
    var thread: UInt8
    /// Whether the step was a progress step (`TransitionSystem.isProgress`).
    var progress: Bool

    init(target: Int32, thread: UInt8, choice: UInt16, progress: Bool) {
      self.target = target
      self.choice = choice
      self.thread = thread
      self.progress = progress
    }
  }

  /// State number by fingerprint (or by its first 64 bits under hash compaction).
  var index: StateIndex
  /// For each state: the state it was first reached from and the step, or `-1` for the initial
  /// state. Following these gives a path from the initial state.
  var parent = ChunkedArray<(state: Int32, thread: UInt8, choice: UInt16)>()
  /// The outgoing edges the search executed, of all states in three parallel arrays (an entry's
  /// target, thread and progress bit, choice: 7 bytes), each state's in the order added. Edges
  /// of one state added one after another form a *batch*, which ends in a *link* entry (thread
  /// byte `link`) whose target is where the state's next batch starts (`-1`: none yet). Most
  /// states get one or two batches (an expansion, the sleeping edges), so this costs about 7
  /// bytes an edge and 10 a batch, where a chain of single edges cost 12 bytes an edge (the
  /// large workload stores five edges a state). An array per state cost 56 bytes before its
  /// first edge (reference, header, allocation).
  private(set) var edgeTargets = ChunkedArray<Int32>()
  /// Bits 0–6 the thread, bit 7 whether the step was progress; `link` for a link entry.
  private var edgeThreads = ChunkedArray<UInt8>()
  private var edgeChoices = ChunkedArray<UInt16>()
  private static let link: UInt8 = 0xFF
  /// For each state, the entry of its first edge, or `-1`.
  private(set) var firstEdge = ChunkedArray<Int32>()
  /// For each state, the link entry ending its last batch, or `-1`.
  private var lastEdge = ChunkedArray<Int32>()
  /// The depth each state was first (or most shallowly) reached at.
  var depth = ChunkedArray<Int32>()
  /// For each state, the threads that can run there (bit `t` for thread `t`).
  var enabledThreads = ChunkedArray<UInt16>()
  /// For each state, the sleep set of its latest expansion (bit `t` for thread `t`): the enabled
  /// threads whose steps it did not execute (see `StatefulSearch`).
  var sleep = ChunkedArray<UInt16>()
  /// For each state, whether some of its sleeping steps may lack the edges the cycle search
  /// needs (see `StatefulSearch`).
  var lacksEdges = ChunkedArray<Bool>()
  /// Whether the search has seen a cycle and so runs every sleeping non-progress step as it
  /// expands a state, for its edge.
  var recordsSleepingEdges = false

  init(compacted: Bool) { index = StateIndex(compacted: compacted) }

  var count: Int { parent.count }

  /// Adds a state; returns its number.
  mutating func add(
    _ fingerprint: Fingerprint, parent: Int32, thread: Int, choice: Int, depth: Int, sleep: UInt16
  ) -> Int32 {
    let id = Int32(count)
    index.insert(fingerprint, id: id)
    self.parent.append((parent, UInt8(thread), UInt16(choice)))
    firstEdge.append(-1)
    lastEdge.append(-1)
    self.depth.append(Int32(depth))
    enabledThreads.append(0)
    self.sleep.append(sleep)
    lacksEdges.append(false)
    return id
  }

  /// Adds an edge of `state`, after the ones it has.
  mutating func addEdge(from state: Int32, _ edge: Edge) {
    let s = Int(state)
    let n = Int32(edgeTargets.count)
    let last = lastEdge[s]
    let threadByte = edge.thread & 0x7F | (edge.progress ? 0x80 : 0)
    if last >= 0, last == n - 1 {
      // The state's batch is the last one stored: the edge takes its link's place.
      edgeTargets[Int(last)] = edge.target
      edgeThreads[Int(last)] = threadByte
      edgeChoices[Int(last)] = edge.choice
    } else {
      edgeTargets.append(edge.target)
      edgeThreads.append(threadByte)
      edgeChoices.append(edge.choice)
      if last >= 0 {
        edgeTargets[Int(last)] = Int32(edgeTargets.count - 1)
      } else {
        firstEdge[s] = Int32(edgeTargets.count - 1)
      }
    }
    edgeTargets.append(-1)
    edgeThreads.append(Self.link)
    edgeChoices.append(0)
    lastEdge[s] = Int32(edgeTargets.count - 1)
  }

  /// The edge stored at entry `k` (not a link).
  @inline(__always) func edge(at k: Int32) -> Edge {
    let t = edgeThreads[Int(k)]
    return Edge(
      target: edgeTargets[Int(k)], thread: t & 0x7F, choice: edgeChoices[Int(k)],
      progress: t & 0x80 != 0)
  }

  /// The entry of the edge after the one at entry `k` of the same state, or `-1`.
  @inline(__always) func edgeIndex(after k: Int32) -> Int32 {
    let j = Int(k) + 1
    return edgeThreads[j] == Self.link ? edgeTargets[j] : Int32(j)
  }

  /// Whether the search executed some step of `state`.
  func hasEdges(_ state: Int32) -> Bool { firstEdge[Int(state)] >= 0 }

  /// The edges of `state`, in the order added.
  func edges(of state: Int32) -> Edges {
    Edges(
      targets: edgeTargets, threads: edgeThreads, choices: edgeChoices,
      cursor: firstEdge[Int(state)])
  }

  /// The edges of one state, batch by batch. It holds the arrays it reads, not the graph: a
  /// copy of the graph retains and releases every array of it, a few percent of the large
  /// workload when it was made for every lookup.
  struct Edges: Sequence, IteratorProtocol {
    let targets: ChunkedArray<Int32>
    let threads: ChunkedArray<UInt8>
    let choices: ChunkedArray<UInt16>
    var cursor: Int32

    mutating func next() -> Edge? {
      guard cursor >= 0 else { return nil }
      let k = Int(cursor)
      let t = threads[k]
      let edge = Edge(
        target: targets[k], thread: t & 0x7F, choice: choices[k], progress: t & 0x80 != 0)
      cursor = threads[k + 1] == StateGraph.link ? targets[k + 1] : Int32(k + 1)
      return edge
    }
  }

  /// The stored edge of `state` for one step, if the search executed it.
  func edge(from state: Int32, thread: Int, choice: Int) -> Edge? {
    var k = firstEdge[Int(state)]
    while k >= 0 {
      if Int(edgeThreads[Int(k)] & 0x7F) == thread && Int(edgeChoices[Int(k)]) == choice {
        return edge(at: k)
      }
      k = edgeIndex(after: k)
    }
    return nil
  }

  /// Whether `ancestor` is on the path of first-reaching edges to `state` (or is `state`).
  func isAncestor(_ ancestor: Int32, of state: Int32) -> Bool {
    var current = state
    while depth[Int(current)] > depth[Int(ancestor)] { current = parent[Int(current)].state }
    return current == ancestor
  }

  /// The steps from the initial state to `state` along first-reaching edges.
  func path(to state: Int32) -> [Trace.Step] {
    var steps: [Trace.Step] = []
    var current = state
    while parent[Int(current)].state >= 0 {
      let p = parent[Int(current)]
      steps.append(Trace.Step(thread: Int(p.thread), choice: Int(p.choice)))
      current = p.state
    }
    return steps.reversed()
  }
}

/// The visited set: an open-addressing table from fingerprints to state numbers.
///
/// The table holds only state numbers (4 bytes a slot, at most half full); the keys live in
/// arrays indexed by state number, 16 bytes a state when exact and 8 under hash compaction, which
/// keeps only the first 64 bits of each fingerprint. Two distinct states then share a key with
/// probability 2⁻⁶⁴ per pair, so among `n` states some state is taken for another (and its
/// successors possibly never explored) with probability at most n²/2⁶⁵: about 3·10⁻⁸ for a million
/// states. That is the price of hash compaction (Wolper and Leroy, 1993): a little memory for a
/// small chance of missing states, which the result reports.
struct StateIndex: Sendable {
  let compacted: Bool
  private var slots: [Int32] = Array(repeating: -1, count: 1024)
  /// The fingerprints by state number when exact: both halves side by side, so that confirming
  /// a probe costs one cache miss, not one per half (a tenth of a run on the large workload).
  private var keys = ChunkedArray<Fingerprint>()
  /// The first 64 bits of each fingerprint under hash compaction.
  private var compactKeys = ChunkedArray<UInt64>()

  init(compacted: Bool) { self.compacted = compacted }

  private var count: Int { compacted ? compactKeys.count : keys.count }

  private func high(_ id: Int32) -> UInt64 {
    compacted ? compactKeys[Int(id)] : keys[Int(id)].high
  }

  /// The number of the state with this fingerprint, if stored.
  func find(_ fingerprint: Fingerprint) -> Int32? {
    let mask = slots.count - 1
    var i = Int(truncatingIfNeeded: fingerprint.high) & mask
    while true {
      let id = slots[i]
      if id < 0 { return nil }
      if compacted {
        if compactKeys[Int(id)] == fingerprint.high { return id }
      } else if keys[Int(id)] == fingerprint {
        return id
      }
      i = (i + 1) & mask
    }
  }

  /// Stores `fingerprint` as state `id`, which must be the next number.
  mutating func insert(_ fingerprint: Fingerprint, id: Int32) {
    if compacted { compactKeys.append(fingerprint.high) } else { keys.append(fingerprint) }
    if count * 2 > slots.count {
      slots = Array(repeating: -1, count: slots.count * 2)
      for k in 0..<count { place(Int32(k)) }
    } else {
      place(id)
    }
  }

  private mutating func place(_ id: Int32) {
    let mask = slots.count - 1
    var i = Int(truncatingIfNeeded: high(id)) & mask
    while slots[i] >= 0 { i = (i + 1) & mask }
    slots[i] = id
  }
}
