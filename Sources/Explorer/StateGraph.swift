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
  var parent: [(state: Int32, thread: UInt8, choice: UInt16)] = []
  /// The outgoing edges the search executed, of all states in one array, each state's chained
  /// in the order added (`firstEdge`, `nextEdge`): 12 bytes an edge and 8 a state, where an
  /// array per state cost 56 bytes before its first edge (reference, header, allocation).
  private(set) var edgeStore: [Edge] = []
  /// The next edge of the same state in `edgeStore`, or `-1`.
  private(set) var nextEdge: [Int32] = []
  /// For each state, its first and last edge in `edgeStore`, or `-1`.
  private(set) var firstEdge: [Int32] = []
  private var lastEdge: [Int32] = []
  /// The depth each state was first (or most shallowly) reached at.
  var depth: [Int32] = []
  /// For each state, the threads that can run there (bit `t` for thread `t`).
  var enabledThreads: [UInt16] = []
  /// For each state, the sleep set of its latest expansion (bit `t` for thread `t`): the enabled
  /// threads whose steps it did not execute (see `StatefulSearch`).
  var sleep: [UInt16] = []
  /// For each state, whether some of its sleeping steps may lack the edges the cycle search
  /// needs (see `StatefulSearch`).
  var lacksEdges: [Bool] = []
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
    let k = Int32(edgeStore.count)
    edgeStore.append(edge)
    nextEdge.append(-1)
    let s = Int(state)
    if lastEdge[s] < 0 { firstEdge[s] = k } else { nextEdge[Int(lastEdge[s])] = k }
    lastEdge[s] = k
  }

  /// Whether the search executed some step of `state`.
  func hasEdges(_ state: Int32) -> Bool { firstEdge[Int(state)] >= 0 }

  /// The edges of `state`, in the order added.
  func edges(of state: Int32) -> Edges { Edges(graph: self, first: firstEdge[Int(state)]) }

  /// The edges of one state, following the chain through `edgeStore`.
  struct Edges: Sequence, IteratorProtocol {
    let graph: StateGraph
    var cursor: Int32

    init(graph: StateGraph, first: Int32) {
      self.graph = graph
      self.cursor = first
    }

    mutating func next() -> Edge? {
      guard cursor >= 0 else { return nil }
      let edge = graph.edgeStore[Int(cursor)]
      cursor = graph.nextEdge[Int(cursor)]
      return edge
    }
  }

  /// The stored edge of `state` for one step, if the search executed it.
  func edge(from state: Int32, thread: Int, choice: Int) -> Edge? {
    for edge in edges(of: state) where Int(edge.thread) == thread && Int(edge.choice) == choice {
      return edge
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
  private var keys: [Fingerprint] = []
  /// The first 64 bits of each fingerprint under hash compaction.
  private var compactKeys: [UInt64] = []

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
