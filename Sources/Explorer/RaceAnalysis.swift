/// Race detection and reversal over one finished execution: the step of optimal DPOR that plants
/// wakeup sequences (see `OptimalDPOR` for the algorithm and its extensions).
///
/// Kept free of the model's state type so that it compiles to plain, specialised code; the one
/// question that needs the model (can this sequence run from node `i`?) is a closure.
struct RaceAnalysis {
  var nodes: [ExecutionNode]
  /// Whether a sequence can run from node `i`.
  let isExecutable: ([Event], Int) -> Bool
  /// Whether executions are cut at a depth bound (weak initials then count only as initials).
  let bounded: Bool
  /// Nodes before this index are expanded fully by a `Partition`: nothing is planted there.
  let floor: Int

  init(
    nodes: [ExecutionNode], bounded: Bool, floor: Int = 0,
    isExecutable: @escaping ([Event], Int) -> Bool
  ) {
    self.nodes = nodes
    self.bounded = bounded
    self.floor = floor
    self.isExecutable = isExecutable
  }

  /// Reverses every race of the execution, of its pending steps (`statuses` at its end) and of
  /// its choices; with `cut`, also the races of pending steps for the last slot of the bound.
  ///
  /// Events before `fresh` were in the previous execution too, with the same causal pasts, so
  /// their races and alternatives were reversed when that execution ended; only the events from
  /// `fresh` on, and the pending steps, are analysed.
  mutating func plantWakeupSequences(statuses: [StepStatus], cut: Bool, fresh: Int = 0) {
    var lastClock = [VectorClock](repeating: VectorClock(), count: statuses.count)
    for j in nodes.indices {
      let event = nodes[j].event
      defer { lastClock[Int(event.thread)] = nodes[j].clock }
      guard j >= fresh else { continue }
      _ = reverseRaces(with: event, before: j, startingFrom: lastClock[Int(event.thread)])
      if nodes[j].choices > 1 {
        for choice in 0..<nodes[j].choices where choice != Int(event.choice) {
          let alternative = Event(
            thread: Int(event.thread), choice: choice, footprint: event.footprint)
          plant(at: j, sequence: notDependent(on: j, then: alternative))
        }
      }
    }
    for (thread, status) in statuses.enumerated() {
      let footprint: Footprint
      switch status {
      case .finished: continue
      case .blocked(let f): footprint = f
      case .enabled(let f, _): footprint = f
      }
      let pending = Event(thread: thread, choice: 0, footprint: footprint)
      let past = reverseRaces(with: pending, before: nodes.count, startingFrom: lastClock[thread])
      guard cut, case .enabled = status else { continue }
      if let i = nodes.indices.last(where: { !nodes[$0].happens(before: past) }) {
        plant(at: i, sequence: notDependent(on: i, then: pending))
      }
    }
  }

  /// Reverses every race `e ⋖ target` with `e` among the first `end` events; returns the clock of
  /// everything at or above the floor that happens before `target`.
  private mutating func reverseRaces(
    with target: Event, before end: Int, startingFrom threadClock: VectorClock
  ) -> VectorClock {
    var past = threadClock
    // Below the floor nothing is planted, and the clocks there cover only events below it.
    for i in stride(from: end - 1, through: floor, by: -1) {
      let earlier = nodes[i].event
      guard earlier.thread != target.thread, earlier.footprint.conflicts(with: target.footprint)
      else { continue }
      if !nodes[i].happens(before: past) {
        let reversal = notDependent(on: i, then: target)
        if target.footprint.canBlock && !isExecutable(reversal, i) {
          // Not a reversible race: `earlier` enabled `target` (a release before an acquire, a
          // store an `await` waited for). The race to reverse is with whatever `earlier` comes
          // after, so look further back as if `earlier` were not on the happens-before chain.
          continue
        }
        plant(at: i, sequence: reversal)
      }
      past.join(nodes[i].clock)
    }
    return past
  }

  /// `notdep(e_i, E).last`: the events after `e_i` that do not happen after it, in order, then
  /// `last`; built in one array of the right capacity (this runs for every race).
  private func notDependent(on i: Int, then last: Event) -> [Event] {
    var result: [Event] = []
    result.reserveCapacity(nodes.count - i)
    for k in (i + 1)..<nodes.count where !nodes[i].happens(before: nodes[k].clock) {
      result.append(nodes[k].event)
    }
    result.append(last)
    return result
  }

  /// Inserts `sequence` into `wut(pre(E, e_i))` unless a sleeping event is a weak initial of it
  /// (an initial, for events a partitioned search inherited).
  private mutating func plant(at i: Int, sequence: [Event]) {
    guard i >= floor else { return }
    let inherited = Int(nodes[i].inheritedSleep)
    for (k, asleep) in nodes[i].sleep.enumerated()
    where sequence.weakInitialIndex(of: asleep, bounded: bounded || k < inherited) != nil { return }
    nodes[i].wakeup.insert(sequence, bounded: bounded)
  }
}
