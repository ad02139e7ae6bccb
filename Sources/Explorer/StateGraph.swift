/// The reachable state graph as the stateful search stores it: states by number, the tree edge
/// that first reached each, every edge the search executed, and each state's sleep set, compactly.
///
/// What a state costs, on the large workload (five edges a state): its key, 16 bytes; its slot
/// in the visited set, 5 to 11; its `Node`, 12; the offset of its edges, 4; its edges, about
/// 13 (plus about 9 the completion derives, once the visited set is gone). A depth, 4 more, is
/// kept only under a depth bound.
@usableFromInline struct StateGraph: Sendable {
  /// One transition between stored states (8 bytes).
  @usableFromInline struct Edge: Sendable, Hashable {
    @usableFromInline var target: Int32
    @usableFromInline var choice: UInt16
    @usableFromInline var thread: UInt8
    /// Whether the step was a progress step (`TransitionSystem.isProgress`).
    @usableFromInline var progress: Bool

    @inlinable init(target: Int32, thread: UInt8, choice: UInt16, progress: Bool) {
      self.target = target
      self.choice = choice
      self.thread = thread
      self.progress = progress
    }
  }

  /// State number by fingerprint (or by its first 64 bits under hash compaction).
  @usableFromInline var index: StateIndex
  /// What the search keeps of each state besides its key and edges (12 bytes).
  @usableFromInline struct Node: Sendable {
    /// The state it was first reached from, or `-1` for the initial state, and the step.
    /// Following these gives a path from the initial state.
    @usableFromInline var parent: Int32
    @usableFromInline var choice: UInt16
    @usableFromInline var thread: UInt8
    /// Whether some of its sleeping steps may lack the edges the cycle search needs (see
    /// `StatefulSearch`).
    @usableFromInline var lacksEdges = false
    /// The threads that can run there (bit `t` for thread `t`).
    @usableFromInline var enabledThreads: UInt16 = 0
    /// The sleep set of its latest expansion (bit `t` for thread `t`): the enabled threads
    /// whose steps it did not execute (see `StatefulSearch`).
    @usableFromInline var sleep: UInt16
  }
  @usableFromInline var nodes = ChunkedArray<Node>()
  /// The outgoing edges the search executed, of all states.
  private(set) var edges = EdgeStream()
  /// The depth each state was first (or most shallowly) reached at, kept only under a depth
  /// bound, where it decides re-expansions: without one it is the length of the path of
  /// first-reaching edges (`depth(of:)`).
  private var depths = ChunkedArray<Int32>()
  let storesDepth: Bool

  @usableFromInline init(compacted: Bool, storesDepth: Bool) {
    index = StateIndex(compacted: compacted)
    self.storesDepth = storesDepth
  }

  @inlinable var count: Int { nodes.count }

  /// Whether the visited set was dropped (`dropIndex`): states can be looked up and added again
  /// only after `rebuildIndex`.
  @usableFromInline private(set) var lacksIndex = false

  /// Frees the visited set's table (its keys stay), while no state is looked up: the
  /// derivation of sleeping edges only follows edges.
  @usableFromInline mutating func releaseSlots() { index.releaseSlots() }

  /// Sets the table up again from the keys, for a walk that looks states up.
  @usableFromInline mutating func restoreSlots() { index.restoreSlots() }

  /// Frees the visited set (a third of the graph's memory) while no state is looked up: the
  /// derivation of sleeping edges and the cycle search only follow edges. Returns the freed
  /// pages to the system, so that what comes next does not raise the peak.
  @usableFromInline mutating func dropIndex() {
    index = StateIndex(compacted: index.compacted)
    index.releaseSlots()
    lacksIndex = true
    #if os(Linux)
      _ = releaseFreeMemory(0)
    #endif
  }

  /// Sets the visited set up again from every state's fingerprint, by state number.
  @usableFromInline mutating func rebuildIndex(_ keys: ChunkedArray<Fingerprint>) {
    var rebuilt = StateIndex(compacted: index.compacted)
    for id in 0..<keys.count { rebuilt.insert(keys[id], id: Int32(id)) }
    index = rebuilt
    lacksIndex = false
  }

  /// The state `state` was first reached from (`-1` for the initial state) and the step.
  @inlinable func parent(_ state: Int32) -> (state: Int32, thread: UInt8, choice: UInt16) {
    let node = nodes[Int(state)]
    return (node.parent, node.thread, node.choice)
  }

  /// The depth `state` was first (or, under a bound, most shallowly) reached at.
  @usableFromInline func depth(of state: Int32) -> Int {
    if storesDepth { return Int(depths[Int(state)]) }
    var length = 0
    var current = nodes[Int(state)].parent
    while current >= 0 {
      length += 1
      current = nodes[Int(current)].parent
    }
    return length
  }

  /// Makes `parent` by `thread` and `choice` the first-reaching edge of `state`, at `depth`
  /// (under a bound, when a shallower path is found).
  @usableFromInline mutating func reparent(_ state: Int32, to parent: Int32, thread: Int, choice: Int, depth: Int) {
    depths[Int(state)] = Int32(depth)
    nodes[Int(state)].parent = parent
    nodes[Int(state)].thread = UInt8(thread)
    nodes[Int(state)].choice = UInt16(choice)
  }

  /// Adds a state; returns its number.
  @usableFromInline mutating func add(
    _ fingerprint: Fingerprint, parent: Int32, thread: Int, choice: Int, depth: Int, sleep: UInt16
  ) -> Int32 {
    let id = Int32(count)
    index.insert(fingerprint, id: id)
    nodes.append(Node(parent: parent, choice: UInt16(choice), thread: UInt8(thread), sleep: sleep))
    edges.addState()
    if storesDepth { depths.append(Int32(depth)) }
    return id
  }

  /// Adds an edge of `state`, after the ones it has.
  @usableFromInline mutating func addEdge(from state: Int32, _ edge: Edge) {
    edges.append(edge, from: state)
  }

  /// Whether the search executed some step of `state`.
  @usableFromInline func hasEdges(_ state: Int32) -> Bool { edges.hasEdges(state) }

  /// A cursor at the first edge of `state`, for `nextEdge`.
  func firstCursor(of state: Int32) -> EdgeStream.Cursor { edges.firstCursor(of: state) }

  /// The edge of `state` at `cursor`, moving it on; `nil` after the last.
  @inline(__always) func nextEdge(_ cursor: inout EdgeStream.Cursor, of state: Int32) -> Edge? {
    edges.nextEdge(&cursor, of: state)
  }

  /// The edges of `state`, in the order added.
  func edges(of state: Int32) -> Edges { Edges(stream: edges, state: state) }

  /// The edges of one state, in the order added.
  struct Edges: Sequence, IteratorProtocol {
    let stream: EdgeStream
    let state: Int32
    var cursor: EdgeStream.Cursor

    init(stream: EdgeStream, state: Int32) {
      self.stream = stream
      self.state = state
      cursor = stream.firstCursor(of: state)
    }

    mutating func next() -> Edge? { stream.nextEdge(&cursor, of: state) }
  }

  /// The stored edge of `state` for one step, if the search executed it.
  @usableFromInline func edge(from state: Int32, thread: Int, choice: Int) -> Edge? {
    var cursor = edges.firstCursor(of: state)
    while let edge = edges.nextEdge(&cursor, of: state) {
      if Int(edge.thread) == thread && Int(edge.choice) == choice { return edge }
    }
    return nil
  }

  /// The steps from the initial state to `state` along first-reaching edges.
  @usableFromInline func path(to state: Int32) -> [Trace.Step] {
    var steps: [Trace.Step] = []
    var current = state
    while nodes[Int(current)].parent >= 0 {
      let p = parent(current)
      steps.append(Trace.Step(thread: Int(p.thread), choice: Int(p.choice)))
      current = p.state
    }
    return steps.reversed()
  }
}

#if os(Linux)
  /// glibc's `malloc_trim`, which the Glibc module does not export: returns the free pages of
  /// the heap to the system (a freed chunk of a `ChunkedArray` otherwise stays resident).
  @_silgen_name("malloc_trim") private func releaseFreeMemory(_ pad: Int) -> Int32
#endif
