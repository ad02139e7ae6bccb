import Dispatch

extension StatefulSearch {
  /// Computes the expansions of `batch` into `pool`, on one thread per search of `workers` (each
  /// over its own replica of the system); a request already stale gets a slot marked `stale`.
  ///
  /// The threads only read the graph (it is not changed until every expansion of the batch is
  /// computed) and each writes its own slots, so no lock is taken. The system's steps are safe
  /// to run concurrently: `TransitionSystem` is `Sendable` and its methods are pure functions of
  /// the state.
  ///
  /// The requests' states are handed to the threads, and `batch` keeps `placeholder` in their
  /// place: a thread drops a state it made no longer needed, so that it is freed where it was
  /// last used (freeing another thread's memory is what costs most in the allocator). An
  /// expansion keeps its state only where applying it reads it (`Expansion.node`): where the
  /// search ends an execution.
  @inlinable func computeExpansions(
    _ batch: inout [Pending], _ graph: StateGraph, workers searches: [StatefulSearch],
    into pool: ExpansionPool<Expansion>, placeholder: System.State
  ) {
    let nodes = UnsafeMutableBufferPointer<Pending>.allocate(capacity: batch.count)
    _ = nodes.initialize(from: batch)
    for k in batch.indices { batch[k].state = placeholder }
    let work = BatchWork(searches: searches, nodes: nodes, graph: graph, pool: pool)
    let workers = min(searches.count, nodes.count)
    // Thread `w` takes requests `w`, `w + workers`, ...: no lock, and neighbouring requests
    // (often of similar cost) spread over the threads. So a slot of the pool is always filled
    // by the same thread, and the storage it keeps from one batch to the next is that thread's.
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      let search = work.searches[worker]
      var scratch = ExpansionScratch(threads: search.system.threadCount)
      for k in stride(from: worker, to: work.nodes.count, by: workers) {
        let node = (work.nodes.baseAddress! + k).move()
        let id = Int(node.id)
        let bound = search.bound
        let slot = work.pool.slots.baseAddress! + k
        guard work.graph.nodes[id].sleep == node.sleep,
          bound == nil || work.graph.depth(of: node.id) == node.depth
        else {
          slot.pointee.stale = true
          continue
        }
        slot.pointee.stale = false
        search.computeExpansion(node, work.graph, into: &slot.pointee.expansion, &scratch)
        let ends = slot.pointee.expansion.mask == 0 || bound.map({ node.depth >= $0 }) ?? false
        slot.pointee.expansion.node = ends ? node.state : nil
      }
    }
    nodes.deallocate()
  }
}

/// The expansions of a batch, one slot per request, kept from one batch to the next so that
/// their arrays are allocated once. Each slot is written by exactly one thread and read after
/// all have finished (`concurrentPerform` returns only then, which orders the writes before the
/// reads). Raw memory rather than an array: threads writing one array's elements at once would
/// each claim exclusive access to the whole array.
@usableFromInline final class ExpansionPool<Expansion>: @unchecked Sendable {
  @usableFromInline struct Slot {
    @usableFromInline var expansion: Expansion
    /// The request was stale when its thread took it: it has no expansion this batch.
    @usableFromInline var stale = true

    @inlinable init(expansion: Expansion) { self.expansion = expansion }
  }

  @usableFromInline let slots: UnsafeMutableBufferPointer<Slot>

  @inlinable init(count: Int, _ make: () -> Expansion) {
    slots = .allocate(capacity: count)
    for k in 0..<count { (slots.baseAddress! + k).initialize(to: Slot(expansion: make())) }
  }

  @inlinable deinit {
    slots.deinitialize()
    slots.deallocate()
  }
}

/// What the threads of one batch share: the graph, read only, and the requests, each moved out
/// by the one thread that takes it.
@usableFromInline struct BatchWork<System: TransitionSystem>: @unchecked Sendable {
  @usableFromInline let searches: [StatefulSearch<System>]
  @usableFromInline let nodes: UnsafeMutableBufferPointer<StatefulSearch<System>.Pending>
  @usableFromInline let graph: StateGraph
  @usableFromInline let pool: ExpansionPool<StatefulSearch<System>.Expansion>

  @inlinable init(
    searches: [StatefulSearch<System>],
    nodes: UnsafeMutableBufferPointer<StatefulSearch<System>.Pending>, graph: StateGraph,
    pool: ExpansionPool<StatefulSearch<System>.Expansion>
  ) {
    self.searches = searches
    self.nodes = nodes
    self.graph = graph
    self.pool = pool
  }
}
