import Dispatch

extension StatefulSearch {
  /// Computes the expansions of `batch` on `jobs` threads; `nil` for a request already stale.
  ///
  /// The threads only read the graph and the requests (the graph is not changed until every
  /// expansion of the batch is computed) and each writes its own slots, so no lock is taken but
  /// the one handing out the next request. The system's steps are safe to run concurrently:
  /// `TransitionSystem` is `Sendable` and its methods are pure functions of the state.
  func computeExpansions(_ batch: [Pending], _ graph: StateGraph, jobs: Int) -> [Expansion?] {
    let slots = ExpansionSlots<Expansion>(count: batch.count)
    let next = IndexDispenser()
    let work = BatchWork(search: self, batch: batch, graph: graph)
    DispatchQueue.concurrentPerform(iterations: min(jobs, batch.count)) { _ in
      var scratch = ExpansionScratch(threads: work.search.system.threadCount)
      while let k = next.take(below: batch.count) {
        let node = work.batch[k]
        let id = Int(node.id)
        let bound = work.search.bound
        guard work.graph.sleep[id] == node.sleep,
          bound == nil || Int(work.graph.depth[id]) == node.depth
        else { continue }
        var expansion = Expansion()
        work.search.computeExpansion(node, work.graph, into: &expansion, &scratch)
        slots.store(expansion, at: k)
      }
    }
    return slots.take()
  }
}

/// What the threads of one batch share, read only.
private struct BatchWork<System: TransitionSystem>: @unchecked Sendable {
  let search: StatefulSearch<System>
  let batch: [StatefulSearch<System>.Pending]
  let graph: StateGraph
}

/// One slot per request of a batch, each written by exactly one thread and read after all have
/// finished (`concurrentPerform` returns only then, which orders the writes before the reads).
/// Raw memory rather than an array: threads writing one array's elements at once would each
/// claim exclusive access to the whole array.
private final class ExpansionSlots<Value>: @unchecked Sendable {
  private let values: UnsafeMutableBufferPointer<Value?>

  init(count: Int) {
    values = .allocate(capacity: count)
    values.initialize(repeating: nil)
  }

  deinit {
    values.deinitialize()
    values.deallocate()
  }

  func store(_ value: Value, at index: Int) { values[index] = value }

  func take() -> [Value?] { Array(values) }
}
