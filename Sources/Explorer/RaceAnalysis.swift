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
  /// **What may be skipped.** The events before `fresh` were in the previous execution too,
  /// with the same causal pasts, and their races and alternatives were reversed when it ended.
  /// That is not enough to skip them: the sequence planted for a race `e_i ⋖ e_j` is
  /// `notdep(e_i, E).e_j`, and `notdep` runs to the end of `E`, past `fresh`, where the two
  /// executions differ. The sleep-set test at `pre(E, e_i)` asks whether a sleeping step is a weak
  /// initial of that whole sequence, so its answer can change with the events after `fresh`: a
  /// step that was a weak initial of the previous sequence (independent of all of it) may conflict
  /// with a new event. The choices of a step show it most plainly: for `t2: r = choose(2)`
  /// followed only by steps of `t2`, the alternative `[t2/1]` is blocked by a sleeping `t0` that
  /// touches none of it; in a later execution where `t1; t0` (racing on `x`) run after the choice
  /// and before `t2`'s next step, `[t1, t0, t2/1]` is not, and that trace was never run (issue 13:
  /// 15 executions for 16 traces).
  ///
  /// So a race or alternative planted at node `i` with its later event before `fresh` is skipped
  /// only when the sequence is the same as last time: when every event from `fresh` on, in the
  /// previous execution and in this one, happens after `e_i` (`notdep(e_i, E)` then ends before
  /// `fresh`). `settled` is the meet of the clocks of those events: node `i` is settled when it
  /// covers `e_i`. By induction on the executions, the sequence of every race of the prefix has
  /// then been planted (or found covered or asleep) at node `i` while `e_i` was on the stack, so
  /// planting it again would change nothing.
  mutating func plantWakeupSequences(
    statuses: [StepStatus], cut: Bool, fresh: Int = 0, settled: VectorClock = .top
  ) {
    // A table, not a closure over `nodes`: a second reference would make planting copy them.
    let settledNodes = nodes.indices.map { i in
      i < fresh && settled.covers(thread: Int(nodes[i].event.thread), index: nodes[i].indexInThread)
    }
    let isSettled = { (i: Int) -> Bool in settledNodes[i] }
    // Nodes before this one are settled: races with a later event before `fresh` plant nothing.
    let firstUnsettled = (floor..<max(floor, min(fresh, nodes.count))).first { !isSettled($0) }
      ?? max(floor, fresh)
    var lastClock = [VectorClock](repeating: VectorClock(), count: statuses.count)
    for j in nodes.indices {
      let event = nodes[j].event
      defer { lastClock[Int(event.thread)] = nodes[j].clock }
      if j < fresh {
        guard j >= firstUnsettled else { continue }
        _ = reverseRaces(
          with: event, before: j, startingFrom: lastClock[Int(event.thread)],
          downTo: firstUnsettled, skipping: isSettled)
        if isSettled(j) { continue }
      } else {
        _ = reverseRaces(with: event, before: j, startingFrom: lastClock[Int(event.thread)])
      }
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

  /// Reverses every race `e ⋖ target` with `e` among the first `end` events, from the last down
  /// to `lowest` (and never below the floor), leaving out the nodes `skipping` names; returns the
  /// clock of everything from there up that happens before `target`.
  private mutating func reverseRaces(
    with target: Event, before end: Int, startingFrom threadClock: VectorClock,
    downTo lowest: Int = 0, skipping: (Int) -> Bool = { _ in false }
  ) -> VectorClock {
    var past = threadClock
    // Below the floor nothing is planted, and the clocks there cover only events below it.
    for i in stride(from: end - 1, through: max(floor, lowest), by: -1) {
      let earlier = nodes[i].event
      guard earlier.thread != target.thread, earlier.footprint.conflicts(with: target.footprint)
      else { continue }
      if !nodes[i].happens(before: past) {
        let skipped = skipping(i)
        if !skipped || target.footprint.canBlock {
          let reversal = notDependent(on: i, then: target)
          if target.footprint.canBlock && !isExecutable(reversal, i) {
            // Not a reversible race: `earlier` enabled `target` (a release before an acquire, a
            // store an `await` waited for). The race to reverse is with whatever `earlier` comes
            // after, so look further back as if `earlier` were not on the happens-before chain.
            continue
          }
          if !skipped { plant(at: i, sequence: reversal) }
        }
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
