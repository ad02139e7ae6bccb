import Dispatch

extension StatefulSearch {
  /// Computes the expansions of `batch` on `jobs` threads; `nil` for a request already stale.
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
    _ batch: inout [Pending], _ graph: StateGraph, jobs: Int, placeholder: System.State
  ) -> [Expansion?] {
    let slots = ExpansionSlots<Expansion>(count: batch.count)
    let nodes = UnsafeMutableBufferPointer<Pending>.allocate(capacity: batch.count)
    _ = nodes.initialize(from: batch)
    for k in batch.indices { batch[k].state = placeholder }
    let work = BatchWork(search: self, nodes: nodes, graph: graph)
    let workers = min(jobs, nodes.count)
    // Thread `w` takes requests `w`, `w + workers`, ...: no lock, and neighbouring requests
    // (often of similar cost) spread over the threads.
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var scratch = ExpansionScratch(threads: work.search.system.threadCount)
      for k in stride(from: worker, to: work.nodes.count, by: workers) {
        let node = (work.nodes.baseAddress! + k).move()
        let id = Int(node.id)
        let bound = work.search.bound
        guard work.graph.nodes[id].sleep == node.sleep,
          bound == nil || work.graph.depth(of: node.id) == node.depth
        else { continue }
        var expansion = Expansion()
        work.search.computeExpansion(node, work.graph, into: &expansion, &scratch)
        if expansion.mask == 0 || bound.map({ node.depth >= $0 }) ?? false {
          expansion.node = node.state
        }
        slots.store(expansion, at: k)
      }
    }
    nodes.deallocate()
    return slots.take()
  }
}

/// What the threads of one batch share: the graph, read only, and the requests, each moved out
/// by the one thread that takes it.
@usableFromInline struct BatchWork<System: TransitionSystem>: @unchecked Sendable {
  @usableFromInline let search: StatefulSearch<System>
  @usableFromInline let nodes: UnsafeMutableBufferPointer<StatefulSearch<System>.Pending>
  @usableFromInline let graph: StateGraph

  @inlinable init(
    search: StatefulSearch<System>, nodes: UnsafeMutableBufferPointer<StatefulSearch<System>.Pending>,
    graph: StateGraph
  ) {
    self.search = search
    self.nodes = nodes
    self.graph = graph
  }
}

/// One slot per request of a batch, each written by exactly one thread and read after all have
/// finished (`concurrentPerform` returns only then, which orders the writes before the reads).
/// Raw memory rather than an array: threads writing one array's elements at once would each
/// claim exclusive access to the whole array.
@usableFromInline final class ExpansionSlots<Value>: @unchecked Sendable {
  @usableFromInline let values: UnsafeMutableBufferPointer<Value?>

  @inlinable init(count: Int) {
    values = .allocate(capacity: count)
    values.initialize(repeating: nil)
  }

  @inlinable deinit {
    values.deinitialize()
    values.deallocate()
  }

  @inlinable func store(_ value: Value, at index: Int) { values[index] = value }

  @inlinable func take() -> [Value?] { Array(values) }
}
